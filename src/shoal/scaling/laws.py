"""Scaling laws as a tool: fit with uncertainty, allocate compute, forecast, spot breaks.

Every fit can be bootstrapped (resampling runs with replacement, seeded); every
parameter and derived quantity then carries a standard error and a 95% percentile
interval. Loss-law bootstraps are fitted together in one batch (a resample is a
vector of integer weights on the runs), which is what makes 1,000 resamples cheap.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from shoal.errors import InputError
from shoal.scaling.fit import (
    Estimate,
    Fit,
    batched_lbfgs,
    fit_from_grid,
    fit_sigmoid,
    fit_trend,
    predict_log,
    sigmoid,
    summarise,
)


# --- loss laws ----------------------------------------------------------------------------
def _loss_fit(
    form: str,
    xs: list[np.ndarray],
    names: list[str],
    loss: np.ndarray,
    bootstrap: int,
    seed: int,
) -> Fit:
    k = len(xs)
    logx = np.log(np.vstack(xs))
    logy = np.log(loss)
    n = loss.size
    if n < 2 * k + 2:
        raise InputError(
            f"the {form} form has {2 * k + 1} parameters: it needs at least {2 * k + 2} points, "
            f"got {n}"
        )
    optima = fit_from_grid(logx, logy)
    objective, theta = optima[0]
    samples = np.empty((0, theta.size))
    if bootstrap > 0:
        rng = np.random.default_rng(seed)
        weights = rng.multinomial(n, np.full(n, 1.0 / n), size=bootstrap).astype(float)
        # start every resample from each of the best few optima; keep the best per resample
        best_f = np.full(bootstrap, np.inf)
        samples = np.tile(theta, (bootstrap, 1))
        for _, start in optima[:3]:
            f, x = batched_lbfgs(np.tile(start, (bootstrap, 1)), logx, logy, weights=weights)
            better = f < best_f
            best_f[better], samples[better] = f[better], x[better]
    fit = Fit(form=form, params={}, objective=objective, n_points=n, bootstrap=bootstrap, seed=seed)
    fit.theta = theta.tolist()
    fit.samples = samples.tolist()
    pieces: dict[str, Callable[[np.ndarray], np.ndarray]] = {"E": lambda t: np.exp(t[..., 2 * k])}
    for i in range(len(names)):
        big = "A" if i == 0 else "B"
        small = "alpha" if i == 0 else "beta"
        pieces[big] = functools.partial(_exp_at, i=i)
        pieces[small] = functools.partial(_at, i=k + i)
    for key, fn in pieces.items():
        fit.params[key] = summarise(float(fn(theta)), fn(samples) if bootstrap else np.array([]))
    if k == 2:
        for key, fn in _chinchilla_derived().items():
            fit.derived[key] = summarise(
                float(fn(theta)), fn(samples) if bootstrap else np.array([])
            )
    resid = predict_log(theta, logx) - logy
    fit.derived["rmse_log"] = Estimate(float(np.sqrt(np.mean(resid**2))))
    fit.columns = {f"x{i + 1}": name for i, name in enumerate(names)}
    return fit


def _exp_at(t: np.ndarray, i: int) -> np.ndarray:
    return np.exp(t[..., i])


def _at(t: np.ndarray, i: int) -> np.ndarray:
    return t[..., i]


def _chinchilla_derived() -> dict[str, Any]:
    def a_exp(t: np.ndarray) -> np.ndarray:
        return t[..., 3] / (t[..., 2] + t[..., 3])

    def g(t: np.ndarray) -> np.ndarray:
        alpha, beta = t[..., 2], t[..., 3]
        return (alpha * np.exp(t[..., 0]) / (beta * np.exp(t[..., 1]))) ** (1 / (alpha + beta))

    return {"a": a_exp, "b": lambda t: 1 - a_exp(t), "G": g}


def chinchilla_from_params(a: float, b: float, e: float, alpha: float, beta: float) -> Fit:
    """A chinchilla law from its published parameters (no data, no intervals). The
    internal parameter vector is (log A, log B, alpha, beta, log E): only this module
    knows that order."""
    if min(a, b, e, alpha, beta) <= 0:
        raise InputError("A, B, E, alpha and beta must all be positive")
    theta = [math.log(a), math.log(b), alpha, beta, math.log(e)]
    params = {k: Estimate(v) for k, v in {"A": a, "B": b, "E": e, "alpha": alpha,
                                          "beta": beta}.items()}  # fmt: skip
    return Fit("chinchilla", params, 0.0, 0, theta=theta)


def optimal_n_d(theta: np.ndarray, compute: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Compute-optimal (N, D) of a chinchilla ``theta`` for budgets ``compute`` (C = 6ND)."""
    derived = _chinchilla_derived()
    n = derived["G"](theta) * (compute / 6) ** derived["a"](theta)
    return n, (compute / 6) ** derived["b"](theta) / derived["G"](theta)


