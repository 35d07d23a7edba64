"""Scaling laws: fit (with bootstrap intervals), allocate compute, forecast, spot breaks.

``fit.py`` holds the numerics (Hoffmann et al.'s Huber/LSE objective, a batched L-BFGS
over the grid of starts, sigmoid and trend fits); ``laws.py`` the tools built on them;
``data.py`` reads runs from CSV with errors that name the row and column.
"""

from shoal.scaling.fit import Estimate, Fit
from shoal.scaling.laws import (
    allocate,
    fit_capability,
    fit_chinchilla,
    fit_power,
    fit_time_trend,
    forecast,
    frontier,
    largest_scale_mask,
)

__all__ = [
    "Estimate",
    "Fit",
    "allocate",
    "fit_capability",
    "fit_chinchilla",
    "fit_power",
    "fit_time_trend",
    "forecast",
    "frontier",
    "largest_scale_mask",
]
