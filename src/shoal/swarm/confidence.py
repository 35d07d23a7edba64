"""How sure a lookup's answer is: a probability, fitted and then measured, not guessed.

A value reaches the judgement (``judge.py``) only after its quote was found verbatim in
the source carrying it and the stronger model, re-reading the passage, verified it. What
is then observable about it is what the judgement measures: its share of the lead's
probability when all verified values are read together, and the lead's probability of
"yes" when asked apart, in two framings, whether its sentence gives the answer as things
stand now. ``judged`` turns these into the probability that the answer is right with a
logistic model whose weights were fitted on the development genres only
(``benchmarks/judge.py --fit``; never on the held-out or sealed ones, which measure it).

Below the run's ``min_confidence`` (``ABSTAIN_BELOW`` by default) shoal says it could not
tell instead of answering.
"""

from __future__ import annotations

import math

ABSTAIN_BELOW = 0.7
"""The default threshold. Measured on the development genres (``benchmarks/judge.py``,
2026-12-04): at 0.7 shoal withheld 33 of 36 look-alike-only judgements and gave 3 wrong
answers in 36, against 28 of 36 and 8 wrong in 49 at 0.5, at the price of 33 right
answers of 54 instead of 41. A wrong answer with citations looks checked; an abstention
says what it saw, so the default leans to abstaining (``--min-confidence`` moves it)."""

UNCONFIRMED = 0.4
"""Workers alone: the stronger model could not check the value (its calls failed, or the
budget ran out before its passage was re-read)."""
UNJUDGED = 0.4
"""The value passed every check but the judgement's calls failed: no opinion on it."""

WEIGHTS = (0.047, -0.425, 0.579, 1.68)
"""(bias, share, plain support, strict support), each support and the share as a logit.
Fitted by ``benchmarks/judge.py --fit`` on the tune, dev and studied genres (90 cases, 63
picks; ``benchmarks/results/judge.json``, 2026-12-04). The strict framing carries most of
the weight; the share's is small and negative: it picks the value, it does not tell an
answer from a look-alike once only look-alikes are left (a lone look-alike gets all of
it)."""

_CLIP = 1e-4


def _logit(p: float) -> float:
    p = min(1.0 - _CLIP, max(_CLIP, p))
    return math.log(p / (1.0 - p))


def judged(share: float, plain: float, strict: float) -> float:
    """The probability that the picked value is right, from its share and its support."""
    b, w_share, w_plain, w_strict = WEIGHTS
    z = b + w_share * _logit(share) + w_plain * _logit(plain) + w_strict * _logit(strict)
    return round(1.0 / (1.0 + math.exp(-z)), 3)
