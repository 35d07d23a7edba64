"""A second look at what no read named: the sentences of the candidate text that hold a
date the plan could use, that no record covers.

A list or a count is only as good as its recall, and its misses are silent: a read that
skips a sentence leaves nothing behind to check. Dates are the one kind of value shoal can
find by itself in any text (``values.FULL_DATE``), so for a plan with a date field shoal
knows where every possible item's date sits. A date that passes the plan's conditions on its
field, in a candidate unit, that no record was read with where its quote covers it
(verified, rejected or set aside alike: those were read; a quote not found in the text
covers nothing; a quote of a whole paragraph covers only the dates its record gives), is a
place no reader looked at closely enough. Its sentence (or its entry, when short:
``_entry_around``) is read again by the stronger model, gathered with the others one record
per sentence (``records.messages`` for gathered lines, which asks for nulls on a sentence
that is not about the unit), within the run's escalation budget.

Measured where it came from (2026-12-06, deadline lists of 10 and 20 on seeds no run had
used, the 1.5B lead reading every block itself): it listed most deadlines and missed 1, 1
and 4. Numbers have no such reach (a paragraph's number, a year, a quantity are all
numbers), so only dates are looked for.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date

from shoal.swarm.check import sentence_around
from shoal.swarm.compute import test
from shoal.swarm.query import QueryPlan
from shoal.swarm.records import Record
from shoal.swarm.units import Unit, entry_bounds
from shoal.swarm.values import FULL_DATE, parse_date

MISSED_AT_MOST = 24
"""Sentences read again at most: a second look, not a second pass over a dated log."""
LOOKED_AGAIN = frozenset({"list", "count"})
"""The operations given a second look. Counts joined lists after a real changelog
(2026-12-06, git's Debian changelog, "how many uploads ... for the year 2021?"): the 1.5B
lead reading its blocks itself counted 6 of 11 uploads and nothing noticed the 5 it skipped,
each with its date on a trailer line. A lookup or a screening is not a set of dated items."""
BASE_INDEX = 1_000_000
"""Indices of the sentences read again, apart from every unit's and block's (so a resumed
run finds their stored reads)."""


def _usable(plan: QueryPlan, day: date, doc: tuple[str, str, int, int]) -> bool:
    """Whether ``day`` passes every condition on some date field of the plan (a date field
    without conditions takes any date)."""
    doc_id, name, a, b = doc
    for f in plan.fields:
        if f.type != "date":
            continue
        probe = Record(-1, doc_id, name, a, b, "", values={f.name: day})
        if all(test(c, probe, plan) is not False for c in plan.where if c.field == f.name):
            return True
    return False


def _read(r: Record) -> set[date]:
    """The dates a record was read with: its values, and what the model wrote for any field
    (a date it wrote that was rejected was read all the same)."""
    days = {v for v in r.values.values() if isinstance(v, date)}
    for k, v in r.raw.items():
        day = parse_date(v) if k != "quote" and isinstance(v, str) else None
        if day is not None:
            days.add(day)
    return days


ENTRY_CHARS = 600
"""An entry read whole by the second look is at most this long (about 150 tokens)."""


def _entry_around(text: str, bounds: list[int], a: int, b: int) -> tuple[int, int]:
    """Where the second look reads the date at ``[a, b)``: its sentence, or the whole entry
    (``units.entry_bounds``) when that entry is short and the date is its only one. An
    entry's parts name its item together (git's Debian changelog: the version on the first
    line, the date on the last); the date's line alone named no upload of git, and the lead
    read all five such lines it was given as no upload (2026-12-06). An entry with several
    dates (a clause with a deadline and a signing date) is read sentence by sentence, one
    record each."""
    s, e = sentence_around(text, a, b)
    if not bounds:
        return s, e
    i = bisect_right(bounds, a) - 1
    lo, hi = bounds[i], bounds[i + 1]
    if hi - lo > ENTRY_CHARS or sum(1 for _ in FULL_DATE.finditer(text, lo, hi)) != 1:
        return s, e
    return lo, hi


def unread(
    source: dict[str, str], plan: QueryPlan, units: list[Unit], records: list[Record],
    most: int = MISSED_AT_MOST,
) -> list[Unit]:  # fmt: skip
    """The sentences of ``units`` holding a usable date that no record covers, as line
    units in document order (at most ``most``)."""
    if plan.operation not in LOOKED_AGAIN or not any(f.type == "date" for f in plan.fields):
        return []
    covered: dict[str, list[tuple[int, int, set[date]]]] = {}
    for r in records:
        if "quote" in r.rejected:  # its quote was not in the text: it stands for no place
            continue
        days = _read(r)
        covered.setdefault(r.doc_id, []).append((r.start, r.end, days))
        for s, e in r.spans.values():
            covered[r.doc_id].append((s, e, days))
    out: list[Unit] = []
    seen: set[tuple[str, int]] = set()
    bounds: dict[str, list[int]] = {}  # per document, found once
    for u in sorted(units, key=lambda u: (u.doc_id, u.start)):
        text = source[u.doc_id]
        for m in FULL_DATE.finditer(text, u.start, u.end):
            a, b = m.start(), m.end()
            day = parse_date(m.group(0))
            if day is None or any(
                s <= a and b <= e and day in days for s, e, days in covered.get(u.doc_id, [])
            ):
                continue
            if not _usable(plan, day, (u.doc_id, u.doc_name, a, b)):
                continue
            if u.doc_id not in bounds:
                bounds[u.doc_id] = entry_bounds(text)
            s, e = _entry_around(text, bounds[u.doc_id], a, b)
            while s < a and text[s].isspace():
                s += 1
            while e > b and text[e - 1].isspace():
                e -= 1
            if (u.doc_id, s) in seen:
                continue
            seen.add((u.doc_id, s))
            out.append(Unit(BASE_INDEX + len(out), u.doc_id, u.doc_name, s, e, text[s:e],
                            "line"))  # fmt: skip
            if len(out) >= most:
                return out
    return out
