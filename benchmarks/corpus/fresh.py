"""Seven more genres of long document, written on 2026-12-02 before the lookup protocol was
ever run on them, and kept aside: they are measured, never used to change the protocol.

The genres of ``lookup.py`` were all seen while the protocol was developed (three tuned on,
three looked at when they failed), so they no longer measure how shoal does on documents
nobody tuned for. These do: other shapes (an email thread, lab result lines, an INI file, a
service manual, match reports, a local history, a CSV export), other phrasings, and near
misses of every kind the issue names (a neighbouring name, a void or older value, another
unit, a similar number), with the fact anywhere and a share of documents with no answer.
"""

from __future__ import annotations

import calendar
import random

from benchmarks.corpus.lookup import (
    FIRST,
    LAST,
    PLACES,
    Genre,
    Plant,
    near_number,
    person,
)

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]


def _distinct(rng: random.Random, make: object, avoid: set[str], tries: int = 50) -> str:
    """A value from ``make()`` that is none of ``avoid`` (near misses must differ from the
    answer, or a grader cannot tell them apart)."""
    assert callable(make)
    for _ in range(tries):
        v = str(make())
        if v not in avoid:
            avoid.add(v)
            return v
    raise AssertionError("could not draw a distinct value")


_MONTHS = list(calendar.month_name)[1:]  # English: the C locale's names


def _date(rng: random.Random, lo: int = 1890, hi: int = 1990) -> str:
    return f"{rng.randint(1, 28)} {rng.choice(_MONTHS)} {rng.randint(lo, hi)}"


# --- email thread --------------------------------------------------------------------------
_TEAMS = ["Atlas", "Beacon", "Cobalt", "Delta", "Ember", "Falcon", "Granite", "Harbor"]
_BUILDINGS = ["Larkspur", "Juniper", "Ingleby", "Eskdale", "Marrow"]
_MAIL_TOPICS = [
    "quarterly numbers",
    "the hiring plan",
    "laptop refresh",
    "travel policy",
    "the vendor review",
    "on-call rota",
    "the intranet move",
    "parking permits",
]
_MAIL_LINES = [
    "Thanks, that works for me.",
    "Could we push the review of {topic} to next week?",
    "I have attached the latest draft on {topic}; comments welcome by Friday.",
    "Reminder: expense claims for {month} close on the {n}th.",
    "{name} will cover my emails while I am away until the {n}th.",
    "The slides on {topic} are in the shared folder now.",
    "Can someone from {team} confirm the numbers for {topic}?",
    "Lunch will be provided for anyone staying past one o'clock.",
]


def _room(rng: random.Random) -> str:
    return f"{rng.randint(1, 6)}.{rng.randint(1, 30):02d}"


def _mail_filler(rng: random.Random) -> str:
    lines = " ".join(
        rng.choice(_MAIL_LINES).format(
            topic=rng.choice(_MAIL_TOPICS),
            month=rng.choice(_MONTHS),
            n=rng.randint(2, 28),
            name=person(rng),
            team=rng.choice(_TEAMS),
        )
        for _ in range(rng.randint(2, 4))
    )
    who = person(rng)
    return (
        f"From: {who} <{who.split()[0].lower()}@example.org>\n"
        f"Subject: Re: {rng.choice(_MAIL_TOPICS)}\n\n{lines}\n\n-- {who.split()[0]}"
    )


