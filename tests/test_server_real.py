"""`shoal serve` as a user starts it (a subprocess, the bundled models), used by the official
``openai`` client: a plain model passed through, and the default swarm answering with a
verified citation."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from benchmarks.corpus.haystack import FACTS, build, is_correct
from shoal.models import get_model
from shoal.store import Store

from .conftest import free_port, need_model
from .serving import http

pytestmark = [pytest.mark.real, pytest.mark.server]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    need_model("smollm2-135m")
    need_model("qwen2.5-coder-1.5b")
    db = str(tmp_path_factory.mktemp("serve") / "serve.db")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "shoal", "--db", db, "serve", "--no-auth", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _up(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"shoal serve did not start: {proc.stderr.read().decode()}")
            time.sleep(0.2)
        yield url, db
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _up(url: str) -> bool:
    try:
        return http("GET", url + "/healthz")[0] == 200
    except OSError:
        return False


def test_plain_model_through_the_openai_client(served: tuple[str, str]) -> None:
    url, db = served
    client = openai.OpenAI(base_url=url + "/v1", api_key="local", max_retries=0, timeout=120)
    resp = client.chat.completions.create(
        model="smollm2-135m",
        messages=[{"role": "user", "content": "What is the capital of France? One word."}],
        max_tokens=12,
    )
    assert resp.choices[0].message.content.strip()
    assert resp.usage.prompt_tokens > 5 and 0 < resp.usage.completion_tokens <= 12
    text = "".join(
        c.choices[0].delta.content or ""
        for c in client.chat.completions.create(
            model="smollm2-135m",
            messages=[{"role": "user", "content": "Count: one, two, three,"}],
            max_tokens=8,
            stream=True,
        )
        if c.choices
    )
    assert text.strip()
    time.sleep(0.5)  # the server's ledger batches writes
    calls = Store(db).recent_calls(10)
    assert any(c["model"] == "smollm2-135m" and c["role"] == "chat" and c["ok"] for c in calls)


def test_default_swarm_through_the_server(served: tuple[str, str], tmp_path: Path) -> None:
    url, _ = served
    fact = FACTS[0]
    # a 2k input: the lead reads it whole (the workers read only when that read settles
    # nothing); accuracy over seeds is the longdoc benchmark's job, not this test's.
    hay = build(2000, [fact], seed=3, count=get_model("smollm2-135m").count_tokens)
    client = openai.OpenAI(base_url=url + "/v1", api_key="local", max_retries=0, timeout=600)
    resp = client.chat.completions.create(
        model="shoal",
        messages=[
            {"role": "system", "content": hay.text},
            {"role": "user", "content": fact.question},
        ],
    )
    answer = resp.choices[0].message.content
    extra = resp.model_extra["shoal"]
    assert is_correct(answer, fact), (answer, extra)
    assert any(fact.answer in c["text"] for c in extra["citations"])
    for c in extra["citations"]:
        assert hay.text[c["start"] : c["end"]] == c["text"]
    assert "lead" in extra["usage_by_role"] and extra["escalation"]["whole_read"]
    status, run = http("GET", f"{url}/v1/runs/{extra['run_id']}")
    assert status == 200 and run["status"] == "done" and run["jobs"]


def test_memory_through_the_server_reuses_the_prefix(served: tuple[str, str]) -> None:
    """Server-side memory on SmolLM2: the second turn's prompt starts with the first turn's,
    so the server computes only the new tokens and says so in usage."""
    url, _ = served
    client = openai.OpenAI(base_url=url + "/v1", api_key="local", max_retries=0, timeout=120)
    notes = " ".join(f"Note {i}: the crane was inspected." for i in range(40))

    def say(text: str) -> openai.types.chat.ChatCompletion:
        return client.chat.completions.create(
            model="smollm2-135m", messages=[{"role": "user", "content": text}], user="kim",
            max_tokens=12, extra_body={"memory": True},
        )  # fmt: skip

    first = say(f"My notes: {notes}")
    second = say("Thanks. What was inspected?")
    assert first.model_extra["shoal"]["memory"]["history_messages"] == 0
    assert second.model_extra["shoal"]["memory"]["history_messages"] == 2
    assert second.usage.prompt_tokens > first.usage.prompt_tokens
    assert second.usage.prompt_tokens_details.cached_tokens >= first.usage.prompt_tokens - 1
    # streamed: tokens arrive as generated, from the same cached prefix
    chunks = list(
        client.chat.completions.create(
            model="smollm2-135m", messages=[{"role": "user", "content": "And what else?"}],
            user="kim", max_tokens=12, extra_body={"memory": True}, stream=True,
            stream_options={"include_usage": True},
        )
    )  # fmt: skip
    pieces = [c.choices[0].delta.content for c in chunks if c.choices]
    pieces = [p for p in pieces if p]
    assert len(pieces) > 1
    memory = next(c.model_extra["shoal"]["memory"] for c in chunks if c.model_extra.get("shoal"))
    assert memory["history_messages"] == 4
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.prompt_tokens_details.cached_tokens > second.usage.prompt_tokens - 2


def test_client_side_memory_records_what_an_openai_compatible_server_caches(
    served: tuple[str, str], tmp_path: Path
) -> None:
    """Memory with an OpenAI-compatible backend: the prompt prefix is kept identical, the
    server reuses it, and the cached-token counts it reports are recorded per call."""
    from shoal.memory import Memory

    url, _ = served
    db = str(tmp_path / "client.db")
    mem = Memory("lee", model=f"openai-compat:{url}/v1#smollm2-135m", db=db, reply_tokens=12)
    assert mem.cache is None  # a server's own prefix caching does the work
    mem.say("Remember: the blue door is the exit. " * 10)
    reply = mem.say("Which door is the exit?")
    assert reply.usage.cached_tokens > 50
    calls = Store(db).recent_calls(5)
    assert calls[0]["cached_tokens"] == reply.usage.cached_tokens and calls[0]["role"] == "memory"
