"""What a run cost, and what the lead alone would have cost: where a run is paid for.

Every call was priced when it was made (``pricing``) and recorded in the ledger; a run's
cost is the sum of its recorded calls, by role. The comparison is the lead reading the
whole input in one prompt: its tokens are counted exactly with the lead's tokenizer, its
seconds estimated from the lead's measured speed, and its price computed the way the
lead's own calls are priced.
"""

from __future__ import annotations

from dataclasses import dataclass

from shoal import pricing
from shoal.models.base import Model
from shoal.store import Store
from shoal.swarm import prompts
from shoal.swarm.documents import Document, joined
from shoal.types import Usage

SINGLE_REPLY_TOKENS = 300
"""Room for the reply when one model reads the whole input (the single strategies)."""
ALONE_REPLY_TOKENS = 100
"""Reply tokens assumed for the lead-alone estimate."""


@dataclass
class RunCost:
    usage: dict[str, Usage]
    cost_usd: float
    model_seconds: float
    """Seconds of model calls, summed (overlapping calls each count their own)."""


EXACT_CHARS = 400_000
"""Inputs up to this long are counted exactly with the lead's tokenizer; longer ones are
estimated from evenly spaced samples (counting megabytes exactly takes seconds and changes
nothing the comparison says)."""
SAMPLES, SAMPLE_CHARS = 8, 25_000


@dataclass
class LeadAlone:
    tokens: int
    seconds: float | None
    """None when the lead's speed is unknown (an API model)."""
    cost_usd: float
    estimated: bool = False


def run_cost(store: Store, run_id: str) -> RunCost:
    rows = store.usage_by_role(run_id)
    usage = {
        role: Usage(
            int(r["prompt_tokens"] or 0),
            int(r["completion_tokens"] or 0),
            int(r["cached_tokens"] or 0),
            int(r["calls"]),
        )
        for role, r in rows.items()
    }
    return RunCost(
        usage,
        sum(float(r["cost_usd"] or 0) for r in rows.values()),
        sum(float(r["seconds"] or 0) for r in rows.values()),
    )


def lead_alone(lead: Model, docs: list[Document]) -> LeadAlone:
    """The lead reading every document in one prompt (ignoring its window)."""
    text = joined(docs)
    estimated = len(text) > EXACT_CHARS
    if estimated:
        step = len(text) // SAMPLES
        sampled = [text[i * step : i * step + SAMPLE_CHARS] for i in range(SAMPLES)]
        per_char = sum(lead.count_tokens(s) for s in sampled) / sum(len(s) for s in sampled)
        overhead = lead.count_message_tokens(prompts.single_messages("", "", False))
        tokens = overhead + round(per_char * len(text))
    else:
        tokens = lead.count_message_tokens(prompts.single_messages(text, "", False))
    usage = Usage(tokens, ALONE_REPLY_TOKENS, 0, 1)
    speed = lead.throughput()
    seconds = tokens / speed[0] + ALONE_REPLY_TOKENS / speed[1] if speed else None
    return LeadAlone(
        tokens, seconds, pricing.call_cost(lead.info, usage, seconds or 0.0), estimated
    )
