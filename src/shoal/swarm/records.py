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

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shoal.swarm.check import (
    _STRIP,
    SENTENCE_BREAK,
    STATE_QUALIFIERS,
    akin,
    carries,
    changed_from,
    clean,
    did_not_happen,
    flag_stem,
    locate,
    marked_left_out,
    name_word,
    not_current,
    sentence_around,
    stem,
    terms,
)
from shoal.swarm.query import JUDGED, YES_NO, Field, QueryPlan
from shoal.swarm.units import Head, Unit, heads_at
from shoal.swarm.values import dates_in, number_in, parse_date, parse_number
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
    dropped: dict[str, str] = field(default_factory=dict)
    """Field -> why its value was rejected, for a field the answer does not depend on (no
    condition, target or grouping uses it): the value is left out, the record stands."""
    mended: dict[str, str] = field(default_factory=dict)
    """Field -> how shoal read its value from the quote in place of the model's (a date the
    model transcribed wrongly, when the quote writes exactly one), or why a flag's value is
    the reader's judgement and not its words (``_judge_flag``)."""
    via: str = ""
    """How the values were read when no model read this line: ``template`` (a line of a
    shape the stronger model had read the same way twice, ``templates.py``)."""
    heads: tuple[tuple[int, int, str], ...] = ()
    """The heading lines in force at the quote (``units.heads_at``), as (start, end,
    text): a value the quote lacks may be read from them, a text condition's words may
    stand in them, a flag's words too, and they are cited with the quote."""

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
            "dropped": self.dropped,
            "mended": self.mended,
            "via": self.via,
            "heads": [list(h) for h in self.heads],
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
            raw.get("dropped") or {},
            raw.get("mended") or {},
            raw.get("via") or "",
            tuple((h[0], h[1], h[2]) for h in raw.get("heads") or ()),
        )


def _dump(v: Value) -> Any:
    return v.isoformat() if isinstance(v, date) else v


def _load(v: Any, kind: str) -> Value:
    if kind == "date" and isinstance(v, str):
        return date.fromisoformat(v)
    if kind == "number":
        return float(v)
    if kind in YES_NO:
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


def asked(plan: QueryPlan, unit: Unit | None = None) -> list[Field]:
    """The fields a model copies. Flags are set by shoal, from the words, except in a
    document the stronger model re-reads (``unit``) that never uses a flag's words: there
    it judges the flag, with the sentence that shows it (``unworded``)."""
    out = [f for f in plan.fields if f.type != "flag"]
    if plan.operation == "judge":
        out = [f for f in out if f.name in needed(plan)] or out
    return out + unworded(plan, unit) if unit is not None else out


def needed(plan: QueryPlan) -> set[str]:
    """The fields the answer depends on: those a condition, the target or the grouping
    uses. A screening asks only for these: each other field costs every document's read a
    value and a quoted sentence (the 1.5B lead's plans for 50 tenancy applications carried a
    second ``salary`` beside ``annual_salary``, and a candidate's ``name``, whose rejected
    values made the worker's reads look troubled)."""
    return {c.field for c in plan.where} | {plan.target, plan.group_by} - {""}


def unworded(plan: QueryPlan, unit: Unit | None) -> list[Field]:
    """The flags of ``plan`` that the document ``unit`` (or one of the documents read
    together) never words: "I would be moving in with my dog." never says "pets", and read
    by its words alone the applicant has none (held-out screening of 50 tenancy
    applications, 2026-12-06: one such applicant listed as having no pets)."""
    if unit is None or unit.kind not in ("document", "documents"):
        return []
    texts = [m.text for m in unit.members] if unit.kind == "documents" else [unit.text]
    return [f for f in plan.fields
            if f.type == "flag" and any(worded(f, t) is None for t in texts)]  # fmt: skip


