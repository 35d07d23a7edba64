"""The lead reads the checked evidence (never the raw text) and decides.

The lead's window is the expensive resource, so evidence is budgeted: groups are
ranked by how much their context shares with the question and tasks, then by how many
chunks support them, and rendered until ``budget`` lead tokens are used. What was left
out is counted in the prompt, never silently dropped from the record.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from shoal.errors import ShoalError
from shoal.models.base import Model
from shoal.swarm import prompts
from shoal.swarm.check import Group, Report

log = logging.getLogger(__name__)

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    {
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "for",
        "is",
        "are",
        "was",
        "were",
        "be",
        "by",
        "with",
        "and",
        "or",
        "what",
        "which",
        "who",
        "when",
        "where",
        "how",
        "does",
        "do",
        "did",
        "this",
        "that",
        "it",
        "its",
        "from",
        "at",
        "as",
        "document",
        "text",
        "find",
        "copy",
        "exact",
    }
)


def _terms(text: str) -> Counter[str]:
    return Counter(w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1)


def rank(groups: list[Group], query: str) -> list[Group]:
    """Most relevant first: term overlap of context with the query, then support."""
    q = _terms(query)

    def score(g: Group) -> tuple[float, int, float]:
        best = 0.0
        for r in g.reports:
            ctx = _terms(r.context)
            best = max(best, sum(math.log1p(ctx[t]) for t in q if t in ctx))
        return (best, g.count, g.confidence)

    return sorted(groups, key=score, reverse=True)


@dataclass
class Evidence:
    text: str
    shown: list[Group]
    left_out: int
    tokens: int


def render(groups: list[Group], query: str, count: Callable[[str], int], budget: int) -> Evidence:
    """The evidence block the lead reads, within ``budget`` tokens."""
    shown: list[Group] = []
    parts: list[str] = []
    used = 0
    for g in rank(groups, query):
        r = g.reports[0]
        where = f"{r.doc_name} chars {r.start}-{r.end}"
        others = len(g.reports) - 1
        block = (
            f"[{g.id}] answer: {prompts.dump(g.answer)} (found in {g.count} excerpt"
            f"{'s' if g.count != 1 else ''}, {where}"
            f"{f', {others} more' if others else ''})\n"
            f"  quote: {prompts.dump(r.quote)}\n  context: {r.context}\n"
        )
        n = count(block)
        if shown and used + n > budget:
            break
        shown.append(g)
        parts.append(block)
        used += n
    left_out = len(groups) - len(shown)
    text = "".join(parts) or "(no worker found a supported answer)\n"
    if left_out:
        text += f"({left_out} less relevant answers not shown)\n"
    return Evidence(text, shown, left_out, used)


@dataclass
class Decision:
    action: str  # "answer" | "more"
    answer: str
    evidence: list[Group]
    new_tasks: list[dict[str, str]] = field(default_factory=list)
    fallback: str | None = None
    """Why the lead's own decision was not used, when it was not."""


NOT_FOUND = "The document does not appear to say: no worker found a verified answer."


def fallback_decision(groups: list[Group], query: str, why: str) -> Decision:
    """The best-supported worker answer, used when the lead's reply is unusable."""
    if not groups:
        return Decision("answer", NOT_FOUND, [], [], why)
    best = max(rank(groups, query)[:3], key=lambda g: (g.count, g.confidence))
    return Decision("answer", best.answer, [best], [], why)


