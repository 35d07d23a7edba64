"""Checking reports against the source: the rules every piece of evidence must pass.

A report is *supported* only if
1. its quote occurs in the text the model read (after normalising whitespace, typographic
   quotes and enclosing punctuation: formatting, not content), and
2. the quote *carries the answer*: every number in the answer, and its words, occur in
   the quote. A quote that only repeats the question's words ("the access code") is not
   evidence of any value, and
3. the answer is not the question restated ("Vault Meridian" for "What is the code of
   Vault Meridian?").

A verbatim quote that fails 2 or 3 is still a useful pointer: the report is rejected as
evidence, keeps its offsets, and its passage is one the stronger model may re-read
(``escalate.py``). Supported reports get exact source offsets, and shoal, not the
worker, cuts the surrounding context the lead judges them by: small workers are easily
fooled by near misses, and the neighbouring words ("revoked", "Falcone") give those away.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from shoal.swarm.chunk import Chunk
from shoal.swarm.values import FULL_DATE, MONTHS, WORD_NUMBERS

_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"\S+")
_TRANSLATE = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_STRIP = " \t\n\"'`.,;:!?…-*>«»()[]"
_NULLISH = {
    "", "null", "none", "n/a", "na", "unknown", "not found", "not mentioned", "no",
    "not stated", "not given", "not specified", "nothing", "no answer", "not available",
}  # fmt: skip

REJECT_NOT_FOUND = "quote not found in the text read"
REJECT_NO_VALUE = "the quote does not contain the answer"
REJECT_RESTATES = "the answer only restates the question"


@dataclass
class Report:
    """One model's answer from one piece of text (a chunk or a passage), with the check's
    verdict on it."""

    job_key: str
    round: int
    task_index: int
    chunk_index: int
    answer: str | None
    quote: str | None
    confidence: float
    supported: bool = False
    reason: str = ""
    doc_id: str = ""
    doc_name: str = ""
    start: int | None = None
    end: int | None = None
    context: str = ""
    kind: str = "worker"
    """``worker`` (a worker read a chunk) or ``read`` (a stronger model re-read a passage)."""
    model: str = ""
    read_span: tuple[int, int] | None = None
    """For a re-read: the source span of the passage the stronger model was shown (under
    the headings shown above it)."""

    @property
    def empty(self) -> bool:
        return self.answer is None

    @property
    def located(self) -> bool:
        """The quote was found in the source, whether or not it carries an answer."""
        return self.start is not None and self.end is not None


class Normalised:
    """Text with whitespace runs collapsed to one space and typographic quotes unified,
    able to map a position in it back to the source. Word-level, not character-level,
    bookkeeping: checking thousands of reports must stay cheap."""

    __slots__ = ("spans", "starts", "text")

    def __init__(self, source: str):
        translated = source.translate(_TRANSLATE)  # 1:1, so offsets are the source's
        self.spans = [m.span() for m in _WORDS.finditer(translated)]
        self.text = " ".join(translated[s:e] for s, e in self.spans)
        self.starts = list(accumulate((e - s + 1 for s, e in self.spans[:-1]), initial=0))

    def source_index(self, pos: int) -> int:
        """The source offset of normalised position ``pos`` (which is not a space)."""
        i = bisect_right(self.starts, pos) - 1
        return self.spans[i][0] + (pos - self.starts[i])

    def find(self, needle: str) -> tuple[int, int] | None:
        """Source (start, end) of ``needle`` (already normalised), or None."""
        pos = self.text.find(needle)
        if pos < 0 or not needle:
            return None
        return self.source_index(pos), self.source_index(pos + len(needle) - 1) + 1


def normalise(text: str) -> str:
    return " ".join(_WORDS.findall(text.translate(_TRANSLATE)))


_SHAPE_PART = re.compile(r"\d[\d,.]*|[A-Z][a-z]+|\s+|.", re.S)


def value_shape(value: str) -> re.Pattern[str] | None:
    """A pattern for values written like ``value``: its digit runs any digits, its
    capitalised words any capitalised word, the rest as written ("15:50" finds "18:14",
    "425 °C" finds "12 °C", "Monday 22 February" finds "Tuesday 3 November"). None for a
    value without a digit: a name or a phrase has no shape to find its rivals by."""
    value = value.strip()
    if not re.search(r"\d", value):
        return None
    parts = []
    for m in _SHAPE_PART.finditer(value):
        t = m.group(0)
        if t[0].isdigit():
            parts.append(r"\d[\d,.]*(?<![,.])")
        elif t[0].isupper() and len(t) > 1:
            parts.append(r"[A-Z][a-z]+")
        elif t.isspace():
            parts.append(r"\s?")
        else:
            parts.append(re.escape(t))
    return re.compile(r"(?<![\w.,])" + "".join(parts) + r"(?![\w])")


def clean(value: Any) -> str | None:
    """A model's string field, or None when it is missing or says "nothing"."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return None if value.lower().strip(_STRIP) in _NULLISH else value


class SourceIndex:
    """The documents of a run and the normalised text of each span read, computed once per
    span, not once per report."""

    def __init__(self, source: dict[str, str]):
        self.source = source
        self._norm: dict[tuple[str, int, int], Normalised] = {}

    def norm(self, chunk: Chunk) -> Normalised:
        key = (chunk.doc_id, chunk.start, chunk.end)
        if key not in self._norm:
            self._norm[key] = Normalised(chunk.text)
        return self._norm[key]


# --- does a quote carry an answer? --------------------------------------------------------
# A comma belongs to a number only where it groups thousands (1,250), never between the
# fields of a CSV line ("4683,2026-11-12" is two numbers).
_TERM = re.compile(
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d[\d.:/-]*\d|\d|[^\W\d_]+(?:'[^\W\d_]+)?"
)
STOPWORDS = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "for", "is", "are", "was", "were", "be", "been",
    "being", "by", "with", "and", "or", "nor", "what", "which", "who", "whom", "whose", "when",
    "where", "why", "how", "does", "do", "did", "this", "that", "these", "those", "it", "its",
    "from", "at", "as", "into", "onto", "than", "then", "there", "here", "has", "have", "had",
    "will", "would", "shall", "should", "can", "could", "may", "might", "must", "not", "no",
    "yes", "any", "all", "some", "each", "per", "about", "after", "before", "under", "over",
    "between", "document", "text", "excerpt", "passage", "find", "copy", "exact", "answer",
    "question", "value", "named", "called", "given", "said", "says", "stated", "listed"
})  # fmt: skip


def terms(text: str) -> list[str]:
    """Content terms: words (case-folded, a possessive 's dropped) and numbers (thousands
    separators dropped), without stopwords."""
    out = []
    for t in _TERM.findall(text.casefold()):
        if t[0].isdigit():
            t = t.replace(",", "")
            if t.endswith((".", ":", "/", "-")):
                t = t.rstrip(".:/-")
        elif t.endswith("'s"):
            t = t[:-2]
        if t and t not in STOPWORDS:
            out.append(t)
    return out


