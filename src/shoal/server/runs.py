"""Runs in the server: started in the background, their events fanned out to watchers.

Each event a ``Swarm`` emits gets a sequence number, is kept in memory while the run is
recent and written to the ``events`` table (batched, off the event loop), so a page can
watch a live run and replay a finished one, even after a restart. Per-tenant slots bound
how much one key can run at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shoal.errors import ShoalError
from shoal.server.errors import APIError
from shoal.store import Store
from shoal.swarm import Swarm
from shoal.swarm.documents import Document
from shoal.swarm.result import Event
from shoal.swarm.swarm import new_run_id

log = logging.getLogger(__name__)

RECENT_RUNS = 200
"""Finished runs whose events stay in memory; older ones are replayed from the database."""


@dataclass
class LiveRun:
    id: str
    tenant: str
    events: list[dict[str, Any]] = field(default_factory=list)
    done: bool = False
    answer: Any = None
    """An ``Answer`` (swarm runs) or a ``CodeResult`` (code runs)."""
    error: str | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    lease: Lease | None = None
    size: int = 0
    """Characters of input it reads (counted against the tenant while it runs)."""

    def wake(self) -> None:
        self.changed.set()
        self.changed = asyncio.Event()


class Lease:
    """One slot held by a tenant; ``release`` is idempotent, so every exit path may call it."""

    def __init__(self, slots: Slots, tenant: str):
        self.slots, self.tenant, self.held = slots, tenant, True

    def release(self) -> None:
        if self.held:
            self.held = False
            self.slots.give(self.tenant)

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


class Slots:
    """Concurrent work per tenant; the one over the limit is refused with 429."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used: dict[str, int] = {}

    def take(self, tenant: str) -> Lease:
        if self.used.get(tenant, 0) >= self.limit:
            raise APIError(
                429,
                f"this key already has {self.limit} runs or completions in flight; "
                "wait for one to finish",
                "too_many_concurrent_requests",
            )
        self.used[tenant] = self.used.get(tenant, 0) + 1
        return Lease(self, tenant)

    def give(self, tenant: str) -> None:
        self.used[tenant] -= 1
        if not self.used[tenant]:
            del self.used[tenant]


