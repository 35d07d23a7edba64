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


_ARROW = re.compile(r"^\s*(?P<call>[A-Za-z_]\w*\(.*\))\s*(?:==|➞|=>|->|→|returns|should return)"
                    r"\s*(?P<value>.+?)\s*$")  # fmt: skip


def _valid(expr: str) -> bool:
    try:
        ast.parse(expr, mode="eval")
    except SyntaxError:
        return False
    return True


def docstring_examples(source: str, entry_point: str = "") -> list[tuple[str, str]]:
    """(expression, expected) pairs from the examples in a function's docstring: doctest
    lines (``>>> f(1)`` then ``2``) and arrows (``f(1) == 2``, ``f(1) ➞ 2``). Only calls of
    ``entry_point`` (when given), and only pairs that parse as Python."""
    lines = source.splitlines()
    out: list[tuple[str, str]] = []
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
            i = j
            continue
        m = _ARROW.match(line)
        if m and _valid(m.group("call")) and _valid(m.group("value").rstrip(".")):
            out.append((m.group("call"), m.group("value").rstrip(".")))
        i += 1
    if entry_point:
        out = [(e, w) for e, w in out if re.match(rf"\s*{re.escape(entry_point)}\s*\(", e)]
    return list(dict.fromkeys(out))
