"""Counts, screenings and lists on real models: is the computed answer exact, and at what
cost? All in one run; rows are appended as they finish and a rerun skips finished ones.

- counts over incident logs (OOLONG-style: the answer is an aggregate over every line; look-
  alikes are other depots, other severities and retracted lines), several seeds per size;
- held-out counts (written 2026-12-05, stop 30): one member's attended classes of one kind in
  one month of a booking register (a namesake, "Spin Express", the next month, no-shows and
  cancellations as look-alikes), and one city's orders above an amount in an order book
  (amounts exactly on the line, refunds);
- screenings of folders of resumes (Lisbon and at least 5 years of Rust; near misses:
  4 years, moved away, rusted bicycles, Rust elsewhere);
- held-out screenings (written 2026-12-05, stop 32, run before any change): tenancy
  applications, who earns at least £30,000 a year and has no pets (near misses: just below
  the line, a guarantor's income, an income given a month, a pet, a pet no longer kept);
- a third screening shape (written 2026-12-05, stop 33, run before any change): builders'
  quotes, who quoted £5,000 or less in total and can start before 1 March 2027 (a number
  and a date; near misses: just over, under before VAT only, a revised total, a late
  start, a withdrawn earlier slot, a week beginning);
- lists of deadlines in a contract (dates that are not deadlines as look-alikes);
- open action items in meeting minutes (done and declined ones as look-alikes; written
  as a held-out list genre on 2026-12-04);
- suppliers raising prices by more than 10% in a procurement memo (a list with a numeric
  filter; look-alikes: rises of 10% or less, cuts, withdrawn proposals, last year's rises;
  written 2026-12-04, studied since);
- projects awarded more than £20,000 in a funding panel's minutes (look-alikes: £20,000 or
  less, a bid for more that got less, rescinded, an earlier round, reduced, deferred, the
  reserve list; written 2026-12-04 in stop 24, held out);
- counts and lists over real documents (gzip's and diffutils' NEWS, git's Debian changelog,
  bash's NEWS; ``corpus/real_records.py``, written 2026-12-06 in stop 39, held out).

Reported: exact-answer rate (counts, with a 95% interval), precision, recall and F1 of the
sets (screenings, lists), the lead's tokens against reading everything alone, escalations
and wall seconds. Configurations: ``default`` (Qwen2.5-Coder-1.5B leads, SmolLM2-135M
reads), ``qwen`` (Qwen reads too), ``lead`` (Qwen alone, where the input fits its window).

Usage:
  python -m benchmarks.aggregate                                   # the full grid (hours)
  python -m benchmarks.aggregate --configs default --counts 4000 --screens 20 --lists 5
  python -m benchmarks.aggregate --first-seed 7 ...                # seeds no run has seen
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks._results import markdown
from benchmarks.corpus.aggregate import (
    actions_case,
    applicants_case,
    bookings_case,
    count_case,
    grants_case,
    list_case,
    orders_case,
    prices_case,
    quotes_case,
    screen_case,
)
from benchmarks.corpus.real_records import RecordQuestion, named
from benchmarks.corpus.real_records import questions as real_questions
from benchmarks.longdoc import wilson
from shoal.models import get_model
from shoal.store import Store
from shoal.swarm import Answer, Document, Swarm
from shoal.swarm.values import parse_date

RESULTS = Path(__file__).parent / "results"
CONFIGS = {
    "default": ("qwen2.5-coder-1.5b", "smollm2-135m", "swarm"),
    "qwen": ("qwen2.5-coder-1.5b", "qwen2.5-coder-1.5b?ctx=8192", "swarm"),
    "lead": ("qwen2.5-coder-1.5b", "smollm2-135m", "lead"),
}


def _usage(answer: Any, role: str, cached: bool = False) -> int:
    u = answer.usage.get(role)
    return (u.cached_tokens if cached else u.prompt_tokens) if u else 0


def _common(answer: Any, wall: float) -> dict[str, Any]:
    return {
        "lead_prompt_tokens": _usage(answer, "lead") + _usage(answer, "escalation"),
        # the part of those the backend reused from a cached prefix (the shared instructions
        # of one block after another) rather than computed: reported beside, never instead
        "lead_cached_tokens": _usage(answer, "lead", True) + _usage(answer, "escalation", True),
        "worker_prompt_tokens": _usage(answer, "worker"),
        "lead_alone_tokens": answer.lead_alone_tokens,
        "escalation_reads": answer.escalation.get("reads", 0),
        "escalation_tokens": answer.escalation.get("spent_tokens", 0),
        "operation": answer.operation,
        "wall_s": round(wall, 1),
        "cost_usd": answer.cost_usd,
        "lead_alone_cost_usd": answer.lead_alone_cost_usd,
        "answer": answer.answer[:300],
        "notes": answer.notes,
        "run_id": answer.run_id,
    }


def _swarm(config: str, store: Store) -> tuple[Swarm, str]:
    lead, worker, strategy = CONFIGS[config]
    return Swarm(lead=lead, workers=worker, store=store), strategy


_COUNTS = {
    "count": (count_case, "incidents.log"),
    "bookings": (bookings_case, "bookings.txt"),
    "orders": (orders_case, "orders.txt"),
}


def _first_int(text: str) -> int | None:
    m = re.search(r"-?\d+", text.replace(",", ""))
    return int(m.group(0)) if m else None


def run_count(
    config: str, size: int, seed: int, store: Store, kind: str = "count"
) -> dict[str, Any]:
    """A count over a log; ``kind`` picks the log: the incident log the protocol was tuned
    on, or a held-out one (a booking register, an order book)."""
    count = get_model("smollm2-135m").count_tokens
    build, doc = _COUNTS[kind]
    case = build(size, seed, count)
    swarm, strategy = _swarm(config, store)
    start = time.perf_counter()
    answer = swarm.ask(Document(doc, case.text), case.question, strategy)
    wall = time.perf_counter() - start
    got = (answer.result or {}).get("value") if strategy == "swarm" else None
    if not isinstance(got, int | float):
        got = _first_int(answer.answer)
    return {
        "kind": kind,
        "config": config,
        "case": case.id,
        "size": size,
        "seed": seed,
        "tokens": count(case.text),
        "question": case.question,
        "expected": case.answer,
        "got": got,
        "exact": got is not None and int(got) == case.answer,
        "items": len(answer.items),
        **_common(answer, wall),
    }


def _prf(got: set[str], want: set[str]) -> dict[str, float]:
    tp = len(got & want)
    p = tp / len(got) if got else (1.0 if not want else 0.0)
    r = tp / len(want) if want else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _set_row(
    kind: str, config: str, case_id: str, size: int, seed: int, tokens: int, question: str,
    want: set[str], got: set[str], answer: Answer, wall: float,
) -> dict[str, Any]:  # fmt: skip
    """A row for a question whose answer is a set (screenings, lists)."""
    return {
        "kind": kind,
        "config": config,
        "case": case_id,
        "size": size,
        "seed": seed,
        "tokens": tokens,
        "question": question,
        "expected": sorted(want),
        "got": sorted(got),
        "exact": got == want,
        **_prf(got, want),
        **_common(answer, wall),
    }


def run_screen(
    config: str, n: int, seed: int, store: Store, kind: str = "screen"
) -> dict[str, Any]:
    build = {"screen": screen_case, "applicants": applicants_case, "quotes": quotes_case}
    case = build[kind](n, seed)
    swarm, strategy = _swarm(config, store)
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in case.files.items():
            (Path(tmp) / name).write_text(text)
        start = time.perf_counter()
        answer = swarm.ask(Path(tmp), case.question, strategy)
        wall = time.perf_counter() - start
    if strategy == "swarm" and answer.operation == "judge":
        got = {i["label"] for i in answer.items if i.get("passes")}
    else:  # names mentioned in the answer (the lead alone answers in prose)
        low = answer.answer.lower()
        got = {f for f in case.files if f[4:-3].replace("-", " ") in low}
    tokens = sum(get_model("smollm2-135m").count_tokens(t) for t in case.files.values())
    return _set_row(kind, config, case.id, n, seed, tokens, case.question, case.answer,
                    got, answer, wall)  # fmt: skip


def run_list(config: str, items: int, seed: int, store: Store) -> dict[str, Any]:
    case = list_case(items, seed)
    swarm, strategy = _swarm(config, store)
    start = time.perf_counter()
    answer = swarm.ask(Document("contract.txt", case.text), case.question, strategy)
    wall = time.perf_counter() - start
    got: set[str] = set()
    if strategy == "swarm" and answer.items:
        for i in answer.items:
            for v in i["fields"].values():
                d = parse_date(str(v))
                if d:
                    got.add(d.isoformat())
    else:
        for m in re.finditer(r"\d{1,2} [A-Z][a-z]+ \d{4}", answer.answer):
            d = parse_date(m.group(0))
            if d:
                got.add(d.isoformat())
    tokens = get_model("smollm2-135m").count_tokens(case.text)
    return _set_row("list", config, case.id, items, seed, tokens, case.question, case.answer,
                    got, answer, wall)  # fmt: skip


_SMALL_WORDS = frozenset({"the", "a", "an", "for", "of", "to", "new", "old"})


def _tasks_in(texts: list[str], tasks: list[str]) -> set[str]:
    """The tasks one of ``texts`` names (all of a task's content words in one text: the
    lead alone may write "check first-aid kits")."""
    got = set()
    for t in tasks:
        words = [w for w in re.findall(r"[\w-]+", t.lower()) if w not in _SMALL_WORDS]
        for text in texts:
            have = set(re.findall(r"[\w-]+", text.lower()))
            if all(w in have for w in words):
                got.add(t)
                break
    return got


def run_actions(config: str, items: int, seed: int, store: Store) -> dict[str, Any]:
    case = actions_case(items, seed)
    swarm, strategy = _swarm(config, store)
    start = time.perf_counter()
    answer = swarm.ask(Document("minutes.txt", case.text), case.question, strategy)
    wall = time.perf_counter() - start
    if strategy == "swarm" and answer.items:
        texts = [
            " ".join(str(v) for v in i["fields"].values())
            + " "
            + " ".join(c["text"] for c in i["citations"])
            for i in answer.items
        ]
    else:
        texts = re.split(r"[\n;]|(?<=\.) ", answer.answer)
    got = _tasks_in(texts, case.tasks)
    tokens = get_model("smollm2-135m").count_tokens(case.text)
    return _set_row("actions", config, case.id, items, seed, tokens, case.question, case.answer,
                    got, answer, wall)  # fmt: skip


def run_prices(config: str, items: int, seed: int, store: Store) -> dict[str, Any]:
    """Suppliers raising prices by more than 10%."""
    case = prices_case(items, seed)
    return _run_named("prices", case, case.suppliers, "memo.txt", config, items, seed, store)


def run_grants(config: str, items: int, seed: int, store: Store) -> dict[str, Any]:
    """Projects awarded more than £20,000 in a funding round."""
    case = grants_case(items, seed)
    return _run_named("grants", case, case.projects, "minutes.txt", config, items, seed, store)


def _run_named(
    kind: str, case: Any, names: list[str], doc: str, config: str, items: int, seed: int,
    store: Store,
) -> dict[str, Any]:  # fmt: skip
    """A list whose items are named things: a name counts as given when an item's fields
    name it (or, if no field names any, its citations do); for the lead alone, when its
    answer names it."""
    swarm, strategy = _swarm(config, store)
    start = time.perf_counter()
    answer = swarm.ask(Document(doc, case.text), case.question, strategy)
    wall = time.perf_counter() - start

    def named(text: str) -> set[str]:
        return {s for s in names if s.lower() in text.lower()}

    got: set[str] = set()
    if strategy == "swarm" and answer.items:
        for i in answer.items:
            got |= named(" ".join(str(v) for v in i["fields"].values())) or named(
                " ".join(c["text"] for c in i["citations"])
            )
    else:
        got = named(answer.answer)
    tokens = get_model("smollm2-135m").count_tokens(case.text)
    return _set_row(kind, config, case.id, items, seed, tokens, case.question, case.answer,
                    got, answer, wall)  # fmt: skip


def _count_items(items: list[dict[str, Any]], q: RecordQuestion) -> set[str]:
    """The names of ``q.universe`` a count's items cite: a count is exact only when its
    items are the right ones (the number can be right by chance)."""
    got: set[str] = set()
    for i in items:
        got |= named(" ".join(c["text"] for c in i["citations"]), q.universe)
    return got


def run_real(config: str, q: RecordQuestion, store: Store) -> dict[str, Any]:
    """A count or a list over a real document (``corpus/real_records.py``): a list's names
    are those an item's fields state (or, if its fields state none, its citations); for
    the lead alone, those its answer states. A count whose question names its members is
    exact only when its items cite exactly those."""
    text = q.text
    swarm, strategy = _swarm(config, store)
    start = time.perf_counter()
    answer = swarm.ask(Document(q.file, text), q.question, strategy)
    wall = time.perf_counter() - start
    tokens = get_model("smollm2-135m").count_tokens(text)
    case_id = f"real-{q.id}"
    if q.kind == "count":
        got = (answer.result or {}).get("value") if strategy == "swarm" else None
        if not isinstance(got, int | float):
            got = _first_int(answer.answer)
        want = q.answer
        assert isinstance(want, int)
        cited = _count_items(answer.items, q) if q.members and strategy == "swarm" else None
        return {
            "kind": "real-count", "config": config, "case": case_id, "size": 0, "seed": 0,
            "tokens": tokens, "question": q.question, "expected": want, "got": got,
            "exact": got is not None and int(got) == want and cited in (None, set(q.members)),
            "items": len(answer.items), "items_named": sorted(cited or ()),
            **_common(answer, wall),
        }  # fmt: skip
    names: set[str] = set()
    if strategy == "swarm" and answer.items:
        for i in answer.items:
            names |= named(" ".join(str(v) for v in i["fields"].values()), q.universe) or named(
                " ".join(c["text"] for c in i["citations"]), q.universe
            )
    else:
        names = named(answer.answer, q.universe)
    assert isinstance(q.answer, frozenset)
    return _set_row("real-list", config, case_id, 0, 0, tokens, q.question, set(q.answer),
                    names, answer, wall)  # fmt: skip


def summary(rows: list[dict[str, Any]]) -> list[list[str]]:
    groups: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["config"], r["kind"], r["size"]), []).append(r)
    lines = []
    for (config, kind, size), g in sorted(groups.items()):
        exact = sum(r["exact"] for r in g)
        lo, hi = wilson(exact, len(g))
        f1 = [r["f1"] for r in g if "f1" in r]
        lead = sum(r["lead_prompt_tokens"] for r in g)
        alone = sum(r["lead_alone_tokens"] for r in g)
        computed = lead - sum(r.get("lead_cached_tokens", 0) for r in g)
        lines.append(
            [
                config,
                kind,
                str(size),
                str(len(g)),
                f"{exact}/{len(g)} [{100 * lo:.0f}%, {100 * hi:.0f}%]",
                f"{sum(f1) / len(f1):.2f}" if f1 else "-",
                f"{sum(r.get('precision', math.nan) for r in g) / len(g):.2f}" if f1 else "-",
                f"{sum(r.get('recall', math.nan) for r in g) / len(g):.2f}" if f1 else "-",
                f"{lead / len(g):,.0f} / {alone / len(g):,.0f}",
                f"{alone / lead:.1f}x" if lead else "-",
                f"{alone / computed:.1f}x" if computed else "-",
                f"{sum(r['escalation_reads'] for r in g) / len(g):.1f}",
                f"{sum(r['wall_s'] for r in g) / len(g):.0f}",
            ]
        )
    return lines


HEADERS = [
    "config",
    "kind",
    "size",
    "n",
    "exact [95% CI]",
    "F1",
    "precision",
    "recall",
    "lead tok / alone",
    "x fewer",
    "x fewer computed",
    "re-reads",
    "wall s",
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--configs", default="default,qwen,lead")
    ap.add_argument("--counts", default="4000,8000,16000,32000,64000")
    ap.add_argument("--bookings", default="4000,8000,16000,32000",
                    help="held-out counts: one member's classes in a month")  # fmt: skip
    ap.add_argument("--orders", default="4000,8000,16000,32000",
                    help="held-out counts: one city's orders above an amount")  # fmt: skip
    ap.add_argument("--screens", default="20,50,200")
    ap.add_argument("--applicants", default="50",
                    help="tenancy applications (a held-out screening shape)")  # fmt: skip
    ap.add_argument("--quotes", default="50",
                    help="builders' quotes: a total and a start date")  # fmt: skip
    ap.add_argument("--lists", default="5,10,20,40")
    ap.add_argument("--actions", default="5,10,20,30", help="open action items in minutes")
    ap.add_argument("--prices", default="5,10,20", help="suppliers raising prices by >10%%")
    ap.add_argument("--grants", default="5,10", help="projects awarded more than £20,000")
    ap.add_argument("--real", default="all",
                    help="counts and lists over real files, comma-separated: question "
                    "ids, 'all' (the studied ones), 'heldout' (those never run before); '' "
                    "for none")  # fmt: skip
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--count-seeds", type=int, default=5)
    ap.add_argument("--first-seed", type=int, default=1,
                    help="seeds start here: a higher one gives cases no run has seen")  # fmt: skip
    ap.add_argument("--lead-max", type=int, default=16000, help="lead alone up to this size")
    ap.add_argument("--qwen-max", type=int, default=16000, help="Qwen as worker up to this")
    ap.add_argument("--out", default="aggregate")
    args = ap.parse_args()
    out = RESULTS / f"{args.out}.json"
    store = Store(f"sqlite:///{RESULTS / (args.out + '.db')}")
    rows: list[dict[str, Any]] = json.loads(out.read_text())["rows"] if out.exists() else []
    done = {(r["config"], r["case"]) for r in rows}
    meta = {
        "cpu_count": os.cpu_count(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "targets": "default pair: exact counts on >=80% of logs up to 32k tokens; set F1 >= 0.95 "
        "on 50 resumes; the lead reads >=5x fewer tokens than alone",
        "configs": CONFIGS,
    }
    plan: list[tuple[str, int, int]] = []
    plan += [
        ("count", s, k)
        for s in map(int, filter(None, args.counts.split(",")))
        for k in range(args.first_seed, args.first_seed + args.count_seeds)
    ]
    plan += [
        (kind, s, k)
        for kind, sizes in (("bookings", args.bookings), ("orders", args.orders))
        for s in map(int, filter(None, sizes.split(",")))
        for k in range(args.first_seed, args.first_seed + args.count_seeds)
    ]
    plan += [
        (kind, s, k)
        for kind, sizes in (
            ("screen", args.screens),
            ("applicants", args.applicants),
            ("quotes", args.quotes),
        )
        for s in map(int, filter(None, sizes.split(",")))
        for k in range(args.first_seed, args.first_seed + args.seeds)
    ]
    plan += [
        ("list", s, k)
        for s in map(int, filter(None, args.lists.split(",")))
        for k in range(args.first_seed, args.first_seed + args.seeds)
    ]
    plan += [
        ("actions", s, k)
        for s in map(int, filter(None, args.actions.split(",")))
        for k in range(args.first_seed, args.first_seed + args.seeds)
    ]
    plan += [
        ("prices", s, k)
        for s in map(int, filter(None, args.prices.split(",")))
        for k in range(args.first_seed, args.first_seed + args.seeds)
    ]
    plan += [
        ("grants", s, k)
        for s in map(int, filter(None, args.grants.split(",")))
        for k in range(args.first_seed, args.first_seed + args.seeds)
    ]
    picked = args.real.split(",")
    reals = [q for q in real_questions()
             if ("all" in picked and not q.held_out) or ("heldout" in picked and q.held_out)
             or q.id in picked]  # fmt: skip
    plan += [("real", i, 0) for i in range(len(reals))]
    runners: dict[str, Callable[[str, int, int, Store], dict[str, Any]]] = {
        "count": run_count, "bookings": partial(run_count, kind="bookings"),
        "orders": partial(run_count, kind="orders"), "screen": run_screen,
        "applicants": partial(run_screen, kind="applicants"),
        "quotes": partial(run_screen, kind="quotes"), "list": run_list,
        "actions": run_actions, "prices": run_prices, "grants": run_grants,
        "real": lambda config, i, _seed, store: run_real(config, reals[i], store),
    }  # fmt: skip
    approx = {"count": lambda s: s, "bookings": lambda s: s, "orders": lambda s: s,
              "screen": lambda s: s * 150, "applicants": lambda s: s * 60,
              "quotes": lambda s: s * 60,
              "list": lambda s: s * 120,
              "actions": lambda s: s * 30, "prices": lambda s: s * 40,
              "grants": lambda s: s * 40,
              "real": lambda i: len(reals[i].text) // 4}  # fmt: skip
    for config in args.configs.split(","):
        for kind, size, seed in plan:
            case_id = f"real-{reals[size].id}" if kind == "real" else f"{kind}-{size}-{seed}"
            if (config, case_id) in done:
                continue
            tokens = approx[kind](size)
            if config == "lead" and tokens > args.lead_max:
                continue
            if config == "qwen" and tokens > args.qwen_max:
                continue
            row = runners[kind](config, size, seed, store)
            rows.append(row)
            print(
                f"{config:<8}{case_id:<18}{'exact' if row['exact'] else 'WRONG':<7}"
                f"got={str(row['got'])[:40]:<42} want={str(row['expected'])[:40]:<42}"
                f"lead={row['lead_prompt_tokens']:>6} alone={row['lead_alone_tokens']:>6} "
                f"{row['wall_s']:.0f}s",
                flush=True,
            )
            out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    table = summary(rows)
    print(markdown(HEADERS, table))
    out.write_text(
        json.dumps(
            {
                "meta": meta,
                "summary": [dict(zip(HEADERS, t, strict=True)) for t in table],
                "rows": rows,
            },
            indent=1,
        )
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
