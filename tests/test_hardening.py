"""Regression tests for what a hostile or unlucky operator found: bad requests, stalled
bodies, oversized runs, two processes on one run, a full disk, signals, and the CLI's bad
options. Each failure must be a clear error that loses nothing: no 5xx for a bad request,
no traceback for a user."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.corpus.haystack import FACTS, build
from shoal.cli import cli
from shoal.errors import DiskFullError, ShoalError, StoreError
from shoal.models import ScriptedModel, register
from shoal.server import Settings
from shoal.server.auth import create_key, revoke_key
from shoal.store import Store
from shoal.swarm import Swarm

from .conftest import free_port
from .scripted_swarm import CODE, finder, lead
from .serving import http, running, sse

QUESTION = FACTS[0].question


def count(text: str) -> int:
    return ScriptedModel().count_tokens(text)


def _models(latency: float = 0.0) -> None:
    register("scripted:h-lead", lead(choose="archive is"))
    register("scripted:h-worker", ScriptedModel(finder(CODE), name="h-worker", latency=latency))


def _settings(db: str, **kw: object) -> Settings:
    s = Settings(db=db, lead="scripted:h-lead", worker="scripted:h-worker")
    for k, v in kw.items():
        setattr(s, k, v)
    return s


def _no_trace(body: object) -> None:
    assert "Traceback" not in json.dumps(body)


# --- the API: bad bodies and parameters are 4xx in OpenAI's shape -----------------------------
@pytest.mark.server
def test_bad_document_bodies_and_parameters_are_client_errors(tmp_path: Path) -> None:
    _models()
    with running(_settings(str(tmp_path / "s.db"))) as srv:
        _, key = create_key(srv.store, "mallory")
        docs = f"{srv.v1}/documents"
        # a lone surrogate is refused by the JSON parser (400) or by shoal's check (422)
        bad_bodies: list[tuple[bytes, set[int]]] = [
            (b"{}", {422}),
            (b'{"text": 5}', {422}),
            (b'{"name": "", "text": "x"}', {422}),
            (b'{"name": "a", "text": "x", "extra": 1}', {422}),
            (b'{"text": "trunc', {400}),
            (b'{"text": "\\ud800"}', {400, 422}),
            (b'{"name": "\\udfff", "text": "x"}', {400, 422}),
            (b"[1, 2, 3]", {422}),
            (b"null", {422}),
        ]
        for raw, want in bad_bodies:
            status, body = http("POST", docs, key, raw=raw)
            assert status in want, (raw, status, body)
            assert set(body["error"]) == {"message", "type", "param", "code"}
            _no_trace(body)
        chat = {"model": "shoal", "messages": [{"role": "user", "content": "\ud800?"}]}
        status, body = http("POST", f"{srv.v1}/chat/completions", key,
                            raw=json.dumps(chat).encode())  # fmt: skip
        assert status in (400, 422), body
        _no_trace(body)
        _, doc = http("POST", docs, key, {"name": "r.txt", "text": build(600, count=count).text})
        status, run = http("POST", f"{srv.v1}/runs", key,
                           {"question": QUESTION, "documents": [doc["id"]]})  # fmt: skip
        assert status == 202
        for after in ("-99999", "-3", str(10**30), "x"):
            status, body = http("GET", f"{srv.v1}/runs/{run['id']}/events?after={after}", key)
            assert status == 422, (after, body)
        for limit in ("0", "-1", str(10**30)):
            assert http("GET", f"{srv.v1}/runs?limit={limit}", key)[0] == 422
        events = sse(f"{srv.v1}/runs/{run['id']}/events?after=2", key)
        seqs = [e["data"]["seq"] for e in events if "seq" in e["data"]]
        assert seqs == sorted(set(seqs)) and seqs[0] == 3  # no repeats, in order


@pytest.mark.server
def test_a_stalled_request_body_gets_408(tmp_path: Path) -> None:
    _models()
    with running(_settings(str(tmp_path / "s.db"), auth=False, body_timeout=1.0)) as srv:
        port = int(srv.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"POST /v1/documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                      b"\r\nContent-Length: 100\r\n\r\n{\"text\": ")  # fmt: skip
            start = time.monotonic()
            reply = ""
            while "body_timeout" not in reply and time.monotonic() - start < 8:
                part = s.recv(4096).decode()  # headers and body may come apart
                if not part:
                    break
                reply += part
            assert time.monotonic() - start < 8
        assert reply.startswith("HTTP/1.1 408") and "body_timeout" in reply


@pytest.mark.server
def test_input_is_capped_per_run_and_per_tenant_before_work_starts(tmp_path: Path) -> None:
    _models(latency=0.2)
    settings = _settings(str(tmp_path / "s.db"), max_run_bytes=60_000, max_tenant_bytes=70_000,
                         max_document_bytes=50_000)  # fmt: skip
    with running(settings) as srv:
        _, key = create_key(srv.store, "big")
        text = build(9000, count=count).text[:40_000]
        _, doc = http("POST", f"{srv.v1}/documents", key, {"name": "a.txt", "text": text})
        # one document listed 100 times: refused at once, nothing starts
        start = time.monotonic()
        status, body = http("POST", f"{srv.v1}/runs", key,
                            {"question": QUESTION, "documents": [doc["id"]] * 100})  # fmt: skip
        assert status == 413 and body["error"]["code"] == "input_too_large"
        assert time.monotonic() - start < 5
        assert http("GET", f"{srv.v1}/runs", key)[1]["data"] == []
        # within the per-run limit, but two at once pass the tenant's limit
        one = {"question": QUESTION, "documents": [doc["id"]]}
        assert http("POST", f"{srv.v1}/runs", key, one)[0] == 202
        status, body = http("POST", f"{srv.v1}/runs", key, one)
        assert status == 429 and body["error"]["code"] == "too_much_input_in_flight"


@pytest.mark.server
def test_a_run_whose_process_died_is_marked_interrupted_at_the_next_start(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    store = Store(db)
    store.create_run(id="dead1", status="running", strategy="swarm", question="q", lead="l",
                     workers="w", document_ids=[], config={}, state={}, tenant="local",
                     lease_owner="elsewhere:1:x", lease_expires=time.time() - 1)  # fmt: skip
    _models()
    with running(_settings(db, auth=False)) as srv:
        row = srv.store.get_run("dead1")
        assert row is not None and row["status"] == "interrupted"
        assert "lease expired" in (row["error"] or "")


# --- a server stopped with SIGTERM tells live watchers ------------------------------------------
def _serve(db: str, port: int, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SHOAL_DB": db}
    cmd = [sys.executable, "-m", "shoal", "serve", "--port", str(port), "--no-auth", *extra]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not start")


@pytest.mark.server
def test_sigterm_gives_live_watchers_a_final_event_and_keeps_the_run(tmp_path: Path) -> None:
    import threading

    db, port = str(tmp_path / "s.db"), free_port()
    proc = _serve(db, port, "--lead", "scripted:l?latency=0.05", "--worker",
                  "scripted:w?latency=3")  # fmt: skip
    base = f"http://127.0.0.1:{port}/v1"
    try:
        _, doc = http("POST", f"{base}/documents", None,
                      {"name": "r.txt", "text": build(6000, count=count).text})  # fmt: skip
        _, run = http("POST", f"{base}/runs", None,
                      {"question": QUESTION, "documents": [doc["id"]],
                       "model": "shoal"})  # fmt: skip
        got: list[dict] = []
        watcher = threading.Thread(
            target=lambda: got.extend(sse(f"{base}/runs/{run['id']}/events"))
        )
        watcher.start()
        time.sleep(2.0)
        proc.send_signal(signal.SIGTERM)
        watcher.join(timeout=30)
        assert proc.wait(timeout=30) is not None
    finally:
        if proc.poll() is None:
            proc.kill()
    kinds = [e["event"] for e in got]
    assert kinds[-1] == "end", kinds[-5:]
    final = [e for e in got if e["event"] == "error"]
    assert final and "shutting down" in final[-1]["data"]["data"]["error"]
    row = Store(db).get_run(run["id"])
    assert row is not None and row["status"] == "interrupted" and row["lease_owner"] is None


# --- the command line ---------------------------------------------------------------------------
def test_bad_cli_options_are_usage_errors_and_create_no_run(tmp_path: Path) -> None:
    runner = CliRunner()
    doc = tmp_path / "r.md"
    doc.write_text(build(500, count=count).text)
    for args in (["--chunk-tokens", "5"], ["--chunk-tokens", "-3"], ["--concurrency", "-1"],
                 ["--rounds", "0"], ["--min-confidence", "2"]):  # fmt: skip
        r = runner.invoke(cli, ["ask", str(doc), "q?", *args])
        assert r.exit_code == 2, (args, r.output)
        assert "Traceback" not in r.output
    assert json.loads(runner.invoke(cli, ["runs", "--json"]).stdout) == []


def test_cli_input_edge_cases_are_clear(tmp_path: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(cli, ["ask", "-", "q?"], input="")
    assert r.exit_code == 1 and "standard input is empty" in r.stderr
    notdb = tmp_path / "notes.txt"
    notdb.write_text("this is not a database\n" * 100)
    r = runner.invoke(cli, ["--db", str(notdb), "runs"])
    assert r.exit_code == 1 and "cannot use database" in r.stderr and "Traceback" not in r.output
    r = runner.invoke(cli, ["chat", "scripted?latency=nan", "hi"])
    assert r.exit_code == 1 and "latency" in r.stderr


def test_a_directory_given_with_dot_components_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "r.md").write_text(build(800, count=count).text)
    (docs / ".hidden.md").write_text("secret")
    inner = tmp_path / "work"
    inner.mkdir()
    monkeypatch.chdir(inner)
    register("scripted:d-lead", lead(choose="archive is"))
    register("scripted:d-worker", ScriptedModel(finder(CODE), name="d-worker"))
    r = CliRunner().invoke(cli, ["ask", "../docs", QUESTION, "--lead", "scripted:d-lead",
                                 "--worker", "scripted:d-worker", "--json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["answer"] == "48213" and out["citations"][0]["document"] == "r.md"


def test_key_names_never_pass_for_ids_and_an_ambiguous_name_revokes_nothing(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "k.db"))
    a, _ = create_key(store, "ops")
    with pytest.raises(ShoalError, match="looks like a key id"):
        create_key(store, a.id)
    b, _ = create_key(store, "ops")
    with pytest.raises(ShoalError, match="2 live keys are named 'ops'"):
        revoke_key(store, "ops")
    assert revoke_key(store, a.id) == a.id
    assert revoke_key(store, "ops") == b.id  # now unambiguous
    assert all(k["revoked"] for k in store.list_keys())


def test_a_cache_path_that_is_a_file_is_a_clear_error_and_forget_deletes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shoal.memory import memory as memory_module

    blocker = tmp_path / "kv"
    blocker.write_text("not a directory")
    monkeypatch.setenv("SHOAL_KV_CACHE_DIR", str(blocker))
    monkeypatch.setattr(memory_module, "_CACHES", {})
    runner = CliRunner()
    r = runner.invoke(cli, ["chat", "scripted", "remember 7", "--user", "zoe", "--no-cache"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["memory", "forget", "--user", "zoe", "--yes"])
    assert r.exit_code == 1 and "not a directory" in r.stderr and "Traceback" not in r.output
    shown = json.loads(runner.invoke(cli, ["memory", "show", "--user", "zoe", "--json"]).stdout)
    assert len(shown) == 2  # nothing was deleted


# --- a full disk ---------------------------------------------------------------------------------
def _tiny(store: Store, spare_pages: int) -> None:
    """Cap the SQLite file at its size plus ``spare_pages`` pages: a full disk, as SQLite
    sees one (the same SQLITE_FULL error)."""
    from sqlalchemy import event, text

    with store.engine.connect() as conn:
        pages = int(conn.execute(text("PRAGMA page_count")).scalar() or 0) + spare_pages

    def cap(dbapi_conn: object, _record: object) -> None:
        cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
        cur.execute(f"PRAGMA max_page_count={pages}")
        cur.close()

    event.listen(store.engine, "connect", cap)
    store.engine.dispose()


def test_a_full_disk_is_a_typed_error_and_the_run_resumes_once_there_is_room(
    tmp_path: Path,
) -> None:
    from shoal.swarm import Document

    db = str(tmp_path / "full.db")
    doc = Document("report.md", build(8000, count=count).text)
    worker = ScriptedModel(finder(CODE), name="worker")
    store = Store(db)
    store.put_document(doc.id, doc.name, doc.text)
    _tiny(store, 1)  # room for the run, not for its jobs
    s = Swarm(lead=lead(choose="archive is"), workers=worker, store=store, chunk_tokens=100)
    with pytest.raises(DiskFullError, match="out of space"):
        s.ask(doc, QUESTION)
    with pytest.raises(StoreError):
        store.put_document("d2", "x", "y" * 200_000)
    (run,) = Store(db).list_runs()
    # room again (a new connection has no cap): the run resumes, in this same process
    answer = Swarm(lead=lead(choose="archive is"), workers=worker, store=Store(db),
                   chunk_tokens=100).resume(run["id"])  # fmt: skip
    assert answer.answer == "48213"


def test_sigterm_stops_shoal_ask_as_interrupted_and_resumable(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    doc = tmp_path / "r.md"
    doc.write_text(build(6000, count=count).text)
    env = {**os.environ, "SHOAL_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "shoal", "ask", str(doc), QUESTION, "--lead",
         "scripted:l?latency=0.05", "--worker", "scripted:w?latency=0.3", "--concurrency", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    store = Store(str(db))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
        store.list_runs(1) and store.get_jobs(store.list_runs(1)[0]["id"])
    ):
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and b"Traceback" not in err
    run = store.list_runs(1)[0]
    assert run["status"] == "interrupted" and run["lease_owner"] is None


# --- fairness ---------------------------------------------------------------------------------
FAIR_P99_SECONDS = 2.0
"""The stated bound: another tenant's requests are answered within this (p99) while one
tenant's largest allowed run prepares and runs, on a 2-core machine."""


