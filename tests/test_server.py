"""The service, end to end: a real uvicorn server on 127.0.0.1, the official ``openai`` client,
scripted lead/workers (so answers are known), on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from shoal.models import ScriptedModel, register
from shoal.server import Settings
from shoal.server.auth import create_key, hash_key, revoke_key

from .scripted_swarm import finder, lead
from .serving import Running, http, running, sse

pytestmark = pytest.mark.server

CODE = "48213"
QUESTION = "What is the access code of the north vault?"


def document(sentences: int = 400, fact_at: int = 310) -> str:
    lines = []
    for i in range(sentences):
        if i == fact_at:
            lines.append(f"The access code of the north vault is {CODE}.")
        lines.append(f"Ledger entry {i} records that the harbour crane was inspected in spring.")
    return " ".join(lines)


def _register(worker_latency: float = 0.0) -> None:
    register("scripted:lead", lead(finds=r"code of the north vault is (\d+)"))
    register(
        "scripted:finder",
        ScriptedModel(
            finder(r"code of the north vault is (\d+)"), name="finder", latency=worker_latency
        ),
    )
    register("scripted:echo", ScriptedModel(name="echo"))


def settings_for(db: str, **overrides: object) -> Settings:
    s = Settings(db=db, lead="scripted:lead", worker="scripted:finder", models=["scripted:echo"])
    for k, v in overrides.items():
        setattr(s, k, v)
    return s


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "server.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def server(db: str) -> Iterator[tuple[Running, str, str]]:
    _register()
    with running(settings_for(db)) as srv:
        _, key_a = create_key(srv.store, "alice")
        _, key_b = create_key(srv.store, "bob")
        yield srv, key_a, key_b


def client(srv: Running, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=srv.v1, api_key=key, max_retries=0, timeout=60)


def test_chat_completion_runs_the_swarm_and_cites(server: tuple[Running, str, str]) -> None:
    srv, key, _ = server
    resp = client(srv, key).chat.completions.create(
        model="shoal",
        messages=[{"role": "user", "content": document()}, {"role": "user", "content": QUESTION}],
    )
    assert resp.choices[0].message.content == CODE
    assert resp.choices[0].finish_reason == "stop"
    assert resp.usage is not None and resp.usage.prompt_tokens > 0
    extra = resp.model_extra["shoal"]
    assert extra["citations"] and CODE in extra["citations"][0]["text"]
    assert extra["reports"]["supported"] >= 1
    assert extra["lead_alone"]["prompt_tokens"] > extra["usage_by_role"]["lead"]["prompt_tokens"]
    # the full record is there, for this key
    status, run = http("GET", f"{srv.v1}/runs/{extra['run_id']}", key)
    assert status == 200 and run["status"] == "done" and run["result"]["answer"] == CODE
    assert len([j for j in run["jobs"] if j["kind"] == "worker"]) == run["result"]["jobs"] > 1


def test_a_skimmed_chat_completion_sends_no_worker_job(server: tuple[Running, str, str]) -> None:
    """``strategy: skim`` through the openai client's extra body: the lead re-reads what BM25
    ranks highest, no worker reads, and the run says so."""
    srv, key, _ = server
    resp = client(srv, key).chat.completions.create(
        model="shoal",
        messages=[{"role": "user", "content": document()}, {"role": "user", "content": QUESTION}],
        extra_body={"strategy": "skim"},
    )
    assert resp.choices[0].message.content == CODE
    extra = resp.model_extra["shoal"]
    assert extra["strategy"] == "skim" and extra["citations"]
    status, run = http("GET", f"{srv.v1}/runs/{extra['run_id']}", key)
    assert status == 200 and run["strategy"] == "skim" and run["result"]["jobs"] == 0
    assert not [j for j in run["jobs"] if j["kind"] == "worker"]
    assert run["result"]["coverage"] < 0.5


def test_streaming_chunks_in_openai_format(server: tuple[Running, str, str]) -> None:
    srv, key, _ = server
    stream = client(srv, key).chat.completions.create(
        model="shoal:scripted:lead+scripted:finder",
        messages=[{"role": "system", "content": document()}, {"role": "user", "content": QUESTION}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == CODE
    finals = [c for c in chunks if c.choices and c.choices[0].finish_reason == "stop"]
    assert len(finals) == 1 and finals[0].model_extra["shoal"]["citations"]
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0


def test_pass_through_model_and_models_list(server: tuple[Running, str, str]) -> None:
    srv, key, _ = server
    c = client(srv, key)
    ids = [m.id for m in c.models.list()]
    assert "shoal" in ids and "scripted:echo" in ids
    resp = c.chat.completions.create(
        model="scripted:echo", messages=[{"role": "user", "content": "say this back"}]
    )
    assert resp.choices[0].message.content == "say this back"
    pieces = c.chat.completions.create(
        model="scripted:echo", messages=[{"role": "user", "content": "one two three"}], stream=True
    )
    assert "".join(p.choices[0].delta.content or "" for p in pieces if p.choices) == "one two three"
    with pytest.raises(openai.NotFoundError) as exc:
        c.chat.completions.create(
            model="openai-compat:http://10.0.0.1/v1#x", messages=[{"role": "user", "content": "hi"}]
        )
    assert exc.value.body["code"] == "model_not_found"


def test_keys_are_required_and_tenants_are_separate(server: tuple[Running, str, str]) -> None:
    srv, key_a, key_b = server
    with pytest.raises(openai.AuthenticationError):
        client(srv, "sk-shoal-not-a-key").models.list()
    status, body = http("GET", f"{srv.v1}/models")
    assert status == 401 and body["error"]["code"] == "missing_api_key"
    # alice uploads a document and runs on it
    status, doc = http(
        "POST", f"{srv.v1}/documents", key_a, {"name": "vault.txt", "text": document()}
    )
    assert status == 201
    resp = client(srv, key_a).chat.completions.create(
        model="shoal",
        messages=[{"role": "user", "content": QUESTION}],
        extra_body={"documents": [doc["id"]]},
    )
    run_id = resp.model_extra["shoal"]["run_id"]
    assert resp.choices[0].message.content == CODE
    # bob sees none of it
    for path in (f"runs/{run_id}", f"runs/{run_id}/events", f"documents/{doc['id']}"):
        status, body = http("GET", f"{srv.v1}/{path}", key_b)
        assert status == 404, path
    assert http("GET", f"{srv.v1}/runs", key_b)[1]["data"] == []
    with pytest.raises(openai.NotFoundError):
        client(srv, key_b).chat.completions.create(
            model="shoal",
            messages=[{"role": "user", "content": QUESTION}],
            extra_body={"documents": [doc["id"]]},
        )
    assert [r["id"] for r in http("GET", f"{srv.v1}/runs", key_a)[1]["data"]] == [run_id]
    # a revoked key stops working (after the short verification cache)
    bob = srv.store.key_by_hash(hash_key(key_b))
    assert bob is not None
    revoke_key(srv.store, bob["id"])
    time.sleep(5.1)
    assert http("GET", f"{srv.v1}/runs", key_b)[0] == 401


def test_events_live_and_replayed(server: tuple[Running, str, str]) -> None:
    srv, key, _ = server
    _, doc = http("POST", f"{srv.v1}/documents", key, {"name": "vault.txt", "text": document()})
    status, run = http(
        "POST", f"{srv.v1}/runs", key, {"question": QUESTION, "documents": [doc["id"]]}
    )
    assert status == 202
    events = sse(f"{srv.v1}/runs/{run['id']}/events", key)
    kinds = [e["event"] for e in events]
    assert kinds[0] == "run" and "plan" in kinds and kinds[-1] == "end"
    jobs = [e["data"]["data"] for e in events if e["event"] == "job"]
    started = {j["key"] for j in jobs if j["status"] == "started"}
    finished = {j["key"] for j in jobs if j["status"] == "done"}
    assert started == finished and len(finished) > 1
    assert any(j["supported"] for j in jobs if j["status"] == "done")
    answer = next(e["data"]["data"] for e in events if e["event"] == "answer")
    assert answer["answer"] == CODE
    # replay from the database once the run has left memory
    srv_hub = srv  # the app keeps recent runs in memory; a new server reads the table
    with running(srv_hub.settings) as again:
        replayed = sse(f"{again.v1}/runs/{run['id']}/events", key)
    assert [e["event"] for e in replayed] == kinds
    # resume from a sequence number
    tail = sse(f"{srv.v1}/runs/{run['id']}/events?after={len(kinds) - 3}", key)
    assert [e["event"] for e in tail] == kinds[-2:]


def test_bad_requests_get_openai_errors(db: str) -> None:
    _register(worker_latency=0.3)
    with running(
        settings_for(
            db, max_body_bytes=200_000, max_document_bytes=100_000, max_concurrent_per_key=1
        )
    ) as srv:
        _, key = create_key(srv.store, "carol")
        status, body = http("POST", f"{srv.v1}/chat/completions", key, raw=b"{not json")
        assert status == 400 and body["error"]["code"] == "invalid_json"
        status, body = http(
            "POST", f"{srv.v1}/chat/completions", key, {"model": "shoal", "messages": "hello"}
        )
        assert status == 422 and body["error"]["param"] == "messages"
        assert set(body["error"]) == {"message", "type", "param", "code"}
        status, body = http("POST", f"{srv.v1}/documents", key, raw=b"x" * 300_000)
        assert status == 413 and "limit" in body["error"]["message"]
        status, body = http("POST", f"{srv.v1}/documents", key, {"text": "y" * 150_000})
        assert status == 413 and body["error"]["code"] == "document_too_large"
        status, body = http(
            "POST",
            f"{srv.v1}/chat/completions",
            key,
            {"model": "shoal", "messages": [{"role": "user", "content": "hi?"}]},
        )
        assert status == 400 and body["error"]["code"] == "no_document"
        status, body = http(
            "POST",
            f"{srv.v1}/documents",
            key,
            raw=b"\xff\xfe\x00binary",
            headers={"Content-Type": "application/octet-stream"},
        )
        assert status == 400 and "binary" in body["error"]["message"]
        # one run in flight per key: the second gets 429, and a slot frees when it ends
        _, doc = http("POST", f"{srv.v1}/documents", key, {"text": document(120, 100)})
        status, run = http(
            "POST", f"{srv.v1}/runs", key, {"question": QUESTION, "documents": [doc["id"]]}
        )
        assert status == 202
        status, body = http(
            "POST", f"{srv.v1}/runs", key, {"question": QUESTION, "documents": [doc["id"]]}
        )
        assert status == 429 and body["error"]["type"] == "rate_limit_error"
        sse(f"{srv.v1}/runs/{run['id']}/events", key)  # wait for the end
        assert (
            http("POST", f"{srv.v1}/runs", key, {"question": QUESTION, "documents": [doc["id"]]})[0]
            == 202
        )


def test_no_auth_serves_the_local_tenant(tmp_path: Path) -> None:
    _register()
    with running(settings_for(str(tmp_path / "local.db"), auth=False)) as srv:
        status, health = http("GET", f"{srv.url}/healthz")
        assert status == 200 and health["auth"] is False
        resp = openai.OpenAI(
            base_url=srv.v1, api_key="unused", max_retries=0
        ).chat.completions.create(
            model="shoal",
            messages=[{"role": "user", "content": document() + "\n\n" + QUESTION}],
        )
        assert resp.choices[0].message.content == CODE
        run = srv.store.get_run(resp.model_extra["shoal"]["run_id"], tenant="local")
        assert run is not None  # the CLI's `shoal runs` sees it too


def test_many_concurrent_clients(server: tuple[Running, str, str]) -> None:
    """Concurrency does not mix up tenants' answers or lose requests (pass-through)."""
    srv, key_a, key_b = server
    results: dict[int, str] = {}

    def one(i: int) -> None:
        key = key_a if i % 2 else key_b
        for _ in range(3):
            try:
                r = client(srv, key).chat.completions.create(
                    model="scripted:echo", messages=[{"role": "user", "content": f"n{i}"}]
                )
            except openai.RateLimitError:
                time.sleep(0.05)
                continue
            results[i] = r.choices[0].message.content or ""
            return

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {i: f"n{i}" for i in range(8)}


