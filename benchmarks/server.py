"""Load on `shoal serve`: many concurrent chat completions through the official openai client.

The server is started as users start it (a subprocess, auth on, SQLite, loopback only) with
one extra allowed model, the scripted backend with a fixed latency. The client sends waves
of CONCURRENCY requests at once with ``AsyncOpenAI``. Per request it records the wall time;
the server's overhead is that time minus the backend's fixed latency. Scripted backend:
this measures the HTTP/auth/validation/ledger path, not a model. Client and server share
the machine's 2 cores, so the client's own cost is inside the latency figures; the server's
own cost is its CPU time per request (from /proc), which the client does not touch.

Two more measurements, on their own servers:

- fairness: one key submits the largest run the server allows (``--max-run-mb`` of text,
  scripted lead and workers, so preparation and dispatch are what compete), while a second
  key keeps asking ``GET /v1/models`` and a small pass-through completion; the second key's
  latency is reported idle and during the run (p50, p99, max);
- fuzz: hypothesis-generated bodies (invalid JSON, wrong types, lone surrogates, huge
  numbers, binary) and schemathesis-generated requests from ``/openapi.json`` (valid and
  negative), over HTTP; counted by status class, and any 5xx or stack trace is a failure.

Usage: python -m benchmarks.server [--concurrency 200] [--waves 3] [--latency 0.05]
       [--fair-mb 8] [--fuzz 400]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import openai

from benchmarks._results import table, write
from shoal.server.auth import create_key
from shoal.store import Store


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(db: str, spec: str, concurrency: int, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "shoal",
            "--db",
            db,
            "serve",
            "--port",
            str(port),
            "--model",
            spec,
            "--max-concurrent",
            str(concurrency * 2),
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return proc, url
        except OSError as exc:
            if proc.poll() is not None or time.monotonic() > deadline:
                why = proc.stderr.read().decode() if proc.stderr else "no server"
                raise RuntimeError(why) from exc
            time.sleep(0.2)


async def wave(client: openai.AsyncOpenAI, spec: str, n: int, stream: bool) -> list[tuple]:
    async def one(i: int) -> tuple[float, str | None]:
        t0 = time.perf_counter()
        try:
            if stream:
                pieces = await client.chat.completions.create(
                    model=spec,
                    messages=[{"role": "user", "content": f"request {i} of the wave"}],
                    stream=True,
                )
                text = "".join([c.choices[0].delta.content or "" async for c in pieces])
            else:
                resp = await client.chat.completions.create(
                    model=spec, messages=[{"role": "user", "content": f"request {i} of the wave"}]
                )
                text = resp.choices[0].message.content or ""
            ok = text == f"request {i} of the wave"
            return time.perf_counter() - t0, None if ok else f"wrong reply {text!r}"
        except openai.OpenAIError as exc:
            return time.perf_counter() - t0, f"{type(exc).__name__}: {exc}"

    return await asyncio.gather(*(one(i) for i in range(n)))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def measure(
    url: str, pid: int, key: str, spec: str, args: argparse.Namespace, stream: bool
) -> dict:
    client = openai.AsyncOpenAI(base_url=url + "/v1", api_key=key, max_retries=0, timeout=120)
    await wave(client, spec, 10, stream)  # warm up: connections, imports
    results: list[tuple[float, str | None]] = []
    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    for _ in range(args.waves):
        results += await wave(client, spec, args.concurrency, stream)
    wall, cpu = time.perf_counter() - t0, cpu_seconds(pid) - cpu0
    await client.close()
    times = [t for t, _ in results]
    errors = [e for _, e in results if e]
    return {
        "mode": "stream" if stream else "whole",
        "concurrency": args.concurrency,
        "requests": len(results),
        "backend_latency_s": args.latency,
        "throughput_rps": round(len(results) / wall, 1),
        "p50_s": round(pct(times, 50), 4),
        "p99_s": round(pct(times, 99), 4),
        "overhead_p50_ms": round((pct(times, 50) - args.latency) * 1000, 1),
        "server_cpu_ms_per_request": round(cpu / len(results) * 1000, 2),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
    }


def _request(
    url: str,
    key: str,
    method: str = "GET",
    body: bytes | None = None,
    content_type: str = "application/json",
) -> tuple[int, str]:
    req = urllib.request.Request(
        url,
        data=body,
        method=method,
        headers={"Authorization": f"Bearer {key}", "Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def _latencies(url: str, key: str, spec: str, seconds: float, stop: object = None) -> list[float]:
    chat = json.dumps({"model": spec, "messages": [{"role": "user", "content": "hi"}]}).encode()
    out: list[float] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end and not (stop is not None and stop.is_set()):  # type: ignore[attr-defined]
        for method, path, body in (
            ("GET", "/v1/models", None),
            ("POST", "/v1/chat/completions", chat),
        ):
            t0 = time.perf_counter()
            status, _ = _request(url + path, key, method, body)
            out.append(time.perf_counter() - t0)
            assert status == 200, status
        time.sleep(0.02)
    return out


def fairness(mb: float, latency: float) -> dict:
    """A second key's latency while the first runs the largest run allowed."""
    import threading

    from benchmarks.corpus.haystack import build

    spec = f"scripted?latency={latency:g}"
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "fair.db")
        store = Store(db)
        _, big = create_key(store, "big")
        _, small = create_key(store, "small")
        proc, url = start(
            db,
            spec,
            4,
            "--lead",
            "scripted:lead?latency=0.2",
            "--worker",
            "scripted:worker?latency=0.05",
            "--max-run-mb",
            f"{mb:g}",
            "--max-document-mb",
            f"{mb:g}",
            "--max-body-mb",
            f"{mb + 1:g}",
        )
        try:
            idle = _latencies(url, small, spec, 5.0)
            size = int(mb * 2**20) - 2000
            text = build(size // 3, count=lambda t: len(t) // 4).text[:size]
            status, doc = _request(
                url + "/v1/documents",
                big,
                "POST",
                json.dumps({"name": "big.md", "text": text}).encode(),
            )
            doc_id = json.loads(doc)["id"]
            t0 = time.perf_counter()
            status, run = _request(
                url + "/v1/runs",
                big,
                "POST",
                json.dumps(
                    {
                        "question": "What is the access code for the north vault?",
                        "documents": [doc_id],
                    }
                ).encode(),
            )
            assert status == 202, run
            run_id = json.loads(run)["id"]
            done = threading.Event()

            def watch() -> None:
                _request(url + f"/v1/runs/{run_id}/events", big)
                done.set()

            threading.Thread(target=watch, daemon=True).start()
            busy = _latencies(url, small, spec, 600.0, stop=done)
            run_seconds = time.perf_counter() - t0
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    return {
        "run_mb": mb,
        "run_seconds": round(run_seconds, 1),
        "requests_idle": len(idle),
        "idle_p50_ms": round(pct(idle, 50) * 1000, 1),
        "idle_p99_ms": round(pct(idle, 99) * 1000, 1),
        "requests_during_run": len(busy),
        "busy_p50_ms": round(pct(busy, 50) * 1000, 1),
        "busy_p99_ms": round(pct(busy, 99) * 1000, 1),
        "busy_max_ms": round(max(busy) * 1000, 1),
    }


def fuzz(n: int) -> dict:
    """Fuzz a real server over HTTP; count answers by status class."""
    import warnings

    import schemathesis
    from hypothesis.errors import NonInteractiveExampleWarning

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.test_fuzz import _raw

    counts = {"2xx": 0, "4xx": 0, "5xx": 0, "traceback": 0, "first_failure": None}
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "fuzz.db")
        _, key = create_key(Store(db), "fuzz")
        proc, url = start(
            db,
            "scripted",
            2,
            "--lead",
            "scripted:lead",
            "--worker",
            "scripted:worker",
            "--max-body-mb",
            "1",
        )

        def count(status: int, text: str, what: str) -> None:
            bucket = f"{status // 100}xx"
            counts[bucket] = counts.get(bucket, 0) + 1  # type: ignore[operator]
            bad = status >= 500 or "Traceback" in text
            counts["traceback"] += int("Traceback" in text)  # type: ignore[operator]
            if bad and counts["first_failure"] is None:
                counts["first_failure"] = f"{what}: {status} {text[:200]}"

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", NonInteractiveExampleWarning)
                raw = _raw()
                paths = ["/v1/chat/completions", "/v1/documents", "/v1/runs"]
                for i in range(n):
                    body = raw.example()
                    path = paths[i % len(paths)]
                    status, text = _request(url + path, key, "POST", body)
                    count(status, text, f"POST {path} {body[:60]!r}")
                schema = schemathesis.openapi.from_url(url + "/openapi.json")
                ops = [r.ok() for r in schema.get_all_operations()]
                for op in ops:
                    for mode in schemathesis.GenerationMode:
                        strategy = op.as_strategy(generation_mode=mode)
                        for _ in range(max(1, n // (2 * len(ops)))):
                            try:
                                case = strategy.example()
                            except Exception:  # noqa: BLE001 - nothing to generate
                                break
                            r = case.call(base_url=url, headers={"Authorization": f"Bearer {key}"})
                            count(r.status_code, r.text, f"{op.method.upper()} {op.path}")
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    counts["requests"] = counts["2xx"] + counts["4xx"] + counts["5xx"]  # type: ignore[operator]
    return counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--waves", type=int, default=3)
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--fair-mb", type=float, default=8.0)
    ap.add_argument("--fuzz", type=int, default=400)
    args = ap.parse_args()
    spec = f"scripted?latency={args.latency:g}"
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        _, key = create_key(Store(db), "bench")
        proc, url = start(db, spec, args.concurrency)
        try:
            rows = [
                asyncio.run(measure(url, proc.pid, key, spec, args, stream))
                for stream in (False, True)
            ]
            # unloaded: one request at a time, so the overhead is per request, not queueing
            single = argparse.Namespace(**{**vars(args), "concurrency": 1, "waves": 100})
            rows.append(asyncio.run(measure(url, proc.pid, key, spec, single, False)))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        calls = len(Store(db).recent_calls(100_000))
    cols = [
        "mode",
        "concurrency",
        "requests",
        "throughput_rps",
        "p50_s",
        "p99_s",
        "overhead_p50_ms",
        "server_cpu_ms_per_request",
        "errors",
    ]
    table(rows, cols)
    expected = 3 * 10 + 2 * args.waves * args.concurrency + 100
    print(f"model calls recorded in the database: {calls} of {expected}")
    fair = fairness(args.fair_mb, args.latency)
    table([fair], list(fair))
    fuzzed = fuzz(args.fuzz)
    table([fuzzed], ["requests", "2xx", "4xx", "5xx", "traceback", "first_failure"])
    write(
        "server",
        rows,
        backend=spec,
        calls_recorded=calls,
        calls_expected=expected,
        fairness=fair,
        fuzz=fuzzed,
        note="scripted backend: measures the server path, not a model",
    )


if __name__ == "__main__":
    main()