async def decide(
    lead: Model,
    question: str,
    tasks: list[str],
    groups: list[Group],
    *,
    may_continue: bool,
    budget: int,
    timeout: float | None,
) -> tuple[Decision, Evidence]:
    query = question + " " + " ".join(tasks)
    evidence = render(groups, query, lead.count_tokens, budget)
    if not groups and may_continue:
        # Nothing verified: a decision could only be "not found". Search again with
        # reworded tasks instead; a greedy tiny worker answers a reworded task differently.
        return await retry(lead, question, tasks, timeout), evidence
    if not groups and not may_continue:
        # Nothing verified and no round left: any answer would be the lead's own guess.
        return Decision("answer", NOT_FOUND, []), evidence
    messages = prompts.aggregate_messages(question, tasks, evidence.text, may_continue)
    try:
        reply = await lead.complete(
            messages,
            schema=prompts.decision_schema(may_continue),
            max_tokens=400,
            role="lead",
            timeout=timeout,
        )
    except ShoalError as exc:
        log.warning("lead's decision unusable: %s", exc)
        return fallback_decision(groups, query, f"lead reply unusable: {exc}"), evidence
    value = reply.parsed
    by_id = {g.id: g for g in evidence.shown}
    cited = [by_id[i] for i in dict.fromkeys(value.get("evidence") or []) if i in by_id]
    new_tasks = [t for t in value.get("new_tasks") or [] if t.get("instruction")]
    if value["action"] == "more" and may_continue and new_tasks:
        return Decision("more", value.get("answer", ""), cited, new_tasks), evidence
    answer = (value.get("answer") or "").strip()
    if not answer:
        return fallback_decision(groups, query, "lead gave an empty answer"), evidence
    if not groups:
        # With no verified evidence at all, any answer is the lead's own guess.
        return Decision("answer", NOT_FOUND, []), evidence
    if not cited:
        # Small leads often answer right but cite badly ("[E1]", a quote, nothing). The
        # bookkeeping is shoal's job: cite the shown reports that carry the answer's facts.
        cited = match_evidence(answer, question, evidence.shown)
    return Decision("answer", answer, cited), evidence


RETRYING = "No verified evidence yet: searching again with reworded tasks."
RETRY_ADVICE = "Copy the exact sentence that answers it."


async def retry(lead: Model, question: str, tried: list[str], timeout: float | None) -> Decision:
    """Another round after one that verified nothing. The question itself is the first
    retry task (free, and the most literal wording); if it was tried already, the lead
    rewords the tasks. With nothing new to try, the answer is "not found"."""
    if question not in tried:
        return Decision("more", RETRYING, [], [{"instruction": question, "advice": RETRY_ADVICE}])
    new: list[dict[str, str]] = []
    try:
        reply = await lead.complete(
            prompts.retry_messages(question, tried),
            schema=prompts.PLAN_SCHEMA,
            max_tokens=300,
            role="lead",
            timeout=timeout,
        )
        new = [
            {"instruction": t["instruction"].strip(), "advice": t.get("advice", "").strip()}
            for t in reply.parsed["tasks"][:2]
            if t["instruction"].strip() and t["instruction"].strip() not in tried
        ]
    except ShoalError as exc:
        log.warning("lead could not reword the tasks: %s", exc)
    if not new:
        return Decision("answer", NOT_FOUND, [])
    return Decision("more", RETRYING, [], new)


_KEY = re.compile(r"\d[\d,.:/-]*\d|\d|[A-Z][a-zA-Z]+")


# Capitalised only because they open a sentence: not names.
_COMMON = frozenset({
    "The", "A", "An", "It", "Its", "This", "That", "These", "Those", "There", "In", "On",
    "At", "Of", "For", "From", "To", "And", "But", "Or", "Is", "Was", "Are", "Were", "Yes",
    "No", "Not", "Your", "My", "Our",
})  # fmt: skip


def answer_keys(answer: str, question: str) -> list[str]:
    """The distinctive tokens (numbers, names) of ``answer`` the question does not hold."""
    asked = set(_KEY.findall(question)) | _COMMON
    return list(dict.fromkeys(k for k in _KEY.findall(answer) if k not in asked))


def match_evidence(answer: str, question: str, shown: list[Group]) -> list[Group]:
    """Reports whose quote holds every distinctive token (numbers, names) of ``answer``
    that the question itself does not already contain."""
    keys = answer_keys(answer, question)
    if not keys:
        return []
    return [g for g in shown if any(all(k in (r.quote or "") for k in keys) for r in g.reports)][:3]


def best_reports(decision: Decision, limit: int = 3) -> list[Report]:
    """The reports behind a decision's citations, one per distinct source span."""
    seen: set[tuple[str, int | None]] = set()
    out: list[Report] = []
    for g in decision.evidence:
        for r in g.reports:
            if (r.doc_id, r.start) not in seen and len(out) < limit * len(decision.evidence):
                seen.add((r.doc_id, r.start))
                out.append(r)
    return out
