"""A user's conversation, kept whole: every message in and out, append-only, in the database.

Nothing is summarised or trimmed here; ``forget`` is the only deletion and it is real (the
rows are deleted and the count is returned). JSONL export/import moves a history between
databases byte for byte.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from shoal.errors import InputError
from shoal.store import Store

ROLES = ("system", "user", "assistant")


@dataclass(frozen=True)
class StoredMessage:
    """One message of a user's history, as stored (``StoredMessage`` before 0.2)."""

    role: str
    content: str
    ts: float
    thread: str = "default"
    meta: dict[str, Any] | None = None

    def message(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


class History:
    def __init__(self, store: Store, user: str, thread: str = "default"):
        if not user.strip() or len(user) > 200:
            raise InputError("a user name must be 1 to 200 characters")
        if not thread.strip() or len(thread) > 200:
            raise InputError("a thread name must be 1 to 200 characters")
        self.store, self.user, self.thread = store, user, thread

    def messages(self, all_threads: bool = False) -> list[StoredMessage]:
        rows = self.store.get_messages(self.user, None if all_threads else self.thread)
        return [
            StoredMessage(r["role"], r["content"], r["ts"], r["thread"], r["meta"]) for r in rows
        ]

    def turns(self, all_threads: bool = False) -> list[StoredMessage]:
        """Deprecated: ``messages()``."""
        _deprecated("History.turns()", "History.messages()")
        return self.messages(all_threads)

    def append(self, role: str, content: str, meta: dict[str, Any] | None = None) -> StoredMessage:
        if role not in ROLES:
            raise InputError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        turn = StoredMessage(role, content, time.time(), self.thread, meta)
        self._write([turn])
        return turn

    def _write(self, turns: Iterable[StoredMessage]) -> None:
        self.store.append_messages([
            {"user": self.user, "thread": t.thread, "ts": t.ts, "role": t.role,
             "content": t.content, "meta": t.meta}
            for t in turns
        ])  # fmt: skip

    def forget(self, all_threads: bool = True) -> tuple[int, int]:
        """Delete this user's messages (every thread by default); (messages, characters)."""
        return self.store.delete_messages(self.user, None if all_threads else self.thread)

    # --- JSONL ------------------------------------------------------------------------
    def export(self, out: TextIO, all_threads: bool = True) -> int:
        n = 0
        for t in self.messages(all_threads):
            row = {"thread": t.thread, "ts": t.ts, "role": t.role, "content": t.content,
                   "meta": t.meta}  # fmt: skip
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
        return n

    def import_(self, source: TextIO, name: str = "input") -> int:
        """Append every line of a JSONL export. All lines are checked first: a bad line is
        an error naming it, and nothing is written."""
        turns = []
        for lineno, line in enumerate(source, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{name}:{lineno}: not JSON: {exc.msg}") from exc
            if not isinstance(raw, dict):
                raise InputError(f"{name}:{lineno}: expected an object")
            role, content, ts = raw.get("role"), raw.get("content"), raw.get("ts", time.time())
            if role not in ROLES:
                raise InputError(f"{name}:{lineno}: role must be one of {', '.join(ROLES)}")
            if not isinstance(content, str):
                raise InputError(f"{name}:{lineno}: content must be a string")
            if not isinstance(ts, int | float):
                raise InputError(f"{name}:{lineno}: ts must be a number")
            thread = raw.get("thread") or self.thread
            if not isinstance(thread, str):
                raise InputError(f"{name}:{lineno}: thread must be a string")
            meta = raw.get("meta")
            turns.append(
                StoredMessage(
                    role, content, float(ts), thread, meta if isinstance(meta, dict) else None
                )
            )
        self._write(turns)
        return len(turns)


def _deprecated(old: str, new: str) -> None:
    import warnings

    warnings.warn(f"{old} is deprecated; use {new}", DeprecationWarning, stacklevel=3)


def __getattr__(name: str) -> Any:
    if name == "Turn":
        _deprecated("shoal.memory.Turn", "shoal.memory.StoredMessage")
        return StoredMessage
    raise AttributeError(name)
