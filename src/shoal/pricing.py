"""What a call costs in USD: a price table per model, per million tokens.

Local models (embedded GGUF, scripted) cost ``SHOAL_LOCAL_PRICE`` per million tokens,
0 by default: their real cost is the machine's time, which every call records too.
``SHOAL_PRICES`` may name a JSON file ``{"model": {"input": x, "output": y, "cached": z}}``
that overrides or extends the table (e.g. to price a self-hosted vLLM by its GPU hour).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from shoal.config import local_price_per_million
from shoal.types import Usage

LOCAL_BACKENDS = ("llama", "scripted")
"""Backends whose calls cost machine time, priced at SHOAL_LOCAL_PRICE."""


@dataclass(frozen=True)
class Price:
    input: float
    output: float
    cached: float | None = None  # None: cached tokens cost as much as input tokens

    def cost(self, usage: Usage) -> float:
        cached_rate = self.input if self.cached is None else self.cached
        fresh = max(0, usage.prompt_tokens - usage.cached_tokens)
        return (
            fresh * self.input
            + usage.cached_tokens * cached_rate
            + usage.completion_tokens * self.output
        ) / 1e6


# Public list prices, USD per million tokens (input, output, cached input).
API_PRICES: dict[str, Price] = {
    "gpt-4o": Price(2.50, 10.00, 1.25),
    "gpt-4o-mini": Price(0.15, 0.60, 0.075),
    "gpt-4.1": Price(2.00, 8.00, 0.50),
    "gpt-4.1-mini": Price(0.40, 1.60, 0.10),
    "gpt-4.1-nano": Price(0.10, 0.40, 0.025),
    "o4-mini": Price(1.10, 4.40, 0.275),
}


@lru_cache(maxsize=1)
def _overrides() -> dict[str, Price]:
    path = os.environ.get("SHOAL_PRICES")
    if not path:
        return {}
    raw = json.loads(Path(path).read_text())
    return {
        name: Price(float(p["input"]), float(p["output"]), p.get("cached"))
        for name, p in raw.items()
    }


def price_for(model: str, local: bool) -> Price | None:
    """The price of ``model``; ``None`` when a remote model is not in any table."""
    if model in _overrides():
        return _overrides()[model]
    if local:
        rate = local_price_per_million()
        return Price(rate, rate, rate)
    return API_PRICES.get(model)


def cost_usd(model: str, usage: Usage, local: bool) -> float:
    price = price_for(model, local)
    return 0.0 if price is None else price.cost(usage)
