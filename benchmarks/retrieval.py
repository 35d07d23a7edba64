"""Where the answer's passage ranks, and what became of the lookups that ranked it high.

When the workers verify nothing, a lookup's recall rests on BM25 (``swarm/relevance.py``):
the stronger model re-reads the passages it ranks highest, searched with the question and
the stronger model's wording of an answer (``find._wording``). This script asks, for the
stored runs of ``longdoc.py`` (no model is called): in how many documents did the passage
that states the answer rank first, in the top 3, 5 or 8, by the question alone and by the
question with the run's wording; and among those where it ranked in the top 3, how many
were answered right. A miss with the passage ranked first was lost in the reading or the
judgement, not in the search.

Each generated document is rebuilt from its genre, size and seed (the generators are
deterministic) and indexed as a run indexes it. Real documents are left out (their
evidence is a hand-marked span of a file, not a seed), and so are genres still sealed. The
runs span many versions of the protocol (each result file's ``meta.note`` names its code):
the ranks are today's index on those documents; "right" is what that run's code did.

Usage: python -m benchmarks.retrieval [--config default] [--sizes 8000] [--out retrieval]
"""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

from benchmarks._results import RESULTS, markdown, write
from benchmarks.corpus.lookup import GENRES, generate, split_of
from benchmarks.longdoc import wilson
from shoal.models import get_model
from shoal.swarm.documents import Document
from shoal.swarm.relevance import Relevance, passages
from shoal.swarm.structure import Outline

TOPS = (1, 3, 5, 8)
_CASE = re.compile(r"(.+)-(\d+)-(\d+)(-none)?$")
_WORDING = re.compile(r"wording of an answer: (['\"])(.*)\1$")


def wording_of(row: dict[str, Any]) -> str:
    """The stronger model's wording of an answer, as the run's notes recorded it."""
    for note in row.get("notes") or []:
        m = _WORDING.search(note)
        if m:
            return m.group(2)
    return ""


def rank(relevance: Relevance, query: str, span: tuple[int, int]) -> int:
    """The rank (1 = first) of the first passage overlapping ``span``."""
    for i, (p, _) in enumerate(relevance.rank(query), 1):
        if p.start < span[1] and span[0] < p.end:
            return i
    return len(relevance.passages) + 1


def measure(config: str, sizes: set[int]) -> list[dict[str, Any]]:
    count = get_model("smollm2-135m").count_tokens
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for rows_file in sorted(RESULTS.glob("longdoc*.json")):
        rows = json.loads(rows_file.read_text()).get("rows") or []
        for r in rows:
            m = _CASE.match(r.get("case", ""))
            if (r.get("config") != config or not r.get("answerable") or m is None
                    or r.get("size") not in sizes or r.get("genre") not in GENRES):  # fmt: skip
                continue
            genre, size, seed = m.group(1), int(m.group(2)), int(m.group(3))
            if (rows_file.stem, r["case"]) in seen or split_of(genre) == "sealed":
                continue  # a sealed genre is studied only after its one final run
            seen.add((rows_file.stem, r["case"]))
            case = generate(genre, size, seed, count, True)
            if case.question != r["question"] or case.evidence is None:
                continue  # the generator changed since that run: not the same document
            doc = Document(case.id, case.text)
            relevance = Relevance(passages([doc], count, outlines={doc.id: Outline(doc.text)}))
            # as find._places searches: the wording's words, not any number it guessed
            wording = re.sub(r"\d[\d.,:/]*", " ", wording_of(r))
            out.append({
                "source": rows_file.stem, "case": r["case"], "genre": genre,
                "split": split_of(genre), "size": size, "verdict": r["verdict"],
                "passages": len(relevance.passages), "reads": r.get("escalation_reads"),
                "rank_question": rank(relevance, case.question, case.evidence),
                "rank_worded": rank(relevance, f"{case.question}\n{wording}", case.evidence),
                "worded": bool(wording),
            })  # fmt: skip
    return out


def _share(k: int, n: int) -> str:
    if not n:
        return "-"
    lo, hi = wilson(k, n)
    return f"{k}/{n} ({100 * k / n:.0f}% [{100 * lo:.0f}, {100 * hi:.0f}])"


def summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for size in sorted({r["size"] for r in rows}):
        g = [r for r in rows if r["size"] == size]
        line: dict[str, Any] = {"size": size, "documents": len(g)}
        for t in TOPS:
            line[f"question top {t}"] = sum(r["rank_question"] <= t for r in g)
            line[f"worded top {t}"] = sum(r["rank_worded"] <= t for r in g)
        high = [r for r in g if r["rank_worded"] <= 3]
        low = [r for r in g if r["rank_worded"] > 3]
        line["right, ranked top 3"] = sum(r["verdict"] == "right" for r in high)
        line["ranked top 3"] = len(high)
        line["right, ranked lower"] = sum(r["verdict"] == "right" for r in low)
        line["ranked lower"] = len(low)
        out.append(line)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", default="default")
    ap.add_argument("--sizes", default="2000,8000,16000,32000")
    ap.add_argument("--out", default="retrieval")
    args = ap.parse_args()
    rows = measure(args.config, {int(s) for s in args.sizes.split(",")})
    if not rows:
        raise SystemExit("no stored lookups to measure: run benchmarks/longdoc.py first")
    lines = summary(rows)
    genres, files = len({r["genre"] for r in rows}), len({r["source"] for r in rows})
    print(f"{len(rows)} lookups on answerable documents of {genres} genres, from {files} "
          f"result files ({args.config} config)")  # fmt: skip
    print(markdown(
        ["size", "documents", *[f"top {t}: question / worded" for t in TOPS],
         "right when ranked top 3", "right when ranked lower"],
        [[str(s["size"]), str(s["documents"]),
          *[f"{s[f'question top {t}']} / {s[f'worded top {t}']}" for t in TOPS],
          _share(s["right, ranked top 3"], s["ranked top 3"]),
          _share(s["right, ranked lower"], s["ranked lower"])] for s in lines],
    ))  # fmt: skip
    write(args.out, rows, config=args.config, summary=lines)


if __name__ == "__main__":
    main()
