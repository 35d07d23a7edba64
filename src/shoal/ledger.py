"""The ledger: where every model call is paid for and written down.

``Model`` records each attempt here, so no caller can forget to. Which run and role a
call belongs to travels in context variables (``scope``), which asyncio copies into
every task: a swarm sets them once and thousands of concurrent jobs inherit them.

Writes are batched (every ``batch`` records or ``interval`` seconds, whichever comes
first) and committed on the store's background writer thread, because one SQLite
transaction per call on the event loop would dominate a fast dispatch. A crash can lose
at most the last unflushed batch of *call records*; job results are stored by the swarm.
"""

from __future__ import annotations

import atexit
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from shoal.pricing import LOCAL_BACKENDS, cost_usd
from shoal.types import Reply, Usage

if TYPE_CHECKING:
    from shoal.models.base import Model
    from shoal.store import Store

log = logging.getLogger(__name__)


class Ledger:
    def __init__(self, store: Store | None, batch: int = 64, interval: float = 0.25):
        self.store = store
        self.batch = batch
        self.interval = interval
        self._pending: list[dict[str, Any]] = []
        self._last_flush = time.monotonic()
        self.totals: dict[str, Usage] = {}
        self.cost: dict[str, float] = {}

    def add(self, row: dict[str, Any]) -> None:
        role = row["role"]
        self.totals[role] = self.totals.get(role, Usage()) + Usage(
            row["prompt_tokens"], row["completion_tokens"], row["cached_tokens"], 1
        )
        self.cost[role] = self.cost.get(role, 0.0) + row["cost_usd"]
        if self.store is None:
            return
        self._pending.append(row)
        if len(self._pending) >= self.batch or time.monotonic() - self._last_flush > self.interval:
            self.flush()

    def flush(self) -> None:
        if self.store is None or not self._pending:
            return
        rows, self._pending = self._pending, []
        self._last_flush = time.monotonic()
        store = self.store
        store.writer.submit(lambda: store.insert_calls(rows))

    def sync(self) -> None:
        """Flush and wait until every recorded call is committed."""
        self.flush()
        if self.store is not None:
            self.store.drain()


_ledger: ContextVar[Ledger | None] = ContextVar("shoal_ledger", default=None)
_run_id: ContextVar[str | None] = ContextVar("shoal_run_id", default=None)
_role: ContextVar[str] = ContextVar("shoal_role", default="call")
_default: Ledger | None = None


def current() -> Ledger:
    """The ledger in scope, else a process-wide one on the default database."""
    global _default
    ledger = _ledger.get()
    if ledger is not None:
        return ledger
    if _default is None:
        from shoal.store import Store

        _default = Ledger(Store())
        atexit.register(_default.sync)
    return _default


def current_run_id() -> str | None:
    return _run_id.get()


@contextmanager
def scope(
    ledger: Ledger | None = None, run_id: str | None = None, role: str | None = None
) -> Iterator[None]:
    """Route calls made inside this block to ``ledger``, tagged with ``run_id``/``role``."""
    tokens = []
    if ledger is not None:
        tokens.append((_ledger, _ledger.set(ledger)))
    if run_id is not None:
        tokens.append((_run_id, _run_id.set(run_id)))
    if role is not None:
        tokens.append((_role, _role.set(role)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)  # type: ignore[attr-defined]


def _row(model: Model, usage: Usage, seconds: float, role: str | None) -> dict[str, Any]:
    local = model.info.backend in LOCAL_BACKENDS
    return {
        "ts": time.time(),
        "run_id": _run_id.get(),
        "role": role or _role.get(),
        "model": model.name,
        "backend": model.info.backend,
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "cached_tokens": usage.cached_tokens,
        "seconds": seconds,
        "cost_usd": cost_usd(model.name, usage, local),
        "ok": True,
        "error": None,
    }


def record(model: Model, reply: Reply, role: str | None = None) -> None:
    current().add(_row(model, reply.usage, reply.seconds, role))


def record_failure(model: Model, seconds: float, error: Exception, role: str | None = None) -> None:
    row = _row(model, Usage(), seconds, role)
    row.update(ok=False, error=f"{type(error).__name__}: {error}"[:2000])
    current().add(row)
