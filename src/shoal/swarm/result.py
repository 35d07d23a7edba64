"""What a run gives back: the answer, its checked citations, and what it cost."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from shoal.types import Usage


@dataclass
class Citation:
    """A verbatim span of a source document that the answer rests on."""

    text: str
    start: int
    end: int
    document: str
    context: str = ""


@dataclass
class Event:
    """Something that happened in a run, for progress bars and live pages."""

    kind: str  # run | plan | round | job | decision | answer | error
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Answer:
    answer: str
    citations: list[Citation]
    strategy: str
    run_id: str
    rounds: int = 1
    coverage: float = 1.0
    usage: dict[str, Usage] = field(default_factory=dict)
    cost_usd: float = 0.0
    seconds: float = 0.0
    lead_alone_tokens: int = 0
    lead_alone_cost_usd: float = 0.0
    lead_alone_seconds: float | None = None
    """Estimated from the lead's measured speed; None when unknown (API models)."""
    reports: dict[str, int] = field(default_factory=dict)
    """Counts: supported, rejected, empty, failed."""
    chunks: int = 0
    jobs: int = 0
    plan: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Everything the user should know: fallbacks, truncation, failed jobs."""
    confidence: float = 0.0
    """How likely the answer is right, from how it was reached (``confidence.py``); 0 for
    "not found"."""
    confidence_basis: dict[str, Any] | None = None
    escalation: dict[str, Any] = field(default_factory=dict)
    """What the stronger model re-read: model, budget and spent tokens, reads, confirmed."""
    operation: str = "find"
    """find, count, list, ... (what the plan asked shoal to do)."""
    items: list[dict[str, Any]] = field(default_factory=list)
    """For lists, counts, screenings: each item with its fields and citations."""
    result: dict[str, Any] | None = None
    """The value shoal computed (a count, a sum, a table), for operations that compute."""

    @property
    def lead_tokens(self) -> int:
        u = self.usage.get("lead")
        return u.prompt_tokens if u else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "citations": [asdict(c) for c in self.citations],
            "strategy": self.strategy,
            "rounds": self.rounds,
            "coverage": self.coverage,
            "usage": {
                role: {
                    "prompt_tokens": u.prompt_tokens,
                    "completion_tokens": u.completion_tokens,
                    "cached_tokens": u.cached_tokens,
                    "calls": u.calls,
                }
                for role, u in self.usage.items()
            },
            "cost_usd": self.cost_usd,
            "seconds": self.seconds,
            "run_id": self.run_id,
            "lead_alone": {
                "prompt_tokens": self.lead_alone_tokens,
                "cost_usd": self.lead_alone_cost_usd,
                "seconds": self.lead_alone_seconds,
            },
            "reports": self.reports,
            "chunks": self.chunks,
            "jobs": self.jobs,
            "plan": self.plan,
            "notes": self.notes,
            "confidence": self.confidence,
            "confidence_basis": self.confidence_basis,
            "escalation": self.escalation,
            "operation": self.operation,
            "items": self.items,
            "result": self.result,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Answer:
        return cls(
            answer=raw["answer"],
            citations=[Citation(**c) for c in raw["citations"]],
            strategy=raw["strategy"],
            run_id=raw["run_id"],
            rounds=raw["rounds"],
            coverage=raw["coverage"],
            usage={
                role: Usage(
                    u["prompt_tokens"], u["completion_tokens"], u["cached_tokens"], u["calls"]
                )
                for role, u in raw["usage"].items()
            },
            cost_usd=raw["cost_usd"],
            seconds=raw["seconds"],
            lead_alone_tokens=raw["lead_alone"]["prompt_tokens"],
            lead_alone_cost_usd=raw["lead_alone"]["cost_usd"],
            lead_alone_seconds=raw["lead_alone"].get("seconds"),
            reports=raw["reports"],
            chunks=raw["chunks"],
            jobs=raw["jobs"],
            plan=raw["plan"],
            notes=raw["notes"],
            confidence=float(raw.get("confidence") or 0.0),
            confidence_basis=raw.get("confidence_basis"),
            escalation=raw.get("escalation") or {},
            operation=raw.get("operation") or "find",
            items=raw.get("items") or [],
            result=raw.get("result"),
        )
