"""The test harness that runs *inside* the sandbox, next to the untrusted code.

It is shoal's own code, written into the sandbox's directory as ``runner.py``: it loads
``solution.py``, then runs ``tests.py`` (``test_*`` functions; or ``check(candidate)``, the
HumanEval form, given the entry point) and the (expression, expected) examples, and writes
``result.json``. A test that fails records its error and traceback; one that hangs is cut
off by the sandbox's deadline.
"""

SOURCE = r"""
import ast, json, os, sys, traceback

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
    # the harness's own frames are noise to the model fixing the code
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != __file__]
    text = "Traceback (most recent call last):\n" + "".join(traceback.format_list(frames))
    text += "".join(traceback.format_exception_only(exc))
    result["failures"].append({
        "test": name,
        "error": (type(exc).__name__ + ": " + str(exc))[:500],
        "traceback": text[-3000:],
    })


class ShowValues(ast.NodeTransformer):
    # `assert f(x) == 3` fails with a bare AssertionError; like pytest, say what each side
    # was, so the model fixing the code knows what its code returned
    n = 0

    def visit_Assert(self, node):
        test = node.test
        if node.msg is not None or not isinstance(test, ast.Compare) or len(test.ops) != 1:
            return node
        ShowValues.n += 1
        left, right = f"_shoal_l{self.n}", f"_shoal_r{self.n}"
        said = f"assert {ast.unparse(test)}: {ast.unparse(test.left)} is "
        other = f", {ast.unparse(test.comparators[0])} is "
        message = ast.parse(f"{said!r} + repr({left}) + {other!r} + repr({right})",
                            mode="eval").body
        new = [
            ast.Assign([ast.Name(left, ast.Store())], test.left),
            ast.Assign([ast.Name(right, ast.Store())], test.comparators[0]),
            ast.If(
                ast.UnaryOp(ast.Not(), ast.Compare(ast.Name(left, ast.Load()), test.ops,
                                                   [ast.Name(right, ast.Load())])),
                [ast.Raise(ast.Call(ast.Name("AssertionError", ast.Load()), [message], []))],
                [],
            ),
        ]
        for stmt in new:
            ast.copy_location(stmt, node)
            ast.fix_missing_locations(stmt)
        return new


def compile_tests(source):
    try:
        tree = ShowValues().visit(ast.parse(source, "tests.py"))
        ast.fix_missing_locations(tree)
        return compile(tree, "tests.py", "exec")
    except (SyntaxError, ValueError, TypeError):
        return compile(source, "tests.py", "exec")


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
        exec(compile_tests(tests), scope)
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
