"""How sure a lookup's answer is: a probability, fitted and then measured, not guessed.

A value reaches the judgement (``judge.py``) only after its quote was found verbatim in
the source carrying it and the stronger model, re-reading the passage, verified it. What
is then observable about it is what the judgement measures: its share of the lead's
probability when all verified values are read together, and "null"'s share, and the
lead's probability of "yes" when asked apart, in two framings, whether its sentence gives
the answer as things stand now. ``judged`` turns these into the probability that the
answer is right with a logistic model whose weights were fitted on the judgements of
real runs on the development and studied genres (``benchmarks/calibrate.py --fit``;
never on sealed ones, whose final run measures it).

Below the run's ``min_confidence`` (``ABSTAIN_BELOW`` by default) shoal says it could not
tell instead of answering.
"""

from __future__ import annotations

import math

ABSTAIN_BELOW = 0.7
"""The default threshold. Measured on 463 judgements of real runs, a genre held out at a
time (``benchmarks/calibrate.py``, 2026-12-05): at 0.7 shoal gave 191 picks, 168 of them
right (88%), and 11 of 114 picks on documents without the answer; at 0.6 it gave 250, 194
right (78%), and 27; at 0.8, 140, 133 right (95%), and 4. A wrong answer with citations
looks checked; an abstention says what it saw, so the default leans to abstaining
(``--min-confidence`` moves it)."""

UNCONFIRMED = 0.4
"""Workers alone: the stronger model could not check the value (its calls failed, or the
budget ran out before its passage was re-read)."""
UNJUDGED = 0.4
"""The value passed every check but the judgement's calls failed: no opinion on it."""

WEIGHTS = (-4.23, -0.207, -1.538, 2.904, -0.266)
"""(bias, share, "null"'s share, plain support, strict support), each as a logit. Fitted by
``benchmarks/calibrate.py --fit`` on 463 judgements stored by real runs of ``longdoc.py``
on 77 tune, dev and studied genres (2026-12-05, stop 31; ``benchmarks/results/
calibrate.json``). With a genre held out at a time, it ranks right picks above wrong ones
with AUC 0.86, and of the picks it puts at 0.8 or more 95% were right (133 of 140).
The weights before it (fitted in stop 26 on the first 239 of these judgements) did worse
on the 224 they never saw: of the picks they put at 0.7 or more 76% were right (84 of
110), and 9 of 60 documents without the answer were given one. What "null" keeps
matters: a lone value the stronger model would rather not give (null's share high) is a
look-alike more often than its own share says. The plain framing carries the weight; the
strict one adds nothing once it is known (its weight is near zero), and the pick's share
adds little once "null"'s is known."""

_CLIP = 1e-4


def _logit(p: float) -> float:
    p = min(1.0 - _CLIP, max(_CLIP, p))
    return math.log(p / (1.0 - p))


def features(share: float, none: float, plain: float, strict: float) -> tuple[float, ...]:
    """What the model reads: the logits of the pick's share, null's share and the two
    supports (``benchmarks/calibrate.py`` fits on exactly these)."""
    return (_logit(share), _logit(none), _logit(plain), _logit(strict))


def logistic(weights: tuple[float, ...] | list[float], x: tuple[float, ...]) -> float:
    """The model's probability for features ``x`` under ``weights`` (bias first): what
    ``judged`` gives with ``WEIGHTS``, and ``benchmarks/calibrate.py`` with weights it fits."""
    b, *w = weights
    z = b + sum(wi * xi for wi, xi in zip(w, x, strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def judged(share: float, none: float, plain: float, strict: float) -> float:
    """The probability that the picked value is right, from its share, null's share and
    its support."""
    return round(logistic(WEIGHTS, features(share, none, plain, strict)), 3)
