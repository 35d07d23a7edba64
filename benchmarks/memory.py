"""Time to first token for a user with a long history, cold versus cached (embedded SmolLM2).

For each history size (1k, 3k, 6k tokens of stored conversation) the next turn is timed
through ``Memory.asay(..., max_tokens=1)`` (assembly, restore, prefill, one token):
- cold: nothing reusable (the model's KV holds someone else's prompt, no cache);
- cached in-process: the user's prefix restored from the in-memory tier, after another
  user's call overwrote the live KV;
- cached on disk, new process: a fresh process (model load timed separately) restores the
  prefix from the disk tier (read, sha256-verified, loaded) and computes the new tokens.
  Model load and a first one-token call (paging in weights, allocating buffers) are timed
  apart: they are per process, not per user.
All in one run. Also reported: bytes per cached user in memory and on disk, and RSS.

Usage: python -m benchmarks.memory [--sizes 1000,3000,6000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._results import table, write
from shoal.memory import History, Memory
from shoal.models import get_model
from shoal.models.kv_cache import PrefixCache
from shoal.store import Store

MODEL = "smollm2-135m"
TOPICS = ["the harbour", "the night trains", "the archive", "a bakery", "the tides", "a garden"]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def fill_history(store: Store, user: str, tokens: int) -> int:
    """A synthetic conversation of about ``tokens`` tokens (SmolLM2's tokenizer)."""
    model = get_model(MODEL)
    h = History(store, user)
    total, i, rows = 0, 0, []
    while total < tokens:
        topic = TOPICS[i % len(TOPICS)]
        q = f"Tell me something about {topic}, item {i}."
        a = (
            f"About {topic} (item {i}): it opens early, the staff keep careful notes, "
            f"and visitors often ask about its history and the people who work there."
        )
        rows += [
            {"role": "user", "content": q, "ts": 1.7e9 + i},
            {"role": "assistant", "content": a, "ts": 1.7e9 + i + 0.5},
        ]
        total += model.count_tokens(q) + model.count_tokens(a) + 10
        i += 1
    import io

    h.import_(io.StringIO("\n".join(json.dumps(r) for r in rows)))
    return total


async def clobber() -> None:
    """Another user's call: the live KV no longer holds anyone's history."""
    await get_model(MODEL).complete("Say hi.", max_tokens=1)


async def turn(mem: Memory, text: str) -> dict:
    t0 = time.perf_counter()
    reply = await mem.asay(text, max_tokens=1)
    wall = time.perf_counter() - t0
    await mem.model.idle()  # the prefix save runs after the reply; not part of the TTFT
    return {
        "ttft_s": round(wall, 3),
        "prompt_tokens": reply.usage.prompt_tokens,
        "cached_tokens": reply.usage.cached_tokens,
        "source": reply.cache.get("source"),
        "restore_s": round(reply.cache.get("restore_seconds", 0.0), 3),
    }


CHILD = """
import asyncio, json, sys, time
t0 = time.perf_counter()
from shoal.memory import Memory
from shoal.models import get_model
from shoal.models.kv_cache import PrefixCache
model = get_model("smollm2-135m")
model.loaded  # load the weights: timed apart from the turn
load = time.perf_counter() - t0
# A first call pages in the weights and allocates llama.cpp's buffers: a per-process cost,
# not a per-user one, and the cold and in-memory timings run on a warm model too.
t0 = time.perf_counter()
asyncio.run(model.complete("Say hi.", max_tokens=1))
warmup = time.perf_counter() - t0
mem = Memory(sys.argv[3], model="smollm2-135m", db=sys.argv[1], cache=PrefixCache(sys.argv[2]))
async def main():
    t = time.perf_counter()
    reply = await mem.asay("And one more question about it?", max_tokens=1)
    wall = time.perf_counter() - t
    await mem.model.idle()
    return wall, reply
wall, reply = asyncio.run(main())
print(json.dumps({"ttft_s": round(wall, 3), "load_s": round(load, 2),
                  "warmup_s": round(warmup, 3),
                  "prompt_tokens": reply.usage.prompt_tokens,
                  "cached_tokens": reply.usage.cached_tokens,
                  "source": reply.cache.get("source"),
                  "restore_s": round(reply.cache.get("restore_seconds", 0.0), 3)}))
"""


async def main_async(sizes: list[int], tmp: Path) -> list[dict]:
    db = str(tmp / "memory.db")
    store = Store(db)
    kv_dir = tmp / "kv"
    cache = PrefixCache(kv_dir)
    rows = []
    for size in sizes:
        user = f"user{size}"
        history_tokens = fill_history(store, user, size)
        await clobber()
        rss0, held0 = rss_mb(), cache.usage()["memory_bytes"]
        # cold: nothing reusable; this call also saves the prefix for the next turn
        cold = await turn(Memory(user, model=MODEL, store=store, cache=cache), "What about it?")
        rss1, held1 = rss_mb(), cache.usage()["memory_bytes"]
        await clobber()
        warm = await turn(Memory(user, model=MODEL, store=store, cache=cache), "Anything else?")
        # three fresh processes in a row (each restores the previous one's save): the
        # first read of a just-written 140 MB file varies, so report the median
        children = []
        for _ in range(3):
            out = subprocess.run([sys.executable, "-c", CHILD, db, str(kv_dir), user],
                                 capture_output=True, text=True, check=True)  # fmt: skip
            children.append(json.loads(out.stdout.strip().splitlines()[-1]))
        disk = sorted(children, key=lambda c: c["ttft_s"])[1]
        disk["all_ttft_s"] = [c["ttft_s"] for c in children]
        files = {p.name: p.stat().st_size for p in kv_dir.glob("*.kv")}
        rows.append(
            {
                "history_tokens": history_tokens,
                "prompt_tokens": cold["prompt_tokens"],
                "cold_s": cold["ttft_s"],
                "memory_s": warm["ttft_s"],
                "memory_source": warm["source"],
                "memory_restore_s": warm["restore_s"],
                "memory_cached_tokens": warm["cached_tokens"],
                "disk_s": disk["ttft_s"],
                "disk_s_all": disk["all_ttft_s"],
                "disk_source": disk["source"],
                "disk_restore_s": disk["restore_s"],
                "disk_cached_tokens": disk["cached_tokens"],
                "child_model_load_s": disk["load_s"],
                "child_warmup_s": disk["warmup_s"],
                "speedup_memory": round(cold["ttft_s"] / warm["ttft_s"], 1),
                "speedup_disk": round(cold["ttft_s"] / disk["ttft_s"], 1),
                "cache_bytes_per_user_memory": held1 - held0,
                "cache_bytes_per_user_disk": max(files.values()) if files else 0,
                "rss_growth_mb_after_save": round(rss1 - rss0, 1),
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    rows[-1]["rss_mb_end"] = round(rss_mb(), 1)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,3000,6000")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        rows = asyncio.run(main_async(sizes, Path(tmp)))
    cols = [
        "history_tokens",
        "prompt_tokens",
        "cold_s",
        "memory_s",
        "disk_s",
        "speedup_memory",
        "speedup_disk",
        "cache_bytes_per_user_disk",
        "child_model_load_s",
        "child_warmup_s",
    ]
    table(rows, cols)
    write(
        "memory",
        rows,
        model=MODEL,
        note="TTFT through Memory.asay(max_tokens=1); disk = a new process, model load and "
        "a warm-up call excluded (reported apart)",
    )


if __name__ == "__main__":
    main()
