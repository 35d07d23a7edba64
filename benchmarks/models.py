"""Prefill and generation tokens/s through shoal versus llama-cpp-python called directly.

Same process, same loaded ``Llama`` object, same prompts, calls interleaved
(shoal, direct, shoal, direct, ...) so machine noise hits both sides alike. shoal's
side includes everything a caller pays for: chat templating, tokenizing, the hop to
the model's thread, and writing the call record to a (temporary) SQLite database.
The direct side is ``Llama.create_chat_completion``, which also templates and tokenizes.

Prefill: a ~1,500-token prompt, 1 output token, with a unique first line so no KV
prefix beyond the chat template's header is reused. Generation: a short prompt and
up to 200 tokens, greedy (both sides produce the same tokens).

Usage: python -m benchmarks.models [--model smollm2-135m] [--repeats 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time

from benchmarks._results import write
from shoal import ledger
from shoal.models import get_model
from shoal.models.llama import LlamaModel
from shoal.store import Store

FILLER = (
    "The archive keeps its ledgers in oak cabinets, sorted by year and by the name of the "
    "clerk who wrote them. Each page carries a stamp, a date and a short note on its source. "
)


def prefill_prompt(i: int, tokens: int, model: LlamaModel) -> str:
    text = f"Request {i * 7919}: summarise this in one word.\n"
    while model.count_tokens(text) < tokens:
        text += FILLER
    return text


async def run(model_name: str, repeats: int, prefill_tokens: int, gen_tokens: int) -> dict:
    model = get_model(f"{model_name}?ctx=4096")
    assert isinstance(model, LlamaModel)
    llm = model.loaded.llm
    store = Store(f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    book = ledger.Ledger(store)
    rows: dict[str, list[float]] = {k: [] for k in ("shoal_prefill", "direct_prefill")}
    rows |= {"shoal_gen": [], "direct_gen": []}

    def direct(messages: list, max_tokens: int) -> tuple[int, int, float]:
        start = time.perf_counter()
        out = llm.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=0)
        secs = time.perf_counter() - start
        return out["usage"]["prompt_tokens"], out["usage"]["completion_tokens"], secs

    async def shoal(messages: list, max_tokens: int) -> tuple[int, int, float]:
        start = time.perf_counter()
        with ledger.scope(book, role="bench"):
            reply = await model.complete(messages, max_tokens=max_tokens)
        secs = time.perf_counter() - start
        return reply.usage.prompt_tokens, reply.usage.completion_tokens, secs

    gen_msgs = [{"role": "user", "content": "Write a long, detailed story about a lighthouse."}]
    await shoal(gen_msgs, 8)  # warm up: load, first-call allocations
    for i in range(repeats):
        for side in ("shoal", "direct"):
            msgs = [
                {
                    "role": "user",
                    "content": prefill_prompt(2 * i + (side == "direct"), prefill_tokens, model),
                }
            ]
            p, _c, secs = await shoal(msgs, 1) if side == "shoal" else direct(msgs, 1)
            rows[f"{side}_prefill"].append(p / secs)
            _p, c, secs = (
                await shoal(gen_msgs, gen_tokens)
                if side == "shoal"
                else direct(gen_msgs, gen_tokens)
            )
            rows[f"{side}_gen"].append(c / secs)
    book.sync()
    med = {k: statistics.median(v) for k, v in rows.items()}
    return {
        "model": model_name,
        "repeats": repeats,
        "prefill_tokens": prefill_tokens,
        "gen_tokens": gen_tokens,
        "prefill_tok_s": {"shoal": med["shoal_prefill"], "direct": med["direct_prefill"]},
        "generation_tok_s": {"shoal": med["shoal_gen"], "direct": med["direct_gen"]},
        "prefill_overhead_pct": 100 * (1 - med["shoal_prefill"] / med["direct_prefill"]),
        "generation_overhead_pct": 100 * (1 - med["shoal_gen"] / med["direct_gen"]),
        "calls_recorded": len(store.recent_calls(10_000)),
        "raw": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", action="append", help="bundled chat model(s)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--prefill-tokens", type=int, default=1500)
    parser.add_argument("--gen-tokens", type=int, default=200)
    args = parser.parse_args()
    names = args.model or ["smollm2-135m", "qwen2.5-coder-1.5b"]
    results = []
    for name in names:
        repeats = args.repeats if name == "smollm2-135m" else max(2, args.repeats // 2)
        results.append(asyncio.run(run(name, repeats, args.prefill_tokens, args.gen_tokens)))
    print(f"{'model':<22}{'metric':<14}{'shoal tok/s':>12}{'direct tok/s':>14}{'overhead':>10}")
    for r in results:
        for metric, key in (("prefill", "prefill_tok_s"), ("generation", "generation_tok_s")):
            pct = r[f"{metric}_overhead_pct"]
            print(
                f"{r['model']:<22}{metric:<14}{r[key]['shoal']:>12.1f}{r[key]['direct']:>14.1f}"
                f"{pct:>9.2f}%"
            )
    write("models", results, target="shoal overhead < 3%")


if __name__ == "__main__":
    main()
