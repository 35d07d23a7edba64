"""A document's structure: which heading lines govern a place in it.

What a value means often sits above it, not beside it: a changelog's version is the
heading of the section that lists a change, an INI key belongs to its ``[section]``, a
table cell to the table's header row, a CSV field to the header line. shoal reads
documents of every shape, so when the stronger model re-reads a passage it is shown the
headings that govern the passage too, and when shoal judges whether a value's sentence
names what was asked it reads those headings with the sentence.

Detected, with no model and no knowledge of any one format beyond these shapes:

- Markdown headings (``# Title`` to ``###### Title``) and underlined ones (a line over
  ``====`` or ``----``), nested by level;
- section lines (``[service.billing]``);
- header lines of delimited blocks: three or more consecutive lines that split into the
  same number (2+) of fields on ``|``, ``,``, ``;`` or a tab, whose first line has no digits
  while the lines under it do (a pipe table's header, a CSV header, a log's column line).

With ``plain`` (what records are extracted under, ``units.py``), plain text's own shapes
too, the ones release notes and NEWS files use (``_plain_headings``): a section opened by a
rule line, a short line set apart by blank lines whose shape recurs (``version 1.34 -
Sergey Poznyakoff, 2021-02-13``, ``1.  New Features in Bash``, ``Fixes:``), and a
Markdown heading's whole paragraph over its underline (CommonMark's setext heading: IDLE's
``What's New in IDLE 3.12.0`` / ``(since 3.11.0)`` / ``Released on 2023-10-02`` over
``====``). Lookups are not given these: they were measured on the shapes above only.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

_ATX = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+\S.*$", re.MULTILINE)
# A line with something on it, then its underline. Linear in the line's length: the obvious
# ``[^\n]*\S[^\n]*`` backtracks quadratically on every long line that is not underlined,
# holding the GIL for seconds on a large input and stalling the server's event loop.
_SETEXT = re.compile(r"^(?=[^\n]*\S)([^\n]+)\n[ \t]{0,3}(=+|-{3,})[ \t]*$", re.MULTILINE)
_SECTION = re.compile(r"^[ \t]*\[[^\]\n]{1,120}\][ \t]*$", re.MULTILINE)
_LINE = re.compile(r"[^\n]*\n?")
_DELIMITERS = ("|", ",", ";", "\t")
_RULE = re.compile(r"^[\s|:+-]*$")
_DIGIT = re.compile(r"\d")
_OPENING_LINE = re.compile(r"\s*([^\n]{1,100}?)[ \t]*\n[ \t]*\n")
"""A text's first line, when a blank line follows it."""
SECTION_LEVEL = 7
"""Below every Markdown level: a ``[section]`` inside a ``## chapter``."""
PLAIN_LEVEL = 8
"""Plain-text heading lines, below ``[section]`` lines: the shape met first is outermost
(``version 1.34 - ...`` over a ``See https://...`` line that follows)."""
HEADER_LEVEL = 50
"""The innermost: a table's header row governs only the rows of its own block."""
BLOCK_MIN_LINES = 3


@dataclass(frozen=True)
class Heading:
    start: int
    end: int
    """The heading line, without its newline."""
    level: int
    until: int | None = None
    """Where its reach ends (a header row: the end of its block); None: the next heading
    of the same or a higher level."""


