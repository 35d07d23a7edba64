"""Escalation: a stronger model re-reads the few passages that matter.

Small workers are fast and often wrong; a lookup must not pass their mistakes on. The
stronger model (the lead, or a named escalation model) reads short *windows* of the
source, each a few sentences around a place that may hold the answer:

1. the quotes of the workers' verified candidates (to confirm or refute them),
2. verbatim quotes that carried no value (a worker found the place, not the value),
3. the passages BM25 ranks highest for the question (recall when workers missed it).

It reads them in that order, within a token budget the run reports, and its replies pass
the same check as a worker's (verbatim quote, value in the quote). A window that overlaps
one already read is skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from shoal.errors import ShoalError, StructuredOutputError
from shoal.models.base import Model
from shoal.swarm import prompts
from shoal.swarm.check import Report, SourceIndex, check, malformed
from shoal.swarm.chunk import Chunk

log = logging.getLogger(__name__)

WINDOW_CHARS = 420
"""Source characters taken either side of a place before snapping to sentence ends."""
READ_REPLY_TOKENS = 120


@dataclass(frozen=True)
class Window:
    doc_id: str
    doc_name: str
    start: int
    end: int
    text: str
    why: str

    def overlaps(self, other: Window) -> bool:
        return self.doc_id == other.doc_id and self.start < other.end and other.start < self.end

    def as_chunk(self, index: int) -> Chunk:
        return Chunk(index, self.doc_id, self.doc_name, self.start, self.end, self.text, 0)


def window_around(
    source: str, doc_id: str, doc_name: str, start: int, end: int, why: str,
    chars: int = WINDOW_CHARS,
) -> Window:  # fmt: skip
    """``start:end`` with up to ``chars`` of source either side, cut inward to the nearest
    sentence or line ends, so the window holds whole sentences."""
    lo, hi = max(0, start - chars), min(len(source), end + chars)
    if lo > 0:
        cuts = [i for i in (source.find(". ", lo, start), source.find("\n", lo, start)) if i >= 0]
        lo = min(cuts) + 1 if cuts else lo
    if hi < len(source):
        cut = max(source.rfind(". ", end, hi), source.rfind("\n", end, hi))
        hi = cut + 1 if cut >= 0 else hi
    while lo < start and source[lo].isspace():
        lo += 1
    return Window(doc_id, doc_name, lo, hi, source[lo:hi], why)


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

    def cost(self, question: str, window: Window) -> int:
        return self.model.count_message_tokens(prompts.read_messages(question, window.text))

    def affordable(self, question: str, window: Window) -> bool:
        return self.spent + self.cost(question, window) <= self.budget

    async def read(
        self, question: str, window: Window, *, key: str, round_: int, index: SourceIndex,
        chunk_index: int,
    ) -> Report:  # fmt: skip
        """Read one window; the reply is checked like any worker's. Never raises for a
        bad reply: a malformed one is a rejected report."""
        messages = prompts.read_messages(question, window.text)
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
        return check(reply.parsed, job_key=key, round_=round_, task_index=-1, chunk=chunk,
                     index=index, question=question, kind="read",
                     model=self.model.name)  # fmt: skip
