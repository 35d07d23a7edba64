"""Persistence: every call, run, job and report lands here."""

from shoal.store.db import Store, StoreError

__all__ = ["Store", "StoreError"]
