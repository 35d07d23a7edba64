"""A lookup: one fact, somewhere in the input, answered with verified evidence or not at all.

First, a small input (``RunConfig.small_input_limit``) is read whole by the stronger model;
a value it confirms that fits the question is decided on at once (step 5), a reply that the
input does not state it is "not found", and anything else goes on to the rounds.

Each round:

1. **plan**: the question itself is the workers' task (or, with ``plan_tasks``, the lead's
   split of it); after a round that confirmed nothing, the lead's rewording;
2. **dispatch**: every (task, chunk) job on the workers, so every token is read;
3. **check**: a report is evidence only if its quote is verbatim and carries its value;
4. **escalate**: the stronger model re-reads short windows of the source, with the
   headings that govern them, in one order of promise (BM25's relevance to the question,
   raised where a worker verified a value or quoted the place without one), until a value
   that fits the question is confirmed or a token budget is spent;
5. **decide**: the word rules set aside confirmed values their sentence marks as not
   current or not about what was asked; the stronger model reads the sentences of the
   rest together and the judgement (``judge.py``) picks one and says how sure it is
   (``confidence.py``); below the run's threshold, or with no confirmed value, shoal says
   it cannot tell or that the document does not show it.

Every job, re-read and decision is stored as it happens; a resumed run repeats none.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple

from shoal.errors import ShoalError
from shoal.swarm import confidence, prompts
from shoal.swarm.aggregate import NOT_FOUND, UNSURE, WEAK, Candidate, candidates
from shoal.swarm.check import (
    REJECT_NO_VALUE,
    REJECT_RESTATES,
    Fit,
    Report,
    answer_key,
    asked_kind,
    check,
    fit,
    malformed,
    sentence_around,
)
from shoal.swarm.chunk import coverage
from shoal.swarm.dispatch import Dispatcher, Job, JobResult
from shoal.swarm.escalate import (
    READ_REPLY_TOKENS,
    WINDOW_CHARS,
    Excerpt,
    Reader,
    Window,
    window_around,
)
from shoal.swarm.jobs import SECOND_KEY, WHOLE_KEY, finished, report_row, result_row
from shoal.swarm.judge import NONE, Judgement, governing, judge
from shoal.swarm.plan import Plan, Task, make_plan
from shoal.swarm.result import Answer, Citation
from shoal.swarm.run import Run
from shoal.swarm.state import Decision, Escalation, Round
from shoal.types import Message

log = logging.getLogger(__name__)

BM25_AT_MOST = 8
"""BM25's best passages that may be re-read (within the budget)."""
CANDIDATE_BONUS = 0.6
"""Added to a place's relevance (0-1, BM25 over the best passage's score) where a worker
verified a value that names what was asked."""
POINTER_BONUS = 0.3
"""Added where a worker quoted the place verbatim but without a value."""
MIN_READS = 3
"""Re-reads made before a confirmed value may end the search."""
COVERED = 0.6
"""A window this much of which was already re-read is skipped."""
RETRY_ADVICE = "Copy the exact sentence that answers it."
EXCERPT_SHARE = 0.75
"""Of the first round's re-reading budget, what its opening excerpt may cost (the rest
re-reads the places the excerpt left out, one by one)."""
FAILED_READ = ("malformed reply", "call failed")
"""Reasons of a re-read that never gave an opinion: not a refutation."""


@dataclass
class Outcome:
    """What a lookup settled on."""

    answer: str
    chosen: Candidate | None
    confidence: float
    basis: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


