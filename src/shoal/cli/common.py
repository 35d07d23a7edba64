"""The ``shoal`` group and what every command shares: the database, recording, output."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console

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
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:
            logging.getLogger("shoal").debug("internal error", exc_info=True)
            err.print(
                f"[bold red]internal error:[/] {type(exc).__name__}: {exc} "
                "(a bug in shoal: please report it; `shoal -vv ...` shows the traceback)",
                markup=True, soft_wrap=True,
            )  # fmt: skip
            ctx.exit(2)


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
    """The command's database (opened once, on first use)."""
    if "store" not in ctx.obj:
        ctx.obj["store"] = Store(ctx.obj["db"])
    store: Store = ctx.obj["store"]
    return store


@contextmanager
def recording(ctx: click.Context, run_id: str | None = None) -> Iterator[ledger.Ledger]:
    """Every model call inside is written to the command's database, flushed on the way out."""
    book = ledger.Ledger(store_of(ctx))
    try:
        with ledger.scope(book, run_id=run_id):
            yield book
    finally:
        book.sync()


def emit_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))


def money(usd: float) -> str:
    """USD with enough digits to tell local runs apart (machine time is cheap)."""
    if usd == 0:
        return "$0"
    if usd >= 0.01:
        return f"${usd:.4f}"
    return f"${usd:.6f}"
