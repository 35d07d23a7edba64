"""Dispatch overhead: shoal's Dispatcher versus a bare asyncio.gather behind a semaphore.

Both sides call the same scripted worker (fixed 20 ms latency, a JSON reply with a
quote) through ``Model.complete`` with the report schema, and both record every call
in the ledger. shoal's side adds what a real run does per job: building the prompt,
checking the quote against the chunk, and storing the job and report (SQLite, on the
background writer). Scripted model: this measures the protocol machinery, not a model.

Usage: python -m benchmarks.dispatch
"""

from __future__ import annotations

import asyncio
import gc
import json
import tempfile
import time
import tracemalloc
from typing import Any

from benchmarks._results import write
from shoal import ledger
from shoal.models import ScriptedModel
from shoal.store import Store
from shoal.swarm import prompts
from shoal.swarm.check import Report, SourceIndex, check, malformed
from shoal.swarm.chunk import Chunk
from shoal.swarm.dispatch import Dispatcher, Job, JobResult
from shoal.swarm.jobs import result_row

LATENCY = 0.020
WORDS = ["the", "archive", "keeps", "its", "ledgers", "in", "oak", "cabinets", "sorted", "by"]


def make_jobs(n: int) -> tuple[list[Job], SourceIndex]:
    chunks, parts, at = [], [], 0
    for i in range(n):
        text = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(120)) + f". Code {i}.\n\n"
        chunks.append(Chunk(i, "doc", "doc.txt", at, at + len(text), text, 130))
        parts.append(text)
        at += len(text)
    index = SourceIndex({"doc": "".join(parts)})
    jobs = [Job(f"r1-t0-c{c.index}", 1, 0, "Find the code", "", c) for c in chunks]
    return jobs, index


def reply(messages: list[dict[str, str]]) -> str:
    code = messages[-1]["content"].rsplit("Code ", 1)[1].split(".")[0]
    return json.dumps({"answer": code, "quote": f"Code {code}", "confidence": 0.9})


async def bare(jobs: list[Job], concurrency: int, model: ScriptedModel) -> float:
    sem = asyncio.Semaphore(concurrency)

    async def one(job: Job) -> Any:
        async with sem:
            msgs = prompts.worker_messages(job.chunk.text, job.instruction, job.advice)
            return await model.complete(msgs, schema=prompts.REPORT_SCHEMA, role="worker")

    start = time.perf_counter()
    await asyncio.gather(*(one(j) for j in jobs))
    return time.perf_counter() - start


async def shoal(
    jobs: list[Job], index: SourceIndex, concurrency: int, model: ScriptedModel, store: Store
) -> float:
    dispatcher = Dispatcher([model], concurrency=concurrency, timeout=30)

    def checker(job: Job, raw: dict[str, Any]) -> Report:
        return check(raw, job_key=job.key, round_=1, task_index=0, chunk=job.chunk, index=index)

    def rejected(job: Job, text: str, error: str) -> Report:
        return malformed(text, error, job_key=job.key, round_=1, task_index=0, chunk=job.chunk)

    def save(res: JobResult[Report]) -> None:
        store.queue_job(result_row("bench", res))

    start = time.perf_counter()
    results = await dispatcher.run(jobs, checker, rejected, save)
    elapsed = time.perf_counter() - start
    assert all(r.report is not None and r.report.supported for r in results)
    return elapsed


async def measure(n: int, concurrency: int, repeats: int) -> dict[str, Any]:
    jobs, index = make_jobs(n)
    store = Store(f"sqlite:///{tempfile.mkdtemp()}/dispatch.db")
    book = ledger.Ledger(store)
    model = ScriptedModel(reply, name="worker", latency=LATENCY)
    bare_s, shoal_s = [], []
    with ledger.scope(book, run_id="bench"):
        for i in range(repeats):
            # alternate the order so neither side always runs on a warmer process
            if i % 2 == 0:
                bare_s.append(await bare(jobs, concurrency, model))
                shoal_s.append(await shoal(jobs, index, concurrency, model, store))
            else:
                shoal_s.append(await shoal(jobs, index, concurrency, model, store))
                bare_s.append(await bare(jobs, concurrency, model))
            store.drain()
            store.delete_jobs("bench", [j.key for j in jobs])
        book.sync()
        # memory per queued job, measured separately (tracemalloc slows everything)
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        await shoal(jobs, index, concurrency, model, store)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        store.drain()
        store.delete_jobs("bench", [j.key for j in jobs])
        book.sync()
    ideal = n / concurrency * LATENCY
    b, s = min(bare_s), min(shoal_s)
    return {
        "jobs": n,
        "concurrency": concurrency,
        "ideal_s": ideal,
        "bare_gather_s": b,
        "shoal_s": s,
        "shoal_over_bare": s / b,
        "bare_over_ideal": b / ideal,
        "shoal_over_ideal": s / ideal,
        "peak_bytes_per_job": (peak - base) / n,
        "repeats": repeats,
        "all_bare_s": bare_s,
        "all_shoal_s": shoal_s,
    }


def main() -> None:
    rows = [asyncio.run(measure(1000, 64, 5)), asyncio.run(measure(5000, 256, 5))]
    print(f"{'jobs':>6}{'conc':>6}{'ideal s':>9}{'gather s':>10}{'shoal s':>9}"
          f"{'shoal/gather':>14}{'KB/job':>8}")  # fmt: skip
    for r in rows:
        print(
            f"{r['jobs']:>6}{r['concurrency']:>6}{r['ideal_s']:>9.3f}{r['bare_gather_s']:>10.3f}"
            f"{r['shoal_s']:>9.3f}{r['shoal_over_bare']:>14.3f}"
            f"{r['peak_bytes_per_job'] / 1024:>8.1f}"
        )
    write(
        "dispatch",
        rows,
        latency_s=LATENCY,
        target="shoal within 15% of bare gather (shoal/gather <= 1.15)",
        model="scripted (fixed latency); measures dispatch machinery, not a model",
    )


if __name__ == "__main__":
    main()
