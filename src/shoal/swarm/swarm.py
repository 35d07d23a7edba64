"""``Swarm``: the public API, and the life of a run (create, lease, execute, finish, resume).

    plan (lead) -> chunk (shoal) -> dispatch (workers) -> check (shoal)
        -> escalate (the lead re-reads what matters) -> decide (shoal and the lead)

The steps live in their own modules (``find.py`` orders them for a lookup); this one owns
the run: it stores it, holds its lease so no two processes work on it at once, saves its
state through ``Run``, and turns the outcome into an ``Answer`` with its cost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import socket
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from shoal import ledger
from shoal._sync import run_sync
from shoal.errors import DispatchAborted, InputError, RunBusyError, ShoalError
from shoal.models import DEFAULT_LEAD, DEFAULT_WORKER, get_model
from shoal.models.base import Model
from shoal.store import Store
from shoal.store.schema import LOCAL_TENANT
from shoal.swarm import cost
from shoal.swarm.aggregate import NOT_FOUND, UNSURE, WEAK
from shoal.swarm.check import restates
from shoal.swarm.compare import compare
from shoal.swarm.confidence import ABSTAIN_BELOW
from shoal.swarm.dispatch import Dispatcher
from shoal.swarm.documents import TEXT_SUFFIXES, Document, load_path
from shoal.swarm.executor import Executor, LocalExecutor
from shoal.swarm.extract import extract
from shoal.swarm.find import find
from shoal.swarm.query import (
    OPERATIONS,
    RECORD_OPERATIONS,
    STRONG,
    QueryPlan,
    make_query,
    needs_plan,
    problems,
    question_operation,
)
from shoal.swarm.result import Answer, Event
from shoal.swarm.run import Run, RunConfig
from shoal.swarm.single import single
from shoal.swarm.state import RunState
from shoal.swarm.summarise import summarise

log = logging.getLogger(__name__)

STRATEGIES = ("swarm", "skim", "lead", "worker")
"""``swarm``: the workers read every chunk, the lead re-reads and decides; ``skim``: the
same, but a lookup's chunks are not read by the workers, only the passages BM25 ranks
highest by the lead (``RunConfig.worker_reads``); ``lead`` / ``worker``: one model reads
the whole input alone, for comparison."""
WORKER_REPLY_TOKENS = 160
WORKER_PROMPT_ROOM = 400
_PREPARE = ThreadPoolExecutor(max_workers=2, thread_name_prefix="shoal-prepare")
"""Where runs split, tokenise and index their input: off the event loop (a server keeps
answering while a big run prepares) and at most two at a time in a process."""
LEASE_SECONDS = 60.0
"""A run's lease lasts this long and is renewed every third of it while the run works."""

DocumentsLike = str | Document | Path | Sequence[str | Document | Path]

_PATHLIKE = re.compile(r"[^\s]+\.[A-Za-z0-9]{1,8}|[~.]?/\S*")


def as_documents(value: DocumentsLike, name: str = "document") -> list[Document]:
    """Documents from text, a ``Document``, a path, or a list of them.

    A string that names an existing file or directory is read from it. A short one-line
    string that only looks like a path (``report.md``, ``./docs``) but names nothing is an
    error, not a nine-character document: pass ``Document(name, text)`` to ask about such
    a text itself."""
    if isinstance(value, Document):
        return [value]
    if isinstance(value, Path):
        return load_path(value)
    if isinstance(value, str):
        if not value.strip():
            raise InputError("the document is empty")
        one_line = "\n" not in value and len(value) <= 4096
        if one_line and _PATHLIKE.fullmatch(value.strip()):
            path = Path(value.strip()).expanduser()
            if path.exists():
                return load_path(path)
            raise InputError(
                f"{value.strip()!r} looks like a path, but there is no such file or directory "
                f"(text files: {', '.join(sorted(s for s in TEXT_SUFFIXES if s))}); to ask about "
                "this text itself, pass Document(name, text)"
            )
        return [Document(name, value)]
    docs: list[Document] = []
    for item in value:
        docs += as_documents(item, name)
    if not docs:
        raise InputError("no documents given")
    return docs


