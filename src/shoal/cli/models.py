"""``shoal models``, ``models prepare``, ``chat`` and ``calls``."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import click
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table

from shoal.cli.common import cli, emit_json, err, money, out, recording, store_of
from shoal.errors import ShoalError
from shoal.models.base import Model
from shoal.types import Reply


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def models(ctx: click.Context, as_json: bool) -> None:
    """List bundled models (and `models prepare` them)."""
    if ctx.invoked_subcommand is not None:
        return
    from shoal.models import available
    from shoal.pricing import describe

    rows = [
        {
            "name": info.name,
            "ready": info.ready,
            "chat": info.chat,
            "context_window": info.context_window,
            "priced_by": describe(info),
            "description": info.note,
            "license": info.params["license"],
            "path": info.params["path"],
        }
        for info in available()
    ]
    if as_json:
        emit_json(rows)
        return
    table = Table("model", "ready", "kind", "context", "priced by", "what")
    for r in rows:
        table.add_row(
            r["name"],
            "[green]yes[/]" if r["ready"] else "[yellow]no[/] (shoal models prepare)",
            "chat" if r["chat"] else "completion",
            f"{r['context_window']:,}",
            r["priced_by"],
            r["description"],
        )
    out.print(table)
    out.print(
        "Also: openai:MODEL, openai-compat:BASE_URL#MODEL, scripted[:NAME]. Local models are "
        "priced by machine time: SHOAL_MACHINE_USD_PER_HOUR."
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


def usage_line(reply: Reply) -> str:
    u = reply.usage
    rate = u.completion_tokens / reply.seconds if reply.seconds > 0 else 0.0
    return (
        f"{reply.model} · {u.prompt_tokens} prompt ({u.cached_tokens} cached) + "
        f"{u.completion_tokens} completion tokens · {reply.seconds:.2f} s · "
        f"{rate:.0f} tok/s · {money(reply.cost_usd)}"
    )


def _choose(
    ctx: click.Context, m: Model, prompt: str, system: str | None, choices: list[str]
) -> None:
    if not choices:
        raise click.BadParameter("give at least one reply", param_hint="--choices")
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": prompt}
    ]
    with recording(ctx):
        scores = asyncio.run(m.score(messages, choices, role="chat"))
    table = Table("reply", "probability", "log-probability")
    for choice, share, lp in zip(choices, scores.shares(), scores.logprobs, strict=True):
        table.add_row(choice, f"{share:.3f}", f"{lp:.3f}")
    out.print(table)
    how = "token probabilities" if scores.exact else "one greedy reply, matched (no probabilities)"
    err.print(f"[dim]{how} · {scores.reply.seconds:.2f} s · {money(scores.reply.cost_usd)}[/]")


@cli.command()
@click.argument("model")
@click.argument("prompt")
@click.option("--system", default=None, help="A system message.")
@click.option("--max-tokens", default=256, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--temperature", default=0.0, show_default=True, type=click.FloatRange(0, 2))
@click.option("--user", default=None, help="Remember: keep this user's whole conversation.")
@click.option("--thread", default="default", show_default=True, help="With --user: which one.")
@click.option("--no-cache", is_flag=True, help="With --user: do not use the prefix cache.")
@click.option("--choices", default=None,
              help="Comma-separated replies: print how likely MODEL finds each instead of "
                   "generating (exact on embedded models).")  # fmt: skip
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
    choices: str | None,
) -> None:
    """Chat with MODEL: stream the reply, then one line of usage. With --user, the whole
    history of that user is the prompt's prefix, kept across invocations. With --choices,
    the probability of each given reply (what shoal's judgement of evidence rests on)."""
    from shoal.models import get_model

    m = get_model(model)
    if choices is not None:
        _choose(ctx, m, prompt, system, [c.strip() for c in choices.split(",") if c.strip()])
        return
    if user is not None:
        _chat_with_memory(ctx, m, prompt, user, thread, system, max_tokens, no_cache)
        return
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": prompt}
    ]
    m.check_fits(messages, max_tokens)

    async def go() -> Reply | None:
        final = None
        async for delta in m.stream(
            messages, max_tokens=max_tokens, temperature=temperature, role="chat"
        ):
            if delta.text:
                out.out(delta.text, end="")
            if delta.reply is not None:
                final = delta.reply
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
    from shoal.memory import Memory, MemoryReply
    from shoal.memory.memory import SYSTEM

    mem = Memory(user, model=model, thread=thread, store=store_of(ctx), cache=not no_cache,
                 system=system or SYSTEM, reply_tokens=max_tokens)  # fmt: skip

    async def go() -> MemoryReply | None:
        final = None
        async for piece in mem.astream(prompt):
            if piece.reply is None:
                out.out(piece.text, end="")
            final = piece.reply or final
        return final

    with recording(ctx):
        reply = asyncio.run(go())
    out.out("")
    if reply is None:
        return
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


@cli.command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 100_000))
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