def stem(term: str) -> str:
    """A light stemmer: plural and verb endings, so "codes" finds "code" and "spending"
    finds "spend"."""
    if term[0].isdigit() or len(term) <= 4:
        return term
    for suffix in ("ings", "ing", "ies", "es", "ed", "s"):
        if term.endswith(suffix) and len(term) - len(suffix) >= 3:
            return term[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return term


def flag_stem(term: str) -> str:
    """``stem``, and a four-letter plural too: "pets" is "pet". The light stemmer leaves
    words of four letters alone ("news", "gas"), which a flag's one word cannot afford: a
    plan that named its flag ``pet`` read "Pets: none." and "Pets: one cat." as silent
    about pets (held-out screening of 50 tenancy applications, 2026-12-06)."""
    out = stem(term)
    if len(out) == 4 and out.endswith("s") and not out.endswith(("ss", "us", "is")):
        return out[:-1]
    return out


def _numeric(term: str) -> bool:
    return term[0].isdigit()


def carries(answer: str, quote: str) -> bool:
    """Whether ``quote`` states ``answer``: every number of the answer is in the quote, and
    so are its words (all of them for a short answer, four in five for a long one)."""
    want = set(terms(answer))
    if not want:
        return False
    have = set(terms(quote))
    if not all(t in have for t in want if _numeric(t)):
        return False
    hits = sum(t in have for t in want)
    return hits == len(want) if len(want) <= 3 else hits >= 0.8 * len(want)


_LABEL = re.compile(r"(?<=\w )[A-Z]\b")
"""A capital letter that labels the word before it ("Room A", "Terminal B", "Plan C"):
content, though the same letter in lower case is a stopword."""


def restates(answer: str, question: str) -> bool:
    """Whether ``answer`` says nothing the question does not already say ("Room A" says
    which room; "room" alone does not)."""
    if set(_LABEL.findall(answer)) - set(_LABEL.findall(question)):
        return False
    said = set(terms(answer))
    return not said or said <= set(terms(question))


# --- is the sentence about what was asked, and is its value current? ----------------------
QUALIFIERS = frozenset({
    "revoked", "former", "formerly", "previous", "previously", "old", "obsolete", "superseded",
    "withdrawn", "abandoned", "deprecated", "lapsed", "expired", "cancelled", "canceled",
    "rejected", "retired", "outdated", "proposed", "replaced", "reverted", "draft",
    "requested", "sought", "demanded", "withdrew", "retracted", "rescinded", "scrapped",
})  # fmt: skip
"""Words that mark a value as not the current, actual one (or one asked for, not decided).
A sentence holding one does not answer a question that does not itself ask about such a
value."""
STATE_QUALIFIERS = QUALIFIERS - {
    "old", "draft", "previous", "previously", "requested", "sought", "demanded", "replaced",
    "retired", "outdated", "former",
}  # fmt: skip
"""The qualifiers that say what became of the statement itself (withdrawn, proposed,
revoked), for the records of a list: the others are as often words of the item ("archive
the old minutes", "draft the handbook", "replace the former supplier's parts")."""
QUALIFIER_PHRASES = (
    "no longer", "used to", "had first planned", "was planned", "until recently", "asked for",
    "asked the court", "called for", "not affected", "unaffected", "not included",
    "not covered", "does not apply", "do not apply",
)  # fmt: skip
_OVER = re.compile(r"\b(?:that|this) [\w-]+ (?:is|was|has been|is now) "
                   r"(?:closed|over|finished)\b", re.I)  # fmt: skip
"""A matter that is over: "A recall in January covered jars best before 21 May 2027; that
recall is closed" tells what an ended recall covered."""
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_ENDED = re.compile(
    r"(?:^|[.;:\n]\s*)until (?:the )?(?:(?:\d{1,2} )?(?:[a-z]+ )?(?:\d{1,2},? )?(?:19|20)\d\d|"
    rf"\d{{1,2}}(?:st|nd|rd|th)? (?:of )?(?:{_MONTH_NAMES})|(?:{_MONTH_NAMES}) \d{{1,2}}"
    r"(?:st|nd|rd|th)?)\b,?(?: (?!(?:is|are|will|be|remains?|stays?)\b)[\w'%-]+){0,8}? "
    r"(?:was|were|had been|(?<=[^s] )cost|stood|ran|charged|paid|took|began|lasted|needed"
    r"|required)\b",
    re.I,
)
"""A state that ended at a date, said first: "Until March 2025 the window for opened kettles
was 35 days", "Until 5 April, blue bins were emptied on a Monday", "Until 31 March the
permit cost £126" do not say what holds now. Only verbs whose past tense is plain count
("cost" after a singular noun: "Until June tickets cost £20" may be today's price), and
none after "is", "will" or "remains" ("Until May the pool is closed")."""
_PAST_FRAME = re.compile(
    r"\b(?:(?:at|on|in|during|for|before|after) (?:your|the|its|our|their|this|that) "
    r"(?:last|previous|prior|earlier) [\w-]+|last (?:year|month|week|time|season|term|"
    r"quarter|renewal|review|release|version|edition))\b,?(?: [\w'%£$€.,/-]+){0,8}? "
    r"(?:was|were|had been)\b",
    re.I,
)
"""A value tied to a past occasion: "At your last renewal the windscreen excess was £600"
says what held then, not what holds now."""
_PAST_OPENING = re.compile(
    r"(?:^|[.;:\n])\s*(?:last|the previous|the prior) (?:year|month|week|quarter|season|"
    r"spring|summer|autumn|fall|winter|term)\b",
    re.I,
)
"""A clause that opens on a past period: "Last year Kellner raised oats by 15%; this year
its prices are unchanged" tells what happened then."""
_PAST_TIED = re.compile(
    r"(?<!since )(?<!than )(?<!from )(?<!as )\b(?:last|previous|prior) (?:year|month|week|"
    r"quarter|season|term|period|round|renewal|review)(?:'s)?\b",
    re.I,
)
"""A value tied to a past period anywhere in its sentence, for a lookup: "Net pay last
month: £2,771.66", "was £6.85 each on last quarter's price list". Not "up from last
year" or "higher than last year", which compare the current value with it."""
_PAST_VERSION = re.compile(
    r"(?:^|[.;:\n(])\s*(?:in |with |under )?(?:version|release|v)\s?\d[\w.]*,?\s+"
    r"(?:[\w'-]+\s+){0,2}?(?:needed|required|was|were|had|used|took|cost|ran|supported)\b",
    re.I,
)
"""A value a numbered version had, in the past tense: "Version 3 needed at least 8 GB of
RAM" tells what an earlier release required, not what the one asked about does."""
_VERSION_ASKED = re.compile(r"\b(?:version|release|v)\s?\d", re.I)
_PAST_ASKED = re.compile(r"\b(last|previous|prior|earlier)\b", re.I)
"""A question about a past value: the past-period rules do not set it aside."""
_SPEAKER = re.compile(
    r"^\s*(?:\[?(?:\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4},?\s*)?\d{1,2}:\d{2}(?::\d{2})?\]?\s*"
    r"(?:-\s*)?)([^:\n\[\]]{1,40}?):\s"
)
"""A chat line's speaker, after its time: "[16:05] Lead: final call - Ana owns the demo"."""
_SAYING = re.compile(r"\b(said|say|says|wrote|write|posted|post|asked|sent|replied|messaged|"
                     r"suggested|offered|mentioned|typed|speaker|author)\b", re.I)  # fmt: skip


_NAME_NOUN = re.compile(r"\b([A-Z][\w'-]*) ([a-z]{3,})\b")


_EXCLUDES = re.compile(
    r"\b(?:no|without|not (?:taking|buying|adding|choosing|using))\s+"
    r"(?:(?:an?|the|any|extra|additional|optional|added|further)\s+)*([a-z][a-z'-]{2,})",
    re.I,
)
_NOT_A_CONDITION = frozenset((
    "longer", "later", "more", "less", "one", "other", "others", "matter", "need", "needs",
    "doubt", "charge", "cost", "idea", "reason", "sooner", "than",
))  # fmt: skip
_NEGATION = frozenset(["no", "not", "without", "never"])


def excluded_condition(sentence: str, question: str) -> str | None:
    """A condition the question rules out ("if I take no extra waiver", "without
    breakfast") that the value's sentence states as its own ("with the premium damage
    waiver the deposit falls to €150"): the value answers the other case. The sentence's
    "with ..." must not itself be negated ("with no waiver" is the case asked)."""
    for m in _EXCLUDES.finditer(question):
        noun = m.group(1).casefold()
        if noun in _NOT_A_CONDITION or noun in STOPWORDS:
            continue
        root = re.escape(noun[:-1] if noun.endswith("s") and len(noun) > 4 else noun)
        for w in re.finditer(rf"\bwith\s+((?:[\w'-]+\s+){{0,3}}?){root}\w*\b", sentence, re.I):
            between = {t.casefold() for t in w.group(1).split()}
            if not between & _NEGATION:
                return f"with {w.group(1)}{noun}".replace("  ", " ")
    return None


_LEAVE_OUT = re.compile(
    r"\b(?:leave|leaving|leaves) out|\bnot (?:counting|including)\b|\bexcluding\b|"
    r"\bexcept(?: for)?\b|\bother than\b|\bapart from\b|\bignoring\b",
    re.I,
)
_DONT_COUNT = re.compile(
    r"\b(?:don't|do not|doesn't|does not|won't|will not|shouldn't|should not) count\b|"
    r"\b(?:are|is) (?:not counted|excluded)\b",
    re.I,
)
_FILLER = frozenset({
    "any", "all", "the", "ones", "one", "those", "that", "which", "were", "are", "was", "is",
    "have", "has", "been", "entries", "entry", "items", "item", "lines", "line", "records",
    "record", "them", "and", "or", "a", "an", "of", "already", "still", "yet", "also",
    "just", "only",
})  # fmt: skip


def left_out(question: str) -> list[str]:
    """The words of what a question says to leave out of a count or list: "refunded" in
    "Leave out refunded ones", "refunds" in "not counting refunds", "cancelled" and
    "no-shows" in "Cancelled bookings and no-shows don't count" (the first word of each
    thing named: the one that marks it)."""
    found: list[str] = []
    for m in _LEAVE_OUT.finditer(question):
        words = re.findall(r"[\w'-]+", question[m.end() :])
        first = next((w for w in words[:6] if w.casefold() not in _FILLER), None)
        if first:
            found.append(first.casefold())
    for m in _DONT_COUNT.finditer(question):
        clause = re.split(r"[.?!;:,]", question[: m.start()])[-1]
        for part in re.split(r"\b(?:and|or)\b|,", clause):
            words = [w for w in re.findall(r"[\w'-]+", part) if w.casefold() not in _FILLER]
            if words:
                found.append(words[0].casefold())
    return list(dict.fromkeys(w for w in found if w not in STOPWORDS and len(w) > 2))


def marked_left_out(sentence: str, question: str) -> str | None:
    """A word of ``sentence`` that marks it as what the question leaves out ("REFUNDED",
    "refunded in full" for "not counting refunds"), or None."""
    for word in left_out(question):
        if "-" in word or len(word) <= 4:  # "no-shows", "met": the word itself
            pattern = rf"\b{re.escape(word.rstrip('s'))}s?\b"
        else:  # "refunds" marks "refunded", "REFUNDED"
            pattern = rf"\b{re.escape(stem(word))}\w*"
        m = re.search(pattern, sentence, re.I)
        if m:
            return m.group(0)
    return None


_NOT_HAPPENED = re.compile(
    r"\b(?:no[- ]shows?|absent|(?:did not|didn't|failed to|never) (?:turn(?:ed)? up|show(?:ed)?"
    r"(?: up)?|attend(?:ed)?|come|came|arrive[d]?))\b",
    re.I,
)


def did_not_happen(sentence: str, question: str) -> str | None:
    """The words of ``sentence`` that say its event did not take place ("booked Spin but did
    not turn up", "status=no-show"), unless the question asks about such events ("How many
    no-shows ...?"). A booking nobody came to is no visit; a count of visits or sessions
    leaves it out even when the question does not say so. For the records of a list or
    count only: a lookup's sentence may give a date or place of what did not happen."""
    m = _NOT_HAPPENED.search(sentence)
    if m is None or _NOT_HAPPENED.search(question):
        return None
    return m.group(0)


_CHANGED_FROM = re.compile(
    r"\b(?:chang|mov|reduc|increas|rais|cut|lower|rose|fell|dropp|switch|revis|amend|updat"
    r"|relocat|reschedul|postpon|shift|brought|push|extend|shorten|upgrad|downgrad)\w*"
    r"\s+(?:[\w'-]+\s+){0,3}?from\s+(.{1,40}?)\s+to\b",
    re.I,
)
_BEFORE_ASKED = re.compile(
    r"\b(?:from|before|originally|initially|first|previous|previously|old|original|earlier)\b",
    re.I,
)


_LEAST_ASKED = re.compile(r"\b(?:minimum|at (?:the )?(?:very )?least|smallest|lowest)\b", re.I)
_RECOMMENDED = re.compile(r"\b(?:recommended|suggested|ideal|optimal|preferred)\b", re.I)
_MINIMUM = re.compile(r"\b(?:minimum|min\.|at least|required|less than)\b", re.I)


def other_level(text: str, question: str) -> str | None:
    """A recommended value where the question asks the least that will do ("How much RAM
    do I need at the very least?" and "Memory (recommended, for large projects): 12 GB"),
    or the minimum where it asks what is recommended: another level of the requirement."""
    if _LEAST_ASKED.search(question) and not _RECOMMENDED.search(question):
        if _RECOMMENDED.search(text) and not _MINIMUM.search(text):
            return "recommended (the question asks the least that will do)"
    elif _RECOMMENDED.search(question) and _MINIMUM.search(text) and not _RECOMMENDED.search(text):
        return "the minimum (the question asks what is recommended)"
    return None


_HIGH_ASKED = re.compile(r"\b(?:highest|maximum|max|high (?:tide|water))\b", re.I)
_LOW_ASKED = re.compile(r"\b(?:lowest|minimum|low (?:tide|water))\b", re.I)
_HIGH_SAID = re.compile(r"\b(?:highest|maximum)\b|(?:^|\|)\s*high\s*(?:\||:|$)", re.I | re.M)
_LOW_SAID = re.compile(r"\b(?:lowest|minimum)\b|(?:^|\|)\s*low\s*(?:\||:|$)", re.I | re.M)


def other_end(text: str, question: str) -> str | None:
    """The other end of a range: asked when the water is "at its highest", a tide table's
    "Barry | Thu | Low | 15:50" row; asked the lowest temperature a pump may run at,
    "Maximum operating temperature: 60 °C". Only a superlative, maximum or minimum, or a
    table cell that says High or Low alone: "high street", "low-cost", "10 min" are no end
    of a range."""
    high, low = _HIGH_ASKED.search(question), _LOW_ASKED.search(question)
    if bool(high) == bool(low):
        return None
    said_high, said_low = _HIGH_SAID.search(text), _LOW_SAID.search(text)
    if high and said_low and not said_high:
        return f"{said_low.group(0).strip(' |:')} (the question asks the highest)"
    if low and said_high and not said_low:
        return f"{said_high.group(0).strip(' |:')} (the question asks the lowest)"
    return None


_SEASONS = {"spring": {2, 3, 4, 5, 6}, "summer": {5, 6, 7, 8, 9}, "autumn": {8, 9, 10, 11, 12},
            "fall": {8, 9, 10, 11, 12}, "winter": {11, 12, 1, 2, 3}}  # fmt: skip
"""Each season with a month either side: their edges are fuzzy (schools call the February
half term spring's)."""
_SEASON_ASKED = re.compile(
    r"\b(?:in|during|this|last|next|the|over)\s+(spring|summer|autumn|fall|winter)\b"
    r"(?!\s+(?:term|semester|trimester|timetable|time|schedule|session|season|sale|"
    r"collection|opening|hours|programme|program|edition|release|issue)s?\b)",
    re.I,
)
_FULL_MONTH = re.compile(
    r"\b(january|february|march|april|june|july|august|september|october|november|"
    r"december)\b",
    re.I,
)  # fmt: skip  ("may" is a verb too often to count)


def other_season(sentence: str, question: str) -> str | None:
    """Months of another season: asked what happens "after the mid-term holiday in the
    autumn", "After the February half term, pupils return on Monday 22 February" names only
    a winter month (measured: fresh10's term dates, answered at 0.76 and 0.85 by the
    judgement). Only where the question uses the season as a time of year, not as the
    name of a term or timetable ("the spring term" starts in January; "the winter
    timetable" in October); seasons as in the northern hemisphere."""
    m = _SEASON_ASKED.search(question)
    if m is None or re.search(rf"\b{m.group(1)}\b", sentence, re.I):
        return None
    named = _FULL_MONTH.findall(sentence)
    if named and not {MONTHS[x.casefold()] for x in named} & _SEASONS[m.group(1).casefold()]:
        names = ", ".join(dict.fromkeys(x.capitalize() for x in named))
        return f"in {names} (the question asks about the {m.group(1).casefold()})"
    return None


_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6,
}  # fmt: skip
_ORDINAL = re.compile(
    r"(?:\b(?:the|a|its|my|our|your|their|his|her|this|that|each)\s+|^\s*|[,:;(]\s*)("
    + "|".join(_ORDINALS)
    + r")\b(?!-)(?= (?!(?:of|and|or|to|in|on|at|the|a|an|is|are|was|were|be|will|aid|time|"
    r"come|class|name|names|person|place)\b)[a-z])",
    re.I | re.M,
)
"""An ordinal that picks one of a series, after a determiner or at the start of a line or
clause ("the second vehicle", "Resident permit, 2nd vehicle"), not an adverb ("which
version first gave", "at first"), "first aid", "first-class" or "the first of May"."""


