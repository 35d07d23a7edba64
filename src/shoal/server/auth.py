"""API keys and tenants.

A key is ``sk-shoal-`` plus 256 random bits, shown once when created. The database keeps
only its sha256 (a slow password hash buys nothing for a random 256-bit secret) and the
key's id, which is the tenant: everything a key creates is stored under it, and every
lookup by id is filtered by it, so another tenant's run or document is simply not found.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from shoal.errors import InputError
from shoal.store import Store
from shoal.store.schema import LOCAL_TENANT

PREFIX = "sk-shoal-"
CACHE_SECONDS = 5.0
"""How long a verified key is trusted without asking the database (bounds revocation lag)."""


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str


LOCAL = Tenant(LOCAL_TENANT, "local")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


KEY_ID = re.compile(r"k[0-9a-f]{12}")
"""What a key's id looks like. No name may look like one, so the two never collide."""


def create_key(store: Store, name: str) -> tuple[Tenant, str]:
    """A new key for ``name``; returns the tenant and the key (the only time it is seen)."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InputError("a key needs a name of 1 to 200 characters")
    if KEY_ID.fullmatch(name) or name.startswith(PREFIX):
        raise InputError(f"{name!r} looks like a key id or a key; choose another name")
    key_id = "k" + secrets.token_hex(6)
    key = PREFIX + secrets.token_urlsafe(32)
    store.create_key(key_id, name, hash_key(key))
    return Tenant(key_id, name), key


def revoke_key(store: Store, name_or_id: str) -> str:
    """Revoke one live key, by its id or by a name exactly one live key has; returns the id.
    A name shared by several live keys is refused with their ids, never all revoked."""
    if KEY_ID.fullmatch(name_or_id):
        if store.revoke_key_id(name_or_id):
            return name_or_id
        raise InputError(f"no live key with id {name_or_id!r}")
    ids: list[str] = [
        k["id"] for k in store.list_keys() if k["name"] == name_or_id and not k["revoked"]
    ]
    if not ids:
        raise InputError(f"no live key named {name_or_id!r} (`shoal keys list`)")
    if len(ids) > 1:
        raise InputError(
            f"{len(ids)} live keys are named {name_or_id!r} ({', '.join(ids)}): revoke one by id"
        )
    store.revoke_key_id(ids[0])
    return ids[0]


class KeyRing:
    """Resolves bearer keys to tenants, with a short cache so a busy server does not
    query the database on every request."""

    def __init__(self, store: Store):
        self.store = store
        self._cache: dict[str, tuple[float, Tenant | None]] = {}

    def tenant_for(self, key: str) -> Tenant | None:
        digest = hash_key(key)
        hit = self._cache.get(digest)
        now = time.monotonic()
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
        row = self.store.key_by_hash(digest) if key.startswith(PREFIX) else None
        tenant = Tenant(row["id"], row["name"]) if row else None
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[digest] = (now, tenant)
        return tenant