async def find(run: Run, dispatcher: Dispatcher) -> Answer:
    question = run.question
    worker_reports: list[Report] = []
    reads: dict[str, Report] = {}
    refuted: dict[str, int] = {}
    failed_chunks: set[int] = set()
    n_jobs = 0
    outcome: Outcome | None = None
    budget = run.config.escalation_budget(run.input_tokens)
    for r in range(1, run.config.max_rounds + 1):
        rd = await _round_plan(run, r)
        if rd.plan.fallback:
            run.notes.append(f"round {r}: {rd.plan.fallback}; the question itself was the task")
        run.event("plan", round=r, tasks=[t.instruction for t in rd.plan.tasks],
                  fallback=rd.plan.fallback)  # fmt: skip
        if r == 1:
            whole = await _read_whole(run, reads)
            if whole is not None:
                outcome = await _whole_outcome(run, rd, whole, reads)
                if outcome is not None:
                    break

        # dispatch what is not done yet (chunk-major, so jobs of a chunk share a prefix);
        # skimming, no worker reads: the re-reads below go by BM25's ranking alone
        jobs = [
            Job(f"r{r}-t{ti}-c{c.index}", r, ti, t.instruction, t.advice, c)
            for c in run.chunks
            for ti, t in enumerate(rd.plan.tasks)
        ] if run.config.worker_reads else []  # fmt: skip
        n_jobs += len(jobs)
        done = finished(run.store, run.id, r, run.chunks, run.index)
        pending = [j for j in jobs if j.key not in done]
        run.event("round", round=r, jobs=len(jobs), done=len(done), pending=len(pending))
        round_reports = list(done.values())

        def checker(job: Job, raw: dict[str, Any]) -> Report:
            return check(raw, job_key=job.key, round_=job.round, task_index=job.task_index,
                         chunk=job.chunk, index=run.index, question=question,
                         model=dispatcher.worker_for(job).name)  # fmt: skip

        def rejected(job: Job, text: str, error: str) -> Report:
            return malformed(text, error, job_key=job.key, round_=job.round,
                             task_index=job.task_index, chunk=job.chunk,
                             model=dispatcher.worker_for(job).name)  # fmt: skip

        results = await dispatcher.run(
            pending, checker, rejected, on_result=lambda res: _save_job(run, res),
            on_start=_started(run),
        )  # fmt: skip
        run.store.drain()
        for res in results:
            if res.report is not None:
                round_reports.append(res.report)
            else:
                failed_chunks.add(res.job.chunk.index)
        worker_reports += round_reports

        # escalate: the stronger model re-reads the passages that matter, within budget
        spent = sum(x.escalation.spent_tokens for x in run.state.rounds[: r - 1] if x.escalation)
        reader = Reader(run.escalation, budget - spent,
                        role=run.escalation_role,
                        timeout=run.lead_timeout)  # fmt: skip
        esc = await _escalate(run, r, reader, worker_reports, reads, refuted)
        rd.escalation = esc
        run.save()

        # decide
        cands = candidates(worker_reports + list(reads.values()))
        for c in cands:
            c.refuted = refuted.get(c.key, 0)
        confirmed = [c for c in cands if c.confirmed]
        if confirmed or r == run.config.max_rounds or any(x.supported for x in round_reports):
            outcome = await _settle(run, r, rd, confirmed, cands)
            break
        retry = await _retry(run, rd, r)
        if retry is None:
            outcome = Outcome(NOT_FOUND, None, 0.0)
            break
    assert outcome is not None
    if failed_chunks:
        run.notes.append(
            f"{len(failed_chunks)} chunk(s) had failed jobs: {sorted(failed_chunks)[:20]}"
        )
    run.notes.extend(outcome.notes)
    if not run.config.worker_reads and "whole_read" not in run.state.extra:
        run.notes.append("skimmed: no worker read the chunks; the lead re-read only the "
                         "passages BM25 ranked highest, so not every token was read")  # fmt: skip
    return _answer(run, outcome, worker_reports, list(reads.values()), n_jobs)


async def _round_plan(run: Run, r: int) -> Round:
    """The round's stored plan, or a new one (stored before any job runs)."""
    if len(run.state.rounds) >= r:
        return run.state.rounds[r - 1]
    if r == 1 and run.config.plan_tasks:
        plan = await make_plan(run.lead, run.question, run.facts, run.lead_timeout)
    elif r == 1:
        plan = Plan([Task(run.question, RETRY_ADVICE)])
    else:
        prev = run.state.rounds[r - 2].decision
        assert prev is not None and prev.new_tasks
        plan = Plan(prev.new_tasks)
    rd = Round(plan)
    run.state.rounds.append(rd)
    run.save()
    return rd


def _started(run: Run) -> Any:
    def started(job: Job) -> None:
        run.event("job", key=job.key, round=job.round, task=job.task_index,
                  chunk=job.chunk.index, status="started")  # fmt: skip

    return started


def _save_job(run: Run, res: JobResult[Report]) -> None:
    run.store.queue_job(result_row(run.id, res))
    rep = res.report
    run.event(
        "job",
        key=res.job.key,
        round=res.job.round,
        task=res.job.task_index,
        chunk=res.job.chunk.index,
        status=res.status,
        supported=bool(rep and rep.supported),
        empty=bool(rep and rep.empty),
        answer=rep.answer if rep else None,
        quote=rep.quote if rep else None,
        reason=rep.reason if rep else res.error,
    )


# --- a small input, read whole -----------------------------------------------------------------


async def _read_whole(
    run: Run, reads: dict[str, Report], set_aside: list[tuple[str, str]] | None = None
) -> list[Report] | None:
    """When the input is small (``RunConfig.small_input_limit``), the stronger model reads
    each document whole and its reply is checked like any re-read (quote verbatim, value in
    the quote). None when the input is too large for that. The reads join ``reads``, so a
    value they confirm is weighed with everything later rounds find. With ``set_aside``
    (value, why), a second look: the model is told which values it gave were set aside and
    why, and asked for another one only if the input states it."""
    if not run.docs or run.input_tokens > run.config.small_input_limit():
        return None
    windows = [Window(d.id, d.name, 0, len(d.text), d.text, "the whole input") for d in run.docs]
    prompt: Callable[[str, str], list[Message]] = prompts.whole_messages
    if set_aside:
        prompt = partial(prompts.second_look_messages, set_aside=set_aside)
    reader = Reader(run.escalation, run.config.small_input_limit(),
                    role=run.escalation_role,
                    timeout=run.lead_timeout, prompt=prompt)  # fmt: skip
    room = run.escalation.context_window - READ_REPLY_TOKENS
    costs = [reader.cost(run.question, w) for w in windows]
    if sum(costs) > reader.budget or max(costs) > room:
        return None
    stored = finished(run.store, run.id, 1, run.chunks, run.index, kinds=("read",))
    out: list[Report] = []
    for i, w in enumerate(windows):
        key = f"{SECOND_KEY if set_aside else WHOLE_KEY}-{i}"
        if key in stored:
            report = stored[key]
            reader.spent += costs[i]
        else:
            run.event("escalate", round=1, why=w.why, model=reader.model.name, start=w.start,
                      end=w.end, document=w.doc_name)  # fmt: skip
            run.event("job", key=key, round=1, task=-1, chunk=-1, status="started", kind="read")
            report = await reader.read(run.question, w, key=key, round_=1, index=run.index,
                                       chunk_index=-1)  # fmt: skip
            run.store.queue_job(report_row(run.id, report, seconds=0.0, lo=w.start, hi=w.end))
            run.event("job", key=key, round=1, task=-1, chunk=-1, status="done",
                      supported=report.supported, empty=report.empty, answer=report.answer,
                      quote=report.quote, reason=report.reason, kind="read")  # fmt: skip
        report.read_span = (w.start, w.end)
        reads[key] = report
        out.append(report)
    run.store.drain()
    before = run.state.extra.get("whole_read") if set_aside else None
    run.state.extra["whole_read"] = {
        "model": reader.model.name,
        "tokens": reader.spent + (before["tokens"] if before else 0),
        "reads": len(out) + (before["reads"] if before else 0),
        "second_look": bool(set_aside) or bool(before and before.get("second_look")),
    }
    return out


