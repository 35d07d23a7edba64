"""The ledger: where every model call is written down, with what it cost.

``Model`` records each attempt here, so no caller can forget to. Which ledger, run and
role a call belongs to travel in context variables (``scope``), which asyncio copies into
every task: a swarm sets them once and thousands of concurrent jobs inherit them.

Where calls go is explicit. The CLI and the server record every call in their database;
``Swarm`` and ``Memory`` record in theirs. A plain library call (``get_model(...).complete``)
outside any scope is recorded only if the program asked for it, with ``record_calls(db)``
or the ``SHOAL_DB`` environment variable; otherwise it is priced (``reply.cost_usd``) and
not written anywhere.

Rows are written by the store's one background writer, batched (``Store.queue_row``): one
SQLite transaction per call on the event loop would dominate a fast dispatch. A crash can
lose at most the last unflushed batch of *call records*; job results are stored by the
swarm.
"""

from __future__ import annotations

import atexit
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from shoal.types import Reply, Usage

if TYPE_CHECKING:
    from shoal.models.base import Model
    from shoal.store import Store

log = logging.getLogger(__name__)


class Ledger:
    """Writes call records to ``store`` (or nowhere, with ``store=None``)."""

    def __init__(self, store: Store | None):
        self.store = store

    def add(self, row: dict[str, Any]) -> None:
        if self.store is not None:
            self.store.queue_row("calls", row)

    def flush(self) -> None:
        """Kept for callers of 0.1: rows are handed to the writer as they come."""

    def sync(self) -> None:
        """Wait until every recorded call is committed."""
        if self.store is not None:
            self.store.drain()


NOWHERE = Ledger(None)

_ledger: ContextVar[Ledger | None] = ContextVar("shoal_ledger", default=None)
_run_id: ContextVar[str | None] = ContextVar("shoal_run_id", default=None)
_role: ContextVar[str] = ContextVar("shoal_role", default="call")
_default: Ledger | None = None


def record_calls(db: str | Store | None = None) -> Ledger:
    """Record every model call made outside a scope in ``db`` (a URL, a SQLite path, a
    ``Store``, or None for ``SHOAL_DB`` / ``SHOAL_HOME/shoal.db``). Returns the ledger."""
    global _default
    from shoal.store import Store

    store = db if isinstance(db, Store) else Store(db)
    if _default is not None and _default.store is not None:
        _default.sync()
    _default = Ledger(store)
    atexit.register(_default.sync)
    return _default


def current() -> Ledger:
    """The ledger in scope; else the one ``record_calls`` set (or ``SHOAL_DB`` names);
    else ``NOWHERE``."""
    ledger = _ledger.get()
    if ledger is not None:
        return ledger
    if _default is None and os.environ.get("SHOAL_DB"):
        return record_calls()
    return _default or NOWHERE


def current_run_id() -> str | None:
    return _run_id.get()


@contextmanager
def scope(
    ledger: Ledger | None = None, run_id: str | None = None, role: str | None = None
) -> Iterator[None]:
    """Route calls made inside this block to ``ledger``, tagged with ``run_id``/``role``."""
    tokens: list[tuple[ContextVar[Any], Any]] = []
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
            var.reset(token)


def _row(
    model: Model, usage: Usage, seconds: float, cost: float, role: str | None
) -> dict[str, Any]:
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
        "cost_usd": cost,
        "ok": True,
        "error": None,
    }


def record(model: Model, reply: Reply, role: str | None = None) -> None:
    """Write down a finished call; ``reply.cost_usd`` is already priced."""
    current().add(_row(model, reply.usage, reply.seconds, reply.cost_usd, role))


def record_failure(model: Model, seconds: float, error: Exception, role: str | None = None) -> None:
    """A failed call: no tokens, but the machine time it took is paid for all the same."""
    from shoal.pricing import call_cost

    row = _row(model, Usage(), seconds, call_cost(model.info, Usage(), seconds), role)
    row.update(ok=False, error=f"{type(error).__name__}: {error}"[:2000])
    current().add(row)
