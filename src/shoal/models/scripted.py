"""A deterministic model for tests and benchmarks of protocol code.

Replies come from a rule (a string or a function of the messages); latency and
failures are set by the test. Nothing here pretends to be a real model: benchmarks
that use it say so.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Literal

from shoal.errors import BackendUnavailableError, ModelCallError
from shoal.types import Delta, Message, ModelInfo, Options, Reply, Scores, Usage

from .base import Model, matched

Responder = Callable[[list[Message]], str]
Fault = Literal["timeout", "error", "unavailable", "malformed"] | Exception

_TOKEN = re.compile(r"\w+|[^\w\s]")


def echo(messages: list[Message]) -> str:
    """Repeat the last user message."""
    return next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")


class ScriptedModel(Model):
    def __init__(
        self,
        respond: Responder | str = echo,
        *,
        name: str = "scripted",
        latency: float = 0.0,
        context_window: int = 8192,
        faults: list[Fault] | None = None,
    ):
        self.info = ModelInfo(
            name=name, backend="scripted", context_window=context_window, local=True
        )
        self._respond: Responder = (lambda _m: respond) if isinstance(respond, str) else respond
        self.latency = latency
        self.faults: deque[Fault] = deque(faults or [])
        self.calls: list[list[Message]] = []
        self.options: list[Options] = []

    def fail_next(self, *faults: Fault) -> None:
        """Make the next calls fail, one fault per call, in order."""
        self.faults.extend(faults)

    def count_tokens(self, text: str) -> int:
        return len(_TOKEN.findall(text))

    async def _score(self, messages: list[Message], continuations: list[str], head: str) -> Scores:
        """The scripted reply, whole (never cut to a token budget), matched against the
        continuations: the one it begins with gets all the weight."""
        longest = max(self.count_tokens(head + c) for c in continuations)
        reply = await self._generate(messages, Options(max_tokens=10_000))
        reply.usage.completion_tokens = min(reply.usage.completion_tokens, longest)
        return Scores(matched(reply.text, continuations, head, self.name), False, reply)

    async def _generate(self, messages: list[Message], options: Options) -> Reply:
        start = time.perf_counter()
        self.calls.append(messages)
        self.options.append(options)
        fault = self.faults.popleft() if self.faults else None
        if self.latency:
            await asyncio.sleep(self.latency)
        if fault == "timeout":
            await asyncio.sleep(3600)
        if fault == "error":
            raise ModelCallError(f"{self.name}: injected error")
        if fault == "unavailable":
            raise BackendUnavailableError(f"{self.name}: injected connection failure")
        if isinstance(fault, Exception):
            raise fault
        text = "{this is not json" if fault == "malformed" else self._respond(messages)
        words = _TOKEN.findall(text)
        if len(words) > options.max_tokens:
            text = " ".join(words[: options.max_tokens])
        usage = Usage(
            prompt_tokens=sum(self.count_tokens(m["content"]) for m in messages),
            completion_tokens=min(len(words), options.max_tokens),
            calls=1,
        )
        return Reply(text, self.name, usage, time.perf_counter() - start, finish_reason="stop")

    async def _stream(self, messages: list[Message], options: Options) -> AsyncIterator[Delta]:
        reply = await self._generate(messages, options)
        pieces = re.findall(r"\S+\s*", reply.text) or [""]
        for piece in pieces[:-1]:
            yield Delta(piece)
        yield Delta(pieces[-1], reply)
