"""Records: the field values a model copied from one unit, each checked against the text.

A record is *verified* only if its quote occurs in the unit and every value it gives is in
that quote: a text value's words, a number as written (or spelled), a date's words. A flag
is not asked of the model at all: shoal sets it from the words of the quote. A value that
fails is rejected with its reason and kept on record; a record with a rejected value never
counts. Records are identified by their source span, so the same passage read twice (two
overlapping units, a worker and the lead) is one record.

For a screening (``judge``), one record per document, each value with its own quote, since
a resume's city and its years of Rust sit in different sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shoal.swarm.check import _STRIP, carries, clean, locate, stem, terms
from shoal.swarm.query import Field, QueryPlan
from shoal.swarm.units import Unit
from shoal.swarm.values import number_in, parse_date, parse_number
from shoal.types import Message

Value = str | float | date | bool


@dataclass
class Record:
    unit: int
    doc_id: str
    doc_name: str
    start: int
    end: int
    """The source span of the quote (for a judgement: of the whole unit)."""
    quote: str
    values: dict[str, Value] = field(default_factory=dict)
    """Verified values, parsed (numbers as floats, dates as dates, flags as bools)."""
    raw: dict[str, Any] = field(default_factory=dict)
    """What the model wrote."""
    rejected: dict[str, str] = field(default_factory=dict)
    """Field -> why its value was rejected."""
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Field -> source span of the quote that holds it (judgements)."""
    model: str = ""

    @property
    def verified(self) -> bool:
        return not self.rejected

    @property
    def key(self) -> tuple[str, int]:
        return (self.doc_id, self.start)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "doc_id": self.doc_id,
            "doc_name": self.doc_name,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "values": {k: _dump(v) for k, v in self.values.items()},
            "raw": self.raw,
            "rejected": self.rejected,
            "spans": {k: list(v) for k, v in self.spans.items()},
            "model": self.model,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any], plan: QueryPlan) -> Record:
        values: dict[str, Value] = {}
        for k, v in (raw.get("values") or {}).items():
            f = plan.field_named(k)
            values[k] = _load(v, f.type if f else "text")
        return cls(
            raw["unit"],
            raw["doc_id"],
            raw["doc_name"],
            raw["start"],
            raw["end"],
            raw["quote"],
            values,
            raw.get("raw") or {},
            raw.get("rejected") or {},
            {k: (v[0], v[1]) for k, v in (raw.get("spans") or {}).items()},
            raw.get("model", ""),
        )


def _dump(v: Value) -> Any:
    return v.isoformat() if isinstance(v, date) else v


def _load(v: Any, kind: str) -> Value:
    if kind == "date" and isinstance(v, str):
        return date.fromisoformat(v)
    if kind == "number":
        return float(v)
    if kind == "flag":
        return bool(v)
    return str(v)


@dataclass
class Extraction:
    """What one read of one unit gave."""

    unit: Unit
    records: list[Record] = field(default_factory=list)
    malformed: str | None = None
    model: str = ""

    @property
    def troubled(self) -> bool:
        """Worth a stronger model's re-read: no valid reply, or a value that failed."""
        return self.malformed is not None or any(not r.verified for r in self.records)

    def to_payload(self) -> dict[str, Any]:
        return {"records": [r.to_dict() for r in self.records], "malformed": self.malformed}

    @classmethod
    def from_payload(
        cls, payload: dict[str, Any], unit: Unit, plan: QueryPlan, model: str
    ) -> Extraction:
        records = [Record.from_dict(r, plan) for r in payload.get("records") or []]
        return cls(unit, records, payload.get("malformed"), model)


# --- prompts ---------------------------------------------------------------------------------
_KIND = {"text": "string", "number": "string", "date": "string"}


def asked(plan: QueryPlan) -> list[Field]:
    """The fields a model copies (flags are set by shoal, from the words)."""
    return [f for f in plan.fields if f.type != "flag"]


def schema(plan: QueryPlan, per_document: bool) -> dict[str, Any]:
    value = {"anyOf": [{"type": "string", "maxLength": 80}, {"type": "null"}]}
    if per_document:
        props: dict[str, Any] = {
            f.name: {
                "type": "object",
                "properties": {
                    "value": value,
                    "quote": {"anyOf": [{"type": "string", "maxLength": 240}, {"type": "null"}]},
                },
                "required": ["value", "quote"],
            }
            for f in asked(plan)
        }
        return {"type": "object", "properties": props, "required": list(props)}
    props = {f.name: value for f in asked(plan)}
    props["quote"] = {"type": "string", "maxLength": 300}
    return {
        "type": "object",
        "properties": {
            "records": {
                "type": "array",
                "maxItems": 10,
                "items": {"type": "object", "properties": props, "required": list(props)},
            }
        },
        "required": ["records"],
    }


def _field_lines(plan: QueryPlan) -> str:
    return "\n".join(f"- {f.name} ({f.type}): {f.description}" for f in asked(plan))


