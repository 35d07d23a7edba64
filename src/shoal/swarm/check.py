"""Checking worker reports against the source, and merging what survives.

A report is *supported* only if its quote occurs in the chunk the worker read, after
normalising whitespace, typographic quotes and enclosing punctuation (formatting, not
content). Its source offsets are then exact, and shoal, not the worker, cuts the
surrounding context the lead will judge it by: small workers are easily fooled by
near-misses, and the neighbouring words ("revoked", "Falcone") are what give those away.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from shoal.swarm.chunk import Chunk

_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"\S+")
_TRANSLATE = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_STRIP = " \t\n\"'`.,;:!?…-*>«»()[]"
_NULLISH = {"", "null", "none", "n/a", "na", "unknown", "not found", "not mentioned", "no"}


@dataclass
class Report:
    """One worker's answer for one (task, chunk) job, with the check's verdict."""

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

    @property
    def empty(self) -> bool:
        return self.answer is None


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


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return None if value.lower().strip(_STRIP) in _NULLISH else value


class ChunkIndex:
    """Normalised chunk texts, computed once per chunk, not once per report."""

    def __init__(self, chunks: list[Chunk], source: dict[str, str]):
        self.chunks = {c.index: c for c in chunks}
        self.source = source
        self._norm: dict[int, Normalised] = {}

    def norm(self, chunk_index: int) -> Normalised:
        if chunk_index not in self._norm:
            self._norm[chunk_index] = Normalised(self.chunks[chunk_index].text)
        return self._norm[chunk_index]


def context_around(text: str, start: int, end: int, chars: int = 160) -> str:
    """The quote with ``chars`` of source either side, trimmed to word boundaries."""
    lo, hi = max(0, start - chars), min(len(text), end + chars)
    while lo > 0 and not text[lo - 1].isspace() and start - lo < chars + 30:
        lo -= 1
    while hi < len(text) and not text[hi].isspace() and hi - end < chars + 30:
        hi += 1
    snippet = _SPACE.sub(" ", text[lo:hi]).strip()
    return ("…" if lo > 0 else "") + snippet + ("…" if hi < len(text) else "")


def widen_to(
    source: str, start: int, end: int, keys: list[str], chars: int = 160
) -> tuple[int, int] | None:
    """The span ``start:end`` grown to take in every one of ``keys`` (the answer's numbers
    and names), if each is within ``chars`` of it; else None. A key before the span pulls
    the start back to its sentence's start; a key after it pulls the end on through the
    key's word and trailing punctuation ("48213.").

    A worker often quotes the words before a value ("The access code ... is") and the lead
    reads the value in the context shoal cut around the quote. The citation should show the
    value: shoal finds it in the source itself, so the widened span is still verbatim."""
    lo, hi = max(0, start - chars), min(len(source), end + chars)
    s, e = start, end
    for key in keys:
        hits = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(key)}(?!\w)", source[lo:hi])]
        if not hits:
            return None
        pos = lo + min(hits, key=lambda h: abs(lo + h - start))
        s, e = min(s, pos), max(e, pos + len(key))
    if s < start:  # back to the start of the sentence holding the key
        while s > lo and source[s - 1] not in ".!?\n":
            s -= 1
    if e > end:  # on through the rest of the key's word ("48213." keeps its full stop)
        while e < hi and source[e - 1] not in ".!?\n" and not source[e].isspace():
            e += 1
    while s < e and source[s].isspace():
        s += 1
    return s, e


def check(
    raw: dict[str, Any],
    *,
    job_key: str,
    round_: int,
    task_index: int,
    chunk: Chunk,
    index: ChunkIndex,
) -> Report:
    """Turn a worker's parsed JSON into a checked ``Report``."""
    answer, quote = _clean(raw.get("answer")), _clean(raw.get("quote"))
    if answer is not None:
        answer = unloop(answer, repeats=2)  # an answer said twice over is said once
    try:
        confidence = float(raw.get("confidence", 0.0))
    except (TypeError, ValueError):
        confidence = 0.0
    if 1.0 < confidence <= 100.0:
        confidence /= 100.0  # a percentage
    confidence = min(1.0, max(0.0, confidence))
    report = Report(job_key, round_, task_index, chunk.index, answer, quote, confidence)
    report.doc_id, report.doc_name = chunk.doc_id, chunk.doc_name
    if answer is None:
        report.reason = "nothing in this chunk"
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
        found = _verbatim_part(normalise(stripped), answer, index.norm(chunk.index))
        if found is None:
            report.reason = "quote not found in the chunk"
            return report
        report.reason = "quote trimmed to its verbatim part"
    report.supported = True
    report.start, report.end = chunk.start + found[0], chunk.start + found[1]
    source = index.source[chunk.doc_id]
    report.context = context_around(source, report.start, report.end)
    return report


def _locate(quote: str, chunk: Chunk, index: ChunkIndex) -> tuple[int, int] | None:
    # Fast path: most quotes that are right are verbatim; normalise only when needed.
    pos = chunk.text.find(quote)
    if pos >= 0:
        return pos, pos + len(quote)
    return index.norm(chunk.index).find(normalise(quote))


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
    text: str, error: str, *, job_key: str, round_: int, task_index: int, chunk: Chunk
) -> Report:
    """A reply that never became valid JSON: the chunk was read, the report is rejected."""
    report = Report(job_key, round_, task_index, chunk.index, text[:80] or "(empty)", None, 0.0)
    report.doc_id, report.doc_name = chunk.doc_id, chunk.doc_name
    report.reason = f"malformed reply: {error}"[:300]
    return report


@dataclass
class Group:
    """Supported reports that give the same answer, merged."""

    id: str
    answer: str
    reports: list[Report] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len({r.chunk_index for r in self.reports})

    @property
    def confidence(self) -> float:
        return max(r.confidence for r in self.reports)


def answer_key(answer: str) -> str:
    return _SPACE.sub(" ", answer.lower()).strip(_STRIP)


def group(reports: list[Report]) -> list[Group]:
    """Merge supported reports by normalised answer, keeping every distinct quote."""
    groups: dict[str, Group] = {}
    for r in reports:
        if not r.supported or r.answer is None:
            continue
        key = answer_key(r.answer)
        if key not in groups:
            groups[key] = Group(id=f"E{len(groups) + 1}", answer=r.answer)
        groups[key].reports.append(r)
    return list(groups.values())
