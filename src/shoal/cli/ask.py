"""``shoal ask``, ``resume``, ``runs`` and ``show``: the swarm from the terminal."""

from __future__ import annotations

import sys
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, Progress, TimeRemainingColumn
from rich.table import Table

from shoal.cli.common import cli, emit_json, err, money, out, store_of
from shoal.errors import InputError, ShoalError
from shoal.swarm import Answer, Document, Event
from shoal.swarm.confidence import ABSTAIN_BELOW
from shoal.swarm.query import OPERATIONS
from shoal.swarm.run import RunConfig
from shoal.swarm.state import RunState


class LiveProgress:
    """A progress bar fed by swarm events: jobs done / total, round, supported vs rejected."""

    def __init__(self) -> None:
        self.bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            "{task.completed}/{task.total} jobs",
            "[green]{task.fields[ok]} supported[/] [red]{task.fields[bad]} rejected[/] "
            "[dim]{task.fields[empty]} empty[/]",
            TimeRemainingColumn(),
            console=err,
            transient=False,
        )
        self.task: Any = None
        self.counts: dict[str, Any] = {"ok": 0, "bad": 0, "empty": 0}

    def __call__(self, event: Event) -> None:
        d = event.data
        if event.kind == "plan":
            tasks = "; ".join(d["tasks"])
            err.print(
                f"[bold]round {d['round']} plan:[/] {tasks}"
                + (" [yellow](fallback)[/]" if d.get("fallback") else "")
            )
        elif event.kind == "chunks":
            err.print(
                f"{d['chunks']} chunks, {d['tokens']:,} worker tokens, coverage {d['coverage']:.0%}"
            )
        elif event.kind == "round":
            if self.task is None:
                self.bar.start()
            else:
                self.bar.remove_task(self.task)
            self.task = self.bar.add_task(
                f"round {d['round']}", total=d["jobs"], completed=d["done"], **self.counts
            )
        elif event.kind == "job" and self.task is not None and d["status"] != "started":
            if d.get("kind") == "read":
                return
            key = "ok" if d["supported"] else "empty" if d["empty"] else "bad"
            self.counts[key] += 1
            self.bar.update(self.task, advance=1, **self.counts)
        elif event.kind == "escalate":
            err.print(f"[dim]{d['model']} re-reads {d['document']} {d['start']}-{d['end']} "
                      f"({d['why']})[/]")  # fmt: skip
        elif event.kind == "judge":
            shares = ", ".join(f"{v} {s:.2f}" for v, s in (d.get("shares") or {}).items())
            verdict = (f"failed ({d['failed']})" if d.get("failed") else "no pick"
                       if d.get("pick") is None else
                       f"{d['pick']!r}, confidence {d['confidence']:.2f}")  # fmt: skip
            err.print(f"[dim]judgement: {shares} -> {verdict}[/]")
        elif event.kind in ("answer", "error"):
            self.stop()

    def stop(self) -> None:
        if self.task is not None:
            self.bar.stop()


def print_items(answer: Answer, limit: int = 200) -> None:
    """Lists, counts, screenings: one row per item, its values and where it is."""
    fields = list(dict.fromkeys(k for item in answer.items for k in item.get("fields", {})))
    judged = any("passes" in item for item in answer.items)
    table = Table("#", "item", *fields, *(["verdict"] if judged else []), "where", "by")
    for n, item in enumerate(answer.items[:limit], 1):
        where = "; ".join(f"{c['document']} {c['start']}-{c['end']}" for c in item["citations"])
        verdict = []
        if judged:
            verdict = ["[green]yes[/]" if item.get("passes") else
                       "[yellow]?[/]" if item.get("passes") is None else "[red]no[/]"]  # fmt: skip
        table.add_row(str(n), str(item["label"])[:60],
                      *(str(item["fields"].get(f, ""))[:40] for f in fields), *verdict,
                      where[:60], _by(item))  # fmt: skip
    out.print(table)
    if len(answer.items) > limit:
        out.print(f"[dim]... and {len(answer.items) - limit} more (--json has them all)[/]")