def other_ordinal(sentence: str, question: str) -> str | None:
    """One of a series other than the one asked: asked about "the first car at the
    address", "Resident permit, second vehicle, 12 months: £95" is about the second. Only
    when the sentence names none of the question's ordinals."""
    asked = {_ORDINALS[m.casefold()] for m in _ORDINAL.findall(question)}
    said = {_ORDINALS[m.casefold()]: m for m in _ORDINAL.findall(sentence)}
    if asked and said and not asked & set(said):
        return f"the {', '.join(said.values())} one (the question asks about another)"
    return None


def changed_from(sentence: str, value: str, question: str) -> str | None:
    """The change that ``value`` is the starting point of ("reduced from £21,500 to
    £7,500", "moved from Room B to Room A"): the value before, not the one that holds,
    unless the question asks what it was before. A change verb must lead in: "open from
    9am to 5pm" is a range, not a change."""
    if not value.strip() or _BEFORE_ASKED.search(question):
        return None
    want = normalise(value).casefold()
    numbers = {t for t in terms(value) if t[0].isdigit()}
    for m in _CHANGED_FROM.finditer(sentence):
        phrase = m.group(1)
        if want in normalise(phrase).casefold() or (numbers and numbers <= set(terms(phrase))):
            return m.group(0)
    return None