def schema(plan: QueryPlan, unit: Unit, point: bool = False) -> dict[str, Any]:
    """What a reply about ``unit`` must look like: per field a value and its quote (a
    document), one record with no quote (a line: the line is the quote; gathered lines: one
    such record per line), or records with quotes (prose, or a block of paragraphs the
    stronger model reads whole). A short document's quote is one of its sentences and a
    number field's value a number when ``point`` (the stronger model's reads, ``extract``);
    otherwise both are written freely."""
    value: dict[str, Any] = {"anyOf": [{"type": "string", "maxLength": 80}, {"type": "null"}]}
    number: dict[str, Any] = {
        "anyOf": [{"type": "number"}, {"type": "string", "maxLength": 40}, {"type": "null"}]
    }
    digits: dict[str, Any] = {"anyOf": [{"type": "number"}, {"type": "null"}]}
    yes_no: dict[str, Any] = {"anyOf": [{"type": "boolean"}, {"type": "null"}]}
    kinds = {"number": number, JUDGED: yes_no}
    if unit.kind == "documents":  # several short documents read together: one reply each
        docs = {f"d{i}": schema(plan, m, point) for i, m in enumerate(unit.members, 1)}
        return {"type": "object", "properties": docs, "required": list(docs)}
    if unit.kind == "line" or unit.members:
        props: dict[str, Any] = {f.name: kinds.get(f.type, value) for f in asked(plan)}
        # gathered lines: one record per line, in order (its place is its line)
        n = len(unit.members)
        count = {"minItems": n, "maxItems": n} if n else {"maxItems": 1}
        return {
            "type": "object",
            "properties": {
                "records": {
                    "type": "array",
                    **count,
                    "items": {"type": "object", "properties": props, "required": list(props)},
                }
            },
            "required": ["records"],
        }
    if unit.kind == "document":
        choices = sentences(unit.text) if point else None
        quote: dict[str, Any] = (
            {"anyOf": [{"enum": choices}, {"type": "null"}]}
            if choices is not None
            else {"anyOf": [{"type": "string", "maxLength": 240}, {"type": "null"}]}
        )
        props = {
            f.name: {
                "type": "object",
                "properties": {
                    "value": (
                        digits
                        if f.type == "number" and choices
                        else yes_no
                        if f.type in YES_NO
                        else value
                    ),
                    "quote": quote,
                },
                "required": ["value", "quote"],
            }
            for f in asked(plan, unit if point else None)
        }
        return {"type": "object", "properties": props, "required": list(props)}
    props = {f.name: kinds.get(f.type, value) for f in asked(plan)}
    props["quote"] = {"type": "string", "maxLength": 300}
    return {
        "type": "object",
        "properties": {
            "records": {
                "type": "array",
                "maxItems": 16 if unit.kind == "block" else 6,
                "items": {"type": "object", "properties": props, "required": list(props)},
            }
        },
        "required": ["records"],
    }


POINT_MAX = 60
"""A document of at most this many sentences is read by pointing: its quote is one of its
sentences, by grammar, never written."""
_UNQUOTABLE = re.compile(r'["\\\x00-\x1f]')


def sentences(text: str) -> list[str] | None:
    """The sentences (or lines) of a short document a reply may quote, in order, or None
    (too many, or one a grammar cannot spell safely).

    Only the stronger model's reads point (``extract``). Measured (2026-12-05,
    ``benchmarks/pointing.py``, 30 applications and 30 resumes, plan fixed): the 1.5B lead
    pointing settled 30 of 30 applications, 26 right, where writing its quotes it settled 15,
    13 right. SmolLM2-135M, which writing wrote prose of its own and '}{' for numbers,
    pointing settled 2 applications, both wrong (the rent's sentence read as an income): a
    guess that pointing makes look like evidence, where a written guess is caught by the
    check and sent up. So the worker writes. (Resumes: the lead 27 of 30 right either way.)"""
    out: list[str] = []
    for part in SENTENCE_BREAK.split(text):
        part = part.strip()
        if not any(c.isalnum() for c in part) or part in out:
            continue
        if _UNQUOTABLE.search(part):
            return None
        out.append(part)
    return out if 0 < len(out) <= POINT_MAX else None


def _field_lines(plan: QueryPlan, unit: Unit | None = None) -> str:
    kind = {JUDGED: "true or false", "flag": "true or false"}
    return "\n".join(f"- {f.name} ({kind.get(f.type, f.type)}): {f.description}"
                     for f in asked(plan, unit))  # fmt: skip


NOT_IN_QUOTE = " is not in the quote"
"""How a value its quote does not hold is rejected."""


def one_line(text: str) -> str:
    """A member of gathered lines on one line: a short entry the second look reads whole
    (``missed.unread``) spans lines, and the reader is asked for one record per line."""
    return re.sub(r"[ \t]*\n\s*", " ", text.strip())