def _mail_fact(rng: random.Random) -> Fact:
    team, other = rng.sample(_TEAMS, 2)
    building = rng.choice(_BUILDINGS)
    used: set[str] = set()
    right = _distinct(rng, lambda: _room(rng), used)
    old = _distinct(rng, lambda: _room(rng), used)
    sibling = _distinct(rng, lambda: _room(rng), used)
    catering = _distinct(rng, lambda: _room(rng), used)
    fact = rng.choice(
        [
            f"Update: the {team} offsite has moved to room {right} of the {building} building.",
            f"Please note we will now hold the {team} offsite in room {right} ({building} "
            "building).",
            f"Final answer from facilities: {team} gets room {right} in {building} for the "
            "offsite.",
        ]
    )
    misses = [
        f"We had first booked room {old} for the {team} offsite, but facilities cancelled "
        "that booking.",
        f"The {other} team's offsite will be in room {sibling}.",
        f"Coffee and lunch for the {team} offsite will be laid out in room {catering}.",
    ]
    question = rng.choice(
        [
            f"In which room will the {team} team's offsite take place?",
            f"Where, room-wise, is the {team} offsite being held now?",
        ]
    )
    return Plant(fact, misses), question, right, (), (old, sibling, catering)


EMAIL = Genre(
    "email",
    _mail_filler,
    _mail_fact,
    lambda r: f"Thread export: offsite planning ({r.randint(20, 90)} messages)",
)


# --- lab results ------------------------------------------------------------------------------
_ANALYTES = [
    ("sodium", "mmol/L", 130, 150),
    ("potassium", "mmol/L", 3, 6),
    ("glucose", "mmol/L", 3, 12),
    ("creatinine", "umol/L", 40, 140),
    ("haemoglobin", "g/L", 100, 180),
    ("CRP", "mg/L", 1, 90),
]


def _mrn(rng: random.Random) -> str:
    return str(rng.randint(100000, 999999))


def _lab_value(rng: random.Random, lo: int, hi: int) -> str:
    return str(rng.randint(lo, hi)) if hi > 20 else f"{rng.uniform(lo, hi):.1f}"


def _lab_filler(rng: random.Random) -> str:
    name, unit, lo, hi = rng.choice(_ANALYTES)
    return (
        f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(6, 22):02d}:"
        f"{rng.randint(0, 59):02d} | MRN {_mrn(rng)} | {name} | {_lab_value(rng, lo, hi)} "
        f"{unit} | {rng.choice(['final', 'final', 'final', 'pending review'])}"
    )


def _lab_fact(rng: random.Random) -> Fact:
    mrn = _mrn(rng)
    used: set[str] = set()
    right = _distinct(rng, lambda: rng.randint(15, 400), used)
    void = _distinct(rng, lambda: rng.randint(15, 400), used)
    neighbour = near_number(rng, mrn)
    other = _distinct(rng, lambda: rng.randint(15, 400), used)
    trf = _distinct(rng, lambda: f"{rng.uniform(1.5, 3.9):.1f}", used)
    day = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    fact = f"{day} 09:41 | MRN {mrn} | ferritin | {right} ug/L | final"
    misses = [
        f"{day} 07:15 | MRN {mrn} | ferritin | {void} ug/L | void: sample haemolysed",
        f"{day} 09:44 | MRN {neighbour} | ferritin | {other} ug/L | final",
        f"{day} 09:41 | MRN {mrn} | transferrin | {trf} g/L | final",
    ]
    question = rng.choice(
        [
            f"What ferritin level was reported for the patient with MRN {mrn}?",
            f"For record number {mrn}, what is the valid ferritin result?",
        ]
    )
    return Plant(fact, misses), question, right, (f"{right} ug/L",), (void, other, trf)


def _lab_wrap(units: list[str], rng: random.Random) -> list[str]:
    out, i = [], 0
    while i < len(units):
        k = rng.randint(15, 40)
        out.append("\n".join(units[i : i + k]))
        i += k
    return out


LAB = Genre(
    "lab",
    _lab_filler,
    _lab_fact,
    lambda r: (
        f"# Laboratory results export, ward {r.randint(1, 12)}\n"
        "date time | record | test | result | status"
    ),
    wrap=_lab_wrap,
)


# --- INI configuration ---------------------------------------------------------------------
_SERVICES = [
    "billing",
    "search",
    "mailer",
    "thumbnails",
    "reports",
    "webhooks",
    "geocoder",
    "ledger",
    "uploads",
    "audit",
]