class RunHub:
    def __init__(
        self, store: Store, slots: Slots, job_timeout: float = 300.0,
        max_tenant_bytes: int | None = None, executor: str = "local",
        ray_address: str | None = None,
    ):  # fmt: skip
        self.store = store
        self.slots = slots
        self.job_timeout = job_timeout
        self.max_tenant_bytes = max_tenant_bytes
        self.executor, self.ray_address = executor, ray_address
        self.inflight: dict[str, int] = {}
        """Characters of input each tenant's live runs read."""
        self.runs: OrderedDict[str, LiveRun] = OrderedDict()
        self.watchers: dict[str, int] = {}
        """Open event streams per run (so a shutdown can wait for them to drain)."""

    def start(
        self,
        tenant: str,
        docs: Sequence[Document],
        question: str,
        lead: str,
        workers: list[str],
        strategy: str = "swarm",
        options: Mapping[str, Any] | None = None,
    ) -> LiveRun:
        """Start a run in the background (a slot is taken now, or 429) and return it.
        Models are given as specs, which the run stores so it can be resumed; ``options``
        are more ``Swarm`` settings (the request's), checked before a slot is taken."""
        size = sum(len(d.text) for d in docs)
        used = self.inflight.get(tenant, 0)
        if self.max_tenant_bytes is not None and used + size > self.max_tenant_bytes:
            raise APIError(
                429,
                f"this key's runs in flight already read {used:,} characters; another "
                f"{size:,} would pass its limit of {self.max_tenant_bytes:,}: wait for one "
                "to finish",
                "too_much_input_in_flight",
            )
        run = LiveRun(new_run_id(), tenant)
        swarm = self._swarm(run, lead, workers, **(options or {}))  # a bad setting: 400 here
        self._launch(run)
        run.size = size
        self.inflight[tenant] = used + size
        work = swarm.aask(list(docs), question, strategy, tenant=tenant, run_id=run.id)
        run.task = asyncio.create_task(self._run(run, work))
        return run

    def start_code(
        self, tenant: str, task: str, *, prompt: str, tests: str, entry_point: str, model: str,
        rounds: int, candidates: int, draft: str = "", sample_when: str = "failure",
    ) -> LiveRun:  # fmt: skip
        """Start a write-run-fix loop in the background (a slot is taken now, or 429)."""
        from shoal.code import Coder

        run = self._launch(LiveRun(new_run_id(), tenant))
        coder = Coder(model, store=self.store, rounds=rounds, candidates=candidates,
                      sample_when=sample_when,
                      on_event=lambda event: self._on_event(run, event))  # fmt: skip
        work = coder.asolve(task, prompt=prompt, tests=tests, entry_point=entry_point,
                            tenant=tenant, run_id=run.id, draft=draft)  # fmt: skip
        run.task = asyncio.create_task(self._run(run, work))
        return run

    def resume(
        self, tenant: str, run_id: str, lead: str, workers: list[str], strategy: str = "swarm"
    ) -> LiveRun:
        """Carry on an interrupted run (server stopped, backend died): finished jobs are
        read back, only the rest run. Its stored events are kept and new ones follow. For a
        code run, ``lead`` is its model."""
        live = self.runs.get(run_id)
        if live is not None and not live.done:
            raise APIError(409, f"run {run_id} is already running", "run_in_progress")
        run = LiveRun(run_id, tenant)
        for row in self.store.get_events(run_id):
            run.events.append({"seq": row["seq"], "kind": row["kind"], "data": row["data"],
                               "ts": row["ts"]})  # fmt: skip
        run = self._launch(run)
        work: Awaitable[Any]
        if strategy == "code":
            from shoal.code import Coder

            coder = Coder(lead, store=self.store,
                          on_event=lambda event: self._on_event(run, event))  # fmt: skip
            work = coder.aresume(run_id)
        else:
            work = self._swarm(run, lead, workers).aresume(run_id)
        run.task = asyncio.create_task(self._run(run, work))
        return run

    def _launch(self, run: LiveRun) -> LiveRun:
        run.lease = self.slots.take(run.tenant)
        self.runs[run.id] = run
        self.runs.move_to_end(run.id)
        self._trim()
        return run

    def _swarm(self, run: LiveRun, lead: str, workers: list[str], **options: Any) -> Swarm:
        return Swarm(lead=lead, workers=workers, store=self.store, job_timeout=self.job_timeout,
                     executor=self.executor, ray_address=self.ray_address,
                     on_event=lambda event: self._on_event(run, event), **options)  # fmt: skip

    async def _run(self, run: LiveRun, work: Awaitable[Any]) -> None:
        """Await ``work`` (a swarm's or a coder's), keep its result, free the slot."""
        try:
            run.answer = await work
        except ShoalError as exc:
            run.error = str(exc)  # the swarm has already stored the run and emitted "error"
        except Exception as exc:
            log.exception("run %s crashed", run.id)
            run.error = f"internal error: {type(exc).__name__}: {exc}"
            self._on_event(run, Event("error", {"run_id": run.id, "error": run.error}))
        finally:
            if run.lease is not None:
                run.lease.release()
            if run.size:
                left = self.inflight.get(run.tenant, 0) - run.size
                if left > 0:
                    self.inflight[run.tenant] = left
                else:
                    self.inflight.pop(run.tenant, None)
            run.done = True
            run.wake()
            try:
                await asyncio.to_thread(self.store.drain)  # events durable before "done"
            except ShoalError as exc:
                log.error("run %s: storing events failed: %s", run.id, exc)

    def _on_event(self, run: LiveRun, event: Event) -> None:
        seq = len(run.events)
        item = {"seq": seq, "kind": event.kind, "data": event.data, "ts": time.time()}
        run.events.append(item)
        self.store.queue_event(run.id, seq, event.kind, event.data)
        run.wake()

    def _trim(self) -> None:
        while len(self.runs) > RECENT_RUNS:
            oldest_id, oldest = next(iter(self.runs.items()))
            if not oldest.done:
                break
            del self.runs[oldest_id]

    def visible(self, run_id: str, tenant: str) -> bool:
        """Whether ``tenant`` may see the run (live in memory or stored)."""
        run = self.runs.get(run_id)
        if run is not None:
            return run.tenant == tenant
        return self.store.get_run(run_id, tenant=tenant) is not None

    async def events(self, run_id: str, after: int = -1) -> AsyncIterator[dict[str, Any]]:
        """Every event of the run after ``after``, then live ones until it ends. The caller
        has checked that the tenant may see the run."""
        after = max(-1, after)
        run = self.runs.get(run_id)
        if run is None:
            for row in await asyncio.to_thread(self.store.get_events, run_id, after):
                yield {"seq": row["seq"], "kind": row["kind"], "data": row["data"], "ts": row["ts"]}
            return
        self.watchers[run_id] = self.watchers.get(run_id, 0) + 1
        try:
            while True:
                changed = run.changed
                while after + 1 < len(run.events):
                    after += 1
                    yield run.events[after]
                if run.done:
                    return
                await changed.wait()
        finally:
            self.watchers[run_id] -= 1
            if not self.watchers[run_id]:
                del self.watchers[run_id]

    async def interrupt(self, why: str, grace: float = 5.0) -> None:
        """Stop every live run (each is stored as interrupted, with its finished jobs, and
        emits its final event), then give watchers ``grace`` seconds to read it."""
        live = [r for r in self.runs.values() if r.task is not None and not r.done]
        for r in live:
            assert r.task is not None
            r.task.cancel(why)
        await asyncio.gather(*(r.task for r in live if r.task), return_exceptions=True)
        if live:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(grace):
                    while any(w > 0 for w in self.watchers.values()):
                        await asyncio.sleep(0.05)

    async def shutdown(self) -> None:
        """Cancel live runs (they are stored as interrupted and can be resumed)."""
        tasks = [r.task for r in self.runs.values() if r.task is not None and not r.done]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
