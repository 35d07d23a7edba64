"""Building the prompt for a user's next turn.

    [system] + [history, oldest first] + [new message]

When that fits the model's window, all of it goes in, in the same order every time, so the
prompt of turn N is a strict prefix of turn N+1's and the prefix cache (or a server's
automatic prefix caching) computes only the new tokens.

When it does not fit, nothing is dropped silently: the history is split into an *older*
part, read by the swarm as a document with the new message as its question, and a
*recent* part that goes in verbatim. The swarm's verified quotes go into the new message.
The split point moves in steps of ``STEP`` messages, not one turn at a time, so the prefix
(system + recent history) stays identical for several turns in a row and stays cacheable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from shoal.memory.history import StoredMessage
from shoal.models.base import Model
from shoal.types import Message

STEP = 8
"""Messages the overflow boundary moves at a time."""
FINDINGS_ROOM = 400
"""Tokens kept free for the swarm's findings when history overflows."""


@dataclass
class Assembly:
    messages: list[Message]
    prompt_tokens: int
    recent: int
    """History messages included verbatim."""
    older: list[StoredMessage] = field(default_factory=list)
    """History messages that did not fit (to be read by the swarm)."""


def fits(model: Model, messages: list[Message], reply_tokens: int) -> tuple[bool, int]:
    n = model.count_message_tokens(messages)
    return n + reply_tokens <= model.context_window, n


def assemble(
    model: Model, system: str, history: list[StoredMessage], new: str, reply_tokens: int
) -> Assembly:
    head: list[Message] = [{"role": "system", "content": system}]
    tail: list[Message] = [{"role": "user", "content": new}]
    everything = head + [t.message() for t in history] + tail
    ok, n = fits(model, everything, reply_tokens)
    if ok:
        return Assembly(everything, n, len(history))
    # Smallest split k (a multiple of STEP) whose recent part fits with room for findings.
    room = reply_tokens + FINDINGS_ROOM
    lo, hi = 0, len(history)
    while lo < hi:  # binary search: fewer recent messages always fit better
        mid = (lo + hi) // 2
        ok, _ = fits(model, head + [t.message() for t in history[mid:]] + tail, room)
        if ok:
            hi = mid
        else:
            lo = mid + 1
    k = min(len(history), -(-lo // STEP) * STEP)
    messages = head + [t.message() for t in history[k:]] + tail
    ok, n = fits(model, messages, room)
    if not ok:
        # Even the new message alone does not fit: the caller gets a clear overflow error
        # from the model call; the history is still handed to the swarm.
        k = len(history)
        messages = head + tail
        n = model.count_message_tokens(messages)
    return Assembly(messages, n, len(history) - k, older=history[:k])


def as_document(turns: list[StoredMessage]) -> str:
    """Older history as a plain document for the swarm: one block per message, with when
    and who, so quotes can be traced back to a turn."""
    blocks = []
    for t in turns:
        when = datetime.fromtimestamp(t.ts, tz=UTC).strftime("%Y-%m-%d %H:%M")
        blocks.append(f"[{when}] {t.role}: {t.content}")
    return "\n\n".join(blocks) + "\n"


def with_findings(new: str, quotes: list[str]) -> str:
    """The new message, preceded by what the swarm found in the older history."""
    if not quotes:
        return new
    lines = "\n".join(f'- "{q}"' for q in quotes)
    return (
        "(From earlier in our conversation, found in the older history; quoted exactly:\n"
        f"{lines})\n\n{new}"
    )
