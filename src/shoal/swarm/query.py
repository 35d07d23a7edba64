"""The query plan: what a question asks shoal to do, typed, checked, and small enough for a
1.5B lead to write.

The lead turns the question into fields to copy from each item and conditions on them
(schema-constrained JSON). It is good at those and unreliable at naming the operation
(it calls a screening a "find", an average a "sum"), so the operation is settled by shoal
from the question's own words and the plan's shape; the lead's choice is the tie-breaker.
A plan that fails validation becomes a lookup (``find``), and the answer says why.

Models only ever copy values out of the text; filters, counts and arithmetic on them are
shoal's (``compute.py``), never a model's and never model-written code.
"""

from __future__ import annotations

import calendar
import logging
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal, get_args

from shoal.errors import ShoalError
from shoal.models.base import Model
from shoal.swarm import prompts
from shoal.swarm.values import FULL_DATE, MONTHS, WORD_NUMBERS, parse_date, parse_number

log = logging.getLogger(__name__)

Operation = Literal[
    "find",
    "list",
    "count",
    "sum",
    "min",
    "max",
    "mean",
    "group",
    "top",
    "judge",
    "compare",
    "summarise",
]
OPERATIONS: tuple[str, ...] = get_args(Operation)
RECORD_OPERATIONS = ("list", "count", "sum", "min", "max", "mean", "group", "top", "judge")
"""Operations answered from records extracted item by item and computed by shoal."""
FieldType = Literal["text", "number", "date", "flag"]
FIELD_TYPES = ("text", "number", "date", "flag")
JUDGED = "judged"
"""A yes/no the stronger reader gives per record, for a condition no word test can decide
(``units.unwritten``). Set by shoal, never offered to the lead; unlike every other value it
is not checked against the quote, and the answer says it was judged."""
YES_NO = ("flag", JUDGED)
COMPARATORS = (
    "eq",
    "ne",
    "contains",
    "not_contains",
    "gt",
    "ge",
    "lt",
    "le",
    "is_true",
    "is_false",
)
_NAME = re.compile(r"[^a-z0-9_]+")


@dataclass
class Field:
    name: str
    type: str
    description: str = ""

    @property
    def cue(self) -> list[str]:
        """A flag's words: the flag is true when the item's text uses all of them."""
        words = [w for w in self.name.split("_") if w not in ("is", "has", "was", "been", "")]
        return words or [self.name]


@dataclass
class Condition:
    field: str
    op: str
    value: str = ""

    def describe(self) -> str:
        words = {
            "eq": "=",
            "ne": "≠",
            "contains": "contains",
            "not_contains": "does not contain",
            "gt": ">",
            "ge": "≥",
            "lt": "<",
            "le": "≤",
        }
        if self.op == "is_true":
            return f"{self.field}"
        if self.op == "is_false":
            return f"not {self.field}"
        return f"{self.field} {words.get(self.op, self.op)} {self.value!r}"


