"""The judgement alone: given the sentences that hold verified values, does the stronger
model pick the answer, and does it hold back when only look-alikes are left?

A lookup's last step (``swarm/judge.py``) reads the sentences of every verified value that
passed the word rules together, scores each value and "null" (both orders), and asks apart
whether the best one's sentence gives the answer. This measures that step without the rest
of the swarm, so its cost is minutes, not hours: for each generated case (a share of them
without the answer), the answer's sentence and the sentences of its near misses, each
under its local headings, as the swarm would show them; the word rules (``check.fit``)
first, as in the swarm; then ``judge.weigh`` on what they leave.

``--fit`` fits ``confidence.WEIGHTS`` (``benchmarks/calibrate.py``'s model) on these
synthetic judgements and writes them to the JSON, for comparison: the weights in use are
fitted on real runs' judgements by ``calibrate.py``. Fit only on development splits;
measure on the others (``--splits sealed`` is for a session's final run only).

Reported per split: with the answer present, how often the pick is right / wrong /
withheld; without it, how often shoal abstains; at the default threshold and at others.

Usage: python -m benchmarks.judge [--splits tune,dev,studied] [--seeds 5] [--fit]
       [--genres a,b] [--also judge]   (judge only these genres; fit with earlier cases)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from benchmarks import calibrate
from benchmarks._results import RESULTS, markdown, write
from benchmarks.corpus.lookup import GENRES, generate, split_of, states
from benchmarks.longdoc import wilson
from shoal.models import get_model
from shoal.models.base import Model
from shoal.swarm import confidence, prompts
from shoal.swarm.check import bare_names, carries, fit, sentence_around, terms
from shoal.swarm.judge import weigh
from shoal.swarm.structure import Outline

ANSWERABLE_OF = 3
"""Of every ``--seeds`` cases of a genre, the first this many hold the answer."""


def statements(text: str, question: str, answer: str | None, evidence: tuple[int, int] | None,
               wrong: tuple[str, ...]) -> list[dict[str, Any]]:  # fmt: skip
    """The answer's sentence (if any) and up to two sentences per near-miss value, in
    document order, each under its local headings, with the word rules' verdict."""
    outline = Outline(text)
    vocabulary = set(terms(text))
    bare = bare_names([text], question, vocabulary)
    out: list[dict[str, Any]] = []

    def add(s: int, e: int, value: str, right: bool) -> None:
        heads = [text[h.start : h.end] for h in outline.local(s) if h.end <= s]
        sentence = " ".join(text[s:e].split())
        f = fit(sentence, question, "\n".join(heads), "", value, vocabulary, bare,
                outline.subject(s))  # fmt: skip
        out.append({"text": " / ".join([*heads, sentence]), "value": value, "right": right,
                    "viable": f.viable, "start": s})  # fmt: skip

    if answer is not None and evidence is not None:
        add(*evidence, answer, True)
    for w in dict.fromkeys(wrong):
        seen: set[tuple[int, int]] = set()
        pos = 0
        while len(seen) < 2 and (i := text.find(w.split()[0], pos)) >= 0:
            pos = i + 1
            s, e = sentence_around(text, i, i + len(w.split()[0]))
            if (s, e) in seen or not states(text[s:e], w):
                continue
            if evidence is not None and s <= evidence[0] < e:
                continue
            seen.add((s, e))
            add(s, e, w, False)
    return sorted(out, key=lambda x: x["start"])


async def rendered(model: Model, question: str, x: dict[str, Any]) -> str:
    """The value as the stronger model writes it reading the sentence alone (as its
    re-reads give the swarm its values), when that carries the value; else as given."""
    try:
        reply = await model.complete(prompts.read_messages(question, x["text"]),
                                     schema=prompts.READ_SCHEMA, max_tokens=80)  # fmt: skip
    except Exception:  # noqa: BLE001 - a failed call keeps the value as given
        return str(x["value"])
    said = reply.parsed.get("answer")
    ok = isinstance(said, str) and carries(x["value"], said) and carries(said, x["text"])
    return said if ok and isinstance(said, str) else str(x["value"])


async def judge_item(model: Model, item: dict[str, Any]) -> None:
    alive = [x for x in item["statements"] if x["viable"]]
    item["rules_left"] = len(alive)
    if not alive:
        item["pick"] = None
        return
    for x in alive:
        x["shown"] = await rendered(model, item["question"], x)
    w = await weigh(model, item["question"], [(x["text"], x["shown"]) for x in alive])
    item["shares"] = w.shares
    item["changed"] = w.changed
    item["support"] = list(w.support)
    item["pick"] = None if w.best is None else alive[w.best]["right"]
    item["share"] = None if w.best is None else w.shares[w.best]


def _row(it: dict[str, Any]) -> dict[str, Any]:
    """An item as ``benchmarks/calibrate.py`` reads a judgement."""
    return {"share": it["share"], "none": it["shares"][-1], "support": it["support"],
            "right": bool(it["pick"]), "expected": it["answer"], "genre": it["genre"]}  # fmt: skip


