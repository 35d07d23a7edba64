"""Lists, counts, sums, groups, rankings and screenings: records extracted item by item,
verified, and computed by shoal.

1. **units** (``units.py``): shoal splits the input into items by its shape (lines, paragraphs,
   documents); units that cannot hold a match under the verification rules are ruled out
   without a model call, and counted;
2. **extract**: a worker copies each unit's field values with their quotes
   (``records.py``); every value is checked against its quote;
3. **escalate**: the stronger model re-reads, within a budget the run reports, the units
   whose reply was malformed or had a value rejected, then the units whose records are in
   the answer, then those a condition could not decide (short documents several to a
   call, if the run asks); its records replace the worker's;
4. **compute** (``compute.py``): filters and arithmetic by shoal, never a model.

Every item of the answer carries its citation (document and offsets) and which model's
read it rests on. Every job is stored; a resumed run repeats none.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from shoal.errors import ShoalError, StructuredOutputError
from shoal.models.base import Model
from shoal.swarm import missed, prompts
from shoal.swarm import records as rec
from shoal.swarm.aggregate import NONE_MENTIONED, is_abstention
from shoal.swarm.chunk import Chunk
from shoal.swarm.compute import Result, compute, judge, matching
from shoal.swarm.dispatch import Dispatcher, Job, JobResult
from shoal.swarm.query import QueryPlan
from shoal.swarm.result import Answer
from shoal.swarm.run import Run
from shoal.swarm.templates import Templates
from shoal.swarm.units import Unit, could_match, split, unwritten

log = logging.getLogger(__name__)

ESCALATION_SHARE = 0.5
"""Default escalation budget of a record operation: this share of the input's tokens (the
lead reads at most about half of what it would read alone; the units it needs are what is
left after the words rule most out)."""
ESCALATION_MIN, ESCALATION_MAX = 2000, 24000
REPLY_TOKENS = {"line": 80, "prose": 320, "document": 320, "block": 900, "lines": 900}
BLOCK_TOKENS = 150
"""On a small input the stronger model reads candidate units joined into blocks of about
this many tokens (paragraphs that are neighbours; lines gathered wherever they are): it can
list a block's records where a tiny worker loses count.
Measured (2026-12-04, default pair): 150 against 360 gave open-action-item lists F1 0.83,
0.80, 0.60 against 0.57, 0.79, 0.38 and deadline lists 0.80, 0.92 against 0.74, 0.92, for
about 1.35x the lead's tokens; the 1.5B lead lists at most about six records a block.
Gathered lines are numbered and read one record per line (``records.schema``): asked for
the records of five similar log lines, the lead gave one (counts of 5 for 16, 11 for 25,
2026-12-05); one per line, it missed none of 16, 11 and 28."""


def _chunk(u: Unit) -> Chunk:
    return Chunk(u.index, u.doc_id, u.doc_name, u.start, u.end, u.text, 0)


def budget(run: Run) -> int:
    if run.config.escalation_tokens is not None:
        return max(0, run.config.escalation_tokens)
    share = int(ESCALATION_SHARE * run.input_tokens)
    return min(ESCALATION_MAX, max(ESCALATION_MIN, share))


def _job(plan: QueryPlan, u: Unit, key: str) -> Job:
    return Job(
        key,
        1,
        0,
        "",
        "",
        _chunk(u),
        messages=tuple(rec.messages(plan, u)),
        # a worker writes its quote: pointing would turn its guesses into plausible values
        schema=rec.schema(plan, u, point=False),
        max_tokens=REPLY_TOKENS[u.kind],
    )


def _row(
    run: Run,
    key: str,
    ex: rec.Extraction,
    kind: str,
    seconds: float,
    status: str = "done",
    error: str | None = None,
) -> dict[str, Any]:
    import time

    n = sum(1 for r in ex.records if r.verified)
    return {
        "run_id": run.id,
        "key": key,
        "round": 1,
        "task_index": 0,
        "chunk_index": ex.unit.index,
        "status": status,
        "attempts": 1,
        "seconds": seconds,
        "error": error,
        "answer": f"{n} record(s)" if ex.malformed is None else None,
        "quote": None,
        "confidence": None,
        "supported": n > 0,
        "reason": ex.malformed
        or "; ".join(f"{k}: {v}" for r in ex.records for k, v in r.rejected.items())[:300],
        "doc_id": ex.unit.doc_id,
        "start": ex.unit.start,
        "end": ex.unit.end,
        "finished": time.time(),
        "kind": kind,
        "model": ex.model,
        "served_by": None,
        "lo": ex.unit.start,
        "hi": ex.unit.end,
        "payload": ex.to_payload(),
    }


def _stored(
    run: Run, plan: QueryPlan, units: dict[int, Unit], kind: str
) -> dict[str, rec.Extraction]:
    rows = [r for r in run.store.get_jobs(run.id, 1) if r.get("kind") == kind]
    run.store.delete_jobs(run.id, [r["key"] for r in rows if r["status"] != "done"])
    out = {}
    for r in rows:
        if r["status"] == "done" and r["chunk_index"] in units and r.get("payload") is not None:
            out[r["key"]] = rec.Extraction.from_payload(
                r["payload"], units[r["chunk_index"]], plan, r.get("model") or ""
            )
    return out


async def extract(run: Run, dispatcher: Dispatcher, plan: QueryPlan) -> Answer:
    per_document = plan.operation == "judge"
    units = await asyncio.to_thread(split, run.docs, run.count, per_document)
    by_index = {u.index: u for u in units}
    candidates = [u for u in units if not plan.where or could_match(u.scope, plan)]
    blocks, cost = ([], 0) if per_document else _blocks_to_read(run, plan, candidates)
    if not candidates and not per_document:
        # every unit ruled out by words: a condition may name an idea the text words
        # otherwise ("open" action items); on a small input the stronger model reads it
        # all and applies it, on a large one the literal reading stands (nothing matches)
        loose = unwritten([u.text for u in units], QueryPlan.from_dict(plan.to_dict()),
                          run.question)  # fmt: skip
        more = [u for u in units if not loose.where or could_match(u.scope, loose)]
        blocks, cost = (_blocks_to_read(run, loose, more, run.config.small_input_limit())
                        if loose.unchecked else ([], 0))  # fmt: skip
        if blocks:
            plan, candidates = loose, more
    ruled_out = len(units) - len(candidates)
    lines = [u for u in candidates if u.kind == "line"]
    plan.labelled = [f.name for f in plan.fields if rec.labelled(f, lines)]
    if plan.labelled:
        notes_labelled = (f"the text names {', '.join(plan.labelled)} where it gives it: a "
                          "number counts only next to that name")  # fmt: skip
        if notes_labelled not in plan.notes:
            plan.notes.append(notes_labelled)
    run.event(
        "units",
        units=len(units),
        candidates=len(candidates),
        ruled_out=ruled_out,
        indices=[u.index for u in candidates[:5000]],
    )

    if blocks:
        return await _read_whole(run, plan, units, blocks, cost, ruled_out)

    # 1. workers extract every candidate unit (finished ones are read back)
    done = _stored(run, plan, by_index, "extract")
    jobs = [_job(plan, u, f"x-u{u.index}") for u in candidates]
    pending = [j for j in jobs if j.key not in done]
    run.event("round", round=1, jobs=len(jobs), done=len(done), pending=len(pending))

    def check(job: Job, raw: dict[str, Any]) -> rec.Extraction:
        u = by_index[job.chunk.index]
        return rec.check_extraction(raw, u, plan, dispatcher.worker_for(job).name)

    def malformed(job: Job, text: str, error: str) -> rec.Extraction:
        u = by_index[job.chunk.index]
        return rec.malformed_extraction(u, text, error, dispatcher.worker_for(job).name)

    def save(res: JobResult[rec.Extraction]) -> None:
        if res.report is not None:
            run.store.queue_job(_row(run, res.job.key, res.report, "extract", res.seconds))
        else:
            u = by_index[res.job.chunk.index]
            failed = rec.Extraction(u, [], "the job failed", res.model)
            run.store.queue_job(
                _row(
                    run,
                    res.job.key,
                    failed,
                    "extract",
                    res.seconds,
                    status="failed",
                    error=res.error,
                )
            )
        ok = res.report is not None and res.report.malformed is None
        run.event(
            "job",
            key=res.job.key,
            round=1,
            task=0,
            chunk=res.job.chunk.index,
            status=res.status,
            supported=bool(ok and any(r.verified for r in res.report.records)),  # type: ignore[union-attr]
            empty=bool(ok and not res.report.records),  # type: ignore[union-attr]
            answer=None,
            quote=None,
            reason=(res.report.malformed if res.report else res.error),
        )

    def started(job: Job) -> None:
        run.event("job", key=job.key, round=1, task=0, chunk=job.chunk.index, status="started")

    results = await dispatcher.run(pending, check, malformed, on_result=save, on_start=started)
    run.store.drain()
    worker: dict[int, rec.Extraction] = {x.unit.index: x for x in done.values()}
    failed_units = 0
    for res in results:
        if res.report is not None:
            worker[res.job.chunk.index] = res.report
        else:
            failed_units += 1

    # 2. the stronger model re-reads what matters, within budget
    reread = await _escalate(run, plan, candidates, worker)

    # 3. shoal computes
    final = dict(worker)
    final.update(reread)
    for i, ex in reread.items():
        if i in worker and ex.unit.kind == "document":
            _fill_gaps(ex, worker[i])
    notes = _notes(plan, ruled_out, len(units))
    final.update(await _second_look(run, plan, candidates, final, notes))
    records = [r for ex in final.values() for r in ex.records]
    if failed_units:
        notes.append(f"{failed_units} unit(s) could not be read (their jobs failed)")
    escalation = _escalation(run, run.state.extra.get("budget_tokens", budget(run)), reread,
                             worker)  # fmt: skip
    return _answer(run, plan, records, final, notes, escalation, len(jobs), units)


def _fill_gaps(stronger: rec.Extraction, worker: rec.Extraction) -> None:
    """A document's judgement re-read by the stronger model keeps the worker's verified
    values for the fields the stronger read left empty (no value, nothing rejected). The
    1.5B lead, checking a worker that had quoted "gross income £56,000 per year", wrote
    null beside the rent's sentence, and the applicant was left undecided."""
    if not stronger.records or not worker.records:
        return
    mine, theirs = stronger.records[0], worker.records[0]
    for name, value in theirs.values.items():
        if name in mine.values or name in mine.rejected or name not in theirs.spans:
            continue
        mine.values[name], mine.spans[name] = value, theirs.spans[name]
        mine.mended[name] = f"the stronger read gave none; {theirs.model}'s verified value kept"


