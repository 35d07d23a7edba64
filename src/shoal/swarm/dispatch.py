"""Running jobs on workers: concurrently, bounded per backend, with deadlines and retries.

Jobs arrive chunk-major (all tasks of chunk 0, then chunk 1, ...) and each chunk is
pinned to one worker, so consecutive calls on a model share the chunk as a prompt
prefix and its KV cache is reused. Semaphores are FIFO, so that order survives.

A job that still fails after its retries is a *failed job* (recorded; its chunk is
reported as unread) and the run goes on. A backend that stays unreachable stops the
dispatch with ``DispatchAborted``: everything finished so far has already been handed
to ``on_result`` (and stored), so the run can be resumed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shoal.errors import (
    BackendUnavailableError,
    DispatchAborted,
    ShoalError,
    StructuredOutputError,
)
from shoal.models.base import Model
from shoal.swarm import prompts
from shoal.swarm.check import Report, malformed
from shoal.swarm.chunk import Chunk

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = {"llama": 2, "openai-compat": 8, "openai": 16, "scripted": 64}


@dataclass(frozen=True)
class Job:
    key: str
    round: int
    task_index: int
    instruction: str
    advice: str
    chunk: Chunk


@dataclass
class JobResult:
    job: Job
    status: str  # "done" | "failed"
    attempts: int
    seconds: float
    report: Report | None = None
    error: str | None = None
    served_by: str | None = None
    """Where the job ran, when that is not this process (a Ray node, a fleet endpoint)."""
    payload: Any = None
    """Structured output beyond one answer and quote (extracted records)."""


Checker = Callable[[Job, dict[str, Any]], Report]


class Dispatcher:
    def __init__(
        self,
        workers: list[Model],
        *,
        concurrency: int | None = None,
        timeout: float | None = 120.0,
        retries: int = 2,
        backoff: float = 0.5,
        max_tokens: int = 160,
    ):
        if not workers:
            raise ValueError("at least one worker model is needed")
        self.workers = workers
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_tokens = max_tokens
        self._limits = {
            id(w): asyncio.Semaphore(concurrency or DEFAULT_CONCURRENCY.get(w.info.backend, 8))
            for w in workers
        }

    def worker_for(self, job: Job) -> Model:
        return self.workers[job.chunk.index % len(self.workers)]

    async def _one(
        self, job: Job, check: Checker, on_start: Callable[[Job], None] | None = None
    ) -> JobResult:
        worker = self.worker_for(job)
        messages = prompts.worker_messages(job.chunk.text, job.instruction, job.advice)
        error: ShoalError | None = None
        async with self._limits[id(worker)]:
            start = time.perf_counter()  # seconds on the worker, not waiting for a slot
            if on_start is not None:
                on_start(job)
            for attempt in range(1, self.retries + 2):
                try:
                    reply = await worker.complete(
                        messages,
                        schema=prompts.REPORT_SCHEMA,
                        max_tokens=self.max_tokens,
                        role="worker",
                        timeout=self.timeout,
                        retries=1,
                    )
                except ShoalError as exc:
                    error = exc
                    log.info("job %s attempt %d failed: %s", job.key, attempt, exc)
                    if isinstance(exc, StructuredOutputError):
                        # The chunk was read; the reply was garbage (tiny models loop in
                        # strings). complete() already retried with the error fed back, and
                        # the same greedy prompt again would repeat itself: reject it.
                        report = malformed(
                            exc.last_text, str(exc), job_key=job.key, round_=job.round,
                            task_index=job.task_index, chunk=job.chunk,
                        )  # fmt: skip
                        return JobResult(job, "done", attempt, time.perf_counter() - start, report)
                    if attempt <= self.retries:
                        await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
                    continue
                report = check(job, reply.parsed)
                return JobResult(job, "done", attempt, time.perf_counter() - start, report)
        if isinstance(error, BackendUnavailableError):
            raise DispatchAborted(f"worker {worker.name} is unreachable: {error}") from error
        return JobResult(
            job, "failed", self.retries + 1, time.perf_counter() - start, error=str(error)
        )

    async def run(
        self,
        jobs: list[Job],
        check: Checker,
        on_result: Callable[[JobResult], None] | None = None,
        on_start: Callable[[Job], None] | None = None,
    ) -> list[JobResult]:
        """Run every job; results come back in job order. ``on_start`` is told when a job
        gets a worker slot, ``on_result`` when it is finished."""

        async def run_one(job: Job) -> JobResult:
            result = await self._one(job, check, on_start)
            if on_result is not None:
                on_result(result)
            return result

        tasks = [asyncio.create_task(run_one(job)) for job in jobs]
        try:
            return list(await asyncio.gather(*tasks))
        except BaseException:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
