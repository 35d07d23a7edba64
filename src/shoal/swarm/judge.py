"""The judgement: which of the verified values answers the question, and how sure to be.

Every value here was verified twice already: a quote verbatim in the source that carries
it, and the stronger model's re-read of the passage. What is left is the hard part for a
small lead: telling the answer from its look-alikes (the old code, the first gate, the
other recipe, the notice period instead of the delivery deadline), and saying so when
only look-alikes are left.

Measured on the genres the protocol was developed on (``benchmarks/judge.py``), a 1.5B
lead is good at the first and poor at the second:

- **Choosing is relative, so it reads them together.** Shown the sentences that hold the
  verified values side by side, the lead puts most of its probability on the answer's
  value (about nine in ten times when the answer is among them), whatever the order;
  asked about one sentence at a time, or to name a letter, it picks by position. So it
  reads every sentence at once (each under the headings that govern it) and shoal scores
  how likely the lead finds each value, and "null", as the start of its reply
  (``Model.score``), once in document order and once reversed; a value's *share* is the
  mean of its two probabilities. Order bias cancels instead of deciding, and a value that
  does not lead the others clearly is no pick: reading only look-alikes the lead spreads
  its probability over them.
- **Support is absolute, and weak.** Whether the best value is really the answer as
  things stand now is asked apart, about its one sentence, in two framings (a plain
  yes/no and one that names the look-alikes), as the probability of "yes". Alone each
  separates answers from look-alikes only moderately (AUC about 0.78); together they set
  the answer's confidence (``confidence.judged``), a logistic fit on the development
  genres that is measured, not assumed, on genres nobody tuned on.

- **A lone pick is read beside its neighbours.** With one verified value there is nothing
  to choose between, and the lead's probability says little: alone, it took a tide
  table's Low row for when the tide "comes fully in" (0.78-0.85). So the lone pick's
  sentence is read again beside the nearby sentences that hold a value of the same shape
  and pass the word rules (``rivals``: the other rows of its table, the other lines of its
  list); if one of those leads clearly, there is no pick. A veto only: a rival was never
  read as an answer, so it is named in the notes, not given.

Every judgement is stored as a job of the run (kind ``judge``), with the shares and the
support, so ``shoal show`` and the page can say why an answer was given or withheld.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from shoal.errors import ShoalError
from shoal.models.base import Model
from shoal.swarm import confidence, prompts
from shoal.swarm.aggregate import Candidate
from shoal.swarm.check import fit, normalise, sentence_around, value_shape
from shoal.swarm.jobs import SECOND_KEY, WHOLE_KEY
from shoal.swarm.run import Run

log = logging.getLogger(__name__)

JUDGE_AT_MOST = 6
"""Values read together at most (the most supported first); more would crowd the window
of a small lead and rarely hold the answer beyond these."""
NONE = "none"
"""The key of "null": no statement answers."""
HEAD = '{"answer":'
CLEAR = 0.15
"""The share by which the pick must lead the runner-up. A small lead reading two or three
look-alikes (and no answer) spreads its probability over them and flips between them with
their order; reading the answer among look-alikes it mostly favours the answer clearly.
A lead below this is a pick by position, not by content: no pick."""


@dataclass
class Judgement:
    """What the lead made of the verified values."""

    pick: Candidate | None
    """The value with the largest share, unless "null" had more (then None)."""
    shares: dict[str, float]
    """Each candidate's share (by ``Candidate.key``) and "null"'s (``NONE``)."""
    support: tuple[float, float] = (0.0, 0.0)
    """The lead's probability of "yes" for the pick, asked apart (plain, strict)."""
    confidence: float = 0.0
    exact: bool = True
    """From token probabilities (False: from greedy replies, a backend without them)."""
    failed: str | None = None
    """Why the judgement could not be made (a call failed): no opinion."""
    changed: bool = False
    """No value led the others clearly (by ``CLEAR``) over both orders: the lead's
    favourite changes with the order, a pick by position, not by content, so no pick."""
    statements: dict[str, str] = field(default_factory=dict)
    rival: str | None = None
    """A neighbouring sentence no read named, holding a value of the same shape, that the
    lead found likelier than the lone pick (``rivals``): no pick."""
    rival_at: tuple[str, int, int] | None = None
    """Where the rival's sentence is (document id, start, end): ``find`` reads it there as
    an answer of its own."""
    contrast: list[float] = field(default_factory=list)
    """A lone pick read beside its rivals (``_contrast``): the pick's share, each rival's,
    then "null"'s. Stored, not yet weighed: choosing is what a small lead does well, so a
    pick that leads its own document's same-shape sentences clearly may say more than its
    yes/no on new genres, where the right values sit at 0.2-0.6 (fresh18). The next fit of
    ``confidence.WEIGHTS`` can measure it once runs carry it."""
    agreement: dict[str, int] = field(default_factory=dict)
    """Who named the pick independently: worker chunks, re-reads of a passage, whole reads,
    and how many values were judged. Stored, not yet weighed: the next fit of
    ``confidence.WEIGHTS`` can measure whether agreement separates answers from
    look-alikes once enough runs carry it."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "pick": self.pick.answer if self.pick else None,
            "shares": {k: round(v, 4) for k, v in self.shares.items()},
            "support": [round(s, 4) for s in self.support],
            "confidence": self.confidence,
            "exact": self.exact,
            "failed": self.failed,
            "changed": self.changed,
            "rival": self.rival,
            "contrast": [round(v, 4) for v in self.contrast],
            "agreement": self.agreement,
        }


def governing(run: Run, doc_id: str, at: int) -> list[str]:
    """The local headings that govern a sentence starting at ``at`` (a table's header row,
    an INI key's section): not the document's title, which would tell every sentence the
    same."""
    text = run.source[doc_id]
    return [text[h.start : h.end] for h in run.outlines[doc_id].local(at) if h.end <= at]


def _statement(text: str, s: int, e: int, heads: list[str]) -> str:
    return " / ".join([*heads, " ".join(text[s:e].split())])


def evidence_sentence(run: Run, c: Candidate) -> str:
    """The sentence holding the candidate's best quote, under the local headings that
    govern it (a table row with its header row, an INI key with its section)."""
    x = c.quotes()[0]
    assert x.start is not None and x.end is not None
    text = run.source[x.doc_id]
    s, e = sentence_around(text, x.start, x.end)
    return _statement(text, s, e, governing(run, x.doc_id, s))


def _place(c: Candidate) -> tuple[str, int]:
    x = c.quotes()[0]
    return (x.doc_id, x.start or 0)


@dataclass
class Weighing:
    """The lead's reading of a few (sentence, value) statements, before any candidate
    bookkeeping: what ``judge`` decides from, and what ``benchmarks/judge.py`` measures."""

    shares: list[float]
    """Each statement's share, in the order given, then "null"'s."""
    best: int | None
    """The statement with the largest share, unless "null" had more or no statement led
    clearly (None)."""
    changed: bool = False
    support: tuple[float, float] = (0.0, 0.0)
    exact: bool = True


async def weigh(
    model: Model, question: str, statements: list[tuple[str, str]], *, role: str | None = None,
    timeout: float | None = None, support: bool = True,
) -> Weighing:  # fmt: skip
    """Read the statements (sentence, value) together, in the order given and reversed
    (a single statement has only one order), scoring each value and "null" as the start
    of the reply; then ask apart, in two framings, whether the best one's sentence gives
    the answer."""
    n = len(statements)
    shares = [0.0] * (n + 1)
    exact = True
    orders = [list(range(n)), list(range(n))[::-1]][: 1 if n == 1 else 2]  # one value: one order
    for order in orders:
        passage = "\n\n".join(dict.fromkeys(statements[i][0] for i in order))
        scores = await model.score(
            prompts.read_messages(question, passage),
            [f" {json.dumps(statements[i][1], ensure_ascii=False)}," for i in order] + [" null,"],
            head=HEAD, role=role, timeout=timeout,
        )  # fmt: skip
        exact = exact and scores.exact
        for i, share in zip([*order, n], scores.shares(), strict=True):
            shares[i] += share / len(orders)
    ranked = sorted(range(n), key=lambda i: -shares[i])
    best = ranked[0]
    if shares[n] >= shares[best]:
        return Weighing(shares, None, exact=exact)
    if n > 1 and shares[best] - shares[ranked[1]] < CLEAR:
        return Weighing(shares, None, changed=True, exact=exact)
    if not support:
        return Weighing(shares, best, exact=exact)
    yes = []
    for system in (prompts.SUPPORT_SYSTEM, prompts.SUPPORT_STRICT_SYSTEM):
        sentence, value = statements[best]
        scores = await model.score(
            prompts.support_messages(system, question, sentence, value), ["yes", "no"],
            role=role, timeout=timeout,
        )  # fmt: skip
        exact = exact and scores.exact
        yes.append(scores.shares()[0])
    return Weighing(shares, best, support=(yes[0], yes[1]), exact=exact)


async def judge(run: Run, model: Model, cands: list[Candidate], key: str) -> Judgement:
    """Judge ``cands`` (verified values that passed the word rules) with ``model``."""
    cands = sorted(cands, key=lambda c: (-c.count, -c.workers))[:JUDGE_AT_MOST]
    cands = sorted(cands, key=_place)  # document order
    sentences = {c.key: evidence_sentence(run, c) for c in cands}
    role = "lead" if model is run.lead else "escalation"
    t0 = time.perf_counter()
    try:
        w = await weigh(model, run.question, [(sentences[c.key], c.answer) for c in cands],
                        role=role, timeout=run.lead_timeout)  # fmt: skip
        shares = {c.key: w.shares[i] for i, c in enumerate(cands)} | {NONE: w.shares[-1]}
        pick = cands[w.best] if w.best is not None else None
        conf = (
            confidence.judged(w.shares[w.best], w.shares[-1], *w.support)
            if w.best is not None
            else 0.0
        )
        judgement = Judgement(pick, shares, w.support, conf, w.exact, changed=w.changed)
        if pick is not None and len(cands) == 1:
            rival, judgement.contrast = await _contrast(run, model, pick, sentences[pick.key],
                                                        role)  # fmt: skip
            if rival is not None:
                judgement.rival, _, judgement.rival_at = rival
                judgement.pick, judgement.confidence = None, 0.0
    except ShoalError as exc:
        log.warning("judging %d value(s) failed: %s", len(cands), exc)
        judgement = Judgement(None, {}, failed=f"call failed: {exc}"[:300])
    judgement.statements = sentences
    if judgement.pick is not None:
        judgement.agreement = _agreement(judgement.pick, len(cands))
    _store(run, model, key, judgement, time.perf_counter() - t0)
    return judgement


RIVALS_AT_MOST = 3
RIVALS_SCANNED = 400
"""Values of the pick's shape looked at, nearest first: a long log has a time on every line."""


Rival = tuple[str, str, tuple[str, int, int]]
"""A rival: its statement (sentence under its headings), its value, and where the sentence
is (document id, start, end)."""


def rivals(run: Run, c: Candidate) -> list[Rival]:
    """Statements (sentence under its headings, value) that no read named, holding a value
    of the lone pick's shape, that the word rules leave viable: the other rows of its
    table, the other lines of its list ("Barry | Thu | High | 18:14" beside "Barry | Thu |
    Low | 15:50"; "Flash point: 12 °C" beside "Auto-ignition temperature: 425 °C"). Those
    that name more of what the question names come first, then the nearest: a table's rows
    can be pages apart."""
    shape = value_shape(c.answer)
    x = c.quotes()[0]
    if shape is None or x.start is None or x.end is None:
        return []
    text, at = run.source[x.doc_id], x.start
    s, e = sentence_around(text, x.start, x.end)
    outline = run.outlines[x.doc_id]
    matches = sorted(shape.finditer(text), key=lambda m: abs(m.start() - at))
    found: list[tuple[float, int, str, str, tuple[str, int, int]]] = []
    seen = {normalise(c.answer).casefold()}
    for m in matches[:RIVALS_SCANNED]:
        value = m.group(0)
        if s <= m.start() < e or normalise(value).casefold() in seen:
            continue
        a, b = sentence_around(text, m.start(), m.end())
        heads = governing(run, x.doc_id, a)
        f = fit(text[a:b], run.question, "\n".join(heads), "", value, run.vocabulary,
                run.bare_names, outline.subject(a))  # fmt: skip
        if not f.viable:
            continue
        seen.add(normalise(value).casefold())
        found.append((-(f.entities or 0.0), abs(m.start() - at), _statement(text, a, b, heads),
                      value, (x.doc_id, a, b)))  # fmt: skip
    return [(t, v, at_) for _, _, t, v, at_ in sorted(found)[:RIVALS_AT_MOST]]


async def _contrast(
    run: Run, model: Model, pick: Candidate, sentence: str, role: str
) -> tuple[Rival | None, list[float]]:
    """A lone pick read beside its rivals (``rivals``): the rival the lead finds likelier,
    clearly, or None. Alone, a 1.5B lead calls a tide table's Low row the time the tide
    "comes fully in" (0.78-0.85, fresh11) and an auto-ignition temperature the one at which
    a liquid "gives off enough vapour to catch fire from a flame" (0.80); the High row and
    the flash point two lines away were never weighed. A veto only: a pick that still leads
    keeps the confidence it had alone (``find`` then reads the rival as an answer of its
    own). Also returns the shares it read (the pick's, each rival's, "null"'s)."""
    near = rivals(run, pick)
    if not near:
        return None, []
    statements = [(sentence, pick.answer), *[(t, v) for t, v, _ in near]]
    w = await weigh(model, run.question, statements, role=role, timeout=run.lead_timeout,
                    support=False)  # fmt: skip
    if w.best is not None and w.best > 0:
        return near[w.best - 1], w.shares
    return None, w.shares


def _agreement(c: Candidate, values: int) -> dict[str, int]:
    reads = {r.job_key for r in c.reports if r.kind == "read"}
    whole = {k for k in reads if k.startswith((WHOLE_KEY, SECOND_KEY))}
    return {"values": values, "workers": c.workers, "rereads": len(reads - whole),
            "whole": len(whole)}  # fmt: skip


def _store(run: Run, model: Model, key: str, j: Judgement, seconds: float) -> None:
    x = j.pick.quotes()[0] if j.pick else None
    run.store.queue_job({
        "run_id": run.id, "key": key, "round": 0, "task_index": -2, "chunk_index": -2,
        "status": "failed" if j.failed else "done", "attempts": 1, "seconds": seconds,
        "error": j.failed, "answer": j.pick.answer if j.pick else None,
        "quote": j.statements.get(j.pick.key, "")[:2000] if j.pick else None,
        "confidence": j.confidence, "supported": j.pick is not None, "reason": None,
        "doc_id": x.doc_id if x else None, "start": x.start if x else None,
        "end": x.end if x else None, "finished": time.time(), "kind": "judge",
        "model": model.name, "served_by": None, "lo": None, "hi": None,
        "payload": j.to_dict() | {"statements": j.statements},
    })  # fmt: skip
    run.store.drain()