def _notes(plan: QueryPlan, ruled_out: int, units: int) -> list[str]:
    notes = list(plan.notes)
    if ruled_out:
        notes.append(
            f"{ruled_out} of {units} {plan.unit} unit(s) were ruled out by their "
            "words alone (they lack a value a condition requires)"
        )
    return notes


def block_limit(run: Run) -> int:
    """What the stronger model may spend reading every candidate unit itself, in blocks:
    the small-input limit, or the run's escalation budget where that is larger (the
    unit-by-unit checks of the workers' reads may spend the budget anyway, and each check
    pays the prompt again for one line). Measured (2026-12-05, counts over incident logs,
    default pair): at 8k and 16k tokens about 35 and 70 lines survived the words; the lead
    checked them line by line for 5.5k and 8.7k tokens, ran out of budget, and the counts
    came out 22 for 28 and 38 for 51."""
    return max(run.config.small_input_limit(), budget(run))


def _gathered(lines: list[Unit]) -> str:
    """The text of a block of gathered lines: theirs, one per line."""
    return "\n".join(rec.one_line(u.text) for u in lines)


def _lines_unit(index: int, lines: list[Unit]) -> Unit:
    """A unit of ``lines`` for the stronger model: a line alone is read with the line's
    prompt, several are gathered (``_gathered``), one record per line."""
    a, b = lines[0], lines[-1]
    if len(lines) == 1:
        return Unit(index, a.doc_id, a.doc_name, a.start, a.end, a.text, "line")
    return Unit(index, a.doc_id, a.doc_name, a.start, b.end, _gathered(lines), "lines",
                tuple(lines))  # fmt: skip


