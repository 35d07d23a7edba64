"""Combining checked evidence into one answer: candidates, and the lead's choice among them.

Supported reports that give the same value (compared by ``check.answer_key``) form a
*candidate*. A candidate is *confirmed* when the stronger model, re-reading the passage
itself (``escalate.py``), verified the same value. Only confirmed candidates can become the
answer; when exactly one value is confirmed no lead call is needed, when several are the
lead chooses among them by their context, within a token budget. The lead never sees raw
text beyond those contexts.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from shoal.errors import ShoalError
from shoal.models.base import Model
from shoal.swarm import prompts
from shoal.swarm.check import Report, answer_key, carries, terms

log = logging.getLogger(__name__)

NOT_FOUND = "The document does not appear to say: no worker found a verified answer."
UNSURE = "The document does not settle it: the verified evidence conflicts."


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


def _terms(text: str) -> Counter[str]:
    return Counter(terms(text))


def rank(cands: list[Candidate], query: str) -> list[Candidate]:
    """Most relevant first: term overlap of context with the query, then support."""
    q = _terms(query)

    def score(c: Candidate) -> tuple[float, int, float]:
        best = 0.0
        for r in c.reports:
            ctx = _terms(r.context)
            best = max(best, sum(math.log1p(ctx[t]) for t in q if t in ctx))
        return (best, c.count, c.confidence)

    return sorted(cands, key=score, reverse=True)


@dataclass
class Evidence:
    text: str
    shown: list[Candidate]
    left_out: int
    tokens: int


def render(
    cands: list[Candidate], query: str, count: Callable[[str], int], budget: int,
    *, reverse: bool = False,
) -> Evidence:  # fmt: skip
    """The evidence block the lead reads, within ``budget`` tokens: the most relevant
    values that fit, shown most relevant first (``reverse``: the same values, last first)."""
    shown: list[Candidate] = []
    parts: list[str] = []
    used = 0
    for c in rank(cands, query):
        r = c.quotes()[0]
        where = f"{r.doc_name} chars {r.start}-{r.end}"
        others = len(c.quotes()) - 1
        block = (
            f"[{c.id}] answer: {prompts.dump(c.answer)} (found in {c.count} place"
            f"{'s' if c.count != 1 else ''}, {where}"
            f"{f', {others} more' if others else ''})\n"
            f"  quote: {prompts.dump(r.quote)}\n  context: {r.context}\n"
        )
        n = count(block)
        if shown and used + n > budget:
            break
        shown.append(c)
        parts.append(block)
        used += n
    left_out = len(cands) - len(shown)
    if reverse:
        shown, parts = shown[::-1], parts[::-1]
    text = "".join(parts) or "(no verified answer)\n"
    if left_out:
        text += f"({left_out} less relevant answers not shown)\n"
    return Evidence(text, shown, left_out, used)


@dataclass
class Choice:
    """The lead's pick among several confirmed values."""

    candidate: Candidate | None
    fallback: str | None = None
    shown: int = 0
    left_out: int = 0
    failed: bool = False
    """The call itself failed (an error, an unusable reply): no opinion, unlike a reply
    that named no value."""


async def choose(
    lead: Model,
    question: str,
    tasks: list[str],
    confirmed: list[Candidate],
    *,
    budget: int,
    timeout: float | None,
) -> Choice:
    """The lead picks one of several confirmed values, by their context. Its reply must
    name a shown candidate or state a value one of them carries; anything else (its own
    guess, the question restated, an unusable reply) is not an answer.

    A small lead leans to whichever report it reads first or last, so it is asked twice,
    the second time with the reports in the other order; a pick that changes with the
    order is no choice at all (shoal then says the evidence conflicts rather than pass on
    a coin toss with citations). A second call that fails leaves the first pick standing."""
    query = question + " " + " ".join(tasks)
    first = await _pick(lead, question, tasks, render(confirmed, query, lead.count_tokens,
                                                      budget), timeout)  # fmt: skip
    if first.candidate is None or first.shown < 2:
        return first
    again = await _pick(lead, question, tasks, render(confirmed, query, lead.count_tokens,
                                                      budget, reverse=True), timeout)  # fmt: skip
    if again.failed:
        return first
    if again.candidate is not first.candidate:
        return Choice(None, "the lead's pick changed when the reports were shown in the other "
                      "order", first.shown, first.left_out)  # fmt: skip
    return first


UNUSABLE = "lead reply unusable"


async def _pick(
    lead: Model, question: str, tasks: list[str], evidence: Evidence, timeout: float | None
) -> Choice:
    """One ask of the lead over one rendering of the evidence."""
    messages = prompts.aggregate_messages(question, tasks, evidence.text, False)
    try:
        reply = await lead.complete(
            messages,
            schema=prompts.decision_schema(False),
            max_tokens=300,
            role="lead",
            timeout=timeout,
        )
    except ShoalError as exc:
        log.warning("lead's choice unusable: %s", exc)
        return Choice(None, f"{UNUSABLE}: {exc}", len(evidence.shown), evidence.left_out, True)
    value = reply.parsed
    by_id = {c.id: c for c in evidence.shown}
    cited = [by_id[i] for i in dict.fromkeys(value.get("evidence") or []) if i in by_id]
    said = (value.get("answer") or "").strip()
    # What it said decides; the ids it cited only break ties (small leads cite badly).
    holding = [c for c in evidence.shown if said and any(carries(c.answer, said) or
               carries(said, r.quote or "") for r in c.quotes())]  # fmt: skip
    picked = [c for c in holding if c in cited] or holding or ([] if said else cited)
    if len(picked) != 1:
        why = "lead named none of the verified values" if not picked else "lead named several"
        return Choice(None, why, len(evidence.shown), evidence.left_out)
    return Choice(picked[0], None, len(evidence.shown), evidence.left_out)
