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
                "ts": 1.0, "run_id": None, "role": "chat", "model": "m", "backend": "scripted",
                "prompt_tokens": 1, "completion_tokens": 2, "cached_tokens": 0, "seconds": 0.1,
                "cost_usd": 0.0, "ok": True, "error": None,
            }
        ]
    )  # fmt: skip
    again = Store(url)
    assert again.version() == first.version()
    assert len(again.recent_calls()) == 1


def test_unusable_database_gives_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-dir" / "x.db"
    (tmp_path / "not-a-dir").write_text("a file, not a directory")
    with pytest.raises(StoreError, match="cannot"):
        Store(str(bad))