def _blocks_to_read(
    run: Run, plan: QueryPlan, candidates: list[Unit], limit: int | None = None
) -> tuple[list[Unit], int]:
    """The candidate units joined into blocks, and what reading them costs, when the
    stronger model can read every one of them itself for at most ``limit`` tokens
    (``block_limit``; else none).
    Then the workers' reads would only be checked by that model again, unit by unit, at
    more cost than reading the candidates once (measured: lists of 10-20 deadlines in
    under 1k tokens, F1 0.0-0.67 through the workers against 0.43-0.95 for the lead
    alone)."""
    if not candidates:
        return [], 0
    out: list[Unit] = []
    run_: list[Unit] = []

    def flush() -> None:
        if run_:
            a, b = run_[0], run_[-1]
            if a.kind == "line":
                out.append(_lines_unit(len(out), run_))
            else:
                text = run.source[a.doc_id][a.start : b.end]
                entries = tuple(e for u in run_ for e in u.entries)
                heads = tuple(sorted({h for u in run_ for h in u.heads}))
                out.append(Unit(len(out), a.doc_id, a.doc_name, a.start, b.end, text, "block",
                                entries=entries, heads=heads))  # fmt: skip
            run_.clear()

    def joined(u: Unit) -> str:
        if u.kind == "line":  # lines are gathered: the ones ruled out between are not read
            return _gathered([*run_, u])
        return run.source[u.doc_id][run_[0].start : u.end]

    for u in candidates:
        if run_ and (
            u.doc_id != run_[-1].doc_id
            or (u.kind != "line" and u.index != run_[-1].index + 1)
            or run.count(joined(u)) > BLOCK_TOKENS
        ):
            flush()
        run_.append(u)
    flush()
    cost = sum(run.escalation.count_message_tokens(rec.messages(plan, b)) for b in out)
    limit = block_limit(run) if limit is None else limit
    return (out, cost) if cost <= limit else ([], 0)


