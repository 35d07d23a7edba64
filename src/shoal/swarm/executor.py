"""Where a job's model call runs: the seam between the dispatcher and the machines.

The dispatcher keeps what it does (bounded concurrency, deadlines, retries, recording every
job, resume) and hands each call to an executor:

- ``LocalExecutor``: in this process (the models' own backends: embedded llama.cpp, an
  OpenAI-compatible server, a fleet of them);
- ``RayExecutor`` (``shoal.cluster``): Ray actors that load their model once and serve many
  jobs, across the nodes of a Ray cluster.

Whatever runs the call, the reply comes back here, and is priced and recorded in this
process's ledger with the job's run and role, and where it ran (``served_by``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from shoal.models.base import Model
from shoal.types import Message, Reply


@dataclass
class Call:
    """One model call of a job, as an executor needs it."""

    worker: Model
    messages: list[Message]
    schema: dict[str, Any] | None
    max_tokens: int
    timeout: float | None
    affinity: int
    """Jobs with the same affinity (the same chunk) should run where the last one ran, so
    the chunk's KV prefix is reused."""


class Executor(Protocol):
    name: str

    async def complete(self, call: Call) -> tuple[Reply, str | None]:
        """The validated reply, and where it ran (None: this process). Raises a
        ``ShoalError`` as ``Model.complete`` does; ``BackendUnavailableError`` when the
        place it ran is gone (the dispatcher tries elsewhere)."""
        ...

    async def aclose(self) -> None: ...

    def stats(self) -> dict[str, Any]:
        """What the executor did that the run should report (e.g. retried jobs)."""
        ...


class LocalExecutor:
    """Calls run in this process, through the models' own backends."""

    name = "local"

    async def complete(self, call: Call) -> tuple[Reply, str | None]:
        reply = await call.worker.complete(
            call.messages, schema=call.schema, max_tokens=call.max_tokens, role="worker",
            timeout=call.timeout, retries=1,
        )  # fmt: skip
        served = getattr(call.worker, "base_url", None)
        return reply, served

    async def aclose(self) -> None:
        return None

    def stats(self) -> dict[str, Any]:
        return {}