def _ini_section(rng: random.Random, name: str, extra: list[str] | None = None) -> str:
    lines = [
        f"[service.{name}]",
        f"host = {name}.internal",
        f"workers = {rng.randint(1, 16)}",
        f"timeout_s = {rng.randint(5, 120)}",
        f"retries = {rng.randint(0, 5)}",
        f"log_level = {rng.choice(['info', 'warn'])}",
    ]
    body = lines[:1] + sorted(lines[1:], key=lambda _: rng.random())
    if extra:
        for e in extra:
            body.insert(rng.randint(1, len(body)), e)
    return "\n".join(body)


def _ini_filler(rng: random.Random) -> str:
    name = f"{rng.choice(_SERVICES)}-{rng.choice(['eu', 'us', 'ap', 'batch', 'ro'])}"
    return _ini_section(rng, name, [f"listen_port = {rng.randint(1024, 65000)}"])


def _ini_fact(rng: random.Random) -> Fact:
    svc = rng.choice(_SERVICES)
    used: set[str] = set()
    right = _distinct(rng, lambda: rng.randint(1024, 65000), used)
    old = _distinct(rng, lambda: rng.randint(1024, 65000), used)
    admin = _distinct(rng, lambda: int(right) + 1 if int(right) < 65000 else 1025, used)
    staging = _distinct(rng, lambda: rng.randint(1024, 65000), used)
    fact = _ini_section(
        rng,
        svc,
        [
            f"listen_port = {right}",
            f"admin_port = {admin}",
            f"; listen_port = {old}  (before the 2024 migration)",
        ],
    )
    misses = [_ini_section(rng, f"{svc}-staging", [f"listen_port = {staging}"])]
    question = rng.choice(
        [
            f"Which port does the {svc} service listen on?",
            f"On what TCP port does {svc} accept connections?",
        ]
    )
    return Plant(fact, misses), question, right, (), (old, admin, staging)


INI = Genre(
    "ini",
    _ini_filler,
    _ini_fact,
    lambda r: f"; services.ini, generated {r.randint(2023, 2026)}; do not edit by hand",
)


# --- service manual --------------------------------------------------------------------------
_MODELS = ["Kestrel", "Osprey", "Merlin", "Harrier", "Petrel", "Curlew"]
_MANUAL = [
    "Check the tyre pressures when the tyres are cold, at least once a month.",
    "Replace the cabin filter every {n}000 km or every two years, whichever comes first.",
    "The brake fluid must be changed every {k} years; use DOT 4 fluid only.",
    "Never open the coolant reservoir while the engine is hot.",
    "The battery terminals should be cleaned and greased at each service.",
    "Wiper blades wear faster in hot climates and may need replacing yearly.",
    "Spark plugs are replaced every {n}0 000 km on petrol models.",
    "Use only the jacking points marked on the sill; see the figure in section {k}.",
]


def _manual_filler(rng: random.Random) -> str:
    body = " ".join(
        s.format(n=rng.randint(1, 9), k=rng.randint(2, 7))
        for s in rng.sample(_MANUAL, rng.randint(2, 4))
    )
    if rng.random() < 0.2:
        body = f"### {rng.randint(2, 14)}.{rng.randint(1, 9)} Maintenance\n\n{body}"
    return body


def _manual_fact(rng: random.Random) -> Fact:
    model = rng.choice(_MODELS)
    right = str(rng.choice(range(90, 161, 5)))
    lbft = str(round(int(right) * 0.7376))
    used = {right, lbft}
    old = _distinct(rng, lambda: rng.choice(range(80, 161, 5)), used)
    sport = _distinct(rng, lambda: rng.choice(range(90, 171, 5)), used)
    fact = rng.choice(
        [
            f"On the {model}, tighten the wheel nuts to {right} Nm in a criss-cross pattern "
            f"(about {lbft} lbf ft).",
            f"Wheel nut torque for the {model}: {right} Nm (roughly {lbft} lbf ft), checked again "
            "after 50 km.",
        ]
    )
    misses = [
        f"Earlier editions of this manual gave {old} Nm for the {model}; that figure is "
        "superseded.",
        f"The {model} Sport, with its alloy wheels, takes {sport} Nm.",
    ]
    question = rng.choice(
        [
            f"To what torque, in newton-metres, should the {model}'s wheel nuts be tightened?",
            f"How many Nm do the wheel nuts of the {model} need?",
        ]
    )
    return Plant(fact, misses), question, right, (f"{right} Nm",), (old, sport, lbft)


