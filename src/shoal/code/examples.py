"""Reading code out of replies and tests out of docstrings: shoal's parsing, no model."""

from __future__ import annotations

import ast
import re

_FENCE = re.compile(r"```(?:python|py|Python)?[ \t]*\n(.*?)(?:```|\Z)", re.DOTALL)


def extract_code(reply: str) -> str:
    """The code in a model's reply. Fences split the reply into pieces; small models open
    and close them unevenly (code, a closing fence, then prose), so the piece chosen is
    the longest one that parses as Python, else the longest fenced one, else the reply."""
    pieces = [p.strip("\n") for p in _FENCE_LINE.split(reply)]
    pieces = [p for p in pieces if p.strip()]
    parsing = [p for p in pieces if _parses(p)]
    if parsing:
        return max(parsing, key=len) + "\n"
    blocks: list[str] = [str(b).strip("\n") for b in _FENCE.findall(reply)]
    if blocks:
        return max(blocks, key=len) + "\n"
    return reply.strip("\n") + "\n"


_FENCE_LINE = re.compile(r"^[ \t]*```[\w+-]*[ \t]*$", re.MULTILINE)


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return any(not ln.strip().startswith("#") for ln in code.splitlines() if ln.strip())


def same_code(a: str, b: str) -> bool:
    """Whether two drafts are the same program, comments and blank lines aside."""

    def bare(code: str) -> list[str]:
        return [ln.rstrip() for ln in code.splitlines()
                if ln.strip() and not ln.strip().startswith("#")]  # fmt: skip

    return bare(a) == bare(b)


# ``f(x) == y``, ``f(x) ==> y``, ``f(x) ➞ y``, ``f(x) # => y``: the call, an arrow, the value.
# A bullet or a leading "for" before the call is dropped. ``==>`` is tried before ``==``.
_ARROW = re.compile(
    r"^\s*(?:[*\-•]\s*|for\s+)?(?P<call>[A-Za-z_]\w*\(.*\))\s*(?:#\s*)?"
    r"(?:==>|==|➞|=>|->|→|returns|should return)\s*(?P<value>.+?)\s*$"
)
# ``f(x) = y``: a statement that may be about something else (HumanEval/130's ``tri(4) = 3``
# describes the sequence; ``tri`` returns a list), so only literal values, and only when
# every such line of the function agrees on the value's type.
_EQUALS = re.compile(r"^\s*(?P<call>[A-Za-z_]\w*\(.*\))\s*=(?!=)\s*(?P<value>.+?)\s*$")
# "Input: arr = [1, 2], k = 3" then "Output: [2]"; "For lst = [1, 2] the output should be 3"
_INPUT = re.compile(r"^\s*Input\s*:\s*(?P<args>\S.*?)\s*$", re.IGNORECASE)
_OUTPUT = re.compile(r"^\s*Output\s*:\s*(?P<value>\S.*?)\s*$", re.IGNORECASE)
_KEYWORD_EQUALS = re.compile(r"\s*=\s*")
_FOR = re.compile(r"^\s*For\s+(?P<args>\w+\s*=.+?),?\s+the output should be\s+(?P<value>.+?)\s*$",
                  re.IGNORECASE)  # fmt: skip


def _valid(expr: str) -> bool:
    try:
        ast.parse(expr, mode="eval")
    except SyntaxError:
        return False
    return True


def _literal(text: str) -> tuple[object, str] | None:
    """(value, source) of the Python literal ``text`` is, a trailing full stop or
    ``# comment`` aside; None if it is not one (so a literal ``None`` is still found)."""
    text = re.sub(r"\s+#.*$", "", text.strip()).rstrip(".").strip()
    try:
        return (ast.literal_eval(text), text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _parameters(source: str, entry_point: str) -> list[str] | None:
    """The parameter names of ``entry_point`` as ``source`` defines it (None: not found)."""
    try:
        tree = ast.parse(source + ("\n    pass\n" if source.rstrip().endswith('"""') else ""))
    except SyntaxError:
        tree = None
    if tree is not None:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
                node.name == entry_point
            ):
                return [a.arg for a in node.args.args]
    m = re.search(rf"def\s+{re.escape(entry_point)}\s*\(([^)]*)\)", source)
    if m is None:
        return None
    return [a.split(":")[0].split("=")[0].strip() for a in m.group(1).split(",") if a.strip()]


def _call(entry_point: str, args: str, params: list[str] | None) -> str | None:
    """``entry_point(...)`` from prose arguments: ``arr = [1, 2], k = 3`` (names that are
    the function's parameters, in any order) or one bare literal for a one-parameter
    function. None when the arguments are not literals or do not fit the signature."""
    if params is None:
        return None
    text = args.strip().rstrip(".")
    # "arr = [1, 2], k = 3" is call syntax once the spaces around "=" go
    call = None
    for candidate in (text, _KEYWORD_EQUALS.sub("=", text)):
        try:
            call = ast.parse(f"f({candidate})", mode="eval").body
            break
        except SyntaxError:
            continue
    if not isinstance(call, ast.Call) or not _all_literal(call):
        return None
    names = [k.arg for k in call.keywords]
    if call.args and (names or len(call.args) != len(params)):
        return None
    if names and (None in names or set(names) != set(params)):
        return None
    if call.args:
        inner = ", ".join(ast.unparse(a) for a in call.args)
    else:
        inner = ", ".join(f"{k.arg}={ast.unparse(k.value)}" for k in call.keywords)
    return f"{entry_point}({inner})"


