"""The database: one ``Store`` over SQLite (default) or PostgreSQL.

All SQL goes through SQLAlchemy Core with bound parameters; no text from a document
or a model ever becomes SQL.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, insert, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from shoal.config import db_url
from shoal.errors import ShoalError
from shoal.store import schema
from shoal.store.schema import MIGRATIONS, calls, documents, jobs, runs

log = logging.getLogger(__name__)


class StoreError(ShoalError):
    """The database could not be opened or written."""


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
            raise StoreError(f"a database write failed: {error}") from error


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
        try:
            self.engine: Engine = create_engine(self.url, future=True)
        except (SQLAlchemyError, ImportError) as exc:
            raise StoreError(f"cannot open database {self.url}: {exc}") from exc
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.migrate()
        self._writer: Writer | None = None
        self._writer_lock = threading.Lock()
        self._job_rows: list[dict[str, Any]] = []

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
        except OperationalError as exc:
            raise StoreError(f"cannot use database {self.url}: {exc.orig}") from exc

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
    def put_document(self, doc_id: str, name: str, text: str) -> None:
        with self.engine.begin() as conn:
            exists = conn.execute(select(documents.c.id).where(documents.c.id == doc_id)).first()
            if not exists:
                conn.execute(
                    insert(documents).values(
                        id=doc_id, name=name, text=text, chars=len(text), created=time.time()
                    )
                )

    def get_document(self, doc_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(documents).where(documents.c.id == doc_id)).first()
            return dict(row._mapping) if row else None

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

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(runs).where(runs.c.id == run_id)).first()
            return dict(row._mapping) if row else None

    def list_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(runs).order_by(runs.c.created.desc()).limit(limit))
            return [dict(r._mapping) for r in rows]

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
                names = ", ".join(f'"{c}"' for c in cols)
                sql = f"INSERT INTO jobs ({names}) VALUES ({', '.join('?' * len(cols))})"
                conn.exec_driver_sql(sql, [tuple(r[c] for c in cols) for r in rows])
            else:
                conn.execute(insert(jobs), rows)

    def queue_job(self, row: dict[str, Any]) -> None:
        """Store a finished job soon, on the writer thread. Rows that arrive while a write
        is pending join it, so a fast dispatch costs one transaction per batch, not per job."""
        with self._writer_lock:
            first = not self._job_rows  # rows already waiting have a flush queued
            self._job_rows.append(row)
        if first:
            self.writer.submit(self._flush_jobs)

    def _flush_jobs(self) -> None:
        with self._writer_lock:
            rows, self._job_rows = self._job_rows, []
        self.insert_jobs(rows)

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