MANUAL = Genre(
    "manual",
    _manual_filler,
    _manual_fact,
    lambda r: f"# Owner's service manual, edition {r.randint(2, 9)}",
)


# --- match reports ---------------------------------------------------------------------------
_CLUBS = ["Rovers", "Athletic", "United", "Wanderers", "Albion", "City"]
_MATCH = [
    "{a} pressed high from the start and forced three early corners.",
    "The crowd of {n} braved the rain.",
    "{p} was booked for a late challenge just before half-time.",
    "{b} switched to a back three after the break.",
    "{p} hit the post from twenty yards.",
    "A long injury stoppage followed a clash of heads in midfield.",
    "{p} made two fine saves to keep the score level.",
]


def _team(rng: random.Random) -> str:
    return f"{rng.choice(PLACES)} {rng.choice(_CLUBS)}"


def _match_filler(rng: random.Random) -> str:
    a, b = _team(rng), _team(rng)
    return " ".join(
        s.format(a=a, b=b, p=person(rng), n=rng.randint(800, 9000))
        for s in rng.sample(_MATCH, rng.randint(2, 4))
    )


def _match_fact(rng: random.Random) -> Fact:
    team, other = _team(rng), _team(rng)
    while other.split()[0] == team.split()[0]:
        other = _team(rng)
    names: set[str] = set()
    right = _distinct(rng, lambda: person(rng), names)
    ruled_out = _distinct(rng, lambda: person(rng), names)
    rival = _distinct(rng, lambda: person(rng), names)
    assist = _distinct(rng, lambda: person(rng), names)
    minute = rng.randint(60, 89)
    fact = rng.choice(
        [
            f"{right} settled it for {team} in the {minute}th minute, a low shot after "
            f"{assist}'s cut-back.",
            f"The decisive goal for {team} came from {right}, who turned in {assist}'s cross on "
            f"{minute} minutes.",
        ]
    )
    misses = [
        f"{ruled_out} thought he had won it for {team} late on, but the goal was ruled out "
        "for offside.",
        f"{rival} had scored the equaliser for {other} shortly before.",
    ]
    question = rng.choice(
        [
            f"Who scored the winning goal for {team}?",
            f"Which player got {team}'s match-winner?",
        ]
    )
    return Plant(fact, misses), question, right, (), (ruled_out, rival, assist)


MATCH = Genre(
    "match",
    _match_filler,
    _match_fact,
    lambda r: f"# County league round-up, week {r.randint(1, 38)}",
)


# --- local history ---------------------------------------------------------------------------
_HISTORY = [
    "The mill at {p} closed in {y} after a century of work.",
    "A new school was built on the green in {y}.",
    "The parish records of {p} were moved to the county archive in {y}.",
    "Floods in {y} damaged the lower town and the old quay.",
    "{name} opened a bakery on the high street in {y}.",
    "The railway reached {p} in {y}, and with it the first visitors.",
]


def _history_filler(rng: random.Random) -> str:
    return " ".join(
        s.format(p=rng.choice(PLACES), y=rng.randint(1820, 1990), name=person(rng))
        for s in rng.sample(_HISTORY, rng.randint(2, 4))
    )


