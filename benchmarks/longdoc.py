"""Lookups on long documents nobody tuned for: accuracy, wrong answers with citations,
abstention, escalation cost and the lead's tokens, with 95% intervals, in one run.

Documents: ``corpus/lookup.py``'s generated genres (by split: ``tune``, ``dev``, ``studied``
were seen while the protocol was developed; ``sealed`` ones never were, and are run only as
a session's final measurement) at each size, a share of them without an answer, plus
``corpus/real.py`` (licences, release notes, changelogs, NEWS files; ``held-out`` or
``sealed`` questions). Configurations:

- ``default``: Qwen2.5-Coder-1.5B leads, SmolLM2-135M reads (the swarm);
- ``same``: SmolLM2-135M as both lead and workers;
- ``skim``: the default pair with no worker reads (``--strategy skim``): the lead re-reads
  the passages BM25 ranks highest; an ablation of what the workers add;
- ``lead``: Qwen2.5-Coder-1.5B alone reads the whole document (``--strategy lead``), only
  where the document fits ``--lead-max`` tokens.

Rows are appended to the JSON as they finish, and a rerun skips rows already there, so a
long run that is stopped loses nothing.

Usage:
  python -m benchmarks.longdoc                                  # the full grid (hours)
  python -m benchmarks.longdoc --sizes 2000 --per-size 6 --configs default --no-real
  python -m benchmarks.longdoc --splits sealed --only '^judgment-' --out after   # a rerun
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import time
from pathlib import Path
from typing import Any

from benchmarks._results import markdown
from benchmarks.corpus.lookup import Case, grade, split_of, states, suite
from benchmarks.corpus.real import cases as real_cases
from shoal.errors import ShoalError
from shoal.models import get_model
from shoal.store import Store
from shoal.swarm import Document, Swarm

RESULTS = Path(__file__).parent / "results"
CONFIGS = {
    "default": ("qwen2.5-coder-1.5b", "smollm2-135m", "swarm"),
    "same": ("smollm2-135m", "smollm2-135m", "swarm"),
    # the default pair with no worker reads: the lead re-reads what BM25 ranks highest
    # (an ablation of the workers, and a strategy of its own)
    "skim": ("qwen2.5-coder-1.5b", "smollm2-135m", "skim"),
    "lead": ("qwen2.5-coder-1.5b", "smollm2-135m", "lead"),
}


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    mid = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, mid - half), min(1.0, mid + half))


def run_case(config: str, case: Case, store: Store, size: int) -> dict[str, Any]:
    lead, worker, strategy = CONFIGS[config]
    swarm = Swarm(lead=lead, workers=worker, store=store)
    doc = Document(case.source if case.source != "generated" else f"{case.id}.txt", case.text)
    case_fields = {
        "config": config,
        "case": case.id,
        "genre": case.genre,
        "split": case.split,
        "size": size,
        "tokens": get_model(worker).count_tokens(case.text),
        "answerable": case.answer is not None,
        "position": round(case.position, 3),
        "question": case.question,
        "expected": case.answer,
    }
    start = time.perf_counter()
    try:
        answer = swarm.ask(doc, case.question, strategy)
    except ShoalError as exc:  # shoal's failure on this case is a result, not the run's end
        return case_fields | failed(exc, time.perf_counter() - start)
    wall = time.perf_counter() - start
    verdict = grade(answer.answer, case)
    u_lead = answer.usage.get("lead")
    u_esc = answer.usage.get("escalation")
    u_worker = answer.usage.get("worker")
    cited_evidence = case.evidence is not None and any(
        c.start < case.evidence[1] and case.evidence[0] < c.end for c in answer.citations
    )
    trail = stages(store, answer.run_id, case)
    return case_fields | {
        "answer": answer.answer,
        "verdict": verdict,
        "cited": bool(answer.citations),
        "cited_evidence": cited_evidence,
        "confidence": answer.confidence,
        "workers_found_it": bool((answer.confidence_basis or {}).get("workers")),
        "worker_supported_reports": answer.reports.get("supported", 0),
        "lead_prompt_tokens": (u_lead.prompt_tokens if u_lead else 0)
        + (u_esc.prompt_tokens if u_esc else 0),
        # the part of the lead's tokens reused from a cached prefix, not computed
        "lead_cached_tokens": (u_lead.cached_tokens if u_lead else 0)
        + (u_esc.cached_tokens if u_esc else 0),
        "worker_prompt_tokens": u_worker.prompt_tokens if u_worker else 0,
        "lead_alone_tokens": answer.lead_alone_tokens,
        "escalation_reads": answer.escalation.get("reads", 0),
        "escalation_tokens": answer.escalation.get("spent_tokens", 0),
        "cost_usd": answer.cost_usd,
        "lead_alone_cost_usd": answer.lead_alone_cost_usd,
        "wall_s": round(wall, 2),
        "notes": answer.notes,
        "run_id": answer.run_id,
        **trail,
    }


def failed(exc: Exception, wall: float) -> dict[str, Any]:
    """The outcome fields of a case on which shoal raised instead of answering: counted as
    neither right nor an abstention."""
    return {
        "answer": f"error: {exc}"[:300], "verdict": "failed",
        "cited": False, "cited_evidence": False, "confidence": 0.0, "workers_found_it": False,
        "worker_supported_reports": 0, "lead_prompt_tokens": 0, "worker_prompt_tokens": 0,
        "lead_alone_tokens": 0, "escalation_reads": 0, "escalation_tokens": 0,
        "cost_usd": 0.0, "lead_alone_cost_usd": 0.0, "wall_s": round(wall, 2), "notes": [],
        "run_id": None,
    }  # fmt: skip


def stages(store: Store, run_id: str, case: Case) -> dict[str, Any]:
    """Where the answer was found or lost, from the stored jobs: did a worker verify it, did
    a worker quote its place without it, was its place re-read, and did the re-read confirm
    it (a diagnosis, not part of the grade)."""
    if case.evidence is None:
        return {}
    lo, hi = case.evidence
    want = (case.answer or "", *case.accept)

    def at(j: dict[str, Any]) -> bool:
        a, b = j.get("start"), j.get("end")
        return a is not None and b is not None and a < hi + 200 and lo - 200 < b

    def holds(j: dict[str, Any]) -> bool:
        return bool(j.get("supported")) and any(states(j.get("answer") or "", w) for w in want if w)

    jobs = store.get_jobs(run_id)
    workers = [j for j in jobs if j["kind"] == "worker"]
    reads = [j for j in jobs if j["kind"] == "read"]
    return {
        "worker_verified_it": any(holds(j) for j in workers),
        "worker_pointed_at_it": any(at(j) and not j.get("supported") for j in workers),
        "reread_its_place": any(
            (j.get("lo") or 0) <= lo and hi <= (j.get("hi") or 0) for j in reads
        ),
        "reread_confirmed_it": any(holds(j) for j in reads),
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if r["answerable"]]
    none = [r for r in rows if not r["answerable"]]
    right = sum(r["verdict"] == "right" for r in answerable)
    lo, hi = wilson(right, len(answerable))
    wrong_cited = sum(r["verdict"] == "wrong" and r["cited"] for r in rows)
    wlo, whi = wilson(wrong_cited, len(rows))
    abstained = sum(r["verdict"] == "abstained" for r in none)
    alo, ahi = wilson(abstained, len(none))
    sure = [r for r in rows if r["confidence"] >= 0.8 and r["verdict"] != "abstained"]
    sure_right = sum(r["verdict"] == "right" for r in sure)
    lead = sum(r["lead_prompt_tokens"] for r in rows)
    alone = sum(r["lead_alone_tokens"] for r in rows)
    computed = lead - sum(r.get("lead_cached_tokens", 0) for r in rows)
    return {
        "n": len(rows),
        "answerable": len(answerable),
        "accuracy": right / len(answerable) if answerable else None,
        "accuracy_ci95": [lo, hi],
        "wrong_with_citations": wrong_cited / len(rows) if rows else None,
        "wrong_with_citations_ci95": [wlo, whi],
        "no_answer_docs": len(none),
        "abstention": abstained / len(none) if none else None,
        "abstention_ci95": [alo, ahi],
        "answers_with_confidence_ge_0.8": len(sure),
        "right_among_confidence_ge_0.8": sure_right / len(sure) if sure else None,
        "escalation_reads_mean": sum(r["escalation_reads"] for r in rows) / max(1, len(rows)),
        "right_answers_workers_found": sum(
            r["verdict"] == "right" and r.get("workers_found_it", False) for r in rows
        ),
        "escalation_tokens_mean": sum(r["escalation_tokens"] for r in rows) / max(1, len(rows)),
        "lead_tokens_mean": lead / max(1, len(rows)),
        "lead_alone_tokens_mean": alone / max(1, len(rows)),
        "lead_reads_x_fewer": alone / lead if lead else None,
        "lead_computes_x_fewer": alone / computed if computed else None,
        "wall_s_mean": sum(r["wall_s"] for r in rows) / max(1, len(rows)),
        "cost_usd_mean": sum(r["cost_usd"] for r in rows) / max(1, len(rows)),
        "lead_alone_cost_usd_mean": sum(r["lead_alone_cost_usd"] for r in rows) / max(1, len(rows)),
    }


def calibration(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    bins = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]
    out = []
    for lo, hi in bins:
        given = [r for r in rows if lo <= r["confidence"] < hi and r["verdict"] != "abstained"]
        right = sum(r["verdict"] == "right" for r in given)
        out.append(
            {
                "confidence": f"[{lo:.1f}, {min(hi, 1.0):.1f})",
                "answers": len(given),
                "right": right,
                "share_right": right / len(given) if given else None,
            }
        )
    return out


def _fmt(x: Any, pct: bool = True) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{100 * x:.0f}%" if pct else f"{x:,.0f}"


def report(rows: list[dict[str, Any]]) -> dict[str, Any]:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for r in rows:
        size = "real" if r["genre"] == "real" else str(r["size"])
        split = f"real {r['split']}" if r["genre"] == "real" else r["split"]
        groups.setdefault((r["config"], size, split), []).append(r)
        groups.setdefault((r["config"], "any", split), []).append(r)
    summary = {f"{c}|{s}|{sp}": summarise(g) for (c, s, sp), g in sorted(groups.items())}
    lines = []
    for key, s in summary.items():
        c, size, split = key.split("|")
        size = f"all sizes, {split}" if size == "any" else f"{size}, {split}"
        lines.append(
            [
                c,
                size,
                str(s["n"]),
                f"{_fmt(s['accuracy'])} "
                f"[{_fmt(s['accuracy_ci95'][0])}, {_fmt(s['accuracy_ci95'][1])}]",
                _fmt(s["wrong_with_citations"]),
                _fmt(s["abstention"]),
                _fmt(s["right_among_confidence_ge_0.8"]),
                f"{s['escalation_reads_mean']:.1f} / {s['escalation_tokens_mean']:,.0f}",
                f"{s['lead_tokens_mean']:,.0f} / {s['lead_alone_tokens_mean']:,.0f}",
                f"{s['lead_reads_x_fewer']:.1f}x" if s["lead_reads_x_fewer"] else "-",
                f"{s['lead_computes_x_fewer']:.1f}x" if s["lead_computes_x_fewer"] else "-",
                f"{s['wall_s_mean']:.0f}",
            ]
        )
    print(
        markdown(
            [
                "config",
                "size",
                "n",
                "right [95% CI]",
                "wrong+cited",
                "abstain ok",
                "right@conf>=.8",
                "esc reads/tok",
                "lead tok / alone",
                "x fewer",
                "x fewer computed",
                "wall s",
            ],
            lines,
        )
    )
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2000,8000,16000,32000")
    parser.add_argument("--per-size", type=int, default=20)
    parser.add_argument("--configs", default="default,same,lead")
    parser.add_argument(
        "--lead-max",
        type=int,
        default=8000,
        help="run --strategy lead only on documents up to this many tokens",
    )
    parser.add_argument(
        "--same-max",
        type=int,
        default=8000,
        help="run the same-model pair only up to this size (time)",
    )
    parser.add_argument("--no-real", action="store_true")
    parser.add_argument("--genres", default=None, help="comma-separated subset of genres")
    parser.add_argument(
        "--splits",
        default="tune,dev,studied",
        help="generated genres and real questions of these splits (sealed: final runs only)",
    )
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument(
        "--only",
        default=None,
        help="run only the cases whose id matches this regular expression (e.g. to measure "
        "a change on the cases that showed the failure, into another --out)",
    )
    parser.add_argument("--out", default="longdoc")
    args = parser.parse_args()
    out = RESULTS / f"{args.out}.json"
    store = Store(f"sqlite:///{RESULTS / (args.out + '.db')}")
    rows: list[dict[str, Any]] = json.loads(out.read_text())["rows"] if out.exists() else []
    done = {(r["config"], r["case"]) for r in rows}
    count = get_model("smollm2-135m").count_tokens
    from benchmarks.corpus.lookup import GENRES

    splits = set(args.splits.split(","))
    genres = (
        tuple(args.genres.split(","))
        if args.genres
        else tuple(g for g in GENRES if split_of(g) in splits)
    )
    if not genres and args.no_real:
        raise SystemExit(f"no generated genre is in the splits {args.splits!r}: nothing to run")
    plan: list[tuple[int, Case]] = []
    for size in [int(s) for s in args.sizes.split(",")]:
        plan += [
            (size, c)
            for c in suite([size], args.per_size, count, genres=genres, first_seed=args.first_seed)
        ]
    if not args.no_real:
        plan += [(0, c) for c in real_cases() if c.split in splits]
    if args.only:
        plan = [(size, c) for size, c in plan if re.search(args.only, c.id)]
    meta = {
        "cpu_count": os.cpu_count(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "targets": "default pair: >=90% right up to 32k tokens, <=2% wrong with citations, "
        ">=90% correct abstention, lead reads >=5x fewer tokens than alone",
        "configs": CONFIGS,
    }
    for config in args.configs.split(","):
        for size, case in plan:
            if (config, case.id) in done:
                continue
            tokens = count(case.text)
            if config == "lead" and tokens > args.lead_max:
                continue
            if config == "same" and tokens > args.same_max:
                continue
            row = run_case(config, case, store, size)
            rows.append(row)
            print(
                f"{config:<8}{case.id:<34}{row['tokens']:>7} {row['verdict']:<10}"
                f"conf={row['confidence']:.2f} reads={row['escalation_reads']} "
                f"lead={row['lead_prompt_tokens']} {row['wall_s']:.0f}s "
                f"{row['answer'][:50]!r}",
                flush=True,
            )
            out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    summary = report(rows)
    out.write_text(
        json.dumps(
            {
                "meta": meta,
                "summary": summary,
                "calibration": {
                    c: calibration([r for r in rows if r["config"] == c])
                    for c in {r["config"] for r in rows}
                },
                "rows": rows,
            },
            indent=1,
        )
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