_FIRST_SAID = re.compile(
    r"\b(?:original|originally|initial|initially|first|earlier|provisional|provisionally)\b(?!-)",
    re.I,
)
_WAS = re.compile(r"\b(?:was|were|been)\b", re.I)
_NOW_ASKED = re.compile(
    r"\b(?:after the (?:changes?|revisions?|updates?)|now|currently|latest|revised|updated|"
    r"final|these days)\b",
    re.I,
)
"""A question about the value that holds after a change."""
_FIRST_VALUE = re.compile(
    r"\b(?:original|initial|first|earlier|provisional)\s+(?:[\w-]+\s+){0,3}?(?:quote|quotation|"
    r"estimate|price|figure|offer|bid|deadline|date|plan|schedule|timetable|forecast|"
    r"valuation|draft|version)s?\b",
    re.I,
)
"""A first value named as such ("Our first quote for the loft came to £15,600"): superseded
when the question asks what holds now ("after the changes")."""
_SINCE_CHANGED = re.compile(
    r"\b(?:(?:has|have|had)\s+(?:since\s+|now\s+|then\s+|just\s+)?been|(?:was|were)\s+"
    r"(?:since\s+|later\s+|then\s+|subsequently\s+)?|(?:is|are)\s+now)\s*(?:extend|mov|chang"
    r"|revis|push|brought|postpon|reschedul|replac|updat|increas|reduc|rais|lower|cut|amend"
    r"|delay|correct|withdr|cancel)\w*",
    re.I,
)


def superseded(sentence: str, value: str, question: str) -> str | None:
    """A value said first and then changed in the same sentence: "The original deadline was
    3 March; it has been extended", "had originally been due on 4 June but was brought
    forward". The value comes after a first-said word and a past "was" or "been" (not "the
    first train leaves at 06:10"), and before the change: a value after the change
    ("... extended to 17 March") is the one that holds. A question about the value before
    keeps it. A first value with no change said ("Initial interest rate: 4.29% fixed until
    2029") is not superseded, unless it is a first quote, estimate, deadline... and the
    question asks what holds now ("after the changes, how much is the work?")."""
    if not value.strip() or _BEFORE_ASKED.search(question):
        return None
    at = sentence.casefold().find(value.casefold())
    if at < 0:
        return None
    firsts = list(_FIRST_SAID.finditer(sentence, 0, at))
    first = firsts[-1] if firsts else None
    if first is None:
        return None
    change = _SINCE_CHANGED.search(sentence, at + len(value))
    if change is not None and _WAS.search(sentence, first.end(), at):
        return f"{first.group(0)} ... {change.group(0)}"
    now = _NOW_ASKED.search(question)
    if now is not None and _FIRST_VALUE.search(sentence, 0, at):
        return f"{first.group(0)} ..., asked {now.group(0)!r}"
    return None


def other_of_kind(sentence: str, question: str) -> str | None:
    """Another thing of the kind the question names: the question asks about "Brookside
    ward" and the sentence, which never says Brookside, is about "Fairholme ward"."""
    for m in _NAME_NOUN.finditer(question):
        name, noun = m.group(1), m.group(2)
        if name in _OPENERS or noun in STOPWORDS or re.search(rf"\b{re.escape(name)}\b",
                                                             sentence, re.I):  # fmt: skip
            continue
        for other in re.finditer(rf"\b([A-Z][\w'-]*) {noun}\b", sentence):
            if other.group(1) not in _OPENERS and other.group(1) != name:
                return f"{other.group(1)} {noun}"
    return other_count(sentence, question)


_PER = {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year",
        "annual": "year", "annually": "year", "hourly": "hour", "nightly": "night",
        "pcm": "month", "pa": "year", "p.a.": "year"}  # fmt: skip
_RATE_UNITS = (
    r"(day|week|month|year|hour|night|kwh|mwh|litre|liter|kg|km|mile|minute|person|page)s?"
)
_RATE_ASKED = re.compile(
    rf"\b(?:per|a|an|each|every)\s+{_RATE_UNITS}\b|\b(daily|weekly|monthly|yearly|annual|"
    r"annually|hourly|nightly)\b",
    re.I,
)
_RATE_GIVEN = re.compile(
    rf"\d(?:[\d,.]*\d)?\s*(?:[a-z€£$]{{1,3}}\s+)?(?:(?:per|a|an|each|/)\s*{_RATE_UNITS}\b|"
    r"(pcm|p\.a\.))",
    re.I,
)
"""A number with the unit it is per, just after it: "25.63p per kWh", "£875 pcm", "€40/day"."""


def _rate(word: str) -> str:
    word = word.casefold().rstrip(".")
    word = _PER.get(word, _PER.get(f"{word}.", word))
    return word.removesuffix("s") if len(word) > 3 else word


def other_rate(answer: str, sentence: str, question: str) -> str | None:
    """A rate per another unit than the one asked: asked "how much do I pay per day", the
    value is "25.63p per kWh" (the unit rate, not the standing charge). Only where both
    say their unit; "£19.99 a month" answers "each month"."""
    asked = {_rate(next(g for g in m.groups() if g)) for m in _RATE_ASKED.finditer(question)}
    if not asked:
        return None
    at = sentence.find(answer)
    given = {_rate(next(g for g in m.groups() if g)) for m in _RATE_GIVEN.finditer(answer)}
    digits = [i for i, c in enumerate(answer) if c.isdigit()]
    if not given and at >= 0 and digits:  # the unit the sentence gives right after it
        m = _RATE_GIVEN.match(sentence, at + digits[-1])
        if m:
            given = {_rate(next(g for g in m.groups() if g))}
    if given and not given & asked:
        unit = sorted(given)[0]
        return f"per {unit}, where the question asks per {sorted(asked)[0]}"
    return None


_COUNT_WORDS = {**WORD_NUMBERS, "single": 1, "double": 2, "twin": 2}
_COUNTED = re.compile(rf"\b(\d+|{'|'.join(_COUNT_WORDS)})[- ]([a-z]{{3,}})\b", re.I)


def _counts(text: str) -> list[tuple[int, str, str]]:
    out = []
    for m in _COUNTED.finditer(text):
        n = m.group(1).casefold()
        out.append((int(n) if n.isdigit() else _COUNT_WORDS[n], m.group(2).casefold(),
                    m.group(0)))  # fmt: skip
    return out


def other_count(sentence: str, question: str) -> str | None:
    """Another number of the same thing: asked about "the 2-bedroom", the sentence is
    about the "One-bedroom flat" ("bed" and "bedroom" are one noun; "3-star" is not
    "5-star"). Never when the sentence also names the count asked."""
    asked = [(n, noun) for n, noun, _ in _counts(question) if noun not in STOPWORDS]
    if not asked:
        return None
    said = _counts(sentence)

    def same(a: str, b: str) -> bool:
        return a.startswith(b) or b.startswith(a)

    for n, noun in asked:
        if any(m == n and same(noun, other) for m, other, _ in said):
            continue
        for m, other, text in said:
            if m != n and same(noun, other):
                return text
    return None


_UNIT_CLASSES = {
    "kg": ("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"),
    "g": ("g", "gram", "grams"),
    "year": ("year", "years", "yr", "yrs"),
    "month": ("month", "months"),
    "week": ("week", "weeks"),
    "night": ("night", "nights"),
    "hour": ("hour", "hours", "hr", "hrs"),
    "km": ("km", "kilometre", "kilometres", "kilometer", "kilometers"),
    "mile": ("mile", "miles"),
    "person": ("person", "persons", "people", "guests", "players", "adults"),
}  # fmt: skip
_UNIT_OF = {w: k for k, words in _UNIT_CLASSES.items() for w in words}
_UNIT = "|".join(sorted(_UNIT_OF, key=len, reverse=True))
_NUM = r"\d+(?:\.\d+)?"
_AMOUNT_ASKED = re.compile(rf"(?<![\d.,-])({_NUM})[ -]?({_UNIT})\b", re.I)
_BAND = re.compile(
    rf"(?<![\d.,])(?:between\s+)?({_NUM})\s*(?:-|–|to|and)\s*({_NUM})\s*({_UNIT})\b", re.I
)


