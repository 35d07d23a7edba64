"""Memory: lossless history, prefix-stable prompts, overflow read by the swarm, forgetting.
Scripted models here (the prompts they receive are the thing under test); the embedded
models are in test_memory_real.py."""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
from pathlib import Path

import pytest

from shoal.errors import InputError
from shoal.memory import History, Memory, MemoryChunk
from shoal.memory.context import STEP
from shoal.models import ScriptedModel
from shoal.models.kv_cache import PrefixCache
from shoal.store import Store
from shoal.types import Message

from .scripted_swarm import finder, lead

AWKWARD = ["naïve café ☕", "trailing spaces   ", "line\r\nbreaks\n\n", '{"json": "inside"}', ""]


def recording_model(window: int = 8192) -> tuple[ScriptedModel, list[list[Message]]]:
    prompts: list[list[Message]] = []

    def respond(messages: list[Message]) -> str:
        prompts.append([dict(m) for m in messages])
        return f"reply {len(prompts)}"

    return ScriptedModel(respond, name="chat", context_window=window), prompts


def test_history_survives_restarts_byte_for_byte(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    model, _ = recording_model()
    mem = Memory("alice", model=model, db=db, cache=False)
    for text in AWKWARD[:-1]:
        mem.say(text)
    again = Memory("alice", model=model, store=Store(db), cache=False)
    turns = again.messages()
    assert [t.content for t in turns if t.role == "user"] == AWKWARD[:-1]
    assert [t.role for t in turns] == ["user", "assistant"] * 4
    # export -> import into another user -> identical
    buf = io.StringIO()
    assert again.export(buf) == 8
    copy = History(Store(db), "alice-copy")
    assert copy.import_(io.StringIO(buf.getvalue())) == 8
    assert [(t.role, t.content, t.ts) for t in copy.messages()] == [
        (t.role, t.content, t.ts) for t in turns
    ]


def test_empty_message_is_refused_and_stores_nothing(tmp_path: Path) -> None:
    model, _ = recording_model()
    mem = Memory("alice", model=model, db=str(tmp_path / "m.db"), cache=False)
    with pytest.raises(ValueError):
        mem.say("   ")
    assert mem.messages() == []


def test_prompt_of_each_turn_is_a_prefix_of_the_next(tmp_path: Path) -> None:
    model, prompts = recording_model()
    mem = Memory("alice", model=model, db=str(tmp_path / "m.db"), cache=False)
    for i in range(6):
        mem.say(f"message number {i}")
    for before, after in itertools.pairwise(prompts):
        assert after[: len(before)] == before
        assert after[len(before)] == {"role": "assistant", "content": f"reply {len(before) // 2}"}
    assert prompts[-1][0]["role"] == "system"
    assert len(prompts[-1]) == 1 + 2 * 5 + 1  # nothing dropped


def test_a_streamed_turn_is_stored_like_a_said_one(tmp_path: Path) -> None:
    model = ScriptedModel("one two three four", name="chat")
    mem = Memory("alice", model=model, db=str(tmp_path / "m.db"), cache=False)

    async def stream(text: str, stop_after: int | None = None) -> list[MemoryChunk]:
        got = []
        async with contextlib.aclosing(mem.astream(text)) as chunks:
            async for chunk in chunks:
                got.append(chunk)
                if stop_after is not None and len(got) == stop_after:
                    break  # the client went away
        return got

    chunks = asyncio.run(stream("hello"))
    assert [c.text for c in chunks[:-1]] == ["one ", "two ", "three ", "four"]
    final = chunks[-1].reply
    assert final is not None and final.text == "one two three four" and final.history_messages == 0
    assert [(t.role, t.content) for t in mem.messages()] == [
        ("user", "hello"), ("assistant", "one two three four")
    ]  # fmt: skip
    # cut off after two pieces: what went out is kept, marked as interrupted
    asyncio.run(stream("again", stop_after=2))
    last = mem.messages()[-1]
    assert (last.role, last.content) == ("assistant", "one two ")
    assert last.meta is not None and last.meta["interrupted"] is True


def test_users_and_threads_are_separate(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    model, prompts = recording_model()
    Memory("alice", model=model, db=db, cache=False).say("alice's secret is 1234")
    Memory("alice", model=model, db=db, cache=False, thread="work").say("work thing")
    Memory("bob", model=model, db=db, cache=False).say("hello")
    assert all("1234" not in m["content"] for m in prompts[-1])
    assert all("1234" not in m["content"] for m in prompts[-2])  # another thread


def test_forget_removes_messages_and_cached_prefixes(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    cache = PrefixCache(tmp_path / "kv")
    cache.put("m", [1, 2, 3], b"alice-state", owner="alice")
    cache.put("m", [1, 2, 4], b"bob-state", owner="bob")
    model, _ = recording_model()
    alice = Memory("alice", model=model, db=db, cache=cache)
    alice.say("one")
    Memory("alice", model=model, db=db, cache=cache, thread="t2").say("two")
    Memory("bob", model=model, db=db, cache=cache).say("bob's")
    gone = alice.forget()
    assert gone == {"messages": 4, "characters": len("one") + len("two") + 2 * len("reply 1"),
                    "cache_entries": 2}  # fmt: skip
    assert Store(db).get_messages("alice") == []
    assert len(Store(db).get_messages("bob")) == 2
    assert cache.lookup("m", [1, 2, 3]) is None
    assert cache.lookup("m", [1, 2, 4]) is not None
    assert [p.name for p in (tmp_path / "kv").glob("*.kv")] != []  # bob's file stays
    assert PrefixCache(tmp_path / "kv").usage()["disk_entries"] == 1


def test_import_checks_every_line_first(tmp_path: Path) -> None:
    h = History(Store(str(tmp_path / "m.db")), "carol")
    good = json.dumps({"role": "user", "content": "hi", "ts": 1.0})
    for bad, msg in [
        ("{not json", "line.jsonl:2: not JSON"),
        (json.dumps({"role": "robot", "content": "x"}), "line.jsonl:2: role"),
        (json.dumps({"role": "user", "content": 5}), "line.jsonl:2: content"),
    ]:
        with pytest.raises(InputError, match=msg):
            h.import_(io.StringIO(good + "\n" + bad + "\n"), "line.jsonl")
        assert h.messages() == []


def test_overflowing_history_is_read_by_the_swarm_and_cited(tmp_path: Path) -> None:
    """A small window: the early fact no longer fits verbatim, the swarm finds it in the
    older history, and its verified quote goes into the prompt."""
    db = str(tmp_path / "m.db")
    model, prompts = recording_model(window=700)
    worker = ScriptedModel(finder(r"locker combination is (\S+?)\."), name="finder")
    mem = Memory("dana", model=model, db=db, cache=False, reply_tokens=40,
                 lead=lead(finds=r"locker combination is (\S+?)\."), workers=worker)  # fmt: skip
    mem.say("Please remember that my locker combination is 7-31-19.")
    for i in range(40):
        mem.say(f"Filler message {i} about the weather, the harbour and the trains today.")
    reply = mem.say("What is my locker combination?")
    assert reply.overflow is not None and reply.overflow["found"]
    assert any("7-31-19" in q for q in reply.overflow["quotes"])
    assert reply.recent_messages < reply.history_messages
    last = prompts[-1]
    assert "7-31-19" in last[-1]["content"] and "quoted exactly" in last[-1]["content"]
    assert last[-1]["content"].endswith("What is my locker combination?")
    # the stored message is the user's own words, not the augmented prompt
    assert mem.messages()[-2].content == "What is my locker combination?"
    # the run is recorded like any swarm run
    run = Store(db).get_run(reply.overflow["run_id"])
    assert run is not None and run["status"] == "done"


def test_overflow_boundary_moves_in_steps_so_the_prefix_stays_cacheable(tmp_path: Path) -> None:
    model, prompts = recording_model(window=700)
    worker = ScriptedModel(finder(r"nothing (\d+) here"), name="finder")
    mem = Memory("erin", model=model, db=str(tmp_path / "m.db"), cache=False, reply_tokens=40,
                 lead=lead(finds=r"locker combination is (\S+?)\."), workers=worker)  # fmt: skip
    starts = []
    for i in range(40):
        mem.say(f"Message {i}: a sentence about trains and harbours and the weather.")
        first_history = prompts[-1][1]["content"] if len(prompts[-1]) > 2 else None
        starts.append(first_history)
    overflowed = starts[-12:]
    # consecutive turns share the same first verbatim message for several turns in a row
    runs = [len(list(g)) for _, g in itertools.groupby(overflowed)]
    assert len(set(overflowed)) > 1, "the boundary never moved: the test did not overflow"
    assert max(runs) >= STEP // 2


def test_prefix_cache_longest_match_lru_and_disk(tmp_path: Path) -> None:
    cache = PrefixCache(tmp_path / "kv", memory_bytes=10_000)
    cache.put("m", [1, 2, 3], b"a" * 100, owner="u")
    cache.put("m", [9, 9], b"b" * 100, owner="v")
    cache.put("m", [1, 2, 3, 4, 5], b"c" * 100, owner="u")  # supersedes [1,2,3] for u
    entry, tier = cache.lookup("m", [1, 2, 3, 4, 5, 6])
    assert tier == "memory" and entry.state == b"c" * 100
    assert cache.lookup("m", [1, 2]) is None
    assert cache.lookup("other-model", [1, 2, 3, 4, 5]) is None
    # a new process: the disk tier, verified
    fresh = PrefixCache(tmp_path / "kv")
    entry, tier = fresh.lookup("m", [1, 2, 3, 4, 5, 7])
    assert tier == "disk" and entry.state == b"c" * 100
    # memory is bounded in bytes
    small = PrefixCache(None, memory_bytes=1000)
    for i in range(10):
        small.put("m", [i], bytes(300), owner=str(i))
    assert small.usage()["memory_bytes"] <= 1000


@pytest.mark.parametrize("damage", ["flip", "truncate", "header", "tokens"])
def test_a_damaged_cache_file_is_discarded_not_trusted(tmp_path: Path, damage: str) -> None:
    PrefixCache(tmp_path / "kv").put("m", [5, 6, 7], b"state" * 50, owner="u")
    [path] = list((tmp_path / "kv").glob("*.kv"))
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[-3] ^= 0xFF
    elif damage == "truncate":
        data = data[:-10]
    elif damage == "header":
        data[:8] = b"NOTSHOAL"
    else:  # tokens inside the file disagree with the header's hash
        start = data.index(b"}") + 1
        data[start] ^= 0x01
    path.write_bytes(bytes(data))
    cache = PrefixCache(tmp_path / "kv")
    assert cache.lookup("m", [5, 6, 7, 8]) is None
    assert cache.stats.discarded == 1
    assert not path.exists()
    cache.put("m", [5, 6, 7], b"state" * 50, owner="u")  # rebuilt
    assert PrefixCache(tmp_path / "kv").lookup("m", [5, 6, 7, 8])[1] == "disk"


def test_a_full_disk_does_not_break_the_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = PrefixCache(tmp_path / "kv")

    def full(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache, "_write", full)
    cache.put("m", [1, 2], b"x", owner="u")  # logged, kept in memory
    assert cache.lookup("m", [1, 2, 3])[1] == "memory"
    assert "No space left" in cache.stats.errors[0]
