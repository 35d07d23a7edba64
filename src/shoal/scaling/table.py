"""Fits over a table of runs: what ``shoal fit`` and ``shoal allocate`` do, as library calls.

The CLI parses flags into a ``FitRequest``; this module reads the CSV, derives what the
form needs (training tokens from compute, D = C / 6N, when only compute is given; the
held-out runs of a forecast), fits, and returns a ``FitReport`` that carries the arrays it
fitted, so a plot never re-derives them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from shoal.errors import InputError
from shoal.scaling import data, laws
from shoal.scaling.fit import Fit

Form = Literal["chinchilla", "power", "sigmoid", "trend"]
FORMS: tuple[Form, ...] = ("chinchilla", "power", "sigmoid", "trend")


@dataclass
class FitRequest:
    form: Form
    n_col: str | None = None
    """Parameters column; comma-separate two (e.g. ``active,total``) for MoE."""
    d_col: str | None = None
    c_col: str | None = None
    c_scale: float = 1.0
    loss_col: str | None = None
    x_col: str | None = None
    score_col: str | None = None
    floor: float | None = None
    date_col: str | None = None
    y_col: str | None = None
    bootstrap: int = 0
    seed: int = 0
    holdout_above: float | None = None
    leave_largest_out: bool = False

    def need(self, flag: str) -> str:
        value = getattr(self, flag.removeprefix("--").replace("-", "_"))
        if not value:
            raise InputError(f"--form {self.form} needs {flag}")
        return str(value)


@dataclass
class FittedInputs:
    """The arrays one fit was made on (for plots and forecasts)."""

    name: str
    xs: list[np.ndarray]
    y: np.ndarray


@dataclass
class FitReport:
    request: FitRequest
    fits: list[tuple[str, Fit]]
    inputs: list[FittedInputs]
    forecast: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """One fit alone prints as the fit itself (what `shoal allocate` reads back)."""
        if len(self.fits) == 1 and self.forecast is None:
            return self.fits[0][1].to_dict()
        out: dict[str, Any] = {"fits": {name: f.to_dict() for name, f in self.fits}}
        if self.forecast is not None:
            out["forecast"] = self.forecast
        return out


def fit_table(path: Path, request: FitRequest) -> FitReport:
    """Read ``path`` and fit the law ``request`` describes."""
    if request.form not in FORMS:
        raise InputError(f"unknown form {request.form!r}; use one of {', '.join(FORMS)}")
    if request.bootstrap < 0:
        raise InputError("--bootstrap must be 0 or more")
    columns, rows = data.read_rows(path)

    def col(name: str, **kw: Any) -> np.ndarray:
        return data.column(rows, name, columns, path, **kw)

    report = FitReport(request, [], [])
    r = request
    if r.form in ("chinchilla", "power"):
        loss = col(r.need("--loss-col"))
        if r.form == "power":
            x = col(r.need("--x-col"))
            report.fits.append((r.x_col or "x", laws.fit_power(x, loss, bootstrap=r.bootstrap,
                                                                 seed=r.seed)))  # fmt: skip
            report.inputs.append(FittedInputs(r.x_col or "x", [x], loss))
            scale_x = x
        else:
            compute = col(r.c_col, scale=r.c_scale) if r.c_col else None
            if not r.d_col and compute is None:
                raise InputError("--form chinchilla needs --d-col or --c-col")
            for name in r.need("--n-col").split(","):
                n = col(name.strip())
                d = col(r.d_col) if r.d_col else tokens_from_compute(compute, n)
                fit = laws.fit_chinchilla(n, d, loss, bootstrap=r.bootstrap, seed=r.seed)
                report.fits.append((name.strip(), fit))
                report.inputs.append(FittedInputs(name.strip(), [n, d], loss))
            first = report.inputs[0].xs
            scale_x = compute if compute is not None else 6 * first[0] * first[1]
        if r.holdout_above is not None or r.leave_largest_out:
            if r.leave_largest_out:
                train = laws.largest_scale_mask(scale_x)
            else:
                train = scale_x <= r.holdout_above
            if train.all() or not train.any():
                raise InputError("the holdout leaves no runs to fit or none to predict")
            report.forecast = laws.forecast(
                report.inputs[0].xs, loss, train, bootstrap=max(r.bootstrap, 100), seed=r.seed
            )
    elif r.form == "sigmoid":
        x = col(r.need("--x-col"), scale=r.c_scale, skip_missing=True)
        y = col(r.need("--score-col"), positive=False, skip_missing=True)
        ok = np.isfinite(x) & np.isfinite(y)
        fit = laws.fit_capability(
            np.log10(x[ok]), y[ok], floor=r.floor, bootstrap=r.bootstrap, seed=r.seed
        )
        report.fits.append((r.score_col or "score", fit))
        report.inputs.append(FittedInputs(r.score_col or "score", [x[ok]], y[ok]))
    else:
        years = data.dates(rows, r.need("--date-col"), columns, path)
        y = col(r.need("--y-col"))
        fit = laws.fit_time_trend(years, y, bootstrap=r.bootstrap, seed=r.seed)
        report.fits.append((r.y_col or "y", fit))
        report.inputs.append(FittedInputs(r.y_col or "y", [years], y))
    return report


def tokens_from_compute(compute: np.ndarray | None, n_params: np.ndarray) -> np.ndarray:
    """Training tokens from training compute, C = 6 N D (Kaplan et al.; Hoffmann et al.)."""
    if compute is None:
        raise InputError("training tokens need --d-col or --c-col")
    return compute / (6 * n_params)


def load_fit(text_or_path: str) -> Fit:
    """A chinchilla fit from ``shoal fit --json`` output (a path or the JSON itself), or
    from plain parameters ``{"A":..., "B":..., "E":..., "alpha":..., "beta":...}``."""
    path = Path(text_or_path)
    try:
        text = path.read_text() if len(text_or_path) < 4096 and path.is_file() else text_or_path
    except OSError as exc:
        raise InputError(f"{text_or_path}: cannot read: {exc.strerror}") from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"--params is neither a file nor JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise InputError("--params must be a JSON object")
    if "theta" in raw:
        return Fit.from_dict(raw)
    p = raw.get("params", raw)
    try:
        val = {k: float(v["estimate"] if isinstance(v, dict) else v) for k, v in p.items()}
        return laws.chinchilla_from_params(val["A"], val["B"], val["E"], val["alpha"], val["beta"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(
            "--params needs A, B, E, alpha, beta (or a `shoal fit --json` output)"
        ) from exc


def check_budgets(budgets: list[float]) -> list[float]:
    bad = [b for b in budgets if not (b > 0 and math.isfinite(b))]
    if bad:
        raise InputError(f"--compute must be positive and finite, not {bad[0]}")
    return budgets