@dataclass
class QueryPlan:
    operation: str
    unit: str = "item"
    fields: list[Field] = field(default_factory=list)
    where: list[Condition] = field(default_factory=list)
    target: str = ""
    group_by: str = ""
    k: int = 0
    descending: bool = True
    notes: list[str] = field(default_factory=list)
    """How shoal adjusted the lead's plan, and why (shown with the answer)."""
    labelled: list[str] = field(default_factory=list)
    """Number fields the text names where it gives them (set by shoal from the units):
    for these a number counts only next to the field's name."""
    unchecked: list[str] = field(default_factory=list)
    """Conditions whose words the input never uses ("action contains 'open'" in minutes
    that mark actions done, never open): no word test can decide them, so they are taken
    out of ``where`` and only a stronger reader is asked to apply them (set by shoal)."""

    def field_named(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> QueryPlan:
        return cls(
            operation=str(raw.get("operation") or "find"),
            unit=str(raw.get("unit") or "item"),
            fields=[Field(**f) for f in raw.get("fields") or []],
            where=[Condition(**c) for c in raw.get("where") or []],
            target=str(raw.get("target") or ""),
            group_by=str(raw.get("group_by") or ""),
            k=int(raw.get("k") or 0),
            descending=bool(raw.get("descending", True)),
            notes=list(raw.get("notes") or []),
            labelled=list(raw.get("labelled") or []),
            unchecked=list(raw.get("unchecked") or []),
        )


# --- the operation, from the question's words ---------------------------------------------
_CUES: list[tuple[str, re.Pattern[str]]] = [
    (
        "compare",
        re.compile(
            r"\b(compare|comparison|differ|difference|changed between|what changed|"
            r"versus|vs\.?)\b",
            re.I,
        ),
    ),
    (
        "summarise",
        re.compile(r"\b(summari[sz]e|summary|overview|main points|key points|gist)\b", re.I),
    ),
    ("mean", re.compile(r"\b(average|mean)\b", re.I)),
    ("sum", re.compile(r"\b(total|sum|altogether|in all|combined)\b", re.I)),
    ("count", re.compile(r"\b(how many|number of|count)\b", re.I)),
    (
        "top",
        re.compile(
            r"\b(top \d+|top (?:one|two|three|four|five|ten)|(?:one|two|three|four|"
            r"five|six|seven|eight|nine|ten|\d+) (?:[\w-]+ ){0,3}?(?:highest|largest|"
            r"biggest|most|greatest|lowest|smallest|fewest|least|cheapest|longest|"
            r"shortest))\b",
            re.I,
        ),
    ),
    (
        "max",
        re.compile(r"\b(maximum|highest|largest|biggest|greatest|longest|most expensive)\b", re.I),
    ),
    ("min", re.compile(r"\b(minimum|lowest|smallest|least|cheapest|shortest|earliest)\b", re.I)),
    (
        "list",
        re.compile(
            r"\b(list|every|all the|each of|which of (?:these|the)|who (?:are|have)|"
            r"(?:apart from|aside from|besides|other than|except(?: for)?) [^,?]{1,60}, "
            r"(?:who|which|what))\b",
            re.I,
        ),
    ),
]
_ASCENDING = re.compile(r"\b(lowest|smallest|fewest|least|cheapest|shortest|earliest)\b", re.I)


STRONG = frozenset({"compare", "summarise", "mean", "sum", "top", "list"})
"""Words that settle the operation whatever the lead says ("average" is a mean). The others
(how many, highest, lowest) only ask for a plan: "How many days after signing must the
goods arrive?" asks for a number the text states, not a count, and the lead tells which."""
_SET_PHRASES = re.compile(r"\bat (?:the )?(?:very )?(?:least|most|latest|earliest)\b", re.I)
_MEASURE = re.compile(
    r"\bhow (?:many|much) (?:days|weeks|months|years|hours|minutes|seconds|metres|meters|"
    r"kilometres|kilometers|km|miles|feet|inches|yards|centimetres|centimeters|cm|"
    r"millimetres|millimeters|mm|percent|per cent|euros|dollars|pounds|pence|cents|bytes|"
    r"[kmg]b|times larger|tokens|kilos|kilograms|kg|grams|tonnes|tons|ounces|stones|litres|"
    r"liters|millilitres|milliliters|ml|gallons|pints|degrees|calories|kcal|watts|kilowatts|"
    r"kw|kwh|volts|amps|bar|psi|decibels|db|knots|mph|rpm)\b",
    re.I,
)
""""How many days ..." asks for a quantity the text states, not a count of items: a unit
of measure after "how many" is never a thing to count ("How many kilos of cotton can I put
in at once?" was counted as "39 kilos(s) match" on a washing machine manual, 2026-12-05)."""
_BOUND_TOTAL = re.compile(
    r"([£$€]?\s?\d[\d,.]*\s?%?(?:\s+or\s+(?:less|more|fewer|under|over|below|above))?)\s+"
    r"in (?:total|all)\b",
    re.I,
)
""""Which builders quoted £5,000 or less in total": "in total" says what the amount
compared is (the whole price), it asks for no sum (held-out quotes: the 1.5B lead's plan
was summed, 2026-12-05)."""
_OWN_TOTAL = re.compile(r"'s (?:[\w-]+ ){0,2}total\b", re.I)
"""A total that belongs to someone ("Felix Silva's vote total") is stated, not summed."""


_ONE_VALUE = re.compile(
    r"^\W*(?:how (?:much|heavy|long|far|big|large|old|tall|wide|high|late|early|soon|often)|"
    r"when|where)\b",
    re.I,
)
""""How heavy can my carry-on be if I fly in the cheapest class?" asks for one value: the
lead's conditions (class = cheapest) say where to look, they do not make it a list."""


def question_operation(question: str) -> str | None:
    """The operation the question's own words point to, if they do."""
    q = _SET_PHRASES.sub(" ", question)  # "at least 5 years" is a condition, not a min
    q = _MEASURE.sub(" ", q)
    q = _OWN_TOTAL.sub(" ", q)  # "Felix Silva's official vote total" is one stated number
    q = _BOUND_TOTAL.sub(r"\1", q)  # "£5,000 or less in total" compares, it does not sum
    for op, pattern in _CUES:
        if pattern.search(q):
            return op
    if any(_plural(m.group(1)) or m.group(1).lower() in _IRREGULAR_PLURALS
           for m in _WHICH_ARE.finditer(q)):  # fmt: skip
        return "list"
    return None


_WHICH_ARE = re.compile(r"\bwhich (?:[\w-]+ ){0,2}?([\w-]+) (?:are|have|were)\b", re.I)
""""Which suppliers have raised prices", "which rooms are free": a list; but only with a
plural noun. With a singular one the verb belongs to the subject after it: "Which spot
have we been given at the campsite?" asks for one spot (held-out campsite booking: listed
as "1 spot(s) match", 2026-12-06). The noun may follow a name or two ("which diffutils
releases were made in 2016": looked up as one release, then judged too unsure, on a real
NEWS file, 2026-12-06)."""
_IRREGULAR_PLURALS = frozenset({"people", "children", "men", "women", "staff", "data"})


_ASKED_NOUNS = re.compile(r"\b(?:which|what|who)((?: [\w'-]+){1,3})", re.I)
_PHRASE_ENDS = frozenset({
    "is", "are", "was", "were", "has", "have", "had", "does", "do", "did", "can", "could",
    "will", "would", "should", "must", "may", "might", "the", "a", "an", "of", "in", "on",
    "at", "to", "for", "by", "with", "from", "this", "that", "these", "those", "there", "it",
    "its", "not", "no",
})  # fmt: skip
_VERBS_IN_S = frozenset({
    "applies", "happens", "means", "costs", "remains", "says", "takes", "needs", "requires",
    "holds", "runs", "uses", "contains", "includes", "covers", "gives", "shows", "states",
    "comes", "goes", "makes", "follows", "allows", "lasts", "starts", "ends", "opens",
    "closes", "leaves", "arrives", "departs", "owns", "sits", "lives", "works", "belongs",
    "replaces", "causes", "sets", "lists", "handles", "supports", "returns", "accepts",
    "limits", "caps", "governs",
})  # fmt: skip
"""Words in -s after "what X" that are a verb of a singular subject ("what excess applies",
"who owns the task"), not a plural noun."""


_OF_THE = re.compile(r"\b(which|what|who) of (?:the|these|those|our|your|their|its|my|his|her)\b",
                     re.I)  # fmt: skip
""""Which of our suppliers": the thing asked for follows "of our"."""


def _plural(word: str) -> bool:
    w = word.lower()
    if w in _VERBS_IN_S or len(w) < 4 or w.endswith(("ss", "us", "is", "'s")):
        return False
    return w.endswith("s")


_OBJECTS = frozenset({
    "a", "an", "the", "my", "your", "our", "their", "his", "her", "its", "this", "that",
    "these", "those", "me", "you", "us", "them", "him", "it", "each", "every", "any",
})  # fmt: skip
"""Words that open an object: an -s word before one is a verb ("what portion suits a
grown dog"), not a plural noun ("which suppliers raised")."""


def asks_for_several(question: str) -> bool:
    """Whether the question's "which/what/who" names a plural thing: "which suppliers",
    "what open action items" (the noun may follow up to two words that describe it)."""
    q = _OF_THE.sub(r"\1", question)
    for m in _ASKED_NOUNS.finditer(q):
        words = m.group(1).split()
        after = q[m.end() :].split()[:1]
        for i, word in enumerate(words):
            if word.lower() in _PHRASE_ENDS:
                break
            following = (words[i + 1 :] or after or [""])[0].lower()
            if _plural(word) and following not in _OBJECTS:
                return True
    return False


def needs_plan(question: str, docs: list[Any]) -> bool:
    """Whether the question may ask for more than one fact (so the lead writes a query
    plan), or is plainly a lookup (which needs no plan call)."""
    return question_operation(question) is not None or len(docs) >= 3 or asks_for_several(question)


def _top_k(question: str) -> int:
    m = re.search(
        r"\b(?:top )?(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b "
        r"(?:[\w-]+ ){0,3}?(?:highest|largest|biggest|most|greatest|lowest|smallest|"
        r"fewest|least|cheapest|longest|shortest)",
        question,
        re.I,
    )
    if m:
        word = m.group(1).lower()
        return int(word) if word.isdigit() else WORD_NUMBERS[word]
    m = re.search(r"\btop (\d+)", question, re.I)
    return int(m.group(1)) if m else 1


def _counted_noun(question: str) -> str | None:
    """The head of "how many ..." or "the number of ...": "incidents" in "how many
    severity-3 incidents did", "stitches" in "what's the number of stitches to cast on"."""
    m = re.search(r"\b(?:how many|number of)((?: [\w-]+){1,4})", question, re.I)
    if m is None:
        return None
    words = m.group(1).lower().split()
    for i, w in enumerate(words):
        if w in _PHRASE_ENDS:
            return words[i - 1] if i else None
    return words[0]


def settle(plan: QueryPlan, question: str, documents: int) -> QueryPlan:
    """The operation, from the question's words first, then the plan's shape; the lead's
    word last. Adjustments are noted on the plan."""
    from shoal.swarm.check import akin

    cue = question_operation(question)
    said = cue if cue in STRONG else None
    lead_said = plan.operation if plan.operation in OPERATIONS else "find"
    op = said or lead_said
    numbers = [f.name for f in plan.fields if f.type == "number"]
    counted = _counted_noun(question)
    stated = [f.name for f in plan.fields if f.type == "number" and counted
              and any(akin(counted.rstrip("s"), t.rstrip("s"))
                      for t in f.name.split("_"))]  # fmt: skip
    if cue == "count" and said is None and stated and not plan.group_by:
        # "How many votes did Kenji Lindqvist receive?": votes are a number the text
        # states, a field of the plan, not items to count
        plan.notes.append(f"operation find (the lead wrote {lead_said}): the {counted} asked "
                          f"for are a number the text states ({stated[0]}), not things to "
                          "count")  # fmt: skip
        plan.operation = "find"
        return plan
    why = ""
    if op == "count" and cue != "count" and not plan.group_by:
        # "How much RAM do I need?" counted as "26 RAM(s) match": a count answers only a
        # question that asks how many; otherwise the lead's count is a misreading
        op, why = cue or "find", ": the question does not ask how many"
    if plan.group_by and (op in ("count", "list") or cue == "count"):
        op = "group"
    elif cue == "count" and op == "find" and plan.fields and plan.where:
        op = "count"  # "how many ... (items)": the lead wrote find, its plan counts
    if op in ("max", "min") and re.search(r"\b(which|who|what)\b", question, re.I):
        op, plan.k = "top", 1  # "which station is highest": the item, not only the number
        plan.descending = not _ASCENDING.search(question)
    if op == "top":
        plan.k = plan.k or _top_k(question)
        plan.descending = not _ASCENDING.search(question)
    if op in ("sum", "mean", "min", "max", "top") and not plan.target and len(numbers) == 1:
        plan.target = numbers[0]
        plan.notes.append(f"the number to compute on: {numbers[0]}")
    if op == "find" and plan.where and documents >= 3:
        op = "judge"  # conditions over a folder of documents: one verdict per document
    elif (op == "find" and plan.where and said is None and len(plan.fields) >= 2
          and not _ONE_VALUE.search(question)):  # fmt: skip
        op = "list"
    if op == "list" and documents >= 3 and plan.where:
        op = "judge"
    if op != lead_said:
        plan.notes.append(f"operation {op} (the lead wrote {lead_said}){why}")
    plan.operation = op
    return plan


# --- repair --------------------------------------------------------------------------------
_NOW = re.compile(
    r"(?:this|the current|current|the present) (?:round|year|month|week|term|time|season|"
    r"quarter|period|cycle|meeting|session|call|agreement|contract|document|report|memo|"
    r"minutes|file|text|letter|list|log|folder)|now|today|currently|at present",
    re.I,
)
"""A condition value that is only the question's frame ("in this round", "this year",
"came out of this meeting"): no text writes it next to each item, so read literally it
rules out nearly everything (held-out minutes, 2026-12-06: ``meeting = 'this meeting'``
kept 2 of 30 open actions)."""
_WORD_OPS = ("eq", "ne", "contains", "not_contains")
_MEASURING = re.compile(
    r"\b(?:were|was|are|is|been|got|get|gets|received)\s+(\w+(?:ed|en|id))\s+"
    r"(?:more than|over|above|at least|less than|under|below|at most|in excess of|"
    r"no more than|up to)\b",
    re.I,
)


def _measuring_verb(question: str) -> str | None:
    """The verb a comparison in the question measures by: "awarded" in "Which projects were
    awarded more than £20,000?" (the amount is what was awarded). A condition that the
    items be "awarded" repeats it: most items are written "approved", "a grant of ... goes
    to", and compared as text they would all be lost."""
    m = _MEASURING.search(question)
    return m.group(1).casefold() if m else None


_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0", "none"})


def _as_flag(c: Condition) -> Condition | None:
    """``retracted eq 'no'`` as ``retracted is_false``; None for a word that is neither
    true nor false (``status eq 'awarded'``)."""
    word = c.value.strip().casefold()
    if word not in _TRUE | _FALSE:
        return None
    positive = (word in _TRUE) == (c.op in ("eq", "contains"))
    return Condition(c.field, "is_true" if positive else "is_false")


def repair(plan: QueryPlan, question: str) -> QueryPlan:
    """Slips of a small lead, mended before the plan is checked, each noted on the plan:

    - a condition that names the items themselves (``section contains 'Deadline'`` in a
      list of deadlines) filters nothing the question asked to filter, yet rules out every
      item whose text does not repeat the word: it is dropped;
    - a condition that is only the question's frame ("round = 'this round'", "year
      contains 'this year'", a file's name): dropped, since the items of a text about now rarely say
      "this round" each; what the text marks as past is set aside by the record rules;
    - a flag compared with a word: "yes"/"no" (and the like) as true/false; any other
      word (``status eq 'awarded'``: a flag cannot hold it) dropped when other conditions
      remain, else left for the check to refuse;
    - a true/false condition on a field that is not a flag ("action is_true" where
      ``action`` is the text of an action) says only that the item has one: it is
      dropped, where it used to throw the whole plan away for a lookup;
    - a date bound when the question names no date, period or time at all ("what are
      all the deadlines this agreement sets?" planned with ``date > 2026-02-01`` and
      ``date < 2027-03-28``, from the text it was shown: held-out contract, 2026-12-06,
      28 of 40 deadlines lost): dropped;
    - so does a comparison with no value (``date gt ''`` for "what are all the deadlines,
      and when is each due?": held-out contract, 2026-12-06, answered as a lookup with one
      date of ten): dropped;
    - a condition on a field the plan never declared is kept, and its field declared (typed
      by its comparison), when it uses a word of the question and the plan copies other
      fields: the lead forgot one field, and the plan should not be thrown away for a
      lookup; one that uses no word of the question is dropped (conditions carry what the
      question names; ``omissions`` checks that none of that is lost)."""
    from shoal.swarm.check import akin, terms

    _one_field_a_name(plan)
    asked = set(terms(question))
    unit = [t.rstrip("s") for t in terms(plan.unit) if t not in ("item", "items")]
    kept: list[Condition] = []
    for n, c in enumerate(plan.where):
        if c.op not in ("is_true", "is_false") and not c.value.strip():
            plan.notes.append(f"condition {c.describe()} dropped: it has no value to compare "
                              f"with, so it says only that the {plan.unit} has a "
                              f"{c.field.replace('_', ' ')}")  # fmt: skip
            continue
        said = [t for t in terms(c.value) if not t.isdigit()]
        if (
            c.op in ("contains", "eq")
            and said
            and unit
            and all(any(akin(t.rstrip("s"), u) for u in unit) for t in said)
            and not _proper_name(c.value, question)
        ):
            plan.notes.append(f"condition {c.describe()} dropped: it names the {plan.unit} "
                              "themselves, not a filter on them")  # fmt: skip
            continue
        if c.op in ("eq", "contains") and _FILE_NAME.fullmatch(c.value.strip()):
            plan.notes.append(f"condition {c.describe()} dropped: it names a file, not a "
                              f"value each {plan.unit} is written with")  # fmt: skip
            continue
        if c.op in ("eq", "contains") and _NOW.fullmatch(c.value.strip()):
            plan.notes.append(f"condition {c.describe()} dropped: it is the question's frame "
                              "(now), not a value a text gives; records the text marks as "
                              "past or withdrawn are set aside by their words")  # fmt: skip
            continue
        if (
            c.op in ("eq", "ne", "gt", "ge", "lt", "le")
            and _is_date(plan, c)
            and not _TIMED.search(question)
        ):
            plan.notes.append(f"condition {c.describe()} dropped: the question names no date, "
                              "period or time, so no date bounds its answer")  # fmt: skip
            continue
        measured = _measuring_verb(question)
        if (
            c.op in ("eq", "contains")
            and measured is not None
            and any(akin(t, measured) for t in said)
            and any(o.op in ("gt", "ge", "lt", "le") for o in plan.where)
        ):
            plan.notes.append(f"condition {c.describe()} dropped: in the question "
                              f"{measured!r} says what the number compared measures, not a "
                              "state each item is written with; what the text marks as "
                              "asked for, withdrawn or held in reserve is set aside by its "
                              "words")  # fmt: skip
            continue
        named = plan.field_named(c.field)
        declared = named is not None
        if named is not None and named.type in YES_NO and c.op in _WORD_OPS:
            flipped = _as_flag(c)
            if flipped is not None:
                plan.notes.append(f"condition {c.describe()} read as {flipped.describe()}: "
                                  f"{c.field!r} is a flag")  # fmt: skip
                c = flipped
            elif kept or n + 1 < len(plan.where):  # never the last condition standing
                plan.notes.append(f"condition {c.describe()} dropped: {c.field!r} is a flag, "
                                  f"and {c.value!r} is neither true nor false")  # fmt: skip
                continue
        if named is not None and named.type not in YES_NO and c.op in ("is_true", "is_false"):
            plan.notes.append(f"condition {c.describe()} dropped: {c.field!r} is {named.type}, "
                              "not a flag, so it cannot be true or false")  # fmt: skip
            continue
        uses_question = bool(asked & set(terms(f"{c.field.replace('_', ' ')} {c.value}")))
        if not declared and not uses_question:
            plan.notes.append(f"condition {c.describe()} dropped: {c.field!r} is not a field "
                              "and the question names none of it")  # fmt: skip
            continue
        if not declared and plan.fields and c.field:
            if c.op in ("is_true", "is_false"):
                kind = "flag"
            elif c.op in ("gt", "ge", "lt", "le"):
                kind = "date" if parse_date(c.value) is not None else "number"
            else:
                kind = "text"
            plan.fields.append(Field(c.field, kind, f"the {c.field.replace('_', ' ')}"))
            plan.notes.append(f"field {c.field!r} ({kind}) declared: a condition uses it")
        if (
            declared
            and c.op in (*_WORD_OPS, "gt", "ge", "lt", "le")
            and c.value.strip()
            and parse_date(c.value) is None
            and not _named_by(c.value, question)
            and (kept or n + 1 < len(plan.where))  # never the last condition standing
        ):
            plan.notes.append(f"condition {c.describe()} dropped: the question names no word "
                              "or number of it")  # fmt: skip
            continue
        said_op = bound(question, c.value)
        if said_op is not None and c.op in ("gt", "ge", "lt", "le", "eq") and c.op != said_op:
            plan.notes.append(f"condition {c.describe()} compares as the question does: "
                              f"{_BOUND_WORDS[said_op]} {c.value}")  # fmt: skip
            c = Condition(c.field, said_op, c.value)
        kept.append(c)
    plan.where = _one_field_per_number(plan, kept, question)
    return _asked_day(_asked_month(plan, question), question)


_FILE_NAME = re.compile(
    r"[\w.-]+\.(?:txt|md|markdown|rst|pdf|docx?|odt|log|csv|tsv|jsonl?|html?|xml|ya?ml|ini|"
    r"cfg|conf|gz)",
    re.I,
)
"""A condition value that is a file's name (``news_file = 'gzip-NEWS.txt'``, held-out real
NEWS file, 2026-12-06: every line ruled out): the document read, not a value its items
are written with."""
_TIMED = re.compile(
    r"\d|\b(?:today|tomorrow|yesterday|now|current(?:ly)?|years?|months?|weeks?|days?|"
    r"quarters?|since|before|after|until|till|upcoming|next|last|past|previous|overdue|"
    r"future|recent(?:ly)?|earlier|later|between|during|ago|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|spring|summer|autumn|fall|"
    r"winter)\b",
    re.I,
)
"""Words by which a question can bound a date (a digit, a month, a period, a relation in
time). A question with none of them asks for every date."""


def _is_date(plan: QueryPlan, c: Condition) -> bool:
    f = plan.field_named(c.field)
    return f.type == "date" if f is not None else parse_date(c.value) is not None


def _one_field_per_number(
    plan: QueryPlan, where: list[Condition], question: str
) -> list[Condition]:
    """A number the question writes once bounds one field: later comparisons of other
    fields with it are dropped. Held-out builders' quotes (2026-12-05): told it had left
    out "VAT", the 1.5B lead declared ``max_vat`` and ``max_cost`` beside ``cost``, each
    ``<= 5000``; no quote gives them, and 6 of 9 right builders were left undecided."""
    kept: list[Condition] = []
    seen: dict[float, str] = {}
    written = Counter(parse_number(m) for m in _QUESTION_NUMBER.findall(question))
    for c in where:
        n = parse_number(c.value) if c.op in ("gt", "ge", "lt", "le") else None
        if n is not None and written[n] == 1 and seen.get(n, c.field) != c.field:
            plan.notes.append(f"condition {c.describe()} dropped: the question's {c.value} "
                              f"bounds {seen[n]!r} already")  # fmt: skip
            continue
        if n is not None:
            seen.setdefault(n, c.field)
        kept.append(c)
    return kept


def _named_by(value: str, question: str) -> bool:
    """Whether the question names a word or a number of a condition's value (a number as
    the question writes it, not one of a date's: "1" is no number of "before 1 March").
    Measured on held-out builders' quotes (2026-12-05): the 1.5B lead added ``job contains
    're-roof the garage'`` and ``validity <= 30`` (from the documents it was shown) to
    "quoted £5,000 or less in total", and every quote was ruled out."""
    from shoal.swarm.check import akin, terms
    from shoal.swarm.values import number_in

    asked = terms(question)
    words = [t for t in terms(value) if not t[:1].isdigit()]
    if any(akin(w, a) for w in words for a in asked):
        return True
    bare = FULL_DATE.sub(" ", question)
    said = set(terms(bare))
    if any(t in said and re.fullmatch(r"\d[\w-]*[.-]\w+[.-]\w+", t) for t in terms(value)):
        return True  # a version as the question writes it: "man-db 2.10.1" (2026-12-06)
    for n in _NUMBER_IN_VALUE.findall(value):
        number = parse_number(n)
        if number is not None and number_in(number, bare):
            return True
    return False


def _one_field_a_name(plan: QueryPlan) -> None:
    """Two fields of one name (the 1.5B lead declared ``date`` twice, once as text): the one
    whose type suits the conditions on it is kept (a date or number where one compares by
    order, else the first), where the plan used to be thrown away for a lookup."""
    by_name: dict[str, list[Field]] = {}
    for f in plan.fields:
        by_name.setdefault(f.name, []).append(f)
    for name, same in by_name.items():
        if len(same) < 2:
            continue
        ordered = [c for c in plan.where if c.field == name and c.op in ("gt", "ge", "lt", "le")]
        want = None
        if ordered:
            want = "date" if parse_date(ordered[0].value) is not None else "number"
        keep = next((f for f in same if f.type == want), same[0])
        plan.fields = [f for f in plan.fields if f.name != name or f is keep]
        plan.notes.append(f"field {name!r} was declared {len(same)} times: kept as {keep.type}")


def _proper_name(value: str, question: str) -> bool:
    """Whether a word of ``value`` is a name in the question (capitalised, not its first
    word): "Spin" in "How many Spin classes did ..." picks Spin classes out of the others
    (the unit "Spin class" names it too), where "deadline" in a list of deadlines picks
    nothing."""
    words = re.findall(r"[\w'-]+", question)[1:]
    names = {w.casefold() for w in words if w[:1].isupper()}
    return any(w.casefold() in names for w in re.findall(r"[\w'-]+", value))


_MONTH_YEAR = re.compile(
    r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?,? (?:of )?(\d{4})\b", re.I
)


_BOUNDED = re.compile(
    r"\b(?:after|before|since|until|till|from|by|between|than|to|through|and|or)\s+(?:the\s+"
    r"(?:end|start|beginning)\s+of\s+)?$",
    re.I,
)


def month_asked(question: str) -> tuple[date, date, str] | None:
    """The month a question names with its year ("in October 2026"), or else the year it
    names alone ("in 2016", ``_year_asked``): its first and last day, and the words."""
    m = _MONTH_YEAR.search(question)
    if m is None:
        return _year_asked(question)
    if _BOUNDED.search(question[: m.start()][-24:]):
        return None  # "after June 2027" is a comparison the lead writes, not the month
    if re.search(r"\b\d{1,2}(?:st|nd|rd|th)?\s+$", question[: m.start()]):
        return None  # "before 1 March 2027" names a day (``_asked_day``), not the month
    year, month = int(m.group(2)), MONTHS[m.group(1).lower()]
    last = calendar.monthrange(year, month)[1]
    return date(year, month, 1), date(year, month, last), m.group(0)


_IN_YEAR = re.compile(
    r"\b(?:in|during|throughout|for|of|from)\s+(?:the\s+(?:calendar\s+)?year\s+)?"
    r"(1[89]\d\d|2[01]\d\d)\b(?![-/.,]?\d)"
    r"(?!\s*(?:[-\u2013]|on\b|onwards?\b|to\b|till\b|until\b|through\b|thru\b|up\b|"
    r"(?:and|or)\s+(?:later|after|before|earlier)\b))",
    re.I,
)
"""A year named as when things happened: "in 2016", "for the year 2021", "uploads from
2018" (dated 2018). Not the start or end of a range: "from 2018 on", "in 2016 and later",
"from 2010 to 2012" are the lead's to write."""


def _year_asked(question: str) -> tuple[date, date, str] | None:
    """A year the question names as when the items happened ("came out in 2016", "for the
    year 2021"): its first and last day. Only one, written with a word of time in or
    during, never inside a full date. Measured on git's real Debian changelog
    (2026-12-06): for "how many uploads ... for the year 2021?" the 1.5B lead wrote only
    ``date > 2021-01-01``, and five uploads of 2022-2025 were counted in place of five of
    2021's."""
    if FULL_DATE.search(question):
        return None  # a day (``_asked_day``), or a range the lead writes
    found = list(_IN_YEAR.finditer(question))
    years = set(re.findall(r"(?<![\w-])(?:1[89]\d\d|2[01]\d\d)(?![\w-])", question))
    if len(found) != 1 or len(years) != 1:
        return None  # "from 2010 and 2011", "between 2010 and 2015": the lead's to write
    year = int(found[0].group(1))
    return date(year, 1, 1), date(year, 12, 31), found[0].group(0)


def _asked_month(plan: QueryPlan, question: str) -> QueryPlan:
    """A month the question names ("how many Spin classes in October 2026") is a condition
    shoal writes itself: the date from its first day to its last, on the plan's date field
    (declared if the plan has none), in place of whatever the lead wrote on that field.
    Measured on a held-out booking register: a 1.5B lead wrote ``date contains
    '2026-10-11'``, ``date contains 'April 2026'``, ``date contains '2026-06'`` (no date
    holds a month) or left the month out, and every count was wrong. Records only: a
    lookup's month says where to look, not which records to keep."""
    asked = month_asked(question)
    if asked is None or (plan.operation == "find" and question_operation(question) is None):
        return plan
    lo, hi, words = asked
    dates = [f.name for f in plan.fields if f.type == "date"]
    target = _date_field(plan)
    for c in plan.where:
        if c.field in (*dates, target) and not _about_time(c.value):
            # a name the lead wrote on the date field ("date contains 'Circuits'") is
            # kept, on a field of its own
            c.field = _kind_field(plan, c.value)
    _write_dates(plan, (*dates, target),
                 [Condition(target, "ge", lo.isoformat()), Condition(target, "le", hi.isoformat())],
                 f"{words!r} is a condition shoal wrote: {target} from {lo.isoformat()} to "
                 f"{hi.isoformat()}")  # fmt: skip
    return plan


def _date_field(plan: QueryPlan) -> str:
    """The plan's date field that a date the question names goes on: its first, or
    ``date``, declared."""
    dates = [f.name for f in plan.fields if f.type == "date"]
    if not dates:
        plan.fields.append(Field("date", "date", f"the date of the {plan.unit or 'item'}"))
    return dates[0] if dates else "date"


def _write_dates(
    plan: QueryPlan, fields: tuple[str, ...], conditions: list[Condition], note: str
) -> None:
    """``conditions`` shoal wrote from the question's words, in place of the lead's
    conditions of time on ``fields``; noted, with what they replace."""
    replaced = [c for c in plan.where if c.field in fields and _about_time(c.value)]
    plan.where = [c for c in plan.where if c not in replaced] + conditions
    plan.notes.append(note + (f" (in place of {', '.join(c.describe() for c in replaced)})"
                              if replaced else ""))  # fmt: skip


_DAY_BOUNDS = [
    ("le", re.compile(r"\b(?:on or before|no later than|not later than|by|until|till|up to)\s+$",
                      re.I)),
    ("ge", re.compile(r"\b(?:on or after|no earlier than|not earlier than|from|since)\s+$",
                      re.I)),
    ("lt", re.compile(r"\b(?:before|earlier than|prior to)\s+$", re.I)),
    ("gt", re.compile(r"\b(?:after|later than)\s+$", re.I)),
]  # fmt: skip


def day_bound(question: str) -> tuple[str, date, str] | None:
    """The day the question bounds a date by, with its comparison and words: "can start
    before 1 March 2027" is ``< 2027-03-01``. None unless the question writes exactly one
    full date and bounds it."""
    matches = list(FULL_DATE.finditer(question))
    if len(matches) != 1:
        return None  # none, or "from 1 May to 3 June": a range, the lead's to write
    m = matches[0]
    day = parse_date(m.group(0))
    before = question[max(0, m.start() - 24) : m.start()]
    for op, pattern in _DAY_BOUNDS:
        hit = pattern.search(before)
        if hit is not None and day is not None:
            return op, day, f"{hit.group(0).strip()} {m.group(0)}"
    return None


_DAY_WORDS = {"lt": "before", "le": "on or before", "gt": "after", "ge": "on or after"}


def _asked_day(plan: QueryPlan, question: str) -> QueryPlan:
    """A day the question bounds a date by ("can start before 1 March 2027") is a condition
    shoal writes itself, on the plan's date field, in place of what the lead wrote on it:
    like a month (``_asked_month``) and a number's bound (``bound``), the comparison is in
    the question's words. Measured on held-out builders' quotes (2026-12-05): the 1.5B lead
    wrote ``start_date > '2027-01-01'`` for "before 1 March 2027". Records only."""
    asked = day_bound(question)
    if asked is None or (plan.operation == "find" and question_operation(question) is None):
        return plan
    op, day, words = asked
    if sum(f.type == "date" for f in plan.fields) > 1:
        return plan  # which date the question bounds is the lead's call
    target = _date_field(plan)
    _write_dates(plan, (target,), [Condition(target, op, day.isoformat())],
                 f"{words!r} is a condition shoal wrote: {target} {_DAY_WORDS[op]} "
                 f"{day.isoformat()}")  # fmt: skip
    return plan


_TIME_WORDS = re.compile(
    r"\d|\b(?:year|month|week|day|today|yesterday|tomorrow|now|current|recent|last|next|this|"
    r"spring|summer|autumn|fall|winter|quarter|q[1-4]|morning|evening|night)\b",
    re.I,
)


def _about_time(value: str) -> bool:
    """Whether a condition's value speaks of a time (a date, a month, "this year"), not a
    name."""
    low = value.casefold()
    return bool(_TIME_WORDS.search(value)) or any(m in low.split() for m in MONTHS)


def _kind_field(plan: QueryPlan, example: str) -> str:
    """A text field for a name the plan had nowhere to put, declared if missing."""
    name = "kind" if plan.field_named("kind") is None else "kind_name"
    if plan.field_named(name) is None:
        plan.fields.append(Field(name, "text", f"what the {plan.unit or 'item'} is: its kind "
                                 f"or name as the text writes it (like {example!r})"))  # fmt: skip
    return name


_N = r"(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty)"
_BOUNDS: list[tuple[str, re.Pattern[str]]] = [
    ("ge", re.compile(rf"\b(?:at least|no (?:less|fewer) than|a minimum of|minimum of) {_N}\b"
                      rf"|\b{_N}\+|\b{_N} (?:[\w-]+ ){{0,3}}?or (?:more|over|above|longer|"
                      r"greater|higher)\b", re.I)),
    ("le", re.compile(rf"\b(?:at most|no more than|a maximum of|maximum of|up to) {_N}\b"
                      rf"|\b{_N} (?:[\w-]+ ){{0,3}}?or (?:less|fewer|under|below|shorter|"
                      r"lower)\b", re.I)),
    ("gt", re.compile(rf"\b(?:more than|over|above|greater than|longer than|higher than|"
                      rf"exceeding|in excess of) {_N}\b", re.I)),
    ("lt", re.compile(rf"\b(?:less than|fewer than|under|below|shorter than|lower than) "
                      rf"{_N}\b", re.I)),
]  # fmt: skip
_BOUND_WORDS = {"ge": "at least", "le": "at most", "gt": "more than", "lt": "less than"}


def bound(question: str, value: str) -> str | None:
    """The comparison the question's own words give for the number ``value`` ("at least
    5", "5 or more": ge; "more than 10%": gt), if exactly one does. Measured: for "5 or
    more years of Rust" the lead wrote ``> 5`` and dropped every candidate with exactly
    five years."""
    want = parse_number(value)
    if want is None:
        return None
    found = set()
    for op, pattern in _BOUNDS:
        for m in pattern.finditer(question):
            word = next(g for g in m.groups() if g)
            n = float(word) if word[0].isdigit() else WORD_NUMBERS.get(word.lower())
            if n is not None and float(n) == want:
                found.add(op)
    return found.pop() if len(found) == 1 else None


# --- validation ----------------------------------------------------------------------------
def clean_name(name: str) -> str:
    return _NAME.sub("_", name.strip().lower()).strip("_")[:40]


def problems(plan: QueryPlan) -> list[str]:
    """What makes a plan unusable (empty: it can be run)."""
    out = []
    names = [f.name for f in plan.fields]
    if plan.operation not in OPERATIONS:
        out.append(f"unknown operation {plan.operation!r}")
    if len(set(names)) != len(names):
        out.append("two fields share a name")
    for f in plan.fields:
        if not f.name:
            out.append("a field has no name")
        if f.type not in (*FIELD_TYPES, JUDGED):
            out.append(f"field {f.name!r} has unknown type {f.type!r}")
    for c in plan.where:
        named = plan.field_named(c.field)
        if named is None:
            out.append(f"condition on {c.field!r}, which is not a field")
            continue
        f = named
        if c.op not in COMPARATORS:
            out.append(f"unknown comparison {c.op!r}")
        elif f.type in YES_NO and c.op not in ("is_true", "is_false"):
            out.append(f"flag {f.name!r} can only be true or false")
        elif f.type not in YES_NO and c.op in ("is_true", "is_false"):
            out.append(f"{f.name!r} is not a flag")
        elif c.op in ("gt", "ge", "lt", "le") and f.type not in ("number", "date"):
            out.append(f"{f.name!r} is {f.type}: it has no order")
        elif c.op not in ("is_true", "is_false") and not c.value.strip():
            out.append(f"condition on {f.name!r} has no value")
    if plan.operation in RECORD_OPERATIONS and not plan.fields:
        out.append(f"{plan.operation} needs fields to copy")
    if plan.operation in ("sum", "mean", "min", "max", "top"):
        t = plan.field_named(plan.target)
        if t is None or t.type not in ("number", "date"):
            out.append(f"{plan.operation} needs a number field as its target")
    if plan.operation == "group" and plan.field_named(plan.group_by) is None:
        out.append("group needs a field to group by")
    return out


def from_reply(raw: dict[str, Any]) -> QueryPlan:
    """The lead's JSON as a plan, names cleaned (it cannot be trusted to be tidy)."""
    fields = []
    renames: dict[str, str] = {}
    for f in raw.get("fields") or []:
        name = clean_name(str(f.get("name") or ""))
        renames[str(f.get("name") or "")] = name
        fields.append(
            Field(name, str(f.get("type") or "text"), str(f.get("description") or "")[:120])
        )
    where = []
    for c in raw.get("where") or []:
        raw_field = str(c.get("field") or "")
        name = renames.get(raw_field, clean_name(raw_field))
        where.append(Condition(name, str(c.get("op") or ""), str(c.get("value") or "")))
    return QueryPlan(
        operation=str(raw.get("operation") or "find"),
        unit=str(raw.get("unit") or "item")[:60],
        fields=fields,
        where=where,
        target=renames.get(str(raw.get("target") or ""), clean_name(str(raw.get("target") or ""))),
        group_by=renames.get(
            str(raw.get("group_by") or ""), clean_name(str(raw.get("group_by") or ""))
        ),
        k=max(0, min(1000, int(raw.get("k") or 0))),
    )


_QUESTION_NUMBER = re.compile(
    r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w,])|(?<![\w.])\d+(?:\.\d+)?(?![\w.])"
)
"""A number the question gives, "£20,000" whole (compared without its commas)."""
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER_IN_VALUE = re.compile(r"\d[\d,]*(?:\.\d+)?")