class Outline:
    """The headings of one text, found once, and which of them govern a position."""

    def __init__(self, text: str, plain: bool = False):
        self.text = text
        found = _headings(text, plain)
        if plain:
            found += _plain_headings(text, {h.start for h in found})
        heads = {h.start: h for h in found}
        self.heads = sorted(heads.values(), key=lambda h: h.start)
        self._starts = [h.start for h in self.heads]

    def governing(self, pos: int) -> list[Heading]:
        """The headings in force at ``pos``, outermost first: the nearest heading of each
        level above it that no heading of the same or a higher level has closed since."""
        out: list[Heading] = []
        floor = HEADER_LEVEL + 1
        for i in range(bisect_right(self._starts, pos) - 1, -1, -1):
            h = self.heads[i]
            if h.start <= pos < h.end:
                floor = h.level  # a heading is governed only by headings above its level
                continue
            if h.level >= floor:
                continue
            if h.until is not None and pos >= h.until:
                continue
            out.append(h)
            floor = h.level
            if floor == 1:
                break
        return out[::-1]

    def reach(self, h: Heading) -> int:
        """How many characters a heading governs (to the end of its section or block)."""
        end = h.until if h.until is not None else len(self.text)
        i = bisect_right(self._starts, h.start)
        for nxt in self.heads[i:]:
            if nxt.level <= h.level and h.until is None:
                end = nxt.start
                break
        return end - h.end

    def local(self, pos: int, share: float = 0.5) -> list[Heading]:
        """The governing headings of ``pos`` that say something about *where* it is: those
        that govern less than ``share`` of the text (a document's title, or the header of
        a CSV file that is one table, tells every passage the same)."""
        limit = share * len(self.text)
        return [h for h in self.governing(pos) if self.reach(h) < limit]

    def subject(self, pos: int, share: float = 0.5) -> str:
        """What the whole text is about, as it says at ``pos``: the governing headings that
        are not local (a title over most of the text) and a title line that opens the text
        without a heading's mark ("Volta Trail e-bike: warranty terms"), a short line with
        no sentence end, set apart by a blank line. It names the subject of every sentence
        under it; it says nothing about where in the text a sentence is."""
        limit = share * len(self.text)
        parts = [self.text[h.start : h.end] for h in self.governing(pos) if self.reach(h) >= limit]
        m = _OPENING_LINE.match(self.text)
        if (m and m.end(1) <= pos and not m.group(1).endswith((".", "!", "?"))
                and m.group(1) not in parts):  # fmt: skip
            parts.insert(0, m.group(1))
        return "\n".join(parts)

    def section_after(self, heading_start: int, limit: int | None = 600) -> tuple[int, int] | None:
        """The text a heading starting at ``heading_start`` introduces (up to the next
        heading of its level or higher), at most ``limit`` characters (None: all of it);
        None if no heading starts there."""
        i = bisect_right(self._starts, heading_start) - 1
        if i < 0 or self.heads[i].start != heading_start:
            return None
        h = self.heads[i]
        end = h.until if h.until is not None else len(self.text)
        for nxt in self.heads[i + 1 :]:
            if nxt.level <= h.level:
                end = min(end, nxt.start)
                break
        start = h.end + 1
        if limit is not None:
            end = min(end, start + limit)
        return (start, end) if start < end else None

    def heading_at(self, pos: int) -> Heading | None:
        i = bisect_right(self._starts, pos) - 1
        if i >= 0 and self.heads[i].start <= pos < self.heads[i].end:
            return self.heads[i]
        return None


def _headings(text: str, plain: bool = False) -> list[Heading]:
    out = [Heading(m.start(), m.end(), len(m.group(1))) for m in _ATX.finditer(text)]
    for m in _SETEXT.finditer(text):
        line = m.group(1)
        if line.lstrip().startswith(("-", "*", "|", ">")) or _RULE.fullmatch(line):
            continue  # a list item, a table row or a rule over a rule: not a heading
        start = _paragraph_start(text, m.start(1)) if plain else m.start(1)
        out.append(Heading(start, m.end(1), 1 if m.group(2)[0] == "=" else 2))
    out += [Heading(m.start(), m.end(), SECTION_LEVEL) for m in _SECTION.finditer(text)]
    out += _block_headers(text)
    return out


def _fields(line: str, delimiter: str) -> int:
    body = line.strip()
    if delimiter == "|":
        body = body.strip("|")
    return body.count(delimiter) + 1 if delimiter in body else 0


