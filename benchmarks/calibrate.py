"""How much a lookup's confidence means, measured on the judgements of real runs.

Every lookup that reaches the judgement (``swarm/judge.py``) stores it as a job of the run:
the pick, each value's share and "null"'s, and the two supports. ``longdoc.py`` keeps its
runs (``benchmarks/results/longdoc*.db``) beside its rows, which say what the right
answer was. This script harvests every stored judgement of the default, ``qwen`` and
same-model configurations, grades its pick (right when it states the expected value; any
pick on a document without the answer is wrong), and measures ``confidence.judged`` on
them: a genre held out at a time, so no genre is scored by weights fitted on it.

``--fit`` fits ``confidence.WEIGHTS`` (a logistic model on ``confidence.features``, L2 0.5
on the slopes) on every harvested judgement and prints them. Harvest only runs on genres
that are no longer sealed: a sealed genre's one final run measures the weights, it never
fits them (``--exclude-splits sealed`` is the default).

The harvested rows are written to ``benchmarks/results/calibrate.json``; the databases are
not kept in git, so ``--from calibrate`` refits from that file on a fresh clone, and a
harvest keeps the rows that file holds for result files whose database is gone (a fresh
clone adds new runs to the old judgements instead of forgetting them).

Usage: python -m benchmarks.calibrate [--fit] [--from calibrate] [--out calibrate]
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks._results import RESULTS, markdown, write
from benchmarks.corpus.lookup import GENRES, split_of, states
from shoal.swarm import confidence

CONFIGS = ("default", "qwen", "same")
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)


def harvest(exclude: set[str], kept: str = "calibrate") -> list[dict[str, Any]]:
    """One row per stored judgement that picked a value: its features and whether the pick
    was right. Judgements that failed, or in which no value led clearly, made no pick.
    Result files without their database contribute the rows ``kept`` holds for them."""
    out: list[dict[str, Any]] = []
    earlier = RESULTS / f"{kept}.json"
    old = json.loads(earlier.read_text())["results"] if earlier.exists() else []
    for rows_file in sorted(RESULTS.glob("longdoc*.json")):
        db = rows_file.with_suffix(".db")
        if not db.exists():
            # a real document's rows passed the exclusion when they were harvested
            mine = [r for r in old if r["source"] == rows_file.stem]
            out += [
                r for r in mine if r["genre"] not in GENRES or split_of(r["genre"]) not in exclude
            ]
            continue
        rows = json.loads(rows_file.read_text()).get("rows") or []
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        for r in rows:
            if r.get("config") not in CONFIGS or not r.get("run_id"):
                continue
            # a generated genre's split today, not at run time; a real document's as recorded
            split = split_of(r["genre"]) if r["genre"] in GENRES else r.get("split")
            if split in exclude:
                continue
            stored = con.execute(
                "SELECT payload FROM jobs WHERE run_id = ? AND kind = 'judge' ORDER BY finished",
                (r["run_id"],),
            ).fetchall()
            if not stored or not stored[-1][0]:
                continue
            p = json.loads(stored[-1][0])
            if p.get("pick") is None or p.get("failed") or p.get("changed"):
                continue
            shares = p["shares"]
            expected = r.get("expected")
            out.append({
                "source": rows_file.stem, "case": r["case"], "genre": r["genre"],
                "config": r["config"], "size": r.get("size"), "expected": expected,
                "pick": p["pick"],
                "right": expected is not None and (states(p["pick"], expected)
                                                   or states(expected, p["pick"])),
                "share": max(v for k, v in shares.items() if k != "none"),
                "none": shares.get("none", 0.0), "support": p["support"],
                # stored, not yet fitted on: a lone pick's shares beside its rivals
                **({"contrast": p["contrast"]} if p.get("contrast") else {}),
            })  # fmt: skip
        con.close()
    return out


def feats(row: dict[str, Any]) -> tuple[float, ...]:
    return confidence.features(row["share"], row["none"], *row["support"])


def fit(rows: Sequence[dict[str, Any]]) -> tuple[float, ...]:
    import numpy as np
    from scipy.optimize import minimize

    x = np.array([(1.0, *feats(r)) for r in rows])
    y = np.array([1.0 if r["right"] else 0.0 for r in rows])

    def loss(w: Any) -> float:
        z = x @ w
        return float(np.sum(np.logaddexp(0, z) - y * z) + 0.5 * np.sum(w[1:] ** 2))

    return tuple(round(float(v), 3) for v in minimize(loss, np.zeros(x.shape[1])).x)


def prob(weights: Sequence[float], row: dict[str, Any]) -> float:
    return confidence.logistic(list(weights), feats(row))


def held_out(rows: list[dict[str, Any]]) -> list[float]:
    """Each row's probability from weights fitted without its genre."""
    out = [0.0] * len(rows)
    for genre in sorted({r["genre"] for r in rows}):
        weights = fit([r for r in rows if r["genre"] != genre])
        for i, r in enumerate(rows):
            if r["genre"] == genre:
                out[i] = prob(weights, r)
    return out


