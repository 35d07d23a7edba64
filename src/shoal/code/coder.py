"""The write-run-fix loop, stored like any run so it can be shown, watched and resumed.

Each round, ``candidates`` drafts are written (the first greedy, the others sampled, so they
differ), streamed as they are written (``code`` events), and run in the sandbox against the
tests: the user's, else the examples in the function's docstring. The first that passes
wins; otherwise the one that passes most tests is revised next round, with its failures and
tracebacks. By default (``sample_when="failure"``) the first round's greedy draft is run
before any other is sampled: most tasks pass at once, and sampling K drafts for them would
cost K times the tokens for nothing; ``"always"`` drafts all K together from the start.

With one candidate a round, a repair that failed is not repaired again: the next round drafts
afresh (sampled, from the task alone), and the round after repairs the best draft so far. A
1.5B model repairs its own code rarely, and a second repair of the same code almost never
(measured on HumanEval: rounds 2 and 3 of repair fixed 7 and 1 of 54 one-shot failures, where
three fresh samples of the same model passed the visible tests of 24 of them); resampling
is the better use of a round (Olausson et al., "Is Self-Repair a Silver Bullet for Code
Generation?", find the same for small models).

Every attempt (code, verdict, output, tokens, seconds, cost) is stored as a job of the run; a
resumed run repeats no finished round.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from shoal import ledger
from shoal._sync import run_sync
from shoal.code import prompts
from shoal.code.examples import docstring_examples, extract_code, same_code
from shoal.errors import InputError, ShoalError
from shoal.models import DEFAULT_LEAD, get_model
from shoal.models.base import Model
from shoal.sandbox import Limits, Status, Verdict, run_tests
from shoal.store import Store
from shoal.store.schema import LOCAL_TENANT
from shoal.swarm import cost
from shoal.swarm.result import Event
from shoal.types import Usage

log = logging.getLogger(__name__)

SAMPLE_WHEN = ("failure", "always")
"""When a round's extra candidates are sampled: only after the first round's greedy draft
failed its tests, or always."""


@dataclass
class Attempt:
    round: int
    candidate: int
    code: str
    verdict: Verdict
    model: str = ""
    seconds: float = 0.0
    mode: str = ""
    """How the draft was asked for: "write" (from the task), "fix" (a repair of the best
    draft from its failures), "fresh" (sampled from the task again) or "draft" (the user's)."""

    def to_dict(self) -> dict[str, Any]:
        return {"round": self.round, "candidate": self.candidate, "code": self.code,
                "verdict": self.verdict.to_dict(), "model": self.model,
                "seconds": self.seconds, "mode": self.mode}  # fmt: skip

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Attempt:
        return cls(raw["round"], raw["candidate"], raw["code"], Verdict.from_dict(raw["verdict"]),
                   raw.get("model", ""), float(raw.get("seconds") or 0.0),
                   raw.get("mode", ""))  # fmt: skip


@dataclass
class CodeResult:
    run_id: str
    task: str
    code: str
    passed: bool
    verdict: Verdict
    rounds: int
    attempts: list[Attempt] = field(default_factory=list)
    usage: dict[str, Usage] = field(default_factory=dict)
    cost_usd: float = 0.0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "task": self.task, "code": self.code, "passed": self.passed,
            "verdict": self.verdict.to_dict(), "rounds": self.rounds,
            "attempts": [a.to_dict() for a in self.attempts],
            "usage": {k: asdict(v) for k, v in self.usage.items()}, "cost_usd": self.cost_usd,
            "seconds": self.seconds, "notes": self.notes, "strategy": "code",
        }  # fmt: skip

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CodeResult:
        return cls(
            raw["run_id"], raw["task"], raw["code"], raw["passed"],
            Verdict.from_dict(raw["verdict"]), raw["rounds"],
            [Attempt.from_dict(a) for a in raw.get("attempts") or []],
            {k: Usage(**v) for k, v in (raw.get("usage") or {}).items()},
            raw.get("cost_usd", 0.0), raw.get("seconds", 0.0), raw.get("notes") or [],
        )  # fmt: skip


def round_mode(r: int, *, candidates: int, has_draft: bool, best: Attempt | None) -> str:
    """How round ``r`` asks for its drafts: "write" when there is nothing to repair yet;
    otherwise "fix", except that with one candidate a round, rounds alternate between a
    repair and a fresh draft, starting with a repair."""
    if best is None:
        return "write"
    first_fix = 1 if has_draft else 2
    if candidates == 1 and r > first_fix and (r - first_fix) % 2 == 1:
        return "fresh"
    return "fix"


