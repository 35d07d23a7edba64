"""Property-based fuzzing of the whole API, bounded in time: schemathesis generates requests
from ``/openapi.json`` (valid and invalid), hypothesis generates raw bodies (invalid JSON,
wrong types, lone surrogates, huge numbers, deep nesting). Whatever arrives, the answer is
never a 5xx and never carries a stack trace. The server runs in process (ASGI) on scripted
models, with its own database; a second test drives a real uvicorn server over HTTP."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from shoal.models import ScriptedModel, register
from shoal.server import Settings, create_app
from shoal.server.auth import create_key
from shoal.store import Store

from .scripted_swarm import CODE, finder, lead

pytestmark = pytest.mark.server

FUZZ_EXAMPLES = 25
"""Examples per operation: the whole fuzz stays under a minute on 2 cores."""


def _app(tmp: Path) -> tuple[object, str]:
    register("scripted:fz-lead", lead(choose="archive is"))
    register("scripted:fz-worker", ScriptedModel(finder(CODE), name="fz-worker"))
    store = Store(str(tmp / "fuzz.db"))
    s = Settings(db=str(tmp / "fuzz.db"), lead="scripted:fz-lead", worker="scripted:fz-worker",
                 models=["scripted"], max_body_bytes=200_000, max_document_bytes=100_000,
                 max_run_bytes=150_000)  # fmt: skip
    app = create_app(s, store)
    _, key = create_key(store, "fuzzer")
    return app, key


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    app, key = _app(tmp_path_factory.mktemp("fuzz"))
    with TestClient(app, raise_server_exceptions=False) as client:  # type: ignore[arg-type]
        yield client, key


def _ok(status: int, text: str) -> None:
    assert status < 500, f"{status}: {text[:500]}"
    assert "Traceback" not in text and 'File "' not in text, text[:500]


def test_no_request_the_schema_allows_or_breaks_gets_a_5xx(served: tuple[TestClient, str]) -> None:
    """Every operation in /openapi.json, with requests schemathesis generates from it (valid
    ones and, by its negative mode, ones that break it)."""
    client, key = served
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for op, mode in itertools.product(operations, list(schemathesis.GenerationMode)):

        @given(case=op.as_strategy(generation_mode=mode))
        @settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def check(case: schemathesis.Case) -> None:
            response = case.call(headers={"Authorization": f"Bearer {key}"})
            _ok(response.status_code, response.text)

        try:
            check()
        except hypothesis.errors.Unsatisfiable:
            # an operation with no parameters or body has nothing to break
            assert mode == schemathesis.GenerationMode.NEGATIVE


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=5),
    max_leaves=12,
)  # fmt: skip
_KEYS = ["model", "messages", "text", "name", "question", "documents", "max_tokens",
         "temperature", "stream", "user", "memory", "thread", "strategy", "stop"]  # fmt: skip
_SHAPED = st.fixed_dictionaries({}, optional={k: _JSON for k in _KEYS})
_SURROGATES = st.sampled_from(['"\\ud800"', '"\\udfff x"', '["\\ud83d"]', '{"text": "\\udc00"}'])


def _raw() -> st.SearchStrategy[bytes]:
    as_json = (_JSON | _SHAPED).map(lambda v: json.dumps(v).encode())
    broken = st.binary(max_size=300)
    cut = (_JSON | _SHAPED).map(lambda v: json.dumps(v).encode()[:-1])
    lone = _SURROGATES.map(lambda s: ('{"model": "shoal", "messages": [{"role": "user", '
                                      f'"content": {s}}}]}}').encode())  # fmt: skip
    return as_json | broken | cut | lone


@given(body=_raw(), path=st.sampled_from(["/v1/chat/completions", "/v1/documents", "/v1/runs"]),
       content_type=st.sampled_from(["application/json", "text/plain",
                                     "application/octet-stream"]))  # fmt: skip
@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_any_body_gets_a_clear_answer(
    served: tuple[TestClient, str], body: bytes, path: str, content_type: str
) -> None:
    client, key = served
    r = client.post(path, content=body, headers={"Authorization": f"Bearer {key}",
                                                 "Content-Type": content_type})  # fmt: skip
    _ok(r.status_code, r.text)
    if r.status_code >= 400:
        assert set(r.json()["error"]) == {"message", "type", "param", "code"}


@given(query=st.dictionaries(st.sampled_from(["after", "limit", "name"]),
                             st.text(max_size=30) | st.integers(-(10**30), 10**30).map(str),
                             max_size=3))  # fmt: skip
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_any_query_gets_a_clear_answer(
    served: tuple[TestClient, str], query: dict[str, str]
) -> None:
    client, key = served
    for path in ("/v1/runs", "/v1/runs/nope/events", "/v1/documents"):
        r = client.get(path, params=query, headers={"Authorization": f"Bearer {key}"})
        _ok(r.status_code, r.text)


def test_hypothesis_is_bounded() -> None:
    """The fuzz's size is part of the contract with CI time (see FUZZ_EXAMPLES)."""
    assert hypothesis.__version__ and FUZZ_EXAMPLES <= 50
