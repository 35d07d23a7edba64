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
    reports: dict[str, int] = field(default_factory=dict)
    """Counts: supported, rejected, empty, failed."""
    chunks: int = 0
    jobs: int = 0
    plan: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Everything the user should know: fallbacks, truncation, failed jobs."""

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
            },
            "reports": self.reports,
            "chunks": self.chunks,
            "jobs": self.jobs,
            "plan": self.plan,
            "notes": self.notes,
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
            reports=raw["reports"],
            chunks=raw["chunks"],
            jobs=raw["jobs"],
            plan=raw["plan"],
            notes=raw["notes"],
        )