def test_a_run_cut_off_by_a_server_stop_is_resumed_by_the_next_server(db: str) -> None:
    """Three jobs finish, the rest hang until the server stops; a new server on the same
    database resumes the run: only the unfinished jobs run again, the answer is right, and
    the event stream holds both servers' events."""
    worker = ScriptedModel(
        finder(r"code of the north vault is (\d+)"),
        name="finder",
        faults=[None, None, None] + ["timeout"] * 50,
    )  # type: ignore[list-item]
    register("scripted:lead", lead(finds=r"code of the north vault is (\d+)"))
    register("scripted:finder", worker)
    settings = settings_for(db)
    with running(settings) as first:
        _, key = create_key(first.store, "frank")
        _, doc = http("POST", f"{first.v1}/documents", key, {"text": document(600, 500)})
        _, run = http("POST", f"{first.v1}/runs", key,
                      {"question": QUESTION, "documents": [doc["id"]]})  # fmt: skip
        deadline = time.monotonic() + 20
        while len(first.store.get_jobs(run["id"])) < 3:
            assert time.monotonic() < deadline, "three jobs never finished"
            time.sleep(0.05)
    worker.faults.clear()  # the backend is healthy again
    with running(settings) as second:
        row = second.store.get_run(run["id"])
        assert row["status"] == "interrupted"
        done_before = len(second.store.get_jobs(run["id"]))
        calls_before = len(worker.calls)
        status, body = http("POST", f"{second.v1}/runs/{run['id']}/resume", key)
        assert status == 202, body
        events = sse(f"{second.v1}/runs/{run['id']}/events", key)
        answer = next(e["data"]["data"] for e in events if e["event"] == "answer")
        assert answer["answer"] == CODE
        total = answer["jobs"]
        assert len(worker.calls) - calls_before == total - done_before
        kinds = [e["event"] for e in events]
        assert kinds.count("run") == 2 and "error" in kinds  # first life, stop, second life
        assert http("GET", f"{second.v1}/runs/{run['id']}", key)[1]["status"] == "done"
        # a finished run is not run again
        assert http("POST", f"{second.v1}/runs/{run['id']}/resume", key)[1]["status"] == "done"


