"""``shoal serve`` and ``shoal keys``."""

from __future__ import annotations

from datetime import datetime

import click
from rich.table import Table

from shoal.cli.common import cli, err, out, store_of
from shoal.errors import ShoalError


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--no-auth", is_flag=True, help="Serve without API keys (local use only).")
@click.option("--lead", default=None, help="Lead model spec for `shoal` (default: bundled).")
@click.option("--worker", "workers", multiple=True,
              help="Worker spec for `shoal`; repeat for a fleet of model servers.")  # fmt: skip
@click.option("--model", "models_", multiple=True, help="Another spec clients may name.")
@click.option("--max-body-mb", default=8.0, show_default=True, type=click.FloatRange(0.001, 4096))
@click.option("--max-document-mb", default=4.0, show_default=True,
              type=click.FloatRange(0.001, 4096))  # fmt: skip
@click.option("--max-run-mb", default=8.0, show_default=True, type=click.FloatRange(0.001, 4096),
              help="Documents one run or request may read, together.")  # fmt: skip
@click.option("--max-tenant-mb", default=16.0, show_default=True,
              type=click.FloatRange(0.001, 65536),
              help="Documents one key's runs in flight may read, together.")  # fmt: skip
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where worker calls run: here, or a Ray cluster.",
)
@click.option("--ray-address", default=None, help="A running Ray cluster.")
@click.option("--access-log", is_flag=True, help="Log every HTTP request.")
@click.option("--max-concurrent", default=4, show_default=True, type=click.IntRange(1, 10_000),
              help="Runs/completions in flight per key; more get 429.")  # fmt: skip
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, no_auth: bool, lead: str | None,
    workers: tuple[str, ...], models_: tuple[str, ...], max_body_mb: float,
    max_document_mb: float, max_run_mb: float, max_tenant_mb: float, executor: str,
    ray_address: str | None, access_log: bool, max_concurrent: int,
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
                        max_run_bytes=int(max_run_mb * 2**20),
                        max_tenant_bytes=int(max_tenant_mb * 2**20),
                        executor=executor, ray_address=ray_address,
                        max_concurrent_per_key=max_concurrent)  # fmt: skip
    if lead:
        settings.lead = lead
    if workers:
        settings.worker, settings.fleet = workers[0], list(workers[1:])
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
    """Revoke a key by id, or by name when exactly one live key has that name."""
    from shoal.server.auth import revoke_key

    revoked = revoke_key(store_of(ctx), name_or_id)
    out.print(f"revoked key {revoked}")
