"""Scaling laws: fit (with bootstrap intervals), allocate compute, forecast, spot breaks.

``fit.py`` holds the numerics (Hoffmann et al.'s Huber/LSE objective, a batched L-BFGS
over the grid of starts, sigmoid and trend fits); ``laws.py`` the tools built on them;
``data.py`` reads runs from CSV with errors that name the row and column; ``table.py`` is
what ``shoal fit``/``shoal allocate`` do (a CSV and a request in, a report out); ``plot.py``
draws a report.
"""

from shoal.scaling.fit import Estimate, Fit
from shoal.scaling.laws import (
    allocate,
    chinchilla_from_params,
    fit_capability,
    fit_chinchilla,
    fit_power,
    fit_time_trend,
    forecast,
    frontier,
    largest_scale_mask,
)
from shoal.scaling.table import FitReport, FitRequest, fit_table, load_fit

__all__ = [
    "Estimate",
    "Fit",
    "FitReport",
    "FitRequest",
    "allocate",
    "chinchilla_from_params",
    "fit_capability",
    "fit_chinchilla",
    "fit_power",
    "fit_table",
    "fit_time_trend",
    "forecast",
    "frontier",
    "largest_scale_mask",
    "load_fit",
]