def docstring_examples(source: str, entry_point: str = "") -> list[tuple[str, str]]:
    """(expression, expected) pairs from the examples in a function's docstring, the forms
    people write them in:

    - doctest lines, ``>>> f(1)`` then ``2``, or ``>>> f(1) == 2`` with no output line;
    - arrows: ``f(1) == 2``, ``f(1) ==> 2``, ``f(1) ➞ 2``, ``f(1) # returns 2``;
    - ``f(1) = 2``, only with literal values that agree on their type (``tri(4) = 3`` in a
      description of the sequence ``tri`` returns is not a test);
    - prose: ``Input: arr = [1, 2], k = 3`` then ``Output: [2]``, and ``For lst = [1, 2]
      the output should be 3``, only with literal arguments that fit the signature.

    Only calls of ``entry_point`` (when given), and only pairs that parse as Python. A wrong
    visible test makes the loop break right code, so a form that may not be a test is left
    out rather than guessed."""
    lines = source.splitlines()
    out: list[tuple[str, str]] = []
    equals: list[tuple[str, str]] = []
    """Pairs read from ``f(x) = y`` lines: kept only if their values agree on a type."""
    params = _parameters(source, entry_point) if entry_point else None
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith(">>>"):
            expr = line[3:].strip()
            j = i + 1
            while j < len(lines) and lines[j].strip().startswith("..."):
                expr += "\n" + lines[j].strip()[3:]
                j += 1
            expected = []
            while j < len(lines) and lines[j].strip() and not lines[j].strip().startswith(">>>"):
                if lines[j].strip() in ('"""', "'''"):
                    break
                expected.append(lines[j].strip())
                j += 1
            want = " ".join(expected).strip()
            if want and _valid(expr) and _valid(want):
                out.append((expr, want))
            elif not want and (pair := _arrow(expr)):
                out.append(pair)
            i = j
            continue
        if pair := _arrow(line):
            out.append(pair)
        elif (m := _EQUALS.match(line)) and _literal_args(m.group("call")):
            if (lit := _literal(m.group("value"))) is not None:
                equals.append((m.group("call"), lit[1]))
        elif entry_point and (m := _FOR.match(line)):
            call, lit = _call(entry_point, m.group("args"), params), _literal(m.group("value"))
            if call and lit is not None:
                out.append((call, lit[1]))
        elif entry_point and (m := _INPUT.match(line)):
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            o = _OUTPUT.match(nxt)
            call = _call(entry_point, m.group("args"), params)
            lit = _literal(o.group("value")) if o else None
            if call and lit is not None:
                out.append((call, lit[1]))
                i += 1
        i += 1
    if entry_point:
        calls = re.compile(rf"(?<![\w.]){re.escape(entry_point)}\s*\(")
        out = [(e, w) for e, w in out if calls.search(e)]
        equals = [(e, w) for e, w in equals if calls.search(e)]
    if len({_kind(w) for _, w in equals} - {None}) <= 1:  # tri(4) = 3 beside tri(3) = [...]
        out += equals
    return list(dict.fromkeys(out))


_JS_WORDS = {"true": "True", "false": "False", "null": "None"}


def _arrow(line: str) -> tuple[str, str] | None:
    """(call, value) of an arrow line whose arguments are literals (``fib4(n) ==
    fib4(n-1) + ...`` defines, ``is_happy(a) => False`` names no value: neither is a test);
    ``true``/``false`` written as in JavaScript are read as Python's."""
    m = _ARROW.match(line)
    if m is None or not _literal_args(m.group("call")):
        return None
    value = re.sub(r"\s+#.*$", "", m.group("value")).rstrip(".").strip()
    value = _JS_WORDS.get(value, value)
    return (m.group("call"), value) if _valid(value) else None


def _kind(value: str) -> str | None:
    """The type of a literal value, numbers as one (None: not a literal, or ``None``)."""
    lit = _literal(value)
    if lit is None or lit[0] is None:
        return None
    v = lit[0]
    if isinstance(v, bool):
        return "bool"
    return "number" if isinstance(v, int | float) else type(v).__name__


def _literal_args(call: str) -> bool:
    """Whether every argument of ``call`` is a literal (``tri(n)`` is a definition)."""
    try:
        node = ast.parse(call, mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, ast.Call) and _all_literal(node)


def _all_literal(call: ast.Call) -> bool:
    """Whether every argument of ``call`` is a Python literal."""
    try:
        for a in [*call.args, *(k.value for k in call.keywords)]:
            ast.literal_eval(a)
    except ValueError:
        return False
    return True