def other_band(sentence: str, question: str) -> str | None:
    """Another band of a scale: asked about a 24 kg dog, the sentence gives the amount for
    "25-30 kg" (a weight band, an age range, a length of stay). Only when the question
    gives the amount in the same unit as the band, and no band of the sentence holds it."""
    asked = [(float(n), _UNIT_OF[u.casefold()]) for n, u in _AMOUNT_ASKED.findall(question)]
    if not asked:
        return None
    bands = [(float(a), float(b), _UNIT_OF[u.casefold()], m.group(0))
             for m in _BAND.finditer(sentence) for a, b, u in [m.groups()]]  # fmt: skip
    for n, unit in asked:
        same = [(lo, hi, text) for lo, hi, u, text in bands if u == unit and lo < hi]
        if same and not any(lo <= n <= hi for lo, hi, _ in same):
            return same[0][2]
    return None


def speaker_only(sentence: str, answer: str, question: str) -> bool:
    """Whether ``answer`` is only the speaker label of a chat line and the question does
    not ask who said something: the one who writes "X owns the demo" is not X."""
    m = _SPEAKER.match(sentence)
    if m is None or _SAYING.search(question):
        return False
    return terms(answer) == terms(m.group(1))


_CAPITALISED = re.compile(r"(?<![\w-])([A-Z][\w]*(?:[-'][\w]+)*)")
_CODELIKE = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*|[A-Za-z]+[-_./][\w./-]*\w|\w*\d\w*)")
_HYPHENED_WORD = re.compile(r"[a-z]+(?:-[a-z]+)+")
_COMBINING = frozenset({
    "wise", "related", "based", "like", "free", "friendly", "style", "sized", "shaped",
    "only", "specific", "heavy", "worthy",
})  # fmt: skip
"""Endings that make an English word out of another ("balance-wise", "tax-free"): such a
word is no name, and what it is about is an ordinary topic word."""


def _english_compound(code: str) -> bool:
    return bool(_HYPHENED_WORD.fullmatch(code)) and code.rsplit("-", 1)[1] in _COMBINING


def _spelled(code: str) -> str:
    """The pattern that finds ``code`` in a sentence: as written, and a lower-case hyphened
    word also spelled apart ("best before" for "best-before", "take home")."""
    if _HYPHENED_WORD.fullmatch(code):
        return r"[\s-]?".join(re.escape(p) for p in code.split("-"))
    return re.escape(code)


_IDENTIFIER = re.compile(
    r"(?<![\w/.-])(?=[\w/.-]*\d)(?=[\w/.-]*[A-Za-z])[A-Za-z0-9]+(?:[-/.][A-Za-z0-9]+)*"
    r"(?![\w/-])"
)
"""A token of letters and digits, maybe joined by - / or . ("26/0282/FUL", "SK575")."""
_OPENERS = frozenset({
    "What", "Which", "Who", "Whom", "Whose", "When", "Where", "Why", "How", "Is", "Are", "Was",
    "Were", "Does", "Do", "Did", "Can", "Could", "Should", "Would", "Will", "In", "On", "At",
    "For", "From", "To", "The", "A", "An", "Of", "By", "After", "Before", "Under", "Within",
    "Above", "Below", "Since", "During", "I", "List", "Name", "Give", "Tell", "Find",
    "If", "Please", "And", "But", "So", "Now", "Then", "Also", "Here", "There", "According",
    "Given", "Assuming", "Suppose", "Once", "While", "Although", "Besides", "Apart", "Until",
    "Till", "Between", "Outside", "Inside", "Without", "Through", "Throughout",
})  # fmt: skip


# A company's legal form names no other company: "Calder Waste Ltd" is "Calder Waste".
_LEGAL_FORMS = frozenset({
    "Ltd", "Limited", "Inc", "Incorporated", "LLC", "LLP", "LP", "plc", "PLC", "GmbH", "AG",
    "SA", "SE", "NV", "BV", "Pty", "Co", "Corp", "Corporation", "SpA", "SARL", "Srl", "KG",
    "AB", "ASA", "Oy", "Oyj", "KK",
})  # fmt: skip
_TITLES = frozenset({
    "Dr", "Mr", "Mrs", "Ms", "Mx", "Prof", "Sir", "Dame", "Rev", "BA", "BSc", "MA", "MSc",
    "MEng", "BEng", "MBA", "PhD", "LLB", "LLM", "MPhil", "MRes", "BEd", "PGCE", "HND",
})  # fmt: skip
"""Titles and degrees before a name are no part of it: "Dr Okafor" is Okafor, "BSc
History" is the History course ("North Brookfield" is not Brookfield)."""


def name_word(word: str) -> bool:
    """Whether ``word`` can be part of a name beside another: capitalised, and not a title
    or a legal form ("Express" in "Spin Express"; not "Dr", not "Ltd")."""
    return word[:1].isupper() and word not in _TITLES and word not in _LEGAL_FORMS


_QUOTED = re.compile(r"`([^`\n]{1,60})`|\"([^\"\n]{1,60})\"")


def entity_terms(question: str) -> set[str]:
    """What the question is about, by name: capitalised words (not its opening word or
    question words), code-like tokens (``--flag``, ``git-doc``, ``v2.3``) and anything it
    puts in quotes or backticks, as terms."""
    found: set[str] = set()
    for m in _QUOTED.finditer(question):
        found.update(terms(m.group(1) or m.group(2)))
    for m in _CAPITALISED.finditer(question):
        word = m.group(1)
        if word not in _OPENERS:
            found.update(terms(word))
    for m in _CODELIKE.finditer(question):
        if not _english_compound(m.group(1)):
            found.update(t for t in terms(m.group(1)) if not t.isdigit() or len(t) > 1)
    return {t for t in found if t not in STOPWORDS}


def sentence_around(text: str, start: int, end: int, reach: int = 400) -> tuple[int, int]:
    """The sentence (or line) holding ``start:end``, within ``reach`` characters."""
    lo = max(0, start - reach)
    cut = max(text.rfind(". ", lo, start), text.rfind("\n", lo, start),
              text.rfind("? ", lo, start), text.rfind("! ", lo, start))  # fmt: skip
    s = cut + 1 if cut >= 0 else lo
    hi = min(len(text), end + reach)
    stops = [i for i in (text.find(". ", end, hi), text.find("\n", end, hi)) if i >= 0]
    e = min(stops) + 1 if stops else hi
    return s, e


@dataclass(frozen=True)
class Fit:
    """How well the sentence holding a value fits the question."""

    qualifiers: tuple[str, ...]
    """Words in the sentence marking its value as not current, that the question lacks."""
    entities: float | None
    """Share of the question's named things the sentence names (None: it names none)."""
    topic: float | None = None
    """Share of the question's other content words (stemmed) the sentence uses (None: the
    question has none). Zero means the sentence is about something else: "attendance
    reached 367" does not state a spending limit, whatever name it shares."""

    kind_ok: bool = True
    """The value is of the kind the question asks for (a date for "when", ...)."""
    lookalikes: tuple[str, ...] = ()
    """The question's names the sentence uses only inside a longer one (``lookalikes``)."""

    @property
    def viable(self) -> bool:
        return (
            not self.qualifiers
            and (self.entities is None or self.entities > 0)
            and self.kind_ok
            and not self.lookalikes
        )


_WORD = re.compile(r"[\w'-]+")
_QUANTITY = re.compile(r"\d+(?:[.,]\d+)?")


def _after_number(sentence: str, before: tuple[str, int], pos: int) -> bool:
    """Whether the word at ``pos`` follows the number ``before`` with only spaces between
    ("6 GB"): a unit of that number, not a word of a name."""
    word, start = before
    return bool(_QUANTITY.fullmatch(word)) and not sentence[start + len(word) : pos].strip(" ")


