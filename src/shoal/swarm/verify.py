"""A second look by the stronger model at a value before it becomes the answer.

Reading a passage, a small lead takes whatever value answers the question's words, and its
own reply never says the value was revoked or planned: asked in the same reply whether the
value is current, it says yes to everything. Asked apart, about the one sentence that holds
the value, and made to say first what the sentence says about it, it catches many of the
look-alikes shoal's words-based rules (``check.fit``) miss ("before the 1998 resurvey ...
was recorded at 255 m"). So each value shoal is about to answer with is shown again, with
the local headings over its sentence; a verdict of ``old`` or ``other`` sets it aside, and
a call that fails gives no verdict (the value stays). Each look is stored as a job of the
run, so a resumed run does not ask again.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from shoal.errors import ShoalError
from shoal.models.base import Model
from shoal.swarm import prompts
from shoal.swarm.aggregate import Candidate
from shoal.swarm.check import sentence_around
from shoal.swarm.run import Run

log = logging.getLogger(__name__)

VERIFY_REPLY_TOKENS = 120


@dataclass(frozen=True)
class Verdict:
    verdict: str
    """``yes``, ``old``, ``other``, or ``none`` (the call failed: no opinion)."""
    reason: str

    @property
    def rejects(self) -> bool:
        return self.verdict in ("old", "other")


def evidence_sentence(run: Run, c: Candidate) -> str:
    """The sentence holding the candidate's best quote, under the local headings that
    govern it (a table row with its header row, an INI key with its section)."""
    x = c.quotes()[0]
    assert x.start is not None and x.end is not None
    text = run.source[x.doc_id]
    s, e = sentence_around(text, x.start, x.end)
    heads = [text[h.start : h.end] for h in run.outlines[x.doc_id].local(s) if h.end <= s]
    return " / ".join([*heads, " ".join(text[s:e].split())])


async def verify(run: Run, model: Model, c: Candidate, key: str) -> Verdict:
    stored = {j["key"]: j for j in run.store.get_jobs(run.id) if j.get("kind") == "verify"}
    if key in stored and stored[key]["status"] == "done":
        row = stored[key]
        return Verdict(row["answer"] or "none", row["reason"] or "")
    sentence = evidence_sentence(run, c)
    role = "lead" if model is run.lead else "escalation"
    t0 = time.perf_counter()
    try:
        reply = await model.complete(
            prompts.verify_messages(run.question, sentence, c.answer),
            schema=prompts.VERIFY_SCHEMA, max_tokens=VERIFY_REPLY_TOKENS, role=role,
            timeout=run.lead_timeout, retries=1,
        )  # fmt: skip
        verdict = Verdict(str(reply.parsed["verdict"]), str(reply.parsed["reason"])[:300])
    except ShoalError as exc:
        log.warning("verification of %r failed: %s", c.answer, exc)
        verdict = Verdict("none", f"call failed: {exc}"[:300])
    x = c.quotes()[0]
    run.store.queue_job({
        "run_id": run.id, "key": key, "round": 0, "task_index": -2, "chunk_index": -2,
        "status": "done", "attempts": 1, "seconds": time.perf_counter() - t0, "error": None,
        "answer": verdict.verdict, "quote": sentence[:2000], "confidence": None,
        "supported": not verdict.rejects, "reason": verdict.reason, "doc_id": x.doc_id,
        "start": x.start, "end": x.end, "finished": time.time(), "kind": "verify",
        "model": model.name, "served_by": None, "lo": None, "hi": None, "payload": None,
    })  # fmt: skip
    run.store.drain()
    return verdict
