"""The embedded backend on the real bundled GGUF models."""

from __future__ import annotations

import asyncio

import pytest

from shoal import ledger
from shoal.errors import ChatUnsupportedError, ContextOverflowError
from shoal.models import get_model
from shoal.models.llama import LlamaModel
from shoal.store import Store

from .conftest import need_model

pytestmark = pytest.mark.real

CITY = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "maxLength": 40},
        "country": {"type": "string", "maxLength": 40},
    },
    "required": ["city", "country"],
}


def test_smollm2_chats_and_usage_matches_the_tokenizer() -> None:
    need_model("smollm2-135m")
    m = get_model("smollm2-135m")
    assert isinstance(m, LlamaModel)
    messages = [{"role": "user", "content": "What is the capital of France? Answer in one word."}]
    reply = asyncio.run(m.complete(messages, max_tokens=16))
    assert "paris" in reply.text.lower()
    prompt_tokens, _ = m.render(messages)
    assert reply.usage.prompt_tokens == len(prompt_tokens)
    assert 0 < reply.usage.completion_tokens <= 16
    assert reply.usage.completion_tokens >= len(m.tokenize(reply.text))
    # The same prompt again reuses the KV cache: all but the last token are cached.
    again = asyncio.run(m.complete(messages, max_tokens=16))
    assert again.usage.cached_tokens == len(prompt_tokens) - 1
    assert again.text == reply.text


@pytest.mark.parametrize("name", ["smollm2-135m", "qwen2.5-coder-1.5b"])
def test_each_chat_model_returns_schema_valid_json(name: str) -> None:
    need_model(name)
    m = get_model(f"{name}?ctx=2048")
    reply = asyncio.run(
        m.complete(
            "Give the capital city of France and its country as JSON.", schema=CITY, max_tokens=48
        )
    )
    assert set(reply.parsed) == {"city", "country"}
    assert "paris" in reply.parsed["city"].lower()


def test_streaming_matches_and_is_recorded() -> None:
    need_model("smollm2-135m")
    m = get_model("smollm2-135m")
    store = Store()
    book = ledger.Ledger(store)

    async def go() -> list:
        with ledger.scope(book, role="chat"):
            return [c async for c in m.stream("Count from 1 to 5.", max_tokens=24)]

    chunks = asyncio.run(go())
    book.sync()
    text = "".join(c.text for c in chunks)
    assert len(chunks) > 2 and chunks[-1].reply is not None
    assert chunks[-1].reply.text == text
    row = store.recent_calls(1)[0]
    assert row["model"] == "smollm2-135m" and row["role"] == "chat" and row["ok"]
    assert row["completion_tokens"] == chunks[-1].reply.usage.completion_tokens


def test_gemma_base_model_refuses_chat_but_completes_text() -> None:
    need_model("gemma3-270m")
    m = get_model("gemma3-270m?ctx=1024")
    with pytest.raises(ChatUnsupportedError, match="completion-only"):
        asyncio.run(m.complete("hello"))
    assert isinstance(m, LlamaModel)
    reply = asyncio.run(
        m.complete_text(
            "Question: What is the capital of France?\nAnswer: The capital of France is",
            max_tokens=8,
        )
    )
    assert "paris" in reply.text.lower()


def test_too_long_prompt_names_tokens_and_window() -> None:
    need_model("smollm2-135m")
    m = get_model("smollm2-135m?ctx=512")
    with pytest.raises(ContextOverflowError, match="512-token window"):
        asyncio.run(m.complete("word " * 600, max_tokens=16))


def test_scoring_is_exact_and_agrees_with_the_models_own_greedy_reply() -> None:
    """``score`` gives each continuation the model's own log-probability: the greedy
    reply's start scores highest, the shares sum to 1, and scoring after a generation (and
    a generation after scoring) leaves the KV cache consistent: the same reply again."""
    need_model("smollm2-135m")
    m = get_model("smollm2-135m")
    messages = [{"role": "user", "content": "What is the capital of France? Answer in one word."}]
    reply = asyncio.run(m.complete(messages, max_tokens=8))
    said = reply.text.strip().split()[0].strip(".")
    options = [said, "London", "Berlin"]
    store = Store()
    book = ledger.Ledger(store)
    with ledger.scope(book, run_id="scoring-test"):
        scores = asyncio.run(m.score(messages, options, role="lead"))
    book.sync()
    assert scores.exact
    assert all(lp <= 0.0 for lp in scores.logprobs)
    shares = scores.shares()
    assert abs(sum(shares) - 1.0) < 1e-9 and shares[0] == max(shares) and shares[0] > 0.5
    assert scores.reply.usage.calls == 1 and scores.reply.seconds > 0
    # the prompt is counted once for the call, plus each continuation's own tokens
    prompt = len(m.render(messages)[0])
    assert (
        prompt
        < scores.reply.usage.prompt_tokens
        <= prompt + sum(len(m.tokenize(o)) + 1 for o in options)
    )
    (row,) = store.recent_calls(run_id="scoring-test")
    assert row["role"] == "lead" and row["prompt_tokens"] > 0
    # a head the continuations share: only the part after it is scored
    json_scores = asyncio.run(m.score(messages, [f' "{said}"}}', ' "Oslo"}'], head='{"city":'))
    assert json_scores.logprobs[0] > json_scores.logprobs[1]
    again = asyncio.run(m.complete(messages, max_tokens=8))
    assert again.text == reply.text


def test_a_fresh_call_does_not_depend_on_what_the_kv_held_before() -> None:
    """Measured: Qwen's plan for the same question differed on 3 of 5 questions when 63
    tokens of the prompt were left in the KV by a call before (a different batch split). A
    fresh call evaluates the prompt from its first token: the same reply either way."""
    from shoal.swarm import prompts

    need_model("qwen2.5-coder-1.5b")
    lead = get_model("qwen2.5-coder-1.5b")
    question = "What's the number of stitches to cast on for the back in size XL?"
    plan = prompts.query_messages(question, "1 document, about 2,000 tokens, prose.")
    shared = [{"role": "system", "content": prompts.QUERY_SYSTEM[:300]},
              {"role": "user", "content": "hi"}]  # fmt: skip

    async def after(warm: list[dict[str, str]] | None) -> tuple[str, int]:
        if warm is not None:
            await lead.complete(warm, max_tokens=2)
        reply = await lead.complete(plan, schema=prompts.QUERY_SCHEMA, max_tokens=300,
                                    fresh=True)  # fmt: skip
        return reply.text, reply.usage.cached_tokens

    first, cached = asyncio.run(after(None))
    again, cached_again = asyncio.run(after(shared))
    assert cached == cached_again == 0  # nothing reused, whatever the KV held
    assert first == again
