"""The swarm protocol, end to end, with every step stored so a run can be resumed.

    plan (lead) -> chunk (shoal) -> dispatch (workers) -> check (shoal) -> aggregate (lead)
                                  ^------------- another round, if the lead asks ---'

Each step lives in its own module; this one orders them, persists the run (its plan,
every job and report, each decision) and turns the outcome into an ``Answer``. A run
killed at any point is picked up by ``resume``: finished jobs are read back from the
database and only the rest is run.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from shoal import ledger
from shoal.errors import InputError, ShoalError
from shoal.models import DEFAULT_LEAD, DEFAULT_WORKER, get_model
from shoal.models.base import Model
from shoal.pricing import LOCAL_BACKENDS, cost_usd
from shoal.store import Store
from shoal.store.schema import LOCAL_TENANT
from shoal.swarm import prompts
from shoal.swarm.aggregate import NOT_FOUND, Decision, answer_keys, best_reports, decide
from shoal.swarm.check import (
    ChunkIndex,
    Group,
    Normalised,
    Report,
    check,
    context_around,
    group,
    normalise,
    widen_to,
)
from shoal.swarm.chunk import Chunk, chunk_document, coverage
from shoal.swarm.dispatch import DispatchAborted, Dispatcher, Job, JobResult
from shoal.swarm.documents import Document, load_path
from shoal.swarm.plan import Plan, Task, make_plan
from shoal.swarm.result import Answer, Citation, Event
from shoal.types import Usage

log = logging.getLogger(__name__)

STRATEGIES = ("swarm", "lead", "worker")
WORKER_REPLY_TOKENS = 160
WORKER_PROMPT_ROOM = 400
SINGLE_REPLY_TOKENS = 300

DocumentsLike = str | Document | Path | Sequence[Document]


def as_documents(value: DocumentsLike, name: str = "document") -> list[Document]:
    if isinstance(value, Document):
        return [value]
    if isinstance(value, Path):
        return load_path(value)
    if isinstance(value, str):
        if not value.strip():
            raise InputError("the document is empty")
        return [Document(name, value)]
    docs = list(value)
    if not docs:
        raise InputError("no documents given")
    return docs


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


def _resolve(model: str | Model) -> tuple[Model, str]:
    if isinstance(model, Model):
        return model, model.name
    return get_model(model), model


def shoal_span(report: Report, keys: list[str], source: dict[str, str]) -> tuple[int, int] | None:
    """``report``'s span, widened to hold the answer's keys it lacks; None if it cannot."""
    start, end = report.start or 0, report.end or 0
    text = source[report.doc_id]
    missing = [k for k in keys if k not in text[start:end]]
    if not missing:
        return start, end
    return widen_to(text, start, end, missing)


class Swarm:
    """A lead model that plans and judges, and worker models that read everything.

    ``Swarm(lead="qwen2.5-coder-1.5b", workers="smollm2-135m").ask(text, question)``
    """

    def __init__(
        self,
        lead: str | Model = DEFAULT_LEAD,
        workers: str | Model | Sequence[str | Model] = DEFAULT_WORKER,
        *,
        store: Store | None = None,
        db: str | None = None,
        chunk_tokens: int | None = None,
        overlap_tokens: int = 64,
        max_rounds: int = 2,
        evidence_tokens: int = 900,
        concurrency: int | None = None,
        job_timeout: float | None = 300.0,
        lead_timeout: float | None = 900.0,
        retries: int = 2,
        on_event: Callable[[Event], None] | None = None,
    ):
        self.lead, self.lead_spec = _resolve(lead)
        worker_list = [workers] if isinstance(workers, str | Model) else list(workers)
        resolved = [_resolve(w) for w in worker_list]
        self.workers = [m for m, _ in resolved]
        self.worker_specs = [s for _, s in resolved]
        self.store = store or Store(db)
        self.chunk_tokens = chunk_tokens
        self.overlap_tokens = overlap_tokens
        self.max_rounds = max(1, max_rounds)
        self.evidence_tokens = evidence_tokens
        self.concurrency = concurrency
        self.job_timeout = job_timeout
        self.lead_timeout = lead_timeout
        self.retries = retries
        self.on_event = on_event

    # --- public API ------------------------------------------------------------------------
    def ask(self, document: DocumentsLike, question: str, strategy: str = "swarm") -> Answer:
        """Answer ``question`` from ``document`` (text, Document(s) or a path)."""
        return asyncio.run(self.aask(document, question, strategy))

    def resume(self, run_id: str) -> Answer:
        return asyncio.run(self.aresume(run_id))

    async def aask(
        self,
        document: DocumentsLike,
        question: str,
        strategy: str = "swarm",
        *,
        tenant: str = LOCAL_TENANT,
        run_id: str | None = None,
    ) -> Answer:
        """``tenant`` owns the run and its documents (the server passes the API key's);
        ``run_id`` lets a caller know the id before the first event."""
        if strategy not in STRATEGIES:
            raise ShoalError(f"unknown strategy {strategy!r}; use one of {', '.join(STRATEGIES)}")
        if not question.strip():
            raise InputError("the question is empty")
        docs = as_documents(document)
        run_id = run_id or new_run_id()
        for d in docs:
            self.store.put_document(d.id, d.name, d.text, tenant=tenant)
        config = {
            "lead_spec": self.lead_spec,
            "worker_specs": self.worker_specs,
            "chunk_tokens": self._chunk_tokens(),
            "overlap_tokens": self.overlap_tokens,
            "max_rounds": self.max_rounds,
            "evidence_tokens": self.evidence_tokens,
        }
        self.store.create_run(
            id=run_id,
            status="running",
            strategy=strategy,
            question=question,
            lead=self.lead.name,
            workers=",".join(w.name for w in self.workers),
            document_ids=[d.id for d in docs],
            config=config,
            state={"rounds": [], "elapsed": 0.0},
            tenant=tenant,
        )
        self._emit("run", run_id=run_id, strategy=strategy, question=question)
        return await self._execute(
            run_id, docs, question, strategy, config, {"rounds": [], "elapsed": 0.0}
        )

    async def aresume(self, run_id: str) -> Answer:
        run = self.store.get_run(run_id)
        if run is None:
            raise ShoalError(f"no run {run_id!r} in {self.store.url}")
        if run["status"] == "done" and run["result"]:
            return Answer.from_dict(run["result"])
        docs = []
        for doc_id in run["document_ids"]:
            row = self.store.get_document(doc_id)
            if row is None:
                raise ShoalError(
                    f"run {run_id}: its document {doc_id} is missing from the database"
                )
            docs.append(Document(row["name"], row["text"]))
        self.store.update_run(run_id, status="running", error=None)
        self._emit(
            "run", run_id=run_id, strategy=run["strategy"], question=run["question"], resumed=True
        )
        return await self._execute(
            run_id, docs, run["question"], run["strategy"], run["config"], dict(run["state"])
        )

    # --- orchestration ------------------------------------------------------------------------
    def _emit(self, kind: str, **data: Any) -> None:
        if self.on_event is not None:
            self.on_event(Event(kind, data))

    def _chunk_tokens(self) -> int:
        window = min(w.context_window for w in self.workers)
        fit = window - WORKER_PROMPT_ROOM - WORKER_REPLY_TOKENS
        if fit < 64:
            raise ShoalError(f"worker window of {window} tokens is too small to read chunks")
        return min(self.chunk_tokens or 1500, fit)

    async def _execute(
        self,
        run_id: str,
        docs: list[Document],
        question: str,
        strategy: str,
        config: dict[str, Any],
        state: dict[str, Any],
    ) -> Answer:
        started = time.perf_counter()
        book = ledger.Ledger(self.store)
        try:
            with ledger.scope(book, run_id=run_id):
                if strategy == "swarm":
                    answer = await self._swarm(run_id, docs, question, config, state)
                else:
                    model = self.lead if strategy == "lead" else self.workers[0]
                    answer = await self._single(run_id, model, docs, question, strategy)
        except (asyncio.CancelledError, KeyboardInterrupt):
            self._stop(run_id, book, state, started, "interrupted", "interrupted by the user")
            raise
        except DispatchAborted as exc:
            self._stop(run_id, book, state, started, "interrupted", str(exc))
            raise ShoalError(f"{exc}. Finished work is saved: `shoal resume {run_id}`") from exc
        except ShoalError as exc:
            self._stop(run_id, book, state, started, "failed", str(exc))
            raise
        book.sync()
        state["elapsed"] = state.get("elapsed", 0.0) + time.perf_counter() - started
        self._finish(answer, docs, state)
        self.store.update_run(run_id, status="done", state=state, result=answer.to_dict())
        self._emit("answer", **answer.to_dict())
        return answer

    def _stop(
        self,
        run_id: str,
        book: ledger.Ledger,
        state: dict[str, Any],
        started: float,
        status: str,
        why: str,
    ) -> None:
        state["elapsed"] = state.get("elapsed", 0.0) + time.perf_counter() - started
        try:
            book.sync()
        finally:
            self.store.update_run(run_id, status=status, state=state, error=why)
        self._emit("error", run_id=run_id, status=status, error=why)

    def _finish(self, answer: Answer, docs: list[Document], state: dict[str, Any]) -> None:
        """Fill in usage, cost and the lead-alone comparison from the recorded calls."""
        rows = self.store.usage_by_role(answer.run_id)
        answer.usage = {
            role: Usage(
                int(r["prompt_tokens"] or 0),
                int(r["completion_tokens"] or 0),
                int(r["cached_tokens"] or 0),
                int(r["calls"]),
            )
            for role, r in rows.items()
        }
        answer.cost_usd = sum(float(r["cost_usd"] or 0) for r in rows.values())
        answer.seconds = state.get("elapsed", 0.0)
        full = prompts.single_messages(_joined(docs), "", False)
        answer.lead_alone_tokens = self.lead.count_message_tokens(full)
        local = self.lead.info.backend in LOCAL_BACKENDS
        answer.lead_alone_cost_usd = cost_usd(
            self.lead.name, Usage(answer.lead_alone_tokens, SINGLE_REPLY_TOKENS // 3), local
        )

    async def _swarm(
        self,
        run_id: str,
        docs: list[Document],
        question: str,
        config: dict[str, Any],
        state: dict[str, Any],
    ) -> Answer:
        count = self.workers[0].count_tokens
        chunks: list[Chunk] = []
        for d in docs:
            chunks += chunk_document(
                d, count, config["chunk_tokens"], config["overlap_tokens"], len(chunks)
            )
        cover = coverage(docs, chunks)
        source = {d.id: d.text for d in docs}
        index = ChunkIndex(chunks, source)
        self._emit(
            "chunks", chunks=len(chunks), coverage=cover, tokens=sum(c.tokens for c in chunks)
        )
        dispatcher = Dispatcher(
            self.workers,
            concurrency=self.concurrency,
            timeout=self.job_timeout,
            retries=self.retries,
            max_tokens=WORKER_REPLY_TOKENS,
        )
        notes: list[str] = []
        all_reports: list[Report] = []
        failed_chunks: set[int] = set()
        decision: Decision | None = None
        rounds: list[dict[str, Any]] = state.setdefault("rounds", [])
        n_jobs = 0
        for r in range(1, config["max_rounds"] + 1):
            # 1. plan (or the previous decision's new tasks), stored before any job runs
            if len(rounds) < r:
                if r == 1:
                    plan = await make_plan(self.lead, question, docs, count, self.lead_timeout)
                else:
                    assert decision is not None
                    plan = Plan(
                        [Task(t["instruction"], t.get("advice", "")) for t in decision.new_tasks]
                    )
                rounds.append({"plan": plan.to_dict(), "decision": None})
                self.store.update_run(run_id, state=state)
            plan = Plan.from_dict(rounds[r - 1]["plan"])
            if plan.fallback:
                notes.append(f"round {r}: {plan.fallback}; the question itself was the only task")
            self._emit(
                "plan", round=r, tasks=[t.instruction for t in plan.tasks], fallback=plan.fallback
            )

            # 2. dispatch what is not done yet (chunk-major, so jobs of a chunk share a prefix)
            jobs = [
                Job(f"r{r}-t{ti}-c{c.index}", r, ti, t.instruction, t.advice, c)
                for c in chunks
                for ti, t in enumerate(plan.tasks)
            ]
            n_jobs += len(jobs)
            done = self._load_done(run_id, r, chunks, index)
            all_reports += done.values()
            pending = [j for j in jobs if j.key not in done]
            self._emit("round", round=r, jobs=len(jobs), done=len(done), pending=len(pending))

            def checker(job: Job, raw: dict[str, Any]) -> Report:
                return check(raw, job_key=job.key, round_=job.round, task_index=job.task_index,
                             chunk=job.chunk, index=index)  # fmt: skip

            results = await dispatcher.run(
                pending,
                checker,
                on_result=lambda res: self._save_job(run_id, res),
                on_start=self._job_started if self.on_event else None,
            )
            self.store.drain()
            for res in results:
                if res.report is not None:
                    all_reports.append(res.report)
                else:
                    failed_chunks.add(res.job.chunk.index)

            # 3. the lead decides on the checked evidence
            last = r == config["max_rounds"]
            groups = group(all_reports)
            tasks_so_far = [t["instruction"] for rd in rounds[:r] for t in rd["plan"]["tasks"]]
            stored = rounds[r - 1].get("decision")
            if stored is not None:
                decision = _decision_from_state(stored, groups)
            else:
                decision, evidence = await decide(
                    self.lead,
                    question,
                    tasks_so_far,
                    groups,
                    may_continue=not last,
                    budget=config["evidence_tokens"],
                    timeout=self.lead_timeout,
                )
                rounds[r - 1]["decision"] = {
                    "action": decision.action,
                    "answer": decision.answer,
                    "evidence": [g.answer for g in decision.evidence],
                    "new_tasks": decision.new_tasks,
                    "fallback": decision.fallback,
                    "evidence_shown": len(evidence.shown),
                    "evidence_left_out": evidence.left_out,
                }
                self.store.update_run(run_id, state=state)
            self._emit("decision", round=r, action=decision.action, answer=decision.answer,
                       fallback=decision.fallback)  # fmt: skip
            if decision.fallback:
                notes.append(
                    f"round {r}: {decision.fallback}; used the best-supported worker answer"
                )
            if decision.action == "answer":
                break
        assert decision is not None
        if failed_chunks:
            notes.append(
                f"{len(failed_chunks)} chunk(s) had failed jobs: {sorted(failed_chunks)[:20]}"
            )
        spans = self._citations(decision, groups, question, source, notes)
        counts = {
            "supported": sum(1 for x in all_reports if x.supported),
            "rejected": sum(1 for x in all_reports if not x.supported and not x.empty),
            "empty": sum(1 for x in all_reports if x.empty),
            "failed": n_jobs - len(all_reports),
        }
        return Answer(
            answer=decision.answer,
            citations=[
                Citation(source[x.doc_id][a:b], a, b, x.doc_name, x.context) for x, a, b in spans
            ],
            strategy="swarm",
            run_id=run_id,
            rounds=len(rounds),
            coverage=cover,
            reports=counts,
            chunks=len(chunks),
            jobs=n_jobs,
            plan=[rd["plan"] for rd in rounds],
            notes=notes,
        )

    @staticmethod
    def _citations(
        decision: Decision, groups: list[Group], question: str, source: dict[str, str],
        notes: list[str],
    ) -> list[tuple[Report, int, int]]:  # fmt: skip
        """The verified spans behind the answer. A cited quote that stops short of the
        answer's value ("The code is") is widened, in the source, to take the value in;
        with no cited report, a verified report whose context holds the value is used the
        same way. Otherwise the answer is flagged unverified."""
        if decision.answer == NOT_FOUND:
            return []
        keys = answer_keys(decision.answer, question)
        out: list[tuple[Report, int, int]] = []
        for r in best_reports(decision):
            span = shoal_span(r, keys, source)
            out.append((r, *(span or (r.start or 0, r.end or 0))))
        if not out and keys:
            near = (r for g in groups for r in g.reports if all(k in r.context for k in keys))
            spans = ((r, shoal_span(r, keys, source)) for r in near)
            out = [(r, *span) for r, span in spans if span is not None][:1]
        widened = sum((a, b) != (r.start, r.end) for r, a, b in out)
        if not out:
            notes.append("unverified: the lead's answer cites no checked report")
        elif widened:
            notes.append(
                f"{widened} citation(s) widened by shoal from the verified quote, in the "
                "source, to take in the answer's value"
            )
        return out

    def _job_started(self, job: Job) -> None:
        self._emit("job", key=job.key, round=job.round, task=job.task_index,
                   chunk=job.chunk.index, status="started")  # fmt: skip

    def _save_job(self, run_id: str, res: JobResult) -> None:
        rep = res.report
        row = {
            "run_id": run_id,
            "key": res.job.key,
            "round": res.job.round,
            "task_index": res.job.task_index,
            "chunk_index": res.job.chunk.index,
            "status": res.status,
            "attempts": res.attempts,
            "seconds": res.seconds,
            "error": res.error,
            "answer": rep.answer if rep else None,
            "quote": rep.quote if rep else None,
            "confidence": rep.confidence if rep else None,
            "supported": rep.supported if rep else None,
            "reason": rep.reason if rep else None,
            "doc_id": res.job.chunk.doc_id,
            "start": rep.start if rep else None,
            "end": rep.end if rep else None,
            "finished": time.time(),
        }
        self.store.queue_job(row)
        self._emit(
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

    def _load_done(
        self, run_id: str, round_: int, chunks: list[Chunk], index: ChunkIndex
    ) -> dict[str, Report]:
        """Finished jobs of this round, read back from the database (for resume)."""
        rows = self.store.get_jobs(run_id, round_)
        failed = [r["key"] for r in rows if r["status"] != "done"]
        self.store.delete_jobs(run_id, failed)
        by_index = {c.index: c for c in chunks}
        done: dict[str, Report] = {}
        for row in rows:
            if row["status"] != "done" or row["chunk_index"] not in by_index:
                continue
            chunk = by_index[row["chunk_index"]]
            rep = Report(
                row["key"], row["round"], row["task_index"], row["chunk_index"],
                row["answer"], row["quote"], row["confidence"] or 0.0,
                bool(row["supported"]), row["reason"] or "", chunk.doc_id, chunk.doc_name,
                row["start"], row["end"],
            )  # fmt: skip
            if rep.supported and rep.start is not None and rep.end is not None:
                rep.context = context_around(index.source[chunk.doc_id], rep.start, rep.end)
            done[row["key"]] = rep
        return done

    # --- single-model strategies (for comparison) ----------------------------------------------
    async def _single(
        self, run_id: str, model: Model, docs: list[Document], question: str, strategy: str
    ) -> Answer:
        text = _joined(docs)
        total_chars = len(text)
        room = model.context_window - SINGLE_REPLY_TOKENS
        overhead = model.count_message_tokens(prompts.single_messages("", question, True))
        tokens = model.count_tokens(text)
        truncated = False
        while overhead + tokens > room:
            truncated = True
            text = text[: max(0, int(len(text) * (room - overhead) / (overhead + tokens) * 0.98))]
            tokens = model.count_tokens(text)
        notes = []
        if truncated:
            notes.append(
                f"the input was cut to fit {model.name}'s {model.context_window}-token window: "
                f"it read {len(text):,} of {total_chars:,} characters"
            )
        self._emit("plan", round=1, tasks=[question], fallback=None)
        role = "lead" if strategy == "lead" else "worker"
        try:
            reply = await model.complete(
                prompts.single_messages(text, question, truncated),
                schema=prompts.ANSWER_SCHEMA,
                max_tokens=SINGLE_REPLY_TOKENS,
                role=role,
                timeout=self.lead_timeout,
            )
            answer, quote = reply.parsed["answer"], reply.parsed.get("quote")
        except ShoalError as exc:
            notes.append(f"{model.name} gave no usable answer: {exc}")
            answer, quote = "No usable answer.", None
        citations = []
        if quote:
            cite = _locate(quote, docs)
            if cite is None:
                notes.append("the quoted evidence was not found in the document (unsupported)")
            else:
                citations.append(cite)
        return Answer(
            answer=answer,
            citations=citations,
            strategy=strategy,
            run_id=run_id,
            coverage=len(text) / total_chars if total_chars else 1.0,
            reports={"supported": len(citations), "rejected": int(bool(quote) and not citations)},
            chunks=1,
            jobs=1,
            notes=notes,
        )


def _joined(docs: list[Document]) -> str:
    if len(docs) == 1:
        return docs[0].text
    return "\n\n".join(f"=== {d.name} ===\n{d.text}" for d in docs)


def _locate(quote: str, docs: list[Document]) -> Citation | None:
    needle = normalise(quote.strip(" \"'.…"))
    if len(needle) < 2:
        return None
    for d in docs:
        found = Normalised(d.text).find(needle)
        if found is not None:
            start, end = found
            return Citation(
                d.text[start:end], start, end, d.name, context_around(d.text, start, end)
            )
    return None


def _decision_from_state(stored: dict[str, Any], groups: list[Any]) -> Decision:
    by_answer = {g.answer: g for g in groups}
    return Decision(
        stored["action"],
        stored["answer"],
        [by_answer[a] for a in stored["evidence"] if a in by_answer],
        stored.get("new_tasks") or [],
        stored.get("fallback"),
    )
