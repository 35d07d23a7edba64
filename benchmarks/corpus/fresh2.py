"""Five more genres, studied since 2026-12-04 (their failures led to the judgement,
``swarm/judge.py``); written on 2026-12-02 after the first measurement on
``fresh.py``'s genres had been looked at (and the protocol changed because of what it
showed), and before the protocol ever ran on these. They are the only held-out genres no
decision was based on: an airport operations notice board, a recipe collection, a team
wiki's decision log, a medicine leaflet, a version-control log.
"""

from __future__ import annotations

import random

from benchmarks.corpus.lookup import PLACES, Genre, Plant, near_number, person

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]


def _pick(rng: random.Random, pool: list[str], avoid: set[str]) -> str:
    choices = [p for p in pool if p not in avoid]
    v = rng.choice(choices)
    avoid.add(v)
    return v


# --- airport notices ------------------------------------------------------------------------
_CITIES = ["Lisbon", "Oslo", "Vienna", "Porto", "Riga", "Malaga", "Turin", "Gdansk", "Bergen"]


def _flight(rng: random.Random) -> str:
    return f"{rng.choice(['QK', 'VT', 'LM'])}{rng.randint(100, 999)}"


def _gate(rng: random.Random) -> str:
    return f"{rng.choice('ABCD')}{rng.randint(1, 40)}"


_NOTICES = [
    "Baggage belt {n} is out of service until further notice.",
    "Flight {f} from {c} has landed; passengers collect bags at belt {n}.",
    "Security lane {n} closes at 22:00 tonight.",
    "The fast-track lane is open from 05:00.",
    "Flight {f} to {c} is boarding at gate {g}.",
    "Please do not leave baggage unattended.",
]


def _notice_filler(rng: random.Random) -> str:
    t = f"{rng.randint(5, 23):02d}:{rng.randint(0, 59):02d}"
    body = rng.choice(_NOTICES).format(
        n=rng.randint(1, 12), f=_flight(rng), c=rng.choice(_CITIES), g=_gate(rng)
    )
    return f"[{t}] {body}"


def _notice_fact(rng: random.Random) -> Fact:
    flight = _flight(rng)
    city = rng.choice(_CITIES)
    used: set[str] = set()
    right = _pick(rng, [f"{a}{n}" for a in "ABCD" for n in range(1, 41)], used)
    old = _pick(rng, [f"{a}{n}" for a in "ABCD" for n in range(1, 41)], used)
    similar_gate = _pick(rng, [f"{a}{n}" for a in "ABCD" for n in range(1, 41)], used)
    arrivals = _pick(rng, [f"{a}{n}" for a in "ABCD" for n in range(1, 41)], used)
    twin = flight[:2] + flight[2] + flight[4] + flight[3]
    if twin == flight:
        twin = flight[:2] + str((int(flight[2:]) + 11) % 900 + 100)
    fact = rng.choice(
        [
            f"[{rng.randint(5, 23):02d}:{rng.randint(0, 59):02d}] Gate change: flight {flight} "
            f"to {city} will now depart from gate {right}.",
            f"[{rng.randint(5, 23):02d}:{rng.randint(0, 59):02d}] Passengers for {flight} "
            f"({city}): your flight now leaves from gate {right}.",
        ]
    )
    misses = [
        f"[{rng.randint(5, 23):02d}:{rng.randint(0, 59):02d}] Flight {flight} to {city} was "
        f"first announced at gate {old}.",
        f"[{rng.randint(5, 23):02d}:{rng.randint(0, 59):02d}] Flight {twin} to "
        f"{rng.choice(_CITIES)} departs from gate {similar_gate}.",
        f"[{rng.randint(5, 23):02d}:{rng.randint(0, 59):02d}] Arrivals from {city} are "
        f"handled at gate {arrivals}.",
    ]
    question = rng.choice(
        [
            f"From which gate does flight {flight} leave?",
            f"Which gate should passengers of {flight} go to for departure?",
        ]
    )
    return Plant(fact, misses), question, right, (), (old, similar_gate, arrivals)


NOTICES = Genre(
    "notices",
    _notice_filler,
    _notice_fact,
    lambda r: f"Terminal {r.randint(1, 3)} announcements, {r.randint(1, 28)} March",
    joiner="\n",
)