@pytest.mark.server
def test_another_tenant_is_answered_while_one_runs_the_largest_run_allowed(
    tmp_path: Path,
) -> None:
    import threading

    _models()
    mb = 2**20
    settings = _settings(str(tmp_path / "s.db"), max_run_bytes=4 * mb, max_document_bytes=4 * mb,
                         max_body_bytes=5 * mb, max_tenant_bytes=4 * mb)  # fmt: skip
    with running(settings) as srv:
        _, big = create_key(srv.store, "big")
        _, small = create_key(srv.store, "small")
        text = build(1_000_000, count=lambda t: len(t) // 4).text[: 4 * mb - 1000]
        _, doc = http("POST", f"{srv.v1}/documents", big, {"name": "big.md", "text": text})
        status, run = http("POST", f"{srv.v1}/runs", big,
                           {"question": QUESTION, "documents": [doc["id"]]})  # fmt: skip
        assert status == 202, run
        done = threading.Event()
        threading.Thread(target=lambda: (sse(f"{srv.v1}/runs/{run['id']}/events", big),
                                         done.set()), daemon=True).start()  # fmt: skip
        latencies = []
        while not done.is_set() and len(latencies) < 400:
            start = time.monotonic()
            status, _ = http("GET", f"{srv.v1}/models", small)
            latencies.append(time.monotonic() - start)
            assert status == 200
            time.sleep(0.02)
        latencies.sort()
        p99 = latencies[max(0, int(0.99 * len(latencies)) - 1)]
        assert len(latencies) >= 10
        assert p99 < FAIR_P99_SECONDS, (p99, latencies[-5:])
