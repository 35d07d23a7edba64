"""What an operator chooses when starting ``shoal serve``: one plain dataclass."""

from __future__ import annotations

from dataclasses import dataclass, field

from shoal.models import DEFAULT_LEAD, DEFAULT_WORKER

MB = 1024 * 1024


@dataclass
class Settings:
    db: str | None = None
    """Database URL or SQLite path; None means SHOAL_DB / SHOAL_HOME's default."""
    auth: bool = True
    """Require an API key. ``--no-auth`` serves one local tenant without keys."""
    lead: str = DEFAULT_LEAD
    worker: str = DEFAULT_WORKER
    fleet: list[str] = field(default_factory=list)
    """More worker specs for ``shoal`` beside ``worker`` (a fleet of model servers: jobs
    spread by load, a dead one routed around)."""
    models: list[str] = field(default_factory=list)
    """Model specs clients may name (pass-through, or inside ``shoal:LEAD+WORKER``).
    Only these: a spec like ``openai-compat:URL#M`` from a client would make the server
    fetch any URL, and ``openai:M`` would spend the operator's key."""
    max_body_bytes: int = 8 * MB
    max_document_bytes: int = 4 * MB
    """One document (an upload, a message read as a document)."""
    max_run_bytes: int = 8 * MB
    """All the documents one run or chat request reads, together."""
    max_tenant_bytes: int = 16 * MB
    """All the documents a key's runs in flight read, together: one key cannot tie the
    machine up with input however it splits it."""
    body_timeout: float = 30.0
    """Seconds a client may take between two pieces of a request body."""
    max_concurrent_per_key: int = 4
    """Runs and completions in flight per key; the next one gets 429."""
    max_tokens_limit: int = 4096
    executor: str = "local"
    """Where swarm workers run: ``local`` (this process) or ``ray``."""
    ray_address: str | None = None
    job_timeout: float = 300.0

    def allowed(self) -> list[str]:
        """Every spec a client may name, the default pair first, without repeats."""
        return list(dict.fromkeys([self.lead, *self.workers, *self.models]))

    @property
    def workers(self) -> list[str]:
        """The default swarm's workers: ``worker`` and the rest of the fleet."""
        return list(dict.fromkeys([self.worker, *self.fleet]))
