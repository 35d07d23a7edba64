"""Memory instead of fine-tuning: a user's whole history, kept losslessly, as a cached prefix."""

from shoal.memory.history import History, Turn
from shoal.memory.memory import Memory, MemoryChunk, MemoryReply, default_cache

__all__ = ["History", "Memory", "MemoryChunk", "MemoryReply", "Turn", "default_cache"]