async def _read_whole(
    run: Run, plan: QueryPlan, units: list[Unit], blocks: list[Unit], cost: int,
    ruled_out: int,
) -> Answer:  # fmt: skip
    """What could match is small: the stronger model reads every candidate block itself, no
    workers."""
    run.event("round", round=1, jobs=0, done=0, pending=0)
    why = "what could match is small: the stronger model reads it all"
    name = run.escalation.name
    templates = Templates(plan)
    final: dict[int, rec.Extraction] = {}
    lines = shaped_lines = 0
    for block in blocks:
        unit: Unit | None = block
        shaped: list[rec.Record] = []
        members = list(block.members) or ([block] if block.kind == "line" else [])
        if members:
            lines += len(members)
            shaped, rest = templates.read(members, name)
            shaped_lines += len(shaped)
            # under the block's index: a resumed run regathers the same lines, so its
            # stored read still fits
            unit = _lines_unit(block.index, rest) if rest else None
        got = await _escalate(run, plan, [unit], {}, allowance=cost, why=why) if unit else {}
        ex = got.get(block.index)
        if ex is not None:
            templates.learn(ex)
            ex.records[:0] = shaped
        elif shaped:
            ex = rec.Extraction(block, shaped, None, name)
        if ex is not None:
            final[block.index] = ex
    notes = _notes(plan, ruled_out, len(units))
    candidates = [u for b in blocks for u in (b.members or (b,))]
    final.update(await _second_look(run, plan, candidates, final, notes))
    notes.append(
        f"what could match is small: {name} reads all of it itself, {len(blocks)} "
        f"block(s) for at most {cost:,} of the {run.input_tokens:,} input tokens, instead of "
        "checking workers' reads unit by unit"
    )
    if shaped_lines:
        notes.append(
            f"{shaped_lines} of {lines} lines were read by shoal with {len(templates.ready)} "
            f"template(s) of line shapes {name} had read the same way twice; {name} read the "
            "rest"
        )
    if len(final) < len(blocks):
        notes.append(f"{len(blocks) - len(final)} block(s) could not be read")
    records = [r for ex in final.values() for r in ex.records]
    return _answer(run, plan, records, final, notes, _escalation(run, cost, final, {}), 0,
                   blocks)  # fmt: skip


async def _second_look(
    run: Run, plan: QueryPlan, candidates: list[Unit], final: dict[int, rec.Extraction],
    notes: list[str],
) -> dict[int, rec.Extraction]:  # fmt: skip
    """The sentences holding a date no read named (``missed.unread``), read again by the
    stronger model, gathered one record per sentence. Within the run's budget when the user
    set one; else at most ``missed.MISSED_AT_MOST`` sentences beyond what was spent."""
    records = [r for ex in final.values() for r in ex.records]
    lines = missed.unread(run.source, plan, candidates, records)
    if not lines:
        return {}
    groups: list[list[Unit]] = [[]]
    for u in lines:
        if groups[-1] and run.count(_gathered([*groups[-1], u])) > BLOCK_TOKENS:
            groups.append([])
        groups[-1].append(u)
    spent = sum(x.get("tokens", 0) for x in run.state.extra.get("escalations", []))
    allowance = budget(run) if run.config.escalation_tokens is not None else spent + budget(run)
    why = "a date no read named"
    got: dict[int, rec.Extraction] = {}
    for g in groups:
        unit = _lines_unit(g[0].index, g)
        got |= await _escalate(run, plan, [unit], {}, allowance=allowance, why=why)
    found = [r for ex in got.values() for r in ex.records if r.verified]
    # the run's own items are the reference: a count's look-alikes (another depot's
    # incident, another year's upload) are records too, and would lower the bar
    listed = [r for r in matching(plan, records)[0]
              if any(f.type == "date" and f.name in r.values for f in plan.fields)]  # fmt: skip
    bar = await _item_bar(run, listed[:ITEM_REFERENCES]) if found else ITEM_YES
    refused = 0
    for r in found:
        refused += await _not_an_item(run, plan, r, bar)
    notes.append(
        f"{len(lines)} sentence(s) holding a date that no read had named were read again by "
        f"{run.escalation.name}: {len(found) - refused} more record(s)"
        + (f", {refused} more it read as no {plan.unit} the question asks for" if refused else "")
    )
    return got