def fit_chinchilla(
    n_params: np.ndarray,
    tokens: np.ndarray,
    loss: np.ndarray,
    *,
    bootstrap: int = 0,
    seed: int = 0,
) -> Fit:
    """L(N, D) = E + A / N^alpha + B / D^beta (Hoffmann et al. 2022, Approach 3)."""
    return _loss_fit("chinchilla", [n_params, tokens], ["N", "D"], loss, bootstrap, seed)


def fit_power(x: np.ndarray, loss: np.ndarray, *, bootstrap: int = 0, seed: int = 0) -> Fit:
    """L(x) = E + A / x^alpha."""
    return _loss_fit("power", [x], ["x"], loss, bootstrap, seed)


def _theta_rows(fit: Fit) -> tuple[np.ndarray, np.ndarray]:
    theta = np.asarray(fit.theta)
    samples = np.asarray(fit.samples) if fit.samples else np.empty((0, theta.size))
    return theta, samples


# --- compute-optimal allocation ----------------------------------------------------------------
def allocate(fit: Fit, compute: float) -> dict[str, Estimate]:
    """The loss-minimising N and D for a budget of ``compute`` FLOPs (C = 6 N D)."""
    if fit.form != "chinchilla":
        raise InputError("allocation needs a chinchilla fit (a law in both N and D)")
    if compute <= 0:
        raise InputError("compute must be positive")
    theta, samples = _theta_rows(fit)

    def n_opt(t: np.ndarray) -> np.ndarray:
        return optimal_n_d(t, np.asarray(compute))[0]

    def d_opt(t: np.ndarray) -> np.ndarray:
        return optimal_n_d(t, np.asarray(compute))[1]

    def loss_at(t: np.ndarray) -> np.ndarray:
        n, d = n_opt(t), d_opt(t)
        return (
            np.exp(t[..., 4])
            + np.exp(t[..., 0]) / n ** t[..., 2]
            + np.exp(t[..., 1]) / d ** t[..., 3]
        )

    out = {}
    for key, fn in {
        "N_opt": n_opt,
        "D_opt": d_opt,
        "tokens_per_param": lambda t: d_opt(t) / n_opt(t),
        "loss": loss_at,
    }.items():
        out[key] = summarise(float(fn(theta)), fn(samples) if samples.size else np.array([]))
    return out


def frontier(fit: Fit, budgets: list[float]) -> list[dict[str, Any]]:
    return [
        {"compute": c, **{k: v.to_dict() for k, v in allocate(fit, c).items()}} for c in budgets
    ]