def _maybe_a_lookup(plan: QueryPlan, answer: Answer, question: str) -> bool:
    """Whether a record operation's answer should be checked against a plain lookup: the
    question's own words did not insist on the operation ("list", "average", ...), and
    either nothing matched ("Which release dropped sdiff?" planned as a list of facts), or a
    "how many" count found at most one item and may be a number the text states ("how many
    tablets per dose")."""
    if plan.operation == "judge" or question_operation(question) in STRONG:
        return False
    result = answer.result or {}
    if result.get("matching") == 0:
        return True
    value = result.get("value")
    return (
        plan.operation == "count"
        and question_operation(question) == "count"
        and isinstance(value, int | float)
        and value <= 1
    )


def says_nothing(plan: QueryPlan, answer: Answer, question: str) -> bool:
    """Whether a list's items all say only what the question says: "Which grades secure my
    Economics place without any contextual reduction?" planned as a list of grades whose
    one field is the subject, answered "1 grade(s) match (place = 'Economics'): Economics".
    Such a list restates the question and is no answer (fresh12, skim)."""
    if plan.operation not in ("list", "top") or not answer.items:
        return False
    return all(
        restates(" ".join(str(v) for v in (item.get("fields") or {}).values()), question)
        for item in answer.items
    )


def _settled(lookup: Answer) -> str | None:
    """What a lookup beside a computation settled: the value the text states (the answer),
    several values or an unsure one (an abstention: a computation is no way out of a
    conflict), or nothing (None: the computed answer stands)."""
    if lookup.answer == UNSURE:
        return "the text states several values for it and none could be chosen"
    if lookup.answer == WEAK:
        return "the text states a value for it that could not be confirmed"
    if lookup.answer != NOT_FOUND and lookup.citations:
        return "the text states the value asked for, and that is the answer"
    return None


_TOTAL_WORDS = {
    "sum": re.compile(r"\b(?:total|totals|altogether|in all|overall|combined|grand|sum|"
                      r"including|inclusive|inc\.?)\b", re.I),
    "mean": re.compile(r"\b(?:average|mean|typical|typically|per)\b", re.I),
}  # fmt: skip
"""The words that make a stated value a total (or an average), for ``_stated_first``."""


def _stated_first(plan: QueryPlan, docs: Sequence[Document]) -> bool:
    """Whether a sum or mean over one document is looked up first: a quote or an invoice
    states its total ("Revised total, including VAT: £9,120"), and adding up every amount
    in it is no answer (measured, fresh11's builder's quotes: "sum of vat: 29,672 over 37
    amounts" at 0.65, and sums of one or three amounts under conditions the lead made of
    "with VAT"). Not under a comparison of numbers or dates ("items over £100"): that
    picks records to add up, and a stated total would be of all of them."""
    picks = any(c.op in ("gt", "ge", "lt", "le") for c in plan.where)
    return plan.operation in _TOTAL_WORDS and len(docs) == 1 and not picks


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


def _resolve(model: str | Model) -> tuple[Model, str]:
    if isinstance(model, Model):
        return model, model.name
    return get_model(model), model


def _lease_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


_WORKING: set[str] = set()
"""Lease owners of runs executing in this process right now."""


@contextlib.contextmanager
def _working(owner: str) -> Iterator[None]:
    """Mark ``owner`` as alive here for as long as it may hold a lease: from before the
    lease is taken until after it is released, so another thread of this process never
    mistakes a run being started or finished for one left behind."""
    _WORKING.add(owner)
    try:
        yield
    finally:
        _WORKING.discard(owner)