def named(sentence: str, question: str, vocabulary: set[str] | None = None) -> set[str]:
    """The question's entity terms that ``sentence`` names as such: a name the sentence
    extends with a capitalised word the question lacks ("Brookfield East" for
    "Brookfield"), or with a hyphened part ("ImageNet-V2" for "ImageNet"), names
    something else. With ``vocabulary`` (the terms of the whole input), names the input
    never uses are not asked for ("TCP" in "On what TCP port does ledger listen?" over an
    INI file that never says TCP)."""
    return _names(sentence, question, vocabulary)[0]


def lookalikes(
    sentence: str, question: str, vocabulary: set[str] | None = None,
    bare: set[str] | None = None,
) -> set[str]:  # fmt: skip
    """The question's entity terms that ``sentence`` mentions only inside a longer name
    ("the 20:35 to Garrow Road" for "the 20:35 to Garrow"), where the input names them on
    their own elsewhere (``bare``): there the longer name is another place, dataset or
    product, and the sentence is about a look-alike. (Where the input only ever says
    "Garrow Road", that is how it names Garrow, and nothing is a look-alike.)"""
    found, extended = _names(sentence, question, vocabulary)
    return (extended - found) & (bare or set())


def used_by(names: set[str], vocabulary: set[str]) -> set[str]:
    """The terms of ``names`` the input uses, as they are or in the plural ("Tuesdays")."""
    return {t for t in names if t in vocabulary or f"{t}s" in vocabulary}


def _singular(term: str, wanted: set[str]) -> str:
    if term not in wanted and len(term) > 4 and term.endswith("s") and term[:-1] in wanted:
        return term[:-1]
    return term


def _names(sentence: str, question: str, vocabulary: set[str] | None) -> tuple[set[str], set[str]]:
    """``named``'s terms, and the wanted terms the sentence mentions only extended."""
    wanted = entity_terms(question)
    if vocabulary is not None:
        wanted = used_by(wanted, vocabulary)
    asked = set(terms(question))
    words = [(m.group(0), m.start()) for m in _WORD.finditer(sentence)]
    found: set[str] = set()
    extended_hits: set[str] = set()
    low_question = question.casefold()
    for i, (word, _pos) in enumerate(words):
        # a name in the plural is still the name: "on Tuesdays" names Tuesday
        hits = [_singular(t, wanted) for t in terms(word) if _singular(t, wanted) in wanted]
        if not hits:
            continue
        if "-" in word.strip("-") and word.casefold() not in low_question:
            rest = [p for p in word.split("-") if p and not set(terms(p)) & set(hits)]
            if any((p[:1].isupper() or any(c.isdigit() for c in p))
                   and not set(terms(p)) <= asked for p in rest):  # fmt: skip
                extended_hits.update(hits)  # "ImageNet-V2" is not "ImageNet"
                continue
        neighbours = []
        for j in (i - 1, i + 1):
            if 0 <= j < len(words):
                other, pos = words[j]
                between = sentence[min(pos, words[i][1]) : max(pos, words[i][1])]
                adjacent = between.strip(" ").count(" ") == 0 and not any(
                    c in between for c in ",;:|()[]\n."
                )  # fmt: skip
                # a word after a number is its unit ("6 GB RAM"): part of a value, no name
                unit = j == i - 1 and j > 0 and _after_number(sentence, words[j - 1], pos)
                neighbours.append((other, adjacent and not unit))
        # only a name can be extended: a word in lower case is a common noun, and a
        # capitalised word before it a modifier ("the Volta Trail e-bike" is an e-bike)
        extended = word[:1].isupper() and any(
            adjacent
            and name_word(other)
            and other not in _OPENERS
            and not set(terms(other)) <= asked
            for other, adjacent in neighbours
        )  # fmt: skip  (a label before a number, "MRN 130145", extends nothing)
        if not extended:
            found.update(hits)
        else:
            extended_hits.update(hits)
    # A code-like name is named only as itself: `--force` is not named by `--force-all`,
    # nor `git-doc` by `git-doc-base`.
    # A hyphened word in lower case ("take-home", "e-bike") is a word, not a code: it may
    # open a sentence capitalised ("Take-home pay this period: ..."), or be spelled apart
    # ("best before 28 April" for "best-before").
    # A hyphened word whose parts the input never all uses is the asker's own wording
    # ("the mid-term holiday" for a letter that says "half term"), not a name in it.
    for m in _CODELIKE.finditer(question):
        code = m.group(1)
        hyphened = bool(_HYPHENED_WORD.fullmatch(code))
        if hyphened and vocabulary is not None and not set(terms(code)) <= vocabulary:
            continue
        flags = re.IGNORECASE if hyphened else 0
        if not any(c.isdigit() for c in code) and not re.search(
            rf"(?<![\w-]){_spelled(code)}(?![\w-])", sentence, flags
        ):
            found -= set(terms(code))
    # An identifier that mixes letters and digits ("26/0282/FUL", "SK575", "INV-2031") is
    # named only whole: "26/0283/FUL" shares two of its terms and is another application.
    for code in _IDENTIFIER.findall(question):
        if not re.search(rf"(?<![\w/.-]){re.escape(code)}(?![\w/-])", sentence, re.IGNORECASE):
            found -= set(terms(code)) | set(re.split(r"[-/.]", code.casefold()))
    # A name of several words is named only whole: "| Juniper | 432 |" does not name
    # "Juniper Halt", any more than "Juniper Halta" does.
    for phrase in name_phrases(question):
        if vocabulary is not None:
            phrase = used_by(phrase, vocabulary)
        if len(phrase) > 1 and not phrase <= found:
            found -= phrase
    return found, extended_hits


def name_phrases(question: str) -> list[set[str]]:
    """The question's names, each as the terms of one run of capitalised words ("Juniper
    Halt", "Effective Date"), openers and question words left out."""
    phrases: list[set[str]] = []
    last_end = -2
    for m in _CAPITALISED.finditer(question):
        word = m.group(1)
        if word in _OPENERS:
            last_end = -2
            continue
        t = set(terms(word)) - STOPWORDS
        if not t:
            continue
        if phrases and question[last_end : m.start()].strip(" ") == "" and last_end >= 0:
            phrases[-1] |= t
        else:
            phrases.append(t)
        last_end = m.end()
    return phrases


def akin(a: str, b: str) -> bool:
    """The same word, or two forms of one ("delivery" and "deliver", "opened" and
    "opening"): a shared beginning of at least five letters that is most of the shorter."""
    if a == b:
        return True
    if a[0].isdigit() or b[0].isdigit():
        return False
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n >= 5 and n >= 0.8 * min(len(a), len(b))


# --- what kind of value does the question ask for? -----------------------------------------
_MONTHS = frozenset(MONTHS)
_ASKS_DATE = re.compile(
    r"^\s*(when\b|on what (date|day)|in what year|what date|which date|by when)", re.I
)
_ASKS_PERSON = re.compile(r"^\s*(who|whom)\b", re.I)
_OPENING_CONDITION = re.compile(
    r"^\s*(?:if|when|once|after|before|suppose|assuming|in case)\b[^,?]{1,160},\s*(?=(?:how|what|"
    r"who|whom|when|which|where|at how|on what|in what|by when)\b)",
    re.I,
)
_ASKS_NUMBER = re.compile(
    r"^\s*(how (many|much|long|far|high|old|big|large|heavy|deep|wide|tall)|what (number|"
    r"percentage|share|amount|temperature|price|fee|(?:interest )?rate|interest)|"
    r"at how many)\b",
    re.I,
)
_NUMBER_WORDS = frozenset(WORD_NUMBERS) | {"thousand", "million", "billion", "half", "dozen"}


_ASKS_MONEY = re.compile(
    r"\b(cost|costs|price|priced|pay|paid|charge|charged|fee|fees|rent|deposit|fine|owe|owed|"
    r"salary|wage|wages|spend|spent|refund|excess|premium)\b",
    re.I,
)
_MONEY = re.compile(
    r"[£$€¥₹]|(?<![a-z])(?:pounds?|dollars?|euros?|pence|cents?|eur|usd|gbp|chf|sek|nok|dkk|"
    r"jpy|aud|cad|yen|pcm|francs?|kronor|krona|kroner|rupees?|yuan|zloty|forint|lira)"
    r"(?![a-z])|\dp\b",
    re.I,
)
MONEY = "sum of money"