def messages(plan: QueryPlan, unit: Unit, point: bool = False) -> list[Message]:
    """Fields first, the text last: every unit's prompt shares the same long prefix.
    ``point``: the reply's schema points at a sentence and gives numbers as numbers."""
    if unit.kind == "documents":
        system = (
            "You read several short documents, marked d1, d2 and so on, and copy facts from "
            "each one. For each document and each field below give value (copied as written "
            f"in that document{', a number as its digits' if point else ''}, or null if that "
            "document does not say) and quote (the exact sentence of that document that "
            "shows it, or null). A document's facts come from that document only. Reply with "
            "JSON."
        )
        docs = "\n\n".join(f"d{i}:\n<<<\n{m.text}\n>>>" for i, m in enumerate(unit.members, 1))
        user = f"Fields:\n{_field_lines(plan, unit if point else None)}\n\nDocuments:\n{docs}"
    elif unit.members:
        system = (
            "You copy facts from numbered lines of a log, a table or a list. Reply with "
            "JSON: records, exactly one for each line, in the order of the lines. For a line "
            f"about a {plan.unit}, give the fields below, each copied from that line (a "
            "number as its digits), or null if the line does not give it. For a line that "
            f"is not about a {plan.unit}, give null for every field."
        )
        numbered = "\n".join(f"{i}. {one_line(m.text)}" for i, m in enumerate(unit.members, 1))
        user = f"Fields:\n{_field_lines(plan)}\n\nLines:\n{numbered}"
    elif unit.kind == "line":
        system = (
            "You copy facts from one line of a log, a table or a list. Reply with JSON. If the "
            f"line is about a {plan.unit}, give one record with the fields below, each copied "
            "from the line (a number as its digits), or null if the line does not give it. If "
            f"the line is not about a {plan.unit}, give no records.\n"
            "Example. Fields: colour (text), weight (number). Line: 7 May, the red box weighs "
            '12 kg. Reply: {"records": [{"colour": "red", "weight": 12}]}'
        )
        user = f"Fields:\n{_field_lines(plan)}\n\nLine: {one_line(unit.text)}"
    elif unit.kind == "document":
        system = (
            "You read one document and copy facts from it. For each field below give value "
            f"(copied as written in the document{', a number as its digits' if point else ''},"
            " or null if the document does not say) and quote (the exact sentence of the "
            "document that shows it, or null). Use only the document. Reply with JSON."
        )
        fields = _field_lines(plan, unit if point else None)
        user = f"Fields:\n{fields}\n\nDocument:\n<<<\n{unit.text}\n>>>"
    else:
        system = (
            f"You read a short text and copy facts from it. Reply with JSON: records, one for "
            f"each {plan.unit} the text describes (an empty list if it describes none), each "
            f"with the fields below (copied as written, a number as its digits, true or "
            f"false where the field says so, or null if the text does not say) and quote "
            f"(the exact sentence or line it comes from). Use only the text."
        )
        heads = ""
        if unit.above:
            system += (" The text sits under the headings shown before it: a field the "
                       "text does not give (a version, a section) is copied from them, and "
                       "the quote is still the text's.")  # fmt: skip
            heads = "Headings:\n" + "\n".join(one_line(h.text) for h in unit.above) + "\n\n"
        user = f"Fields:\n{_field_lines(plan)}\n\n{heads}Text:\n<<<\n{unit.text}\n>>>"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


# --- checking ---------------------------------------------------------------------------------
def _check_value(f: Field, raw: Any, quote: str) -> tuple[Value | None, str | None]:
    """(parsed value, None) if ``raw`` is in ``quote``; (None, reason) if it is not;
    (None, None) if the model gave none."""
    if f.type == JUDGED:  # the reader's judgement: no quote can show it
        if isinstance(raw, bool):
            return raw, None
        word = str(raw).strip().casefold() if raw is not None else ""
        yes, no = ("true", "yes", "1"), ("false", "no", "0")
        return (word in yes, None) if word in yes + no else (None, None)
    text = clean(raw if isinstance(raw, str) else (str(raw) if raw is not None else None))
    if text is None:
        return None, None
    if f.type == "number":
        number = parse_number(text)
        if number is None:
            return None, f"{text!r} is not a number"
        if not number_in(number, quote):
            return None, f"{text!r}{NOT_IN_QUOTE}"
        return number, None
    if f.type == "date":
        day = parse_date(text)
        if day is None:
            return None, f"{text!r} is not a date"
        if not carries(text, quote) and day not in dates_in(quote):
            return None, f"{text!r}{NOT_IN_QUOTE}"
        return day, None
    if not carries(text, quote):
        return None, f"{text!r}{NOT_IN_QUOTE}"
    return whole_name(text.strip(_STRIP) or text, quote), None


def whole_name(value: str, quote: str) -> str:
    """A name the model cut short, whole: "Spin" for "checked in to Spin Express" is "Spin
    Express" (measured: the 1.5B lead wrote the class "Spin" for that line, and a count of
    Spin classes counted it). A capitalised value is extended over the capitalised words
    that follow it in the quote (not a title, a legal form or a word in capitals), when
    every place the quote gives it extends alike."""
    if not value[:1].isupper():
        return value
    spots = list(re.finditer(rf"(?<![\w-]){re.escape(value)}(?![\w-])", quote))
    whole = set()
    for m in spots:
        end = m.end()
        while (n := re.match(r" ([A-Z][\w'-]*)", quote[end:])) and (
            name_word(n.group(1)) and not n.group(1).isupper()
        ):
            end += n.end()
        whole.add(quote[m.start() : end])
    return whole.pop() if len(whole) == 1 else value