ITEM_YES = 0.5
"""A sentence found by the second look stays an item when the stronger model's probability
of "yes" (it states one of the items asked for) is at least what the items the first
reads listed score less ``ITEM_MARGIN`` (``_item_bar``), or this when they listed none."""
ITEM_FLOOR = 0.2
"""A sentence the stronger model all but rules out is no item, whatever the run's own
items score (they may read as unlike an item to it as the sentence does)."""
ITEM_REFERENCES = 3
ITEM_MARGIN = 0.1
"""Support is absolute and weak for a small model; likeness to what it already found is
relative. Asked about six sentences of a held-out contract (2026-12-06, the 1.5B lead), the
three deadlines scored 0.76-0.78, the signing date 0.60, the effective date 0.49 and a
meeting's date 0.22: no absolute line at 0.5 sets the signing date aside, the run's own
deadlines less 0.1 does. Chosen on those six; measured on the list benchmark's seeds."""


async def _yes(run: Run, sentence: str) -> float | None:
    model = run.escalation
    try:
        scores = await model.score(
            prompts.item_messages(run.question, rec.one_line(sentence)), ["yes", "no"],
            role=run.escalation_role, timeout=run.lead_timeout,
        )  # fmt: skip
    except ShoalError as exc:
        log.warning("asking whether a sentence states an item failed: %s", exc)
        return None
    return scores.shares()[0]


async def _item_bar(run: Run, listed: list[rec.Record]) -> float:
    """How much like an item a sentence the second look found must read: the mean of what
    the first reads' items score less ``ITEM_MARGIN``, never under ``ITEM_FLOOR``;
    ``ITEM_YES`` when there are none. Asked about git's real changelog ("how many uploads
    ... for the year 2021?"), the 1.5B lead gave its own verified uploads 0.50-0.59, and a
    line at 0.5 refused the uploads the second look found (2026-12-06)."""
    seen = [y for r in listed if (y := await _yes(run, r.quote)) is not None]
    return max(ITEM_FLOOR, sum(seen) / len(seen) - ITEM_MARGIN) if seen else ITEM_YES


async def _not_an_item(run: Run, plan: QueryPlan, r: rec.Record, bar: float) -> bool:
    """Whether the stronger model, asked apart, reads the sentence of a record the second
    look found as less like an item than ``bar`` (then the record is rejected, and kept on
    record). Asked to give one record per sentence, the 1.5B lead filled the
    fields of every dated sentence, the signing date, the effective date and a meeting's
    date as deadlines (held-out contracts, 2026-12-06: recall 1.0, precision 0.77-0.87);
    asked yes or no, it can say no. A call that fails leaves the record as read."""
    yes = await _yes(run, r.quote)
    if yes is None or yes >= bar:
        return False
    r.rejected["item"] = (f"read again by {run.escalation.name}: not one of the {plan.unit}s "
                          f"the question asks for (yes {yes:.2f}, below {bar:.2f})")  # fmt: skip
    return True


def _escalation(
    run: Run, budget_tokens: int, reread: dict[int, rec.Extraction],
    worker: dict[int, rec.Extraction],
) -> dict[str, Any]:  # fmt: skip
    """What the stronger model's re-reads cost, for the answer."""
    return {
        "model": run.escalation.name,
        "budget_tokens": budget_tokens,
        "spent_tokens": sum(x.get("tokens", 0) for x in run.state.extra.get("escalations", [])),
        "reads": len(reread),
        "troubled_units": sum(1 for x in worker.values() if x.troubled),
    }


