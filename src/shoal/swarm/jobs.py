"""Job rows: how a finished job and its checked report are stored, and read back on resume.

One table holds every job of every run: a worker reading a chunk, the stronger model
re-reading a passage, a unit's extraction. A resumed run reads its finished jobs back from
here and runs only the rest; failed jobs are deleted so they run again.
"""

from __future__ import annotations

import time
from typing import Any

from shoal.store import Store
from shoal.swarm.check import Report, SourceIndex, context_around
from shoal.swarm.chunk import Chunk
from shoal.swarm.dispatch import JobResult

WHOLE_KEY = "r1-whole"
"""The key of a small input's whole read by the stronger model (``find.py``), then ``-i``
per window."""
SECOND_KEY = "r1-second"
"""The key of its second whole read, told which values the word rules set aside."""


def report_row(
    run_id: str, report: Report, *, seconds: float, status: str = "done", attempts: int = 1,
    error: str | None = None, lo: int | None = None, hi: int | None = None,
    served_by: str | None = None, payload: Any = None,
) -> dict[str, Any]:  # fmt: skip
    return {
        "run_id": run_id,
        "key": report.job_key,
        "round": report.round,
        "task_index": report.task_index,
        "chunk_index": report.chunk_index,
        "status": status,
        "attempts": attempts,
        "seconds": seconds,
        "error": error,
        "answer": report.answer,
        "quote": report.quote,
        "confidence": report.confidence,
        "supported": report.supported,
        "reason": report.reason,
        "doc_id": report.doc_id,
        "start": report.start,
        "end": report.end,
        "finished": time.time(),
        "kind": report.kind,
        "model": report.model,
        "served_by": served_by,
        "lo": lo,
        "hi": hi,
        "payload": payload,
    }


def result_row(run_id: str, res: JobResult[Report]) -> dict[str, Any]:
    """A worker job's row: its report if it finished, its error if it failed."""
    job = res.job
    if res.report is not None:
        return report_row(run_id, res.report, seconds=res.seconds, attempts=res.attempts,
                          lo=job.chunk.start, hi=job.chunk.end, served_by=res.served_by,
                          payload=res.payload)  # fmt: skip
    failed = Report(job.key, job.round, job.task_index, job.chunk.index, None, None, 0.0)
    failed.doc_id = job.chunk.doc_id
    return report_row(run_id, failed, seconds=res.seconds, status="failed",
                      attempts=res.attempts, error=res.error, lo=job.chunk.start,
                      hi=job.chunk.end, served_by=res.served_by)  # fmt: skip


def report_of(row: dict[str, Any], doc_name: str, index: SourceIndex) -> Report:
    """A stored row back as the ``Report`` it was made from."""
    rep = Report(
        job_key=row["key"],
        round=row["round"],
        task_index=row["task_index"],
        chunk_index=row["chunk_index"],
        answer=row["answer"],
        quote=row["quote"],
        confidence=row["confidence"] or 0.0,
        supported=bool(row["supported"]),
        reason=row["reason"] or "",
        doc_id=row["doc_id"] or "",
        doc_name=doc_name,
        start=row["start"],
        end=row["end"],
        kind=row.get("kind") or "worker",
        model=row.get("model") or "",
    )
    if rep.kind == "read" and row.get("lo") is not None and row.get("hi") is not None:
        rep.read_span = (row["lo"], row["hi"])
    if rep.located and rep.doc_id in index.source:
        assert rep.start is not None and rep.end is not None
        rep.context = context_around(index.source[rep.doc_id], rep.start, rep.end)
    return rep


def finished(
    store: Store, run_id: str, round_: int, chunks: list[Chunk], index: SourceIndex,
    kinds: tuple[str, ...] = ("worker",),
) -> dict[str, Report]:  # fmt: skip
    """Finished jobs of a round and kind, by key; failed ones are deleted (to run again)."""
    rows = [r for r in store.get_jobs(run_id, round_) if (r.get("kind") or "worker") in kinds]
    store.delete_jobs(run_id, [r["key"] for r in rows if r["status"] != "done"])
    names = {c.doc_id: c.doc_name for c in chunks}
    return {
        r["key"]: report_of(r, names.get(r["doc_id"] or "", ""), index)
        for r in rows
        if r["status"] == "done"
    }