def _date_of_quote(plan: QueryPlan, quote: str, wrote: Any, line: bool) -> date | None:
    """The quote's date, when the model wrote one the quote does not hold, the quote holds
    exactly one full date and the plan asks for one date. Small models turn 08/10/2026 (day
    first) into 2026-08-10, 2026-10-08 or an impossible 2026-14-09: dropping the record
    would lose it from a count, taking the model's reading would put it in the wrong month.
    On a line of a register the only date there is the record's; in a passage, only a
    slip of transcription is mended (the same day, month and year numbers)."""
    if sum(f.type == "date" for f in plan.fields) != 1:
        return None
    days = dates_in(quote)
    if len(days) != 1:
        return None
    day = next(iter(days))
    said = sorted(int(n) for n in re.findall(r"\d+", str(wrote or "")))
    if not line and said != sorted((day.day, day.month, day.year)):
        return None
    return day


_GENERIC = frozenset(
    ["level", "number", "count", "value", "amount", "total", "name", "date", "time", "kind", "type"]
)
_UNIT_WORDS = frozenset(
    ["years", "months", "weeks", "days", "hours", "minutes", "seconds", "percent", "experience"]
)
"""What a field's number measures in, not what it is of: years_of_rust is named by "rust";
"7 years of C++" is not Rust's (held-out screening of 50 resumes, 2026-12-06: the plan named
the field years_of_rust, "years" labelled every clause, and two "No Rust experience; N years
of C++/Go." passed as Rust years)."""


def label_words(f: Field) -> list[str]:
    """The words a text may label a field with: its name's words ("severity" for
    severity_level; "rust" for years_of_rust: a unit is no label), matched by prefix
    ("sev=3" labels severity)."""
    words = [
        w
        for w in f.name.lower().split("_")
        if len(w) >= 3 and w not in _GENERIC and w not in _UNIT_WORDS and w + "s" not in _UNIT_WORDS
    ]
    return words or [w for w in f.name.lower().split("_") if len(w) >= 3]


def labels(text: str, f: Field) -> list[int]:
    """Positions (in ``terms`` of ``text``) of words that label ``f``."""
    out = []
    for i, t in enumerate(terms(text)):
        if (
            len(t) >= 3
            and not t[0].isdigit()
            and any(w.startswith(t) or t.startswith(w) for w in label_words(f))
        ):
            out.append(i)
    return out


def labelled(f: Field, units: list[Unit]) -> bool:
    """Whether the text names field ``f`` where it gives it (in most of ``units``): then a
    number is evidence of ``f`` only next to that name."""
    if f.type != "number" or not units:
        return False
    return sum(1 for u in units if labels(u.text, f)) >= 0.6 * len(units)


def near_label(value: float, text: str, f: Field, reach: int = 2) -> bool:
    """Whether ``value`` is written within ``reach`` words of a word that labels ``f``, in
    the same clause: in "No Rust experience; 7 years of Python" the 7 is two words from
    "experience" but said of Python (``named_in_its_clause`` holds the same rule for a
    value the reader wrote)."""
    from shoal.swarm.values import number_tokens

    for clause in _CLAUSE_END.split(text):
        words = terms(clause)
        marks = labels(clause, f)
        for i, t in enumerate(words):
            if (number_tokens(t) and number_in(value, t)
                    and any(abs(i - m) <= reach for m in marks)):  # fmt: skip
                return True
    return False


def named_in_its_clause(value: float, text: str, f: Field) -> bool | None:
    """Whether ``value`` stands in a clause of ``text`` that names ``f`` (None when no
    clause names it). "No Rust experience; 7 years of Python." names rust_experience, but
    its 7 is said of Python: a number belongs to the clause it stands in (held-out
    screening of 200 resumes, 2026-12-06: nine such sentences passed as Rust years, the
    lead's null read as 7 by ``_number_of_quote``)."""
    if not labels(text, f):
        return None
    return any(labels(c, f) and number_in(value, c) for c in _CLAUSE_END.split(text))


_CLAUSE_END = re.compile(r"[;!?\n]+|\.(?!\d)")
"""Where a clause ends, for numbers: not at a decimal point."""
_CLAUSE = re.compile(r"[.;!?\n]+")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_DENY_BEFORE = frozenset({"no", "not", "never", "without", "nor", "cannot", "zero"})
_DENY_AFTER = frozenset({"none", "no", "nil", "0", "zero", "n/a"})


def flag(f: Field, text: str) -> bool:
    """Whether ``text`` words flag ``f`` as true (``worded``)."""
    return worded(f, text) is True


def worded(f: Field, text: str) -> bool | None:
    """A flag read from the words: true when one clause of ``text`` uses all of the flag's
    words (stemmed) and does not deny them, false when every clause that uses them denies
    them, None when no clause uses them (the text may still say it otherwise).

    "No pets", "I do not have any pets" and "Pets: none" deny
    ``pets``; a denial is a negative word at most three words before the flag's words, or
    "none"/"no"/"nil" just after them (words of the flag itself never deny it, so
    ``no_show`` is still met by "no-show")."""
    cue = {flag_stem(w) for w in f.cue}
    said: bool | None = None
    for clause in _CLAUSE.split(text.casefold()):
        words = _WORD.findall(clause)
        at = [i for i, w in enumerate(words) if flag_stem(w) in cue]
        if not at or {flag_stem(words[i]) for i in at} != cue:
            continue
        said = False
        first, last = min(at), max(at)
        if any(_denies(w, cue) for w in words[max(0, first - 3) : first]):
            continue
        if any(_denies(w, cue, after=True) for w in words[last + 1 : last + 3]):
            continue
        return True
    return said