def test_memory_over_the_api_is_per_tenant(server: tuple[Running, str, str]) -> None:
    srv, key_a, key_b = server

    def recorder(messages: list[dict]) -> str:
        said = [m["content"] for m in messages if m["role"] == "user"]
        return " | ".join(said)

    register("scripted:echo", ScriptedModel(recorder, name="echo"))

    def say(key: str, text: str, user: str = "alice") -> openai.types.chat.ChatCompletion:
        return client(srv, key).chat.completions.create(
            model="scripted:echo", messages=[{"role": "user", "content": text}], user=user,
            extra_body={"memory": True},
        )  # fmt: skip

    say(key_a, "my code is 1234")
    second = say(key_a, "what is my code?")
    assert second.choices[0].message.content == "my code is 1234 | what is my code?"
    assert second.model_extra["shoal"]["memory"]["history_messages"] == 2
    # streamed: the reply comes in pieces, the memory facts ride on the last chunk
    stream = client(srv, key_a).chat.completions.create(
        model="scripted:echo", messages=[{"role": "user", "content": "and again?"}],
        user="alice", extra_body={"memory": True}, stream=True,
    )  # fmt: skip
    chunks = list(stream)
    pieces = [c.choices[0].delta.content for c in chunks if c.choices[0].delta.content]
    assert len(pieces) > 3
    assert "".join(pieces) == "my code is 1234 | what is my code? | and again?"
    assert chunks[-1].model_extra["shoal"]["memory"]["history_messages"] == 4
    # the same user name under another key is another person
    other = say(key_b, "what is my code?")
    assert other.choices[0].message.content == "what is my code?"
    with pytest.raises(openai.BadRequestError):
        client(srv, key_a).chat.completions.create(
            model="scripted:echo", messages=[{"role": "user", "content": "hi"}],
            extra_body={"memory": True},
        )  # fmt: skip


