"""Generated long documents with planted facts and near-miss distractors.

Used by tests, benchmarks and the demo: the right answer is known, and so are the
look-alikes a careless reader would report (a revoked code, a similar name, another
vault). Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fact:
    question: str
    answer: str
    sentence: str
    distractors: tuple[str, ...]
    wrong: tuple[str, ...]
    """Answers that come from the distractors: reporting one is an error."""


FACTS: tuple[Fact, ...] = (
    Fact(
        question="What is the access code for the north vault of the Halvard archive?",
        answer="48213",
        sentence="The access code for the north vault of the Halvard archive is 48213.",
        distractors=(
            "The access code for the north vault of the Halvard annex was 31977, "
            "but that code was revoked last winter.",
            "The access code for the south vault of the Halvard archive is 66120.",
        ),
        wrong=("31977", "66120"),
    ),
    Fact(
        question="On what date will the Meridian project launch?",
        answer="14 March 2031",
        sentence="The Meridian project will launch on 14 March 2031.",
        distractors=(
            "The Meridiem project, a separate effort, will launch on 2 June 2029.",
            "The Meridian project had first planned to launch on 9 May 2030, "
            "a date that has since been abandoned.",
        ),
        wrong=("2 June 2029", "9 May 2030"),
    ),
    Fact(
        question="Who is the chief archivist of the Halvard archive?",
        answer="Ilse Varga",
        sentence="The chief archivist of the Halvard archive is Ilse Varga.",
        distractors=(
            "The former chief archivist of the Halvard archive, Tomas Brenner, retired in 2019.",
            "The chief archivist of the Halbard library is Mara Quint.",
        ),
        wrong=("Tomas Brenner", "Mara Quint"),
    ),
)

_SUBJECTS = [
    "The reading room", "The east wing", "The conservation team", "The catalogue", "A visiting "
    "scholar", "The night porter", "The board of trustees", "The map collection", "The bindery",
    "The photographic unit", "The loans desk", "The digitisation project", "The regional office",
]  # fmt: skip
_VERBS = [
    "was repainted",
    "reviewed its procedures",
    "received a donation of letters",
    "moved its shelving",
    "published a short report",
    "hosted a seminar",
    "replaced the humidity sensors",
    "recorded a rise in visitors",
    "closed for a week",
    "began a survey of damaged bindings",
    "updated its finding aids",
    "trained new volunteers",
]
_TAILS = [
    "in the spring of {year}",
    "after a long debate",
    "with help from {name}",
    "under the direction of {name}",
    "despite a tight budget",
    "during the {season} term",
    "as the minutes of {year} record",
    "following a request from {name}",
]
_NAMES = [
    "Aino Ranta",
    "Pieter Vos",
    "Lucia Ferreira",
    "Jonas Eklund",
    "Odile Marchand",
    "Ravi Menon",
    "Greta Holm",
    "Sean Doyle",
    "Marta Nowak",
    "Kenji Mori",
    "Ada Lindqvist",
    "Felix Braun",
]
_SEASONS = ["autumn", "winter", "spring", "summer"]
_TOPICS = [
    "Acquisitions",
    "Conservation",
    "Staff",
    "Buildings",
    "Visitors",
    "Finance",
    "Catalogue",
    "Outreach",
    "Security",
    "Digitisation",
]


def _sentence(rng: random.Random) -> str:
    tail = rng.choice(_TAILS).format(
        year=rng.randint(1950, 2024), name=rng.choice(_NAMES), season=rng.choice(_SEASONS)
    )
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {tail}."


@dataclass
class Haystack:
    text: str
    facts: list[Fact]
    positions: dict[str, int] = field(default_factory=dict)
    """Character offset of each planted answer sentence."""


def approx_tokens(text: str) -> int:
    return max(1, len(text) // 4)


def build(
    tokens: int,
    facts: list[Fact] | None = None,
    *,
    seed: int = 0,
    distractors: bool = True,
    count: Callable[[str], int] = approx_tokens,
    title: str = "Annual report of the Halvard archive",
) -> Haystack:
    """A report of about ``tokens`` tokens with ``facts`` planted at random depths.

    Distractors are placed *before* their fact where possible: the notes found that
    near-misses preceding the real sentence fool small models most.
    """
    facts = list(FACTS[:1] if facts is None else facts)
    rng = random.Random(seed)
    paragraphs: list[str] = []
    used = count(title)
    while used < tokens:
        para = " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))
        if rng.random() < 0.15:
            para = f"## {rng.choice(_TOPICS)}\n\n{para}"
        paragraphs.append(para)
        used += count(para) + 1
    plants: list[tuple[int, str]] = []
    n = len(paragraphs)
    for fact in facts:
        at = rng.randint(max(1, n // 3), max(1, n - 1))
        plants.append((at, fact.sentence))
        if distractors:
            for d in fact.distractors:
                plants.append((rng.randint(0, max(0, at - 1)), d))
    for at, sentence in sorted(plants, key=lambda p: -p[0]):
        target = paragraphs[min(at, n - 1)]
        cut = target.rfind(". ", 0, len(target) // 2 + 1)
        cut = cut + 2 if cut > 0 else 0
        paragraphs[min(at, n - 1)] = target[:cut] + sentence + " " + target[cut:]
    text = f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n"
    return Haystack(text, facts, {f.answer: text.find(f.sentence) for f in facts})


def is_correct(answer: str, fact: Fact) -> bool:
    """Right answer present and no distractor's answer asserted instead."""
    low = answer.lower()
    return fact.answer.lower() in low and not any(w.lower() in low for w in fact.wrong)
