"""Scale-out: what Ray costs per job, and what a fleet of machines would buy.

Three measured parts and one model, labelled as such:

1. Overhead (scripted workers, 20 ms each): the same 1,000 and 5,000 jobs through shoal's
   Dispatcher in-process, through the Dispatcher with the ``RayExecutor`` (a real local Ray
   cluster, one actor per core, each actor async), and a bare ``asyncio.gather``. This is
   the machinery, not a model.
2. Recovery (scripted): one actor killed in the middle of 1,000 jobs; every job still
   answers, and the jobs that were re-sent are counted.
3. Real model on Ray (SmolLM2-135M, ``--real``): the same worker jobs on 1 actor and on 2
   actors of this 2-core machine; the speed-up says how well jobs spread, not what more
   machines would give (they share two cores).
4. Model (not measured): wall time and cost of reading 1M tokens with N worker nodes, from
   the measured prefill rate of SmolLM2 on one core (``benchmarks/results/models.json``) and
   the machine price (``SHOAL_MACHINE_USD_PER_HOUR``); assumes the rate holds per node and
   jobs spread evenly, which part 1 and 3 check on one machine.

Usage: python -m benchmarks.cluster [--real]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import time
from pathlib import Path
from typing import Any

from benchmarks._results import RESULTS, markdown, write
from benchmarks.dispatch import LATENCY, bare, make_jobs, reply
from shoal import ledger
from shoal.errors import ShoalError
from shoal.models import ScriptedModel
from shoal.swarm import prompts
from shoal.swarm.check import Report, SourceIndex, check, malformed
from shoal.swarm.dispatch import Dispatcher, Job, JobResult
from shoal.swarm.executor import Call, Executor, LocalExecutor

ROOT = Path(__file__).resolve().parents[1]


def scripted(latency: float, spec: str) -> ScriptedModel:
    """Built inside each actor."""
    return ScriptedModel(reply, name=spec, latency=latency)


async def dispatch(
    jobs: list[Job], index: SourceIndex, concurrency: int, executor: Executor
) -> tuple[float, int]:
    model = ScriptedModel(reply, name="worker", latency=LATENCY)
    dispatcher = Dispatcher([model], concurrency=concurrency, timeout=60, executor=executor)

    def checker(job: Job, raw: dict[str, Any]) -> Report:
        return check(raw, job_key=job.key, round_=1, task_index=0, chunk=job.chunk, index=index)

    def rejected(job: Job, text: str, error: str) -> Report:
        return malformed(text, error, job_key=job.key, round_=1, task_index=0, chunk=job.chunk)

    def save(res: JobResult[Report]) -> None:
        return None

    start = time.perf_counter()
    results = await dispatcher.run(jobs, checker, rejected, save)
    elapsed = time.perf_counter() - start
    good = sum(1 for r in results if r.report is not None and r.report.supported)
    return elapsed, good


def start_ray(num_cpus: int) -> Any:
    import ray

    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # stay on 127.0.0.1
    ray.init(
        num_cpus=num_cpus,
        include_dashboard=False,
        log_to_driver=False,
        object_store_memory=200 * 2**20,
        runtime_env={"env_vars": {"PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"}},
    )
    return ray


async def overhead(n: int, concurrency: int, actors: int, repeats: int) -> dict[str, Any]:
    from shoal.cluster import RayExecutor

    jobs, index = make_jobs(n)
    model = ScriptedModel(reply, name="worker", latency=LATENCY)
    ray_exec = RayExecutor(factory=functools.partial(scripted, LATENCY), actors_per_spec=actors)
    # warm the actors (they load once; that is start-up, not per-job cost)
    await asyncio.gather(
        *(
            ray_exec.complete(
                Call(model, [{"role": "user", "content": "Code 1."}], None, 10, 30, a)
            )
            for a in range(actors)
        )
    )
    bare_s, local_s, ray_s, good = [], [], [], []
    with ledger.scope(ledger.NOWHERE):
        for _ in range(repeats):
            bare_s.append(await bare(jobs, concurrency, model))
            s, g1 = await dispatch(jobs, index, concurrency, LocalExecutor())
            local_s.append(s)
            s, g2 = await dispatch(jobs, index, concurrency, ray_exec)
            ray_s.append(s)
            good.append(min(g1, g2))
    await ray_exec.aclose()
    b, lo, r = min(bare_s), min(local_s), min(ray_s)
    return {
        "part": "overhead",
        "jobs": n,
        "concurrency": concurrency,
        "actors": actors,
        "bare_gather_s": b,
        "dispatcher_local_s": lo,
        "dispatcher_ray_s": r,
        "ray_over_local": r / lo,
        "ray_ms_per_job": (r - lo) / n * 1000,
        "all_supported": min(good) == n,
        "repeats": repeats,
    }


async def recovery(n: int, concurrency: int) -> dict[str, Any]:
    from shoal.cluster import RayExecutor

    jobs, index = make_jobs(n)
    ray_exec = RayExecutor(factory=functools.partial(scripted, 0.05), actors_per_spec=2)
    ray_exec.pool("worker")

    async def kill_one() -> None:
        await asyncio.sleep(0.8)
        ray_exec.ray.kill(ray_exec.pools["worker"][0])

    with ledger.scope(ledger.NOWHERE):
        killer = asyncio.create_task(kill_one())
        elapsed, good = await dispatch(jobs, index, concurrency, ray_exec)
        await killer
    stats = ray_exec.stats()
    await ray_exec.aclose()
    return {
        "part": "recovery",
        "jobs": n,
        "answered": good,
        "seconds": elapsed,
        "retried_jobs": stats["retried_jobs"],
        "replaced_actors": stats["replaced_actors"],
    }


async def bounded(ex: Any, call: Call, slots: asyncio.Semaphore) -> Any:
    """One call, at most ``slots`` in flight: a deadline then covers the call, not a queue."""
    async with slots:
        return await ex.complete(call)


async def real_model(jobs_n: int) -> list[dict[str, Any]]:
    from benchmarks.corpus.haystack import build
    from shoal.cluster import RayExecutor
    from shoal.models import get_model

    worker = get_model("smollm2-135m")
    doc = build(400 * jobs_n, seed=3, count=worker.count_tokens).text
    step = max(1, len(doc) // jobs_n)
    texts = [doc[i : i + step] for i in range(0, step * jobs_n, step)]
    question = "What is the access code of the north vault?"
    rows = []
    for actors in (1, 2):
        ex = RayExecutor(actors_per_spec=actors)
        calls = [
            Call(
                worker, prompts.worker_messages(t, question, ""), prompts.REPORT_SCHEMA, 120, 300, i
            )
            for i, t in enumerate(texts)
        ]
        await asyncio.gather(*(ex.complete(calls[a]) for a in range(actors)))  # load models
        slots = asyncio.Semaphore(2 * actors)  # as the dispatcher bounds a backend
        with ledger.scope(ledger.NOWHERE):
            start = time.perf_counter()
            # a malformed reply is a failed job (the dispatcher rejects it), not a failed run
            done = await asyncio.gather(*(bounded(ex, c, slots) for c in calls),
                                        return_exceptions=True)  # fmt: skip
            elapsed = time.perf_counter() - start
        failed = [r for r in done if isinstance(r, BaseException)]
        if any(not isinstance(r, ShoalError) for r in failed):
            raise next(r for r in failed if not isinstance(r, ShoalError))
        replies = [r for r in done if not isinstance(r, BaseException)]
        prompt = sum(r.usage.prompt_tokens for r, _ in replies)
        rows.append(
            {
                "part": "real",
                "model": "smollm2-135m",
                "actors": actors,
                "jobs": len(calls),
                "failed_jobs": len(failed),
                "prompt_tokens": prompt,
                "seconds": elapsed,
                "prompt_tok_s": prompt / elapsed,
                "where": sorted({w or "" for _, w in replies}),
            }
        )
        await ex.aclose()
    rows[1]["speedup_vs_1"] = rows[0]["seconds"] / rows[1]["seconds"]
    return rows


def fleet_model() -> list[dict[str, Any]]:
    path = RESULTS / "models.json"
    rate = None
    if path.exists():
        for r in json.loads(path.read_text()).get("results", []):
            if r.get("model") == "smollm2-135m":
                rate = r["prefill_tok_s"]["shoal"]
    if rate is None:
        return []
    usd_hour = float(os.environ.get("SHOAL_MACHINE_USD_PER_HOUR", "0.10"))
    tokens = 1_000_000
    rows = []
    for nodes in (1, 4, 16, 64):
        seconds = tokens / (rate * nodes)
        rows.append(
            {
                "part": "model",
                "tokens": tokens,
                "nodes": nodes,
                "prefill_tok_s_per_node": rate,
                "wall_s": seconds,
                "worker_usd": seconds / 3600 * usd_hour * nodes,
            }
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", action="store_true", help="also run SmolLM2 on 1 and 2 actors")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    try:
        ray = start_ray(os.cpu_count() or 2)
    except ImportError as exc:
        raise SystemExit("benchmarks.cluster needs the [ray] extra") from exc
    rows: list[dict[str, Any]] = []
    try:
        rows.append(asyncio.run(overhead(1000, 64, 2, args.repeats)))
        rows.append(asyncio.run(overhead(5000, 256, 2, args.repeats)))
        rows.append(asyncio.run(recovery(1000, 64)))
        if args.real:
            try:
                rows += asyncio.run(real_model(24))
            except ShoalError as exc:
                print(f"real model part skipped: {exc}")
    finally:
        ray.shutdown()
    rows += fleet_model()
    over = [r for r in rows if r["part"] == "overhead"]
    print(
        markdown(
            ["jobs", "gather s", "dispatcher s", "dispatcher+Ray s", "Ray/local", "Ray ms/job"],
            [
                [
                    str(r["jobs"]),
                    f"{r['bare_gather_s']:.2f}",
                    f"{r['dispatcher_local_s']:.2f}",
                    f"{r['dispatcher_ray_s']:.2f}",
                    f"{r['ray_over_local']:.2f}",
                    f"{r['ray_ms_per_job']:.2f}",
                ]
                for r in over
            ],
        )
    )
    for r in rows:
        if r["part"] == "recovery":
            print(
                f"\nrecovery: {r['answered']}/{r['jobs']} answered after an actor was killed; "
                f"{r['retried_jobs']} re-sent, {r['replaced_actors']} actor(s) replaced"
            )
    real = [r for r in rows if r["part"] == "real"]
    if real:
        print()
        print(
            markdown(
                ["actors", "jobs", "failed", "prompt tokens", "s", "tok/s"],
                [
                    [
                        str(r["actors"]),
                        str(r["jobs"]),
                        str(r["failed_jobs"]),
                        str(r["prompt_tokens"]),
                        f"{r['seconds']:.1f}",
                        f"{r['prompt_tok_s']:.0f}",
                    ]
                    for r in real
                ],
            )
        )
    model = [r for r in rows if r["part"] == "model"]
    if model:
        print("\nmodel, not measured: 1M tokens read by SmolLM2 workers")
        print(
            markdown(
                ["nodes", "wall", "worker $"],
                [
                    [str(r["nodes"]), f"{r['wall_s'] / 60:.1f} min", f"{r['worker_usd']:.4f}"]
                    for r in model
                ],
            )
        )
    write(
        "cluster",
        rows,
        latency_s=LATENCY,
        target="Ray adds < 2 ms per job over in-process dispatch; no job lost when an actor dies",
    )


if __name__ == "__main__":
    main()
