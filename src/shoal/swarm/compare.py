"""What differs between two documents: shoal computes the difference, the lead describes it.

The two texts are split into sentences and lines and compared by ``difflib`` (exact, every
token read); each change is a pair of verbatim spans, one per side. The lead then reads the
changes (most first, within its budget) and writes a short account citing them by id;
a sentence of that account that cites no change is dropped. With two documents the answer
holds every change as an item, cited on both sides.
"""

from __future__ import annotations

import difflib
import logging
import re
from typing import Any

from shoal.errors import ShoalError
from shoal.swarm import prompts
from shoal.swarm.documents import Document
from shoal.swarm.result import Answer, Citation
from shoal.swarm.run import Run

log = logging.getLogger(__name__)

_PIECE = re.compile(r"[^\n.!?]+(?:[.!?]+|\n|$)")


def _pieces(text: str) -> list[tuple[int, int, str]]:
    """Sentences and lines with offsets; the compared key ignores spacing."""
    out = []
    for m in _PIECE.finditer(text):
        key = " ".join(m.group(0).split())
        if key:
            out.append((m.start(), m.end(), key))
    return out


def changes(a: Document, b: Document) -> list[dict[str, Any]]:
    """Every change from ``a`` to ``b``: removed, added or replaced sentences, verbatim."""
    pa, pb = _pieces(a.text), _pieces(b.text)
    matcher = difflib.SequenceMatcher(None, [p[2] for p in pa], [p[2] for p in pb], autojunk=False)
    out: list[dict[str, Any]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before = (pa[i1][0], pa[i2 - 1][1]) if i2 > i1 else None
        after = (pb[j1][0], pb[j2 - 1][1]) if j2 > j1 else None
        out.append(
            {
                "id": f"C{len(out) + 1}",
                "kind": {"delete": "removed", "insert": "added", "replace": "changed"}[tag],
                "before": before,
                "after": after,
                "before_text": a.text[before[0] : before[1]].strip() if before else "",
                "after_text": b.text[after[0] : after[1]].strip() if after else "",
            }
        )
    return out


async def compare(run: Run, budget_tokens: int = 1800) -> Answer:
    docs = run.docs
    if len(docs) != 2:
        raise ShoalError(
            f"compare needs exactly two documents (got {len(docs)}); give two files or a folder "
            "holding two"
        )
    a, b = docs
    found = changes(a, b)
    shown: list[tuple[dict[str, Any], str]] = []
    used = 0
    for c in found:
        block = prompts.change_block(c)
        n = run.lead.count_tokens(block)
        if shown and used + n > budget_tokens:
            break
        shown.append((c, block))
        used += n
    notes = []
    if len(shown) < len(found):
        notes.append(
            f"the lead described the first {len(shown)} of {len(found)} changes; all "
            "are listed as items"
        )
    account = ""
    if shown:
        try:
            reply = await run.lead.complete(
                prompts.compare_messages(
                    run.question, a.name, b.name, "".join(block for _, block in shown)
                ),
                schema=prompts.ACCOUNT_SCHEMA,
                max_tokens=400,
                role="lead",
                timeout=run.lead_timeout,
            )
            ids = {c["id"] for c, _ in shown}
            kept = [
                s
                for s in reply.parsed["sentences"]
                if s.get("text", "").strip() and set(s.get("cites") or []) & ids
            ]
            dropped = len(reply.parsed["sentences"]) - len(kept)
            if dropped:
                notes.append(
                    f"{dropped} sentence(s) of the lead's account cited no change and were dropped"
                )
            account = " ".join(
                f"{s['text'].strip()} [{', '.join(c for c in s['cites'] if c in ids)}]"
                for s in kept
            )
        except ShoalError as exc:
            log.warning("the lead could not describe the changes: %s", exc)
            notes.append(f"the lead could not describe the changes ({exc}); they are listed")
    head = f"{len(found)} change(s) from {a.name} to {b.name}."
    text = f"{head} {account}".strip() if account else head
    items, citations = [], []
    for c in found:
        cites = []
        if c["before"]:
            s, e = c["before"]
            cites.append({"document": a.name, "start": s, "end": e, "text": a.text[s:e]})
        if c["after"]:
            s, e = c["after"]
            cites.append({"document": b.name, "start": s, "end": e, "text": b.text[s:e]})
        items.append(
            {
                "label": c["id"],
                "fields": {"kind": c["kind"], "before": c["before_text"], "after": c["after_text"]},
                "citations": cites,
                "verified_by": "shoal",
            }
        )
        citations += [Citation(x["text"], x["start"], x["end"], x["document"]) for x in cites]
    return Answer(
        answer=text,
        citations=citations[:100],
        strategy="swarm",
        run_id=run.id,
        rounds=1,
        coverage=1.0,
        reports={"changes": len(found)},
        chunks=0,
        jobs=0,
        plan=[{"query": {"operation": "compare"}}],
        notes=notes + run.notes,
        confidence=1.0 if found or not notes else 0.5,
        operation="compare",
        items=items,
        result={"value": len(found)},
    )