_ASKS_MONEY_NOUN = re.compile(
    r"^\s*what(?:'s| is| was| are| were| will be)?\s+(?:the|my|our|your|their)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:bill|cost|price|fee|charge|rent|fare|premium|salary|wage|"
    r"deposit|fine|excess|amount (?:due|payable|owed|owing))\b",
    re.I,
)
"""A question that asks what a bill, cost or fee is asks for a sum of money ("What is the
full bill for the year?"), though it opens with "what"."""
_AMOUNT = re.compile(
    r"[£$€¥₹]\s?\d[\d,]*(?:\.\d+)?|\b\d[\d,]*(?:\.\d+)?\s?(?:EUR|USD|GBP|euros?|pounds?|"
    r"dollars?)\b",
    re.I,
)


def value_of_kind(answer: str, question: str, sentence: str) -> str | None:
    """The one value of the kind the question asks for in ``sentence``, when the reader's
    value is not of that kind: asked "What is the full bill for the year?", the 1.5B lead
    answered "2026/27" from "Total council tax payable for 2026/27: £1,702.74" (twice).
    Only a sum of money or a date, and only when the sentence holds exactly one."""
    kind = asked_kind(question)
    amounts = [m for m in _AMOUNT.finditer(sentence)]
    if kind == MONEY and not any(terms(answer) and set(terms(answer)) <= set(terms(m.group(0)))
                                 for m in amounts):  # fmt: skip
        found = {m.group(0).strip() for m in amounts}
    elif kind == "date" and not of_kind(answer, "date"):
        found = {m.group(0) for m in FULL_DATE.finditer(sentence)}
    else:
        return None
    return found.pop() if len(found) == 1 else None


def asked_kind(question: str) -> str | None:
    """``date``, ``person``, ``number`` or ``MONEY`` (a number question about a price, fee,
    rent, pay...) when the question's opening says which kind of value answers it; None
    when it does not (what, which...). A condition that opens the question ("If a pipe
    bursts, how much do I pay?") is passed over: the kind is the main clause's."""
    question = _OPENING_CONDITION.sub("", question, count=1)
    if _ASKS_MONEY_NOUN.search(question):
        return MONEY
    if _ASKS_DATE.search(question):
        return "date"
    if _ASKS_PERSON.search(question):
        return "person"
    if _ASKS_NUMBER.search(question):
        much = re.match(r"\s*(how much|what (price|fee|amount))\b", question, re.I)
        return MONEY if much and _ASKS_MONEY.search(question) else "number"
    return None


def money_in(answer: str, sentence: str, headings: str = "") -> bool:
    """Whether ``answer`` is a sum of money where it stands: a number with a currency in
    it, next to it in its sentence ("29.99 EUR"), or in the headings over it ("Price
    (EUR)"). A bare count ("qty 29") is not one."""
    if not re.search(r"\d", answer):
        return False
    if _MONEY.search(answer) or _MONEY.search(headings):
        return True
    at = sentence.find(answer)
    return at >= 0 and bool(_MONEY.search(sentence[max(0, at - 4) : at + len(answer) + 8]))


def of_kind(answer: str, kind: str | None, sentence: str = "", headings: str = "") -> bool:
    """Whether ``answer`` can be a value of ``kind``: a date holds a year or a month, a
    person's name a capitalised word, a number a digit or a number word, a sum of money a
    number with a currency where it stands (``money_in``, in ``sentence`` and ``headings``)."""
    if kind is None:
        return True
    if kind == MONEY:
        return money_in(answer, sentence or answer, headings)
    words = [w.casefold() for w in _WORDS.findall(answer)]
    if kind == "date":
        return bool(re.search(r"\d", answer)) or any(w.strip(_STRIP) in _MONTHS for w in words)
    if kind == "person":
        return any(w[:1].isupper() for w in answer.split()) and not re.search(r"\d", answer)
    return bool(re.search(r"\d", answer)) or any(w.strip(_STRIP) in _NUMBER_WORDS for w in words)


def topic_terms(question: str) -> set[str]:
    """The question's content words that are not names, stemmed."""
    names = entity_terms(question)
    return {stem(t) for t in terms(question) if t not in names and not t.isdigit()}


_STRANDED = re.compile(r"\b(?:which|that|whom?)\b[^.;:]*\basked for\s*(?:[.;:!?]|$)")


def _stranded(phrase: str, low: str) -> bool:
    """Whether every "asked for" in ``low`` ends a relative clause ("we will be discussing
    The Long Field, which several of you asked for."): it looks back at a value the main
    clause states as decided, unlike "had asked for £8,000; the panel awarded £5,000" or
    "the €134,000 the prosecution asked for was not imposed", whose value is the thing
    asked for (fresh19's book club: the month's book set aside in 6 of its 7 lookups)."""
    return phrase == "asked for" and low.count(phrase) == len(_STRANDED.findall(low))


def not_current(text: str, question: str, words: frozenset[str] = QUALIFIERS) -> list[str]:
    """What in ``text`` marks the value it states as not the current, actual one (revoked,
    proposed, withdrawn, true until a past date or at a past occasion), unless the question
    itself asks about such a value. Used for a lookup's evidence (``fit``) and, with
    ``STATE_QUALIFIERS``, for the records a list or count rests on."""
    low = text.casefold()
    asked = set(terms(question))
    qual = [w for w in terms(text) if w in words and w not in asked]
    qual += [p for p in QUALIFIER_PHRASES
             if p in low and p not in question.casefold() and not _stranded(p, low)]  # fmt: skip
    if (m := _OVER.search(text)) and m.group(0).split()[-1] not in question.casefold():
        qual.append("closed (a matter that is over)")
    if _ENDED.search(text) and "until" not in question.casefold():
        qual.append("until (a past state)")
    past_asked = _PAST_ASKED.search(question)
    if _PAST_FRAME.search(text) and not past_asked:
        qual.append("last ... was (a past occasion)")
    elif _PAST_OPENING.search(text) and not past_asked:
        qual.append("last ... (a past period)")
    if _PAST_VERSION.search(text) and not past_asked and not _VERSION_ASKED.search(question):
        qual.append("version ... needed (an earlier version)")
    return list(dict.fromkeys(qual))


def fit(
    sentence: str, question: str, headings: str = "", section: str = "",
    answer: str | None = None, vocabulary: set[str] | None = None,
    bare: set[str] | None = None, subject: str = "",
) -> Fit:  # fmt: skip
    """How well ``sentence`` (the one holding a value) fits ``question``.

    ``headings`` are the heading lines that govern the sentence (``structure.py``): they
    say what it is about, and may mark it ("## Deprecated options"). ``section`` is, for a
    value that sits in a heading, the start of the section the heading introduces: it may
    supply names and topic words (the flag a changelog version added), never qualifiers,
    since the other entries of a section are not about this value. ``bare``: the
    question's names the input uses on their own somewhere (``bare_names``). ``subject``
    is what the whole document is about (its title, ``Outline.subject``): a name it gives
    is named by every sentence under it ("the battery is guaranteed for 1 year" in "Volta
    Trail e-bike: warranty terms"), and it marks and extends nothing."""
    marked = f"{headings}\n{sentence}" if headings else sentence
    qual = not_current(marked, question)
    if _PAST_TIED.search(sentence) and not _PAST_ASKED.search(question) and not qual:
        qual.append("last ... (a past period)")
    other = other_of_kind(sentence, question)
    if other is not None:
        qual.append(f"about another one ({other})")
    rate = other_rate(answer, sentence, question) if answer is not None else None
    if rate is not None:
        qual.append(f"a rate {rate}")
    excluded = excluded_condition(sentence, question)
    if excluded is not None:
        qual.append(f"under a condition the question excludes ({excluded})")
    before = changed_from(sentence, answer, question) if answer is not None else None
    if before is not None:
        qual.append(f"the value it changed from ({before} ...)")
    first = superseded(sentence, answer, question) if answer is not None else None
    if first is not None:
        qual.append(f"said first, then changed ({first})")
    level = other_level(marked, question)
    if level is not None:
        qual.append(level)
    end = other_end(marked, question)
    if end is not None:
        qual.append(f"the other end: {end}")
    ordinal = other_ordinal(sentence, question)
    if ordinal is not None:
        qual.append(ordinal)
    season = other_season(sentence, question)
    if season is not None:
        qual.append(season)
    band = other_band(sentence, question)
    if band is not None:
        qual.append(f"another band ({band})")
    if answer is not None and speaker_only(sentence, answer, question):
        qual.append("the speaker of a chat line, not what the line says")
    whole = f"{marked}\n{section}" if section else marked
    about = topic_terms(question)
    topic = None
    if about:
        used = {stem(t) for t in terms(whole)}
        topic = sum(1 for t in about if any(akin(t, u) for u in used)) / len(about)
    wanted = entity_terms(question)
    if vocabulary is not None:
        wanted = used_by(wanted, vocabulary)
    names = named(whole, question, vocabulary)
    if subject:
        names |= named(subject, question, vocabulary)
    entities = len(names) / len(wanted) if wanted else None
    kind_ok = answer is None or of_kind(answer, asked_kind(question), sentence, headings)
    alike = tuple(sorted(lookalikes(marked, question, vocabulary, bare)))
    return Fit(tuple(dict.fromkeys(qual)), entities, topic, kind_ok, alike)


SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n")
"""Where a text's sentences (or lines) break: after . ! ? and space, or at a newline (a
decimal point breaks nothing)."""


def bare_names(texts: Iterable[str], question: str, vocabulary: set[str] | None = None) -> set[str]:
    """The question's entity terms that some sentence of ``texts`` names on its own (not
    only inside a longer name): what makes a longer name elsewhere a look-alike."""
    wanted = entity_terms(question)
    if vocabulary is not None:
        wanted = used_by(wanted, vocabulary)
    bare: set[str] = set()
    for text in texts:
        low = text.casefold()
        if not any(t in low for t in wanted - bare):
            continue
        for sentence in SENTENCE_BREAK.split(text):
            sl = sentence.casefold()
            if any(t in sl for t in wanted - bare):
                bare |= named(sentence, question, vocabulary) & wanted
        if bare >= wanted:
            break
    return bare


# --- the check -----------------------------------------------------------------------------
def check(
    raw: dict[str, Any],
    *,
    job_key: str,
    round_: int,
    task_index: int,
    chunk: Chunk,
    index: SourceIndex,
    question: str = "",
    kind: str = "worker",
    model: str = "",
) -> Report:
    """Turn a model's parsed JSON reply about ``chunk`` into a checked ``Report``."""
    answer, quote = clean(raw.get("answer")), clean(raw.get("quote"))
    if answer is not None:
        answer = unloop(answer, repeats=2)  # an answer said twice over is said once
    try:
        confidence = float(raw.get("confidence", 0.0))
    except (TypeError, ValueError):
        confidence = 0.0
    if not math.isfinite(confidence):
        confidence = 0.0
    if 1.0 < confidence <= 100.0:
        confidence /= 100.0  # a percentage
    confidence = min(1.0, max(0.0, confidence))
    report = Report(job_key, round_, task_index, chunk.index, answer, quote, confidence)
    report.doc_id, report.doc_name, report.kind, report.model = (
        chunk.doc_id, chunk.doc_name, kind, model
    )  # fmt: skip
    if answer is None:
        report.reason = "nothing in this text"
        return report
    if quote is None:
        report.reason = "no quote given"
        return report
    stripped = quote.strip(_STRIP)
    if len(stripped) < 2:
        report.reason = "quote too short to check"
        return report
    found = _locate(stripped, chunk, index)
    if found is None and (looped := unloop(stripped).strip(_STRIP)) != stripped:
        stripped = looped
        found = _locate(stripped, chunk, index)
        report.reason = "quote's repeated tail dropped"
    if found is None:
        found = _verbatim_part(normalise(stripped), answer, index.norm(chunk))
        if found is None:
            report.reason = REJECT_NOT_FOUND
            return report
        report.reason = "quote trimmed to its verbatim part"
    report.start, report.end = chunk.start + found[0], chunk.start + found[1]
    source = index.source[chunk.doc_id]
    # give back the closing bracket or quote mark the strip took, where the source has it
    # ("(2023-01-02" cites as "(2023-01-02)")
    tail = quote.rstrip()[len(quote.rstrip().rstrip(_STRIP)) :]
    for ch in tail:
        if ch in ")]\"'»" and report.end < chunk.end and source[report.end] == ch:
            report.end += 1
        else:
            break
    cited = source[report.start : report.end]
    if restates(answer, question):
        report.reason = REJECT_RESTATES
    elif not carries(answer, cited):
        report.reason = REJECT_NO_VALUE
    else:
        report.supported = True
        of_kind_asked = value_of_kind(answer, question, cited) if question else None
        if of_kind_asked is not None:
            report.answer = of_kind_asked
            report.reason = (f"value of the kind asked read from the quote ({answer!r} was "
                             "given)")  # fmt: skip
    report.context = context_around(source, report.start, report.end)
    return report


def context_around(text: str, start: int, end: int, chars: int = 160) -> str:
    """The quote with ``chars`` of source either side, trimmed to word boundaries."""
    lo, hi = max(0, start - chars), min(len(text), end + chars)
    while lo > 0 and not text[lo - 1].isspace() and start - lo < chars + 30:
        lo -= 1
    while hi < len(text) and not text[hi].isspace() and hi - end < chars + 30:
        hi += 1
    snippet = _SPACE.sub(" ", text[lo:hi]).strip()
    return ("…" if lo > 0 else "") + snippet + ("…" if hi < len(text) else "")


def _locate(quote: str, chunk: Chunk, index: SourceIndex) -> tuple[int, int] | None:
    # Fast path: most quotes that are right are verbatim; normalise only when needed.
    pos = chunk.text.find(quote)
    if pos >= 0:
        return pos, pos + len(quote)
    return index.norm(chunk).find(normalise(quote))


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """Offsets of ``quote`` in ``text``, forgiving only formatting (whitespace, quotes)."""
    needle = normalise(quote.strip(_STRIP))
    if len(needle) < 2:
        return None
    return Normalised(text).find(needle)


def unloop(text: str, min_period: int = 3, repeats: float = 1.0) -> str:
    """``text`` without a degenerate repetition of itself: "The code is 7. The code is 7.
    The code" becomes "The code is 7.". Greedy decoding in tiny models falls into such loops
    until max_tokens cuts them off, leaving a quote that is not in the source only because
    of the repeated tail. Only a text made wholly of one period of at least ``min_period``
    words and then more of the same (in all at least ``repeats`` periods plus two words)
    is changed. A quote is unlooped only when it is not found as given."""
    words = text.split()
    keys = [w.strip(_STRIP).lower() for w in words]
    for p in range(min_period, len(words) - 1):
        long_enough = len(words) >= repeats * p + 2 if repeats > 1 else True
        if long_enough and all(keys[k] == keys[k - p] for k in range(p, len(words))):
            return " ".join(words[:p])
    return text


TRIM_MIN_WORDS = 4
TRIM_MIN_SHARE = 0.6
_DIGITS = re.compile(r"\d")


def _verbatim_part(quote: str, answer: str, norm: Normalised) -> tuple[int, int] | None:
    """The longest run of the quote's words that is verbatim in the chunk, if it is most of
    the quote and holds the answer. Tiny models often paraphrase a quote's first words
    ("The code is" for "My code is"); the verbatim rest is still evidence, and it is what
    gets cited. The answer must be inside it, so an invented value is never accepted:
    every answer word with a digit, or (no digits) half the answer's words."""
    words = quote.split(" ")
    shortest = max(TRIM_MIN_WORDS, math.ceil(len(words) * TRIM_MIN_SHARE))
    want = [w.strip(_STRIP).lower() for w in normalise(answer).split(" ")]
    want = [w for w in want if w]
    numeric = [w for w in want if _DIGITS.search(w)]
    for size in range(len(words) - 1, shortest - 1, -1):
        for i in range(len(words) - size + 1):
            needle = " ".join(words[i : i + size])
            found = norm.find(needle)
            if found is None:
                continue
            have = {w.strip(_STRIP).lower() for w in words[i : i + size]}
            if numeric:
                holds = all(w in have for w in numeric)
            else:
                holds = sum(w in have for w in want) * 2 >= len(want) > 0
            if holds:
                return found
    return None


def malformed(
    text: str, error: str, *, job_key: str, round_: int, task_index: int, chunk: Chunk,
    kind: str = "worker", model: str = "",
) -> Report:  # fmt: skip
    """A reply that never became valid JSON: the text was read, the report is rejected."""
    report = Report(job_key, round_, task_index, chunk.index, text[:80] or "(empty)", None, 0.0)
    report.doc_id, report.doc_name, report.kind, report.model = (
        chunk.doc_id, chunk.doc_name, kind, model
    )  # fmt: skip
    report.reason = f"malformed reply: {error}"[:300]
    return report


def answer_key(answer: str) -> str:
    """The form two answers are compared in: the same value written the same way."""
    return " ".join(terms(answer)) or _SPACE.sub(" ", answer.lower()).strip(_STRIP)
