"""Where shoal keeps things. One place, overridable by environment variables.

- ``SHOAL_HOME``: data directory (model files, the default database). Default: the
  platform's user data dir (``~/.local/share/shoal`` on Linux).
- ``SHOAL_DB``: a database URL (``sqlite:///path``, ``postgresql://...``) or a plain path.
- ``SHOAL_LOCAL_PRICE``: USD per million tokens charged for local models (default 0).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir


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
