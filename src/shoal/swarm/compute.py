"""What shoal computes from verified records: filters, counts, sums, groups, rankings.

Never a model, never model-written code: comparisons and arithmetic over values that were
checked against the text. Text compares by words ("Cobalt" matches "Cobalt depot"),
numbers and dates by value. A record missing a field a condition needs does not match
(it is counted as undetermined, so the answer can say so).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from statistics import fmean
from typing import Any

from shoal.swarm.check import name_word, terms
from shoal.swarm.query import YES_NO, Condition, QueryPlan
from shoal.swarm.records import Record, Value
from shoal.swarm.values import parse_date, parse_number


def _words(value: Value) -> set[str]:
    return set(terms(str(value)))


def test(cond: Condition, record: Record, plan: QueryPlan) -> bool | None:
    """Whether ``record`` meets ``cond``; None when it lacks the field."""
    f = plan.field_named(cond.field)
    if f is None:
        return None
    value = record.values.get(cond.field)
    if value is None:
        return None
    op = cond.op
    if f.type in YES_NO:
        return bool(value) if op == "is_true" else not bool(value)
    if f.type == "text":
        want = set(terms(cond.value))
        words = _words(value)
        if op in ("contains", "not_contains"):  # "Readline features": under its heading
            words |= {w for h in record.heads for w in terms(h[2])}
        inside = bool(want) and want <= words
        return inside if op in ("eq", "contains") else not inside
    want_v: float | date | None = (
        parse_number(cond.value) if f.type == "number" else parse_date(cond.value)
    )
    if want_v is None or not isinstance(value, type(want_v)):
        return None
    have: Any = value
    return {
        "eq": have == want_v,
        "ne": have != want_v,
        "contains": have == want_v,
        "not_contains": have != want_v,
        "gt": have > want_v,
        "ge": have >= want_v,
        "lt": have < want_v,
        "le": have <= want_v,
    }.get(op)


@dataclass
class Result:
    operation: str
    value: float | int | str | None
    """The computed answer (a count, a sum, ...); None for lists and when nothing matched."""
    items: list[Record] = field(default_factory=list)
    """The records the answer rests on (all matching; the top k for top)."""
    groups: dict[str, int] = field(default_factory=dict)
    undetermined: int = 0
    """Records that lacked a field some condition needed."""
    considered: int = 0


def _extra_names(value: Value, cond: Condition) -> list[str]:
    """The capitalised words ``value`` adds to a name the condition asks for ("Express" in
    "Pilates Express" for "Pilates"); titles and legal forms add none."""
    want = set(terms(cond.value))
    return [
        w
        for w in re.findall(r"[\w'-]+", str(value))
        if name_word(w) and not set(terms(w)) <= want
    ]  # fmt: skip


def _distinct_names(plan: QueryPlan, records: list[Record]) -> set[int]:
    """The text conditions (by index) whose name the records also give bare: where one
    register line says "Pilates" and another "Pilates Express", the document tells the two
    apart, and "contains Pilates" is met by "Pilates" only. Where every line says "Cobalt
    Depot", nothing is told apart and the condition is met by words as usual."""
    out = set()
    for i, c in enumerate(plan.where):
        f = plan.field_named(c.field)
        if f is None or f.type != "text" or c.op not in ("eq", "contains"):
            continue
        if not c.value[:1].isupper():
            continue
        want = set(terms(c.value))
        values = [r.values.get(c.field) for r in records if r.verified]
        if any(v is not None and set(terms(str(v))) == want for v in values):
            out.add(i)
    return out


def matching(plan: QueryPlan, records: list[Record]) -> tuple[list[Record], int]:
    """Verified records that meet every condition, and how many could not be decided."""
    out, unknown = [], 0
    strict = _distinct_names(plan, records)
    for r in records:
        if not r.verified:
            continue
        verdicts = [
            False
            if i in strict and (v := r.values.get(c.field)) is not None and _extra_names(v, c)
            else test(c, r, plan)
            for i, c in enumerate(plan.where)
        ]
        if all(v is True for v in verdicts):
            out.append(r)
        elif any(v is None for v in verdicts) and not any(v is False for v in verdicts):
            unknown += 1
    return out, unknown


