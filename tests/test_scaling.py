"""Scaling laws: recovery of known parameters, interval coverage, breaks, real data, CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from shoal.cli import cli
from shoal.errors import InputError
from shoal.scaling import (
    allocate,
    fit_capability,
    fit_chinchilla,
    fit_power,
    fit_time_trend,
    forecast,
    largest_scale_mask,
)
from shoal.scaling.fit import grid
from shoal.scaling.laws import predict_capability

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
TRUE = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}


def synthetic(seed: int, noise: float = 0.01, n_sizes: int = 8, per: int = 6) -> tuple:
    rng = np.random.default_rng(seed)
    n = np.repeat(np.logspace(7, 10, n_sizes), per)
    d = n * np.tile(np.logspace(0.5, 2.5, per), n_sizes)
    loss = TRUE["E"] + TRUE["A"] / n ** TRUE["alpha"] + TRUE["B"] / d ** TRUE["beta"]
    return n, d, loss * np.exp(rng.normal(0, noise, loss.size))


def test_grid_is_hoffmanns() -> None:
    g = grid(2)
    assert g.shape == (6 * 6 * 5 * 5 * 5, 5)
    assert set(g[:, 0]) == {0, 5, 10, 15, 20, 25} and set(g[:, 2]) == {0, 0.5, 1, 1.5, 2}
    assert set(g[:, 4]) == {-1, -0.5, 0, 0.5, 1}


def test_chinchilla_recovers_known_parameters() -> None:
    n, d, loss = synthetic(0, noise=0.005)
    fit = fit_chinchilla(n, d, loss)
    assert fit.params["E"].value == pytest.approx(TRUE["E"], rel=0.05)
    assert fit.params["alpha"].value == pytest.approx(TRUE["alpha"], abs=0.04)
    assert fit.params["beta"].value == pytest.approx(TRUE["beta"], abs=0.04)
    assert fit.derived["rmse_log"].value < 0.01


def test_bootstrap_intervals_cover_the_truth_near_the_nominal_rate() -> None:
    hits, trials = 0, 12
    for seed in range(trials):
        n, d, loss = synthetic(100 + seed, noise=0.02, n_sizes=6, per=5)
        fit = fit_chinchilla(n, d, loss, bootstrap=120, seed=seed)
        est = fit.params["alpha"]
        assert est.se is not None and est.se > 0
        hits += est.lo <= TRUE["alpha"] <= est.hi
    # nominal 95%: with 12 trials, fewer than 9 hits would be very unlikely (p < 0.01)
    assert hits >= 9, hits


def test_power_law_recovers_exponent() -> None:
    rng = np.random.default_rng(3)
    x = np.logspace(6, 11, 30)
    loss = (2.0 + 50.0 / x**0.3) * np.exp(rng.normal(0, 0.005, 30))
    fit = fit_power(x, loss, bootstrap=50, seed=1)
    assert fit.params["alpha"].value == pytest.approx(0.3, abs=0.05)
    assert fit.params["E"].value == pytest.approx(2.0, rel=0.05)


def test_planted_break_is_flagged_and_a_clean_set_is_not() -> None:
    n, d, loss = synthetic(7, noise=0.005)
    train = largest_scale_mask(n)
    clean = forecast([n, d], loss, train, bootstrap=100, seed=0)
    assert clean["breaks"] == 0
    broken = loss.copy()
    broken[~train] *= 1.08  # the largest runs did 8% worse than the law says
    result = forecast([n, d], broken, train, bootstrap=100, seed=0)
    assert result["breaks"] == (~train).sum()
    assert all(p["worse_than_law"] for p in result["predictions"])


def test_allocation_follows_the_fitted_exponents() -> None:
    n, d, loss = synthetic(1, noise=0.003)
    fit = fit_chinchilla(n, d, loss, bootstrap=50, seed=0)
    small, big = allocate(fit, 1e21), allocate(fit, 1e23)
    a = fit.derived["a"].value
    assert big["N_opt"].value / small["N_opt"].value == pytest.approx(100**a, rel=1e-6)
    assert big["N_opt"].value * big["D_opt"].value * 6 == pytest.approx(1e23, rel=1e-6)
    assert big["N_opt"].lo < big["N_opt"].value < big["N_opt"].hi


@pytest.mark.skipif(not (SHARED / "chinchilla-epoch").exists(), reason="shared data not present")
def test_reproduces_the_hoffmann_recipe_on_epochs_chinchilla_data() -> None:
    rows = list(csv.DictReader((SHARED / "chinchilla-epoch" / "svg_extracted_data.csv").open()))
    n = np.array([float(r["Model Size"]) for r in rows])
    c = np.array([float(r["Training FLOP"]) for r in rows])
    loss = np.array([float(r["loss"]) for r in rows])
    keep = loss < np.sort(loss)[-5]  # Epoch drops the 5 highest-loss points
    fit = fit_chinchilla(n[keep], c[keep] / (6 * n[keep]), loss[keep])
    # Epoch AI's exact-recipe reference: A=477.84 B=2143.86 E=1.8172 a=.3473 b=.3672
    assert fit.objective == pytest.approx(1.01827e-3, rel=1e-4)
    assert fit.params["E"].value == pytest.approx(1.8172, abs=1e-3)
    assert fit.params["alpha"].value == pytest.approx(0.3473, abs=1e-3)
    assert fit.params["beta"].value == pytest.approx(0.3672, abs=1e-3)
    assert fit.params["A"].value == pytest.approx(477.84, rel=0.01)


@pytest.mark.skipif(not (SHARED / "obsscaling").exists(), reason="shared data not present")
def test_sigmoid_of_capability_against_compute_on_obsscaling() -> None:
    rows = list(csv.DictReader((SHARED / "obsscaling" / "base_llm_benchmark_eval.csv").open()))
    pts = [(float(r["FLOPs (1E21)"]) * 1e21, float(r["MMLU"])) for r in rows
           if r["FLOPs (1E21)"] and r["MMLU"]]  # fmt: skip
    x = np.log10([p[0] for p in pts])
    y = np.array([p[1] for p in pts])
    fit = fit_capability(x, y, floor=0.25, bootstrap=60, seed=0)
    assert fit.params["floor"].value == 0.25
    assert 0.6 < fit.params["ceiling"].value <= 1.0
    assert x.min() < fit.params["midpoint"].value < x.max() + 1
    assert fit.params["slope"].lo < fit.params["slope"].value < fit.params["slope"].hi
    resid = y - predict_capability(fit, x)
    assert np.sqrt(np.mean(resid**2)) < 0.1


def test_trend_gives_factor_per_year_and_halving_time() -> None:
    years = np.linspace(2020, 2026, 25)
    price = (
        30.0 * 0.5 ** ((years - 2020) / 1.5) * np.exp(np.random.default_rng(0).normal(0, 0.05, 25))
    )
    fit = fit_time_trend(years, price, bootstrap=200, seed=0)
    assert fit.derived["halving_years"].value == pytest.approx(1.5, rel=0.1)
    assert fit.derived["factor_per_year"].value == pytest.approx(0.5 ** (1 / 1.5), rel=0.05)
    assert fit.derived["halving_years"].lo < 1.5 < fit.derived["halving_years"].hi


# --- the command line and bad input -----------------------------------------------------------
def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_cli_fit_json_and_allocate(tmp_path: Path) -> None:
    n, d, loss = synthetic(2, noise=0.005)
    path = _write(tmp_path / "runs.csv", ["params", "flops", "loss"],
                  [[a, 6 * a * b, c] for a, b, c in zip(n, d, loss, strict=True)])  # fmt: skip
    runner = CliRunner()
    args = ["fit", str(path), "--form", "chinchilla", "--n-col", "params", "--c-col", "flops",
            "--loss-col", "loss", "--bootstrap", "40", "--seed", "1", "--json",
            "--plot", str(tmp_path / "fit.png")]  # fmt: skip
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["n_points"] == n.size and out["bootstrap"] == 40
    for key in ("E", "A", "B", "alpha", "beta"):
        p = out["params"][key]
        assert p["se"] > 0 and p["ci95"][0] <= p["estimate"] <= p["ci95"][1]
    assert (tmp_path / "fit.png").stat().st_size > 10_000
    params = tmp_path / "fit.json"
    params.write_text(result.stdout)
    alloc = runner.invoke(cli, ["allocate", "--params", str(params), "--compute", "1e24", "--json"])
    assert alloc.exit_code == 0, alloc.output
    row = json.loads(alloc.stdout)[0]
    assert row["N_opt"]["ci95"][0] < row["N_opt"]["estimate"] < row["N_opt"]["ci95"][1]


def test_bad_csv_input_names_row_and_column(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["fit", "--form", "chinchilla", "--n-col", "N", "--d-col", "D", "--loss-col", "L"]
    bad = _write(tmp_path / "bad.csv", ["N", "D", "L"], [[1e9, 1e10, 2.5], [1e9, -5, 2.4]])
    r = runner.invoke(cli, [base[0], str(bad), *base[1:]])
    assert r.exit_code == 1 and "row 3, column 'D': must be positive" in r.stderr
    nan = _write(tmp_path / "nan.csv", ["N", "D", "L"], [[1e9, 1e10, "nan"]])
    r = runner.invoke(cli, [base[0], str(nan), *base[1:]])
    assert "row 2, column 'L'" in r.stderr
    missing = _write(tmp_path / "m.csv", ["N", "tokens", "L"], [[1e9, 1e10, 2.5]])
    r = runner.invoke(cli, [base[0], str(missing), *base[1:]])
    assert "no column 'D'" in r.stderr and "N, tokens, L" in r.stderr
    few = _write(tmp_path / "few.csv", ["N", "D", "L"], [[1e9, 1e10, 2.5]] * 4)
    r = runner.invoke(cli, [base[0], str(few), *base[1:]])
    assert "needs at least 6 points, got 4" in r.stderr
    with pytest.raises(InputError, match="at least 3 points"):
        fit_time_trend(np.array([2020.0, 2021.0]), np.array([1.0, 2.0]))
