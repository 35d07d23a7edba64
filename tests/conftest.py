"""Test isolation: every test gets its own database; real models come from SHOAL_HOME."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from shoal import ledger
from shoal.models import BUNDLED
from shoal.models.fetch import is_ready


@pytest.fixture(autouse=True)
def isolated_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    db = tmp_path / "shoal-test.db"
    monkeypatch.setenv("SHOAL_DB", str(db))
    monkeypatch.setenv("SHOAL_KV_CACHE_DIR", str(tmp_path / "kv-cache"))
    monkeypatch.setattr(ledger, "_default", None)
    yield db


def need_model(name: str) -> None:
    """Real-model tests fail loudly when weights are missing (CI prepares them first);
    set SHOAL_SKIP_REAL=1 to skip them deliberately on a machine without them."""
    if os.environ.get("SHOAL_SKIP_REAL") == "1":
        pytest.skip("SHOAL_SKIP_REAL=1")
    if not is_ready(BUNDLED[name]):
        pytest.fail(f"{name} is not prepared: run `make models` (or set SHOAL_SKIP_REAL=1)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bindir() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server for this test session: Debian's binaries, a temporary data
    directory, 127.0.0.1 only, stopped at the end. ``scripts/bootstrap.sh`` installs it."""
    import shutil
    import subprocess
    import tempfile

    if os.environ.get("SHOAL_SKIP_POSTGRES") == "1":
        pytest.skip("SHOAL_SKIP_POSTGRES=1")
    bindir = _pg_bindir()
    if bindir is None:
        pytest.fail("PostgreSQL is not installed: run `make setup` (apt-get install postgresql)")
    # Not under pytest's tmp dir: that is private to root, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="shoal-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = free_port()

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "shoal", "--no-sync")
    run(str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"), "-o",
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off", "start")  # fmt: skip
    try:
        run(str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "shoal", "shoal")
        yield f"postgresql://shoal@127.0.0.1:{port}/shoal"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def workers_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers read every unit, however small the input (for tests about their reads; a
    small input is otherwise read whole by the stronger model)."""
    from shoal.swarm import extract, run

    monkeypatch.setattr(run, "SMALL_INPUT_TOKENS", 0)
    monkeypatch.setattr(extract, "block_limit", lambda _run: 0)
