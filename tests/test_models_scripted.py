"""The model interface, on the deterministic scripted backend."""

from __future__ import annotations

import asyncio
import json

import pytest

from shoal import ledger
from shoal.errors import (
    BackendUnavailableError,
    ModelCallError,
    ModelTimeoutError,
    ShoalError,
    StructuredOutputError,
    UnknownModelError,
)
from shoal.models import ScriptedModel, get_model
from shoal.models.structured import parse_json
from shoal.store import Store

SCHEMA = {
    "type": "object",
    "properties": {"answer": {"type": "string"}, "n": {"type": "integer"}},
    "required": ["answer", "n"],
}


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def test_reply_has_text_usage_seconds_and_model() -> None:
    m = ScriptedModel("hello there world", latency=0.01)
    r = run(m.complete("say hi"))
    assert r.text == "hello there world"
    assert r.model == "scripted"
    assert r.usage.prompt_tokens == 2 and r.usage.completion_tokens == 3
    assert r.seconds >= 0.01


def test_structured_reply_is_parsed_and_validated() -> None:
    m = ScriptedModel(json.dumps({"answer": "x", "n": 3}))
    r = run(m.complete("q", schema=SCHEMA))
    assert r.parsed == {"answer": "x", "n": 3}
    assert r.attempts == 1


def test_malformed_json_is_retried_with_the_error_fed_back() -> None:
    m = ScriptedModel(json.dumps({"answer": "x", "n": 3}), faults=["malformed"])
    r = run(m.complete("q", schema=SCHEMA))
    assert r.parsed["n"] == 3
    assert r.attempts == 2
    assert r.usage.calls == 2
    feedback = m.calls[1][-1]["content"]
    assert "could not be used" in feedback and "invalid JSON" in feedback


def test_schema_violation_gives_typed_error_after_bounded_retries() -> None:
    m = ScriptedModel(json.dumps({"answer": 5}))
    with pytest.raises(StructuredOutputError) as info:
        run(m.complete("q", schema=SCHEMA, retries=2))
    assert info.value.attempts == 3
    assert len(m.calls) == 3
    assert "answer" in str(info.value) or "n" in str(info.value)


def test_lenient_parsing_handles_fences_prose_and_control_characters() -> None:
    assert parse_json('Sure! ```json\n{"answer": "a", "n": 1}\n```', SCHEMA)["n"] == 1
    assert parse_json('Here: {"answer": "line\nbreak", "n": 2} done', SCHEMA)["n"] == 2
    with pytest.raises(ValueError, match=r"no JSON|invalid JSON"):
        parse_json("no json here", SCHEMA)


def test_timeout_and_errors_are_typed() -> None:
    m = ScriptedModel("ok", faults=["timeout", "error", "unavailable"])
    with pytest.raises(ModelTimeoutError):
        run(m.complete("q", timeout=0.05))
    with pytest.raises(ModelCallError):
        run(m.complete("q"))
    with pytest.raises(BackendUnavailableError):
        run(m.complete("q"))
    assert run(m.complete("q")).text == "ok"


def test_every_attempt_is_recorded_with_run_and_role() -> None:
    store = Store()
    book = ledger.Ledger(store)
    m = ScriptedModel(json.dumps({"answer": "x", "n": 1}), faults=["malformed", "error"])

    async def go() -> None:
        with ledger.scope(book, run_id="run1", role="worker"):
            with pytest.raises(ModelCallError):
                await m.complete("q", schema=SCHEMA)
            await m.complete("q", schema=SCHEMA)

    run(go())
    book.sync()
    rows = store.recent_calls(10)
    assert len(rows) == 3
    assert {r["run_id"] for r in rows} == {"run1"}
    assert {r["role"] for r in rows} == {"worker"}
    assert [r["ok"] for r in reversed(rows)] == [True, False, True]
    assert "injected error" in next(r["error"] for r in rows if not r["ok"])


def test_streaming_yields_pieces_then_the_reply() -> None:
    m = ScriptedModel("one two three")

    async def go() -> list:
        return [c async for c in m.stream("q")]

    chunks = run(go())
    assert "".join(c.text for c in chunks) == "one two three"
    assert chunks[-1].reply is not None and chunks[-1].reply.usage.completion_tokens == 3
    assert all(c.reply is None for c in chunks[:-1])


def test_specs_resolve_and_unknown_specs_list_what_exists() -> None:
    assert get_model("scripted:fast?latency=0.001").name == "fast"
    compat = get_model("openai-compat:http://127.0.0.1:9/v1#tiny?ctx=4096")
    assert compat.context_window == 4096 and compat.info.backend == "openai-compat"
    with pytest.raises(UnknownModelError) as info:
        get_model("gpt-nonsense")
    assert "smollm2-135m" in str(info.value) and "openai-compat:" in str(info.value)
    with pytest.raises(ShoalError, match="BASE_URL#MODEL"):
        get_model("openai-compat:http://127.0.0.1:9/v1")


def test_context_overflow_names_tokens_and_window() -> None:
    m = ScriptedModel("x", context_window=50)
    with pytest.raises(ShoalError, match=r"50-token window"):
        m.check_fits([{"role": "user", "content": "word " * 100}], 10)
