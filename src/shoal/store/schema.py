"""Tables and migrations. SQLAlchemy Core, so SQLite and PostgreSQL share one definition.

Migrations are ordered functions applied once each and remembered in ``schema_version``.
Never edit a released migration: add the next one.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    inspect,
    select,
    text,
    update,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", Float, nullable=False),
)

calls = Table(
    "calls",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", Float, nullable=False, index=True),
    Column("run_id", String(32), index=True),
    Column("role", String(32), nullable=False),
    Column("model", String(200), nullable=False),
    Column("backend", String(32), nullable=False),
    Column("prompt_tokens", Integer, nullable=False),
    Column("completion_tokens", Integer, nullable=False),
    Column("cached_tokens", Integer, nullable=False),
    Column("seconds", Float, nullable=False),
    Column("cost_usd", Float, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("error", Text),
)

documents = Table(
    "documents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(500), nullable=False),
    Column("text", Text, nullable=False),
    Column("chars", Integer, nullable=False),
    Column("created", Float, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("created", Float, nullable=False, index=True),
    Column("updated", Float, nullable=False),
    Column("status", String(16), nullable=False),
    Column("strategy", String(16), nullable=False),
    Column("question", Text, nullable=False),
    Column("lead", String(200), nullable=False),
    Column("workers", String(200), nullable=False),
    Column("document_ids", JSON, nullable=False),
    Column("config", JSON, nullable=False),
    Column("state", JSON, nullable=False),
    Column("result", JSON),
    Column("error", Text),
    Column("tenant", String(64), index=True),  # added in v3
    # v5: a lease, so one process at a time owns a running run
    Column("lease_owner", String(64)),
    Column("lease_expires", Float),
)

jobs = Table(
    "jobs",
    metadata,
    Column("run_id", String(32), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("round", Integer, nullable=False),
    Column("task_index", Integer, nullable=False),
    Column("chunk_index", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("seconds", Float, nullable=False),
    Column("error", Text),
    # The worker's report, and the check's verdict on it.
    Column("answer", Text),
    Column("quote", Text),
    Column("confidence", Float),
    Column("supported", Boolean),
    Column("reason", Text),
    Column("doc_id", String(64)),
    Column("start", Integer),
    Column("end", Integer),
    Column("finished", Float, nullable=False),
    # v5: who read what. kind: worker (a worker read a chunk), read (a stronger model
    # re-read a passage), extract (records from a unit), note (a summary note); NULL in
    # older rows means worker. served_by: where the job ran (this process, a Ray node, an
    # endpoint of a fleet). lo/hi: the source span the job read (a chunk, a passage, a
    # unit). payload: structured output beyond one answer and quote (records, judgements).
    Column("kind", String(16)),
    Column("model", String(200)),
    Column("served_by", String(200)),
    Column("lo", Integer),
    Column("hi", Integer),
    Column("payload", JSON),
)


# --- v3: tenants (API keys), document ownership, stored run events ----------------------
api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("name", String(200), nullable=False),
    # sha256 of the whole key: keys are 256-bit random tokens, so a fast hash is enough
    # and lookups stay one indexed equality. The key itself is shown once and never stored.
    Column("hash", String(64), nullable=False, unique=True),
    Column("created", Float, nullable=False),
    Column("revoked", Float),
)

document_owners = Table(
    "document_owners",
    metadata,
    Column("tenant", String(64), primary_key=True),
    Column("doc_id", String(64), primary_key=True),
    Column("name", String(500), nullable=False),
    Column("created", Float, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("run_id", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("ts", Float, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("data", JSON, nullable=False),
)

# --- v4: memory (a user's whole conversation, append-only) --------------------------------
messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user", String(200), nullable=False),
    Column("thread", String(200), nullable=False),
    Column("ts", Float, nullable=False),
    Column("role", String(16), nullable=False),
    Column("content", Text, nullable=False),
    Column("meta", JSON),
    Index("ix_messages_user_thread", "user", "thread", "id"),
)

LOCAL_TENANT = "local"
"""The tenant of everything done without an API key: the CLI, ``shoal serve --no-auth``."""


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[calls])


def _v2(conn: Connection) -> None:
    metadata.create_all(conn, tables=[documents, runs, jobs])


def _v3(conn: Connection) -> None:
    metadata.create_all(conn, tables=[api_keys, document_owners, events])
    # v2 databases have runs without a tenant column; a fresh v2 step already made it.
    cols = {c["name"] for c in inspect(conn).get_columns("runs")}
    if "tenant" not in cols:
        conn.execute(text("ALTER TABLE runs ADD COLUMN tenant VARCHAR(64)"))
        conn.execute(text("CREATE INDEX ix_runs_tenant ON runs (tenant)"))
    conn.execute(update(runs).where(runs.c.tenant.is_(None)).values(tenant=LOCAL_TENANT))
    # Documents stored before v3 belong to the local user.
    rows = conn.execute(select(documents.c.id, documents.c.name, documents.c.created)).all()
    if rows:
        conn.execute(
            insert(document_owners),
            [{"tenant": LOCAL_TENANT, "doc_id": r.id, "name": r.name, "created": r.created}
             for r in rows],
        )  # fmt: skip


def _v4(conn: Connection) -> None:
    metadata.create_all(conn, tables=[messages])


def _add_missing(conn: Connection, table: Table, names: list[str]) -> None:
    """Add ``names`` columns to an older ``table`` (a fresh database already has them)."""
    have = {c["name"] for c in inspect(conn).get_columns(table.name)}
    for name in names:
        if name in have:
            continue
        column = table.c[name]
        kind = column.type.compile(dialect=conn.dialect)
        conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{name}" {kind}'))


def _v5(conn: Connection) -> None:
    _add_missing(conn, jobs, ["kind", "model", "served_by", "lo", "hi", "payload"])
    _add_missing(conn, runs, ["lease_owner", "lease_expires"])


MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, _v1), (2, _v2), (3, _v3), (4, _v4), (5, _v5),
]  # fmt: skip
