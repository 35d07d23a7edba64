"""Load on `shoal serve`: many concurrent chat completions through the official openai client.

The server is started as users start it (a subprocess, auth on, SQLite, loopback only) with
one extra allowed model, the scripted backend with a fixed latency. The client sends waves
of CONCURRENCY requests at once with ``AsyncOpenAI``. Per request it records the wall time;
the server's overhead is that time minus the backend's fixed latency. Scripted backend:
this measures the HTTP/auth/validation/ledger path, not a model. Client and server share
the machine's 2 cores, so the client's own cost is inside the latency figures; the server's
own cost is its CPU time per request (from /proc), which the client does not touch.

Usage: python -m benchmarks.server [--concurrency 200] [--waves 3] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
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


def start(db: str, spec: str, concurrency: int) -> tuple[subprocess.Popen[bytes], str]:
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--waves", type=int, default=3)
    ap.add_argument("--latency", type=float, default=0.05)
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
    write(
        "server",
        rows,
        backend=spec,
        calls_recorded=calls,
        calls_expected=expected,
        note="scripted backend: measures the server path, not a model",
    )


if __name__ == "__main__":
    main()
