"""One run in progress: its configuration, inputs, models and state, and the one method
that saves the state. Protocols (``find.py``, ``records.py``) receive a ``Run`` and never
write run rows themselves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

from shoal.models.base import Model
from shoal.store import Store
from shoal.swarm.check import SourceIndex, bare_names, terms
from shoal.swarm.chunk import Chunk, Segment, chunk_document, coverage, segments
from shoal.swarm.confidence import ABSTAIN_BELOW
from shoal.swarm.cost import LeadAlone, lead_alone
from shoal.swarm.documents import Document
from shoal.swarm.plan import document_facts
from shoal.swarm.relevance import PASSAGE_TOKENS, Relevance, passages
from shoal.swarm.result import Event
from shoal.swarm.state import RunState
from shoal.swarm.structure import Outline

ESCALATION_SHARE = 0.12
"""Default escalation budget: this share of the input's tokens, within the bounds below."""
ESCALATION_MIN, ESCALATION_MAX = 1500, 6000
SMALL_INPUT_TOKENS = 3000
"""An input the stronger model can read whole for at most this many tokens, prompts
included, is read whole by it, with no workers (a lookup's whole read, a record operation's
blocks): the default escalation budget (1,500-2,000 tokens at least) would re-read about as
much, passage by passage, and the stronger model reading it whole was right far more often
than its checks of the workers' reads (measured: lookups on fresh5's 2k documents 85% right
for the lead alone against 46% through the workers; deadline lists F1 0.43-0.95 against
0.0-0.67)."""


@dataclass
class RunConfig:
    """Everything that decides how a run behaves, stored with it so a resumed run behaves
    the same."""

    lead_spec: str
    worker_specs: list[str]
    chunk_tokens: int
    overlap_tokens: int = 64
    max_rounds: int = 2
    evidence_tokens: int = 900
    escalation_spec: str | None = None
    """The model that re-reads passages; None means the lead."""
    escalation_tokens: int | None = None
    """Prompt tokens the re-reading may use in all; None: a share of the input's size."""
    min_confidence: float = ABSTAIN_BELOW
    """Answers below this confidence are reported as not settled instead."""
    operation: str = "auto"
    """``auto`` (the lead's plan decides), or one operation to force (``find``, ...)."""
    plan_tasks: bool = False
    """A lookup's first round: the question itself as the workers' task (False), or the
    lead's split of it into extraction tasks (True). Measured on the development genres,
    the question read best: the 1.5B lead's tasks often asked for the look-alikes ("the
    former chief archivist") and cost a lead call."""
    worker_reads: bool = True
    """A lookup's rounds: the workers read every chunk before the stronger model re-reads
    the likeliest passages (True, strategy ``swarm``), or the stronger model re-reads the
    passages BM25 ranks highest and no worker reads (False, strategy ``skim``): cheaper,
    and not every token is read. Counts, lists and the other record operations read every
    chunk either way."""
    read_together: int = 1
    """Short documents the stronger model re-reads in one call, at most (a screening's
    re-reads, ``extract._together``). Measured (2026-12-06, ``benchmarks/pointing.py``, 20
    applications, resumes and builders' quotes each, the 1.5B lead, plan fixed): four to a
    call took 1.6-1.9x fewer prompt tokens and about 10% more time, and settled 55 of 60
    right against 58 of 60 one at a time (one a wrong pass). Fewer tokens for a slightly
    worse read: the user chooses; one at a time by default."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> RunConfig:
        known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
        return cls(**known)

    def small_input_limit(self) -> int:
        """What reading a small input whole may cost (``SMALL_INPUT_TOKENS``, or less if the
        user set a smaller escalation budget)."""
        if self.escalation_tokens is not None:
            return min(SMALL_INPUT_TOKENS, max(0, self.escalation_tokens))
        return SMALL_INPUT_TOKENS

    def escalation_budget(self, input_tokens: int) -> int:
        if self.escalation_tokens is not None:
            return max(0, self.escalation_tokens)
        share = int(ESCALATION_SHARE * input_tokens)
        return min(ESCALATION_MAX, max(ESCALATION_MIN, share))


@dataclass
class Run:
    id: str
    question: str
    docs: list[Document]
    config: RunConfig
    state: RunState
    store: Store
    lead: Model
    workers: list[Model]
    escalation: Model
    emit: Callable[[Event], None]
    tenant: str
    lead_timeout: float | None = None
    notes: list[str] = field(default_factory=list)

    def save(self) -> None:
        """Write the state now: called after every step that cost a model call."""
        self.store.update_run(self.id, state=self.state.to_dict())

    def event(self, event_kind: str, /, **data: Any) -> None:
        self.emit(Event(event_kind, data))

    @property
    def escalation_role(self) -> str:
        """The ledger role of the stronger model's calls: ``lead`` when the lead re-reads
        itself (no escalation model named), so its tokens are counted as the lead's."""
        return "lead" if self.escalation is self.lead else "escalation"

    @property
    def count(self) -> Callable[[str], int]:
        return self.workers[0].count_tokens

    @cached_property
    def segments(self) -> dict[str, list[Segment]]:
        """Each document's sentences with their token counts: split and counted once, then
        packed into chunks (for workers) and passages (for relevance)."""
        return {d.id: segments(d.text, self.count, PASSAGE_TOKENS) for d in self.docs}

    @cached_property
    def chunks(self) -> list[Chunk]:
        out: list[Chunk] = []
        for d in self.docs:
            out += chunk_document(d, self.count, self.config.chunk_tokens,
                                  self.config.overlap_tokens, len(out),
                                  segs=self.segments[d.id])  # fmt: skip
        return out

    @cached_property
    def source(self) -> dict[str, str]:
        return {d.id: d.text for d in self.docs}

    @cached_property
    def index(self) -> SourceIndex:
        return SourceIndex(self.source)

    @cached_property
    def outlines(self) -> dict[str, Outline]:
        """Each document's headings (``structure.py``), found once."""
        return {d.id: Outline(d.text) for d in self.docs}

    @cached_property
    def vocabulary(self) -> set[str]:
        """Every term the input uses (``check.terms``): a name the question uses and the
        input never does cannot be required of the evidence."""
        return {t for d in self.docs for t in terms(d.text)}

    @cached_property
    def bare_names(self) -> set[str]:
        """The question's names the input uses on their own somewhere (``check.bare_names``):
        a sentence that uses one only inside a longer name is about a look-alike."""
        return bare_names((d.text for d in self.docs), self.question, self.vocabulary)

    @cached_property
    def relevance(self) -> Relevance:
        return Relevance(passages(self.docs, self.count, segs=self.segments,
                                  outlines=self.outlines))  # fmt: skip

    @cached_property
    def facts(self) -> str:
        """What the lead is told about the input when it plans (never the text itself)."""
        tokens = sum(s[2] for segs in self.segments.values() for s in segs)
        return document_facts(self.docs, tokens)

    @cached_property
    def lead_alone(self) -> LeadAlone:
        return lead_alone(self.lead, self.docs)

    def prepare(self) -> None:
        """Do the CPU-heavy work of a run (splitting, tokenising, indexing) in one go, so a
        caller can run it off the event loop (``Swarm`` does, in a bounded pool)."""
        _ = (self.chunks, self.index, self.outlines, self.vocabulary, self.bare_names,
             self.relevance, self.facts, self.lead_alone)  # fmt: skip

    @property
    def coverage(self) -> float:
        return coverage(self.docs, self.chunks)

    @property
    def input_tokens(self) -> int:
        return sum(c.tokens for c in self.chunks)