def messages(plan: QueryPlan, unit: Unit, per_document: bool) -> list[Message]:
    """Fields first, the text last: every unit's prompt shares the same long prefix."""
    if per_document:
        system = (
            "You read one document and copy facts from it. For each field below give value "
            "(copied as written in the document, or null if the document does not say) and "
            "quote (the exact sentence of the document that shows it, or null). Use only the "
            "document. Reply with JSON."
        )
        user = f"Fields:\n{_field_lines(plan)}\n\nDocument:\n<<<\n{unit.text}\n>>>"
    else:
        system = (
            f"You read a short text and copy facts from it. Reply with JSON: records, one for "
            f"each {plan.unit} the text describes (an empty list if it describes none), each "
            f"with the fields below (copied as written, or null if the text does not say) and "
            f"quote (the exact sentence or line it comes from). Use only the text."
        )
        user = f"Fields:\n{_field_lines(plan)}\n\nText:\n<<<\n{unit.text}\n>>>"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


# --- checking ---------------------------------------------------------------------------------
def _check_value(f: Field, raw: Any, quote: str) -> tuple[Value | None, str | None]:
    """(parsed value, None) if ``raw`` is in ``quote``; (None, reason) if it is not;
    (None, None) if the model gave none."""
    text = clean(raw if isinstance(raw, str) else (str(raw) if raw is not None else None))
    if text is None:
        return None, None
    if f.type == "number":
        number = parse_number(text)
        if number is None:
            return None, f"{text!r} is not a number"
        if not number_in(number, quote):
            return None, f"{text!r} is not in the quote"
        return number, None
    if f.type == "date":
        day = parse_date(text)
        if day is None:
            return None, f"{text!r} is not a date"
        if not carries(text, quote):
            return None, f"{text!r} is not in the quote"
        return day, None
    if not carries(text, quote):
        return None, f"{text!r} is not in the quote"
    return text.strip(_STRIP) or text, None


def flag(f: Field, text: str) -> bool:
    """A flag is true when ``text`` uses all of the flag's words (stemmed)."""
    stems = {stem(t) for t in terms(text)}
    return all(stem(w) in stems for w in f.cue)


def _place(quote: str | None, unit: Unit) -> tuple[int, int] | None:
    """The source span of ``quote`` in ``unit``, forgiving formatting only."""
    if not quote:
        return None
    found = locate(quote, unit.text)
    if found is None:
        return None
    return unit.start + found[0], unit.start + found[1]


def check_extraction(
    raw: dict[str, Any], unit: Unit, plan: QueryPlan, model: str, per_document: bool
) -> Extraction:
    if per_document:
        return Extraction(unit, [_check_judgement(raw, unit, plan, model)], None, model)
    out = Extraction(unit, [], None, model)
    seen: set[int] = set()
    items = raw.get("records") if isinstance(raw, dict) else None
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        span = _place(item.get("quote"), unit)
        if span is None and len(unit.text) <= 400:
            span = (unit.start, unit.end)  # a line: the unit is its own quote
        if span is None:
            rec = Record(
                unit.index,
                unit.doc_id,
                unit.doc_name,
                unit.start,
                unit.end,
                str(item.get("quote") or "")[:300],
                raw=item,
                model=model,
            )
            rec.rejected["quote"] = "quote not found in the text"
            out.records.append(rec)
            continue
        if span[0] in seen:
            continue  # the model listed one passage twice
        seen.add(span[0])
        quote = unit.text[span[0] - unit.start : span[1] - unit.start]
        rec = Record(
            unit.index, unit.doc_id, unit.doc_name, span[0], span[1], quote, raw=item, model=model
        )
        context = unit.text if len(unit.text) <= 400 else quote
        for f in plan.fields:
            if f.type == "flag":
                rec.values[f.name] = flag(f, context)
                continue
            value, why = _check_value(f, item.get(f.name), quote)
            if why is not None:
                rec.rejected[f.name] = why
            elif value is not None:
                rec.values[f.name] = value
        if any(f.name in rec.values or f.name in rec.rejected for f in asked(plan)):
            out.records.append(rec)
    return out


def _check_judgement(raw: dict[str, Any], unit: Unit, plan: QueryPlan, model: str) -> Record:
    rec = Record(
        unit.index, unit.doc_id, unit.doc_name, unit.start, unit.end, "", raw=raw, model=model
    )
    for f in plan.fields:
        if f.type == "flag":
            continue
        item = raw.get(f.name) if isinstance(raw, dict) else None
        if not isinstance(item, dict):
            continue
        span = _place(item.get("quote"), unit)
        if clean(item.get("value")) is None:
            continue
        if span is None:
            rec.rejected[f.name] = "its quote is not in the document"
            continue
        quote = unit.text[span[0] - unit.start : span[1] - unit.start]
        value, why = _check_value(f, item.get("value"), quote)
        if why is not None:
            rec.rejected[f.name] = why
        elif value is not None:
            rec.values[f.name] = value
            rec.spans[f.name] = span
    for f in plan.fields:
        if f.type == "flag":
            rec.values[f.name] = flag(f, unit.text)
    return rec


def malformed_extraction(unit: Unit, text: str, error: str, model: str) -> Extraction:
    return Extraction(unit, [], f"malformed reply: {error}"[:300], model)
