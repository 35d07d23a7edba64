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