def fit_weights(items: list[dict[str, Any]]) -> tuple[float, ...]:
    """``confidence.WEIGHTS`` fitted on the items that got a pick (``calibrate.fit``)."""
    return calibrate.fit([_row(it) for it in items if it.get("share") is not None])


def confidence_of(it: dict[str, Any], weights: tuple[float, ...]) -> float:
    return 0.0 if it.get("share") is None else calibrate.prob(weights, _row(it))


def outcome(it: dict[str, Any], weights: tuple[float, ...], threshold: float) -> str:
    """right / wrong / abstained, as the swarm would answer at ``threshold``."""
    if it.get("share") is None or confidence_of(it, weights) < threshold:
        return "abstained"
    if it["answer"] is None:
        return "wrong"
    return "right" if it["pick"] else "wrong"


def table(items: list[dict[str, Any]], weights: tuple[float, ...], splits: list[str]) -> tuple[
    list[list[str]], dict[str, Any]]:  # fmt: skip
    lines, summary = [], {}
    for split in [*splits, "all"]:
        sel = [it for it in items if split in ("all", it["split"])]
        ans = [it for it in sel if it["answer"] is not None]
        none = [it for it in sel if it["answer"] is None]
        for t in (0.5, 0.7, 0.8):
            got = [outcome(it, weights, t) for it in ans]
            right, wrong = got.count("right"), got.count("wrong")
            held = sum(outcome(it, weights, t) == "abstained" for it in none)
            lo, hi = wilson(right, len(ans))
            given = [it for it in sel if outcome(it, weights, t) != "abstained"]
            wrong_all = sum(outcome(it, weights, t) == "wrong" for it in given)
            summary[f"{split}|{t}"] = {
                "answerable": len(ans), "right": right, "wrong": wrong,
                "no_answer": len(none), "abstained_on_no_answer": held,
                "answers_given": len(given), "wrong_given": wrong_all,
            }  # fmt: skip
            lines.append([
                split, f"{t:.1f}", f"{right}/{len(ans)} [{lo:.2f}, {hi:.2f}]", str(wrong),
                f"{held}/{len(none)}", f"{wrong_all}/{len(given)}",
            ])  # fmt: skip
    return lines, summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--seeds", type=int, default=5, help="cases per genre")
    ap.add_argument("--first-seed", type=int, default=401)
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--splits", default="tune,dev,studied")
    ap.add_argument("--genres", default="", help="only these genres (comma-separated)")
    ap.add_argument("--also", default="",
                    help="earlier results (a name under benchmarks/results) whose judged "
                         "cases join these in the table and the fit")  # fmt: skip
    ap.add_argument("--fit", action="store_true", help="fit confidence.WEIGHTS on these splits")
    ap.add_argument("--out", default="judge")
    args = ap.parse_args()
    model = get_model(args.model)
    splits = args.splits.split(",")
    only = set(filter(None, args.genres.split(",")))
    items: list[dict[str, Any]] = []
    start = time.perf_counter()
    for genre in GENRES:
        if split_of(genre) not in splits or (only and genre not in only):
            continue
        for k in range(args.seeds):
            case = generate(genre, args.size, args.first_seed + k, model.count_tokens,
                            k < ANSWERABLE_OF)  # fmt: skip
            item = {"genre": genre, "split": split_of(genre), "case": case.id,
                    "question": case.question, "answer": case.answer,
                    "statements": statements(case.text, case.question, case.answer,
                                             case.evidence, case.wrong)}  # fmt: skip
            if not item["statements"]:
                continue
            t0 = time.perf_counter()
            asyncio.run(judge_item(model, item))
            item["seconds"] = round(time.perf_counter() - t0, 2)
            items.append(item)
            print(f"{case.id:<28} rules left {item['rules_left']} pick={item['pick']} "
                  f"share={item.get('share')} support={item.get('support')} "
                  f"{item['seconds']}s", flush=True)  # fmt: skip
    if args.also:
        earlier = json.loads((RESULTS / f"{args.also}.json").read_text())["results"]
        seen = {it["case"] for it in items}
        items += [it for it in earlier if it["case"] not in seen and it["split"] in splits]
    weights = fit_weights(items) if args.fit else confidence.WEIGHTS
    lines, summary = table(items, weights, splits)
    print(markdown(["split", "threshold", "answer present: right [95% CI]", "wrong",
                    "no answer: abstained", "wrong / answers given"], lines))  # fmt: skip
    print(f"weights {'fitted' if args.fit else 'in use'}: {weights}")
    write(args.out, items, summary=summary, weights=weights, fitted=args.fit,
          model=args.model, size=args.size, seeds=args.seeds, splits=splits,
          seconds=round(time.perf_counter() - start, 1))  # fmt: skip


if __name__ == "__main__":
    main()
