"""Persistence: every call, run, job and report lands here."""

from shoal.errors import StoreError
from shoal.store.db import Store

__all__ = ["Store", "StoreError"]
