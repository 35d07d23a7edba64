"""Splitting documents into chunks a worker can read: shoal's job, not a model's.

Chunks are sized in the *worker's* tokens, end on paragraph or sentence boundaries
where possible, overlap by a few sentences so a fact cut at a boundary is still read
whole once, and carry their character offsets in the source. Segments tile the text
exactly (no character is skipped), and every segment is in some chunk, so coverage is
complete by construction; ``coverage`` measures it anyway.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from shoal.swarm.documents import Document

_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE = re.compile(r"(?<=[.!?;:])[\"')\]]?\s+|\n")


@dataclass(frozen=True)
class Chunk:
    index: int
    """Position among all chunks of a run (across documents)."""
    doc_id: str
    doc_name: str
    start: int
    end: int
    text: str
    tokens: int


Segment = tuple[int, int, int, bool]
"""(start, end, tokens, ends_paragraph)."""


def _split(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Tile [start, end) into spans that end just after each separator match."""
    spans, cur = [], start
    for m in pattern.finditer(text, start, end):
        if m.end() > cur:
            spans.append((cur, m.end()))
            cur = m.end()
    if cur < end:
        spans.append((cur, end))
    return spans


def segments(text: str, count: Callable[[str], int], budget: int) -> list[Segment]:
    """(start, end, tokens, ends_paragraph) spans tiling ``text``, none over ``budget``."""
    out: list[Segment] = []
    for p_start, p_end in _split(text, 0, len(text), _PARAGRAPH):
        sentences = _split(text, p_start, p_end, _SENTENCE)
        for i, (s_start, s_end) in enumerate(sentences):
            last = i == len(sentences) - 1
            n = count(text[s_start:s_end])
            if n <= budget:
                out.append((s_start, s_end, n, last))
                continue
            # A "sentence" longer than a whole chunk: cut it by characters.
            step = max(1, (s_end - s_start) * budget // (n + 1))
            for c_start in range(s_start, s_end, step):
                c_end = min(s_end, c_start + step)
                out.append((c_start, c_end, count(text[c_start:c_end]), last and c_end == s_end))
    return out


def chunk_document(
    doc: Document,
    count: Callable[[str], int],
    chunk_tokens: int,
    overlap_tokens: int = 0,
    first_index: int = 0,
    segs: list[Segment] | None = None,
) -> list[Chunk]:
    """Pack segments greedily into chunks of at most ``chunk_tokens`` tokens.

    A chunk prefers to end at a paragraph end once it is three quarters full. The next
    chunk starts with the trailing segments of the previous one, up to
    ``overlap_tokens``, but always advances.
    """
    if chunk_tokens < 16:
        raise ValueError("chunk_tokens must be at least 16")
    if segs is None or any(s[2] > chunk_tokens for s in segs):
        segs = segments(doc.text, count, chunk_tokens)
    doc_id = doc.id
    chunks: list[Chunk] = []
    i = 0
    while i < len(segs):
        j, total, cut = i, 0, None
        while j < len(segs) and total + segs[j][2] <= chunk_tokens:
            total += segs[j][2]
            if segs[j][3] and total >= 0.75 * chunk_tokens:
                cut = j
            j += 1
        j = max(j, i + 1)  # a lone oversize segment still makes progress
        if j < len(segs) and cut is not None:
            j = cut + 1
        start, end = segs[i][0], segs[j - 1][1]
        chunks.append(
            Chunk(
                index=first_index + len(chunks),
                doc_id=doc_id,
                doc_name=doc.name,
                start=start,
                end=end,
                text=doc.text[start:end],
                tokens=sum(s[2] for s in segs[i:j]),
            )
        )
        if j >= len(segs):
            break
        k, back = j, 0
        while k - 1 > i and back + segs[k - 1][2] <= overlap_tokens:
            k -= 1
            back += segs[k][2]
        i = k
    return chunks


class Span(Protocol):
    """A stretch of one document: a chunk, or a window the lead re-read."""

    @property
    def doc_id(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def coverage(docs: list[Document], chunks: Sequence[Span]) -> float:
    """Fraction of all document characters that lie in at least one chunk (or window)."""
    total = sum(len(d.text) for d in docs)
    if total == 0:
        return 1.0
    covered = 0
    for doc in docs:
        spans = sorted((c.start, c.end) for c in chunks if c.doc_id == doc.id)
        reach = 0
        for s, e in spans:
            if e > reach:
                covered += e - max(s, reach)
                reach = e
    return covered / total