async def _escalate(
    run: Run,
    plan: QueryPlan,
    candidates: list[Unit],
    worker: dict[int, rec.Extraction],
    *,
    allowance: int | None = None,
    why: str = "checking the worker",
) -> dict[int, rec.Extraction]:
    """Re-read units with the stronger model: troubled first, then those in the answer,
    then those a condition could not decide, then the rest (``why``). Within the budget
    (``allowance``, else the run's); stored; never repeated. Where the run asks for it
    (``RunConfig.read_together``), short documents are read several to a call, in that
    order (``_together``); a reply about several that is malformed is read again one
    document at a time."""
    by_index = {u.index: u for u in candidates}
    stored = _stored(run, plan, by_index, "extract-read")
    out = {x.unit.index: x for x in stored.values()}
    log_ = run.state.extra.setdefault("escalations", [])
    spent = sum(x.get("tokens", 0) for x in log_)
    allowance = budget(run) if allowance is None else allowance
    records = [r for ex in worker.values() for r in ex.records]
    positives, _ = matching(plan, records)
    positive_units = {r.unit for r in positives}
    undecided = {
        r.unit
        for r in records
        if r.verified
        and any(plan.field_named(c.field) and c.field not in r.values for c in plan.where)
    }
    troubled = [i for i, x in worker.items() if x.troubled]
    order: list[tuple[int, str]] = []
    order += [(i, "malformed or rejected") for i in troubled]
    order += [(i, "in the answer") for i in sorted(positive_units)]
    order += [(i, "undecided") for i in sorted(undecided)]
    # then the rest, so a worker's miss is caught too while the budget lasts
    order += [(u.index, why) for u in candidates]
    model = run.escalation
    role = run.escalation_role
    if run.config.escalation_tokens is None:
        owed = set(troubled) | positive_units | undecided
        allowance = max(allowance, _owed(owed, by_index, plan, model))
    run.state.extra["budget_tokens"] = allowance
    todo = [(by_index[i], why_) for i, why_ in _unique(order) if i not in out and i in by_index]
    queue = _together(todo, model, run.config.read_together)[::-1]
    while queue:
        group = queue.pop()
        read = _group_unit(group)
        msgs = rec.messages(plan, read, point=True)
        cost = model.count_message_tokens(msgs)
        if spent + cost > allowance and len(group) > 1:
            queue += [[g] for g in group[::-1]]  # one by one, as far as the budget goes
            continue
        if spent + cost > allowance:
            for u, reason in group:
                run.notes.append(
                    f"escalation budget reached: {plan.unit} unit {u.index} ({reason}) was "
                    "not re-read"
                )
            continue
        for u, reason in group:
            run.event("escalate", round=1, why=reason, model=model.name, start=u.start,
                      end=u.end, document=u.doc_name)  # fmt: skip
        try:
            reply = await model.complete(
                msgs,
                schema=rec.schema(plan, read, point=True),
                role=role,
                max_tokens=REPLY_TOKENS[group[0][0].kind] * len(group),
                timeout=run.lead_timeout,
                retries=1,
            )
            got = (rec.check_documents(reply.parsed, read, plan, model.name)
                   if read.kind == "documents"
                   else [rec.check_extraction(reply.parsed, read, plan, model.name)])  # fmt: skip
        except StructuredOutputError as exc:
            if len(group) > 1:  # read them one by one instead (paid for all the same)
                spent += cost
                log_.append({"unit": read.index, "why": "documents read together: malformed",
                             "tokens": cost, "together": len(group)})  # fmt: skip
                queue += [[g] for g in group[::-1]]
                continue
            got = [rec.malformed_extraction(read, exc.last_text, str(exc), model.name)]
        except ShoalError as exc:
            log.warning("re-read of %s failed: %s", read.doc_name, exc)
            continue
        spent += cost
        for (u, reason), ex in zip(group, got, strict=True):
            share = cost // len(group) + (u is group[0][0]) * (cost % len(group))
            log_.append({"unit": u.index, "why": reason, "tokens": share,
                         "together": len(group)})  # fmt: skip
            key = f"x-read-u{u.index}"
            run.store.queue_job(_row(run, key, ex, "extract-read", 0.0))
            run.event("job", key=key, round=1, task=-1, chunk=u.index, status="done",
                      kind="read", unit=u.index, supported=bool(ex.records),
                      empty=not ex.records, answer=None, quote=None,
                      reason=ex.malformed)  # fmt: skip
            if ex.malformed is None:
                out[u.index] = ex
    run.store.drain()
    run.save()
    return out


TOGETHER_TOKENS = 600
"""Short documents read together hold at most this many tokens of text
(``RunConfig.read_together`` says how many documents)."""