async def _whole_outcome(
    run: Run, rd: Round, whole: list[Report], reads: dict[str, Report]
) -> Outcome | None:
    """The answer from a whole read, or None to go on with the workers. A value the reads
    confirmed in a sentence that fits the question is weighed at once (word rules, then the
    judgement); replies that all say the input does not state it make the answer "not
    found". When every value it confirmed was set aside by the word rules, it reads the
    input whole once more, told which and why (a model that picked last quarter's price
    often knows the current one once told). Anything else (a quote not in the source, a
    value missing from its quote, values set aside twice) sends the question on to the
    workers and the re-reads of the usual rounds, which also weigh what the whole reads
    confirmed.

    A value the judgement withheld gets no second whole read: told it was judged unsure,
    the 1.5B lead gave no new value that fits in 119 of 119 stored runs (every
    ``longdoc.py`` result since that look was added, 2026-12-05 to 12-06; mostly the same
    value again), for the tokens of its first read again (at 2k, 26% and 35% of the lead's
    tokens and 28% and 35% of the wall time of fresh16's and fresh17's sealed runs)."""
    name = run.escalation.name
    cands = candidates(whole)
    confirmed = [c for c in cands if c.confirmed]
    fits = [fit_of(run, c) for c in confirmed]
    if fits and not any(f.viable for f in fits):
        # Its value(s) were look-alikes by the word rules (a past price, a quantity for a
        # price): one more read, told which and why, before the workers are sent.
        aside = [(c.answer, set_aside_why(run, f)) for c, f in zip(confirmed, fits, strict=True)]
        second = await _read_whole(run, reads, aside)
        if second:
            run.notes.append(
                f"{name} read the input whole again, told that "
                + "; ".join(f"{v!r} was set aside ({why})" for v, why in aside)
            )
            whole = whole + second
            cands = candidates(whole)
            confirmed = [c for c in cands if c.confirmed]
    if any(fit_of(run, c).viable for c in confirmed):
        run.notes.append(f"the input is small ({run.input_tokens:,} tokens): {name} read it "
                         "whole; no worker was needed")  # fmt: skip
        return await _settle(run, 1, rd, confirmed, cands)
    if whole and all(x.empty for x in whole):
        run.notes.append(f"the input is small ({run.input_tokens:,} tokens): {name} read it "
                         "whole and found it does not state the answer")  # fmt: skip
        if rd.decision is None:
            rd.decision = Decision("answer", NOT_FOUND, [], [], None, 0.0, 0, 0)
            run.save()
            run.event("decision", round=1, action="answer", answer=NOT_FOUND, fallback=None,
                      confidence=0.0)  # fmt: skip
        return Outcome(NOT_FOUND, None, 0.0)
    why = "; ".join(x.reason for x in whole if x.reason) or "no value it could confirm"
    run.notes.append(f"the input is small: {name} read it whole ({why[:200]}); the workers "
                     "read it too")  # fmt: skip
    return None


# --- escalation ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Place:
    """A window to re-read, and why it is worth reading."""

    window: Window
    priority: float
    candidate: str | None = None
    """The value a worker verified here (the re-read confirms or refutes it)."""
    rank: int = 0
    """BM25's rank of the passage it was opened around (0: opened around a worker's
    report)."""
    quote: tuple[str, int, int] | None = None
    """Where the worker's verified quote is (document id, start, end), for a candidate."""

    def holds(self, other: Place) -> bool:
        """Whether ``other``'s quote lies inside this place's window."""
        w, q = self.window, other.quote
        return q is not None and q[0] == w.doc_id and w.start <= q[1] and q[2] <= w.end


