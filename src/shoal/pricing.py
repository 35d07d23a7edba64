"""What a call costs in USD. One place decides it, when the call is made.

- API models: public list prices per million tokens (input, output, cached input).
- Local models (embedded GGUF, scripted): the machine time the call took, at
  ``SHOAL_MACHINE_USD_PER_HOUR`` (default 0.10: an on-demand 2-vCPU cloud VM). A local call
  is charged its own seconds as if it had the machine to itself, so calls that overlap on
  one machine add up to more than the wall time; answers report wall seconds beside it.
  ``SHOAL_LOCAL_PRICE`` (USD per million tokens), if set, prices local calls by tokens
  instead, as before 0.2.
- ``SHOAL_PRICES`` may name a JSON file ``{"model": {"input": x, "output": y, "cached": z}}``
  that overrides or extends the table (e.g. a self-hosted vLLM priced per token).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from shoal import config
from shoal.errors import ShoalError
from shoal.types import ModelInfo, Usage


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


@lru_cache(maxsize=4)
def _overrides(path: str | None) -> dict[str, Price]:
    if not path:
        return {}
    try:
        raw = json.loads(Path(path).read_text())
        return {
            name: Price(float(p["input"]), float(p["output"]), p.get("cached"))
            for name, p in raw.items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ShoalError(f"SHOAL_PRICES={path}: not a usable price table: {exc}") from exc


def token_price(model: str, local: bool) -> Price | None:
    """The per-token price of ``model``, or None when it is priced by machine time (local)
    or not in any table (an unknown remote model costs 0 and says so nowhere else)."""
    table = _overrides(config.prices_file())
    if model in table:
        return table[model]
    if local:
        rate = config.local_price_per_million()
        return None if rate is None else Price(rate, rate, rate)
    return API_PRICES.get(model)


def machine_cost(seconds: float) -> float:
    """USD for ``seconds`` of this machine's time."""
    return max(0.0, seconds) * config.machine_usd_per_hour() / 3600.0


def call_cost(info: ModelInfo, usage: Usage, seconds: float) -> float:
    """USD for one call (or several summed) of the model ``info``."""
    price = token_price(info.name, info.local)
    if price is not None:
        return price.cost(usage)
    return machine_cost(seconds) if info.local else 0.0


def describe(info: ModelInfo) -> str:
    """How calls of this model are priced, in words (for `shoal models`)."""
    price = token_price(info.name, info.local)
    if price is not None:
        return f"${price.input:g}/${price.output:g} per M tokens in/out"
    if info.local:
        return f"machine time, ${config.machine_usd_per_hour():g}/hour"
    return "no list price known (0)"
