"""Scaling-law fit and bootstrap times, and recovery of known parameters.

Fits the Chinchilla form with Hoffmann et al.'s full grid (4,500 L-BFGS starts) on
synthetic runs generated from known parameters (Hoffmann's published values) with 1%
noise, and on Epoch AI's extraction of the Chinchilla data when ../shared is present.

Usage: python -m benchmarks.scaling
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np

from benchmarks._results import write
from shoal.scaling import fit_chinchilla

TRUE = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "chinchilla-epoch"


def synthetic(points: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    n = 10 ** rng.uniform(7, 10.5, points)
    d = n * 10 ** rng.uniform(0.3, 2.7, points)
    loss = TRUE["E"] + TRUE["A"] / n ** TRUE["alpha"] + TRUE["B"] / d ** TRUE["beta"]
    return n, d, loss * np.exp(rng.normal(0, 0.01, points))


def timed(n: np.ndarray, d: np.ndarray, loss: np.ndarray, boot: int) -> tuple[dict, float, float]:
    start = time.perf_counter()
    fit_chinchilla(n, d, loss)
    grid_s = time.perf_counter() - start
    start = time.perf_counter()
    fit = fit_chinchilla(n, d, loss, bootstrap=boot, seed=0)
    total_s = time.perf_counter() - start
    return fit.to_dict(), grid_s, total_s - grid_s


def main() -> None:
    rows = []
    for points in (100, 300):
        n, d, loss = synthetic(points)
        fit, grid_s, boot_s = timed(n, d, loss, 500)
        rows.append({"data": f"synthetic ({points} runs, 1% noise)", "points": points,
                     "grid_fit_s": grid_s, "bootstrap": 500, "bootstrap_s": boot_s,
                     "params": fit["params"], "truth": TRUE})  # fmt: skip
    path = SHARED / "svg_extracted_data.csv"
    if path.exists():
        raw = list(csv.DictReader(path.open()))
        n = np.array([float(r["Model Size"]) for r in raw])
        c = np.array([float(r["Training FLOP"]) for r in raw])
        loss = np.array([float(r["loss"]) for r in raw])
        keep = loss < np.sort(loss)[-5]
        fit, grid_s, boot_s = timed(n[keep], c[keep] / (6 * n[keep]), loss[keep], 1000)
        rows.append({"data": "Epoch's Chinchilla extraction (240 runs)", "points": int(keep.sum()),
                     "grid_fit_s": grid_s, "bootstrap": 1000, "bootstrap_s": boot_s,
                     "params": fit["params"],
                     "truth": {"E": 1.8172, "A": 477.84, "B": 2143.86, "alpha": 0.3473,
                               "beta": 0.3672, "source": "Epoch AI, exact recipe"}})  # fmt: skip
    print(f"{'data':<42}{'grid s':>8}{'boot':>6}{'boot s':>8}  "
          f"{'E':>14}{'A':>16}{'B':>18}{'alpha':>14}{'beta':>14}")  # fmt: skip
    for r in rows:
        p = r["params"]

        def cell(k: str, p: dict = p, r: dict = r) -> str:
            est, ci = p[k]["estimate"], p[k]["ci95"]
            return f"{est:.4g} [{ci[0]:.3g},{ci[1]:.3g}] ({r['truth'][k]:.4g})"

        print(f"{r['data']:<42}{r['grid_fit_s']:>8.2f}{r['bootstrap']:>6}", end="")
        print(f"{r['bootstrap_s']:>8.2f}")
        print("    " + "  ".join(f"{k}={cell(k)}" for k in ("E", "A", "B", "alpha", "beta")))
    write("scaling", rows, target="whole grid well under 10 s for a few hundred points")


if __name__ == "__main__":
    main()