def _dead_here(owner: str | None) -> bool:
    """Whether ``owner`` was a process on this machine that no longer exists, or this
    process, in a run it is no longer working on (its lease could not be released)."""
    host, _, rest = (owner or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return owner not in _WORKING
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Swarm:
    """A lead model that plans and judges, and worker models that read everything.

    ``Swarm(lead="qwen2.5-coder-1.5b", workers="smollm2-135m").ask(text, question)``

    Runs are stored in ``store``/``db`` (a SQLite path or URL); with neither (and no
    ``SHOAL_DB``), in memory, so a run can be resumed in this process only.
    """

    def __init__(
        self,
        lead: str | Model | None = None,
        workers: str | Model | Sequence[str | Model] | None = None,
        *,
        escalation: str | Model | None = None,
        store: Store | None = None,
        db: str | None = None,
        chunk_tokens: int | None = None,
        overlap_tokens: int = 64,
        max_rounds: int = 2,
        evidence_tokens: int = 900,
        escalation_tokens: int | None = None,
        min_confidence: float = ABSTAIN_BELOW,
        operation: str = "auto",
        plan_tasks: bool = False,
        read_together: int = 1,
        executor: str | Executor = "local",
        ray_address: str | None = None,
        concurrency: int | None = None,
        job_timeout: float | None = 300.0,
        lead_timeout: float | None = 900.0,
        retries: int = 2,
        on_event: Callable[[Event], None] | None = None,
    ):
        if chunk_tokens is not None and chunk_tokens < 64:
            raise InputError(f"chunk_tokens must be at least 64, not {chunk_tokens}")
        if concurrency is not None and concurrency < 1:
            raise InputError(f"concurrency must be at least 1, not {concurrency}")
        if max_rounds < 1:
            raise InputError(f"max_rounds must be at least 1, not {max_rounds}")
        if not 0.0 <= min_confidence <= 1.0:
            raise InputError(f"min_confidence must be between 0 and 1, not {min_confidence}")
        if operation != "auto" and operation not in OPERATIONS:
            raise InputError(
                f"unknown operation {operation!r}; use auto or one of {', '.join(OPERATIONS)}"
            )
        if read_together < 1:
            raise InputError(f"read_together must be at least 1, not {read_together}")
        self.operation = operation
        self.plan_tasks = plan_tasks
        self.read_together = read_together
        if isinstance(executor, str) and executor not in ("local", "ray"):
            raise InputError(f"unknown executor {executor!r}; use local or ray")
        self.executor = executor
        self.ray_address = ray_address
        self._executor: Executor | None = None
        self._chose_models = lead is not None or workers is not None
        self.lead, self.lead_spec = _resolve(lead if lead is not None else DEFAULT_LEAD)
        chosen = workers if workers is not None else DEFAULT_WORKER
        worker_list = [chosen] if isinstance(chosen, str | Model) else list(chosen)
        if not worker_list:
            raise InputError("at least one worker model is needed")
        resolved = [_resolve(w) for w in worker_list]
        self.workers = [m for m, _ in resolved]
        self.worker_specs = [s for _, s in resolved]
        if escalation is None:
            self.escalation, self.escalation_spec = self.lead, None
        else:
            self.escalation, spec = _resolve(escalation)
            self.escalation_spec = spec
        if store is None:
            store = Store(db if db is not None or os.environ.get("SHOAL_DB") else "sqlite://")
        self.store = store
        self.chunk_tokens = chunk_tokens
        self.overlap_tokens = overlap_tokens
        self.max_rounds = max_rounds
        self.evidence_tokens = evidence_tokens
        self.escalation_tokens = escalation_tokens
        self.min_confidence = min_confidence
        self.concurrency = concurrency
        self.job_timeout = job_timeout
        self.lead_timeout = lead_timeout
        self.retries = retries
        self.on_event = on_event

    # --- public API ------------------------------------------------------------------------
    def ask(self, document: DocumentsLike, question: str, strategy: str = "swarm") -> Answer:
        """Answer ``question`` from ``document`` (text, a path, Document(s)). Works from
        plain scripts and from inside a running event loop (Jupyter, a web handler)."""
        return run_sync(self.aask(document, question, strategy))

    def resume(
        self, run_id: str, *, lead: str | Model | None = None,
        workers: str | Model | Sequence[str | Model] | None = None,
    ) -> Answer:  # fmt: skip
        """Finish an interrupted run with the models it was started with, unless ``lead``
        or ``workers`` are given here to replace them on purpose."""
        return run_sync(self.aresume(run_id, lead=lead, workers=workers))

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
            raise InputError(f"unknown strategy {strategy!r}; use one of {', '.join(STRATEGIES)}")
        if not question or not question.strip():
            raise InputError("the question is empty")
        docs = as_documents(document)
        run_id = run_id or new_run_id()
        config = RunConfig(
            lead_spec=self.lead_spec,
            worker_specs=self.worker_specs,
            chunk_tokens=self._chunk_tokens(),
            overlap_tokens=self.overlap_tokens,
            max_rounds=self.max_rounds,
            evidence_tokens=self.evidence_tokens,
            escalation_spec=self.escalation_spec,
            escalation_tokens=self.escalation_tokens,
            min_confidence=self.min_confidence,
            operation=self.operation,
            plan_tasks=self.plan_tasks,
            read_together=self.read_together,
            worker_reads=strategy != "skim",
        )
        for d in docs:
            await asyncio.to_thread(self.store.put_document, d.id, d.name, d.text, tenant)
        owner = _lease_owner()
        with _working(owner):
            return await self._start(run_id, strategy, question, docs, config, tenant, owner)

    async def _start(
        self, run_id: str, strategy: str, question: str, docs: list[Document],
        config: RunConfig, tenant: str, owner: str,
    ) -> Answer:  # fmt: skip
        self.store.create_run(
            id=run_id,
            status="running",
            strategy=strategy,
            question=question,
            lead=self.lead.name,
            workers=",".join(w.name for w in self.workers),
            document_ids=[d.id for d in docs],
            config=config.to_dict(),
            state=RunState().to_dict(),
            tenant=tenant,
            lease_owner=owner,
            lease_expires=time.time() + LEASE_SECONDS,
        )
        self._emit("run", run_id=run_id, strategy=strategy, question=question)
        run = self._run(run_id, question, docs, config, RunState(), tenant)
        return await self._execute(run, strategy, owner)

    async def aresume(
        self, run_id: str, *, lead: str | Model | None = None,
        workers: str | Model | Sequence[str | Model] | None = None,
    ) -> Answer:  # fmt: skip
        row = self.store.get_run(run_id)
        if row is None:
            raise InputError(f"no run {run_id!r} in {self.store.url}")
        if row["status"] == "done" and row["result"]:
            return Answer.from_dict(row["result"])
        owner = _lease_owner()
        with _working(owner):
            return await self._resume(row, owner, lead, workers)

    async def _resume(
        self, row: dict[str, Any], owner: str, lead: str | Model | None,
        workers: str | Model | Sequence[str | Model] | None,
    ) -> Answer:  # fmt: skip
        run_id = row["id"]
        holder = self.store.take_lease(run_id, owner, LEASE_SECONDS)
        if holder is not None and _dead_here(holder.get("lease_owner")):
            self.store.release_lease(run_id, holder["lease_owner"])
            holder = self.store.take_lease(run_id, owner, LEASE_SECONDS)
        if holder is not None:
            left = max(0.0, (holder.get("lease_expires") or 0) - time.time())
            raise RunBusyError(
                f"run {run_id} is being worked on by another process "
                f"({holder.get('lease_owner')}); wait for it to finish, or resume it again "
                f"if that process has stopped (its lease lapses in {left:.0f} s)"
            )
        try:
            docs = []
            for doc_id in row["document_ids"]:
                doc = self.store.get_document(doc_id)
                if doc is None:
                    raise ShoalError(f"run {run_id}: its document {doc_id} is missing")
                docs.append(Document(doc["name"], doc["text"]))
            config = RunConfig.from_dict(row["config"])
            notes = self._use_models_of(config, lead, workers)
        except BaseException:
            self.store.release_lease(run_id, owner)
            raise
        self.store.update_run(run_id, status="running", error=None)
        self._emit("run", run_id=run_id, strategy=row["strategy"], question=row["question"],
                   resumed=True)  # fmt: skip
        run = self._run(run_id, row["question"], docs, config, RunState.from_dict(row["state"]),
                        row.get("tenant") or LOCAL_TENANT)  # fmt: skip
        run.notes.extend(notes)
        return await self._execute(run, row["strategy"], owner)

    # --- the run ----------------------------------------------------------------------------
    def _use_models_of(
        self, config: RunConfig, lead: str | Model | None,
        workers: str | Model | Sequence[str | Model] | None,
    ) -> list[str]:  # fmt: skip
        """Point this swarm at the models the run was started with (or the ones given)."""
        notes = []
        if lead is not None:
            self.lead, self.lead_spec = _resolve(lead)
            notes.append(f"resumed with lead {self.lead.name} instead of {config.lead_spec}")
        elif self.lead.name != config.lead_spec and self.lead_spec != config.lead_spec:
            self.lead, self.lead_spec = self._stored(config.lead_spec, self.lead, notes)
        if workers is not None:
            chosen = [workers] if isinstance(workers, str | Model) else list(workers)
            resolved = [_resolve(w) for w in chosen]
            self.workers = [m for m, _ in resolved]
            self.worker_specs = [s for _, s in resolved]
            notes.append(f"resumed with workers {', '.join(self.worker_specs)} instead of "
                         f"{', '.join(config.worker_specs)}")  # fmt: skip
        elif [w.name for w in self.workers] != config.worker_specs and (
            self.worker_specs != config.worker_specs
        ):
            pairs = [self._stored(s, self.workers[0], notes) for s in config.worker_specs]
            self.workers = [m for m, _ in pairs]
            self.worker_specs = [s for _, s in pairs]
        if config.escalation_spec is None:
            self.escalation = self.lead
        elif self.escalation.name != config.escalation_spec:
            self.escalation, _ = self._stored(config.escalation_spec, self.escalation, notes)
        return notes

    @staticmethod
    def _stored(spec: str, fallback: Model, notes: list[str]) -> tuple[Model, str]:
        try:
            return get_model(spec), spec
        except ShoalError as exc:
            notes.append(f"could not load the run's model {spec!r} ({exc}); used {fallback.name}")
            return fallback, fallback.name

    def _run(
        self, run_id: str, question: str, docs: list[Document], config: RunConfig,
        state: RunState, tenant: str,
    ) -> Run:  # fmt: skip
        return Run(run_id, question, docs, config, state, self.store, self.lead, self.workers,
                   self.escalation, self._emit_event, tenant,
                   lead_timeout=self.lead_timeout)  # fmt: skip

    def _emit(self, kind: str, **data: Any) -> None:
        self._emit_event(Event(kind, data))

    def _emit_event(self, event: Event) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def _chunk_tokens(self) -> int:
        window = min(w.context_window for w in self.workers)
        fit = window - WORKER_PROMPT_ROOM - WORKER_REPLY_TOKENS
        if fit < 64:
            raise InputError(f"worker window of {window} tokens is too small to read chunks")
        return min(self.chunk_tokens or 1500, fit)

    def _runner(self) -> Executor:
        """Where worker calls run: this process, or a Ray cluster (made once per swarm)."""
        if self._executor is None:
            if isinstance(self.executor, str):
                if self.executor == "ray":
                    from shoal.cluster import ray_executor

                    self._executor = ray_executor(self.ray_address)
                else:
                    self._executor = LocalExecutor()
            else:
                self._executor = self.executor
        return self._executor

    def _dispatcher(self) -> Dispatcher:
        return Dispatcher(self.workers, concurrency=self.concurrency, timeout=self.job_timeout,
                          retries=self.retries, max_tokens=WORKER_REPLY_TOKENS,
                          executor=self._runner())  # fmt: skip

    async def _execute(self, run: Run, strategy: str, owner: str) -> Answer:
        started = time.perf_counter()
        book = ledger.Ledger(self.store)
        heartbeat = asyncio.create_task(self._keep_lease(run.id, owner))
        try:
            with ledger.scope(book, run_id=run.id):
                await asyncio.get_running_loop().run_in_executor(_PREPARE, run.prepare)
                if strategy in ("swarm", "skim"):
                    self._emit("chunks", chunks=len(run.chunks), coverage=run.coverage,
                               tokens=run.input_tokens)  # fmt: skip
                    answer = await self._operate(run)
                else:
                    model = self.lead if strategy == "lead" else self.workers[0]
                    answer = await single(run.id, model, run.docs, run.question, strategy,
                                          timeout=self.lead_timeout,
                                          emit=self._emit_event)  # fmt: skip
        except (asyncio.CancelledError, KeyboardInterrupt) as exc:
            why = str(exc.args[0]) if exc.args else "interrupted by the user"
            self._stop(run, owner, book, started, "interrupted", why)
            raise
        except DispatchAborted as exc:
            self._stop(run, owner, book, started, "interrupted", str(exc))
            raise ShoalError(f"{exc}. Finished work is saved: `shoal resume {run.id}`") from exc
        except ShoalError as exc:
            self._stop(run, owner, book, started, "failed", str(exc))
            raise
        except Exception as exc:
            log.exception("run %s crashed", run.id)
            self._stop(run, owner, book, started, "failed", f"internal error: {exc!r}")
            raise
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        book.sync()
        run.state.elapsed += time.perf_counter() - started
        self._finish(answer, run)
        self.store.release_lease(run.id, owner, status="done", state=run.state.to_dict(),
                                 result=answer.to_dict(), error=None)  # fmt: skip
        self._emit("answer", **answer.to_dict())
        return answer

    async def _operate(self, run: Run) -> Answer:
        """Settle what the question asks (a lookup, a count, a screening, ...) and do it."""
        plan = await self._query(run)
        self._emit("query", **plan.to_dict())
        dispatcher = self._dispatcher()
        if _stated_first(plan, run.docs):
            answer = await self._stated_or_computed(run, dispatcher, plan)
        elif plan.operation in RECORD_OPERATIONS:
            answer = await extract(run, dispatcher, plan)
            empty = says_nothing(plan, answer, run.question)
            if empty or _maybe_a_lookup(plan, answer, run.question):
                answer = await self._or_lookup(run, dispatcher, plan, answer, empty)
        elif plan.operation == "compare":
            answer = await compare(run)
        elif plan.operation == "summarise":
            answer = await summarise(run, dispatcher)
        else:
            answer = await find(run, dispatcher)
            answer.notes[:0] = plan.notes
        if dispatcher.moved:
            answer.notes.append(f"{dispatcher.moved} job(s) moved to another worker after theirs "
                                "went down")  # fmt: skip
        return answer

    async def _or_lookup(
        self, run: Run, dispatcher: Dispatcher, plan: QueryPlan, computed: Answer,
        empty: bool = False,
    ) -> Answer:  # fmt: skip
        """ "How many Nm does the Kestrel need?" reads like a count, and "Which release
        dropped sdiff?" may be planned as a list, but both ask for one fact the text
        states. So the question is also looked up (see ``_maybe_a_lookup``); a confirmed
        value answers it. Several stated values the lookup could not choose between (or
        one it judged too unsure) make the answer an abstention: a degenerate count is no
        way out of a conflict. Only when the text states no such value does the computed
        answer stand, unless it is ``empty``: a list that says nothing the question does not
        (``says_nothing``) is no answer, and the lookup's abstention is."""
        lookup = await find(run, dispatcher)
        n = (computed.result or {}).get("matching")
        settled = _settled(lookup)
        if settled is not None:
            lookup.notes[:0] = [*plan.notes, f"as a {plan.operation} of {plan.unit}s, {n} "
                                f"matched; {settled}"]  # fmt: skip
            return lookup
        if empty:  # a list that restates the question is never passed on as an answer
            lookup.notes[:0] = [*plan.notes, f"as a {plan.operation} of {plan.unit}s, {n} "
                                "matched, and they say nothing the question does not; "
                                "looked up as one stated value: none was confirmed"]  # fmt: skip
            return lookup
        computed.notes.append("looked up as one stated value too: none was confirmed")
        return computed

    async def _stated_or_computed(
        self, run: Run, dispatcher: Dispatcher, plan: QueryPlan
    ) -> Answer:
        """A total the text states, confirmed, answers "how much is the work altogether with
        VAT?"; stated values the lookup could not choose between, or one it judged too
        unsure, make it an abstention; only when the text states no such value is it
        computed (``_stated_first``). A value confirmed in a sentence that does not call it
        a total (one entry of a ledger) is not one."""
        lookup = await find(run, dispatcher)
        settled = _settled(lookup)
        said = " ".join(f"{c.context} {c.text}" for c in lookup.citations)
        # several stated values, or one judged unsure: adding up is no way out of that
        # (fresh11: a quote's revised total read beside its VAT line, then "sum of amount:
        # 21,940 over 3 amounts"); a confirmed value counts only if it is called a total
        if settled is not None and (
            lookup.answer in (UNSURE, WEAK) or _TOTAL_WORDS[plan.operation].search(said)
        ):
            lookup.notes[:0] = [*plan.notes, f"looked up first as a {plan.operation} the text "
                                f"states: {settled}; not computed"]  # fmt: skip
            return lookup
        computed = await extract(run, dispatcher, plan)
        computed.notes.append(f"looked up first as a {plan.operation} the text states: none "
                              "was confirmed, so it was computed")  # fmt: skip
        return computed

    async def _query(self, run: Run) -> QueryPlan:
        """The run's query plan: stored, or settled now (a lookup needs no lead call unless
        the question or the input suggests more than one fact)."""
        if "query" in run.state.extra:
            return QueryPlan.from_dict(run.state.extra["query"])
        forced = run.config.operation
        if forced == "find" or (forced == "auto" and not needs_plan(run.question, run.docs)):
            plan = QueryPlan("find")
        else:
            plan = await make_query(run.lead, run.question, run.facts, len(run.docs),
                                    self.lead_timeout)  # fmt: skip
            if forced not in ("auto", plan.operation):
                plan.notes.append(f"operation {forced}, as asked (the plan said {plan.operation})")
                plan.operation = forced
                bad = problems(plan)
                if bad:
                    raise InputError(f"cannot {forced} with this plan: {'; '.join(bad)}")
        run.state.extra["query"] = plan.to_dict()
        run.save()
        return plan

    async def _keep_lease(self, run_id: str, owner: str) -> None:
        while True:
            await asyncio.sleep(LEASE_SECONDS / 3)
            try:
                kept = await asyncio.to_thread(self.store.renew_lease, run_id, owner,
                                               LEASE_SECONDS)  # fmt: skip
            except ShoalError as exc:
                log.warning("run %s: could not renew its lease: %s", run_id, exc)
                continue
            if not kept:
                log.warning("run %s: its lease was taken by another process", run_id)
                return

    def _stop(
        self, run: Run, owner: str, book: ledger.Ledger, started: float, status: str, why: str
    ) -> None:
        run.state.elapsed += time.perf_counter() - started
        try:
            book.sync()
        finally:
            self.store.release_lease(run.id, owner, status=status, state=run.state.to_dict(),
                                     error=why)  # fmt: skip
        self._emit("error", run_id=run.id, status=status, error=why)

    def _finish(self, answer: Answer, run: Run) -> None:
        """Usage and cost from the recorded calls, and the lead-alone comparison."""
        spent = cost.run_cost(self.store, answer.run_id)
        answer.usage, answer.cost_usd = spent.usage, spent.cost_usd
        answer.seconds = run.state.elapsed
        alone = run.lead_alone
        answer.lead_alone_tokens = alone.tokens
        answer.lead_alone_cost_usd = alone.cost_usd
        answer.lead_alone_seconds = alone.seconds
        stats = self._runner().stats() if self._executor is not None else {}
        if stats.get("retried_jobs"):
            answer.notes.append(f"{stats['retried_jobs']} job(s) were sent to another Ray worker "
                                "after theirs died")  # fmt: skip
        if alone.estimated:
            answer.notes.append("the lead-alone token count is estimated from samples")
