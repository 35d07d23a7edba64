"""The embedded backend: GGUF models run in-process by llama-cpp-python.

- A model file is loaded once per process and shared by every ``LlamaModel`` that
  names it (``_load``).
- llama.cpp contexts are not thread-safe, so each loaded model owns one worker thread;
  calls queue on it in order and the event loop never blocks.
- Chat prompts are rendered here with the GGUF's own chat template and tokenized
  once, so prompt token counts are exact and the reused KV-cache prefix (``cached``)
  can be measured before the call.
- A JSON schema becomes a llama.cpp grammar (constrained decoding).
- ``score`` is exact: each continuation's tokens are decoded in one batch after the
  prompt (whose KV prefix is reused from call to call) and their log-probabilities summed.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import json
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from shoal.errors import ChatUnsupportedError, ContextOverflowError, ModelCallError, ShoalError
from shoal.types import Delta, Message, ModelInfo, Options, Reply, Scores, Usage

from . import kv_cache
from .base import Model
from .kv_cache import PrefixCache

CacheScope = tuple[PrefixCache, str] | None
_T = TypeVar("_T")

log = logging.getLogger(__name__)


@dataclass
class _Loaded:
    llm: Any  # llama_cpp.Llama
    executor: ThreadPoolExecutor
    formatter: Any  # Jinja2ChatFormatter | None
    load_seconds: float
    prefill_tps: float = 0.0
    """Measured prompt tokens per second (llama.cpp's own timings), to price a cache hit."""
    decode_tps: float = 0.0
    """Measured generated tokens per second."""


_LOADED: dict[tuple[str, int], _Loaded] = {}
_LOAD_LOCK = threading.Lock()


@atexit.register
def _close_all() -> None:
    """Free llama.cpp models before interpreter teardown (their __del__ fails after it)."""
    for loaded in _LOADED.values():
        loaded.executor.shutdown(wait=True, cancel_futures=True)
        loaded.llm.close()
    _LOADED.clear()


def _import_llama() -> Any:
    try:
        import llama_cpp
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ShoalError(
            "the embedded backend needs llama-cpp-python: run `make setup` "
            "(or pip install 'shoal[local]')"
        ) from exc
    return llama_cpp


def _load(path: Path, n_ctx: int, chat: bool) -> _Loaded:
    key = (str(path), n_ctx)
    with _LOAD_LOCK:
        if key in _LOADED:
            return _LOADED[key]
        llama_cpp = _import_llama()
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        start = time.perf_counter()
        llm = llama_cpp.Llama(
            model_path=str(path),
            n_ctx=n_ctx,
            n_threads=os.cpu_count() or 2,
            n_batch=512,
            flash_attn=True,
            verbose=False,
        )
        formatter = None
        template = llm.metadata.get("tokenizer.chat_template")
        if chat and template:
            eos_id, bos_id = llm.token_eos(), llm.token_bos()
            formatter = Jinja2ChatFormatter(
                template=template,
                eos_token=llm._model.token_get_text(eos_id) if eos_id != -1 else "",
                bos_token=llm._model.token_get_text(bos_id) if bos_id != -1 else "",
                stop_token_ids=[eos_id],
            )
        loaded = _Loaded(
            llm, ThreadPoolExecutor(1, f"llama-{path.stem}"), formatter, time.perf_counter() - start
        )
        _LOADED[key] = loaded
        return loaded


class LlamaModel(Model):
    """A GGUF file run in-process. ``chat=False`` marks base models (completion only)."""

    def __init__(
        self,
        name: str,
        path: Path,
        *,
        n_ctx: int,
        chat: bool = True,
        throughput: tuple[float, float] | None = None,
    ):
        self.path = path
        self.nominal_throughput = throughput
        self.n_ctx = n_ctx
        self.chat = chat
        self.info = ModelInfo(
            name=name, backend="llama", context_window=n_ctx, chat=chat, local=True
        )
        self._loaded: _Loaded | None = None

    # --- loading and tokens ----------------------------------------------------------
    @property
    def loaded(self) -> _Loaded:
        if self._loaded is None:
            self._loaded = _load(self.path, self.n_ctx, self.chat)
        return self._loaded

    def tokenize(self, text: str, special: bool = False) -> list[int]:
        tokens: list[int] = self.loaded.llm.tokenize(
            text.encode("utf-8"), add_bos=False, special=special
        )
        return tokens

    def count_tokens(self, text: str) -> int:
        return len(self.tokenize(text))

    def render(self, messages: list[Message]) -> tuple[list[int], list[str]]:
        """The exact prompt tokens for ``messages`` and the template's stop strings."""
        if not self.chat or self.loaded.formatter is None:
            raise ChatUnsupportedError(
                f"{self.name} is a base (completion-only) model with no chat template; "
                "use it with complete_text(), or pick a chat model for this role"
            )
        result = self.loaded.formatter(messages=messages)
        tokens = self.loaded.llm.tokenize(
            result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True
        )
        stops = [s for s in (result.stop or []) if s] if isinstance(result.stop, list) else []
        if isinstance(result.stop, str) and result.stop:
            stops = [result.stop]
        return tokens, stops

    def count_message_tokens(self, messages: list[Message]) -> int:
        return len(self.render(messages)[0])

    # --- calls -------------------------------------------------------------------------
    def _kwargs(self, tokens: list[int], stops: list[str], options: Options) -> dict[str, Any]:
        if len(tokens) + options.max_tokens > self.n_ctx:
            raise ContextOverflowError(self.name, len(tokens) + options.max_tokens, self.n_ctx)
        kwargs: dict[str, Any] = {
            "prompt": tokens,
            "max_tokens": options.max_tokens,
            "temperature": options.temperature,
            "stop": stops + list(options.stop or []),
        }
        if options.seed is not None:
            kwargs["seed"] = options.seed
        if options.schema is not None:
            from llama_cpp.llama_grammar import LlamaGrammar

            kwargs["grammar"] = LlamaGrammar.from_json_schema(
                json.dumps(options.schema), verbose=False
            )
        return kwargs

    def _cached_prefix(self, tokens: list[int]) -> int:
        llm = self.loaded.llm
        n = llm.n_tokens
        prefix: int = llm.longest_token_prefix(llm._input_ids[:n].tolist(), tokens)
        return min(prefix, max(0, len(tokens) - 1))

    def _run(
        self, tokens: list[int], kwargs: dict[str, Any], cancel: threading.Event,
        scope: CacheScope = None, fresh: bool = False,
    ) -> Reply:  # fmt: skip
        """Runs on the model's own thread. ``fresh``: the live KV is dropped first, so the
        prompt is evaluated from its first token (``Options.fresh``)."""
        start = time.perf_counter()
        if fresh:
            self.loaded.llm.reset()
        facts = self._restore(tokens, scope) if scope else {}
        cached = self._cached_prefix(tokens)
        llama_cpp = _import_llama()
        stop_flag = llama_cpp.StoppingCriteriaList([lambda _ids, _logits: cancel.is_set()])
        before = self._perf()
        try:
            out = self.loaded.llm.create_completion(stopping_criteria=stop_flag, **kwargs)
        except (RuntimeError, ValueError) as exc:
            raise ModelCallError(f"{self.name}: llama.cpp failed: {exc}") from exc
        self._learn_prefill_rate(before)
        if scope:
            facts = self._cache_facts(facts, cached)
            self._save_soon(scope)
        choice = out["choices"][0]
        usage = out["usage"]
        return Reply(
            text=choice["text"],
            model=self.name,
            usage=Usage(usage["prompt_tokens"], usage["completion_tokens"], cached, 1),
            seconds=time.perf_counter() - start,
            finish_reason=choice.get("finish_reason"),
            cache=facts,
        )

    # --- the prefix cache (see kv_cache.py) -------------------------------------------------
    @property
    def cache_key(self) -> str:
        """What a KV state depends on: the weights, the window, llama.cpp's version."""
        llama_cpp = _import_llama()
        size = self.path.stat().st_size
        return f"{self.path.name}:{size}:ctx{self.n_ctx}:llama-cpp-python-{llama_cpp.__version__}"

    def _restore(self, tokens: list[int], scope: tuple[PrefixCache, str]) -> dict[str, Any]:
        """Load the longest cached prefix of ``tokens`` if it beats what is live in the KV."""
        cache, _owner = scope
        live = self._cached_prefix(tokens)
        t0 = time.perf_counter()
        found = cache.lookup(self.cache_key, tokens)
        if found is None or len(found[0].tokens) <= live:
            return {"source": "live" if live else "none", "restore_seconds": 0.0}
        entry, tier = found
        llama_cpp = _import_llama()
        llm = self.loaded.llm
        ctx = llm._ctx.ctx
        llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(ctx), True)
        # from_buffer shares the entry's memory (from_buffer_copy of 140 MB takes ~0.45 s)
        state = entry.state if isinstance(entry.state, bytearray) else bytearray(entry.state)
        buf = (ctypes.c_uint8 * len(state)).from_buffer(state)
        if llama_cpp.llama_state_seq_set_data(ctx, buf, len(state), 0) != len(state):
            log.warning("llama.cpp refused a cached prefix for %s; discarding it", self.name)
            llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(ctx), True)
            llm.n_tokens = 0
            cache.discard_entry(self.cache_key, entry.tokens.tolist())
            return {"source": "none", "restore_seconds": time.perf_counter() - t0}
        n = len(entry.tokens)
        llm.input_ids[:n] = entry.tokens
        llm.n_tokens = n
        llm._requires_eval = True  # logits are not restored: the next token is replayed
        return {"source": tier, "restore_seconds": time.perf_counter() - t0}

    def _save_soon(self, scope: tuple[PrefixCache, str]) -> None:
        """Save next on this model's thread: after the reply is returned, before any other
        call can change the KV (a queued call that got in first is saved consistently too:
        the tokens and the state are read together)."""
        with contextlib.suppress(RuntimeError):  # the executor is shutting down at exit
            self.loaded.executor.submit(self._save, scope)

    async def idle(self) -> None:
        """Wait until everything queued on this model (e.g. a prefix save) has run."""
        await asyncio.get_running_loop().run_in_executor(self.loaded.executor, lambda: None)

    def _save(self, scope: tuple[PrefixCache, str]) -> None:
        """Copy the live KV (prompt + reply so far) into the cache. On the model thread."""
        cache, owner = scope
        llama_cpp = _import_llama()
        llm = self.loaded.llm
        n = llm.n_tokens
        if n == 0:
            return
        ctx = llm._ctx.ctx
        size = llama_cpp.llama_state_seq_get_size(ctx, 0)
        state = bytearray(size)  # filled in place: no second 100 MB copy
        got = llama_cpp.llama_state_seq_get_data(
            ctx, (ctypes.c_uint8 * size).from_buffer(state), size, 0
        )
        if got != size:
            log.warning("could not copy the KV state of %s (%d of %d bytes)", self.name, got, size)
            return
        cache.put(self.cache_key, llm._input_ids[:n].tolist(), state, owner)

    def _perf(self) -> tuple[float, int, float, int]:
        llama_cpp = _import_llama()
        data = llama_cpp.llama_perf_context(self.loaded.llm._ctx.ctx)
        return data.t_p_eval_ms, data.n_p_eval, data.t_eval_ms, data.n_eval

    def _learn_prefill_rate(self, before: tuple[float, int, float, int]) -> None:
        """Learn prefill and decode speed from llama.cpp's own timings of the last call."""
        after = self._perf()
        loaded = self.loaded
        for (ms, n), attr, least in (
            ((after[0] - before[0], after[1] - before[1]), "prefill_tps", 64),
            ((after[2] - before[2], after[3] - before[3]), "decode_tps", 16),
        ):
            if n >= least and ms > 0:  # short runs are dominated by fixed costs
                rate = n / (ms / 1000)
                old = getattr(loaded, attr)
                setattr(loaded, attr, rate if old == 0 else 0.7 * old + 0.3 * rate)

    def throughput(self) -> tuple[float, float] | None:
        """(prefill, decode) tokens per second: measured in this process once the model has
        worked, else the catalog's figures for a 2-core machine."""
        loaded = self._loaded
        if loaded is not None and loaded.prefill_tps and loaded.decode_tps:
            return loaded.prefill_tps, loaded.decode_tps
        return self.nominal_throughput

    def _cache_facts(self, facts: dict[str, Any], cached: int) -> dict[str, Any]:
        rate = self.loaded.prefill_tps
        saved = cached / rate - facts.get("restore_seconds", 0.0) if rate and cached else 0.0
        return {**facts, "cached_tokens": cached, "saved_seconds_est": round(saved, 3),
                "prefill_tokens_per_s": round(rate, 1)}  # fmt: skip

    async def _submit(self, fn: Callable[[threading.Event], _T]) -> _T:
        cancel = threading.Event()
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.loaded.executor, fn, cancel)
        except asyncio.CancelledError:
            cancel.set()  # stop generating at the next token; prefill cannot be interrupted
            raise

    async def _generate(self, messages: list[Message], options: Options) -> Reply:
        tokens, stops = await asyncio.to_thread(self.render, messages)
        kwargs = self._kwargs(tokens, stops, options)
        # read here: executor threads do not inherit contextvars; a fresh call reuses no prefix
        scope = None if options.fresh else kv_cache.current()
        return await self._submit(
            lambda cancel: self._run(tokens, kwargs, cancel, scope, fresh=options.fresh)
        )

    async def _score(self, messages: list[Message], continuations: list[str], head: str) -> Scores:
        base, _stops = await asyncio.to_thread(self.render, messages)
        return await self._submit(lambda _cancel: self._score_now(base, continuations, head))

    def _score_now(self, base: list[int], continuations: list[str], head: str) -> Scores:
        """Runs on the model's own thread. For each continuation: the KV cache is cut back
        to the longest prefix it shares with ``base + head + continuation`` (all but the
        last prompt token), and the rest is decoded in one batch with logits for every
        position; the continuation's tokens' log-probabilities are summed. Usage counts the
        prompt once and each continuation's own tokens, as one request carrying them all
        would be billed; cached tokens are those earlier calls left in the cache."""
        import numpy as np

        start = time.perf_counter()
        llm = self.loaded.llm
        n_vocab = llm.n_vocab()
        head_tokens = self.tokenize(head) if head else []
        read = len(base) + len(head_tokens)  # the prompt, counted once for the whole call
        reused: int | None = None  # set by the first continuation
        logprobs: list[float] = []
        for text in continuations:
            full = self.tokenize(head + text)
            k = 0  # where the continuation starts: after the tokens it shares with the head
            while k < min(len(full), len(head_tokens)) and full[k] == head_tokens[k]:
                k += 1
            prompt, cont = base + full[:k], full[k:][: max(1, llm.n_batch - 1)]
            if not cont:
                logprobs.append(0.0)
                continue
            live = llm.longest_token_prefix(llm._input_ids[: llm.n_tokens].tolist(), prompt)
            keep = min(live, len(prompt) - 1)
            if reused is None:  # what earlier calls left; later reuse is this call's own
                reused = min(keep, read)
            try:
                llm.n_tokens = keep
                llm._ctx.kv_cache_seq_rm(-1, keep, -1)
                if len(prompt) - 1 > keep:
                    llm.eval(prompt[keep:-1])
                batch = [prompt[-1], *cont[:-1]]
                n_past = llm.n_tokens
                llm._batch.set_batch(batch=batch, n_past=n_past, logits_all=True)
                llm._ctx.decode(llm._batch)
            except (RuntimeError, ValueError) as exc:
                llm.n_tokens = 0  # the KV state is unknown: nothing is reused next time
                raise ModelCallError(f"{self.name}: llama.cpp failed while scoring: {exc}") from exc
            llm.input_ids[n_past : n_past + len(batch)] = batch
            llm.n_tokens += len(batch)
            read += len(cont)
            rows = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(len(batch), n_vocab))
            rows = rows.astype(np.float64)
            top = rows.max(axis=1, keepdims=True)
            norm = top[:, 0] + np.log(np.exp(rows - top).sum(axis=1))
            logprobs.append(float(sum(rows[i, t] - norm[i] for i, t in enumerate(cont))))
        usage = Usage(read, 0, reused or 0, 1)
        reply = Reply("", self.name, usage, time.perf_counter() - start)
        return Scores(logprobs, exact=True, reply=reply)

    async def complete_text(self, prompt: str, *, max_tokens: int = 64, **options: Any) -> Reply:
        """Plain completion (no chat template): the only way to use a base model."""
        from shoal import ledger

        tokens = self.loaded.llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=False)
        kwargs = self._kwargs(tokens, [], Options(max_tokens=max_tokens, **options))
        reply = self.price(await self._submit(lambda cancel: self._run(tokens, kwargs, cancel)))
        ledger.record(self, reply)
        return reply

    async def _stream(self, messages: list[Message], options: Options) -> AsyncIterator[Delta]:
        tokens, stops = await asyncio.to_thread(self.render, messages)
        kwargs = self._kwargs(tokens, stops, options)
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        cancel = threading.Event()
        scope = kv_cache.current()

        def produce() -> None:
            start = time.perf_counter()
            facts = self._restore(tokens, scope) if scope else {}
            cached = self._cached_prefix(tokens)
            before = self._perf()
            text: list[str] = []
            finish = None
            llama_cpp = _import_llama()
            stop_flag = llama_cpp.StoppingCriteriaList([lambda _i, _l: cancel.is_set()])
            try:
                pieces: Iterator[Any] = self.loaded.llm.create_completion(
                    stream=True, stopping_criteria=stop_flag, **kwargs
                )
                for piece in pieces:
                    delta = piece["choices"][0]["text"]
                    finish = piece["choices"][0].get("finish_reason") or finish
                    if delta:
                        text.append(delta)
                        loop.call_soon_threadsafe(queue.put_nowait, ("text", delta))
                full = "".join(text)
                completion = len(self.tokenize(full)) if full else 0
                usage = Usage(len(tokens), completion, cached, 1)
                self._learn_prefill_rate(before)
                if scope:
                    facts = self._cache_facts(facts, cached)
                    self._save_soon(scope)
                reply = Reply(full, self.name, usage, time.perf_counter() - start, None, finish,
                              cache=facts)  # fmt: skip
                loop.call_soon_threadsafe(queue.put_nowait, ("done", reply))
            except (RuntimeError, ValueError) as exc:
                error = ModelCallError(f"{self.name}: llama.cpp failed: {exc}")
                loop.call_soon_threadsafe(queue.put_nowait, ("error", error))

        future = loop.run_in_executor(self.loaded.executor, produce)
        try:
            while True:
                kind, value = await queue.get()
                if kind == "text":
                    yield Delta(value)
                elif kind == "done":
                    yield Delta("", value)
                    break
                else:
                    raise value
        finally:
            cancel.set()
            await asyncio.shield(future)
