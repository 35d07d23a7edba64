"""The state of a run: what has been decided so far, typed, with one owner.

A run's state is written to the database after every step that cost a model call (a plan,
a decision, an escalation), so a resumed run never asks the same question twice. Only
``Run`` (``swarm.py``) changes it and saves it; everything else reads it through these
classes (``shoal show``, the server's run view, resume), never as loose dicts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from shoal.swarm.plan import Plan, Task


@dataclass
class Decision:
    """What the lead (or shoal, on its behalf) decided at the end of a round."""

    action: str
    """``answer`` (stop here) or ``more`` (run ``new_tasks`` as another round)."""
    answer: str
    evidence: list[str] = field(default_factory=list)
    """The candidate values the answer rests on."""
    new_tasks: list[Task] = field(default_factory=list)
    fallback: str | None = None
    """Why the lead's own decision was not used, when it was not."""
    confidence: float = 0.0
    evidence_shown: int = 0
    evidence_left_out: int = 0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["new_tasks"] = [asdict(t) for t in self.new_tasks]
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Decision:
        tasks = raw.get("new_tasks") or []
        return cls(
            action=raw["action"],
            answer=raw.get("answer") or "",
            evidence=list(raw.get("evidence") or []),
            new_tasks=[t if isinstance(t, Task) else Task(**t) for t in tasks],
            fallback=raw.get("fallback"),
            confidence=float(raw.get("confidence") or 0.0),
            evidence_shown=int(raw.get("evidence_shown") or 0),
            evidence_left_out=int(raw.get("evidence_left_out") or 0),
        )


@dataclass
class Escalation:
    """The stronger model's re-reading in one round: which passages, why, at what cost."""

    model: str = ""
    budget_tokens: int = 0
    spent_tokens: int = 0
    reads: int = 0
    """Calls to the stronger model (an opening excerpt of several passages is one)."""
    passages: int = 0
    """Windows of the source those calls read."""
    confirmed: int = 0
    """Reads that verified an answer."""
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Escalation:
        return cls(**{k: raw[k] for k in cls.__dataclass_fields__ if k in raw})


@dataclass
class Round:
    plan: Plan
    decision: Decision | None = None
    escalation: Escalation | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan.to_dict(),
            "decision": self.decision.to_dict() if self.decision else None,
            "escalation": self.escalation.to_dict() if self.escalation else None,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Round:
        return cls(
            Plan.from_dict(raw["plan"]),
            Decision.from_dict(raw["decision"]) if raw.get("decision") else None,
            Escalation.from_dict(raw["escalation"]) if raw.get("escalation") else None,
        )


@dataclass
class RunState:
    rounds: list[Round] = field(default_factory=list)
    elapsed: float = 0.0
    """Seconds the run has been working, summed over every process that worked on it."""
    extra: dict[str, Any] = field(default_factory=dict)
    """What an operation other than a lookup keeps between steps (its plan and results)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "rounds": [r.to_dict() for r in self.rounds],
            "elapsed": self.elapsed,
            "extra": self.extra,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> RunState:
        raw = raw or {}
        return cls(
            [Round.from_dict(r) for r in raw.get("rounds") or []],
            float(raw.get("elapsed") or 0.0),
            dict(raw.get("extra") or {}),
        )