def _denies(word: str, cue: set[str], *, after: bool = False) -> bool:
    """Whether ``word``, before (or ``after``) a flag's words, denies them."""
    if flag_stem(word) in cue:
        return False
    return word in _DENY_AFTER if after else (word in _DENY_BEFORE or word.endswith("n't"))


def _place(quote: str | None, unit: Unit) -> tuple[int, int] | None:
    """The source span of ``quote`` in ``unit``, forgiving formatting only (and the
    prompt's own <<< >>> markers, which models copy)."""
    if not quote:
        return None
    quote = quote.replace("<<<", " ").replace(">>>", " ").strip()
    found = locate(quote, unit.text)
    if found is None:
        return None
    return unit.start + found[0], unit.start + found[1]


def check_documents(
    raw: dict[str, Any], unit: Unit, plan: QueryPlan, model: str
) -> list[Extraction]:
    """A reply about several documents read together (a ``documents`` unit): each
    document's part checked as that document read alone."""
    raw = raw if isinstance(raw, dict) else {}
    return [check_extraction(raw.get(f"d{i}") or {}, m, plan, model)
            for i, m in enumerate(unit.members, 1)]  # fmt: skip


def check_extraction(raw: dict[str, Any], unit: Unit, plan: QueryPlan, model: str) -> Extraction:
    if unit.kind == "document":
        return Extraction(unit, [_check_judgement(raw, unit, plan, model)], None, model)
    out = Extraction(unit, [], None, model)
    seen: set[int] = set()
    items = raw.get("records") if isinstance(raw, dict) else None
    items = items if isinstance(items, list) else []
    if unit.members:  # gathered lines: the i-th record is the i-th line's, read alone
        for line, item in zip(unit.members, items, strict=False):
            rec = _record(item, line, plan, model) if isinstance(item, dict) else None
            if rec is not None:
                out.records.append(rec)
        return out
    for item in items:
        if not isinstance(item, dict):
            continue
        rec = _record(item, unit, plan, model)
        if rec is not None and unit.kind != "line" and _misplaced(rec, plan, unit):
            moved = _reanchor(item, unit, plan, model)
            if moved is not None and _better(moved, rec, _key(plan)):
                rec = moved
        if rec is None:
            continue
        if not rec.rejected.get("quote"):
            if rec.start in seen:
                continue  # the model listed one passage twice
            seen.add(rec.start)
        out.records.append(rec)
    return out


def _record(
    item: dict[str, Any], unit: Unit, plan: QueryPlan, model: str, mend: bool = True
) -> Record | None:
    """The checked record of one item of a reply (None: it gives no field at all). With
    ``mend``, a date the model misread is read from its own quote (``_date_of_quote``);
    never when shoal, not the model, chose the quote (``_reanchor``)."""
    line = unit.kind == "line"
    span = (unit.start, unit.end) if line else _place(item.get("quote"), unit)
    if span is None:
        rec = Record(unit.index, unit.doc_id, unit.doc_name, unit.start, unit.end,
                     str(item.get("quote") or "")[:300], raw=item, model=model)  # fmt: skip
        rec.rejected["quote"] = "quote not found in the text"
        return rec
    quote = unit.text[span[0] - unit.start : span[1] - unit.start]
    rec = Record(
        unit.index, unit.doc_id, unit.doc_name, span[0], span[1], quote, raw=item, model=model
    )
    heads = heads_at(unit.heads, span[0]) if not line else ()
    rec.heads = tuple((h.start, h.end, h.text) for h in heads)
    context = unit.text if line else "\n".join([*(h.text for h in heads), quote])
    headed: dict[str, Head] = {}
    for f in plan.fields:
        if f.type == "flag":
            rec.values[f.name] = flag(f, context)
            continue
        value, why = _check_value(f, item.get(f.name), quote)
        held_in = quote
        if why is not None and why.endswith(NOT_IN_QUOTE):
            for h in heads[::-1]:  # the nearest heading first
                held, not_held = _check_value(f, item.get(f.name), h.text)
                if not_held is None and held is not None:
                    value, why, held_in = held, None, h.text
                    headed[f.name] = h
                    break
        if why is not None and f.type == "date" and mend:
            day = _date_of_quote(plan, quote, item.get(f.name), line)
            if day is not None:
                value, why = day, None
                rec.mended[f.name] = f"{item.get(f.name)!r} read as {day.isoformat()}"
        if (
            why is None
            and isinstance(value, float)
            and f.name in plan.labelled
            and not near_label(value, held_in, f)
        ):
            why = f"{value:g} is not next to a word naming {f.name}"
        if why is not None:
            rec.rejected[f.name] = why
        elif value is not None:
            rec.values[f.name] = value
    if not any(f.name in rec.values or f.name in rec.rejected for f in asked(plan)):
        return None
    if headed:
        _heading_s(rec, plan, unit, headed)
    _drop_unneeded(rec, plan)
    return rec


