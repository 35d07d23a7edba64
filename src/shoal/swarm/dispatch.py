"""Running jobs on workers: concurrently, bounded per backend, with deadlines and retries.

Jobs arrive chunk-major (all tasks of chunk 0, then chunk 1, ...) and each chunk is
pinned to one worker, so consecutive calls on a model share the chunk as a prompt
prefix and its KV cache is reused. Semaphores are FIFO, so that order survives.

A job that still fails after its retries is a *failed job* (recorded; its text is
reported as unread) and the run goes on. A backend that stays unreachable stops the
dispatch with ``DispatchAborted``: everything finished so far has already been handed
to ``on_result`` (and stored), so the run can be resumed.

The dispatcher knows nothing of what a job asks: a job carries its messages and schema,
and the caller's ``check`` turns the parsed reply into whatever it verifies (a lookup's
``Report``, a unit's records).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from shoal.errors import (
    BackendUnavailableError,
    DispatchAborted,
    ShoalError,
    StructuredOutputError,
)
from shoal.models.base import Model
from shoal.swarm import prompts
from shoal.swarm.chunk import Chunk
from shoal.swarm.executor import Call, Executor, LocalExecutor
from shoal.types import Message

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = {"llama": 2, "openai-compat": 8, "openai": 16, "scripted": 64}
T = TypeVar("T")


@dataclass(frozen=True)
class Job:
    key: str
    round: int
    task_index: int
    instruction: str
    advice: str
    chunk: Chunk
    messages: tuple[Message, ...] = ()
    """The prompt; empty means the lookup worker's prompt for ``instruction`` on ``chunk``."""
    schema: dict[str, Any] | None = field(default=None, hash=False, compare=False)
    max_tokens: int | None = None

    def prompt(self) -> list[Message]:
        if self.messages:
            return list(self.messages)
        return prompts.worker_messages(self.chunk.text, self.instruction, self.advice)


@dataclass
class JobResult(Generic[T]):
    job: Job
    status: str  # "done" | "failed"
    attempts: int
    seconds: float
    report: T | None = None
    error: str | None = None
    served_by: str | None = None
    """Where the job ran, when that is not this process (a Ray node, a fleet endpoint)."""
    payload: Any = None
    """Structured output beyond one answer and quote (extracted records)."""
    model: str = ""


Check = Callable[[Job, dict[str, Any]], T]
Malformed = Callable[[Job, str, str], T]
"""What a reply that never became valid JSON is: (job, text, error) -> a rejected result."""


class Dispatcher:
    """Runs jobs on workers through an executor.

    Several workers of one role (a fleet of model servers) are used together: a job goes to
    its chunk's home worker (so the chunk's prefix is reused) unless that one is busier than
    the least busy by more than ``SLACK`` outstanding jobs, or is down. A worker whose
    backend is unreachable is taken out for ``COOLDOWN`` seconds and its job tried on
    another; only when every worker is down does the dispatch stop (``DispatchAborted``)."""

    SLACK = 2
    COOLDOWN = 30.0

    def __init__(
        self,
        workers: list[Model],
        *,
        concurrency: int | None = None,
        timeout: float | None = 120.0,
        retries: int = 2,
        backoff: float = 0.5,
        max_tokens: int = 160,
        executor: Executor | None = None,
    ):
        if not workers:
            raise ValueError("at least one worker model is needed")
        self.workers = workers
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_tokens = max_tokens
        self.executor: Executor = executor or LocalExecutor()
        self._limits = {
            id(w): asyncio.Semaphore(concurrency or DEFAULT_CONCURRENCY.get(w.info.backend, 8))
            for w in workers
        }
        self._outstanding = {id(w): 0 for w in workers}
        self._down_until = {id(w): 0.0 for w in workers}
        self.moved = 0
        """Jobs tried on another worker after theirs went down."""

    def worker_for(self, job: Job) -> Model:
        """The job's home worker (its chunk's)."""
        return self.workers[job.chunk.index % len(self.workers)]

    def _up(self) -> list[Model]:
        now = time.monotonic()
        return [w for w in self.workers if self._down_until[id(w)] <= now]

    def _pick(self, job: Job) -> Model | None:
        up = self._up()
        if not up:
            return None
        home = self.worker_for(job)
        least = min(self._outstanding[id(w)] for w in up)
        if home in up and self._outstanding[id(home)] <= least + self.SLACK:
            return home
        return min(up, key=lambda w: self._outstanding[id(w)])

    async def _one(
        self,
        job: Job,
        check: Check[T],
        malformed: Malformed[T],
        on_start: Callable[[Job], None] | None = None,
    ) -> JobResult[T]:
        messages = job.prompt()
        error: ShoalError | None = None
        attempt = 0
        moves = 0
        start = time.perf_counter()
        worker = self.worker_for(job)
        while attempt <= self.retries:
            picked = self._pick(job)
            if picked is None:
                break  # every worker is down
            worker = picked
            self._outstanding[id(worker)] += 1
            try:
                async with self._limits[id(worker)]:
                    if attempt == 0 and moves == 0:
                        start = time.perf_counter()  # seconds on a worker, not in the queue
                        if on_start is not None:
                            on_start(job)
                    call = Call(worker, messages, job.schema or prompts.REPORT_SCHEMA,
                                job.max_tokens or self.max_tokens, self.timeout,
                                job.chunk.index)  # fmt: skip
                    reply, served = await self.executor.complete(call)
            except BackendUnavailableError as exc:
                error = exc
                self._down_until[id(worker)] = time.monotonic() + self.COOLDOWN
                log.info("job %s: %s is down (%s)", job.key, worker.name, exc)
                if self._up() and moves < len(self.workers):
                    moves += 1
                    self.moved += 1
                    continue  # another worker takes it; not the job's fault
                attempt += 1
                if attempt <= self.retries:
                    await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
                continue
            except StructuredOutputError as exc:
                # The text was read; the reply was garbage (tiny models loop in strings).
                # complete() already retried with the error fed back, and the same greedy
                # prompt again would repeat itself: reject it.
                bad = malformed(job, exc.last_text, str(exc))
                return JobResult(job, "done", attempt + 1, time.perf_counter() - start, bad,
                                 model=worker.name)  # fmt: skip
            except ShoalError as exc:
                error = exc
                log.info("job %s attempt %d failed: %s", job.key, attempt + 1, exc)
                attempt += 1
                if attempt <= self.retries:
                    await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
                continue
            finally:
                self._outstanding[id(worker)] -= 1
            report = check(job, reply.parsed)
            return JobResult(job, "done", attempt + 1, time.perf_counter() - start, report,
                             served_by=served, model=worker.name)  # fmt: skip
        if isinstance(error, BackendUnavailableError) or not self._up():
            raise DispatchAborted(
                f"every worker is unreachable (last: {worker.name}: {error})"
            ) from error
        return JobResult(job, "failed", self.retries + 1, time.perf_counter() - start,
                         error=str(error), model=worker.name)  # fmt: skip

    async def run(
        self,
        jobs: list[Job],
        check: Check[T],
        malformed: Malformed[T],
        on_result: Callable[[JobResult[T]], None] | None = None,
        on_start: Callable[[Job], None] | None = None,
    ) -> list[JobResult[T]]:
        """Run every job; results come back in job order. ``on_start`` is told when a job
        gets a worker slot, ``on_result`` when it is finished."""

        async def run_one(job: Job) -> JobResult[T]:
            result = await self._one(job, check, malformed, on_start)
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