def measure(rows: list[dict[str, Any]], p: list[float]) -> dict[str, Any]:
    right = [p[i] for i, r in enumerate(rows) if r["right"]]
    wrong = [p[i] for i, r in enumerate(rows) if not r["right"]]
    pairs = len(right) * len(wrong)
    auc = sum((a > b) + 0.5 * (a == b) for a in right for b in wrong) / pairs if pairs else 0.0
    loss = -sum(math.log(max(1e-9, p[i] if r["right"] else 1 - p[i])) for i, r in enumerate(rows))
    at = {}
    for t in THRESHOLDS:
        given = [i for i in range(len(rows)) if p[i] >= t]
        ok = sum(rows[i]["right"] for i in given)
        no_answer = [i for i, r in enumerate(rows) if r["expected"] is None]
        at[t] = {"given": len(given), "right": ok, "wrong": len(given) - ok,
                 "no_answer_given": sum(p[i] >= t for i in no_answer)}  # fmt: skip
    return {"auc": round(auc, 3), "log_loss": round(loss / max(1, len(rows)), 3), "at": at}


def bins(rows: list[dict[str, Any]], p: list[float]) -> list[list[str]]:
    lines = []
    for lo, hi in ((0.0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)):
        idx = [i for i in range(len(rows)) if lo <= p[i] < hi]
        if idx:
            mean = sum(p[i] for i in idx) / len(idx)
            share = sum(rows[i]["right"] for i in idx) / len(idx)
            lines.append([f"[{lo:.1f}, {min(hi, 1.0):.1f})", str(len(idx)), f"{mean:.2f}",
                          f"{share:.2f}"])  # fmt: skip
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fit", action="store_true", help="fit confidence.WEIGHTS on every row")
    ap.add_argument(
        "--from",
        dest="source",
        default="",
        help="refit from an earlier harvest (a name under benchmarks/results)",
    )
    ap.add_argument("--exclude-splits", default="sealed")
    ap.add_argument("--out", default="calibrate")
    args = ap.parse_args()
    if args.source:
        rows = json.loads((RESULTS / f"{args.source}.json").read_text())["results"]
    else:
        rows = harvest(set(filter(None, args.exclude_splits.split(","))))
    if not rows:
        raise SystemExit("no stored judgements found: run benchmarks/longdoc.py first")
    in_use: Callable[[dict[str, Any]], float] = lambda r: prob(confidence.WEIGHTS, r)  # noqa: E731
    p_in_use = [in_use(r) for r in rows]
    p_held = held_out(rows)
    report = {"in use (fitted on all)": measure(rows, p_in_use),
              "genre held out": measure(rows, p_held)}  # fmt: skip
    lines = []
    for name, m in report.items():
        for t, a in m["at"].items():
            lines.append([name, f"{m['auc']:.3f}", f"{m['log_loss']:.3f}", f"{t:.1f}",
                          str(a["given"]), str(a["right"]), str(a["wrong"]),
                          f"{a['right'] / a['given']:.2f}" if a["given"] else "-",
                          str(a["no_answer_given"])])  # fmt: skip
    n_none = sum(r["expected"] is None for r in rows)
    print(f"{len(rows)} judgements from {len({r['source'] for r in rows})} result files, "
          f"{sum(r['right'] for r in rows)} right picks, {n_none} on documents without "
          f"the answer, {len({r['genre'] for r in rows})} genres")  # fmt: skip
    print(markdown(["weights", "AUC", "log loss", "threshold", "given", "right", "wrong",
                    "share right", "no-answer given"], lines))  # fmt: skip
    print("\ncalibration, genre held out:")
    print(markdown(["confidence", "n", "mean", "share right"], bins(rows, p_held)))
    fitted = fit(rows) if args.fit else None
    if fitted is not None:
        print(f"\nfitted weights (bias, share, null, plain, strict): {fitted}")
    print(f"weights in use: {confidence.WEIGHTS}")
    write(args.out, rows, summary=report, weights_in_use=list(confidence.WEIGHTS),
          fitted=list(fitted) if fitted else None, judgements=len(rows))  # fmt: skip


if __name__ == "__main__":
    main()