def print_answer(answer: Answer) -> None:
    out.print(f"\n[bold]{answer.answer}[/]")
    if answer.strategy in ("swarm", "skim") and (answer.citations or answer.items):
        out.print(f"[dim]{answer.operation} · confidence {answer.confidence:.2f}[/]")
    out.print("")
    if answer.items:
        print_items(answer)
        for note in answer.notes:
            out.print(f"  [yellow]note:[/] {note}")
        _footer(answer)
        return
    for i, c in enumerate(answer.citations, 1):
        out.print(f'  [{i}] {c.document} chars {c.start}-{c.end}: [cyan]"{c.text}"[/]')
        if c.context:
            out.print(f"      [dim]{c.context}[/]")
    if not answer.citations and not answer.items:
        out.print("  [yellow](no verified citation)[/]")
    for note in answer.notes:
        out.print(f"  [yellow]note:[/] {note}")
    _footer(answer)


def _footer(answer: Answer) -> None:
    parts = []
    for role, u in sorted(answer.usage.items()):
        parts.append(
            f"{role}: {u.prompt_tokens:,} in ({u.cached_tokens:,} cached) + "
            f"{u.completion_tokens:,} out, {u.calls} calls"
        )
    rep = answer.reports
    esc = answer.escalation
    whole = ""
    if esc and esc.get("whole_read"):
        whole = f" (the input read whole{', twice' if esc.get('second_look') else ''})"
    reread = (
        f" · re-read {esc.get('passages') or esc.get('reads', 0)} passage(s), "
        f"{esc.get('spent_tokens', 0):,} of "
        f"{esc.get('budget_tokens', 0):,} escalation tokens" + whole
        if esc
        else ""
    )
    alone = (
        f"the lead alone would have read {answer.lead_alone_tokens:,} tokens "
        f"({money(answer.lead_alone_cost_usd)}"
        + (f", ~{answer.lead_alone_seconds:.0f} s" if answer.lead_alone_seconds else "")
        + ")"
    )
    out.print(
        f"\n[dim]{answer.strategy} · run {answer.run_id} · {answer.rounds} round(s) · "
        f"{answer.chunks} chunks, {answer.jobs} jobs · coverage {answer.coverage:.0%} · "
        f"reports {rep.get('supported', 0)} supported / {rep.get('rejected', 0)} rejected"
        f"{reread}\n{' · '.join(parts)}\n"
        f"{answer.seconds:.1f} s · {money(answer.cost_usd)} · {alone}[/]"
    )


def worker_specs(handle: Any) -> list[str]:
    """Specs from a file, one per line; blank lines and # comments are skipped."""
    specs = [ln.strip() for ln in handle]
    specs = [s for s in specs if s and not s.startswith("#")]
    if not specs:
        raise InputError(f"{getattr(handle, 'name', 'the workers file')}: no worker specs in it")
    return specs


def read_input(source: str) -> list[Document] | Path:
    """A path, or ``-`` for standard input (which must not be empty)."""
    from shoal.swarm.documents import decode

    if source == "-":
        text = decode(sys.stdin.buffer.read(), "stdin")
        if not text.strip():
            raise InputError("standard input is empty: pipe a document in, or give a path")
        return [Document("stdin", text)]
    return Path(source)


@cli.command()
@click.argument("source")
@click.argument("question")
@click.option(
    "--strategy",
    type=click.Choice(["swarm", "skim", "lead", "worker"]),
    default="swarm",
    show_default=True,
    help="swarm: workers read every chunk, the lead checks and decides; skim: a lookup's "
    "passages BM25 ranks highest are read by the lead only (cheaper, not every token read); "
    "lead / worker: one model reads it all alone.",
)
@click.option("--lead", default=None, help="Lead model spec (default qwen2.5-coder-1.5b).")
@click.option(
    "--worker",
    "workers",
    multiple=True,
    help="Worker model spec; repeat for several (a fleet: jobs spread by load).",
)
@click.option(
    "--workers-file",
    type=click.File("r", encoding="utf-8"),
    default=None,
    help="A file of worker specs, one per line (e.g. a fleet of vLLM servers).",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where worker calls run: here, or a Ray cluster.",
)
@click.option(
    "--ray-address",
    default=None,
    help="A running Ray cluster (default with --executor ray: start one here).",
)
@click.option(
    "--escalation",
    default=None,
    help="Model that re-reads passages when evidence is weak (default: the lead).",
)
@click.option("--chunk-tokens", type=click.IntRange(64, 1_000_000), default=None,
              help="Worker tokens per chunk (default 1500).")  # fmt: skip