def _block_headers(text: str) -> list[Heading]:
    """Header lines of blocks of delimited lines (see the module's docstring)."""
    lines = [(m.start(), m.group(0).rstrip("\n")) for m in _LINE.finditer(text) if m.group(0)]
    out: list[Heading] = []
    for delimiter in _DELIMITERS:
        i = 0
        while i < len(lines):
            n = _fields(lines[i][1], delimiter)
            if n < 2:
                i += 1
                continue
            j = i + 1
            while j < len(lines) and _fields(lines[j][1], delimiter) == n:
                j += 1
            block = lines[i:j]
            rows = [ln for _, ln in block[1:] if not _RULE.fullmatch(ln)]
            if (
                len(block) >= BLOCK_MIN_LINES
                and not _DIGIT.search(block[0][1])
                and rows
                and sum(1 for r in rows if _DIGIT.search(r)) * 2 >= len(rows)
            ):
                start, line = block[0]
                last_start, last = block[-1]
                out.append(Heading(start, start + len(line), HEADER_LEVEL, last_start + len(last)))
            i = j
    return out


PARAGRAPH_LINES = 3
"""A setext heading's paragraph is taken whole up to this many lines (else its last line)."""
PLAIN_WORDS = 10
"""A plain heading line is a title's length: at most this many words."""
_HRULE = re.compile(r"[ \t]*([-=*_~#])\1{9,}[ \t]*")
"""A rule line: ten or more of one mark, alone."""
_NOT_TITLE = re.compile(r"^[\s*+•>|#-]|[.!?,;]\s*$|://|@")
"""A list item, a quote, a table row, a sentence's end, a link or an address: no title."""


def _paragraph_start(text: str, line_start: int) -> int:
    """Where the paragraph ending with the line at ``line_start`` begins, when it is at most
    ``PARAGRAPH_LINES`` lines (else the line itself)."""
    start = line_start
    for _ in range(PARAGRAPH_LINES - 1):
        if start == 0:
            break
        prev = text.rfind("\n", 0, start - 1) + 1
        line = text[prev : start - 1]
        if not line.strip() or _HRULE.fullmatch(line):
            return start
        start = prev
    if start == 0 or not text[text.rfind("\n", 0, start - 1) + 1 : start - 1].strip():
        return start
    return line_start


def _plain_headings(text: str, taken: set[int]) -> list[Heading]:
    """Plain text's heading lines (see the module's docstring). A rule line after a blank
    line (or first) opens a section, and the first line after it is the section's heading,
    level 1; the text's own first line is one too when it begins the way those do (bash's
    NEWS: each version's section is opened by a rule and "This is a terse description of
    the new features added to bash-4.2 since", the newest one by that line alone). A line
    at the margin with blank lines either side, a title's length, no list mark, sentence end
    or link, is a heading when another line of its shape (its first word with digits as
    0, or any line ending with a colon) is one too; each shape is a level, the one met first
    outermost."""
    lines = [(m.start(), m.group(0).rstrip("\n")) for m in _LINE.finditer(text) if m.group(0)]
    out: list[Heading] = []
    opened: list[tuple[int, str]] = []
    found: list[tuple[int, str, str]] = []
    for i, (start, line) in enumerate(lines):
        if not line.strip() or start in taken or _HRULE.fullmatch(line):
            continue
        before = lines[i - 1][1] if i else ""
        if i and _HRULE.fullmatch(before) and (i < 2 or not lines[i - 2][1].strip()):
            opened.append((start, line))
            continue
        after = lines[i + 1][1] if i + 1 < len(lines) else None
        if (
            after is not None
            and not after.strip()
            and not before.strip()
            and len(line.split()) <= PLAIN_WORDS
            and not _NOT_TITLE.search(line)
        ):
            shape = (
                ":" if line.rstrip().endswith(":") else re.sub(r"\d+", "0", line.split()[0].lower())
            )
            found.append((start, line, shape))
    first = next(((s, ln) for s, ln in lines if ln.strip()), None)
    if (len(opened) >= 2 and first is not None and first[0] not in taken
            and all(ln.split()[0] == first[1].split()[0] for _, ln in opened)):  # fmt: skip
        opened.insert(0, first)
    out += [Heading(s, s + len(ln.rstrip()), 1) for s, ln in opened]
    shapes = Counter(shape for _, _, shape in found)
    levels: dict[str, int] = {}
    for start, line, shape in found:
        if shapes[shape] >= 2 and start not in {s for s, _ in opened}:
            level = levels.setdefault(shape, PLAIN_LEVEL + len(levels))
            out.append(Heading(start, start + len(line.rstrip()), min(level, HEADER_LEVEL - 1)))
    return out
