"""``shoal fit`` and ``shoal allocate``: flags in, ``scaling.table`` does the work."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from shoal.cli.common import cli, emit_json, out
from shoal.scaling.fit import Fit
from shoal.scaling.table import FORMS, FitRequest, check_budgets, fit_table, load_fit


def _fit_table(title: str, fit: Fit) -> Table:
    table = Table("parameter", "estimate", "se", "95% interval", title=title)
    for name, est in [*fit.params.items(), *fit.derived.items()]:
        ci = f"[{est.lo:.4g}, {est.hi:.4g}]" if est.lo is not None else ""
        table.add_row(name, f"{est.value:.5g}", f"{est.se:.3g}" if est.se is not None else "", ci)
    return table


@cli.command()
@click.argument("csv_path", type=click.Path(path_type=Path))
@click.option("--form", type=click.Choice(FORMS), required=True)
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
@click.option("--bootstrap", type=click.IntRange(0, 100_000), default=0,
              help="Bootstrap resamples for intervals.")  # fmt: skip
@click.option("--seed", type=int, default=0)
@click.option(
    "--holdout-above",
    type=float,
    default=None,
    help="Forecast: fit on runs with compute (or x) at or below this, predict the rest.",
)
@click.option("--leave-largest-out", is_flag=True, help="Forecast the largest scale from the rest.")
@click.option("--plot", type=click.Path(path_type=Path), default=None)
@click.option("--json", "as_json", is_flag=True)
def fit(csv_path: Path, plot: Path | None, as_json: bool, **flags: object) -> None:
    """Fit a scaling law to the runs in CSV_PATH."""
    request = FitRequest(**flags)  # type: ignore[arg-type]
    report = fit_table(csv_path, request)
    if plot is not None:
        from shoal.scaling.plot import plot_fit

        plot_fit(plot, report)
    if as_json:
        emit_json(report.to_dict())
        return
    for name, f in report.fits:
        title = f"{request.form} fit on {name}: {f.n_points} points, objective {f.objective:.6g}"
        out.print(_fit_table(title, f))
    if report.forecast is not None:
        fc = report.forecast
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
    from shoal.scaling import frontier

    rows = frontier(load_fit(params_json), check_budgets(list(compute)))
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
