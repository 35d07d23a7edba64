"""How sure an answer is, from how it was reached: a few rules, measured, not guessed.

The rules score what shoal can observe about the evidence behind an answer: whether the
stronger model verified the value on re-reading the passage, whether workers reading the
whole input independently found the same value, whether another value was also verified,
and whether re-reads of the candidate's passage contradicted it. The constants were set
once by reasoning about these cases, then measured on the long-document benchmark
(``benchmarks/longdoc.py`` reports, per confidence bin, the share of answers that were
right), never fitted to it. Below ``ABSTAIN_BELOW`` shoal says it could not tell.
"""

from __future__ import annotations

from dataclasses import dataclass

from shoal.swarm.aggregate import Candidate

ABSTAIN_BELOW = 0.5

CONFIRMED_AND_FOUND = 0.85
"""The stronger model verified a value a worker had found on its own."""
CONFIRMED_ONLY = 0.75
"""Only the stronger model found it (escalation): one reader, no corroboration."""
UNCONFIRMED = 0.4
"""Workers alone: the stronger model could not check it (its calls failed)."""
CONFLICT_CHOSEN = 0.8
"""Several values were verified and the lead chose this one: scaled by this."""
CONFLICT_FALLBACK = 0.5
"""Several values were verified and the lead could not choose: scaled by this."""
REFUTED = 0.15
"""Taken off for each re-read of this candidate's passage that did not confirm it."""
CORROBORATED = 0.03
"""Added when workers found it in two or more places."""
SECOND_LOOK = 0.0
"""Added when the stronger model's second look said yes. Nothing: measured on the first
held-out genres, the 1.5B lead said yes to look-alikes as readily as to answers (its no is
what counts: ``verify.py`` sets such values aside)."""
PARTIAL_NAME = 0.1
"""Taken off when the value's sentence names only some of what the question names."""
OFF_TOPIC = 0.3
"""Taken off when the value's sentence shares no content word with the question (forms of
one word count as one: "delivery" and "deliver"). In documents without the answer, the
value the stronger model is left confirming is most often a sentence that names the thing
asked about but talks of something else ("attendance at the Northgate open day reached
633" for what Northgate may spend): alone, confirmed once, it falls below the threshold."""


@dataclass(frozen=True)
class Basis:
    """What a confidence was computed from (kept with the answer, so it can be audited)."""

    confirmed: bool
    workers: int
    rivals: int
    """Other verified values."""
    lead_chose: bool
    refuted: int
    names: float | None = None
    """Share of the question's named things its sentence names (None: the question names
    none)."""
    topic: float | None = None
    """Share of the question's other content words its sentence uses."""
    second_look: bool = False
    """The stronger model's second look at the value said yes."""

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def basis(
    chosen: Candidate,
    confirmed: list[Candidate],
    lead_chose: bool,
    names: float | None = None,
    topic: float | None = None,
    second_look: bool = False,
) -> Basis:
    return Basis(
        chosen.confirmed,
        chosen.workers,
        sum(1 for c in confirmed if c is not chosen),
        lead_chose,
        chosen.refuted,
        names,
        topic,
        second_look,
    )


def score(b: Basis) -> float:
    c = UNCONFIRMED
    if b.confirmed:
        c = CONFIRMED_AND_FOUND if b.workers else CONFIRMED_ONLY
    if b.rivals:
        c *= CONFLICT_CHOSEN if b.lead_chose else CONFLICT_FALLBACK
    c -= REFUTED * b.refuted
    if b.names is not None and b.names < 1.0:
        c -= PARTIAL_NAME
    if b.topic == 0.0:
        c -= OFF_TOPIC
    if b.workers >= 2:
        c += CORROBORATED
    if b.second_look and b.confirmed and not b.rivals:
        c += SECOND_LOOK
    return round(min(0.99, max(0.05, c)), 3)
