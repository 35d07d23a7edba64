"""Escalation: a stronger model re-reads the few passages that matter.

Small workers are fast and often wrong; a lookup must not pass their mistakes on. The
stronger model (the lead, or a named escalation model) reads short *windows* of the
source, each a few sentences around a place that may hold the answer (``find.py`` orders
them: BM25's relevance, raised where a worker verified a value or quoted the place), with
the heading lines that govern the window above it (``structure.py``): a changelog entry's
version, a table's header row, an INI key's section.

Its replies pass the same check as a worker's (verbatim quote, from the window or one of
its headings, and the value in the quote), within a token budget the run reports.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shoal.errors import ShoalError, StructuredOutputError
from shoal.models.base import Model
from shoal.swarm import prompts
from shoal.swarm.check import (
    REJECT_NO_VALUE,
    Report,
    SourceIndex,
    check,
    malformed,
    normalise,
    terms,
)
from shoal.swarm.chunk import Chunk
from shoal.swarm.structure import Outline
from shoal.types import Message

log = logging.getLogger(__name__)

WINDOW_CHARS = 420
"""Source characters taken either side of a place before snapping to sentence ends, at
most; dense text (tables, logs, numbers) gets fewer (``WINDOW_TOKENS``)."""
WINDOW_TOKENS = 100
"""Tokens taken either side of a place: a window costs about the same whatever the text."""
READ_REPLY_TOKENS = 120


@dataclass(frozen=True)
class Window:
    doc_id: str
    doc_name: str
    start: int
    end: int
    body: str
    why: str
    headings: tuple[tuple[int, int, str], ...] = ()
    """The heading lines that govern the passage and lie before it (``structure.py``),
    shown above it so the reader knows which section, table or version it is in."""

    @property
    def text(self) -> str:
        """What the reader is shown: the headings, then the passage."""
        if not self.headings:
            return self.body
        return "\n".join(h for _, _, h in self.headings) + "\n…\n" + self.body

    def overlaps(self, other: Window) -> bool:
        return self.doc_id == other.doc_id and self.start < other.end and other.start < self.end

    def covered(self, others: list[Window]) -> float:
        """The share of this window's text that ``others`` already hold."""
        spans = sorted((max(self.start, o.start), min(self.end, o.end))
                       for o in others if self.overlaps(o))  # fmt: skip
        held, reach = 0, self.start
        for a, b in spans:
            a = max(a, reach)
            if b > a:
                held += b - a
                reach = b
        return held / max(1, self.end - self.start)

    def as_chunk(self, index: int) -> Chunk:
        return Chunk(index, self.doc_id, self.doc_name, self.start, self.end, self.body, 0)

    def parts(self, index: int) -> list[Chunk]:
        """The passage, then each heading, as the source spans a quote may come from."""
        heads = [Chunk(index, self.doc_id, self.doc_name, s, e, t, 0) for s, e, t in self.headings]
        return [self.as_chunk(index), *heads[::-1]]


@dataclass(frozen=True)
class Excerpt:
    """Several windows of the input read in one call, in document order, each under its
    headings and parted by a line of its own. The stronger model sees the likeliest places
    side by side (a near miss next to the value it is mistaken for) and pays for the
    instructions once, not once per window. Its reply is checked against each window's
    source spans like any re-read."""

    windows: tuple[Window, ...]
    why: str = "an excerpt of the likeliest passages"

    @property
    def text(self) -> str:
        return "\n[…]\n".join(w.text for w in self.windows)

    @property
    def body(self) -> str:
        return "\n".join(w.body for w in self.windows)

    @property
    def headings(self) -> tuple[tuple[int, int, str], ...]:
        return tuple(h for w in self.windows for h in w.headings)

    @property
    def doc_id(self) -> str:
        return self.windows[0].doc_id

    @property
    def doc_name(self) -> str:
        return self.windows[0].doc_name

    @property
    def start(self) -> int:
        return self.windows[0].start

    @property
    def end(self) -> int:
        return self.windows[0].end

    def as_chunk(self, index: int) -> Chunk:
        return self.windows[0].as_chunk(index)

    def parts(self, index: int) -> list[Chunk]:
        return [p for w in self.windows for p in w.parts(index)]

    def window_of(self, doc_id: str | None, start: int | None) -> Window:
        """The window holding a quote that starts at ``start`` (the first, if none does)."""
        for w in self.windows:
            if w.doc_id == doc_id and start is not None and w.start <= start < w.end:
                return w
        return self.windows[0]


def window_around(
    source: str, doc_id: str, doc_name: str, start: int, end: int, why: str,
    chars: int = WINDOW_CHARS, outline: Outline | None = None,
    count: Callable[[str], int] | None = None,
) -> Window:  # fmt: skip
    """``start:end`` with up to ``chars`` of source either side (fewer where ``count``
    says the text is dense: about ``WINDOW_TOKENS`` tokens a side), cut inward to the
    nearest sentence or line ends, so the window holds whole sentences; with the headings
    that govern it (from ``outline``) that it does not already hold."""
    if count is not None and chars > 0:
        around = source[max(0, start - chars) : end + chars]
        per_token = len(around) / max(1, count(around))
        chars = min(chars, int(WINDOW_TOKENS * per_token))
    lo, hi = max(0, start - chars), min(len(source), end + chars)
    if lo > 0:
        cuts = [i for i in (source.find(". ", lo, start), source.find("\n", lo, start)) if i >= 0]
        lo = min(cuts) + 1 if cuts else lo
    if hi < len(source):
        cut = max(source.rfind(". ", end, hi), source.rfind("\n", end, hi))
        hi = cut + 1 if cut >= 0 else hi
    while lo < start and source[lo].isspace():
        lo += 1
    heads: tuple[tuple[int, int, str], ...] = ()
    if outline is not None:
        heads = tuple(
            (h.start, h.end, source[h.start : h.end]) for h in outline.governing(lo) if h.end <= lo
        )
    return Window(doc_id, doc_name, lo, hi, source[lo:hi], why, heads)