def _places(run: Run, reports: list[Report]) -> list[Place]:
    """Every place worth re-reading, most promising first, in one order: BM25's relevance
    of the place to the question (over every passage of the input, with its headings),
    raised where a worker verified a value that names what was asked (a candidate) or
    found the place but not the value (a pointer). BM25 alone usually ranks the passage
    that answers first or second; the workers' marks are what catches the rest."""
    # the wording's terms, not any value it guessed: a number would favour its look-alike
    wording = re.sub(r"\d[\d.,:/]*", " ", run.state.extra.get("wording") or "")
    q = f"{run.question}\n{wording}"
    ranked = run.relevance.rank(q)
    top = ranked[0][1] if ranked and ranked[0][1] > 0 else 1.0
    by_doc: dict[str, list[tuple[int, int, float]]] = {}
    for p, score in ranked:
        by_doc.setdefault(p.doc_id, []).append((p.start, p.end, score / top))

    def relevance(doc_id: str, start: int, end: int) -> float:
        return max((sc for s, e, sc in by_doc.get(doc_id, ()) if s < end and start < e),
                   default=0.0)  # fmt: skip

    places: list[Place] = []
    for c in candidates(reports):
        if c.confirmed or not fit_of(run, c).viable:
            continue
        best = c.quotes()[0]
        assert best.start is not None and best.end is not None
        r = relevance(best.doc_id, best.start, best.end)
        places.append(Place(_around(run, best, f"candidate {c.answer!r}"),
                            r + CANDIDATE_BONUS, c.key,
                            quote=(best.doc_id, best.start, best.end)))  # fmt: skip
    for x in reports:
        if not x.supported and x.located and x.reason in (REJECT_NO_VALUE, REJECT_RESTATES):
            assert x.start is not None and x.end is not None
            r = relevance(x.doc_id, x.start, x.end)
            places.append(Place(_around(run, x, f"a quote without its value: {x.quote!r}"),
                                r + POINTER_BONUS))  # fmt: skip
    for rank_no, (p, score) in enumerate(ranked[:BM25_AT_MOST], 1):
        if score <= 0:
            break
        mid = (p.start + p.end) // 2
        w = window_around(run.source[p.doc_id], p.doc_id, p.doc_name, p.start, p.end,
                          f"BM25 rank {rank_no}", chars=max(0, WINDOW_CHARS - (mid - p.start)),
                          outline=run.outlines[p.doc_id], count=run.count)  # fmt: skip
        places.append(Place(w, score / top, rank=rank_no))
    return sorted(places, key=lambda p: -p.priority)


def _around(run: Run, x: Report, why: str) -> Window:
    assert x.start is not None and x.end is not None
    return window_around(run.source[x.doc_id], x.doc_id, x.doc_name, x.start, x.end, why,
                         outline=run.outlines[x.doc_id], count=run.count)  # fmt: skip


def _read_key(r: int, w: Window) -> str:
    return f"r{r}-read-{w.doc_id[:8]}-{w.start}-{w.end}"


async def _escalate(
    run: Run, r: int, reader: Reader, worker_reports: list[Report], reads: dict[str, Report],
    refuted: dict[str, int],
) -> Escalation:  # fmt: skip
    """Re-read places in order of promise until a value that fits the question is confirmed
    (after at least ``MIN_READS`` places are read, so one fooled read cannot end the search)
    or the budget is spent; a value a worker verified is always re-read in its own window.

    Round 1 of an input too large to read whole opens with one excerpt: the likeliest
    places joined, up to ``EXCERPT_SHARE`` of the budget (``_excerpt``). The stronger model
    sees them side by side for the price of one prompt; the places it leaves out are read
    one by one after it."""
    stored = finished(run.store, run.id, r, run.chunks, run.index, kinds=("read",))
    esc = Escalation(model=reader.model.name, budget_tokens=reader.budget)
    if r == 1 and "whole_read" not in run.state.extra:
        await _wording(run)
    read_windows: list[Window] = []
    places = _places(run, worker_reports)
    owed: set[str | None] = set()
    """Workers' values an opening excerpt held but did not confirm: each gets its own read."""
    alone: Place | None = None
    """The best place, read on its own after an excerpt that found no fitting value there."""
    if r == 1 and "whole_read" not in run.state.extra:
        made = _excerpt(run, places, reader, int(EXCERPT_SHARE * reader.budget))
        if made is not None:
            excerpt, inside = made
            key = f"r{r}-excerpt"
            if key in stored:
                report = stored[key]
                reader.spent += reader.cost(run.question, excerpt)
            else:
                report = await _read(run, r, reader, excerpt, key)
            # An excerpt confirms; it never refutes. A worker's value it did not confirm is
            # re-read in its own window below (the judgement then weighs both).
            got = answer_key(report.answer or "") if report.supported else None
            alone = _best_alone(run, places, report, got)
            read_windows.extend(p.window for p in inside
                                if p.candidate in (None, got) and p is not alone)  # fmt: skip
            owed = {p.candidate for p in inside if p.candidate not in (None, got)}
            reads[key] = report
            _tally(esc, excerpt.why, report, len(excerpt.windows))
    for place in places:
        w = place.window
        settled = any(x.supported and _report_fit(run, x).viable for x in reads.values())
        if (settled and len(read_windows) >= MIN_READS and place.candidate is None
                and place is not alone):  # fmt: skip
            continue  # only a value a worker verified is still read once something fits
        if (
            w.covered(read_windows) >= COVERED
            and place.candidate not in owed
            and place is not alone
        ):
            continue  # read already (a window that only touches one read is still read)
        owed.discard(place.candidate)
        key = _read_key(r, w)
        if key in stored:
            report = stored[key]
            reader.spent += reader.cost(run.question, w)
        elif key in reads:
            continue
        elif not reader.affordable(run.question, w):
            esc.reasons.append(f"budget: skipped {w.why}")
            continue
        else:
            report = await _read(run, r, reader, w, key)
        read_windows.append(w)
        reads[key] = report
        _tally(esc, w.why, report, 1)
        _refute(refuted, place, report)
    run.store.drain()
    esc.spent_tokens = reader.spent
    # what was read, for a skimmed run's coverage (no worker read the rest)
    run.state.extra.setdefault("read_spans", []).extend(
        [w.doc_id, w.start, w.end] for w in read_windows
    )
    return esc


