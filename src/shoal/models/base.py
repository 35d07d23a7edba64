"""The one model interface every backend implements.

A backend only has to turn messages + ``Options`` into a ``Reply`` (``_generate``),
optionally stream (``_stream``) and count tokens. Everything callers rely on is
implemented once, here, on top of that:

- structured output: constrained decoding is requested from the backend, then the
  reply is parsed leniently and validated; on failure the error is fed back and the
  call retried a bounded number of times, then ``StructuredOutputError``;
- deadlines: a call that exceeds ``timeout`` raises ``ModelTimeoutError``;
- cost: every reply is priced once (``pricing.call_cost``) into ``reply.cost_usd``;
- the ledger: every attempt, successful or not, is recorded with its role and run;
- scoring (``score``): how likely the model finds each of a few given continuations of
  its reply. Deciding between candidates by their probability, rather than by one greedy
  reply, is what lets a small model's judgement be graded and averaged over orders.
  Backends with token probabilities override ``_score``; the default asks for one greedy
  reply and matches it.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Coroutine
from typing import Any, TypeVar

from shoal import ledger, pricing
from shoal.errors import (
    ContextOverflowError,
    ModelCallError,
    ModelTimeoutError,
    ShoalError,
    StructuredOutputError,
)
from shoal.models.structured import parse_json, retry_message
from shoal.types import Delta, Message, ModelInfo, Options, Reply, Scores, Usage

_T = TypeVar("_T")

UNLIKELY = -30.0
"""The log-probability the greedy fallback gives a continuation the reply did not begin
with (about 1e-13: never chosen, still finite for averaging)."""


class Model(ABC):
    """A model shoal can call. Subclasses are backends; callers use ``complete``/``stream``."""

    info: ModelInfo

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def context_window(self) -> int:
        return self.info.context_window

    # --- what a backend implements -------------------------------------------------
    @abstractmethod
    async def _generate(self, messages: list[Message], options: Options) -> Reply:
        """One raw call. Must raise a ``ShoalError`` subclass on failure."""

    async def _stream(self, messages: list[Message], options: Options) -> AsyncIterator[Delta]:
        """Stream a reply; the default yields the whole reply as one chunk."""
        reply = await self._generate(messages, options)
        yield Delta(reply.text, reply)

    async def _score(self, messages: list[Message], continuations: list[str], head: str) -> Scores:
        """Log-probabilities of ``head + continuation`` as the start of the reply, for each
        continuation. This default has no token probabilities: it asks for one greedy reply
        and gives all the weight to the continuations the reply begins with."""
        longest = max(self.count_tokens(head + c) for c in continuations)
        reply = await self._generate(messages, Options(max_tokens=longest + 8))
        return Scores(matched(reply.text, continuations, head, self.name), False, reply)

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` takes for this model. Exact where the backend has a tokenizer."""
        return max(1, (len(text) + 2) // 3)

    def count_message_tokens(self, messages: list[Message]) -> int:
        """Tokens a chat prompt takes, including a small per-message template overhead."""
        return sum(self.count_tokens(m["content"]) + 6 for m in messages) + 3

    def throughput(self) -> tuple[float, float] | None:
        """(prefill, decode) tokens per second, if known: used to estimate how long a call
        would take (e.g. the lead reading a whole document alone). None: unknown."""
        return None

    # --- what callers use ------------------------------------------------------------
    def check_fits(self, messages: list[Message], max_tokens: int) -> int:
        """Raise ``ContextOverflowError`` unless prompt + reply room fit the window."""
        tokens = self.count_message_tokens(messages)
        if tokens + max_tokens > self.context_window:
            raise ContextOverflowError(self.name, tokens + max_tokens, self.context_window)
        return tokens

    async def complete(
        self,
        messages: list[Message] | str,
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        schema: dict[str, Any] | None = None,
        seed: int | None = None,
        role: str | None = None,
        retries: int = 2,
        timeout: float | None = None,
        fresh: bool = False,
    ) -> Reply:
        """Call the model. With ``schema``, ``reply.parsed`` holds the validated value. With
        ``fresh``, the reply depends on the prompt alone (``Options.fresh``)."""
        msgs = [{"role": "user", "content": messages}] if isinstance(messages, str) else messages
        options = Options(max_tokens, temperature, stop, schema, seed, fresh)
        if schema is None:
            return await self._recorded(msgs, options, role, timeout)
        total = Usage()
        seconds = cost = 0.0
        attempt_msgs = list(msgs)
        last_text, last_error = "", ""
        for attempt in range(1, retries + 2):
            reply = await self._recorded(attempt_msgs, options, role, timeout)
            total += reply.usage
            seconds += reply.seconds
            cost += reply.cost_usd
            try:
                reply.parsed = parse_json(reply.text, schema)
            except ValueError as exc:
                last_text, last_error = reply.text, str(exc)
                attempt_msgs = [
                    *msgs,
                    {"role": "assistant", "content": reply.text[:2000]},
                    {"role": "user", "content": retry_message(last_error)},
                ]
                continue
            reply.usage, reply.seconds, reply.attempts = total, seconds, attempt
            reply.cost_usd = cost
            return reply
        raise StructuredOutputError(
            f"{self.name} gave no valid JSON in {retries + 1} attempts: {last_error}",
            last_text,
            retries + 1,
        )

    async def score(
        self,
        messages: list[Message] | str,
        continuations: list[str],
        *,
        head: str = "",
        role: str | None = None,
        timeout: float | None = None,
    ) -> Scores:
        """How likely the model finds each continuation as the start of its reply, after
        ``head`` (e.g. ``'{"answer":'`` then ``' "48213",'`` or ``' null,'``). Recorded
        in the ledger like any call."""
        if not continuations:
            raise ValueError("score needs at least one continuation")
        msgs = [{"role": "user", "content": messages}] if isinstance(messages, str) else messages
        scores = await self._timed(self._score(msgs, continuations, head), role, timeout)
        self.price(scores.reply)
        ledger.record(self, scores.reply, role=role)
        return scores

    async def stream(
        self,
        messages: list[Message] | str,
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        role: str | None = None,
        seed: int | None = None,
    ) -> AsyncIterator[Delta]:
        """Stream text pieces; the last one's ``reply`` has usage, timing and cost."""
        msgs = [{"role": "user", "content": messages}] if isinstance(messages, str) else messages
        options = Options(max_tokens, temperature, stop, None, seed)
        start = time.perf_counter()
        try:
            async for chunk in self._stream(msgs, options):
                if chunk.reply is not None:
                    self.price(chunk.reply)
                    ledger.record(self, chunk.reply, role=role)
                yield chunk
        except ShoalError as exc:
            ledger.record_failure(self, time.perf_counter() - start, exc, role=role)
            raise

    async def _recorded(
        self, msgs: list[Message], options: Options, role: str | None, timeout: float | None
    ) -> Reply:
        reply = await self._timed(self._generate(msgs, options), role, timeout)
        self.price(reply)
        ledger.record(self, reply, role=role)
        return reply

    async def _timed(
        self, call: Coroutine[Any, Any, _T], role: str | None, timeout: float | None
    ) -> _T:
        """Await one backend call within ``timeout`` (``ModelTimeoutError`` past it); a
        failed call is recorded in the ledger, with the machine time it took."""
        start = time.perf_counter()
        try:
            if timeout is None:
                return await call
            try:
                # asyncio.timeout, unlike wait_for, adds no task per call
                async with asyncio.timeout(timeout):
                    return await call
            except TimeoutError as exc:
                raise ModelTimeoutError(f"{self.name} did not answer within {timeout:g} s") from exc
        except ShoalError as exc:
            ledger.record_failure(self, time.perf_counter() - start, exc, role=role)
            raise

    def price(self, reply: Reply) -> Reply:
        """Set ``reply.cost_usd`` from its usage and seconds (``pricing`` decides how)."""
        reply.cost_usd = pricing.call_cost(self.info, reply.usage, reply.seconds)
        return reply

    async def aclose(self) -> None:  # noqa: B027 - optional hook, most backends hold nothing
        """Release network clients; embedded models stay loaded for the process."""


def _flat(text: str) -> str:
    """``text`` casefolded with whitespace runs made one space: what a greedy reply and a
    continuation are compared in."""
    return " ".join(text.casefold().split())


def matched(text: str, continuations: list[str], head: str, name: str) -> list[float]:
    """A greedy reply as log-probabilities: 0 for each continuation the reply begins with
    (after ``head``), ``UNLIKELY`` for the others. A reply that begins with none of them
    gave no opinion on them: ``ModelCallError``."""
    said = _flat(text)
    logprobs = [
        0.0 if (want := _flat(head + c).rstrip(", ")) and said.startswith(want) else UNLIKELY
        for c in continuations
    ]
    if all(lp == UNLIKELY for lp in logprobs):
        raise ModelCallError(f"{name}: its reply began with none of the options: {text[:80]!r}")
    return logprobs
