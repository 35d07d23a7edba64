"""The second look, alone: does the stronger model tell an answer's sentence from its near
misses?

A lookup's last guard (``swarm/verify.py``) shows the stronger model one sentence, the
value in it and the question, and asks whether the sentence gives that value as the answer
as things stand now. This measures that call by itself, without the rest of the swarm: for
each generated case, the sentence that states the answer (the right verdict is yes) and
every sentence holding one of its near-miss values (revoked, older, another item, another
unit: the right verdict is no), each shown as ``verify.evidence_sentence`` shows it (with
the local headings above it).

Two framings, side by side in one run, on the same sentences:

- ``verdict``: today's single question (``prompts.VERIFY_SYSTEM``: yes / old / other);
- ``verdict+doubt``: the same, then a second question asked apart that is yes when the value
  is *not* the answer (``DOUBT_SYSTEM``); the value passes only on yes then no. A
  model that says yes to whatever it is asked says yes to both and the value fails: the
  second question turns a yes-sayer's agreement into a visible contradiction.

Reported per split (genres the protocol was built or studied on vs held out): the share of
answer sentences kept (recall) and of near-miss sentences set aside, with 95% intervals.

Usage: python -m benchmarks.second_look [--seeds 3] [--size 2000] [--splits ...]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from benchmarks._results import markdown, write
from benchmarks.corpus.lookup import GENRES, generate, split_of, states
from benchmarks.longdoc import wilson
from shoal.models import get_model
from shoal.swarm import prompts
from shoal.swarm.check import sentence_around
from shoal.swarm.structure import Outline

DOUBT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "reason": {"type": "string", "maxLength": 200},
        "verdict": {"type": "string", "enum": ["yes", "no"]},
    },
    "required": ["reason", "verdict"],
}

DOUBT_SYSTEM = (
    "You look for a reason to doubt one piece of evidence. Given a question, a sentence "
    "from a document and a value taken from it, decide whether the sentence shows that the "
    "value is NOT the answer to exactly this question as things stand now: because the "
    "sentence calls it earlier, first, older, former, previous, superseded, corrected, "
    "wrong, mistaken, reverted, cancelled, planned or disputed, or because the value is "
    "about another item, person, place or quantity than the one asked about, or because "
    "the sentence only mentions something related. Reply with JSON: reason (a few words on "
    'what the sentence says about the value), then verdict: "yes" if there is such a '
    'reason to doubt it, "no" if the sentence plainly gives the value as the answer.'
)


def sentences(text: str, value: str, outline: Outline) -> list[str]:
    """Each distinct sentence of ``text`` that states ``value``, under its local headings."""
    out: list[str] = []
    seen: set[tuple[int, int]] = set()
    pos = 0
    needle = value.split()[0] if value.split() else value
    while (i := text.find(needle, pos)) >= 0:
        pos = i + 1
        s, e = sentence_around(text, i, i + len(needle))
        if (s, e) in seen or not states(text[s:e], value):
            continue
        seen.add((s, e))
        heads = [text[h.start : h.end] for h in outline.local(s) if h.end <= s]
        out.append(" / ".join([*heads, " ".join(text[s:e].split())]))
    return out


async def ask(model: Any, system: str, question: str, sentence: str, value: str) -> str:
    msgs = prompts.verify_messages(question, sentence, value, system)
    schema = prompts.VERIFY_SCHEMA if system == prompts.VERIFY_SYSTEM else DOUBT_SCHEMA
    try:
        reply = await model.complete(msgs, schema=schema, max_tokens=120, retries=1)
        return str(reply.parsed["verdict"])
    except Exception as exc:  # noqa: BLE001 - a failed call is counted, not fatal
        return f"failed: {exc}"[:60]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--splits", default="tune,dev,studied,held-out")
    ap.add_argument("--out", default="second_look")
    args = ap.parse_args()
    model = get_model(args.model)
    splits = args.splits.split(",")
    items: list[dict[str, Any]] = []
    for genre in GENRES:
        if split_of(genre) not in splits:
            continue
        for seed in range(101, 101 + args.seeds):
            case = generate(genre, args.size, seed, model.count_tokens, True)
            assert case.evidence is not None and case.answer is not None
            outline = Outline(case.text)
            s, e = case.evidence
            heads = [case.text[h.start : h.end] for h in outline.local(s) if h.end <= s]
            shown = [(" / ".join([*heads, " ".join(case.text[s:e].split())]), case.answer, True)]
            for w in dict.fromkeys(case.wrong):
                shown += [(x, w, False) for x in sentences(case.text, w, outline)[:2]]
            items += [
                {"genre": genre, "split": split_of(genre), "seed": seed,
                 "question": case.question, "sentence": x, "value": v, "is_answer": right}
                for x, v, right in shown
            ]  # fmt: skip
    # one framing at a time, so consecutive calls share the system prompt's cached prefix
    for field, system in (("verdict", prompts.VERIFY_SYSTEM), ("doubt", DOUBT_SYSTEM)):
        for r in items:
            t0 = time.perf_counter()
            r[field] = asyncio.run(ask(model, system, r["question"], r["sentence"], r["value"]))
            r[f"{field}_s"] = round(time.perf_counter() - t0, 2)
            kind = "ANSWER" if r["is_answer"] else "near"
            print(f"{field:<8}{r['genre']:<10}{kind:<7}{r[field]:<6} {r['value']!r:<22} "
                  f"{r['sentence'][:60]!r}", flush=True)  # fmt: skip
    rows = items
    lines, summary = [], {}
    for split in [*splits, "all"]:
        sel = [r for r in rows if split in ("all", r["split"])]
        for name, keep in (
            ("verdict", lambda r: r["verdict"] == "yes"),
            ("verdict+doubt", lambda r: r["verdict"] == "yes" and r["doubt"] == "no"),
        ):
            pos = [r for r in sel if r["is_answer"]]
            neg = [r for r in sel if not r["is_answer"]]
            kept = sum(1 for r in pos if keep(r))
            rejected = sum(1 for r in neg if not keep(r))
            klo, khi = wilson(kept, len(pos))
            rlo, rhi = wilson(rejected, len(neg))
            summary[f"{split}|{name}"] = {
                "answers": len(pos), "answers_kept": kept, "near_misses": len(neg),
                "near_misses_set_aside": rejected,
            }  # fmt: skip
            lines.append([split, name, f"{kept}/{len(pos)} [{klo:.2f}, {khi:.2f}]",
                          f"{rejected}/{len(neg)} [{rlo:.2f}, {rhi:.2f}]"])  # fmt: skip
    print(markdown(["split", "framing", "answers kept [95% CI]", "near misses set aside"], lines))
    write(args.out, rows, summary=summary, model=args.model, size=args.size,
          seeds=args.seeds)  # fmt: skip


if __name__ == "__main__":
    main()