_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")


def _anchor(window: Window | Excerpt, answer: str, quote: str) -> str | None:
    """The sentence (or line) of ``window`` that states ``answer`` verbatim; of several,
    the one sharing most words with ``quote``. None if no sentence does."""
    value = normalise(answer).casefold()
    said = set(terms(quote))
    best: tuple[int, int, str] | None = None
    for text in (window.body, *(h for _, _, h in window.headings)):
        for sentence in _SENTENCES.split(text):
            if value and value in normalise(sentence).casefold():
                score = (len(said & set(terms(sentence))), -len(sentence))
                if best is None or score > best[:2]:
                    best = (*score, sentence)
    return best[2] if best else None


@dataclass
class Reader:
    """The stronger model and what it may spend."""

    model: Model
    budget: int
    """Prompt tokens it may read in this round."""
    role: str = "lead"
    timeout: float | None = None
    spent: int = 0
    reads: int = 0
    prompt: Callable[[str, str], list[Message]] = prompts.read_messages
    """How a window is put to the model: a passage of a long input, or (``whole_messages``)
    a small input read whole."""

    def messages(self, question: str, window: Window | Excerpt) -> list[Message]:
        if isinstance(window, Excerpt):
            return prompts.excerpt_messages(question, window.text)
        return self.prompt(question, window.text)

    def cost(self, question: str, window: Window | Excerpt) -> int:
        return self.model.count_message_tokens(self.messages(question, window))

    def affordable(self, question: str, window: Window | Excerpt) -> bool:
        return self.spent + self.cost(question, window) <= self.budget

    async def read(
        self, question: str, window: Window | Excerpt, *, key: str, round_: int,
        index: SourceIndex, chunk_index: int,
    ) -> Report:  # fmt: skip
        """Read one window (or an excerpt of several); the reply is checked like any
        worker's. Never raises for a bad reply: a malformed one is a rejected report."""
        messages = self.messages(question, window)
        self.spent += self.model.count_message_tokens(messages)
        self.reads += 1
        chunk = window.as_chunk(chunk_index)
        try:
            reply = await self.model.complete(
                messages,
                schema=prompts.READ_SCHEMA,
                max_tokens=READ_REPLY_TOKENS,
                role=self.role,
                timeout=self.timeout,
                retries=1,
            )
        except StructuredOutputError as exc:
            return malformed(exc.last_text, str(exc), job_key=key, round_=round_, task_index=-1,
                             chunk=chunk, kind="read", model=self.model.name)  # fmt: skip
        except ShoalError as exc:
            log.warning("escalation read %s failed: %s", key, exc)
            report = malformed("", str(exc), job_key=key, round_=round_, task_index=-1,
                               chunk=chunk, kind="read", model=self.model.name)  # fmt: skip
            report.reason = f"call failed: {exc}"[:300]
            return report
        raw = reply.parsed
        best = self._check(raw, window, key, round_, index, chunk_index, question)
        quote = raw.get("quote") if isinstance(raw, dict) else None
        if not best.located and isinstance(quote, str) and "\n" in quote:
            # A quote that runs from a heading shown above the passage into the passage
            # ("## 5.2.2 ...\n- Added --force"): each of its lines is verbatim on its own;
            # the line that holds the value is the quote.
            for line in sorted(quote.splitlines(), key=len, reverse=True):
                if len(line.strip()) < 2:
                    continue
                alt = self._check({**raw, "quote": line}, window, key, round_, index,
                                  chunk_index, question)  # fmt: skip
                if alt.supported:
                    alt.reason = "quote cut to its line that holds the value"
                    return alt
        answer = raw.get("answer") if isinstance(raw, dict) else None
        quoted_elsewhere = best.located and best.reason == REJECT_NO_VALUE
        if (
            (not best.located or quoted_elsewhere)
            and isinstance(answer, str)
            and (len(answer.strip()) >= 2)
        ):
            # The stronger model often reports the right value but rewords the sentence
            # ("is now Greta Quint" for "has been led by ..., Greta Quint") or quotes the
            # sentence next to it. The value is what must be verbatim: the sentence of the
            # window that holds it (the one most like the model's quote, if several do)
            # becomes the quote, and is checked like any other.
            anchored = _anchor(window, answer, quote if isinstance(quote, str) else "")
            if anchored is not None:
                alt = self._check({**raw, "quote": anchored}, window, key, round_, index,
                                  chunk_index, question)  # fmt: skip
                if alt.supported:
                    alt.reason = (
                        "quote reworded by the model: the source sentence holding the value"
                    )
                    return alt
        return best

    def _check(
        self, raw: dict[str, Any], window: Window | Excerpt, key: str, round_: int,
        index: SourceIndex, chunk_index: int, question: str,
    ) -> Report:  # fmt: skip
        """The reply checked against the passage, then against each heading shown."""
        best: Report | None = None
        for part in window.parts(chunk_index):
            report = check(raw, job_key=key, round_=round_, task_index=-1, chunk=part,
                           index=index, question=question, kind="read",
                           model=self.model.name)  # fmt: skip
            if best is None or (report.located, report.supported) > (best.located, best.supported):
                best = report
            if report.located:
                break
        assert best is not None
        return best
