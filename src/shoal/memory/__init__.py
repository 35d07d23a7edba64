"""Memory instead of fine-tuning: a user's whole history, kept losslessly, as a cached prefix."""

from typing import Any

from shoal.memory.history import History, StoredMessage
from shoal.memory.memory import Forgotten, Memory, MemoryChunk, MemoryReply, default_cache, forget

__all__ = [
    "Forgotten",
    "History",
    "Memory",
    "MemoryChunk",
    "MemoryReply",
    "StoredMessage",
    "default_cache",
    "forget",
]


def __getattr__(name: str) -> Any:
    if name == "Turn":
        from shoal.memory import history

        return history.__getattr__("Turn")
    raise AttributeError(name)
