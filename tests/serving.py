"""A shoal server in a background thread of the test process, on 127.0.0.1.

In-process so tests can register scripted models; it is still a real uvicorn server on a
real socket, and tests talk to it with the official ``openai`` client and plain HTTP.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn

from shoal.server import Settings, create_app
from shoal.store import Store

from .conftest import free_port


@dataclass
class Running:
    url: str
    store: Store
    settings: Settings

    @property
    def v1(self) -> str:
        return self.url + "/v1"


@contextmanager
def running(settings: Settings) -> Iterator[Running]:
    store = Store(settings.db)
    app = create_app(settings, store)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield Running(f"http://127.0.0.1:{port}", store, settings)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        store.close()


def http(
    method: str,
    url: str,
    key: str | None = None,
    body: Any = None,
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """One request; returns (status, parsed JSON or text)."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    h = {"Content-Type": "application/json"} if data is not None else {}
    if key:
        h["Authorization"] = f"Bearer {key}"
    h.update(headers or {})
    request = urllib.request.Request(url, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            status, text = resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode()
    try:
        return status, json.loads(text)
    except json.JSONDecodeError:
        return status, text


def sse(url: str, key: str | None = None) -> list[dict[str, Any]]:
    """Read a whole server-sent event stream: [{"event": ..., "data": ...}, ...]."""
    h = {"Authorization": f"Bearer {key}"} if key else {}
    request = urllib.request.Request(url, headers=h)
    events, current = [], {}
    with urllib.request.urlopen(request, timeout=120) as resp:
        for raw in resp:
            line = raw.decode().rstrip("\r\n")
            if not line:
                if "data" in current:
                    events.append(current)
                current = {}
            elif line.startswith("event:"):
                current["event"] = line[6:].strip()
            elif line.startswith("data:"):
                current["data"] = json.loads(line[5:].strip())
    return events