def _heading_s(rec: Record, plan: QueryPlan, unit: Unit, headed: dict[str, Head]) -> None:
    """A record whose item is its heading's (the item's own name, or every value it has,
    read from the heading over its quote) is the heading's record: anchored on it, so the
    reads of every line under one release heading are one release, not one per line (a
    count of gzip's releases would count each release's bullets). A record whose quote
    gives a value of its own (a feature, under its version's heading) stays the quote's,
    and so does one under a heading that names the items in the plural ("1.  New Features
    in Bash" over a count of features whose plan asks only for a version and flags)."""
    key = _key(plan)
    own = [n for n, v in rec.values.items() if not isinstance(v, bool) and n not in headed]
    if own and (key is None or key not in headed):
        return
    if any(_plural_of(plan.unit, h.text) for h in heads_at(unit.heads, rec.start)):
        return  # "New Features in Bash", "Fixes:": a heading over many of the items
    h = max(headed.values(), key=lambda h: h.start)  # the innermost heading used
    rec.start, rec.end, rec.quote = h.start, h.end, h.text
    rec.heads = tuple((g.start, g.end, g.text) for g in heads_at(unit.heads, h.start))
    rec.dropped["quote"] = "its item is its heading's: anchored on the heading"


def _plural_of(unit: str, text: str) -> bool:
    """Whether ``text`` names the plan's items in the plural ("features" for a feature)."""
    nouns = terms(unit)
    if not nouns:
        return False
    u = nouns[-1]
    plurals = {u + "s", u + "es", u[:-1] + "ies", u} if not u.endswith("s") else {u, u + "es"}
    return any(w in plurals - {u} or (u.endswith("s") and w == u) for w in terms(text))


def _key(plan: QueryPlan) -> str | None:
    """The text field that names the item itself, where the plan has one: a field named
    after the unit (``action`` for open action items, ``supplier`` for suppliers)."""
    unit = [stem(t) for t in terms(plan.unit)]
    for f in asked(plan):
        if f.type == "text" and any(akin(stem(t), u) for t in terms(f.name.replace("_", " "))
                                    for u in unit):  # fmt: skip
            return f.name
    return None


def _count(rec: Record) -> int:
    return len([v for v in rec.values.values() if not isinstance(v, bool)])


def _better(moved: Record, rec: Record, key: str | None) -> bool:
    """Whether the re-anchored record beats the one as given: it is verified where that was
    not, or holds the item's name where that did not, or more values."""
    if not rec.verified:
        return True
    if key is not None and (key in moved.values) != (key in rec.values):
        return key in moved.values
    return _count(moved) > _count(rec)


def _misplaced(rec: Record, plan: QueryPlan, unit: Unit) -> bool:
    """Whether the model gave values with the wrong quote: none of them in it, a quote
    stitched from sentences that are not next to each other (so not found), the item's
    own name missing from the quote that was given for it, or, in a unit of whole entries,
    any value missing from it (an entry's values sit on different lines of it)."""
    key = _key(plan)
    return bool(
        rec.rejected.get("record")
        or rec.rejected.get("quote")
        or (key is not None and (key in rec.dropped or key in rec.rejected))
        or (unit.entries and any(w.endswith(NOT_IN_QUOTE) for w in rec.rejected.values()))
    )


def _reanchor(item: dict[str, Any], unit: Unit, plan: QueryPlan, model: str) -> Record | None:
    """A record whose values are not in its quote (the model paired a date with the wrong
    sentence, or stitched two sentences into one quote), anchored on the sentence of the
    unit (or, in an entry-shaped text, the whole entry) that holds the item's name and most
    of its values, if exactly one does (git's Debian changelog: an upload's version on the
    entry's first line, its date on its last; the 1.5B lead quoted the bullet between,
    2026-12-06). The values are checked again there."""
    key = _key(plan)
    found: list[tuple[tuple[bool, int], Record]] = []
    for piece in SENTENCE_BREAK.split(unit.text):
        sentence = piece.strip()
        if len(sentence) < 2:
            continue
        rec = _record({**item, "quote": sentence}, unit, plan, model, mend=False)
        if rec is not None and rec.verified:
            found.append(((key in rec.values, _count(rec)), rec))
    for a, b in unit.entries:  # an entry holds what its lines give together
        entry = unit.text[a - unit.start : b - unit.start].strip()
        rec = _record({**item, "quote": entry}, unit, plan, model, mend=False)
        if rec is not None and rec.verified:
            found.append(((key in rec.values, _count(rec)), rec))
    if not found:
        return None
    best = max(n for n, _ in found)
    top = {r.start: r for n, r in found if n == best}
    whole = max(top.values(), key=lambda r: r.end - r.start)
    if all(whole.start <= r.start and r.end <= whole.end for r in top.values()):
        top = {whole.start: whole}  # an entry and a line of it (its value from its heading)
    if len(top) != 1:
        return None
    (rec,) = top.values()
    rec.dropped["quote"] = "re-anchored: the quote given did not hold its values"
    return rec


