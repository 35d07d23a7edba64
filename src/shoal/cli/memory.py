"""``shoal memory``: a user's stored conversation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from shoal.cli.common import cli, emit_json, err, out, store_of
from shoal.memory import History


@cli.group()
def memory() -> None:
    """A user's stored conversation: show, export, import, forget."""


def _history(ctx: click.Context, user: str, thread: str) -> History:
    return History(store_of(ctx), user, thread)


@memory.command("show")
@click.option("--user", required=True)
@click.option("--thread", default=None, help="One thread (default: all).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def memory_show(ctx: click.Context, user: str, thread: str | None, as_json: bool) -> None:
    """Every stored message of a user, oldest first."""
    h = _history(ctx, user, thread or "default")
    messages = h.messages(all_threads=thread is None)
    if as_json:
        emit_json([{"thread": m.thread, "ts": m.ts, "role": m.role, "content": m.content,
                    "meta": m.meta} for m in messages])  # fmt: skip
        return
    if not messages:
        out.print(f"no messages for {user}")
        return
    for m in messages:
        when = datetime.fromtimestamp(m.ts).strftime("%Y-%m-%d %H:%M:%S")
        out.print(f"[dim]{when} {m.thread}[/] [bold]{m.role}[/]: ", end="")
        out.out(m.content)
    chars = sum(len(m.content) for m in messages)
    out.print(f"[dim]{len(messages)} messages, {chars:,} characters[/]")


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
    from shoal.memory import forget

    if not yes:
        click.confirm(f"Delete {'thread ' + thread + ' of ' if thread else 'everything of '}"
                      f"{user}? This cannot be undone", abort=True)  # fmt: skip
    done = forget(store_of(ctx), user, thread)
    out.print(
        f"deleted {done.messages} messages ({done.chars:,} characters) and "
        f"{done.cached_prefixes} cached prefix(es)"
    )
    for note in done.notes:
        err.print(f"[yellow]note:[/] {note}")