@click.option("--rounds", type=click.IntRange(1, 10), default=2, show_default=True,
              help="Most rounds of reading.")  # fmt: skip
@click.option("--concurrency", type=click.IntRange(1, 10_000), default=None,
              help="Jobs in flight per worker backend.")  # fmt: skip
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=ABSTAIN_BELOW,
              show_default=True,
              help="Answers less sure than this are reported as not settled.")  # fmt: skip
@click.option("--operation", type=click.Choice(["auto", *OPERATIONS]), default="auto",
              show_default=True,
              help="What to do: auto (settled from the question and the lead's plan), or one "
                   "of them forced.")  # fmt: skip
@click.option("--escalation-tokens", type=click.IntRange(0, 10_000_000), default=None,
              help="Prompt tokens the stronger model may re-read (default: a share of the "
                   "input).")  # fmt: skip
@click.option("--read-together", type=click.IntRange(1, 16), default=1, show_default=True,
              help="Short documents the stronger model re-reads in one call (a screening): "
                   "fewer lead tokens, a slightly worse read (see the README).")  # fmt: skip
@click.option("--plan-tasks", is_flag=True,
              help="For a lookup, let the lead split the question into tasks for the "
                   "workers (default: the question itself is the task).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def ask(
    ctx: click.Context, source: str, question: str, strategy: str, lead: str | None,
    workers: tuple[str, ...], workers_file: Any, executor: str, ray_address: str | None,
    escalation: str | None, chunk_tokens: int | None, rounds: int,
    concurrency: int | None, min_confidence: float, operation: str,
    escalation_tokens: int | None, read_together: int, plan_tasks: bool, as_json: bool,
) -> None:  # fmt: skip
    """Answer QUESTION from SOURCE (a text file, a directory of them, or - for stdin)."""
    from shoal.models import DEFAULT_LEAD, DEFAULT_WORKER
    from shoal.swarm import Swarm

    docs = read_input(source)
    progress = LiveProgress()
    specs = list(workers) + (worker_specs(workers_file) if workers_file else [])
    swarm = Swarm(
        lead=lead or DEFAULT_LEAD,
        workers=specs or DEFAULT_WORKER,
        executor=executor,
        ray_address=ray_address,
        escalation=escalation,
        store=store_of(ctx),
        chunk_tokens=chunk_tokens,
        max_rounds=rounds,
        concurrency=concurrency,
        min_confidence=min_confidence,
        operation=operation,
        escalation_tokens=escalation_tokens,
        read_together=read_together,
        plan_tasks=plan_tasks,
        on_event=progress,
    )
    try:
        answer = swarm.ask(docs, question, strategy)
    finally:
        progress.stop()
    emit_json(answer.to_dict()) if as_json else print_answer(answer)


def _show_judgement(job: dict[str, Any]) -> None:
    """The judgement of a lookup: each verified value's share when the stronger model read
    their sentences together, and its yes when asked apart about the pick."""
    j = job.get("payload") or {}
    out.print(f"\n[bold]judgement[/] by {job.get('model') or 'the lead'}"
              + ("" if j.get("exact", True) else " [dim](from greedy replies: no token "
                 "probabilities)[/]"))  # fmt: skip
    if job["status"] != "done":
        out.print(f"  [red]failed[/]: {job.get('error')}")
        return
    shares = j.get("shares") or {}
    statements = j.get("statements") or {}
    for key, share in sorted(shares.items(), key=lambda kv: -kv[1]):
        said = statements.get(key, "null: none of these answers it" if key == "none" else key)
        out.print(f"  {share:5.2f}  {said[:100]}")
    if j.get("changed"):
        out.print("  [yellow]no value led clearly over both orders: no choice[/]")
    elif j.get("pick") is not None:
        plain, strict = (j.get("support") or [0.0, 0.0])[:2]
        out.print(f"  pick {j['pick']!r}: yes asked apart {plain:.2f} (plain), {strict:.2f} "
                  f"(strict) -> confidence {j.get('confidence', 0.0):.2f}")  # fmt: skip


