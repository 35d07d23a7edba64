"""Items to extract records from: shoal splits the input, by its shape, not a model.

- a folder screened document by document (``judge``): one unit per document (split into
  parts when a document is long; its parts' values are joined back per document);
- a text made of short lines (a log, a table, a list): one unit per line;
- prose: one unit per paragraph, long paragraphs cut on sentence ends.

Every character of the input is in some unit (lossless by construction). A unit that cannot
hold a match under the verification rules (a condition names a value the unit's text does
not contain) is ruled out by shoal without a model call, and counted as such.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from shoal.swarm.check import entity_terms, flag_stem, terms
from shoal.swarm.chunk import chunk_document
from shoal.swarm.documents import Document
from shoal.swarm.query import JUDGED, Condition, Field, QueryPlan, clean_name
from shoal.swarm.structure import Outline
from shoal.swarm.values import number_tokens, parse_date

UNIT_TOKENS = 120
"""A prose unit holds about this many tokens (a paragraph, a few sentences): little enough
for a tiny model to list its records without losing count."""
DOCUMENT_TOKENS = 1500
"""A document read whole as one unit, up to this many tokens."""
LINE_SHARE = 0.6
"""A text is line-shaped when this share of its non-empty lines are short."""


@dataclass(frozen=True)
class Unit:
    index: int
    doc_id: str
    doc_name: str
    start: int
    end: int
    text: str
    kind: str = "prose"
    """``line`` (a line of a log, table or list), ``prose``, ``document``, or ``block`` /
    ``lines`` (neighbouring prose units / candidate lines gathered, for the stronger model
    to read: ``extract._blocks_to_read``), or ``documents`` (short documents the stronger
    model reads together in one call: ``extract._together``)."""
    members: tuple[Unit, ...] = ()
    """The lines a ``lines`` block gathers (its text is theirs, one per line, though they
    need not be neighbours in the source) or the documents a ``documents`` unit holds: the
    reader gives one record per member, in order, and each is checked as that member read
    alone."""
    entries: tuple[tuple[int, int], ...] = ()
    """The whole entries a prose unit of an entry-shaped text holds (``entry_starts``), as
    offsets in the document: a record whose values are spread over one entry's lines (the
    version on its first, the date on its last) is anchored on that entry
    (``records._reanchor``)."""
    heads: tuple[Head, ...] = ()
    """The heading lines in force over a prose unit (``structure.Outline`` with its plain
    text shapes): those above it and those inside it. The ones above are shown to the
    reader over the text and count for ruling it out (``scope``); a record's own are those
    in force at its quote (``heads_at``): a value its quote lacks may be its heading's
    (bash's NEWS gives the version only in a section's opening line and "Readline" only
    in a numbered heading over the items; no unit of a few items holds either)."""

    @property
    def above(self) -> tuple[Head, ...]:
        """The headings over the unit that lie before it (what its own text does not show)."""
        return tuple(h for h in self.heads if h.end <= self.start)

    @property
    def scope(self) -> str:
        """The unit's text with the headings above it: what a condition may find."""
        above = self.above
        return "\n".join([*(h.text for h in above), self.text]) if above else self.text


class Head(NamedTuple):
    """A heading line (or lines) in force over a unit, as a span of its document."""

    start: int
    end: int
    level: int
    text: str


def heads_at(heads: tuple[Head, ...], pos: int) -> tuple[Head, ...]:
    """Of ``heads`` (in order), those in force at ``pos``: the nearest one of each level
    before it that no heading of the same or a higher level has closed since, outermost
    first (``structure.Outline.governing`` on a unit's own few)."""
    out: list[Head] = []
    floor = 10**6
    for h in reversed(heads):
        if h.end > pos or h.level >= floor:
            continue
        out.append(h)
        floor = h.level
    return tuple(out[::-1])


ENTRY_WORDS = 12
"""An entry's first line is a heading's length: at most this many words."""
ENTRY_MIN = 3
"""Lines of one shape that start entries: at least this many."""
_LINE_AT = re.compile(r"[^\n]*\n?")


def entry_starts(text: str) -> list[int]:
    """Where the entries of an entry-shaped text begin (a changelog's ``git (1:2.33.1-1)
    unstable`` lines, a NEWS file's ``* Noteworthy changes in release 1.8``, numbered
    clauses): lines at the left margin after a blank line (or first), a heading's length,
    whose first word (digits aside) starts at least ``ENTRY_MIN`` such lines. Not 0.

    An entry's parts name one item together: git's Debian changelog gives an upload's
    version on its first line and its date only on its last. Prose units packed by tokens
    alone joined one entry's date line to the next entry's version line, and the 1.5B lead
    read every 2021 upload of it with its neighbour's version (2026-12-06)."""
    lines: list[tuple[int, str]] = []
    blank = True
    for m in _LINE_AT.finditer(text):
        line = m.group(0).rstrip("\n")
        if not m.group(0):
            break
        if blank and line[:1].strip() and len(line.split()) <= ENTRY_WORDS:
            lines.append((m.start(), re.sub(r"\d+", "0", line.split()[0].lower())))
        blank = not line.strip()
    shapes = Counter(shape for _, shape in lines)
    return [at for at, shape in lines if shapes[shape] >= ENTRY_MIN and at > 0]


