"""Fitting scaling laws: Chinchilla's joint form, single power laws, sigmoids, trends.

Loss laws follow Hoffmann et al. 2022, Appendix D.2: minimise the summed Huber loss
(delta = 1e-3) between log L and

    log L_hat = LSE(a_1 - alpha_1 log x_1, ..., a_k - alpha_k log x_k, e)

(so L = E + sum_i A_i / x_i^alpha_i with A_i = exp(a_i), E = exp(e)) with L-BFGS from a
grid of starts, keeping the best. ``k = 2`` (x = N, D) is the Chinchilla form; ``k = 1``
is a power law with an irreducible term. The objective and its gradient are vectorised
over data points, and the grid is split across processes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import least_squares, minimize

HUBER_DELTA = 1e-3


# --- the objective --------------------------------------------------------------------
def huber_objective(
    theta: np.ndarray, logx: np.ndarray, logy: np.ndarray, delta: float = HUBER_DELTA
) -> tuple[float, np.ndarray]:
    """Summed Huber loss of the log-sum-exp law and its gradient.

    theta = [a_1..a_k, alpha_1..alpha_k, e]; logx has shape (k, n).
    """
    k = logx.shape[0]
    a, alpha, e = theta[:k], theta[k : 2 * k], theta[2 * k]
    terms = np.empty((k + 1, logx.shape[1]))
    terms[:k] = a[:, None] - alpha[:, None] * logx
    terms[k] = e
    top = terms.max(axis=0)
    expd = np.exp(terms - top)
    total = expd.sum(axis=0)
    r = top + np.log(total) - logy
    absr = np.abs(r)
    small = absr <= delta
    loss = np.where(small, 0.5 * r * r, delta * (absr - 0.5 * delta)).sum()
    dr = np.clip(r, -delta, delta)
    w = expd / total  # softmax weights, (k+1, n)
    wd = w * dr
    grad = np.empty_like(theta)
    grad[:k] = wd[:k].sum(axis=1)
    grad[k : 2 * k] = -(wd[:k] * logx).sum(axis=1)
    grad[2 * k] = wd[k].sum()
    return float(loss), grad


def predict_log(theta: np.ndarray, logx: np.ndarray) -> np.ndarray:
    k = logx.shape[0]
    terms = np.vstack(
        [theta[:k, None] - theta[k : 2 * k, None] * logx, np.full(logx.shape[1], theta[2 * k])]
    )
    top = terms.max(axis=0)
    return top + np.log(np.exp(terms - top).sum(axis=0))


def grid(k: int) -> np.ndarray:
    """Hoffmann et al.'s starts: a in 0..25 step 5, alpha in 0..2 step 0.5, e in -1..1 step 0.5."""
    a_vals = np.arange(0, 30, 5.0)
    alpha_vals = np.arange(0, 2.5, 0.5)
    e_vals = np.arange(-1, 1.5, 0.5)
    starts = []
    for combo in itertools.product(*([a_vals] * k + [alpha_vals] * k + [e_vals])):
        starts.append(combo)
    return np.array(starts)


def _lbfgs(theta0: np.ndarray, logx: np.ndarray, logy: np.ndarray) -> tuple[float, np.ndarray]:
    res = minimize(
        huber_objective,
        theta0,
        args=(logx, logy),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 1000, "ftol": 1e-12, "gtol": 1e-10},
    )
    return float(res.fun), np.asarray(res.x)


