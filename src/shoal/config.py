"""Where shoal keeps things. One place, overridable by environment variables.

- ``SHOAL_HOME``: data directory (model files, the default database). Default: the
  platform's user data dir (``~/.local/share/shoal`` on Linux).
- ``SHOAL_DB``: a database URL (``sqlite:///path``, ``postgresql://...``) or a plain path.
- ``SHOAL_MACHINE_USD_PER_HOUR``: what an hour of this machine costs, used to price local
  model calls by the time they take (default 0.10, an on-demand 2-vCPU cloud VM).
- ``SHOAL_LOCAL_PRICE``: if set, USD per million tokens for local models instead.
- ``SHOAL_PRICES``: a JSON price table overriding the built-in one.
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


DEFAULT_MACHINE_USD_PER_HOUR = 0.10


def _number(name: str, default: float | None) -> float | None:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ShoalError(f"{name} must be a number, not {raw!r}") from exc
    if not value >= 0 or value == float("inf"):  # also refuses NaN
        raise ShoalError(f"{name} must be a finite number >= 0, not {raw!r}")
    return value


def machine_usd_per_hour() -> float:
    """USD per hour of this machine (SHOAL_MACHINE_USD_PER_HOUR, default 0.10)."""
    value = _number("SHOAL_MACHINE_USD_PER_HOUR", DEFAULT_MACHINE_USD_PER_HOUR)
    return DEFAULT_MACHINE_USD_PER_HOUR if value is None else value


def local_price_per_million() -> float | None:
    """SHOAL_LOCAL_PRICE: a per-token price for local models, or None (machine time)."""
    return _number("SHOAL_LOCAL_PRICE", None)


def prices_file() -> str | None:
    return os.environ.get("SHOAL_PRICES") or None


def kv_cache_dir() -> Path:
    return Path(os.environ.get("SHOAL_KV_CACHE_DIR") or home() / "kv-cache")


def kv_cache_gb() -> float:
    """Disk budget of the prefix cache (SHOAL_KV_CACHE_GB, default 8)."""
    value = _number("SHOAL_KV_CACHE_GB", 8.0)
    return 8.0 if value is None else value