def omissions(plan: QueryPlan, question: str) -> list[str]:
    """What the question names that no condition of the plan uses: a name ("the Cobalt
    depot") or a number ("severity 3", "at least 5 years"). A count whose plan drops the
    depot counts every depot's incidents; shoal tells the lead, once, what it left out."""
    from shoal.swarm.check import entity_terms, terms

    used = set()
    numbers = {n.replace(",", "") for c in plan.where for n in _NUMBER_IN_VALUE.findall(c.value)}
    for c in plan.where:
        used.update(terms(c.value))
        used.update(terms(c.field.replace("_", " ")))
        day = parse_date(c.value) if _ISO_DAY.fullmatch(c.value) else None
        if day is not None:  # a month shoal wrote as two dates names the month; a day
            used.update(terms(day.strftime("%B %b")))  # ("before 1 March 2027") its 1 too
            numbers.update((str(day.day), str(day.year)))
    for f in plan.fields:
        if f.type == "flag":
            used.update(terms(f.name.replace("_", " ")))
    missing = sorted(t for t in entity_terms(question) if t not in used and not t.isdigit())
    missing += [n for n in _QUESTION_NUMBER.findall(question)
                if n not in used and n.replace(",", "") not in numbers]  # fmt: skip
    return list(dict.fromkeys(missing))