def _drop_unneeded(rec: Record, plan: QueryPlan) -> None:
    """A rejected value of a field the answer does not depend on (a paragraph number the
    model made up) is left out, not held against the record; a record none of whose
    values is in its quote is no record."""
    for name in [n for n in rec.rejected if n not in needed(plan) and plan.field_named(n)]:
        rec.dropped[name] = rec.rejected.pop(name)
    if not any(f.name in rec.values for f in asked(plan)) and not rec.rejected:
        rec.rejected["record"] = "none of its values is in its quote"


_PER_YEAR = {"year": 1, "month": 12, "week": 52}
_QUOTE_PERIOD = re.compile(
    r"\b(?:a|per|each|every)\s+(year|month|week)\b|\b(year|month|week)ly\b|\b(annual)(?:ly)?\b"
    r"|/\s*(year|yr|month|mo|week|wk)\b",
    re.IGNORECASE,
)
_FIELD_PERIOD = re.compile(
    r"\b(year|month|week)ly\b|\b(annual)\b|\b(?:per|a|each)\s+(year|month|week)\b", re.IGNORECASE
)  # a rate's period ("annual salary", "rent per month"), never a count of years
_SHORT = {"yr": "year", "mo": "month", "wk": "week", "annual": "year"}


def _period(text: str, pattern: re.Pattern[str]) -> str | None:
    """The one period (year, month or week) ``text`` states a rate for; None if it states
    none or several."""
    found = {_SHORT.get(p.lower(), p.lower()) for m in pattern.finditer(text)
             for p in m.groups() if p}  # fmt: skip
    return found.pop() if len(found) == 1 else None


def per_period(f: Field, value: float, quote: str) -> tuple[float, str | None]:
    """A rate restated for the period its field asks for: ``yearly_income`` read from
    "take home £2,600 a month" is 31,200 (shoal multiplies; the model never does). Only
    when the field's name or description says one period and the quote states one other."""
    want = _period(f"{f.name.replace('_', ' ')} {f.description}", _FIELD_PERIOD)
    have = _period(quote, _QUOTE_PERIOD)
    if want is None or have is None or want == have:
        return value, None
    out = value * _PER_YEAR[have] / _PER_YEAR[want]
    return out, f"{value:g} a {have} is {out:g} a {want}"


def _number_of_quote(f: Field, quote: str) -> float | None:
    """The number a judgement's quote gives for number field ``f``, when the model wrote
    none or misread it: only if the quote names the field ("gross income £36,000 per year"
    for ``yearly_income``) and holds exactly one number. A 1.5B reader often quotes the
    right sentence and leaves the value null; a quote about something else (the rent) names
    no word of the field and gives nothing."""
    from shoal.swarm.values import number_tokens

    if f.type != "number" or not quote or not labels(quote, f):
        return None
    found = number_tokens(quote)
    if len(found) != 1:
        return None
    value = float(next(iter(found)))
    # "No Rust experience; 7 years of Python.": the one number is said of another clause
    return value if named_in_its_clause(value, quote, f) else None


