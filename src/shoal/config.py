"""Where shoal keeps things. One place, overridable by environment variables.

- ``SHOAL_HOME``: data directory (model files, the default database). Default: the
  platform's user data dir (``~/.local/share/shoal`` on Linux).
- ``SHOAL_DB``: a database URL (``sqlite:///path``, ``postgresql://...``) or a plain path.
- ``SHOAL_LOCAL_PRICE``: USD per million tokens charged for local models (default 0).
- ``SHOAL_KV_CACHE_DIR``: where the prefix cache keeps KV states (default SHOAL_HOME/kv-cache);
  ``SHOAL_KV_CACHE_GB``: its disk budget (default 8).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from shoal.errors import ShoalError


def home() -> Path:
    path = Path(os.environ.get("SHOAL_HOME") or user_data_dir("shoal", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir() -> Path:
    path = home() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def db_url(override: str | None = None) -> str:
    """Normalise a database setting to a SQLAlchemy URL."""
    value = override or os.environ.get("SHOAL_DB") or str(home() / "shoal.db")
    if "://" in value:
        if value.startswith("postgresql://"):
            # psycopg 3 is the driver the [postgres] extra installs.
            value = "postgresql+psycopg://" + value[len("postgresql://") :]
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def local_price_per_million() -> float:
    raw = os.environ.get("SHOAL_LOCAL_PRICE", "0")
    try:
        return float(raw)
    except ValueError:
        return 0.0


def kv_cache_dir() -> Path:
    return Path(os.environ.get("SHOAL_KV_CACHE_DIR") or home() / "kv-cache")


def kv_cache_gb() -> float:
    """Disk budget of the prefix cache (SHOAL_KV_CACHE_GB, default 8)."""
    raw = os.environ.get("SHOAL_KV_CACHE_GB", "8")
    try:
        value = float(raw)
    except ValueError as exc:
        raise ShoalError(f"SHOAL_KV_CACHE_GB must be a number of GB, not {raw!r}") from exc
    return max(0.0, value)