def _best_alone(run: Run, places: list[Place], excerpt: Report, got: str | None) -> Place | None:
    """BM25's first place, when the opening excerpt confirmed no value that fits the
    question inside it: read on its own next. Read among its neighbours, the 1.5B lead
    often quotes the look-alike beside the answer ("on arrival: 0.7 bar" for "left at 1.2
    bar") or a word of the question ("Saturday" for the weekend's call time), and the
    excerpt's places then counted as read: on fresh16's and fresh17's 8k documents the
    passage ranked first held the answer in 6 lookups where the excerpt gave another
    value, and no read came back to it. A value a worker verified and the excerpt
    confirmed (two reads agreeing) needs no third, and a place holding the quote of a
    worker's value the excerpt did not confirm is read around that quote anyway (on the
    real 20k test the lead read both windows, which shared 64% of their text). ``got`` is
    the key of the excerpt's value if it was verified (``_escalate``'s)."""
    top = next((p for p in places if p.rank == 1), None)
    if top is None:
        return None
    if any(top.holds(p) for p in places if p.candidate not in (None, got)):
        return None
    if excerpt.supported and excerpt.located and _report_fit(run, excerpt).viable:
        agreed = got in {p.candidate for p in places}
        w = top.window
        inside = (excerpt.doc_id == w.doc_id and excerpt.start is not None
                  and w.start <= excerpt.start < w.end)  # fmt: skip
        if agreed or inside:
            return None
    return top


WORDING_TOKENS = 60


async def _wording(run: Run) -> None:
    """Before the first re-reads of an input too large to read whole: the stronger model
    (the one that re-reads) writes one line the input could answer with, in the input's
    likely words ("Off-peak membership: ... a month" for "What do I pay each month if I
    only come in quiet hours?"), and its terms join the question's in BM25's search for
    the places to re-read. A question that paraphrases the text shares few words with the
    sentence that answers it. Asked once per run (kept in the run state, so a resumed run
    does not ask again); if the call fails, the question alone is searched with."""
    if "wording" not in run.state.extra:
        line = ""
        try:
            reply = await run.escalation.complete(
                prompts.wording_messages(run.question), schema=prompts.WORDING_SCHEMA,
                max_tokens=WORDING_TOKENS, timeout=run.lead_timeout, retries=0,
                role=run.escalation_role,
            )  # fmt: skip
            said = reply.parsed.get("line")
            line = said.strip()[:200] if isinstance(said, str) else ""
        except ShoalError as exc:
            log.warning("no wording of the answer for the search: %s", exc)
        run.state.extra["wording"] = line
        run.save()
        if line:
            run.event("wording", line=line)
    if run.state.extra["wording"]:
        run.notes.append("searched with the question and the stronger model's wording of an "
                         "answer: "
                         f"{run.state.extra['wording']!r}")  # fmt: skip


async def _read(run: Run, r: int, reader: Reader, w: Window | Excerpt, key: str) -> Report:
    """One re-read by the stronger model, announced, checked and stored."""
    run.event("escalate", round=r, why=w.why, model=reader.model.name, start=w.start,
              end=w.end, document=w.doc_name)  # fmt: skip
    run.event("job", key=key, round=r, task=-1, chunk=-1, status="started", kind="read")
    report = await reader.read(run.question, w, key=key, round_=r, index=run.index,
                               chunk_index=-1)  # fmt: skip
    held = w.window_of(report.doc_id, report.start) if isinstance(w, Excerpt) else w
    report.read_span = (held.start, held.end)
    run.store.queue_job(report_row(run.id, report, seconds=0.0, lo=held.start, hi=held.end))
    run.event("job", key=key, round=r, task=-1, chunk=-1, status="done",
              supported=report.supported, empty=report.empty, answer=report.answer,
              quote=report.quote, reason=report.reason, kind="read")  # fmt: skip
    return report


def _tally(esc: Escalation, why: str, report: Report, passages: int) -> None:
    """One re-read (of ``passages`` windows) in the round's escalation record."""
    esc.reads += 1
    esc.passages += passages
    esc.confirmed += int(report.supported)
    verdict = f"confirmed {report.answer!r}" if report.supported else report.reason
    esc.reasons.append(f"{why}: {verdict}")


def _refute(refuted: dict[str, int], place: Place, report: Report) -> None:
    """A read of a worker's candidate that gave an opinion and did not confirm it counts
    against it."""
    opinion = not report.reason.startswith(FAILED_READ)
    same = report.supported and answer_key(report.answer or "") == place.candidate
    if place.candidate is not None and opinion and not same:
        refuted[place.candidate] = refuted.get(place.candidate, 0) + 1


