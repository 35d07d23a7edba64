"""The test harness that runs *inside* the sandbox, next to the untrusted code.

It is shoal's own code, written into the sandbox's directory as ``runner.py``: it loads
``solution.py``, then runs ``tests.py`` (``test_*`` functions; or ``check(candidate)``, the
HumanEval form, given the entry point) and the (expression, expected) examples, and writes
``result.json``. A test that fails records its error and traceback; one that hangs is cut
off by the sandbox's deadline.
"""

SOURCE = r"""
import json, os, sys, traceback

result = {"passed": 0, "total": 0, "failures": []}
MAIN = os.getpid()


def save():
    # only this process reports (code that forks must not have its children overwrite it),
    # and atomically (a half-written report is no report)
    if os.getpid() != MAIN:
        return
    with open("result.tmp", "w", encoding="utf-8") as fh:
        json.dump(result, fh)
    os.replace("result.tmp", "result.json")


def fail(name, exc):
    result["failures"].append({
        "test": name,
        "error": (type(exc).__name__ + ": " + str(exc))[:500],
        "traceback": "".join(traceback.format_exception(exc))[-3000:],
    })


sys.setrecursionlimit(3000)
namespace = {"__name__": "solution"}
try:
    with open("solution.py", encoding="utf-8") as fh:
        exec(compile(fh.read(), "solution.py", "exec"), namespace)
except BaseException as exc:
    result["total"] = 1
    fail("loading the code", exc)
    save()
    os._exit(0)
save()

with open("tests.py", encoding="utf-8") as fh:
    tests = fh.read()
with open("examples.json", encoding="utf-8") as fh:
    examples = json.load(fh)
with open("entry.txt", encoding="utf-8") as fh:
    entry = fh.read().strip()

cases = []
if tests.strip():
    scope = dict(namespace)
    scope["__name__"] = "tests"
    try:
        exec(compile(tests, "tests.py", "exec"), scope)
    except BaseException as exc:
        result["total"] += 1
        fail("loading the tests", exc)
        save()
        os._exit(0)
    if "check" in scope and entry and entry in namespace:
        cases.append(("check", lambda: scope["check"](namespace[entry])))
    for name, fn in list(scope.items()):
        if name.startswith("test") and callable(fn):
            cases.append((name, fn))

for i, (expr, expected) in enumerate(examples):
    def run(expr=expr, expected=expected):
        got = eval(expr, dict(namespace))
        want = eval(expected, dict(namespace))
        if got != want:
            raise AssertionError(f"{expr} returned {got!r}, expected {want!r}")
    cases.append((f"example {i + 1}: {expr}", run))

for name, fn in cases:
    result["total"] += 1
    try:
        fn()
        result["passed"] += 1
    except BaseException as exc:
        fail(name, exc)
    save()
save()
os._exit(0)
"""