# --- forecasting and trend breaks -----------------------------------------------------------------
def forecast(
    xs: list[np.ndarray],
    loss: np.ndarray,
    train: np.ndarray,
    *,
    bootstrap: int = 200,
    seed: int = 0,
) -> dict[str, Any]:
    """Fit on the ``train`` runs, predict the rest with 95% prediction intervals, flag breaks.

    The interval combines parameter uncertainty (bootstrap fits) with the scatter of the
    training runs around the law (residuals resampled onto each prediction).
    """
    form = "chinchilla" if len(xs) == 2 else "power"
    names = ["N", "D"] if len(xs) == 2 else ["x"]
    fit = _loss_fit(form, [x[train] for x in xs], names, loss[train], bootstrap, seed)
    theta, samples = _theta_rows(fit)
    logx = np.log(np.vstack(xs))
    train_resid = np.log(loss[train]) - predict_log(theta, logx[:, train])
    rng = np.random.default_rng(seed + 1)
    held = np.flatnonzero(~train)
    point = predict_log(theta, logx[:, held])
    if samples.size:
        sims = np.stack([predict_log(t, logx[:, held]) for t in samples])
        sims = sims + rng.choice(train_resid, size=sims.shape)
        lo, hi = np.percentile(sims, [2.5, 97.5], axis=0)
    else:
        spread = 1.96 * float(np.std(train_resid, ddof=1))
        lo, hi = point - spread, point + spread
    rows = []
    for j, i in enumerate(held):
        observed = float(loss[i])
        rows.append(
            {
                "row": int(i),
                "x": [float(x[i]) for x in xs],
                "observed": observed,
                "predicted": float(np.exp(point[j])),
                "lo95": float(np.exp(lo[j])),
                "hi95": float(np.exp(hi[j])),
                "break": bool(observed > np.exp(hi[j]) or observed < np.exp(lo[j])),
                "worse_than_law": bool(observed > np.exp(hi[j])),
            }
        )
    return {"fit": fit.to_dict(), "predictions": rows, "breaks": sum(r["break"] for r in rows)}


def largest_scale_mask(x: np.ndarray) -> np.ndarray:
    """True for runs below the largest scale: leave-largest-out trains on these."""
    return x < np.max(x) * (1 - 1e-9)


# --- capability versus compute, and trends over time ------------------------------------
def _resampled(
    x: np.ndarray,
    y: np.ndarray,
    bootstrap: int,
    seed: int,
    need: int,
    refit: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> np.ndarray:
    """Parameter vectors refitted on ``bootstrap`` resamples of the (x, y) pairs. A
    resample with fewer than ``need`` distinct x cannot identify the form: skipped."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(bootstrap):
        i = rng.integers(0, x.size, x.size)
        if np.unique(x[i]).size >= need:
            rows.append(refit(x[i], y[i]))
    return np.array(rows)


def fit_capability(
    log10_compute: np.ndarray,
    score: np.ndarray,
    *,
    floor: float | None = None,
    bootstrap: int = 0,
    seed: int = 0,
) -> Fit:
    """Sigmoid of a benchmark score against log10 compute, with floor and ceiling."""
    n = score.size
    need = 4 if floor is None else 3
    if n < need + 1:
        raise InputError(f"the sigmoid form needs at least {need + 1} points, got {n}")
    p, sse = fit_sigmoid(log10_compute, score, floor)
    names = ["floor", "ceiling", "slope", "midpoint"]
    samples = _resampled(
        log10_compute, score, bootstrap, seed, need, lambda x, y: fit_sigmoid(x, y, floor)[0]
    )
    fit = Fit("sigmoid", {}, sse, n, bootstrap=bootstrap, seed=seed, theta=p.tolist())
    for j, name in enumerate(names):
        fit.params[name] = summarise(float(p[j]), samples[:, j] if samples.size else np.array([]))
    half = (p[0] + p[1]) / 2
    fit.derived["score_at_midpoint"] = Estimate(float(half))
    fit.samples = samples.tolist()
    return fit


def predict_capability(fit: Fit, log10_compute: np.ndarray) -> np.ndarray:
    f, c, s, m = fit.theta
    return sigmoid(log10_compute, f, c, s, m)


def fit_time_trend(
    years: np.ndarray, value: np.ndarray, *, bootstrap: int = 0, seed: int = 0
) -> Fit:
    """value = exp(c + r * year): factor per year, and the doubling or halving time."""
    n = value.size
    if n < 3:
        raise InputError(f"the trend form needs at least 3 points, got {n}")
    coef, sse = fit_trend(years, value)
    samples = _resampled(years, value, bootstrap, seed, 2, lambda x, y: fit_trend(x, y)[0])
    fit = Fit("trend", {}, sse, n, bootstrap=bootstrap, seed=seed, theta=coef.tolist())
    r_samples = samples[:, 1] if samples.size else np.array([])
    fit.params["rate_per_year"] = summarise(float(coef[1]), r_samples)
    fit.derived["factor_per_year"] = summarise(math.exp(coef[1]), np.exp(r_samples))
    key = "doubling_years" if coef[1] > 0 else "halving_years"
    fit.derived[key] = summarise(math.log(2) / abs(coef[1]), math.log(2) / np.abs(r_samples))
    return fit