# --- recipes -------------------------------------------------------------------------------
_DISHES = ["Harvest loaf", "Juniper buns", "Fenwick pie", "Alder flatbread", "Marrow tart"]
_STEPS = [
    "Rub the butter into the flour until it looks like fine crumbs.",
    "Knead for ten minutes, then leave the dough covered in a warm place.",
    "Brush the top with beaten egg.",
    "Leave to cool on a wire rack before slicing.",
    "Season with salt and a pinch of nutmeg.",
    "Stir in the raisins and the zest of one lemon.",
]


def _recipe_filler(rng: random.Random) -> str:
    body = " ".join(rng.sample(_STEPS, rng.randint(2, 4)))
    if rng.random() < 0.25:
        body = f"## {rng.choice(['Tips', 'Storage', 'Variations', 'Serving'])}\n\n{body}"
    return body


def _recipe_fact(rng: random.Random) -> Fact:
    dish, other = rng.sample(_DISHES, 2)
    temps = [str(t) for t in range(160, 241, 10)]
    used: set[str] = set()
    right = _pick(rng, temps, used)
    old = _pick(rng, temps, used)
    sibling = _pick(rng, temps, used)
    fact = rng.choice(
        [
            f"Bake the {dish} at {right} °C for about 35 minutes, until it sounds hollow.",
            f"The {dish} goes into an oven heated to {right} °C.",
        ]
    )
    misses = [
        f"Older printings of this book gave {old} °C for the {dish}, which burns the base.",
        f"The {other}, by contrast, needs {sibling} °C.",
    ]
    question = rng.choice(
        [
            f"What oven temperature does the {dish} need?",
            f"At how many degrees Celsius should the {dish} be baked?",
        ]
    )
    return Plant(fact, misses), question, right, (f"{right} °C",), (old, sibling)


RECIPES = Genre(
    "recipes",
    _recipe_filler,
    _recipe_fact,
    lambda r: f"# Bakes from the {r.choice(PLACES)} kitchen",
)


# --- a wiki's decision log ------------------------------------------------------------------
_SERVICES = ["ledger", "billing", "search", "mailer", "reports", "uploads"]
_DATABASES = ["PostgreSQL 16", "MySQL 8", "SQLite", "MariaDB 11", "CockroachDB", "Cassandra"]
_WIKI = [
    "{p} will write up the incident review by Friday.",
    "The on-call rota moves to weekly shifts from next month.",
    "We agreed to drop the nightly full backups for the {s} service in favour of snapshots.",
    "{p} asked for more time to benchmark the new load balancer.",
    "Retrospective notes are in the team folder.",
]


def _wiki_filler(rng: random.Random) -> str:
    lines = [
        s.format(p=person(rng), s=rng.choice(_SERVICES))
        for s in rng.sample(_WIKI, rng.randint(2, 3))
    ]
    return f"### {rng.randint(1, 28)} {rng.choice(['May', 'June', 'July'])}\n\n" + " ".join(lines)


def _wiki_fact(rng: random.Random) -> Fact:
    svc, other = rng.sample(_SERVICES, 2)
    used: set[str] = set()
    right = _pick(rng, _DATABASES, used)
    rejected = _pick(rng, _DATABASES, used)
    sibling = _pick(rng, _DATABASES, used)
    fact = rng.choice(
        [
            f"### 3 August\n\nDecision: the {svc} service will run on {right}; migration starts "
            "next sprint.",
            f"### 3 August\n\nAfter the trial we settled on {right} as the database for the "
            f"{svc} service.",
        ]
    )
    misses = [
        f"### 14 July\n\n{rejected} was trialled for the {svc} service and turned down: "
        "too slow on our write load.",
        f"### 20 July\n\nThe {other} service stays on {sibling}.",
    ]
    question = rng.choice(
        [
            f"Which database did the team choose for the {svc} service?",
            f"What will the {svc} service's database be?",
        ]
    )
    return Plant(fact, misses), question, right, (), (rejected, sibling)


WIKI = Genre(
    "wiki",
    _wiki_filler,
    _wiki_fact,
    lambda r: "# Platform team: decision log",
)