def _together(
    todo: list[tuple[Unit, str]], model: Model, most: int
) -> list[list[tuple[Unit, str]]]:
    """The re-reads in their order, up to ``most`` short documents grouped to be read
    together. Each call pays the instructions again: on 50 builders' quotes of about 60
    tokens each, the lead's per-document re-reads cost 209 tokens each, 3.6x what it spends
    reading the whole folder once (2026-12-05). What grouping costs in accuracy:
    ``RunConfig.read_together``."""
    if most <= 1:  # the default: one unit a call, nothing to measure
        return [[x] for x in todo]
    out: list[list[tuple[Unit, str]]] = []
    size = 0
    for u, why in todo:
        n = model.count_tokens(u.text)
        last = out[-1] if out else None
        if (
            last is not None
            and u.kind == last[0][0].kind == "document"
            and len(last) < most
            and size + n <= TOGETHER_TOKENS
        ):
            last.append((u, why))
            size += n
        else:
            out.append([(u, why)])
            size = n
    return out


def _group_unit(group: list[tuple[Unit, str]]) -> Unit:
    """The unit one re-read reads: a unit alone, or documents together."""
    if len(group) == 1:
        return group[0][0]
    members = tuple(u for u, _ in group)
    a = members[0]
    return Unit(a.index, a.doc_id, a.doc_name, a.start, a.end, "", "documents", members)


def _owed(owed: set[int], units: dict[int, Unit], plan: QueryPlan, model: Model) -> int:
    """What re-reading every unit whose worker read failed or was rejected, every unit in
    the answer and every unit a condition could not decide costs (at most
    ``ESCALATION_MAX``): the default budget never stops short of those. Measured: screening
    50 resumes, the default budget (half the input) left 4 and 11 resumes undecided and
    unread, and the matching candidates among them were missed (F1 0.73, 0.86). A budget
    the user set is kept as set."""
    cost = sum(model.count_message_tokens(rec.messages(plan, units[i], point=True))
               for i in owed if i in units)  # fmt: skip
    return min(ESCALATION_MAX, cost)


