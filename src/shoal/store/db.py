"""The database: one ``Store`` over SQLite (default) or PostgreSQL.

All SQL goes through SQLAlchemy Core with bound parameters; no text from a document
or a model ever becomes SQL.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import JSON, Engine, create_engine, event, func, insert, select, update
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DatabaseError, OperationalError, SQLAlchemyError

from shoal.config import db_url
from shoal.errors import DiskFullError, StoreError
from shoal.store import schema
from shoal.store.schema import (
    LOCAL_TENANT,
    MIGRATIONS,
    api_keys,
    calls,
    document_owners,
    documents,
    events,
    jobs,
    messages,
    runs,
)

log = logging.getLogger(__name__)


class Writer:
    """Runs writes on one background thread, in order, so the event loop never waits on disk.

    ``drain()`` blocks until everything submitted so far is committed and re-raises the
    first write error, so a caller that must be durable (end of a run) can be.
    """

    def __init__(self) -> None:
        self._queue: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._loop, name="shoal-db-writer", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while True:
            fn = self._queue.get()
            try:
                if fn is None:
                    return
                fn()
            except Exception as exc:  # noqa: BLE001 - surfaced by drain()
                if self._error is None:
                    log.error("database write failed: %s", str(exc).splitlines()[0])
                    self._error = exc
            finally:
                self._queue.task_done()

    def submit(self, fn: Callable[[], None]) -> None:
        self._queue.put(fn)

    def drain(self) -> None:
        self._queue.join()
        if self._error is not None:
            error, self._error = self._error, None
            if isinstance(error, StoreError):
                raise error
            raise StoreError(f"a database write failed: {error}") from error


_FULL = ("database or disk is full", "no space left on device", "disk i/o error")


def _typed_error(context: ExceptionContext) -> None:
    """Every database failure leaves the store as a typed ``StoreError``; a full disk as
    ``DiskFullError`` (work done so far is committed; the run can be resumed)."""
    orig = context.original_exception
    text = str(orig).lower()
    url = context.engine.url.render_as_string(hide_password=True) if context.engine else "?"
    if any(f in text for f in _FULL) or getattr(orig, "sqlstate", None) == "53100":
        raise DiskFullError(
            f"the database at {url} is out of space ({str(orig).splitlines()[0]}); free some "
            "space, then resume: finished work is kept"
        ) from orig
    if isinstance(context.sqlalchemy_exception, OperationalError | DatabaseError):
        raise StoreError(f"database {url}: {str(orig).splitlines()[0]}") from orig


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets `shoal calls` read while a run writes; busy_timeout waits out a writer.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


class Store:
    """Typed access to the tables. Cheap to construct; migrates on open."""

    def __init__(self, url: str | None = None):
        self.url = db_url(url)
        kwargs: dict[str, Any] = {}
        if self.url in ("sqlite://", "sqlite:///:memory:"):
            # One in-memory database shared by every thread (the writer's included).
            from sqlalchemy.pool import StaticPool

            kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        try:
            self.engine: Engine = create_engine(self.url, future=True, **kwargs)
        except (SQLAlchemyError, ImportError) as exc:
            raise StoreError(f"cannot open database {self.url}: {exc}") from exc
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        event.listen(self.engine, "handle_error", _typed_error)
        self.migrate()
        self._writer: Writer | None = None
        self._writer_lock = threading.Lock()
        self._pending: dict[str, list[dict[str, Any]]] = {}

    @property
    def writer(self) -> Writer:
        with self._writer_lock:
            if self._writer is None:
                self._writer = Writer()
            return self._writer

    def drain(self) -> None:
        """Wait until every background write has been committed."""
        if self._writer is not None:
            self._writer.drain()

    # --- migrations ----------------------------------------------------------------
    def migrate(self) -> int:
        """Apply pending migrations; return the schema version."""
        try:
            with self.engine.begin() as conn:
                schema.metadata.create_all(conn, tables=[schema.schema_version])
                done = {r[0] for r in conn.execute(select(schema.schema_version.c.version))}
                for version, step in MIGRATIONS:
                    if version not in done:
                        step(conn)
                        conn.execute(
                            insert(schema.schema_version).values(
                                version=version, applied_at=time.time()
                            )
                        )
                return max([v for v, _ in MIGRATIONS])
        except StoreError as exc:
            raise StoreError(f"cannot use database {self.url}: {exc}") from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot use database {self.url}: {exc}") from exc

    def version(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(schema.schema_version.c.version))).scalar() or 0

    # --- calls ---------------------------------------------------------------------
    def insert_calls(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            with self.engine.begin() as conn:
                conn.execute(insert(calls), rows)

    def recent_calls(self, limit: int = 20, run_id: str | None = None) -> list[dict[str, Any]]:
        query = select(calls).order_by(calls.c.id.desc()).limit(limit)
        if run_id is not None:
            query = query.where(calls.c.run_id == run_id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def usage_by_role(self, run_id: str) -> dict[str, dict[str, Any]]:
        """Summed tokens, seconds and cost per role for one run."""
        query = (
            select(
                calls.c.role,
                func.count().label("calls"),
                func.sum(calls.c.prompt_tokens).label("prompt_tokens"),
                func.sum(calls.c.completion_tokens).label("completion_tokens"),
                func.sum(calls.c.cached_tokens).label("cached_tokens"),
                func.sum(calls.c.seconds).label("seconds"),
                func.sum(calls.c.cost_usd).label("cost_usd"),
            )
            .where(calls.c.run_id == run_id)
            .group_by(calls.c.role)
        )
        with self.engine.connect() as conn:
            return {r.role: dict(r._mapping) for r in conn.execute(query)}

    # --- documents -----------------------------------------------------------------
    def put_document(self, doc_id: str, name: str, text: str, tenant: str = LOCAL_TENANT) -> None:
        """Store a document once (ids are content hashes) and record that ``tenant`` has it."""
        now = time.time()
        with self.engine.begin() as conn:
            exists = conn.execute(select(documents.c.id).where(documents.c.id == doc_id)).first()
            if not exists:
                conn.execute(
                    insert(documents).values(
                        id=doc_id, name=name, text=text, chars=len(text), created=now
                    )
                )
            owned = conn.execute(
                select(document_owners.c.doc_id).where(
                    document_owners.c.doc_id == doc_id, document_owners.c.tenant == tenant
                )
            ).first()
            if not owned:
                conn.execute(
                    insert(document_owners).values(
                        tenant=tenant, doc_id=doc_id, name=name, created=now
                    )
                )

    def get_document(self, doc_id: str, tenant: str | None = None) -> dict[str, Any] | None:
        """A document, or None. With ``tenant``, only if that tenant has it."""
        query = select(documents).where(documents.c.id == doc_id)
        if tenant is not None:
            query = query.join(
                document_owners,
                (document_owners.c.doc_id == documents.c.id) & (document_owners.c.tenant == tenant),
            )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
            return dict(row._mapping) if row else None

    def document_sizes(self, doc_ids: list[str], tenant: str) -> dict[str, int]:
        """Characters of each of ``doc_ids`` that ``tenant`` has (others are left out),
        without reading the texts."""
        if not doc_ids:
            return {}
        query = (
            select(documents.c.id, documents.c.chars)
            .join(document_owners, (document_owners.c.doc_id == documents.c.id)
                  & (document_owners.c.tenant == tenant))
            .where(documents.c.id.in_(list(set(doc_ids))))
        )  # fmt: skip
        with self.engine.connect() as conn:
            return {r.id: int(r.chars) for r in conn.execute(query)}

    def list_documents(self, tenant: str, limit: int = 50) -> list[dict[str, Any]]:
        query = (
            select(document_owners.c.doc_id.label("id"), document_owners.c.name,
                   document_owners.c.created, documents.c.chars)
            .join(documents, documents.c.id == document_owners.c.doc_id)
            .where(document_owners.c.tenant == tenant)
            .order_by(document_owners.c.created.desc())
            .limit(limit)
        )  # fmt: skip
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # --- API keys --------------------------------------------------------------------
    def create_key(self, key_id: str, name: str, key_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(api_keys).values(id=key_id, name=name, hash=key_hash, created=time.time())
            )

    def key_by_hash(self, key_hash: str) -> dict[str, Any] | None:
        """The live (not revoked) key with this hash."""
        query = select(api_keys).where(api_keys.c.hash == key_hash, api_keys.c.revoked.is_(None))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
            return dict(row._mapping) if row else None

    def list_keys(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(api_keys).order_by(api_keys.c.created))
            return [dict(r._mapping) for r in rows]

    def revoke_key_id(self, key_id: str) -> bool:
        """Revoke the live key with this id; whether there was one."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id, api_keys.c.revoked.is_(None))
                .values(revoked=time.time())
            )
            return bool(result.rowcount)

    # --- runs ----------------------------------------------------------------------
    def create_run(self, **values: Any) -> None:
        now = time.time()
        with self.engine.begin() as conn:
            conn.execute(insert(runs).values(created=now, updated=now, **values))

    def update_run(self, run_id: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(runs).where(runs.c.id == run_id).values(updated=time.time(), **values)
            )

    # --- leases: one process at a time works on a run -------------------------------------
    def take_lease(self, run_id: str, owner: str, ttl: float) -> dict[str, Any] | None:
        """Make ``owner`` the run's worker for ``ttl`` seconds, if nobody else holds a live
        lease. Returns None on success, else the run row of the holder (to say who)."""
        now = time.time()
        with self.engine.begin() as conn:
            done = conn.execute(
                update(runs)
                .where(
                    runs.c.id == run_id,
                    (runs.c.lease_owner.is_(None))
                    | (runs.c.lease_expires < now)
                    | (runs.c.lease_owner == owner),
                )
                .values(lease_owner=owner, lease_expires=now + ttl)
            ).rowcount
            if done:
                return None
            row = conn.execute(select(runs).where(runs.c.id == run_id)).first()
            return dict(row._mapping) if row else {}

    def renew_lease(self, run_id: str, owner: str, ttl: float) -> bool:
        """Extend ``owner``'s lease; False if it was lost (it expired and was taken)."""
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    update(runs)
                    .where(runs.c.id == run_id, runs.c.lease_owner == owner)
                    .values(lease_expires=time.time() + ttl)
                ).rowcount
            )

    def release_lease(self, run_id: str, owner: str, **values: Any) -> None:
        """Give the run up (with its final status and state, in the same transaction)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(runs)
                .where(runs.c.id == run_id, runs.c.lease_owner == owner)
                .values(lease_owner=None, lease_expires=None, updated=time.time(), **values)
            )

    def mark_orphans(self) -> int:
        """Runs still 'running' whose process died (lease expired, or none held): marked
        'interrupted', so nobody waits on them and ``resume`` says what happened."""
        now = time.time()
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    update(runs)
                    .where(
                        runs.c.status == "running",
                        runs.c.lease_expires.is_not(None),
                        runs.c.lease_expires < now,
                    )
                    .values(
                        status="interrupted",
                        error="the process working on it stopped (its lease expired)",
                        lease_owner=None,
                        lease_expires=None,
                    )
                ).rowcount
                or 0
            )

    def get_run(self, run_id: str, tenant: str | None = None) -> dict[str, Any] | None:
        """A run, or None. With ``tenant``, another tenant's run is None too."""
        query = select(runs).where(runs.c.id == run_id)
        if tenant is not None:
            query = query.where(runs.c.tenant == tenant)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
            return dict(row._mapping) if row else None

    def list_runs(self, limit: int = 20, tenant: str | None = None) -> list[dict[str, Any]]:
        query = select(runs).order_by(runs.c.created.desc()).limit(limit)
        if tenant is not None:
            query = query.where(runs.c.tenant == tenant)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # --- memory: conversations, append-only ---------------------------------------------
    def append_messages(self, rows: list[dict[str, Any]]) -> None:
        """Append messages (user, thread, ts, role, content, meta) in one transaction."""
        if rows:
            with self.engine.begin() as conn:
                conn.execute(insert(messages), rows)

    def get_messages(self, user: str, thread: str | None = None) -> list[dict[str, Any]]:
        """A user's messages, oldest first (one thread, or all of them)."""
        query = select(messages).where(messages.c.user == user)
        if thread is not None:
            query = query.where(messages.c.thread == thread)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query.order_by(messages.c.id))]

    def threads(self, user: str) -> list[dict[str, Any]]:
        query = (
            select(messages.c.thread, func.count().label("messages"),
                   func.min(messages.c.ts).label("first"), func.max(messages.c.ts).label("last"))
            .where(messages.c.user == user)
            .group_by(messages.c.thread)
            .order_by(messages.c.thread)
        )  # fmt: skip
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def delete_messages(self, user: str, thread: str | None = None) -> tuple[int, int]:
        """Really delete a user's messages (one thread or all); returns (messages, chars)."""
        where = [messages.c.user == user]
        if thread is not None:
            where.append(messages.c.thread == thread)
        with self.engine.begin() as conn:
            count, chars = conn.execute(
                select(
                    func.count(), func.coalesce(func.sum(func.length(messages.c.content)), 0)
                ).where(*where)
            ).one()
            conn.execute(messages.delete().where(*where))
        return int(count), int(chars)

    # --- run events (for live pages and replay) ----------------------------------------
    def queue_event(self, run_id: str, seq: int, kind: str, data: dict[str, Any]) -> None:
        self.queue_row("events", {"run_id": run_id, "seq": seq, "ts": time.time(),
                                   "kind": kind, "data": data})  # fmt: skip

    def get_events(self, run_id: str, after: int = -1) -> list[dict[str, Any]]:
        query = (
            select(events)
            .where(events.c.run_id == run_id, events.c.seq > after)
            .order_by(events.c.seq)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # --- jobs and their reports ----------------------------------------------------
    def insert_jobs(self, rows: Iterable[dict[str, Any]]) -> None:
        rows = list(rows)
        if not rows:
            return
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "sqlite":
                # Plain executemany with positional parameters: SQLAlchemy's per-row
                # processing holds the GIL long enough to slow a fast dispatch. The SQL
                # text is built from our own column names only; values stay parameters.
                cols = [c.name for c in jobs.columns]
                as_json = {c.name for c in jobs.columns if isinstance(c.type, JSON)}
                names = ", ".join(f'"{c}"' for c in cols)
                sql = f"INSERT INTO jobs ({names}) VALUES ({', '.join('?' * len(cols))})"
                conn.exec_driver_sql(sql, [
                    tuple(json.dumps(r.get(c)) if c in as_json and r.get(c) is not None
                          else r.get(c) for c in cols)
                    for r in rows
                ])  # fmt: skip
            else:
                conn.execute(insert(jobs), rows)

    def queue_job(self, row: dict[str, Any]) -> None:
        """Store a finished job soon, on the writer thread."""
        self.queue_row("jobs", row)

    def queue_row(self, table: str, row: dict[str, Any]) -> None:
        """Rows that arrive while a write of their table is pending join it, so a fast
        dispatch costs one transaction per batch, not per row."""
        with self._writer_lock:
            waiting = self._pending.setdefault(table, [])
            first = not waiting  # rows already waiting have a flush queued
            waiting.append(row)
        if first:
            self.writer.submit(lambda: self._flush(table))

    def _flush(self, table: str) -> None:
        with self._writer_lock:
            rows, self._pending[table] = self._pending[table], []
        if table == "jobs":
            self.insert_jobs(rows)
        elif rows:
            with self.engine.begin() as conn:
                conn.execute(insert(schema.metadata.tables[table]), rows)

    def get_jobs(self, run_id: str, round_: int | None = None) -> list[dict[str, Any]]:
        query = select(jobs).where(jobs.c.run_id == run_id)
        if round_ is not None:
            query = query.where(jobs.c.round == round_)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(jobs.c.round, jobs.c.task_index, jobs.c.chunk_index))
            return [dict(r._mapping) for r in rows]

    def delete_jobs(self, run_id: str, keys: list[str]) -> None:
        """Forget failed jobs so a resume can run them again."""
        if keys:
            with self.engine.begin() as conn:
                conn.execute(jobs.delete().where(jobs.c.run_id == run_id, jobs.c.key.in_(keys)))

    def close(self) -> None:
        self.drain()
        self.engine.dispose()