def _bare(given: Any, span: tuple[int, int], unit: Unit) -> bool:
    """Whether a document's quote is nothing but the value, cut out of a longer sentence.
    Such a quote verifies anything the text holds: SmolLM2-135M gave a resume's location
    as "10" and its Rust years as 10, each quoting "10" from "10 years of professional Rust
    development."; the reply passed its checks, decided the candidate out, and was not
    re-read (held-out screening of 50 resumes, 2026-12-06). A value that is a whole line
    ("Location:" above "Lisbon") is its sentence, and stands."""
    lo, hi = span[0] - unit.start, span[1] - unit.start
    if set(terms(unit.text[lo:hi])) - set(terms(str(given))):
        return False
    s, e = sentence_around(unit.text, lo, hi)
    return bool(set(terms(unit.text[s:e])) - set(terms(unit.text[lo:hi])))


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
        quote = unit.text[span[0] - unit.start : span[1] - unit.start] if span else ""
        given = item.get("value")
        if isinstance(given, (int, float)) and not isinstance(given, bool):
            given = str(given)  # a number field's value is a JSON number (the schema)
        if clean(given) is None:
            mended = _number_of_quote(f, quote)
            if mended is None or span is None:
                continue
            rec.values[f.name], rec.spans[f.name] = mended, span
            rec.mended[f.name] = f"no value given; read {mended:g} from its quote"
            continue
        if span is None:
            rec.rejected[f.name] = "its quote is not in the document"
            continue
        if _bare(given, span, unit):
            rec.rejected[f.name] = ("its quote is the value alone, cut from its sentence: it "
                                    "does not show what the value is of")  # fmt: skip
            continue
        value, why = _check_value(f, item.get("value"), quote)
        if why is not None and (mended := _number_of_quote(f, quote)) is not None:
            rec.mended[f.name] = f"{item.get('value')!r} read as {mended:g}, from its quote"
            value, why = mended, None
        if isinstance(value, float) and named_in_its_clause(value, quote, f) is False:
            why = f"{value:g} is said in another clause than the one naming {f.name}"
        if why is not None:
            rec.rejected[f.name] = why
        elif value is not None:
            if isinstance(value, float):
                value, note = per_period(f, value, quote)
                if note:
                    rec.mended[f.name] = note
            rec.values[f.name] = value
            rec.spans[f.name] = span
    for f in plan.fields:
        if f.type == "flag":
            _judge_flag(rec, f, raw, unit)
    return rec


def _judge_flag(rec: Record, f: Field, raw: Any, unit: Unit) -> None:
    """A document's flag: from its words where it uses them; where it never does, the
    stronger model's yes/no with the sentence that shows it (``unworded``: only its reads
    are asked); otherwise left undecided, so the document is re-read, not passed on a
    word it never used."""
    said = worded(f, unit.text)
    if said is not None:
        rec.values[f.name] = said
        return
    item = raw.get(f.name) if isinstance(raw, dict) else None
    span = _place(item.get("quote"), unit) if isinstance(item, dict) else None
    if not isinstance(item, dict) or span is None:
        return
    value, _ = _check_value(Field(f.name, JUDGED), item.get("value"), "")
    if isinstance(value, bool):
        rec.values[f.name], rec.spans[f.name] = value, span
        rec.mended[f.name] = f"the text never says {' '.join(f.cue)}: judged by the reader"


def malformed_extraction(unit: Unit, text: str, error: str, model: str) -> Extraction:
    return Extraction(unit, [], f"malformed reply: {error}"[:300], model)


# --- records the words of their sentence rule out -----------------------------------------------
_UP = re.compile(r"\b(?:rais(?:e|es|ed|ing)|ris(?:e|es|ing)|rose|increas\w*|hik(?:e|es|ed|ing)|"
                 r"up|higher|grow\w*|grew|gain\w*)\b", re.I)  # fmt: skip
_DOWN = re.compile(r"\b(?:cut|cuts|cutting|reduc\w*|lower(?:s|ed|ing)?|decreas\w*|drop\w*|"
                   r"fall\w*|fell|down|cheaper|shrink\w*|shrank)\b", re.I)  # fmt: skip
_COMPARES = frozenset({"gt", "ge", "lt", "le"})


def _direction(text: str) -> str | None:
    up, down = bool(_UP.search(text)), bool(_DOWN.search(text))
    return "up" if up and not down else "down" if down and not up else None


def set_aside(r: Record, plan: QueryPlan, question: str, source: str) -> str | None:
    """Why the words of a verified record's sentence rule it out of a list or count, or
    None. A value its sentence marks as not current ("had proposed a 15% rise but withdrew
    it", "Last year Kellner raised oats by 15%") is not one the question asks about, unless
    the question asks about such values (``check.not_current``). And where the question
    compares a number in one direction ("raising prices by more than 10%"), a sentence that
    moves the other way only ("cutting its price by 25%") states a change of the opposite
    sign: its 25 is no rise of more than 10. Both are word rules over the source sentence,
    never a model's say."""
    s, e = sentence_around(source, r.start, r.end)
    sentence = source[s:e]
    left = marked_left_out(sentence, question)
    if left is not None:
        return f"marked {left!r}, which the question leaves out"
    absent = did_not_happen(sentence, question)
    if absent is not None:
        return f"{absent!r}: it did not take place"
    marks = not_current(sentence, question, STATE_QUALIFIERS)
    if marks:
        return f"marked {', '.join(marks)}"
    for name in r.values:
        said = r.raw.get(name)
        before = changed_from(sentence, str(said), question) if said is not None else None
        if before is not None:
            return f"its {name} is the value it changed from ({before} ...)"
    compares = any(c.op in _COMPARES and (f := plan.field_named(c.field)) is not None
                   and f.type == "number" for c in plan.where)  # fmt: skip
    asked = _direction(question)
    if compares and asked is not None and _direction(sentence) not in (None, asked):
        return f"its sentence says the value went {'down' if asked == 'up' else 'up'}"
    return None