def _excerpt(
    run: Run, places: list[Place], reader: Reader, budget: int
) -> tuple[Excerpt, list[Place]] | None:
    """The likeliest places (``_places``' order) joined into one excerpt that costs at most
    ``budget`` tokens, overlapping windows merged, in document order; with the places it
    holds. None when fewer than two windows fit: one window is an ordinary re-read."""
    order = {d.id: i for i, d in enumerate(run.docs)}
    windows: list[Window] = []
    inside: list[Place] = []
    for place in places:
        w = place.window
        if w.covered(windows) >= COVERED:
            inside.append(place)
            continue
        trial = _merged(run, [*windows, w], order)
        if reader.cost(run.question, Excerpt(tuple(trial))) > budget:
            continue  # a shorter place further down may still fit
        windows = trial
        inside.append(place)
    if len(windows) < 2:
        return None
    return Excerpt(tuple(windows), f"an excerpt of the {len(windows)} likeliest passages"), inside


def _merged(run: Run, windows: list[Window], order: dict[str, int]) -> list[Window]:
    """``windows`` in document order, those that overlap or touch joined into one."""
    out: list[Window] = []
    for w in sorted(windows, key=lambda w: (order.get(w.doc_id, 0), w.start)):
        last = out[-1] if out else None
        if last is not None and last.doc_id == w.doc_id and w.start <= last.end + 1:
            hi = max(last.end, w.end)
            out[-1] = Window(last.doc_id, last.doc_name, last.start, hi,
                             run.source[last.doc_id][last.start : hi], last.why,
                             last.headings)  # fmt: skip
        else:
            out.append(w)
    return out


# --- deciding ----------------------------------------------------------------------------------
def fit_of(run: Run, c: Candidate) -> Fit:
    """How well the best of a candidate's sentences fits the question (``check.fit``)."""
    best: Fit | None = None
    for x in c.reports:
        if not x.located:
            continue
        f = _report_fit(run, x)
        key = (f.viable, f.entities or 0.0, f.topic or 0.0)
        if best is None or key > (best.viable, best.entities or 0.0, best.topic or 0.0):
            best = f
    return best or Fit((), None)


def _report_fit(run: Run, x: Report) -> Fit:
    """``check.fit`` of the sentence holding a report's quote, read with the headings that
    govern it and, when the quote is a heading, the start of the section it heads."""
    assert x.start is not None and x.end is not None
    text = run.source[x.doc_id]
    s, e = sentence_around(text, x.start, x.end)
    outline = run.outlines[x.doc_id]
    # local headings only: a document's title names its subject for every sentence in it
    headings = "\n".join(governing(run, x.doc_id, s))
    section = ""
    heading = outline.heading_at(x.start)
    if heading is not None:
        # a value in a heading is about the section under it: the part the stronger model
        # read under that heading, and the section's opening, but never past the section's
        # end (the next version's entries are not about this one)
        parts = []
        whole = outline.section_after(heading.start, limit=None)
        if whole is not None:
            lo, hi = whole
            if x.read_span is not None and x.read_span[0] < hi and lo < x.read_span[1]:
                parts.append(text[max(lo, x.read_span[0]) : min(hi, x.read_span[1])])
            parts.append(text[lo : min(hi, lo + 600)])
        section = "\n".join(parts)
    return fit(text[s:e], run.question, headings, section, x.answer, run.vocabulary,
               run.bare_names, outline.subject(s))  # fmt: skip


def set_aside_why(run: Run, f: Fit) -> str:
    """Why the word rules set a value aside (its ``fit`` not viable), in words."""
    if f.qualifiers:
        return f"marked {', '.join(f.qualifiers)}"
    if not f.kind_ok:
        return f"it is not a {asked_kind(run.question)}, which the question asks for"
    if f.lookalikes:
        names = ", ".join(f.lookalikes)
        return f"its sentence names {names} only inside a longer name (a look-alike)"
    return "its sentence does not name what was asked"


def _viable(run: Run, confirmed: list[Candidate], notes: list[str]) -> list[Candidate]:
    """Confirmed values whose sentence names what was asked and does not mark the value as
    not current; of those, the ones naming most of what was asked."""
    fits = {c.key: fit_of(run, c) for c in confirmed}
    for c in confirmed:
        if not fits[c.key].viable:
            why = set_aside_why(run, fits[c.key])
            notes.append(f"verified value {c.answer!r} set aside: {why}")
    viable = [c for c in confirmed if fits[c.key].viable]
    if not viable:
        return []
    top = max(fits[c.key].entities or 0.0 for c in viable)
    return [c for c in viable if (fits[c.key].entities or 0.0) == top]


