"""Memory on the embedded models: recall across 30 turns, and the prefix cache across
processes (restored from disk, and a corrupt file detected and rebuilt)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from shoal.memory import Memory
from shoal.models.kv_cache import PrefixCache
from shoal.store import Store

from .conftest import need_model

pytestmark = pytest.mark.real

FILLERS = [
    "What does HTTP stand for?", "Name a sorting algorithm.", "What is a hash map?",
    "How do I read a file in Python?", "What is recursion?", "Explain what JSON is.",
    "What is a unit test?", "What is git used for?", "How do I reverse a list in Python?",
    "What is a good way to learn Python?",
]  # fmt: skip


def test_a_fact_from_turn_1_is_recalled_in_turn_30(tmp_path: Path) -> None:
    """Qwen2.5-Coder-1.5B (SmolLM2-135M does not recall even a 5-turn-old fact)."""
    need_model("qwen2.5-coder-1.5b")
    cache = PrefixCache(tmp_path / "kv")
    mem = Memory("ivy", model="qwen2.5-coder-1.5b", db=str(tmp_path / "m.db"), cache=cache,
                 reply_tokens=24)  # fmt: skip
    mem.say("Please remember this: my locker combination is 7-31-19. Just say OK.")
    cached = []
    for i in range(28):
        reply = mem.say(FILLERS[i % len(FILLERS)])
        cached.append(reply.usage.cached_tokens / reply.usage.prompt_tokens)
    reply = mem.say("What is my locker combination?")
    assert "7-31-19" in reply.text, reply.text
    assert reply.history_messages == 58 and reply.recent_messages == 58  # all of it, verbatim
    # each turn recomputed only its new tokens: the rest was the cached prefix
    assert min(cached) > 0.7, cached
    assert reply.usage.cached_tokens > 900


CHILD = """
import asyncio, json, sys
from shoal.memory import Memory
from shoal.models.kv_cache import PrefixCache
db, kv = sys.argv[1], sys.argv[2]
cache = PrefixCache(kv)
mem = Memory("zoe", model="smollm2-135m", db=db, cache=cache, reply_tokens=16)
async def main():
    reply = await mem.asay(sys.argv[3])
    await mem.model.idle()  # the prefix is saved before the process ends
    return reply
reply = asyncio.run(main())
print(json.dumps({"cache": reply.cache, "cached": reply.usage.cached_tokens,
                  "prompt": reply.usage.prompt_tokens, "discarded": cache.stats.discarded}))
"""


def child(tmp_path: Path, text: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "m.db"), str(tmp_path / "kv"), text],
        capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_prefix_cache_across_processes_and_a_corrupt_file(tmp_path: Path) -> None:
    need_model("smollm2-135m")
    story = " ".join(
        f"Note {i}: the harbour crane was inspected and found sound." for i in range(60)
    )
    first = child(tmp_path, f"Here are my notes. {story} Thanks.")
    assert first["cache"]["source"] == "none" and first["cached"] == 0
    [path] = list((tmp_path / "kv").glob("*.kv"))

    second = child(tmp_path, "What was inspected?")  # a new process: restored from disk
    assert second["cache"]["source"] == "disk", second
    assert second["cached"] >= first["prompt"] - 1  # the whole previous prompt was reused
    assert second["cache"]["restore_seconds"] < 5

    # corrupt the newest entry: it is detected, discarded, the turn runs cold, and rebuilt
    [path] = list((tmp_path / "kv").glob("*.kv"))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    third = child(tmp_path, "And what else?")
    assert third["discarded"] == 1
    assert third["cache"]["source"] == "none" and third["cached"] == 0
    assert len(list((tmp_path / "kv").glob("*.kv"))) == 1  # rebuilt with this turn's prefix
    history = Store(str(tmp_path / "m.db")).get_messages("zoe")
    assert [m["role"] for m in history] == ["user", "assistant"] * 3


def test_history_beyond_the_window_is_read_by_the_swarm_on_real_models(tmp_path: Path) -> None:
    """SmolLM2 chats in a 2k window over ~4k tokens of history; the fact is in the part that
    does not fit. Qwen leads and SmolLM2 reads the older history; the verified quote goes
    into the prompt. (SmolLM2 paraphrases the quote's first words; the check keeps the
    verbatim rest, which must hold the answer.)"""
    import io

    from shoal.memory import History

    need_model("smollm2-135m")
    need_model("qwen2.5-coder-1.5b")
    store = Store(str(tmp_path / "m.db"))
    # Fixed timestamps: the swarm reads "[date time] role: text", so the clock must not
    # change the document (a greedy 135M reader's answer depends on every token).
    ts = iter(range(1_767_600_000, 1_767_700_000, 90))
    fact = "my locker combination is 7-31-19."
    rows = [{"role": "user", "content": f"Please remember: {fact}", "ts": next(ts)},
            {"role": "assistant", "content": f"Noted: {fact}", "ts": next(ts)}]  # fmt: skip
    topics = ["the harbour", "the night trains", "the archive", "a bakery", "the tides"]
    for i in range(60):
        t = topics[i % len(topics)]
        rows += [
            {"role": "user", "content": f"Tell me something about {t}, item {i}.", "ts": next(ts)},
            {"role": "assistant", "content": f"About {t} (item {i}): it opens early, the staff "
             "keep careful notes, and visitors often ask about its history.", "ts": next(ts)},
        ]  # fmt: skip
    History(store, "max").import_(io.StringIO("\n".join(json.dumps(r) for r in rows)))
    mem = Memory("max", model="smollm2-135m?ctx=2048", store=store, cache=False, reply_tokens=48)
    reply = mem.say("What is my locker combination?")
    assert reply.overflow is not None, reply
    assert reply.recent_messages < reply.history_messages == 122
    run = store.get_run(reply.overflow["run_id"])
    assert run["status"] == "done"
    notes = " ".join(run["result"]["notes"])
    if reply.overflow["found"]:
        assert any("7-31-19" in q for q in reply.overflow["quotes"])
        assert run["result"]["citations"]
    else:
        # The same code found it on one machine and, on another (2026-12-06, llama.cpp
        # built for that CPU), verified the same value and judged it too unsure (0.35
        # under memory's 0.40: the lead's support 0.59): the reading holds either way; the
        # confidence is near its line. Then nothing, and nothing else, reaches the prompt.
        assert "'7-31-19' had confidence" in notes, notes
        assert reply.overflow["quotes"] == [] and not run["result"]["citations"]
