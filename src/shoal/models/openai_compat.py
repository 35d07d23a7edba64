"""Any OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama, OpenAI) via the official SDK.

The SDK already retries 408/409/429/5xx and connection errors with exponential
backoff (``max_retries``); this backend maps what is left to shoal's typed errors and
reads usage, including cached prompt tokens, from the response.
"""

from __future__ import annotations

import asyncio
import os
import time
import weakref
from collections.abc import AsyncIterator
from typing import Any

import openai

from shoal.errors import BackendUnavailableError, ModelCallError, ModelTimeoutError
from shoal.types import Delta, Message, ModelInfo, Options, Reply, Usage

from .base import Model


def _usage(raw: Any) -> Usage:
    if raw is None:
        return Usage(calls=1)
    details = getattr(raw, "prompt_tokens_details", None)
    cached = getattr(details, "cached_tokens", None) or 0
    return Usage(raw.prompt_tokens or 0, raw.completion_tokens or 0, cached, 1)


class OpenAIModel(Model):
    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        backend: str = "openai",
        context_window: int = 128_000,
        timeout: float = 120.0,
        max_retries: int = 3,
    ):
        self.model = model
        key = api_key or os.environ.get("OPENAI_API_KEY")
        if key is None and base_url is not None:
            key = os.environ.get("SHOAL_OPENAI_COMPAT_KEY", "not-needed")
        name = model if backend == "openai" else f"{model}@{base_url}"
        self.info = ModelInfo(name=name, backend=backend, context_window=context_window)
        self._client_args = {"base_url": base_url, "api_key": key, "timeout": timeout,
                             "max_retries": max_retries}  # fmt: skip
        self._client: openai.AsyncOpenAI | None = None
        self._client_loop: weakref.ref[asyncio.AbstractEventLoop] | None = None
        self.base_url = base_url
        # Servers differ in the structured-output dialect they accept; remember what worked.
        self._schema_style = "json_schema"

    @property
    def client(self) -> openai.AsyncOpenAI:
        """One client per event loop: its connection pool belongs to the loop that made it,
        and sync callers (``Swarm.ask``, ``Memory.say``) run a new loop per call."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is None or self._client_loop() is not loop:
            self._client = openai.AsyncOpenAI(**self._client_args)  # type: ignore[arg-type]
            self._client_loop = weakref.ref(loop)  # (the old pool died with its loop)
        return self._client

    def _kwargs(self, messages: list[Message], options: Options) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "max_tokens": options.max_tokens,
            "temperature": options.temperature,
        }
        if options.stop:
            kwargs["stop"] = options.stop
        if options.seed is not None:
            kwargs["seed"] = options.seed
        if options.schema is not None:
            if self._schema_style == "json_schema":
                kwargs["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": "reply", "schema": options.schema},
                }
            else:
                kwargs["response_format"] = {"type": "json_object", "schema": options.schema}
        return kwargs

    def _error(self, exc: Exception) -> Exception:
        where = self.base_url or "api.openai.com"
        if isinstance(exc, openai.APITimeoutError):
            return ModelTimeoutError(f"{self.name}: the server at {where} timed out")
        if isinstance(exc, openai.APIConnectionError):
            return BackendUnavailableError(f"{self.name}: cannot reach the server at {where}")
        if isinstance(exc, openai.APIStatusError):
            return ModelCallError(f"{self.name}: server answered {exc.status_code}: {exc.message}")
        return ModelCallError(f"{self.name}: {exc}")

    async def _create(self, messages: list[Message], options: Options, **extra: Any) -> Any:
        try:
            return await self.client.chat.completions.create(
                **self._kwargs(messages, options), **extra
            )
        except openai.APIStatusError as exc:
            rejected_format = exc.status_code in (400, 422, 500) and "response_format" in str(exc)
            if (
                options.schema is not None
                and self._schema_style == "json_schema"
                and rejected_format
            ):
                # e.g. llama.cpp's server only knows {"type": "json_object", "schema": ...}
                # (and answers 500 for the other dialect)
                self._schema_style = "json_object"
                return await self._create(messages, options, **extra)
            raise self._error(exc) from exc
        except openai.OpenAIError as exc:
            raise self._error(exc) from exc

    async def _generate(self, messages: list[Message], options: Options) -> Reply:
        start = time.perf_counter()
        resp = await self._create(messages, options)
        if not resp.choices:
            raise ModelCallError(f"{self.name}: the server returned no choices")
        choice = resp.choices[0]
        return Reply(
            text=choice.message.content or "",
            model=self.name,
            usage=_usage(resp.usage),
            seconds=time.perf_counter() - start,
            finish_reason=choice.finish_reason,
        )

    async def _stream(self, messages: list[Message], options: Options) -> AsyncIterator[Delta]:
        start = time.perf_counter()
        stream = await self._create(
            messages, options, stream=True, stream_options={"include_usage": True}
        )
        parts: list[str] = []
        usage: Usage | None = None
        finish = None
        try:
            async for event in stream:
                if event.usage is not None:
                    usage = _usage(event.usage)
                for choice in event.choices:
                    finish = choice.finish_reason or finish
                    if choice.delta and choice.delta.content:
                        parts.append(choice.delta.content)
                        yield Delta(choice.delta.content)
        except openai.OpenAIError as exc:
            raise self._error(exc) from exc
        if usage is None:
            # Some servers (llama-cpp-python's) ignore include_usage when streaming. Estimate:
            # servers send one delta per generated token; the prompt is counted locally.
            usage = Usage(self.count_message_tokens(messages), len(parts), 0, 1)
        reply = Reply("".join(parts), self.name, usage, time.perf_counter() - start, None, finish)
        yield Delta("", reply)

    async def aclose(self) -> None:
        if self._client is not None and self._client_loop is not None:
            if self._client_loop() is asyncio.get_running_loop():
                await self._client.close()
            self._client = None
