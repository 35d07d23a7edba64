"""The one model interface every backend implements.

A backend only has to turn messages + ``Options`` into a ``Reply`` (``_generate``),
optionally stream (``_stream``) and count tokens. Everything callers rely on is
implemented once, here, on top of that:

- structured output: constrained decoding is requested from the backend, then the
  reply is parsed leniently and validated; on failure the error is fed back and the
  call retried a bounded number of times, then ``StructuredOutputError``;
- deadlines: a call that exceeds ``timeout`` raises ``ModelTimeoutError``;
- cost: every reply is priced once (``pricing.call_cost``) into ``reply.cost_usd``;
- the ledger: every attempt, successful or not, is recorded with its role and run.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from typing import Any

from shoal import ledger, pricing
from shoal.errors import (
    ContextOverflowError,
    ModelTimeoutError,
    ShoalError,
    StructuredOutputError,
)
from shoal.models.structured import parse_json, retry_message
from shoal.types import Delta, Message, ModelInfo, Options, Reply, Usage


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
    ) -> Reply:
        """Call the model. With ``schema``, ``reply.parsed`` holds the validated value."""
        msgs = [{"role": "user", "content": messages}] if isinstance(messages, str) else messages
        options = Options(max_tokens, temperature, stop, schema, seed)
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
        start = time.perf_counter()
        try:
            if timeout is None:
                reply = await self._generate(msgs, options)
            else:
                try:
                    # asyncio.timeout, unlike wait_for, adds no task per call
                    async with asyncio.timeout(timeout):
                        reply = await self._generate(msgs, options)
                except TimeoutError as exc:
                    raise ModelTimeoutError(
                        f"{self.name} did not answer within {timeout:g} s"
                    ) from exc
        except ShoalError as exc:
            ledger.record_failure(self, time.perf_counter() - start, exc, role=role)
            raise
        self.price(reply)
        ledger.record(self, reply, role=role)
        return reply

    def price(self, reply: Reply) -> Reply:
        """Set ``reply.cost_usd`` from its usage and seconds (``pricing`` decides how)."""
        reply.cost_usd = pricing.call_cost(self.info, reply.usage, reply.seconds)
        return reply

    async def aclose(self) -> None:  # noqa: B027 - optional hook, most backends hold nothing
        """Release network clients; embedded models stay loaded for the process."""
