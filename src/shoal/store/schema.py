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
    Integer,
    MetaData,
    String,
    Table,
    Text,
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
)


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[calls])


def _v2(conn: Connection) -> None:
    metadata.create_all(conn, tables=[documents, runs, jobs])


MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [(1, _v1), (2, _v2)]
