"""shoal's openai backend against a real OpenAI-compatible server (llama-cpp-python's)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from shoal import ledger
from shoal.errors import BackendUnavailableError
from shoal.models.fetch import require
from shoal.models.openai_compat import OpenAIModel
from shoal.store import Store

from .conftest import free_port, need_model

pytestmark = [pytest.mark.real, pytest.mark.server]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    need_model("smollm2-135m")
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "llama_cpp.server", "--model", str(require("smollm2-135m")),
            "--model_alias", "smollm2", "--host", "127.0.0.1", "--port", str(port),
            "--n_ctx", "2048", "--n_threads", "2", "--verbose", "false",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"server exited: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                with urllib.request.urlopen(f"{base}/models", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        else:
            pytest.fail("server did not start within 60 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def test_complete_stream_and_schema_through_the_openai_sdk(server: str) -> None:
    m = OpenAIModel("smollm2", base_url=server, backend="openai-compat", context_window=2048)
    store = Store()
    book = ledger.Ledger(store)
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string", "maxLength": 40}},
        "required": ["city"],
    }

    async def go() -> tuple:
        with ledger.scope(book, role="worker"):
            plain = await m.complete("What is the capital of France? One word.", max_tokens=16)
            chunks = [c async for c in m.stream("Count from 1 to 5.", max_tokens=24)]
            structured = await m.complete(
                "The capital of France as JSON with key city.", schema=schema, max_tokens=32
            )
        await m.aclose()
        return plain, chunks, structured

    plain, chunks, structured = asyncio.run(go())
    book.sync()
    assert "paris" in plain.text.lower()
    assert plain.usage.prompt_tokens > 5 and plain.usage.completion_tokens > 0
    assert chunks[-1].reply is not None
    assert chunks[-1].reply.text == "".join(c.text for c in chunks)
    assert chunks[-1].reply.usage.completion_tokens > 0
    assert "paris" in structured.parsed["city"].lower()
    rows = store.recent_calls(10)
    assert len(rows) >= 3 and all(r["backend"] == "openai-compat" for r in rows)


def test_unreachable_server_is_a_clear_error() -> None:
    port = free_port()
    m = OpenAIModel(
        "x", base_url=f"http://127.0.0.1:{port}/v1", backend="openai-compat", max_retries=0
    )
    with pytest.raises(BackendUnavailableError, match="cannot reach"):
        asyncio.run(m.complete("hi"))