def _show_code(run: dict[str, Any], jobs: list[dict[str, Any]]) -> None:
    from rich.syntax import Syntax

    from shoal.code.coder import CodeResult
    from shoal.sandbox import Verdict

    for j in jobs:
        if j.get("kind") != "attempt" or not j.get("payload"):
            continue
        v = Verdict.from_dict(j["payload"]["verdict"])
        colour = "green" if v.ok else "red"
        out.print(
            f"\n[bold]round {j['round']}[/], draft {j['chunk_index'] + 1}: "
            f"[{colour}]{v.status.value}[/] ({v.passed}/{v.total} tests, {v.seconds:.2f} s)"
        )
        out.print(Syntax(j["payload"]["code"], "python", theme="ansi_dark"))
        if not v.ok:
            out.print(f"[dim]{v.feedback(800)}[/]")
    if run["result"]:
        from shoal.cli.code import print_code

        print_code(CodeResult.from_dict(run["result"]))
    elif run["error"]:
        out.print(f"[red]{run['status']}:[/] {run['error']} — `shoal resume {run['id']}`")


@cli.command()
@click.argument("run_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def resume(ctx: click.Context, run_id: str, as_json: bool) -> None:
    """Finish a run that was interrupted, without redoing finished jobs."""
    from shoal.swarm import Swarm
    from shoal.swarm.run import RunConfig

    store = store_of(ctx)
    store.mark_orphans()
    run = store.get_run(run_id)
    if run is None:
        raise ShoalError(f"no run {run_id!r}")
    if run["strategy"] == "code":
        from shoal.cli.code import CodeProgress, print_code
        from shoal.code import Coder

        coder = Coder(run["config"]["model"], store=store, on_event=CodeProgress(as_json))
        result = coder.resume(run_id)
        emit_json(result.to_dict()) if as_json else print_code(result)
        return
    config = RunConfig.from_dict(run["config"])
    progress = LiveProgress()
    swarm = Swarm(lead=config.lead_spec, workers=config.worker_specs,
                  escalation=config.escalation_spec, store=store,
                  on_event=progress)  # fmt: skip
    try:
        answer = swarm.resume(run_id)
    finally:
        progress.stop()
    emit_json(answer.to_dict()) if as_json else print_answer(answer)


@cli.command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def runs(ctx: click.Context, limit: int, as_json: bool) -> None:
    """Recent runs."""
    store = store_of(ctx)
    store.mark_orphans()
    rows = store.list_runs(limit)
    if as_json:
        emit_json(
            [
                {
                    k: r[k]
                    for k in ("id", "created", "status", "strategy", "question", "lead", "workers")
                }
                | {"answer": (r["result"] or {}).get("answer")}
                for r in rows
            ]
        )
        return
    table = Table("run", "when", "status", "strategy", "question", "answer", "s")
    for r in rows:
        result = r["result"] or {}
        elapsed = result.get("seconds") or RunState.from_dict(r["state"]).elapsed
        table.add_row(
            r["id"],
            datetime.fromtimestamp(r["created"]).strftime("%m-%d %H:%M"),
            r["status"],
            r["strategy"],
            r["question"][:50],
            (result.get("answer") or r["error"] or "")[:50],
            f"{elapsed:.0f}",
        )
    out.print(table)


_FLAGS = {"operation": "--operation", "min_confidence": "--min-confidence",
          "escalation_spec": "--escalation", "escalation_tokens": "--escalation-tokens",
          "read_together": "--read-together", "max_rounds": "--rounds",
          "plan_tasks": "--plan-tasks"}  # fmt: skip


def settings_changed(config: dict[str, Any]) -> list[str]:
    """The run's settings that differ from ``shoal ask``'s defaults, written as its flags
    (so a run asked with other settings, from the CLI, the API or the page, says so)."""
    defaults = {f.name: f.default for f in fields(RunConfig)}
    out = []
    for key, flag in _FLAGS.items():
        value = config.get(key, defaults[key])
        if value != defaults[key]:
            out.append(flag if value is True else f"{flag} {value}")
    return out


@cli.command()
@click.argument("run_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def show(ctx: click.Context, run_id: str, as_json: bool) -> None:
    """Replay a run: plan, every job's report and verdict, re-reads, decisions, answer."""
    store = store_of(ctx)
    store.mark_orphans()
    run = store.get_run(run_id)
    if run is None:
        raise ShoalError(f"no run {run_id!r}")
    jobs = store.get_jobs(run_id)
    if as_json:
        emit_json({"run": run, "jobs": jobs})
        return
    out.print(
        f"[bold]run {run_id}[/] · {run['status']} · {run['strategy']} · "
        f"lead {run['lead']} · workers {run['workers']}"
    )
    out.print(f"question: {run['question']}")
    if run["strategy"] == "code":
        _show_code(run, jobs)
        return
    changed = settings_changed(run["config"])
    if changed:
        out.print("settings: " + " ".join(changed))
    state = RunState.from_dict(run["state"])
    query = state.extra.get("query")
    if query:
        out.print(f"\n[bold]plan[/]: {query['operation']} over {query.get('unit') or 'items'}"
                  + "".join(f"\n  - field {f['name']} ({f['type']}): {f['description']}"
                            for f in query.get("fields", []))
                  + "".join(f"\n  - where {c['field']} {c['op']} {c['value']!r}"
                            for c in query.get("where", []))
                  + "".join(f"\n  [dim]{n}[/]" for n in query.get("notes", [])))  # fmt: skip
        if query["operation"] != "find":
            extracted = [j for j in jobs if (j.get("kind") or "").startswith("extract")]
            reread = sum(1 for j in extracted if j["kind"] == "extract-read")
            out.print(f"  {len(extracted) - reread} unit(s) read by workers, {reread} re-read "
                      f"by the lead")  # fmt: skip
    for i, rd in enumerate(state.rounds, 1):
        out.print(f"\n[bold]round {i}[/] plan" + (" (fallback)" if rd.plan.fallback else "") + ":")
        for t in rd.plan.tasks:
            out.print(f"  - {t.instruction}" + (f" [dim]({t.advice})[/]" if t.advice else ""))
        rows = [j for j in jobs if j["round"] == i]
        table = Table("job", "by", "verdict", "answer", "quote / reason")
        for j in rows:
            if j["status"] != "done":
                table.add_row(j["key"], j.get("model") or "", "[red]failed[/]", "",
                              (j["error"] or "")[:60])  # fmt: skip
            elif j["answer"] is None:
                continue
            else:
                verdict = "[green]supported[/]" if j["supported"] else "[red]rejected[/]"
                table.add_row(
                    j["key"],
                    (j.get("model") or "")[:24],
                    verdict,
                    (j["answer"] or "")[:40],
                    (j["quote"] if j["supported"] else j["reason"] or "")[:70],
                )
        empty = sum(1 for j in rows if j["status"] == "done" and j["answer"] is None)
        out.print(table)
        out.print(f"  [dim]{len(rows)} jobs, {empty} found nothing in their text[/]")
        if rd.escalation is not None:
            e = rd.escalation
            out.print(f"  re-read by {e.model}: {e.passages} passage(s) in {e.reads} read(s), "
                      f"{e.confirmed} confirmed, "
                      f"{e.spent_tokens:,} of {e.budget_tokens:,} tokens")  # fmt: skip
        if rd.decision is not None:
            d = rd.decision
            out.print(
                f"  decision: {d.action}: {d.answer}"
                + (f" (confidence {d.confidence:.2f})" if d.action == "answer" else "")
                + (f" [yellow]({d.fallback})[/]" if d.fallback else "")
            )
    for j in (j for j in jobs if j.get("kind") == "judge"):
        _show_judgement(j)
    if run["result"]:
        print_answer(Answer.from_dict(run["result"]))
    elif run["error"]:
        out.print(f"[red]{run['status']}:[/] {run['error']} — `shoal resume {run_id}`")


def _by(item: dict[str, object]) -> str:
    """Who read an item: the model, or shoal with a template learned from its reads."""
    by = str(item.get("verified_by", ""))[:20]
    return f"template ({by})" if item.get("via") == "template" else by