def _unique(order: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    seen: set[int] = set()
    out = []
    for i, why in order:
        if i not in seen:
            seen.add(i)
            out.append((i, why))
    return out


def _label(r: rec.Record, plan: QueryPlan) -> str:
    """How an item is named in the answer: its first text value, else its document."""
    for f in plan.fields:
        v = r.values.get(f.name)
        if f.type == "text" and isinstance(v, str):
            return v
    return r.doc_name if plan.operation == "judge" else r.quote[:80]


def _num(x: float | int | str | None) -> str:
    if isinstance(x, float):
        return f"{x:,.6g}" if x != int(x) else f"{int(x):,}"
    return str(x)


def _item(r: rec.Record, plan: QueryPlan, source: dict[str, str]) -> dict[str, Any]:
    spans = sorted(set(r.spans.values())) or [(r.start, r.end)]
    return {
        "label": _label(r, plan),
        "fields": {
            k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.values.items()
        },
        "citations": [
            {"document": r.doc_name, "start": a, "end": b, "text": source[r.doc_id][a:b]}
            for a, b in [*spans, *((h[0], h[1]) for h in r.heads if (h[0], h[1]) not in spans)]
        ],
        "verified_by": r.model,
        **({"read_by_shoal": dict(r.mended)} if r.mended else {}),
        **({"via": r.via} if r.via else {}),
    }


def _answer(
    run: Run,
    plan: QueryPlan,
    records: list[rec.Record],
    final: dict[int, rec.Extraction],
    notes: list[str],
    escalation: dict[str, Any],
    jobs: int,
    units: list[Unit],
) -> Answer:
    conditions = "; ".join(c.describe() for c in plan.where) or "no conditions"
    if plan.unchecked:
        conditions += f" ({'; '.join(plan.unchecked)}: judged by {run.escalation.name})"
    items: list[dict[str, Any]]
    if plan.operation == "judge":
        rows = judge(plan, records)
        passing = [row for row in rows if row["passes"]]
        unsure = [row for row in rows if row["passes"] is None]
        text = f"{len(passing)} of {len(rows)} documents meet {conditions}: " + (
            ", ".join(row["document"] for row in passing) or "none"
        )
        if unsure:
            notes.append(
                f"{len(unsure)} document(s) could not be decided (a value was missing "
                "or failed its check): " + ", ".join(r["document"] for r in unsure[:10])
            )
        items = []
        for row in rows:
            item = _item(row["record"], plan, run.source)
            item["label"] = row["document"]
            item["passes"] = row["passes"]
            items.append(item)
        read = {row["doc_id"] for row in rows}
        for d in run.docs:  # documents ruled out by their words: they fail, and say why
            if d.id not in read:
                items.append(
                    {
                        "label": d.name,
                        "fields": {},
                        "citations": [],
                        "passes": False,
                        "verified_by": "shoal",
                        "reason": "its text lacks a value a condition requires",
                    }
                )
        items.sort(key=lambda i: i["label"])
        text = f"{len(passing)} of {len(run.docs)} documents meet {conditions}: " + (
            ", ".join(row["document"] for row in passing) or "none"
        )
        result: dict[str, Any] = {"value": len(passing), "documents": len(run.docs)}
        cited_items = [i for i in items if i["passes"]]
    else:
        records = _current(run, plan, records, notes)
        res: Result = compute(plan, records)
        text = _render(res, plan, conditions)
        if not res.items:  # a zero no passage stands behind: said as what it is
            text = NONE_MENTIONED.format(unit=plan.unit, where=conditions)
        items = [_item(r, plan, run.source) for r in res.items]
        cited_items = items
        result = {"value": res.value, "groups": res.groups, "matching": len(res.items)}
        if res.undetermined:
            notes.append(
                f"{res.undetermined} {plan.unit}(s) could not be decided: a value a "
                "condition needs was missing or failed its check"
            )
    confidence = _confidence(final, cited_items, run.escalation.name)
    if is_abstention(text):
        confidence = 0.0
    from shoal.swarm.result import Citation

    citations = [
        Citation(c["text"], c["start"], c["end"], c["document"])
        for i in cited_items[:50]
        for c in i["citations"]
    ]
    verified = sum(1 for x in final.values() for r in x.records if r.verified)
    rejected = sum(1 for x in final.values() for r in x.records if not r.verified)
    return Answer(
        answer=text,
        citations=citations,
        strategy="swarm",
        run_id=run.id,
        rounds=1,
        coverage=run.coverage,
        reports={
            "supported": verified,
            "rejected": rejected,
            "malformed": sum(1 for x in final.values() if x.malformed),
            "units": len(units),
        },
        chunks=len(units),
        jobs=jobs,
        plan=[{"query": plan.to_dict()}],
        notes=notes + run.notes,
        confidence=confidence,
        escalation=escalation,
        operation=plan.operation,
        items=items,
        result=result,
    )


def _current(
    run: Run, plan: QueryPlan, records: list[rec.Record], notes: list[str]
) -> list[rec.Record]:
    """The records whose sentence does not rule them out (``records.set_aside``); the
    rest are named in the notes, with why."""
    kept, aside = [], []
    for r in records:
        why = rec.set_aside(r, plan, run.question, run.source[r.doc_id]) if r.verified else None
        if why is None:
            kept.append(r)
        else:
            aside.append(f"{r.quote[:80]!r} ({why})")
    if aside:
        notes.append(f"{len(aside)} {plan.unit}(s) set aside by the words of their sentence: "
                     + "; ".join(aside[:5]) + ("; ..." if len(aside) > 5 else ""))  # fmt: skip
    return kept


def _confidence(
    final: dict[int, rec.Extraction], items: list[dict[str, Any]], strong: str
) -> float:
    """How sure a computed answer is: it is only as good as its units' reads. The share of
    read units whose reply was clean, scaled by how many of the answer's items the stronger
    model verified itself (a worker's record alone is a tiny model's word), at most 0.95."""
    if not final:
        return 0.0
    clean = 1.0 - sum(1 for x in final.values() if x.troubled) / len(final)
    checked = sum(1 for i in items if i.get("verified_by") == strong) / len(items) if items else 1.0
    return round(min(0.95, clean * (0.6 + 0.4 * checked)), 3)


def _render(res: Result, plan: QueryPlan, conditions: str) -> str:
    unit = plan.unit
    if res.operation == "count":
        return f"{res.value} {unit}(s) match ({conditions})."
    if res.operation in ("sum", "mean", "min", "max"):
        if res.value is None:
            return f"No {unit} with a {plan.target} matches ({conditions})."
        return (
            f"{res.operation} of {plan.target}: {_num(res.value)} (over {len(res.items)} "
            f"{unit}(s) matching {conditions})."
        )
    if res.operation == "group":
        parts = "; ".join(f"{k}: {n}" for k, n in res.groups.items()) or "none"
        return f"{unit}(s) by {plan.group_by} ({conditions}): {parts}."
    if res.operation == "top":
        parts = "; ".join(
            f"{_label(r, plan)} ({_num(r.values.get(plan.target))})"  # type: ignore[arg-type]
            for r in res.items
        )
        order = "highest" if plan.descending else "lowest"
        return f"The {len(res.items)} {unit}(s) with the {order} {plan.target}: {parts or 'none'}."
    labels = [_label(r, plan) for r in res.items]
    return f"{len(labels)} {unit}(s) match ({conditions})" + (
        ": " + "; ".join(labels) if labels else "."
    )