def _history_fact(rng: random.Random) -> Fact:
    bridge, other = rng.sample(PLACES, 2)
    used: set[str] = set()
    right = _distinct(rng, lambda: _date(rng, 1900, 1960), used)
    postponed = _distinct(rng, lambda: _date(rng, 1900, 1960), used)
    sibling = _distinct(rng, lambda: _date(rng, 1900, 1960), used)
    begun = _distinct(rng, lambda: _date(rng, 1890, 1950), used)
    fact = rng.choice(
        [
            f"After years of delay the {bridge} bridge was at last opened to traffic on {right}.",
            f"Traffic first rolled over the {bridge} bridge on {right}, to a brass band.",
        ]
    )
    misses = [
        f"An opening of the {bridge} bridge set for {postponed} was called off after the "
        "spring floods.",
        f"The {other} bridge, further downstream, opened on {sibling}.",
        f"Work on the {bridge} bridge had begun on {begun}.",
    ]
    question = rng.choice(
        [
            f"When did the {bridge} bridge open to traffic?",
            f"On what date could vehicles first cross the {bridge} bridge?",
        ]
    )
    return Plant(fact, misses), question, right, (), (postponed, sibling, begun)


HISTORY = Genre(
    "history",
    _history_filler,
    _history_fact,
    lambda r: f"# A short history of the {r.choice(PLACES)} valley",
)


# --- CSV export ------------------------------------------------------------------------------
_ITEMS = [
    "hex bolt M8",
    "hinge 75mm",
    "cable tie 200mm",
    "wall plug 6mm",
    "washer M10",
    "padlock 40mm",
    "bracket L-50",
    "castor 60mm",
]
_WAREHOUSES = [f"{p} DC" for p in PLACES]


def _sku(rng: random.Random) -> str:
    return f"SK-{rng.randint(10000, 99999)}"


def _csv_filler(rng: random.Random) -> str:
    return (
        f"{_sku(rng)},{rng.choice(_ITEMS)},{rng.choice(_WAREHOUSES)},{rng.randint(0, 5000)},"
        f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    )


def _csv_fact(rng: random.Random) -> Fact:
    item = rng.choice(_ITEMS)
    wh, other = rng.sample(_WAREHOUSES, 2)
    used: set[str] = set()
    right = _distinct(rng, lambda: rng.randint(20, 5000), used)
    elsewhere = _distinct(rng, lambda: rng.randint(20, 5000), used)
    refurb = _distinct(rng, lambda: rng.randint(20, 5000), used)
    similar = _distinct(rng, lambda: near_number(rng, right), used)
    sku = _sku(rng)
    fact = f"{sku},{item},{wh},{right},2026-11-{rng.randint(1, 28):02d}"
    misses = [
        f"{_sku(rng)},{item},{other},{elsewhere},2026-11-{rng.randint(1, 28):02d}",
        f"{_sku(rng)},{item} (refurbished),{wh},{refurb},2026-10-{rng.randint(1, 28):02d}",
        f"{near_number(rng, sku[3:]).join(['SK-', ''])},{item.split()[0]} "
        f"{rng.choice(['XL', 'mini'])},{wh},{similar},2026-09-{rng.randint(1, 28):02d}",
    ]
    question = rng.choice(
        [
            f"How many units of {item} does the {wh} warehouse hold?",
            f"What stock of {item} is recorded at {wh}?",
        ]
    )
    return Plant(fact, misses), question, right, (), (elsewhere, refurb, similar)


def _csv_clash(unit: str, plant: Plant) -> bool:
    assert plant.fact is not None
    return unit.split(",")[1:3] == plant.fact.split(",")[1:3]


def _csv_wrap(units: list[str], rng: random.Random) -> list[str]:
    return ["\n".join(units)]


CSV = Genre(
    "csv",
    _csv_filler,
    _csv_fact,
    lambda r: "sku,item,warehouse,quantity,counted_on",
    joiner="\n",
    wrap=_csv_wrap,
    clashes=_csv_clash,
)

GENRES = {g.name: g for g in (EMAIL, LAB, INI, MANUAL, MATCH, HISTORY, CSV)}
_ = (FIRST, LAST)  # the shared vocabulary, re-exported for readers of this module
