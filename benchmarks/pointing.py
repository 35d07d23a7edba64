"""Per-document reads of a screening, quote written or pointed at: how often does one read
settle a document, and how often is that verdict right?

A screening reads one record per document. Asked to *write* a quote, SmolLM2-135M wrote
prose of its own and '}{' for numbers on nearly every short document, so the lead re-read
them all. ``records.schema`` now makes a short document's quote one of its sentences (by
grammar) and a number field's value a number. This measures both ways, worker and lead,
on the same documents in one run, with the plan fixed (as the lead writes it), so only the
read differs. Shapes: tenancy applications and resumes (both studied; seeds no run has
used); builders' quotes are kept aside for the end-to-end run.

Per configuration: documents settled (a verdict, nothing rejected), settled right, settled
wrong (a verified value leading to the wrong verdict) and of those the wrong fails (the
worst case: the lead re-reads every document in the answer, so a wrong pass is checked, a
wrong fail only while the budget lasts), prompt tokens and seconds.

The stronger model's re-reads also read several short documents per call
(``extract._together``): ``--modes pointed,pointed:4`` measures that against one per call.

Usage:
  python -m benchmarks.pointing                      # 50 applications + 50 resumes, seed 20
  python -m benchmarks.pointing --n 20 --models smollm2-135m
  python -m benchmarks.pointing --seed 21 --models qwen2.5-coder-1.5b --modes pointed,pointed:4
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from benchmarks._results import table, write
from benchmarks.corpus.aggregate import ScreenCase, applicants_case, quotes_case, screen_case
from benchmarks.longdoc import wilson
from shoal.errors import StructuredOutputError
from shoal.models import get_model
from shoal.swarm import extract
from shoal.swarm import records as rec
from shoal.swarm.compute import judge
from shoal.swarm.documents import Document
from shoal.swarm.query import QueryPlan
from shoal.swarm.units import split

PLANS = {
    # the plans the 1.5B lead wrote for these questions in earlier runs
    "applicants": {
        "operation": "judge", "unit": "applicant",
        "fields": [{"name": "yearly_income", "type": "number", "description": "yearly income"},
                   {"name": "pets", "type": "flag", "description": "the applicant has pets"}],
        "where": [{"field": "yearly_income", "op": "ge", "value": "30000"},
                  {"field": "pets", "op": "is_false", "value": ""}],
    },
    "screen": {
        "operation": "judge", "unit": "candidate",
        "fields": [{"name": "city", "type": "text",
                    "description": "city the candidate is based in"},
                   {"name": "rust_years", "type": "number",
                    "description": "years of Rust experience"}],
        "where": [{"field": "city", "op": "eq", "value": "Lisbon"},
                  {"field": "rust_years", "op": "ge", "value": "5"}],
    },
    "quotes": {  # as the lead wrote it for seed 4, shoal's day rule applied
        "operation": "judge", "unit": "builder",
        "fields": [{"name": "cost", "type": "number", "description": "total cost in pounds"},
                   {"name": "start_date", "type": "date",
                    "description": "when work can begin"}],
        "where": [{"field": "cost", "op": "le", "value": "5000"},
                  {"field": "start_date", "op": "lt", "value": "2027-03-01"}],
    },
}  # fmt: skip
CASES = {"applicants": applicants_case, "screen": screen_case, "quotes": quotes_case}


async def _read(
    model: Any, plan: QueryPlan, case: ScreenCase, point: bool, together: int = 1
) -> dict[str, Any]:
    docs = [Document(name, text) for name, text in case.files.items()]
    units = split(docs, model.count_tokens, True)
    settled = right = wrong = false_fail = tokens = calls = malformed = 0
    start = time.perf_counter()
    for group in extract._together([(u, "") for u in units], model, together):
        read = extract._group_unit(group)
        msgs = rec.messages(plan, read, point)
        tokens += model.count_message_tokens(msgs)
        calls += 1
        try:
            reply = await model.complete(msgs, schema=rec.schema(plan, read, point),
                                         role="worker", max_tokens=320 * len(group))  # fmt: skip
            got = (rec.check_documents(reply.parsed, read, plan, model.name)
                   if read.kind == "documents"
                   else [rec.check_extraction(reply.parsed, read, plan, model.name)])  # fmt: skip
        except StructuredOutputError as exc:
            malformed += len(group)
            got = [rec.malformed_extraction(u, exc.last_text, str(exc), model.name)
                   for u, _ in group]  # fmt: skip
        for u, ex in zip(read.members or (read,), got, strict=True):
            if ex.troubled or not ex.records:
                continue
            verdict = judge(plan, ex.records)[0]["passes"]
            if verdict is None:
                continue
            settled += 1
            if verdict == (u.doc_name in case.answer):
                right += 1
            else:
                wrong += 1
                false_fail += verdict is False
    n = len(units)
    lo, hi = wilson(right, n)
    return {
        "documents": n,
        "settled": settled,
        "settled right": right,
        "settled wrong": wrong,
        # a wrong pass is re-read by the lead (every document in the answer is); a wrong
        # fail stands unless the escalation budget reaches it
        "of which fail": false_fail,
        "right share [95%]": f"{right / n:.2f} [{lo:.2f}, {hi:.2f}]",
        "calls": calls,
        "malformed": malformed,
        "prompt tokens": tokens,
        "wall s": round(time.perf_counter() - start, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=50, help="documents per shape")
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--shapes", default="applicants,screen")
    ap.add_argument("--models", default="smollm2-135m,qwen2.5-coder-1.5b")
    ap.add_argument("--modes", default="written,pointed",
                    help="written, pointed, or pointed:K (K short documents per call, as "
                    "the stronger model's re-reads are: extract._together)")  # fmt: skip
    ap.add_argument("--out", default="pointing")
    args = ap.parse_args()
    rows = []
    modes = [m.split(":") for m in args.modes.split(",")]
    for shape in args.shapes.split(","):
        case = CASES[shape](args.n, args.seed)
        plan = QueryPlan.from_dict(PLANS[shape])
        for name in args.models.split(","):
            model = get_model(name)
            for mode, k in ((m[0], int(m[1]) if len(m) > 1 else 1) for m in modes):
                point = mode != "written"
                row = {"shape": shape, "model": name, "quote": mode, "together": k}
                row.update(asyncio.run(_read(model, plan, case, point, k)))
                rows.append(row)
                print(row, flush=True)
    cols = ["shape", "model", "quote", "together", "documents", "calls", "malformed",
            "settled", "settled right", "settled wrong", "of which fail", "right share [95%]",
            "prompt tokens", "wall s"]  # fmt: skip
    table(rows, cols)
    write(args.out, rows, seed=args.seed, n=args.n,
          note="plan fixed; written = free quote, pointed = one of the document's sentences "
          "by grammar, numbers as numbers; together = documents per call")  # fmt: skip


if __name__ == "__main__":
    main()