def distinct(records: list[Record]) -> list[Record]:
    """One record per source passage (overlapping units and re-reads repeat passages);
    a later (stronger) read of a passage replaces an earlier one."""
    by_key: dict[tuple[str, int], Record] = {}
    for r in records:
        by_key[r.key] = r
    return sorted(by_key.values(), key=lambda r: (r.doc_id, r.start))


def compute(plan: QueryPlan, records: list[Record]) -> Result:
    found, unknown = matching(plan, distinct(records))
    op = plan.operation
    result = Result(op, None, found, undetermined=unknown, considered=len(records))
    numbers = [(r, float(v)) for r in found if isinstance(v := r.values.get(plan.target), float)]
    if op == "count":
        result.value = len(found)
    elif op == "sum":
        result.value = sum(x for _, x in numbers) if numbers else 0
        result.items = [r for r, _ in numbers]
    elif op == "mean":
        result.value = fmean(x for _, x in numbers) if numbers else None
        result.items = [r for r, _ in numbers]
    elif op in ("min", "max"):
        if numbers:
            pick = (min if op == "min" else max)(numbers, key=lambda p: p[1])
            result.value, result.items = pick[1], [pick[0]]
        else:
            result.items = []
    elif op == "top":
        ranked = sorted(
            (r for r in found if plan.target in r.values),
            key=lambda r: r.values[plan.target],
            reverse=plan.descending,
        )
        result.items = ranked[: max(1, plan.k)]
    elif op == "group":
        counts: Counter[str] = Counter()
        names: dict[str, str] = {}
        for r in found:
            v = r.values.get(plan.group_by)
            if v is None:
                continue
            key = " ".join(terms(str(v))) or str(v)
            names.setdefault(key, str(v))
            counts[key] += 1
        result.groups = {names[k]: n for k, n in counts.most_common()}
        result.value = len(result.groups)
    return result


def judge(plan: QueryPlan, records: list[Record]) -> list[dict[str, Any]]:
    """One verdict per document: its values (first verified per field, from any part) and
    whether they meet every condition (None: a condition could not be decided)."""
    by_doc: dict[str, list[Record]] = {}
    for r in records:
        by_doc.setdefault(r.doc_id, []).append(r)
    rows = []
    for doc_id, recs in by_doc.items():
        merged = Record(
            recs[0].unit,
            doc_id,
            recs[0].doc_name,
            recs[0].start,
            recs[-1].end,
            "",
            model=", ".join(dict.fromkeys(r.model for r in recs)),
        )
        for r in recs:
            for k, v in r.values.items():
                if k not in merged.values or (isinstance(v, bool) and v):
                    merged.values[k] = v
                    if k in r.spans:
                        merged.spans[k] = r.spans[k]
                    merged.mended.pop(k, None)
                    if k in r.mended:  # how shoal read it, shown with the item
                        merged.mended[k] = r.mended[k]
            for k, why in r.rejected.items():
                if k not in merged.values:
                    merged.rejected.setdefault(k, why)
        merged.rejected = {k: w for k, w in merged.rejected.items() if k not in merged.values}
        verdicts = [test(c, merged, plan) for c in plan.where]
        passed: bool | None
        if all(v is True for v in verdicts):
            passed = True
        elif any(v is False for v in verdicts):
            passed = False
        else:
            passed = None
        rows.append(
            {
                "document": merged.doc_name,
                "doc_id": doc_id,
                "passes": passed,
                "record": merged,
                "verdicts": verdicts,
            }
        )
    return sorted(rows, key=lambda row: row["document"])
