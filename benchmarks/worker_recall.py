"""The reading stage alone: how often a worker verifies the planted fact, by chunk size.

Every answer of a lookup the long-document benchmark got right came from the stronger
model's re-reads; the workers (SmolLM2-135M) verified the fact in none of the held-out
runs. A 135M model reading 1,500 tokens at a time loses a fact in the middle, so this
measures the workers alone at several chunk sizes, on the same documents, in one run:
recall (answerable documents where some verified worker report states the answer), noise
(verified worker reports stating a near miss or another value), worker tokens and wall
seconds. The stronger model is not called (no escalation budget), so nothing here is
its work.

Only the tune, dev and studied genres are used: the held-out genres stay unseen for the
long-document benchmark that decides.

Usage:
  python -m benchmarks.worker_recall --sizes 2000,8000 --per-size 10 --chunks 256,512,1500
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from benchmarks._results import table, write
from benchmarks.corpus.lookup import DEV, STUDIED, TUNE, Case, states, suite
from benchmarks.longdoc import wilson
from shoal.models import get_model
from shoal.store import Store
from shoal.swarm import Document, Swarm

WORKER = "smollm2-135m"


def run(case: Case, chunk: int, store: Store) -> dict[str, Any]:
    swarm = Swarm(lead=WORKER, workers=WORKER, store=store, chunk_tokens=chunk,
                  escalation_tokens=0, max_rounds=1, operation="find")  # fmt: skip
    start = time.perf_counter()
    answer = swarm.ask(Document(f"{case.id}.txt", case.text), case.question)
    wall = time.perf_counter() - start
    want = [w for w in (case.answer, *case.accept) if w]
    jobs = [j for j in store.get_jobs(answer.run_id) if j["kind"] == "worker"]
    verified = [j for j in jobs if j.get("supported")]
    right = [j for j in verified if any(states(j.get("answer") or "", w) for w in want)]
    u = answer.usage.get("worker")
    return {
        "case": case.id,
        "genre": case.genre,
        "chunk_tokens": chunk,
        "answerable": case.answer is not None,
        "chunks": answer.chunks,
        "verified": len(verified),
        "verified_right": len(right),
        "verified_other": len(verified) - len(right),
        "near_miss_verified": sum(
            1 for j in verified if any(states(j.get("answer") or "", w) for w in case.wrong)
        ),
        "worker_prompt_tokens": u.prompt_tokens if u else 0,
        "worker_completion_tokens": u.completion_tokens if u else 0,
        "wall_s": round(wall, 1),
    }


def summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for chunk in sorted({r["chunk_tokens"] for r in rows}):
        g = [r for r in rows if r["chunk_tokens"] == chunk]
        ans = [r for r in g if r["answerable"]]
        found = sum(1 for r in ans if r["verified_right"])
        lo, hi = wilson(found, len(ans))
        out.append(
            {
                "chunk tokens": chunk,
                "docs": len(g),
                "recall": f"{found}/{len(ans)} [{100 * lo:.0f}%, {100 * hi:.0f}%]",
                "recall_share": found / len(ans) if ans else None,
                "other values verified / doc": round(
                    sum(r["verified_other"] for r in g) / len(g), 2
                ),
                "near misses verified / doc": round(
                    sum(r["near_miss_verified"] for r in g) / len(g), 2
                ),
                "worker tokens / doc": round(
                    sum(r["worker_prompt_tokens"] + r["worker_completion_tokens"] for r in g)
                    / len(g)
                ),
                "wall s / doc": round(sum(r["wall_s"] for r in g) / len(g), 1),
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2000,8000")
    parser.add_argument("--per-size", type=int, default=10)
    parser.add_argument("--chunks", default="256,512,1500")
    parser.add_argument("--first-seed", type=int, default=101)
    args = parser.parse_args()
    count = get_model(WORKER).count_tokens
    cases = suite([int(s) for s in args.sizes.split(",")], args.per_size, count,
                  genres=TUNE + DEV + STUDIED, no_answer_share=0.0,
                  first_seed=args.first_seed)  # fmt: skip
    store = Store("sqlite://")
    rows = []
    for case in cases:
        for chunk in [int(c) for c in args.chunks.split(",")]:
            row = run(case, chunk, store)
            rows.append(row)
            print(f"{case.id:<30} chunk={chunk:<5} right={row['verified_right']} "
                  f"other={row['verified_other']} {row['wall_s']}s", flush=True)  # fmt: skip
    s = summary(rows)
    table(s, [k for k in s[0] if k != "recall_share"])
    write("worker_recall", rows, summary=s, worker=WORKER, sizes=args.sizes,
          genres="tune, dev, studied (never the held-out ones)")  # fmt: skip


if __name__ == "__main__":
    main()
