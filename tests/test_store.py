from __future__ import annotations

from pathlib import Path

import pytest

from shoal.store import Store, StoreError
from shoal.store.schema import MIGRATIONS


def test_migrations_apply_once_and_reopen_cleanly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    first = Store(url)
    assert first.version() == MIGRATIONS[-1][0]
    first.insert_calls(
        [
            {
                "ts": 1.0,
                "run_id": None,
                "role": "chat",
                "model": "m",
                "backend": "scripted",
                "prompt_tokens": 1,
                "completion_tokens": 2,
                "cached_tokens": 0,
                "seconds": 0.1,
                "cost_usd": 0.0,
                "ok": True,
                "error": None,
            }
        ]
    )
    again = Store(url)
    assert again.version() == first.version()
    assert len(again.recent_calls()) == 1


def test_unusable_database_gives_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-dir" / "x.db"
    (tmp_path / "not-a-dir").write_text("a file, not a directory")
    with pytest.raises(StoreError, match="cannot"):
        Store(str(bad))


def test_v2_database_gains_tenants_without_losing_runs(tmp_path: Path) -> None:
    """A database made before tenants existed: its runs and documents become the local
    tenant's, and nothing else changes."""
    import time

    from sqlalchemy import Column, MetaData, Table, create_engine, insert

    from shoal.store import schema

    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = MetaData()
    for table in (schema.schema_version, schema.calls, schema.documents, schema.jobs):
        table.to_metadata(old)
    cols = [
        Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
        for c in schema.runs.columns
        if c.name != "tenant"
    ]
    Table("runs", old, *cols)
    engine = create_engine(url)
    with engine.begin() as conn:
        old.create_all(conn)
        conn.execute(
            insert(old.tables["schema_version"]),
            [{"version": 1, "applied_at": 0.0}, {"version": 2, "applied_at": 0.0}],
        )
        conn.execute(
            insert(old.tables["documents"]).values(
                id="d1", name="a.md", text="hello", chars=5, created=time.time()
            )
        )
        conn.execute(
            insert(old.tables["runs"]).values(
                id="r1",
                created=1.0,
                updated=1.0,
                status="done",
                strategy="swarm",
                question="q",
                lead="l",
                workers="w",
                document_ids=["d1"],
                config={},
                state={},
            )
        )
    engine.dispose()
    store = Store(url)
    assert store.version() == MIGRATIONS[-1][0]
    assert store.get_run("r1", tenant="local")["question"] == "q"
    assert store.get_run("r1", tenant="someone-else") is None
    assert store.get_document("d1", tenant="local")["text"] == "hello"
    assert [d["id"] for d in store.list_documents("local")] == ["d1"]


def test_store_on_postgresql(postgres_url: str) -> None:
    """The same code on a real PostgreSQL server: migrations, JSON columns, batched jobs."""
    store = Store(postgres_url)
    assert store.version() == MIGRATIONS[-1][0]
    store.put_document("doc-pg", "a.md", "text with 'quotes'; DROP TABLE runs; --", tenant="t1")
    assert store.get_document("doc-pg", tenant="t1")["text"].endswith("--")
    assert store.get_document("doc-pg", tenant="t2") is None
    store.create_run(
        id="run-pg",
        status="running",
        strategy="swarm",
        question="q",
        lead="l",
        workers="w",
        document_ids=["doc-pg"],
        config={"a": [1, 2]},
        state={},
        tenant="t1",
    )
    for seq in range(50):
        store.queue_event("run-pg", seq, "job", {"n": seq})
    store.drain()
    assert [e["data"]["n"] for e in store.get_events("run-pg", after=44)] == [45, 46, 47, 48, 49]
    assert store.get_run("run-pg", tenant="t1")["config"] == {"a": [1, 2]}
    assert Store(postgres_url).version() == MIGRATIONS[-1][0]  # reopening migrates nothing
