"""A summary whose every sentence cites verified quotes.

Workers read every chunk and note its key points about the question, each with the exact
sentence that states it; a point whose quote is not in the chunk is dropped. The lead then
reduces the points within its window: batches of points become intermediate summaries
(each citing its points), and those the final one, until it fits. A summary sentence that
cites no shown point is dropped. Items are the final sentences with their quotes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from shoal.errors import ShoalError
from shoal.swarm import prompts
from shoal.swarm.check import Normalised, normalise
from shoal.swarm.dispatch import Dispatcher, Job, JobResult
from shoal.swarm.result import Answer, Citation
from shoal.swarm.run import Run

log = logging.getLogger(__name__)

BATCH_TOKENS = 1400
"""Points the lead reads at once when reducing."""


@dataclass
class Point:
    id: str
    text: str
    doc_id: str
    doc_name: str
    start: int
    end: int
    quote: str
    cites: list[str] = field(default_factory=list)
    """For an intermediate summary: the points it rests on."""


def _verify(raw: dict[str, Any], job: Job) -> list[Point]:
    out = []
    for p in (raw.get("points") or [])[:4] if isinstance(raw, dict) else []:
        if not isinstance(p, dict):
            continue
        text, quote = str(p.get("point") or "").strip(), str(p.get("quote") or "").strip()
        if not text or len(quote) < 8:
            continue
        found = Normalised(job.chunk.text).find(normalise(quote.strip(" \"'")))
        if found is None:
            continue
        s, e = job.chunk.start + found[0], job.chunk.start + found[1]
        out.append(
            Point(
                "",
                text,
                job.chunk.doc_id,
                job.chunk.doc_name,
                s,
                e,
                job.chunk.text[found[0] : found[1]],
            )
        )
    return out


async def _reduce(run: Run, points: list[Point], level: int, notes: list[str]) -> list[Point]:
    """Summaries of ``points`` in batches that fit the lead's budget."""
    batches: list[list[Point]] = [[]]
    used = 0
    for p in points:
        n = run.lead.count_tokens(prompts.point_block(p.id, p.text, p.quote))
        if batches[-1] and used + n > BATCH_TOKENS:
            batches.append([])
            used = 0
        batches[-1].append(p)
        used += n
    out: list[Point] = []
    for batch in batches:
        ids = {p.id: p for p in batch}
        block = "".join(prompts.point_block(p.id, p.text, p.quote) for p in batch)
        try:
            reply = await run.lead.complete(
                prompts.summary_messages(run.question, block),
                schema=prompts.ACCOUNT_SCHEMA,
                max_tokens=450,
                role="lead",
                timeout=run.lead_timeout,
            )
        except ShoalError as exc:
            log.warning("the lead could not summarise a batch: %s", exc)
            notes.append(
                f"the lead could not summarise {len(batch)} point(s) ({exc}); they "
                "are listed as they are"
            )
            out += batch
            continue
        dropped = 0
        for s in reply.parsed["sentences"]:
            cited = [c for c in s.get("cites") or [] if c in ids]
            if not s.get("text", "").strip() or not cited:
                dropped += 1
                continue
            leaves = [leaf for c in cited for leaf in (ids[c].cites or [c])]
            first = ids[cited[0]]
            out.append(
                Point(
                    f"S{level}.{len(out) + 1}",
                    s["text"].strip(),
                    first.doc_id,
                    first.doc_name,
                    first.start,
                    first.end,
                    first.quote,
                    list(dict.fromkeys(leaves)),
                )
            )
        if dropped:
            notes.append(f"{dropped} summary sentence(s) cited no point and were dropped")
    return out


async def summarise(run: Run, dispatcher: Dispatcher) -> Answer:
    schema = prompts.POINTS_SCHEMA
    jobs = [
        Job(
            f"n-c{c.index}",
            1,
            0,
            "",
            "",
            c,
            schema=schema,
            max_tokens=320,
            messages=tuple(prompts.points_messages(run.question, c.text)),
        )
        for c in run.chunks
    ]

    def check(job: Job, raw: dict[str, Any]) -> list[Point]:
        return _verify(raw, job)

    def malformed(job: Job, text: str, error: str) -> list[Point]:
        return []

    def save(res: JobResult[list[Point]]) -> None:
        run.event(
            "job",
            key=res.job.key,
            round=1,
            task=0,
            chunk=res.job.chunk.index,
            status=res.status,
            supported=bool(res.report),
            empty=not res.report,
            answer=None,
            quote=None,
            reason=res.error,
        )

    results = await dispatcher.run(jobs, check, malformed, on_result=save)
    points: list[Point] = []
    for res in results:
        for p in res.report or []:
            p.id = f"P{len(points) + 1}"
            points.append(p)
    by_id = {p.id: p for p in points}
    notes: list[str] = []
    level, current = 1, points
    while current and (len(current) > 8 or level == 1) and level <= 4:
        current = await _reduce(run, current, level, notes)
        level += 1
    sentences = current
    items: list[dict[str, Any]] = []
    citations: list[Citation] = []
    for s in sentences:
        leaves = [by_id[c] for c in (s.cites or [s.id]) if c in by_id]
        cites = [
            {"document": p.doc_name, "start": p.start, "end": p.end, "text": p.quote}
            for p in leaves
        ]
        items.append({"label": s.text, "fields": {}, "citations": cites, "verified_by": "shoal"})
        citations += [Citation(p.quote, p.start, p.end, p.doc_name) for p in leaves]
    text = " ".join(s.text for s in sentences) or "The document gave no verifiable points."
    return Answer(
        answer=text,
        citations=citations[:100],
        strategy="swarm",
        run_id=run.id,
        rounds=1,
        coverage=run.coverage,
        reports={"points": len(points)},
        chunks=len(run.chunks),
        jobs=len(jobs),
        plan=[{"query": {"operation": "summarise"}}],
        notes=notes + run.notes,
        confidence=1.0 if sentences else 0.0,
        operation="summarise",
        items=items,
        result={"value": len(sentences)},
    )
