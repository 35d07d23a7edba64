"""Checked evidence gathered by value: candidates.

Supported reports that give the same value (compared by ``check.answer_key``) form a
*candidate*. A candidate is *confirmed* when the stronger model, re-reading the passage
itself (``escalate.py``), verified the same value. Only confirmed candidates can become the
answer; which one, if any, is the judgement's (``judge.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shoal.swarm.check import Report, answer_key

NOT_FOUND = "The document does not appear to say: no verified evidence answers it."
UNSURE = "The document does not settle it: the verified evidence conflicts."
WEAK = "The document does not settle it: the one verified value was judged too unsure."
NONE_MENTIONED = (
    "The document does not appear to say: it mentions no {unit} that matches ({where})."
)
"""A list, count or computation over no matching item. "0 person(s) match" for "How many
people contributed?" reads as a number, yet no passage stands behind it; that the input
mentions none is what shoal knows, so that is what it says (``result["value"]`` keeps the 0
for programs). It carries no citation, so it is an abstention."""
ABSTENTIONS = (NOT_FOUND, UNSURE, WEAK)
"""What shoal says instead of an answer; none of them carries a citation."""


def is_abstention(text: str) -> bool:
    """Whether ``text`` is one of shoal's abstentions (including ``NONE_MENTIONED``)."""
    return text in ABSTENTIONS or text.startswith(NONE_MENTIONED.split(":")[0] + ":")


@dataclass
class Candidate:
    """Supported reports that give the same value."""

    id: str
    key: str
    reports: list[Report] = field(default_factory=list)
    refuted: int = 0
    """Reads of this candidate's passage by the stronger model that did not confirm it."""
    second_look: bool = False
    """The stronger model's second look at it (``verify.py``) said yes."""

    @property
    def answer(self) -> str:
        """The value as the strongest report wrote it (a re-read's wording first)."""
        best = max(self.reports, key=lambda r: (r.kind == "read", -len(r.answer or "")))
        return best.answer or ""

    @property
    def confirmed(self) -> bool:
        return any(r.kind == "read" for r in self.reports)

    @property
    def workers(self) -> int:
        """Distinct chunks whose worker reported this value."""
        return len({r.chunk_index for r in self.reports if r.kind == "worker"})

    @property
    def count(self) -> int:
        return len({(r.kind, r.chunk_index, r.start) for r in self.reports})

    @property
    def confidence(self) -> float:
        return max(r.confidence for r in self.reports)

    def quotes(self) -> list[Report]:
        """One report per distinct source span, re-reads first."""
        seen: set[tuple[str, int | None]] = set()
        out = []
        for r in sorted(self.reports, key=lambda r: r.kind != "read"):
            if (r.doc_id, r.start) not in seen:
                seen.add((r.doc_id, r.start))
                out.append(r)
        return out


def candidates(reports: list[Report]) -> list[Candidate]:
    """Merge supported reports by value, keeping every distinct quote."""
    found: dict[str, Candidate] = {}
    for r in reports:
        if not r.supported or r.answer is None:
            continue
        key = answer_key(r.answer)
        if key not in found:
            found[key] = Candidate(id=f"E{len(found) + 1}", key=key)
        found[key].reports.append(r)
    return list(found.values())