def batched_objective(
    theta: np.ndarray,
    logx: np.ndarray,
    logy: np.ndarray,
    delta: float = HUBER_DELTA,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``huber_objective`` for many parameter vectors at once: theta is (S, 2k+1).

    ``weights`` (S, n) weigh each point per vector: bootstrap resamples are integer
    weights, so every resample is fitted in the same batch."""
    k = logx.shape[0]
    terms = np.empty((theta.shape[0], k + 1, logx.shape[1]))
    terms[:, :k] = theta[:, :k, None] - theta[:, k : 2 * k, None] * logx[None]
    terms[:, k] = theta[:, 2 * k, None]
    top = terms.max(axis=1)
    expd = np.exp(terms - top[:, None])
    total = expd.sum(axis=1)
    r = top + np.log(total) - logy
    absr = np.abs(r)
    per_point = np.where(absr <= delta, 0.5 * r * r, delta * (absr - 0.5 * delta))
    dr = np.clip(r, -delta, delta)
    if weights is not None:
        per_point = per_point * weights
        dr = dr * weights
    loss = per_point.sum(axis=1)
    wd = expd * (dr / total)[:, None]
    grad = np.empty_like(theta)
    grad[:, :k] = wd[:, :k].sum(axis=2)
    grad[:, k : 2 * k] = -(wd[:, :k] * logx[None]).sum(axis=2)
    grad[:, 2 * k] = wd[:, k].sum(axis=1)
    return loss, grad


def batched_lbfgs(
    x0: np.ndarray,
    logx: np.ndarray,
    logy: np.ndarray,
    *,
    memory: int = 10,
    max_iter: int = 400,
    tol: float = 1e-12,
    weights: np.ndarray | None = None,
    prune: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """L-BFGS (two-loop recursion, Armijo backtracking) run on every start at once.

    Each start has its own history and step; starts leave the active set when they
    converge, so late iterations cost little. Returns final objectives and parameters.
    """
    x = x0.astype(float).copy()
    n_starts, dim = x.shape
    f, g = batched_objective(x, logx, logy, weights=weights)
    hist_s = np.zeros((memory, n_starts, dim))
    hist_y = np.zeros((memory, n_starts, dim))
    rho = np.zeros((memory, n_starts))
    active = np.ones(n_starts, bool)
    for it in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        q = g[idx].copy()
        order = [(it - 1 - j) % memory for j in range(min(it, memory))]  # newest first
        alphas = []
        for j in order:
            a_j = rho[j, idx] * np.einsum("sp,sp->s", hist_s[j, idx], q)
            q -= a_j[:, None] * hist_y[j, idx]
            alphas.append(a_j)
        if order:
            sy = np.einsum("sp,sp->s", hist_s[order[0], idx], hist_y[order[0], idx])
            yy = np.einsum("sp,sp->s", hist_y[order[0], idx], hist_y[order[0], idx])
            gamma = np.where((sy > 0) & (yy > 0), sy / np.where(yy > 0, yy, 1), 1.0)
        else:
            gamma = 1.0 / np.maximum(1.0, np.linalg.norm(g[idx], axis=1))
        q *= np.asarray(gamma)[:, None] if np.ndim(gamma) else gamma
        for j, a_j in zip(reversed(order), reversed(alphas), strict=True):
            b = rho[j, idx] * np.einsum("sp,sp->s", hist_y[j, idx], q)
            q += hist_s[j, idx] * (a_j - b)[:, None]
        d = -q
        slope = np.einsum("sp,sp->s", g[idx], d)
        bad = slope >= 0  # not a descent direction: fall back to steepest descent
        d[bad] = -g[idx][bad]
        slope[bad] = -np.einsum("sp,sp->s", g[idx][bad], g[idx][bad])
        step = np.ones(idx.size)
        new_f, new_g = f[idx].copy(), g[idx].copy()
        pending = np.ones(idx.size, bool)
        for _ in range(40):
            p = np.flatnonzero(pending)
            if p.size == 0:
                break
            trial = x[idx[p]] + step[p, None] * d[p]
            w = None if weights is None else weights[idx[p]]
            tf, tg = batched_objective(trial, logx, logy, weights=w)
            ok = np.isfinite(tf) & (tf <= f[idx[p]] + 1e-4 * step[p] * slope[p])
            new_f[p[ok]], new_g[p[ok]] = tf[ok], tg[ok]
            pending[p[ok]] = False
            step[p[~ok]] *= 0.5
        moved = ~pending
        s_vec = step[:, None] * d
        y_vec = new_g - g[idx]
        slot = it % memory
        sy = np.einsum("sp,sp->s", s_vec, y_vec)
        good = moved & (sy > 1e-16)
        hist_s[slot, idx] = np.where(good[:, None], s_vec, 0.0)
        hist_y[slot, idx] = np.where(good[:, None], y_vec, 0.0)
        rho[slot, idx] = np.where(good, 1.0 / np.where(good, sy, 1.0), 0.0)
        done = ~moved | (np.abs(f[idx] - new_f) <= tol * np.maximum(1.0, np.abs(new_f)))
        done |= np.max(np.abs(new_g), axis=1) < 1e-10
        x[idx[moved]] += s_vec[moved]
        f[idx], g[idx] = new_f, new_g
        active[idx[done]] = False
        if prune and it >= 40 and it % 20 == 0:
            # Starts still 50x worse than the best after 40 iterations are in another
            # basin; they are only ever polished for "keep the best", so stop them.
            active &= f <= 50 * np.nanmin(f) + 1e-12
    return f, x


def fit_from_grid(
    logx: np.ndarray, logy: np.ndarray, *, keep: int = 8
) -> list[tuple[float, np.ndarray]]:
    """L-BFGS from every grid start (batched), then scipy's L-BFGS-B polishes the best
    distinct optima. Returns up to ``keep`` distinct optima, best first."""
    starts = grid(logx.shape[0])
    f, x = batched_lbfgs(starts, logx, logy, prune=True)
    order = np.argsort(np.where(np.isfinite(f), f, np.inf))
    candidates: list[np.ndarray] = []
    for i in order:
        if not np.isfinite(f[i]):
            break
        if all(np.max(np.abs(x[i] - c)) > 1e-2 for c in candidates):
            candidates.append(x[i])
        if len(candidates) >= keep:
            break
    polished = sorted((_lbfgs(c, logx, logy) for c in candidates), key=lambda r: r[0])
    distinct: list[tuple[float, np.ndarray]] = []
    for loss, theta in polished:
        if all(np.max(np.abs(theta - t)) > 1e-3 for _, t in distinct):
            distinct.append((loss, theta))
    return distinct


def refit(starts: list[np.ndarray], logx: np.ndarray, logy: np.ndarray) -> tuple[float, np.ndarray]:
    """Best of L-BFGS from a few known-good starts (used for bootstrap resamples)."""
    return min((_lbfgs(s, logx, logy) for s in starts), key=lambda r: r[0])


# --- results ----------------------------------------------------------------------------
@dataclass
class Estimate:
    value: float
    se: float | None = None
    lo: float | None = None
    hi: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"estimate": self.value, "se": self.se, "ci95": [self.lo, self.hi]}


@dataclass
class Fit:
    form: str
    params: dict[str, Estimate]
    objective: float
    n_points: int
    derived: dict[str, Estimate] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    bootstrap: int = 0
    seed: int | None = None
    theta: list[float] = field(default_factory=list)
    samples: list[list[float]] = field(default_factory=list)
    """Bootstrap parameter vectors (internal form), for intervals on anything derived."""
    notes: list[str] = field(default_factory=list)

    def value(self, name: str) -> float:
        return (self.params.get(name) or self.derived[name]).value

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Fit:
        """A fit read back from ``to_dict`` (e.g. ``shoal fit --json`` output)."""

        def estimates(d: dict[str, Any]) -> dict[str, Estimate]:
            out = {}
            for k, v in d.items():
                lo, hi = (v.get("ci95") or [None, None]) if isinstance(v, dict) else (None, None)
                value = v["estimate"] if isinstance(v, dict) else v
                se = v.get("se") if isinstance(v, dict) else None
                out[k] = Estimate(float(value), se, lo, hi)
            return out

        return cls(
            form=str(raw.get("form", "chinchilla")),
            params=estimates(raw.get("params") or {}),
            objective=float(raw.get("objective") or 0.0),
            n_points=int(raw.get("n_points") or 0),
            derived=estimates(raw.get("derived") or {}),
            columns=dict(raw.get("columns") or {}),
            bootstrap=int(raw.get("bootstrap") or 0),
            seed=raw.get("seed"),
            theta=[float(t) for t in raw["theta"]],
            samples=[[float(t) for t in s] for s in raw.get("samples") or []],
            notes=list(raw.get("notes") or []),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "form": self.form,
            "n_points": self.n_points,
            "objective": self.objective,
            "params": {k: v.to_dict() for k, v in self.params.items()},
            "derived": {k: v.to_dict() for k, v in self.derived.items()},
            "columns": self.columns,
            "bootstrap": self.bootstrap,
            "seed": self.seed,
            "theta": self.theta,
            "samples": self.samples,
            "notes": self.notes,
        }


def summarise(point: float, samples: np.ndarray) -> Estimate:
    samples = samples[np.isfinite(samples)]
    if samples.size < 2:
        return Estimate(point)
    lo, hi = np.percentile(samples, [2.5, 97.5])
    return Estimate(point, float(np.std(samples, ddof=1)), float(lo), float(hi))


# --- sigmoid and trend -----------------------------------------------------------------------
def sigmoid(x: np.ndarray, floor: float, ceiling: float, slope: float, mid: float) -> np.ndarray:
    return floor + (ceiling - floor) / (1.0 + np.exp(-slope * (x - mid)))


def fit_sigmoid(
    x: np.ndarray, y: np.ndarray, floor: float | None = None
) -> tuple[np.ndarray, float]:
    """score = floor + (ceiling - floor) / (1 + exp(-slope (x - mid))), x = log10 compute.

    Least squares with bounds (0 <= floor <= ceiling <= 1 for scores in [0, 1]); a known
    floor (chance accuracy) can be fixed. Returns [floor, ceiling, slope, mid] and SSE.
    """
    top = max(1.0, float(np.max(y)))
    if floor is None:

        def resid(p: np.ndarray) -> np.ndarray:
            return sigmoid(x, p[0], p[1], p[2], p[3]) - y

        starts = [
            [float(np.min(y)), float(np.max(y)), s, m]
            for s in (0.5, 1.5, 4.0)
            for m in np.percentile(x, [25, 50, 75])
        ]
        lower, upper = [0.0, 0.0, 1e-3, x.min() - 5], [top, top, 50.0, x.max() + 5]
    else:

        def resid(p: np.ndarray) -> np.ndarray:
            return sigmoid(x, floor, p[0], p[1], p[2]) - y

        starts = [
            [float(np.max(y)), s, m]
            for s in (0.5, 1.5, 4.0)
            for m in np.percentile(x, [25, 50, 75])
        ]
        lower, upper = [floor, 1e-3, x.min() - 5], [top, 50.0, x.max() + 5]
    best = None
    for s in starts:
        s = np.clip(s, np.array(lower) + 1e-9, np.array(upper) - 1e-9)
        res = least_squares(resid, s, bounds=(lower, upper))
        if best is None or res.cost < best.cost:
            best = res
    assert best is not None
    p = best.x if floor is None else np.concatenate([[floor], best.x])
    return p, float(2 * best.cost)


def fit_trend(t: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """log y = c + r t (t in years): ordinary least squares. Returns [c, r] and SSE."""
    design = np.vstack([np.ones_like(t), t]).T
    coef, *_ = np.linalg.lstsq(design, np.log(y), rcond=None)
    resid = np.log(y) - design @ coef
    return coef, float(resid @ resid)