def entry_bounds(text: str) -> list[int]:
    """The offsets that cut ``text`` into its entries, 0 and its end included (what comes
    before the first start is one entry too); empty when the text has no entries."""
    starts = entry_starts(text)
    return [0, *starts, len(text)] if starts else []


def _line_shaped(text: str) -> bool:
    """Mostly short lines that each start afresh (a log, a table, a list), not prose wrapped
    at a fixed width (whose lines mostly continue a sentence in lower case)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if len(lines) < 12:
        return False
    short = sum(1 for ln in lines if len(ln.split()) <= 40)
    if short / len(lines) < LINE_SHARE:
        return False
    sentences = sum(1 for ln in lines if re.search(r"[.!?] [A-Z]", ln))
    if sentences / len(lines) >= 0.3:
        return False  # paragraphs, one per line: prose
    continuing = sum(1 for ln in lines if ln[0].islower())
    shapes = Counter(re.sub(r"\d+", "0", ln.split()[0].lower()) for ln in lines)
    columns = sum(1 for ln in lines if "|" in ln or "\t" in ln)
    return (
        continuing / len(lines) < 0.3
        or shapes.most_common(1)[0][1] / len(lines) >= 0.4
        or columns / len(lines) >= 0.5
    )


def split(docs: list[Document], count: Callable[[str], int], per_document: bool) -> list[Unit]:
    out: list[Unit] = []

    def add(
        d: Document,
        start: int,
        end: int,
        kind: str,
        entries: tuple[tuple[int, int], ...] = (),
        outline: Outline | None = None,
    ) -> None:
        if d.text[start:end].strip():
            heads = _heads(d.text, outline, start, end) if outline is not None else ()
            out.append(Unit(len(out), d.id, d.name, start, end, d.text[start:end], kind,
                            entries=entries, heads=heads))  # fmt: skip

    for d in docs:
        if per_document:
            if count(d.text) <= DOCUMENT_TOKENS:
                add(d, 0, len(d.text), "document")
            else:
                for c in chunk_document(d, count, DOCUMENT_TOKENS, 0):
                    add(d, c.start, c.end, "document")
        elif _line_shaped(d.text):
            for m in re.finditer(r"[^\n]+", d.text):
                add(d, m.start(), m.end(), "line")
        else:
            outline = Outline(d.text, plain=True)
            starts = {h.start: h.end for h in outline.heads}
            for a, b, entries in _entry_units(d, count, starts):
                add(d, a, b, "prose", entries, outline if outline.heads else None)
    return out


HEAD_SHARE = 0.5
"""A heading over more than this share of a text (its title) is left out of its units'
heads: it says the same of every unit, and would keep every unit a condition on its
words should rule out."""


def _heads(text: str, outline: Outline, start: int, end: int) -> tuple[Head, ...]:
    """The headings in force over ``text[start:end]``: those above it, and those inside it
    with the ones they answer to (``Unit.heads``)."""
    limit = HEAD_SHARE * len(text)
    found = {h.start: h for h in outline.governing(start) if h.end <= start}
    for h in outline.heads:
        if start <= h.start < end:
            found[h.start] = h
            found.update((g.start, g) for g in outline.governing(h.start) if g.end <= start)
    return tuple(Head(h.start, h.end, h.level, text[h.start : h.end])
                 for h in sorted(found.values(), key=lambda h: h.start)
                 if outline.reach(h) < limit)  # fmt: skip


def _entry_units(
    d: Document, count: Callable[[str], int], heads: dict[int, int] | None = None
) -> list[tuple[int, int, tuple[tuple[int, int], ...]]]:
    """Prose units of about ``UNIT_TOKENS``, each with the whole entries it holds: whole
    entries (``entry_starts``) packed together while they fit, an entry longer than that
    cut like any prose (its parts hold no whole entry). A unit never holds the end of one
    entry and the start of the next, and never ends on a heading (``heads``: start -> end,
    each a cut too): headings it would end with open the next unit. man-db's NEWS packed a
    release's last lines with the next release's heading, and the 1.5B lead, shown the
    fixes of 2.10.1 over the heading of 2.10.0, read none of them (2026-12-06)."""
    bounds = entry_bounds(d.text)
    heads = heads or {}
    cuts = sorted({*(bounds or [0, len(d.text)]), *heads})
    whole = set(itertools.pairwise(bounds))
    out: list[tuple[int, int, tuple[tuple[int, int], ...]]] = []
    packed: list[tuple[int, int]] = []
    tokens = 0

    def bare(a: int, b: int) -> bool:  # a heading and nothing under it
        return a in heads and not d.text[heads[a] : b].strip(" \t\n=-")

    def flush() -> int:
        """Emit the packed pieces but the bare headings they end with, which are kept to
        start the next unit (all of them when the pieces are nothing else); the tokens
        those hold."""
        k = len(packed)
        while k and bare(*packed[k - 1]):
            k -= 1
        if k:
            inside = tuple(e for e in whole if packed[0][0] <= e[0] and e[1] <= packed[k - 1][1])
            out.append((packed[0][0], packed[k - 1][1], tuple(sorted(inside))))
            del packed[:k]
        return sum(count(d.text[a:b]) for a, b in packed)

    for a, b in itertools.pairwise(cuts):
        n = count(d.text[a:b])
        if packed and tokens + n <= UNIT_TOKENS:
            packed.append((a, b))
            tokens += n
            continue
        tokens = flush()
        if tokens + n <= UNIT_TOKENS:
            packed.append((a, b))
            tokens += n
            continue
        start = packed[0][0] if packed else a  # the headings over a long entry open it
        packed.clear()
        tokens = 0
        entry = Document(d.name, d.text[start:b])
        out += [(start + c.start, start + c.end, ())
                for c in chunk_document(entry, count, UNIT_TOKENS)]  # fmt: skip
    flush()
    if packed:  # headings the text ends with: a unit of their own, so nothing is lost
        out.append((packed[0][0], packed[-1][1], ()))
    return out


def unwritten(texts: list[str], plan: QueryPlan, question: str) -> QueryPlan:
    """``plan`` with its word conditions that no text of the input could pass (a text
    field to contain common words the input never uses, a flag whose words it never uses)
    turned into yes/no fields the reader judges (``JUDGED``): such a condition names an
    idea the text words otherwise ("open" action items in minutes that mark actions done,
    never open), and read literally it rules out everything. A condition on a name or a
    number the question gives ("the Atlantis depot") stays: that the input never names it
    is the answer. Each change is noted, and listed in ``plan.unchecked``."""
    names = entity_terms(question)
    one = QueryPlan("list", fields=plan.fields)
    whole = "\n".join(texts)
    kept = []
    for c in plan.where:
        f = plan.field_named(c.field)
        one.where = [c]
        words = terms(c.value) or terms(c.field.replace("_", " "))
        literal = c.op == "eq" or any(w in names or w.isdigit() for w in words)
        if f is None or literal or could_match(whole, one):
            kept.append(c)
            continue
        if f.type == "flag":
            f.type = JUDGED
            idea = " ".join(f.cue)
            kept.append(c)
        else:
            idea = " ".join(words)
            name = clean_name(idea) or "judged"
            while plan.field_named(name) is not None:
                name = f"is_{name}"
            plan.fields.append(Field(name, JUDGED, f"true if the {plan.unit} is {idea}, "
                                     "false if not"))  # fmt: skip
            kept.append(Condition(name, "is_true"))
        plan.unchecked.append(c.describe())
        plan.notes.append(f"condition {c.describe()} could not be checked by its words (they "
                          f"appear nowhere in the input): whether each {plan.unit} is {idea} "
                          "was judged by the reader")  # fmt: skip
    plan.where = kept
    return plan


_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|2[0-2]\d\d)(?!\d)")


def _years(plan: QueryPlan) -> dict[str, tuple[int, int]]:
    """Per date field, the years its conditions leave open (a record operation's: a
    screening's document that never writes its date is left undecided, not failed)."""
    out: dict[str, tuple[int, int]] = {}
    if plan.operation == "judge":
        return out
    for c in plan.where:
        f = plan.field_named(c.field)
        day = parse_date(c.value) if f is not None and f.type == "date" else None
        if day is None or c.op not in ("eq", "gt", "ge", "lt", "le"):
            continue
        lo, hi = out.get(c.field, (0, 9999))
        if c.op in ("eq", "gt", "ge"):
            lo = max(lo, day.year)
        if c.op in ("eq", "lt", "le"):
            hi = min(hi, day.year)
        out[c.field] = (lo, hi)
    return out


def could_match(text: str, plan: QueryPlan) -> bool:
    """False only when no verified record of ``text`` can satisfy the plan's conditions: a
    condition asks a text field to equal or contain a value, a number field to equal a
    number, or a flag to be true, and the text lacks it; or a date field is bounded and the
    text writes no year the bounds leave open (verified values must occur in the text, and
    every date shoal verifies writes its year, so this rules out exactly what verification
    would). Measured: a question about gzip's 2016 releases had every one of its NEWS
    file's 447 lines read by a worker, and 143 re-read by the lead (2026-12-06)."""
    for lo, hi in _years(plan).values():
        if not any(lo <= int(y) <= hi for y in _YEAR.findall(text)):
            return False
    words = set(terms(text))
    stems = {flag_stem(w) for w in words}  # compared with a flag's words only
    numbers = number_tokens(text)
    for c in plan.where:
        f = plan.field_named(c.field)
        if f is None:
            continue
        if f.type == "text" and c.op in ("eq", "contains") and c.value.strip():
            want = terms(c.value)
            if want and not all(w in words for w in want):
                return False
        elif f.type == "number" and c.op == "eq":
            want_n = number_tokens(c.value)
            if want_n and not (want_n & numbers):
                return False
        elif (
            f.type == "flag" and c.op == "is_true" and not all(flag_stem(w) in stems for w in f.cue)
        ):
            return False
    return True
