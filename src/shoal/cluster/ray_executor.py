"""Worker calls in Ray actors.

An actor (``WorkerActor``) holds one model, loaded once, and answers calls asynchronously.
The executor keeps a pool per worker spec, one actor per node by default (``SPREAD``), and
sends a call to ``pool[affinity % size]``: the jobs of one chunk meet the same actor and its
KV cache. If the actor (or its node) dies mid-call, it leaves the pool at once and the call
is sent to a live one; ``retried`` counts these. A replacement is started in the background
and joins the pool only once it has loaded its model: after a node dies there may be no room
for it, and a job must never wait on an actor that cannot be placed. Replies come back as
plain data and are priced and recorded in the driver's ledger.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from typing import Any

from shoal import ledger
from shoal.errors import BackendUnavailableError, ModelTimeoutError, ShoalError
from shoal.models.base import Model
from shoal.swarm.executor import Call
from shoal.types import Reply, Usage

log = logging.getLogger(__name__)

Factory = Callable[[str], Model]
"""Builds the model for a spec inside an actor (default: ``shoal.models.get_model``); it is
shipped to the actors, so a test can give them a scripted model."""


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ShoalError("--executor ray needs the [ray] extra: pip install 'shoal[ray]'") from exc
    return ray


def _actor_class() -> Any:
    ray = _ray()

    @ray.remote(max_restarts=0, max_task_retries=0)
    class WorkerActor:
        """One model, loaded once, serving calls."""

        def __init__(self, spec: str, factory: Factory | None) -> None:
            from shoal.models import get_model

            self.model = factory(spec) if factory is not None else get_model(spec)
            self.node = ray.get_runtime_context().get_node_id()

        def where(self) -> str:
            return f"{self.node}:{os.getpid()}"

        async def complete(
            self, messages: list[dict[str, str]], schema: dict[str, Any] | None,
            max_tokens: int, timeout: float | None,
        ) -> dict[str, Any]:  # fmt: skip
            with ledger.scope(ledger.NOWHERE):  # recorded by the driver, from the reply
                reply = await self.model.complete(
                    messages, schema=schema, max_tokens=max_tokens, role="worker",
                    timeout=timeout, retries=1,
                )  # fmt: skip
            return {
                "text": reply.text, "parsed": reply.parsed,
                "usage": [reply.usage.prompt_tokens, reply.usage.completion_tokens,
                          reply.usage.cached_tokens, reply.usage.calls],
                "seconds": reply.seconds, "finish": reply.finish_reason,
                "attempts": reply.attempts, "node": self.node, "pid": os.getpid(),
            }  # fmt: skip

    return WorkerActor


class RayExecutor:
    """Worker calls on a Ray cluster (``address``: a running cluster; None: start a local
    one in this process)."""

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        *,
        actors_per_spec: int | None = None,
        factory: Factory | None = None,
        num_cpus: float = 1.0,
        max_replacements: int = 5,
        ready_seconds: float = 120.0,
    ):
        if not address:
            # a cluster of this machine alone: keep it on the loopback interface (Ray
            # otherwise advertises, and waits on, the host's network address; it reads this
            # when first imported)
            os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        ray = _ray()
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"log_to_driver": False, "include_dashboard": False}
            if address:
                kwargs["address"] = address
            else:
                kwargs.update(num_cpus=os.cpu_count() or 2, object_store_memory=200 * 2**20)
            ray.init(**kwargs)
        self.ray = ray
        self.actors_per_spec = actors_per_spec
        self.factory = factory
        self.num_cpus = num_cpus
        self.max_replacements = max_replacements
        self.pools: dict[str, list[Any]] = {}
        self.retried = 0
        self.replaced = 0
        self.ready_seconds = ready_seconds
        self._starting: set[asyncio.Task[None]] = set()

    def nodes(self) -> int:
        return max(1, sum(1 for n in self.ray.nodes() if n.get("Alive")))

    def _new_actor(self, spec: str) -> Any:
        cls = _actor_class()
        return cls.options(num_cpus=self.num_cpus, scheduling_strategy="SPREAD").remote(
            spec, self.factory
        )

    def pool(self, spec: str) -> list[Any]:
        if spec not in self.pools:
            size = self.actors_per_spec or self.nodes()
            self.pools[spec] = [self._new_actor(spec) for _ in range(size)]
        return self.pools[spec]

    def _replace(self, spec: str, actor: Any) -> None:
        """Take a dead actor out of its pool and start a replacement in the background."""
        pool = self.pools[spec]
        if actor not in pool:
            return  # another call already saw it die
        pool.remove(actor)
        task = asyncio.get_running_loop().create_task(self._join(spec, self._new_actor(spec)))
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)

    async def _join(self, spec: str, actor: Any) -> None:
        """Add ``actor`` to the pool once it answers (its model is loaded); give up on it
        if it cannot be placed in time (no room left on the live nodes)."""
        try:
            await asyncio.wait_for(actor.where.remote(), timeout=self.ready_seconds)
        except Exception as exc:  # noqa: BLE001 - any failure: the replacement is not used
            log.warning("a replacement Ray worker for %s did not start: %s", spec, exc)
            with contextlib.suppress(Exception):
                self.ray.kill(actor)
            return
        self.pools[spec].append(actor)
        self.replaced += 1

    async def _live_pool(self, spec: str) -> list[Any]:
        """The spec's live actors; when none is left, wait for a replacement to join."""
        pool = self.pool(spec)
        deadline = asyncio.get_running_loop().time() + self.ready_seconds
        while not pool and self._starting and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.2)
        if not pool:
            raise BackendUnavailableError(
                f"{spec}: no Ray worker is alive and none could be started; the cluster may "
                "be gone or full"
            )
        return pool

    async def complete(self, call: Call) -> tuple[Reply, str | None]:
        ray = self.ray
        spec = call.worker.name
        for tries in range(self.max_replacements + 1):
            pool = await self._live_pool(spec)
            actor = pool[call.affinity % len(pool)]
            ref = actor.complete.remote(call.messages, call.schema, call.max_tokens, call.timeout)
            try:
                if call.timeout is not None:
                    raw = await asyncio.wait_for(ref, timeout=call.timeout + 30)
                else:
                    raw = await ref
            except TimeoutError as exc:
                # actor tasks cannot be force-cancelled (Ray raises ValueError): ask politely
                with contextlib.suppress(Exception):
                    ray.cancel(ref)
                raise ModelTimeoutError(f"{spec} on Ray did not answer in time") from exc
            except (ray.exceptions.RayActorError, ray.exceptions.ActorUnavailableError,
                    ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError,
                    ray.exceptions.ObjectLostError) as exc:  # fmt: skip
                if actor in self.pools[spec]:  # said once per dead actor, not once per job
                    log.warning("a Ray worker for %s died (%s); its jobs go to the others",
                                spec, type(exc).__name__)  # fmt: skip
                self._replace(spec, actor)
                if tries == 0:
                    self.retried += 1
                continue
            except ray.exceptions.RayTaskError as exc:
                cause = exc.cause if hasattr(exc, "cause") else None
                if isinstance(cause, ShoalError):
                    raise cause from None
                raise ShoalError(f"{spec} on Ray failed: {exc}") from exc
            usage = Usage(*raw["usage"])
            reply = Reply(raw["text"], spec, usage, raw["seconds"], raw["parsed"],
                          raw["finish"], raw["attempts"])  # fmt: skip
            call.worker.price(reply)
            ledger.record(call.worker, reply, role="worker")
            return reply, f"ray:{raw['node'][:12]}:{raw['pid']}"
        raise BackendUnavailableError(
            f"{spec}: {self.max_replacements} Ray workers died in a row; the cluster may be gone"
        )

    async def aclose(self) -> None:
        for task in list(self._starting):
            task.cancel()
        for pool in self.pools.values():
            for actor in pool:
                try:
                    self.ray.kill(actor)
                except Exception:  # noqa: BLE001 - best effort at shutdown
                    continue
        self.pools.clear()

    def stats(self) -> dict[str, Any]:
        return {"executor": "ray", "nodes": self.nodes(), "retried_jobs": self.retried,
                "replaced_actors": self.replaced,
                "actors": {s: len(p) for s, p in self.pools.items()}}  # fmt: skip


_EXECUTORS: dict[tuple[str | None, int], RayExecutor] = {}


def ray_executor(address: str | None = None, factory: Factory | None = None) -> RayExecutor:
    """One executor per cluster address (and factory) in a process: actors, and the
    models they loaded, serve every run."""
    key = (address, id(factory))
    if key not in _EXECUTORS:
        _EXECUTORS[key] = RayExecutor(address, factory=factory)
    return _EXECUTORS[key]