def _two_to_compare(plan: QueryPlan, documents: int) -> QueryPlan:
    """A comparison is of two documents; over any other number the question is looked up
    ("What exit status does diff use when files differ?" asks no comparison of a NEWS file)."""
    if plan.operation != "compare" or documents == 2:
        return plan
    lookup = QueryPlan("find", notes=plan.notes)
    lookup.notes.append(f"a comparison needs two documents ({documents} given); answered as a "
                        "lookup")  # fmt: skip
    return lookup


async def make_query(
    lead: Model, question: str, facts: str, documents: int, timeout: float | None = None
) -> QueryPlan:
    """The lead's plan, settled and checked; a lookup (``find``) when it is unusable. A
    plan for records that leaves out something the question names is written once more,
    with the lead told what it left out; the plan that leaves out less is kept."""
    messages = prompts.query_messages(question, facts)
    try:
        reply = await lead.complete(  # fresh: the same question gets the same plan
            messages, schema=prompts.QUERY_SCHEMA, max_tokens=450, role="lead",
            timeout=timeout, fresh=True,
        )  # fmt: skip
        plan = settle(repair(from_reply(reply.parsed), question), question, documents)
        missing = omissions(plan, question)
        if missing and plan.operation in RECORD_OPERATIONS:
            again = await lead.complete(
                prompts.query_repair_messages(messages, reply.text, missing),
                schema=prompts.QUERY_SCHEMA, max_tokens=450, role="lead", timeout=timeout,
            )  # fmt: skip
            second = settle(repair(from_reply(again.parsed), question), question, documents)
            left = omissions(second, question)
            if len(left) < len(missing) and not problems(second):
                second.notes.append(
                    f"the first plan left out {', '.join(map(repr, missing))}; the lead "
                    "wrote it again"
                )
                plan, missing = second, left
        if missing and plan.operation in RECORD_OPERATIONS:
            plan.notes.append(
                f"the plan has no condition on {', '.join(map(repr, missing))}, which the "
                "question names"
            )
    except (ShoalError, ValueError, TypeError) as exc:
        log.warning("no usable query plan: %s", exc)
        op = question_operation(question)
        fallback = QueryPlan("find" if op in (None, *RECORD_OPERATIONS) else op)
        fallback.notes.append(f"the lead gave no usable plan ({exc}); answered as a lookup")
        return _two_to_compare(fallback, documents)
    plan = _two_to_compare(plan, documents)
    bad = problems(plan)
    if bad and plan.operation not in ("find", "compare", "summarise"):
        fallback = QueryPlan("find")
        fallback.notes.append(f"the plan could not be run ({'; '.join(bad)}); answered as a lookup")
        return fallback
    return plan
