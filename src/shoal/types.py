"""The plain data that flows through shoal: messages in, replies and usage out.

Everything here is a dataclass with no behaviour beyond arithmetic, so any layer
(backends, the swarm, the database, the CLI) can build and read them without
knowing about the others.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant"]
Message = dict[str, str]
"""A chat message in the OpenAI shape: ``{"role": ..., "content": ...}``."""


@dataclass
class Usage:
    """Token counts for one or more model calls.

    ``cached_tokens`` is the part of ``prompt_tokens`` that the backend did not have
    to compute because it reused a prefix (llama.cpp's KV cache, vLLM/OpenAI prompt
    caching). It is included in ``prompt_tokens``, as in OpenAI's usage object.
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    calls: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.cached_tokens + other.cached_tokens,
            self.calls + other.calls,
        )

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class Options:
    """What a caller may ask of any backend. Unknown knobs do not exist on purpose."""

    max_tokens: int = 256
    temperature: float = 0.0
    stop: list[str] | None = None
    schema: dict[str, Any] | None = None
    """A JSON schema: the reply must be one JSON value valid against it."""
    seed: int | None = None
    fresh: bool = False
    """Evaluate the prompt from its first token, reusing no state a call before left (an
    embedded model's live KV prefix, a cached prefix): the reply then depends on the prompt
    alone. Measured with Qwen2.5-Coder-1.5B: its plan for the same question differed on 3 of
    5 questions when 63 tokens of the prompt were left in the KV by a call before (a
    different batch split, different float sums). Backends without such state ignore it."""


@dataclass
class Reply:
    """One model call's result, the same shape from every backend."""

    text: str
    model: str
    usage: Usage
    seconds: float
    parsed: Any = None
    """The validated JSON value when a schema was given."""
    finish_reason: str | None = None
    attempts: int = 1
    """How many calls it took to get a valid structured reply."""
    cost_usd: float = 0.0
    """What the call(s) cost, priced once by ``pricing`` when the call is made: list prices
    for API models, machine time for local ones."""
    cache: dict[str, Any] = field(default_factory=dict)
    """Prefix-cache facts when a cache was in use: where the reused prefix came from
    (live/memory/disk/none), seconds spent restoring, estimated prefill seconds saved."""


@dataclass
class Scores:
    """How likely a model finds each of several continuations of its reply (``Model.score``)."""

    logprobs: list[float]
    """Natural-log probability of each continuation, in the order given."""
    exact: bool
    """True: the model's own token probabilities. False: the backend cannot give them, so
    one greedy reply was matched against the continuations (the one it begins with gets
    all the weight): a vote, not a distribution."""
    reply: Reply
    """The call's usage, seconds and cost."""

    def shares(self) -> list[float]:
        """The probabilities renormalised over the continuations given (they sum to 1)."""
        top = max(self.logprobs)
        weights = [math.exp(lp - top) for lp in self.logprobs]
        total = sum(weights)
        return [w / total for w in weights]


@dataclass
class Delta:
    """A piece of a streamed reply. The last delta carries the complete ``Reply``.

    (Called ``Chunk`` before 0.2; a *chunk* is now only ever a slice of a document.)
    """

    text: str
    reply: Reply | None = None


@dataclass
class ModelInfo:
    """What shoal knows about a model before calling it."""

    name: str
    backend: str
    context_window: int
    chat: bool = True
    ready: bool = True
    note: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    local: bool = False
    """Runs on this machine (embedded, scripted): its calls are priced by the machine time
    they take, not by a provider's list price. The one place this is decided."""


def __getattr__(name: str) -> Any:
    if name == "Chunk":
        import warnings

        warnings.warn(
            "shoal.types.Chunk is now shoal.types.Delta (a piece of a streamed reply)",
            DeprecationWarning,
            stacklevel=2,
        )
        return Delta
    raise AttributeError(name)