def test_a_run_takes_the_settings_of_shoal_ask(db: str) -> None:
    """POST /v1/runs carries ``shoal ask``'s knobs into the run's stored config; a bad one is
    a 4xx naming it and takes no slot; an escalation model must be one the server serves."""
    _register()
    with running(settings_for(db, max_concurrent_per_key=1)) as srv:
        _, key = create_key(srv.store, "dora")
        _, doc = http("POST", f"{srv.v1}/documents", key, {"text": document(120, 100)})
        base = {"question": QUESTION, "documents": [doc["id"]]}
        for bad, param in (
            ({"read_together": 0}, "read_together"),
            ({"min_confidence": 1.5}, "min_confidence"),
            ({"operation": "guess"}, "operation"),
            ({"rounds": 9}, "rounds"),
            ({"min_conf": 0.5}, "min_conf"),  # a misspelt setting is not silently ignored
        ):
            status, body = http("POST", f"{srv.v1}/runs", key, {**base, **bad})
            assert status == 422 and body["error"]["param"] == param, (bad, body)
        status, body = http("POST", f"{srv.v1}/runs", key, {**base, "escalation": "gpt-9"})
        assert status == 404 and body["error"]["code"] == "model_not_found"
        settings = {"operation": "find", "min_confidence": 0.55, "escalation": "scripted:lead",
                    "escalation_tokens": 4000, "read_together": 3, "rounds": 1}  # fmt: skip
        status, run = http("POST", f"{srv.v1}/runs", key, {**base, **settings})
        assert status == 202  # the rejected requests took no slot
        sse(f"{srv.v1}/runs/{run['id']}/events", key)
        _, record = http("GET", f"{srv.v1}/runs/{run['id']}", key)
        config = record["config"]
        assert (config["operation"], config["min_confidence"], config["escalation_spec"],
                config["escalation_tokens"], config["read_together"], config["max_rounds"]) == (
            "find", 0.55, "scripted:lead", 4000, 3, 1)  # fmt: skip
        assert record["result"]["answer"] == CODE
        # the same settings on a chat completion of a shoal model (the SDK's extra_body)
        resp = client(srv, key).chat.completions.create(
            model="shoal",
            messages=[{"role": "user", "content": QUESTION}],
            extra_body={"documents": [doc["id"]], "min_confidence": 0.6, "read_together": 2},
        )
        assert resp.choices[0].message.content == CODE
        _, record = http("GET", f"{srv.v1}/runs/{resp.model_extra['shoal']['run_id']}", key)
        assert (record["config"]["min_confidence"], record["config"]["read_together"]) == (0.6, 2)
        with pytest.raises(openai.UnprocessableEntityError):
            client(srv, key).chat.completions.create(
                model="shoal", messages=[{"role": "user", "content": QUESTION}],
                extra_body={"documents": [doc["id"]], "read_together": -1},
            )  # fmt: skip