def _better(a: Attempt, b: Attempt | None) -> bool:
    """Whether ``a`` is a better draft to keep than ``b``."""
    if b is None:
        return True
    if a.verdict.ok != b.verdict.ok:
        return a.verdict.ok
    return a.verdict.passed > b.verdict.passed


class Coder:
    """A model that writes code and fixes it against tests it cannot fake its way past (the
    tests run in the sandbox, never in shoal's process)."""

    def __init__(
        self,
        model: str | Model = DEFAULT_LEAD,
        *,
        store: Store | None = None,
        db: str | None = None,
        rounds: int = 3,
        candidates: int = 1,
        sample_when: str = "failure",
        limits: Limits | None = None,
        temperature: float = 0.8,
        max_tokens: int = 768,
        allow_weak_sandbox: bool | None = None,
        timeout: float | None = 900.0,
        on_event: Callable[[Event], None] | None = None,
    ):
        if not 1 <= rounds <= 20:
            raise InputError(f"rounds must be 1 to 20, not {rounds}")
        if not 1 <= candidates <= 16:
            raise InputError(f"candidates must be 1 to 16, not {candidates}")
        if sample_when not in SAMPLE_WHEN:
            raise InputError(f"sample_when must be one of {', '.join(SAMPLE_WHEN)}, "
                             f"not {sample_when!r}")  # fmt: skip
        self.sample_when = sample_when
        self.model, self.spec = (model, model.name) if isinstance(model, Model) else (
            get_model(model), model)  # fmt: skip
        if store is None:
            import os

            store = Store(db if db is not None or os.environ.get("SHOAL_DB") else "sqlite://")
        self.store = store
        self.rounds, self.candidates = rounds, candidates
        self.limits = limits or Limits()
        self.temperature, self.max_tokens = temperature, max_tokens
        self.allow_weak = allow_weak_sandbox
        self.timeout = timeout
        self.on_event = on_event

    # --- public ---------------------------------------------------------------------------
    def solve(self, task: str, *, prompt: str = "", tests: str = "",
              examples: list[tuple[str, str]] | None = None,
              entry_point: str = "", draft: str = "") -> CodeResult:  # fmt: skip
        """Write code for ``task`` (completing ``prompt``, if given) until it passes ``tests``
        (or the docstring's examples), for at most ``rounds`` rounds. With ``draft`` (code
        the user already has), the draft is run first (round 0, no model call) and the
        rounds fix it from its failures."""
        return run_sync(self.asolve(task, prompt=prompt, tests=tests, examples=examples,
                                    entry_point=entry_point, draft=draft))  # fmt: skip

    def resume(self, run_id: str) -> CodeResult:
        return run_sync(self.aresume(run_id))

    async def asolve(
        self, task: str, *, prompt: str = "", tests: str = "",
        examples: list[tuple[str, str]] | None = None, entry_point: str = "",
        tenant: str = LOCAL_TENANT, run_id: str | None = None, draft: str = "",
    ) -> CodeResult:  # fmt: skip
        if not task.strip() and not prompt.strip() and not draft.strip():
            raise InputError("the task is empty")
        if examples is None and not tests.strip():
            examples = docstring_examples(prompt or task, entry_point)
        config = {"model": self.spec, "rounds": self.rounds, "candidates": self.candidates,
                  "sample_when": self.sample_when,
                  "limits": asdict(self.limits), "temperature": self.temperature,
                  "max_tokens": self.max_tokens, "prompt": prompt, "tests": tests,
                  "examples": examples or [], "entry_point": entry_point,
                  "draft": draft}  # fmt: skip
        run_id = run_id or uuid.uuid4().hex[:12]
        self.store.create_run(id=run_id, status="running", strategy="code", question=task,
                              lead=self.model.name, workers=self.model.name, document_ids=[],
                              config=config, state={"elapsed": 0.0}, tenant=tenant)  # fmt: skip
        self._emit("run", run_id=run_id, strategy="code", question=task)
        return await self._execute(run_id, task, config, {"elapsed": 0.0})

    async def aresume(self, run_id: str) -> CodeResult:
        row = self.store.get_run(run_id)
        if row is None or row["strategy"] != "code":
            raise InputError(f"no code run {run_id!r} in {self.store.url}")
        if row["status"] == "done" and row["result"]:
            return CodeResult.from_dict(row["result"])
        self.store.update_run(run_id, status="running", error=None)
        self._emit("run", run_id=run_id, strategy="code", question=row["question"], resumed=True)
        return await self._execute(run_id, row["question"], row["config"], dict(row["state"]))

    # --- the loop ---------------------------------------------------------------------------
    def _emit(self, kind: str, **data: Any) -> None:
        if self.on_event is not None:
            self.on_event(Event(kind, data))

    async def _execute(
        self, run_id: str, task: str, config: dict[str, Any], state: dict[str, Any]
    ) -> CodeResult:
        started = time.perf_counter()
        book = ledger.Ledger(self.store)
        done = self._stored(run_id)
        best: Attempt | None = None
        attempts: list[Attempt] = sorted(done.values(), key=lambda a: (a.round, a.candidate))
        for a in attempts:
            best = a if _better(a, best) else best
        examples = [(str(e[0]), str(e[1])) for e in config.get("examples") or []]
        notes: list[str] = []
        if not config.get("tests") and not examples:
            notes.append("no tests and no docstring examples: code passes if it runs cleanly")
        try:
            with ledger.scope(book, run_id=run_id, role="coder"):
                if (config.get("draft") or "").strip() and not any(a.round == 0 for a in attempts):
                    a = await self._run_draft(run_id, config, examples)
                    attempts.insert(0, a)
                    best = a if _better(a, best) else best
                for r in range(1, config["rounds"] + 1):
                    if best is not None and best.verdict.ok:
                        break
                    round_done = [a for a in attempts if a.round == r]
                    if len(round_done) >= config["candidates"]:
                        continue
                    fresh = await self._round(run_id, r, task, config, examples, best,
                                              {a.candidate for a in round_done},
                                              {a.code for a in attempts})  # fmt: skip
                    for a in fresh:
                        attempts.append(a)
                        best = a if _better(a, best) else best
                    state["round"] = r
                    self.store.update_run(run_id, state=state)
        except (asyncio.CancelledError, KeyboardInterrupt) as exc:
            why = str(exc.args[0]) if exc.args else "interrupted by the user"
            self._stop(run_id, book, state, started, "interrupted", why)
            raise
        except ShoalError as exc:
            self._stop(run_id, book, state, started, "failed", str(exc))
            raise
        book.sync()
        state["elapsed"] = state.get("elapsed", 0.0) + time.perf_counter() - started
        spent = cost.run_cost(self.store, run_id)
        if best is None:
            raise ShoalError("no attempt was made")  # rounds >= 1, so this is a bug
        if best.verdict.status is Status.REFUSED:
            notes.append(best.verdict.detail)
        result = CodeResult(run_id, task, best.code, best.verdict.ok, best.verdict,
                            max(a.round for a in attempts), attempts, spent.usage, spent.cost_usd,
                            state["elapsed"], notes)  # fmt: skip
        self.store.update_run(run_id, status="done", state=state, result=result.to_dict())
        self._emit("answer", **result.to_dict())
        return result

    def _stop(self, run_id: str, book: ledger.Ledger, state: dict[str, Any], started: float,
              status: str, why: str) -> None:  # fmt: skip
        state["elapsed"] = state.get("elapsed", 0.0) + time.perf_counter() - started
        try:
            book.sync()
        finally:
            self.store.update_run(run_id, status=status, state=state, error=why)
        self._emit("error", run_id=run_id, status=status, error=why)

    def _stored(self, run_id: str) -> dict[str, Attempt]:
        out = {}
        for row in self.store.get_jobs(run_id):
            if row.get("kind") == "attempt" and row["status"] == "done" and row.get("payload"):
                out[row["key"]] = Attempt.from_dict(row["payload"])
        return out

    async def _check(
        self, run_id: str, r: int, c: int, code: str, config: dict[str, Any],
        examples: list[tuple[str, str]], seconds: float, mode: str,
    ) -> Attempt:  # fmt: skip
        """Run one draft in the sandbox, store it as an attempt and say so."""
        verdict = await asyncio.to_thread(
            run_tests, code, config.get("tests") or "", examples,
            entry_point=config.get("entry_point") or "", limits=Limits(**config["limits"]),
            allow_weak=self.allow_weak,
        )  # fmt: skip
        a = Attempt(r, c, code, verdict, self.model.name if r else "draft", seconds, mode)
        self.store.queue_job(_row(run_id, a))
        self._emit("attempt", round=r, candidate=c, mode=mode, status=verdict.status.value,
                   passed=verdict.passed, total=verdict.total,
                   feedback=verdict.feedback(600), code=code)  # fmt: skip
        return a

    async def _run_draft(
        self, run_id: str, config: dict[str, Any], examples: list[tuple[str, str]]
    ) -> Attempt:
        """Round 0: the user's own draft, run as it is."""
        self._emit("round", round=0, candidates=1)
        code = extract_code(config["draft"])
        self._emit("code", round=0, candidate=0, text=code)
        a = await self._check(run_id, 0, 0, code, config, examples, 0.0, "draft")
        self.store.drain()
        return a

    async def _round(
        self, run_id: str, r: int, task: str, config: dict[str, Any],
        examples: list[tuple[str, str]], best: Attempt | None, skip: set[int],
        tried: set[str] | None = None,
    ) -> list[Attempt]:  # fmt: skip
        base = prompts.write_messages(task, config.get("prompt") or "", config.get("tests") or "")
        mode = round_mode(r, candidates=config["candidates"], best=best,
                          has_draft=bool((config.get("draft") or "").strip()))  # fmt: skip
        if mode == "fix" and best is not None:
            base = prompts.fix_messages(base, best.code, best.verdict.feedback())
        self._emit("round", round=r, candidates=config["candidates"], mode=mode)

        async def write(c: int, greedy: bool, seed: int) -> str:
            text: list[str] = []
            async for delta in self.model.stream(
                base, max_tokens=config["max_tokens"],
                temperature=0.0 if greedy else config["temperature"], role="coder",
                seed=None if greedy else seed,
            ):  # fmt: skip
                if delta.text:
                    text.append(delta.text)
                    self._emit("code", round=r, candidate=c, text=delta.text)
            return "".join(text)

        async def draft(c: int) -> tuple[int, str, float]:
            t0 = time.perf_counter()
            reply = await write(c, c == 0 and mode != "fresh", 1000 * r + c)
            # Small models asked to fix their own code often write it again unchanged; a
            # draft already run is resampled (at the temperature) once rather than rerun.
            if tried and any(same_code(extract_code(reply), t) for t in tried):
                self._emit("code", round=r, candidate=c, text="", restart=True)
                reply = await write(c, False, 1000 * r + c + 500)
            return c, reply, time.perf_counter() - t0

        wanted = [c for c in range(config["candidates"]) if c not in skip]
        out: list[Attempt] = []
        # Runs stored before sample_when existed drafted every candidate together.
        if (config.get("sample_when", "always") == "failure" and best is None
                and len(wanted) > 1 and wanted[0] == 0):  # fmt: skip
            c, reply, seconds = await draft(0)
            a = await self._check(
                run_id, r, c, extract_code(reply), config, examples, seconds, mode
            )
            out.append(a)
            wanted = wanted[1:]
            if a.verdict.ok or a.verdict.status is Status.REFUSED:
                self.store.drain()
                return out
            self._emit("round", round=r, candidates=config["candidates"], mode=mode,
                       sampling=True)  # fmt: skip
        drafts = await asyncio.gather(*(draft(c) for c in wanted))
        for c, reply, seconds in sorted(drafts):
            a = await self._check(
                run_id, r, c, extract_code(reply), config, examples, seconds, mode
            )
            out.append(a)
            if a.verdict.status is Status.REFUSED:
                break
        self.store.drain()
        return out


def _row(run_id: str, a: Attempt) -> dict[str, Any]:
    return {
        "run_id": run_id, "key": f"a-r{a.round}-c{a.candidate}", "round": a.round,
        "task_index": 0, "chunk_index": a.candidate, "status": "done", "attempts": 1,
        "seconds": a.seconds, "error": None, "answer": a.verdict.status.value,
        "quote": None, "confidence": None, "supported": a.verdict.ok,
        "reason": a.verdict.feedback(300), "doc_id": None, "start": None, "end": None,
        "finished": time.time(), "kind": "attempt", "model": a.model,
        "served_by": a.verdict.isolation, "lo": None, "hi": None, "payload": a.to_dict(),
    }  # fmt: skip
