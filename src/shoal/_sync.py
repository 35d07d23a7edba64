"""Running shoal's async code from synchronous callers, wherever they are.

``asyncio.run`` fails inside a running event loop (Jupyter, FastAPI handlers, a test that
is itself async). There, the coroutine runs on a fresh loop in a worker thread and the
caller waits for it, as ``httpx``'s and ``openai``'s sync clients behave from any context.
Context variables (the ledger's scope) are copied into that thread.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion and return its result, from sync code in any context."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    result: list[T] = []
    error: list[BaseException] = []
    ctx = contextvars.copy_context()

    def target() -> None:
        try:
            result.append(ctx.run(asyncio.run, coro))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            error.append(exc)

    thread = threading.Thread(target=target, name="shoal-sync", daemon=True)
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]