# --- a medicine leaflet ----------------------------------------------------------------------
_LEAFLET = [
    "Do not take this medicine if you are allergic to any of its ingredients.",
    "Tell your doctor if you are pregnant or breast-feeding.",
    "Store below 25 °C, in the original package.",
    "Possible side effects include headache and mild nausea.",
    "Keep out of the sight and reach of children.",
    "Do not use after the expiry date printed on the carton.",
]


def _leaflet_filler(rng: random.Random) -> str:
    return " ".join(rng.sample(_LEAFLET, rng.randint(2, 4)))


def _leaflet_fact(rng: random.Random) -> Fact:
    drug = rng.choice(["Calmora", "Dolvex", "Feniral", "Ostamin"])
    used: set[str] = set()
    right = _pick(rng, ["1", "2", "3"], used)
    child = _pick(rng, ["1", "2", "3", "4"], used)
    maximum = str(int(right) * 4)
    while maximum in used:
        maximum = str(int(maximum) + 2)
    used.add(maximum)
    old = _pick(rng, ["1", "2", "3", "4", "5"], used)
    fact = rng.choice(
        [
            f"Adults and children over 12: take {right} tablets of {drug} every 6 hours.",
            f"The usual adult dose of {drug} is {right} tablets, every 6 hours as needed.",
        ]
    )
    misses = [
        f"Children aged 6 to 12 take {child} tablets of {drug}.",
        f"Do not take more than {maximum} tablets of {drug} in 24 hours.",
        f"An earlier version of this leaflet advised {old} tablets; this has been revised.",
    ]
    question = rng.choice(
        [
            f"How many tablets of {drug} should an adult take per dose?",
            f"What is the adult dose of {drug}, in tablets?",
        ]
    )
    wrong = (child, maximum, old)
    return Plant(fact, misses), question, right, (f"{right} tablets",), wrong


LEAFLET = Genre(
    "leaflet",
    _leaflet_filler,
    _leaflet_fact,
    lambda r: "PACKAGE LEAFLET: INFORMATION FOR THE USER",
)


# --- a version-control log -------------------------------------------------------------------
_MESSAGES = [
    "Bump dependencies",
    "Fix typo in README",
    "Add tests for the parser",
    "Refactor the config loader",
    "Speed up startup by caching the index",
    "Update translations",
]


def _sha(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(10))


def _commit_filler(rng: random.Random) -> str:
    return (
        f"commit {_sha(rng)}\nAuthor: {person(rng)}\nDate: 2026-{rng.randint(1, 12):02d}-"
        f"{rng.randint(1, 28):02d}\n\n    {rng.choice(_MESSAGES)}"
    )


def _commit_fact(rng: random.Random) -> Fact:
    thing = rng.choice(["cache eviction", "session expiry", "upload retries", "log rotation"])
    other = rng.choice([t for t in ["token refresh", "queue draining", "index merge"]])
    right = str(rng.randint(1000, 9999))
    similar = near_number(rng, right)
    reverted = near_number(rng, right)
    while reverted in (right, similar):
        reverted = str(rng.randint(1000, 9999))
    fact = (
        f"commit {_sha(rng)}\nAuthor: {person(rng)}\nDate: 2026-{rng.randint(1, 12):02d}-"
        f"{rng.randint(1, 28):02d}\n\n    Fix race in {thing} (closes #{right})"
    )
    misses = [
        f"commit {_sha(rng)}\nAuthor: {person(rng)}\nDate: 2026-{rng.randint(1, 12):02d}-"
        f"{rng.randint(1, 28):02d}\n\n    Fix race in {other} (closes #{similar})",
        f"commit {_sha(rng)}\nAuthor: {person(rng)}\nDate: 2026-{rng.randint(1, 12):02d}-"
        f'{rng.randint(1, 28):02d}\n\n    Revert "Fix race in {thing} (closes #{reverted})"',
    ]
    question = rng.choice(
        [
            f"Which issue number did the fix for the {thing} race close?",
            f"What issue was closed by the commit fixing the race in {thing}?",
        ]
    )
    return Plant(fact, misses), question, right, (f"#{right}",), (similar, reverted)


COMMITS = Genre(
    "commits",
    _commit_filler,
    _commit_fact,
    lambda r: f"$ git log --since=2026-01-01 ({r.choice(PLACES).lower()} repository)",
)

GENRES = {g.name: g for g in (NOTICES, RECIPES, WIKI, LEAFLET, COMMITS)}