async def _settle(
    run: Run, r: int, rd: Round, confirmed: list[Candidate], cands: list[Candidate]
) -> Outcome:  # fmt: skip
    """The answer from the confirmed values: the word rules set look-alikes aside, the
    judgement (``judge.py``) picks among the rest and says how sure it is."""
    stored = rd.decision
    by_key = {c.key: c for c in cands}
    judge_key = f"r{r}-judge"
    if stored is not None:  # resumed after the decision: never ask again
        kept = by_key.get(stored.evidence[0]) if stored.evidence else None
        if kept is None and stored.evidence:  # a rival read as an answer (``_promote``)
            done = finished(run.store, run.id, r, run.chunks, run.index, kinds=("read",))
            read = done.get(f"{judge_key}-rival")
            kept = next((c for c in candidates([read]) if c.key == stored.evidence[0]),
                        None) if read else None  # fmt: skip
        return Outcome(stored.answer, kept, stored.confidence)
    notes: list[str] = []
    chosen: Candidate | None = None
    conf, basis = 0.0, None
    conflict = False
    viable = _viable(run, confirmed, notes)
    for c in cands:
        f = fit_of(run, c)
        if not c.confirmed and f.qualifiers:
            notes.append(f"workers also reported {c.answer!r}, set aside: marked "
                         f"{', '.join(f.qualifiers)}")  # fmt: skip
    if viable:
        j = await judge(run, run.escalation, viable, judge_key)
        run.event("judge", round=r, pick=j.pick.answer if j.pick else None,
                  confidence=j.confidence, failed=j.failed,
                  shares={(by_key[k].answer if k in by_key else k): round(v, 3)
                          for k, v in j.shares.items()})  # fmt: skip
        basis = _basis(j, viable)
        if j.failed:
            chosen = max(viable, key=lambda c: (c.count, c.workers))
            conf = confidence.UNJUDGED
            notes.append(f"the judgement failed ({j.failed}); the best-supported value was "
                         "weighed")  # fmt: skip
        elif j.changed:
            conflict = True
            notes.append("read together, in both orders, no value led clearly (the stronger "
                         "model's pick changed with the order): no choice between "
                         + ", ".join(repr(c.answer) for c in viable))  # fmt: skip
        elif j.rival is not None:
            lone = viable[0]
            promoted = await _promote(run, r, rd, lone, j, judge_key)
            if promoted is None:
                conflict = True
                notes.append(f"{lone.answer!r} was the only verified value, but read beside "
                             f"its neighbours the stronger model found {j.rival!r} likelier; "
                             "read in its own passage, that sentence confirmed no value that "
                             "won over it: no choice")  # fmt: skip
            else:
                rival = j.rival
                j = promoted
                assert j.pick is not None
                viable = [lone, j.pick]
                basis = _basis(j, viable)
                chosen, conf = j.pick, j.confidence
                notes.append(f"{lone.answer!r} was the only verified value, but read beside "
                             f"its neighbours the stronger model found {rival!r} likelier; "
                             f"read in its own passage that sentence confirmed "
                             f"{j.pick.answer!r}, and read together with {lone.answer!r} it "
                             "was chosen")  # fmt: skip
        elif j.pick is None:
            notes.append("read together, none of the verified values ("
                         + ", ".join(repr(c.answer) for c in viable)
                         + ") answered the question for the stronger model")  # fmt: skip
        else:
            chosen, conf = j.pick, j.confidence
        for c in viable:
            if c is not chosen and c.key in j.shares:
                notes.append(f"verified value {c.answer!r} not chosen (share "
                             f"{j.shares[c.key]:.2f})")  # fmt: skip
    elif not confirmed and (unchecked := [c for c in cands if not c.refuted
                                          and fit_of(run, c).viable]):  # fmt: skip
        # The stronger model could not check these (its calls failed, or the budget ran
        # out): the workers' word alone, rated low.
        chosen = max(unchecked, key=lambda c: (c.workers, c.count))
        conf = confidence.UNCONFIRMED
        basis = {"confirmed": False, "workers": chosen.workers}
        notes.append("the stronger model could not re-read this evidence; workers only")
    answer = chosen.answer if chosen else (UNSURE if conflict else NOT_FOUND)
    if chosen is None and cands and not confirmed:
        notes.append("workers reported " + ", ".join(repr(c.answer) for c in cands[:5])
                     + " but re-reading their passages verified none of them")  # fmt: skip
    if chosen is not None and conf < run.config.min_confidence:
        notes.append(f"not settled: {chosen.answer!r} had confidence {conf:.2f}, below "
                     f"{run.config.min_confidence:.2f}")  # fmt: skip
        if len(viable) > 1:
            notes.append("verified values: " + ", ".join(repr(c.answer) for c in viable))
        answer, chosen = (UNSURE if len(viable) > 1 else WEAK), None
    rd.decision = Decision("answer", answer, [chosen.key] if chosen else [], [], None, conf,
                           len(viable), 0)  # fmt: skip
    run.save()
    run.event("decision", round=r, action="answer", answer=answer, fallback=None,
              confidence=conf)  # fmt: skip
    return Outcome(answer, chosen, conf if chosen else 0.0, basis, notes)


async def _promote(
    run: Run, r: int, rd: Round, lone: Candidate, j: Judgement, judge_key: str
) -> Judgement | None:
    """The rival that vetoed a lone pick (``judge.rivals``), read as an answer in its own
    passage; if that read confirms a value that fits, the pick and it are judged together
    (in both orders, as any two verified values). The judgement of the two, if it picks
    the rival clearly; else None (no choice, as before). fresh12's knitting pattern: the
    sleeves' cast-on was the lone pick for the back's, the back's row vetoed it but was
    never read, so shoal could only abstain."""
    if j.rival_at is None:
        return None
    doc_id, start, end = j.rival_at
    name = next((d.name for d in run.docs if d.id == doc_id), "")
    w = window_around(run.source[doc_id], doc_id, name, start, end, "the rival of a lone pick",
                      outline=run.outlines[doc_id], count=run.count)  # fmt: skip
    key = f"{judge_key}-rival"
    done = finished(run.store, run.id, r, run.chunks, run.index, kinds=("read",))
    reader = Reader(run.escalation, RIVAL_READ_TOKENS,
                    role=run.escalation_role,
                    timeout=run.lead_timeout)  # fmt: skip
    if key in done:
        report = done[key]
    elif not reader.affordable(run.question, w):
        return None
    else:
        report = await _read(run, r, reader, w, key)
    if rd.escalation is not None:
        rd.escalation.spent_tokens += reader.spent
        _tally(rd.escalation, w.why, report, 1)
    if not report.supported or not _report_fit(run, report).viable:
        return None
    both = [c for c in candidates([*lone.reports, report]) if c.confirmed]
    rival = next((c for c in both if c.key != lone.key), None)
    if rival is None:
        return None
    two = await judge(run, run.escalation, [lone, rival], f"{judge_key}-with-rival")
    if two.failed or two.changed or two.pick is None or two.pick.key != rival.key:
        return None
    return two


