"""Reading runs from CSV with errors that name the row and the column."""

from __future__ import annotations

import csv
import math
from datetime import date, datetime
from pathlib import Path

import numpy as np

from shoal.errors import InputError


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            return list(reader.fieldnames or []), rows
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: not a readable CSV file: {exc}") from exc


def _check_column(name: str, columns: list[str], path: Path) -> None:
    if name not in columns:
        raise InputError(f"{path}: no column {name!r}; the columns are: {', '.join(columns)}")


def column(
    rows: list[dict[str, str]],
    name: str,
    columns: list[str],
    path: Path,
    *,
    positive: bool = True,
    scale: float = 1.0,
    skip_missing: bool = False,
) -> np.ndarray:
    """One numeric column. Row numbers in errors count the header as row 1, as a
    spreadsheet would. ``skip_missing`` turns blanks into NaN for the caller to drop."""
    _check_column(name, columns, path)
    out = np.empty(len(rows))
    for i, row in enumerate(rows):
        raw = (row.get(name) or "").strip()
        try:
            value = float(raw)
        except ValueError:
            if skip_missing and raw == "":
                out[i] = math.nan
                continue
            raise InputError(
                f"{path}: row {i + 2}, column {name!r}: not a number ({raw!r})"
            ) from None
        if math.isnan(value) or math.isinf(value):
            if skip_missing:
                out[i] = math.nan
                continue
            raise InputError(f"{path}: row {i + 2}, column {name!r}: {raw} is not a finite number")
        if positive and value <= 0:
            raise InputError(f"{path}: row {i + 2}, column {name!r}: must be positive, got {raw}")
        out[i] = value * scale
    return out


def dates(rows: list[dict[str, str]], name: str, columns: list[str], path: Path) -> np.ndarray:
    """A date column as decimal years (ISO dates, year-month, or plain decimal years)."""
    _check_column(name, columns, path)
    out = np.empty(len(rows))
    for i, row in enumerate(rows):
        raw = (row.get(name) or "").strip()
        out[i] = _year(raw, i + 2, name, path)
    return out


def _year(raw: str, line: int, name: str, path: Path) -> float:
    try:
        return float(raw)
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y/%m/%d", "%d/%m/%Y"):
        try:
            d = datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        start = date(d.year, 1, 1).toordinal()
        days = date(d.year + 1, 1, 1).toordinal() - start
        return d.year + (d.toordinal() - start) / days
    raise InputError(
        f"{path}: row {line}, column {name!r}: not a date ({raw!r}); use YYYY-MM-DD or a year"
    )


def need_points(n: int, params: int, form: str) -> None:
    if n < params + 1:
        raise InputError(
            f"the {form} form has {params} parameters: it needs at least {params + 1} points, "
            f"got {n}"
        )
