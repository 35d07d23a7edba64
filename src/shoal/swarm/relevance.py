"""A cheap relevance signal over every part of the input: BM25 (``rank-bm25``).

Workers read everything, but a tiny worker can miss the one sentence that matters. When
the verified evidence is weak, the stronger model re-reads the passages most likely to hold
the answer; this module says which. Passages are short (a few sentences, cut on sentence
and paragraph boundaries with source offsets), so a re-read costs few tokens.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from rank_bm25 import BM25Okapi

from shoal.swarm.check import stem, terms
from shoal.swarm.chunk import Segment, chunk_document
from shoal.swarm.documents import Document
from shoal.swarm.structure import Outline

PASSAGE_TOKENS = 160


@dataclass(frozen=True)
class Passage:
    doc_id: str
    doc_name: str
    start: int
    end: int
    text: str
    headings: str = ""
    """The local heading lines that govern it (``structure.py``): indexed with it, so a
    table row matches its column names and an INI key its section. Headings over most of
    the text (a title) are left out: they would tell every passage the same."""


def tokens(text: str) -> list[str]:
    return [stem(t) for t in terms(text)]


def passages(
    docs: list[Document], count: Callable[[str], int], size: int = PASSAGE_TOKENS,
    segs: dict[str, list[Segment]] | None = None, outlines: dict[str, Outline] | None = None,
) -> list[Passage]:  # fmt: skip
    """Short passages tiling ``docs`` (``segs``: their sentences, if already split)."""
    out = []
    for d in docs:
        outline = (outlines or {}).get(d.id)
        for c in chunk_document(d, count, size, 0, segs=(segs or {}).get(d.id)):
            heads = ""
            if outline is not None:
                heads = "\n".join(d.text[h.start : h.end] for h in outline.local(c.start)
                                  if h.end <= c.start)  # fmt: skip
            out.append(Passage(d.id, d.name, c.start, c.end, c.text, heads))
    return out


class _BM25(BM25Okapi):  # type: ignore[misc]
    """BM25 with Lucene's idf, log(1 + (N - n + 0.5) / (n + 0.5)), which is never negative.
    ``BM25Okapi``'s own idf is negative for a term in more than half the passages, floored
    at a share of the average idf; in an input of a few sentences repeated (a bin
    calendar's reminders, a log's heartbeats) that average is negative too, every score
    came out below zero, and no passage was re-read at all."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))
        self.average_idf = sum(self.idf.values()) / max(1, len(self.idf))


class Relevance:
    """BM25 over the passages of a run's documents."""

    def __init__(self, parts: list[Passage]):
        self.passages = parts
        docs = [tokens(f"{p.headings}\n{p.text}") or ["\0"] for p in parts]
        self._bm25 = _BM25(docs) if parts else None

    def rank(self, query: str) -> list[tuple[Passage, float]]:
        """Every passage with its score, best first (ties in document order)."""
        if self._bm25 is None:
            return []
        q = tokens(query)
        if not q:
            return [(p, 0.0) for p in self.passages]
        scores = self._bm25.get_scores(q)
        order = sorted(range(len(self.passages)), key=lambda i: (-scores[i], i))
        return [(self.passages[i], float(scores[i])) for i in order]
