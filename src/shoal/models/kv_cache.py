"""A prefix cache for the embedded backend: the attention (KV) state of a token prefix, kept
so the next call that starts with the same tokens computes only what is new.

Two tiers, both bounded in bytes with least-recently-used eviction:
- memory: within a process (a restore is a memcpy into llama.cpp, ~0.1-0.4 s);
- disk: across processes, one file per entry, written atomically.

An entry is keyed by the model (file, size, window, llama.cpp version) and the *exact*
token prefix. Only the sequence's KV data is kept (``llama_state_seq_get_data``), not
llama-cpp-python's full state with its n_batch x vocab logits. A disk entry is verified
before it is used (magic, header, model, token hash, payload length and sha256); anything
that does not check out is deleted and the call runs cold, so a stale or corrupt file costs
time, never a wrong answer. Entries carry an owner tag so ``forget`` can delete a user's.

Use it by scope: ``with kv_cache.using(cache): await model.complete(...)``. Calls outside
a scope behave as before (llama-cpp-python's own reuse of the live KV only).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from shoal.errors import ShoalError

log = logging.getLogger(__name__)

MAGIC = b"SHOALKV1"
GiB = 1024**3


@dataclass
class Entry:
    model: str
    tokens: np.ndarray
    """int32 token ids the state covers, in order."""
    state: bytes | bytearray
    """Treated as read-only; a bytearray so llama.cpp can read it without a copy."""
    owner: str = ""

    @property
    def nbytes(self) -> int:
        return len(self.state) + self.tokens.nbytes


@dataclass
class _DiskEntry:
    path: Path
    model: str
    n: int
    tokens_sha: str
    owner: str
    size: int


@dataclass
class Stats:
    memory_hits: int = 0
    disk_hits: int = 0
    misses: int = 0
    discarded: int = 0
    """Disk entries that failed verification and were deleted."""
    stores: int = 0
    errors: list[str] = field(default_factory=list)


def _tokens_sha(tokens: np.ndarray) -> str:
    return hashlib.sha256(tokens.astype("<i4").tobytes()).hexdigest()


class PrefixCache:
    def __init__(
        self,
        directory: Path | str | None = None,
        *,
        memory_bytes: int = 1 * GiB,
        disk_bytes: int = 8 * GiB,
    ):
        self.directory = Path(directory) if directory is not None else None
        self.memory_bytes = memory_bytes
        self.disk_bytes = disk_bytes
        self._memory: OrderedDict[str, Entry] = OrderedDict()
        self._disk: dict[str, _DiskEntry] = {}
        self._lock = threading.Lock()
        self.stats = Stats()
        if self.directory is not None:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError) as exc:
                raise ShoalError(
                    f"the prefix cache directory {self.directory} is not a directory "
                    "(a file is in the way); remove it or set SHOAL_KV_CACHE_DIR"
                ) from exc
            except OSError as exc:
                raise ShoalError(
                    f"cannot use {self.directory} for the prefix cache: {exc.strerror}; "
                    "set SHOAL_KV_CACHE_DIR"
                ) from exc
            self._scan()

    # --- keys ----------------------------------------------------------------------------
    @staticmethod
    def key(model: str, tokens: np.ndarray) -> str:
        return hashlib.sha256(model.encode() + b"\0" + tokens.astype("<i4").tobytes()).hexdigest()[
            :40
        ]

    # --- lookup ----------------------------------------------------------------------------
    def lookup(self, model: str, tokens: Sequence[int]) -> tuple[Entry, str] | None:
        """The entry with the longest prefix of ``tokens`` for ``model`` (memory first,
        then disk, verified), and which tier it came from; None on a miss."""
        want = np.asarray(tokens, dtype=np.int32)
        with self._lock:
            best_key, best_n = None, 0
            for k, e in self._memory.items():
                n = len(e.tokens)
                fits = e.model == model and best_n < n <= len(want)
                if fits and np.array_equal(e.tokens, want[:n]):
                    best_key, best_n = k, n
            disk_best: _DiskEntry | None = None
            for d in self._disk.values():
                longer = d.model == model and max(best_n, disk_best.n if disk_best else 0) < d.n
                if longer and d.n <= len(want) and _tokens_sha(want[: d.n]) == d.tokens_sha:
                    disk_best = d
            if disk_best is None and best_key is not None:
                self._memory.move_to_end(best_key)
                self.stats.memory_hits += 1
                return self._memory[best_key], "memory"
        if disk_best is not None:
            entry = self._read(disk_best, model, want[: disk_best.n])
            if entry is not None:
                self.stats.disk_hits += 1
                self._remember(entry)
                return entry, "disk"
            return self.lookup(model, tokens)  # that file was bad and is gone: try again
        self.stats.misses += 1
        return None

    # --- store ---------------------------------------------------------------------------
    def put(
        self, model: str, tokens: Sequence[int], state: bytes | bytearray, owner: str = ""
    ) -> None:
        """Keep ``state`` (the KV of exactly ``tokens``) in memory and, if configured, on disk.
        A failed disk write (full disk, permissions) is logged and the cache goes on."""
        entry = Entry(model, np.asarray(tokens, dtype=np.int32).copy(), state, owner)
        self._remember(entry)
        self.stats.stores += 1
        if self.directory is not None:
            try:
                self._write(entry)
            except OSError as exc:
                self.stats.errors.append(str(exc))
                log.warning("prefix cache: could not write to %s: %s", self.directory, exc)

    def _remember(self, entry: Entry) -> None:
        k = self.key(entry.model, entry.tokens)
        with self._lock:
            # A longer prefix of the same conversation supersedes the shorter ones it extends.
            for old_key, old in list(self._memory.items()):
                n = len(old.tokens)
                same = old.model == entry.model and old.owner == entry.owner
                if same and n < len(entry.tokens) and np.array_equal(old.tokens, entry.tokens[:n]):
                    del self._memory[old_key]
            self._memory[k] = entry
            self._memory.move_to_end(k)
            total = sum(e.nbytes for e in self._memory.values())
            while total > self.memory_bytes and len(self._memory) > 1:
                _, dropped = self._memory.popitem(last=False)
                total -= dropped.nbytes

    # --- disk ----------------------------------------------------------------------------
    def _write(self, entry: Entry) -> None:
        assert self.directory is not None
        k = self.key(entry.model, entry.tokens)
        header = json.dumps({
            "model": entry.model,
            "n": len(entry.tokens),
            "tokens_sha": _tokens_sha(entry.tokens),
            "payload_len": len(entry.state),
            "payload_sha": hashlib.sha256(entry.state).hexdigest(),
            "owner": entry.owner,
            "created": time.time(),
        }).encode()  # fmt: skip
        path = self.directory / f"{k}.kv"
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        try:
            with open(tmp, "wb") as f:
                f.write(MAGIC + struct.pack("<I", len(header)) + header)
                f.write(entry.tokens.astype("<i4").tobytes())
                f.write(entry.state)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        d = _DiskEntry(path, entry.model, len(entry.tokens), _tokens_sha(entry.tokens),
                       entry.owner, path.stat().st_size)  # fmt: skip
        with self._lock:
            # drop shorter prefixes this entry extends, as in memory
            for other_key, other in list(self._disk.items()):
                if (other.model == entry.model and other.owner == entry.owner
                        and other.n < d.n
                        and _tokens_sha(entry.tokens[: other.n]) == other.tokens_sha):  # fmt: skip
                    other.path.unlink(missing_ok=True)
                    del self._disk[other_key]
            self._disk[k] = d
        self._evict_disk()

    def _evict_disk(self) -> None:
        with self._lock:
            entries = sorted(self._disk.items(), key=lambda kv: _atime(kv[1].path))
            total = sum(d.size for _, d in entries)
            while total > self.disk_bytes and len(entries) > 1:
                k, d = entries.pop(0)
                d.path.unlink(missing_ok=True)
                self._disk.pop(k, None)
                total -= d.size

    def _header(self, path: Path) -> tuple[dict[str, Any], int] | None:
        """The header and the offset of the token array, or None if unreadable."""
        try:
            with open(path, "rb") as f:
                head = f.read(len(MAGIC) + 4)
                if len(head) != len(MAGIC) + 4 or head[: len(MAGIC)] != MAGIC:
                    return None
                (length,) = struct.unpack("<I", head[len(MAGIC) :])
                if length > 1_000_000:
                    return None
                meta = json.loads(f.read(length))
            return meta, len(MAGIC) + 4 + length
        except (OSError, ValueError, UnicodeDecodeError):
            return None

    def _scan(self) -> None:
        assert self.directory is not None
        for path in self.directory.glob("*.kv"):
            found = self._header(path)
            if found is None or not isinstance(found[0], dict):
                self._discard(path, "unreadable header")
                continue
            meta = found[0]
            try:
                d = _DiskEntry(path, str(meta["model"]), int(meta["n"]), str(meta["tokens_sha"]),
                               str(meta.get("owner", "")), path.stat().st_size)  # fmt: skip
            except (KeyError, TypeError, ValueError, OSError):
                self._discard(path, "bad header")
                continue
            self._disk[path.stem] = d
        for tmp in self.directory.glob("*.tmp*"):
            tmp.unlink(missing_ok=True)  # a write that died half-way

    def _read(self, d: _DiskEntry, model: str, tokens: np.ndarray) -> Entry | None:
        found = self._header(d.path)
        try:
            if found is None:
                raise ValueError("unreadable header")
            meta, offset = found
            if meta.get("model") != model or meta.get("n") != len(tokens):
                raise ValueError("written for another model or prefix")
            with open(d.path, "rb") as f:
                f.seek(offset)
                stored = np.frombuffer(f.read(4 * len(tokens)), dtype="<i4")
                state = bytearray(max(0, d.path.stat().st_size - offset - 4 * len(tokens)))
                got = f.readinto(state)
            if got != len(state):
                raise ValueError("short read")
            if not np.array_equal(stored, tokens):
                raise ValueError("token prefix differs")
            if len(state) != meta.get("payload_len"):
                raise ValueError(
                    f"payload is {len(state)} bytes, header says {meta.get('payload_len')}"
                )
            if hashlib.sha256(state).hexdigest() != meta.get("payload_sha"):
                raise ValueError("payload checksum mismatch")
        except (OSError, ValueError) as exc:
            self._discard(d.path, str(exc))
            return None
        os.utime(d.path)  # recency for the disk LRU
        return Entry(model, tokens.astype(np.int32), state, str(meta.get("owner", "")))

    def _discard(self, path: Path, why: str) -> None:
        log.warning("prefix cache: discarding %s: %s", path.name, why)
        self.stats.discarded += 1
        path.unlink(missing_ok=True)
        with self._lock:
            self._disk.pop(path.stem, None)

    def discard_entry(self, model: str, tokens: Sequence[int]) -> None:
        """Forget one entry everywhere (llama.cpp refused to load it)."""
        k = self.key(model, np.asarray(tokens, dtype=np.int32))
        with self._lock:
            self._memory.pop(k, None)
            d = self._disk.pop(k, None)
        if d is not None:
            d.path.unlink(missing_ok=True)
        self.stats.discarded += 1

    # --- privacy and accounting --------------------------------------------------------
    def forget(self, owner: str) -> int:
        """Delete every entry tagged with ``owner``, in memory and on disk; returns how many."""
        n = 0
        with self._lock:
            for k in [k for k, e in self._memory.items() if e.owner == owner]:
                del self._memory[k]
                n += 1
            for k in [k for k, d in self._disk.items() if d.owner == owner]:
                self._disk.pop(k).path.unlink(missing_ok=True)
                n += 1
        return n

    def usage(self) -> dict[str, int]:
        with self._lock:
            return {
                "memory_entries": len(self._memory),
                "memory_bytes": sum(e.nbytes for e in self._memory.values()),
                "disk_entries": len(self._disk),
                "disk_bytes": sum(d.size for d in self._disk.values()),
            }


def _atime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


_current: ContextVar[tuple[PrefixCache, str] | None] = ContextVar("shoal_kv_cache", default=None)


@contextmanager
def using(cache: PrefixCache, owner: str = "") -> Iterator[None]:
    """Calls to embedded models in this block restore and save prefixes in ``cache``,
    tagging what they save with ``owner``."""
    token = _current.set((cache, owner))
    try:
        yield
    finally:
        _current.reset(token)


def current() -> tuple[PrefixCache, str] | None:
    return _current.get()