RIVAL_READ_TOKENS = 1200
"""What reading a rival's passage may cost: one window (about 300 tokens a side) and the
read prompt."""


def _basis(j: Judgement, viable: list[Candidate]) -> dict[str, Any]:
    """What the answer's confidence was computed from, kept with it so it can be audited."""
    pick = j.pick
    return {
        "confirmed": True,
        "judged": j.failed is None,
        "share": round(j.shares.get(pick.key, 0.0), 4) if pick else None,
        "none_share": round(j.shares.get(NONE, 0.0), 4),
        "support": [round(x, 4) for x in j.support],
        "exact": j.exact,
        "rivals": len(viable) - 1,
        "workers": pick.workers if pick else 0,
        "refuted": pick.refuted if pick else 0,
    }


async def _retry(run: Run, rd: Round, r: int) -> Decision | None:
    """After a round in which no worker verified anything: the question itself as the next
    task (free, the most literal wording), else the lead's rewording; None: nothing new."""
    tried = [t.instruction for x in run.state.rounds for t in x.plan.tasks]
    if rd.decision is not None:
        return rd.decision if rd.decision.action == "more" else None
    new: list[Task] = []
    if run.question not in tried:
        new = [Task(run.question, RETRY_ADVICE)]
    else:
        try:
            reply = await run.lead.complete(
                prompts.retry_messages(run.question, tried), schema=prompts.PLAN_SCHEMA,
                max_tokens=300, role="lead", timeout=run.lead_timeout,
            )  # fmt: skip
            new = [
                Task(t["instruction"].strip(), t.get("advice", "").strip())
                for t in reply.parsed["tasks"][:2]
                if t["instruction"].strip() and t["instruction"].strip() not in tried
            ]
        except ShoalError as exc:
            log.warning("lead could not reword the tasks: %s", exc)
    if not new:
        return None
    rd.decision = Decision("more", RETRYING, [], new)
    run.save()
    run.event("decision", round=r, action="more", answer=RETRYING, fallback=None)
    return rd.decision


RETRYING = "No verified evidence yet: searching again with reworded tasks."


class _Read(NamedTuple):
    doc_id: str
    start: int
    end: int


def _coverage(run: Run) -> float:
    """The share of the input read: all of it when the workers read every chunk or the
    lead read it whole; when skimming, the windows the lead re-read."""
    if run.config.worker_reads or "whole_read" in run.state.extra:
        return run.coverage
    spans = [_Read(str(d), int(s), int(e)) for d, s, e in run.state.extra.get("read_spans", [])]
    return coverage(run.docs, spans)


def _answer(
    run: Run, outcome: Outcome, worker_reports: list[Report], reads: list[Report], n_jobs: int
) -> Answer:
    citations = []
    if outcome.chosen is not None:
        for x in outcome.chosen.quotes()[:3]:
            assert x.start is not None and x.end is not None
            text = run.source[x.doc_id][x.start : x.end]
            citations.append(Citation(text, x.start, x.end, x.doc_name, x.context))
    counts = {
        "supported": sum(1 for x in worker_reports if x.supported),
        "rejected": sum(1 for x in worker_reports if not x.supported and not x.empty),
        "empty": sum(1 for x in worker_reports if x.empty),
        "failed": n_jobs - len(worker_reports),
        "reread": len(reads),
        "reread_confirmed": sum(1 for x in reads if x.supported),
    }
    whole = run.state.extra.get("whole_read") or {}
    spent = sum(x.escalation.spent_tokens for x in run.state.rounds if x.escalation)
    escalation = {
        "model": run.escalation.name,
        "budget_tokens": run.config.escalation_budget(run.input_tokens) + whole.get("tokens", 0),
        "spent_tokens": spent + whole.get("tokens", 0),
        "reads": len(reads),
        "passages": whole.get("reads", 0)
        + sum(x.escalation.passages for x in run.state.rounds if x.escalation),
        "confirmed": counts["reread_confirmed"],
        "whole_read": bool(whole),
        "second_look": bool(whole.get("second_look")),
    }
    return Answer(
        answer=outcome.answer,
        citations=citations,
        strategy="swarm" if run.config.worker_reads else "skim",
        run_id=run.id,
        rounds=len(run.state.rounds),
        coverage=_coverage(run),
        reports=counts,
        chunks=len(run.chunks),
        jobs=n_jobs,
        plan=[x.plan.to_dict() for x in run.state.rounds],
        notes=run.notes,
        confidence=outcome.confidence,
        escalation=escalation,
        operation="find",
        confidence_basis=outcome.basis,
    )
