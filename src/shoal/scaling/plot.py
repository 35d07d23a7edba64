"""Plots a person would want (matplotlib, the ``[plot]`` extra): data with fitted curves,
iso-loss contours with the compute-optimal frontier, residuals, forecast bands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from shoal.errors import ShoalError
from shoal.scaling.fit import predict_log, sigmoid
from shoal.scaling.laws import optimal_n_d
from shoal.scaling.table import FitReport


def _plt() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ShoalError("plots need matplotlib: pip install 'shoal[plot]'") from exc
    return plt


def plot_fit(out: Path, report: FitReport) -> None:
    """Data with the fitted curve and residuals (loss laws: also iso-loss contours with the
    compute-optimal frontier, and forecast bands), from the arrays the fit was made on."""
    plt = _plt()
    form = report.request.form
    _name, fit = report.fits[0]
    inputs = report.inputs[0]
    theta = np.asarray(fit.theta)
    if form in ("chinchilla", "power"):
        loss = inputs.y
        fig, axes = plt.subplots(1, 3 if form == "chinchilla" else 2, figsize=(15, 4.5))
        if form == "power":
            (x,) = inputs.xs
            logx = np.log(x)[None]
            grid = np.linspace(np.log(x).min(), np.log(x).max() + 1, 200)
            axes[0].scatter(x, loss, s=12, label="runs")
            axes[0].plot(np.exp(grid), np.exp(predict_log(theta, grid[None])), "r-", label="fit")
            axes[0].set_xscale("log")
            axes[0].set_xlabel(report.request.x_col)
        else:
            n, d = inputs.xs
            logx = np.log(np.vstack([n, d]))
            c = 6 * n * d
            sc = axes[0].scatter(c, loss, c=np.log10(n), s=12, cmap="viridis")
            fig.colorbar(sc, ax=axes[0], label="log10 N")
            for n_fixed in np.quantile(n, [0.1, 0.5, 0.9]):
                cs = np.logspace(np.log10(c.min()), np.log10(c.max()) + 1, 100)
                pred = predict_log(
                    theta, np.vstack([np.full(100, np.log(n_fixed)), np.log(cs / (6 * n_fixed))])
                )
                axes[0].plot(cs, np.exp(pred), "-", lw=1, label=f"N={n_fixed:.2g}")
            axes[0].set_xscale("log")
            axes[0].set_xlabel("compute (FLOPs)")
            # iso-loss contours and the compute-optimal frontier
            ln = np.linspace(np.log(n.min()) - 1, np.log(n.max()) + 3, 120)
            ld = np.linspace(np.log(d.min()) - 1, np.log(d.max()) + 3, 120)
            gn, gd = np.meshgrid(ln, ld)
            z = np.exp(predict_log(theta, np.vstack([gn.ravel(), gd.ravel()]))).reshape(gn.shape)
            axes[2].contour(np.exp(gn), np.exp(gd), z, levels=12, cmap="magma")
            budgets = np.logspace(np.log10(c.min()), np.log10(c.max()) + 3, 50)
            n_opt, d_opt = optimal_n_d(theta, budgets)
            axes[2].plot(n_opt, d_opt, "b-", label="compute-optimal")
            axes[2].set_xscale("log")
            axes[2].set_yscale("log")
            axes[2].set_xlabel("N")
            axes[2].set_ylabel("D")
            axes[2].set_title("iso-loss contours")
            axes[2].legend()
        axes[0].set_ylabel("loss")
        axes[0].set_title(f"{form} fit")
        if report.forecast:
            preds = report.forecast["predictions"]
            xs = [np.prod(p["x"]) * (6 if form == "chinchilla" else 1) for p in preds]
            mid = [p["predicted"] for p in preds]
            below = [p["predicted"] - p["lo95"] for p in preds]
            above = [p["hi95"] - p["predicted"] for p in preds]
            axes[0].errorbar(
                xs, mid, yerr=[below, above], fmt="none", ecolor="red", alpha=0.5,
                label="forecast 95%",
            )  # fmt: skip
        axes[0].legend(fontsize=7)
        resid = np.log(loss) - predict_log(theta, logx)
        axes[1].scatter(np.exp(logx[0]), resid, s=10)
        axes[1].axhline(0, color="k", lw=0.8)
        axes[1].set_xscale("log")
        axes[1].set_title("residuals (log loss)")
    elif form == "sigmoid":
        (x,), y = inputs.xs, inputs.y
        fig, ax = plt.subplots(figsize=(7, 4.5))
        ax.scatter(np.log10(x), y, s=12)
        grid = np.linspace(np.log10(x).min() - 0.5, np.log10(x).max() + 1, 200)
        ax.plot(grid, sigmoid(grid, *theta), "r-")
        if fit.samples:
            sims = np.array([sigmoid(grid, *s) for s in fit.samples])
            lo, hi = np.percentile(sims, [2.5, 97.5], axis=0)
            ax.fill_between(grid, lo, hi, color="r", alpha=0.15, label="95% band")
        ax.set_xlabel("log10 compute")
        ax.set_ylabel(report.request.score_col)
    else:
        (years,), y = inputs.xs, inputs.y
        fig, ax = plt.subplots(figsize=(7, 4.5))
        ax.scatter(years, y, s=12)
        grid = np.linspace(years.min(), years.max() + 1, 100)
        ax.plot(grid, np.exp(theta[0] + theta[1] * grid), "r-")
        ax.set_yscale("log")
        ax.set_xlabel("year")
        ax.set_ylabel(report.request.y_col)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
