"""Six sealed genres, written on 2026-12-04 (stop 22) before the lookup protocol ran on them.

``fresh3``'s genres were studied the day they were measured, so no sealed genre was left.
These replace them. They are measured only, in a session's final run, and no protocol
decision may be based on what they show; a session that studies their failures marks them
``studied`` and writes new sealed ones.

Shapes nobody tuned for: a hospital discharge summary, an insurance policy schedule, a
team chat export, a course syllabus, weather station observations and an API reference.
Their near misses are of kinds the word rules do not name: a dose *stopped on admission*,
an excess for *young drivers*, an owner who *offered* and was then replaced, a weight
from *last year's* syllabus, a *forecast* against the observation, a *sandbox* limit.
Questions paraphrase the fact, never repeat its sentence.
"""

from __future__ import annotations

import random

from benchmarks.corpus.lookup import FIRST, Genre, Plant, draw

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]


# --- discharge summary ----------------------------------------------------------------------
_DRUGS = ["apixaban", "metoprolol", "ramipril", "sertraline", "levothyroxine", "amlodipine"]
_DS = [
    "Observations remained stable overnight and the patient mobilised with a frame.",
    "Physiotherapy reviewed on the ward; stairs assessment passed.",
    "Bloods: renal function within normal limits; CRP trending down.",
    "The patient and family were given written information about the diagnosis.",
    "District nurse referral made for wound review in one week.",
    "No known drug allergies. Smoker, 10 a day, advised to stop.",
    "Follow-up in the outpatient clinic in six weeks with repeat imaging.",
]


def _ds_fact(rng: random.Random) -> Fact:
    drug, other = rng.sample(_DRUGS, 2)
    used: set[str] = set()
    doses = ["2.5", "5", "10", "20", "25", "50", "75", "100"]
    right = draw(rng, doses, used)
    stopped = draw(rng, doses, used)
    other_dose = draw(rng, doses, used)
    fact = rng.choice(
        [
            f"Medication on discharge: {drug} {right} mg once daily, to continue until "
            "clinic review.",
            f"To take home: {drug} {right} mg, one tablet each morning.",
        ]
    )
    misses = [
        f"Pre-admission {drug} {stopped} mg was held on arrival because of low blood pressure.",
        f"{other.capitalize()} {other_dose} mg daily is unchanged from before admission.",
    ]
    question = rng.choice(
        [
            f"What dose of {drug} is the patient sent home on?",
            f"How many mg of {drug} should the patient take after leaving hospital?",
        ]
    )
    return Plant(fact, misses), question, f"{right} mg", (right,), (stopped, other_dose)


DISCHARGE = Genre(
    "discharge",
    lambda r: " ".join(r.sample(_DS, r.randint(1, 3))),
    _ds_fact,
    lambda r: f"DISCHARGE SUMMARY - Ward {r.randint(2, 19)}, {r.choice(FIRST)} Unit",
)


# --- insurance policy schedule ------------------------------------------------------------------
_COVERS = ["windscreen", "theft", "accidental damage", "fire"]
_POLICY = [
    "Legal expenses cover: included, up to £100,000 per claim.",
    "Courtesy car: provided while your car is repaired by an approved garage.",
    "European use: up to 90 days in any one period of insurance.",
    "Named drivers: see the certificate of motor insurance.",
    "No claims discount: 5 years, protected.",
    "Payment: 12 monthly instalments by direct debit.",
    "Endorsements applying: none.",
]


def _a(noun: str) -> str:
    return "an" if noun[0] in "aeiou" else "a"


def _pol_fact(rng: random.Random) -> Fact:
    cover, other = rng.sample(_COVERS, 2)
    used: set[str] = set()
    amounts = ["£75", "£100", "£150", "£250", "£300", "£350", "£500", "£600"]
    right = draw(rng, amounts, used)
    young = draw(rng, amounts, used)
    other_x = draw(rng, amounts, used)
    last = draw(rng, amounts, used)
    fact = rng.choice(
        [
            f"Excess for {cover} claims: {right} (compulsory and voluntary combined).",
            f"You pay the first {right} of any {cover} claim.",
        ]
    )
    misses = [
        f"Drivers under 25 pay an additional {young} on {cover} claims.",
        f"Excess for {other} claims: {other_x}.",
        f"At your last renewal the {cover} excess was {last}.",
    ]
    question = rng.choice(
        [
            f"How much excess does the policyholder pay on {_a(cover)} {cover} claim?",
            f"If I claim for {cover}, what excess applies under this policy?",
        ]
    )
    return Plant(fact, misses), question, right, (right,), (young, other_x, last)


POLICY = Genre(
    "policy",
    lambda r: r.choice(_POLICY),
    _pol_fact,
    lambda r: f"Motor policy schedule - policy number MX{r.randint(100000, 999999)}",
    joiner="\n",
)


# --- team chat export -----------------------------------------------------------------------------
_CHAT = [
    "anyone seen the build failing on main?",
    "lunch at 12:30?",
    "pushed the fix, CI is green now",
    "reminder: retro is on Thursday",
    "can someone review my PR when they have a sec",
    "the staging database is slow again",
    "thanks all, good week",
]
_TASKS = ["the release notes", "the on-call rota", "the quarterly report", "the demo script"]


def _chat_line(rng: random.Random, text: str) -> str:
    return f"[{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}] {rng.choice(FIRST)}: {text}"


def _chat_fact(rng: random.Random) -> Fact:
    task, other = rng.sample(_TASKS, 2)
    used: set[str] = set()
    right = draw(rng, FIRST, used)
    offered = draw(rng, FIRST, used)
    other_owner = draw(rng, FIRST, used)
    fact = rng.choice(
        [
            f"[16:05] Lead: final call - {right} owns {task} this sprint, thanks!",
            f"[15:40] Lead: ok, {task} is assigned to {right} now.",
        ]
    )
    misses = [
        f"[11:12] {offered}: I can take {task} if nobody else wants it",
        f"[11:20] Lead: {other_owner} is doing {other}",
    ]
    question = rng.choice(
        [
            f"Who ended up responsible for {task}?",
            f"Which team member was given {task} in the end?",
        ]
    )
    return Plant(fact, misses), question, right, (right,), (offered, other_owner)


CHAT = Genre(
    "chat",
    lambda r: _chat_line(r, r.choice(_CHAT)),
    _chat_fact,
    lambda r: f"#team-{r.choice(['atlas', 'bramble', 'cinder'])} export, week {r.randint(1, 52)}",
    joiner="\n",
)


# --- course syllabus --------------------------------------------------------------------------
_COURSES = ["Thermodynamics II", "Medieval History", "Linear Algebra", "Organic Chemistry"]
_SYL = [
    "Office hours are on Wednesdays from 14:00 in room B12.",
    "Late submissions lose 10% of the mark per day, up to five days.",
    "Readings for each week are on the course page.",
    "Laptops may be used in lectures for note-taking only.",
    "Attendance at tutorials is expected but not graded.",
    "Academic integrity: all work must be your own.",
]


def _syl_fact(rng: random.Random) -> Fact:
    course = rng.choice(_COURSES)
    used: set[str] = set()
    pct = ["20%", "25%", "30%", "35%", "40%", "50%", "60%", "70%"]
    right = draw(rng, pct, used)
    last = draw(rng, pct, used)
    mid = draw(rng, pct, used)
    fact = rng.choice(
        [
            f"Assessment this year: the final examination counts for {right} of the module mark.",
            f"The end-of-term exam makes up {right} of your grade.",
        ]
    )
    misses = [
        f"(Students repeating the module: in last year's syllabus the final exam was worth "
        f"{last}.)",
        f"The mid-term test contributes {mid} of the module mark.",
    ]
    question = rng.choice(
        [
            f"What share of the {course} grade comes from the final exam?",
            f"How much is the final exam of {course} worth?",
        ]
    )
    return Plant(fact, misses), question, right, (right,), (last, mid)


SYLLABUS = Genre(
    "syllabus",
    lambda r: r.choice(_SYL),
    _syl_fact,
    lambda r: f"# {r.choice(_COURSES)}: module handbook",
)


# --- weather observations ----------------------------------------------------------------------
_WSTATIONS = ["Ashby Moor", "Brent Point", "Carrick Hill", "Dunlin Bay", "Elmsworth"]
_DAYS = ["3 March", "4 March", "5 March", "6 March"]


def _wx_filler(rng: random.Random) -> str:
    return (
        f"{rng.choice(_DAYS)} | {rng.choice(_WSTATIONS)} | rain {rng.randint(0, 30)} mm | "
        f"wind {rng.randint(5, 60)} km/h | cloud {rng.randint(0, 8)}/8"
    )


def _wx_fact(rng: random.Random) -> Fact:
    station, other = rng.sample(_WSTATIONS, 2)
    day, other_day = rng.sample(_DAYS, 2)
    used: set[str] = set()
    temps = [str(t) for t in range(4, 24)]
    right = draw(rng, temps, used)
    forecast = draw(rng, temps, used)
    neighbour = draw(rng, temps, used)
    next_day = draw(rng, temps, used)
    fact = rng.choice(
        [
            f"Observed maximum at {station} on {day}: {right} °C.",
            f"{station}, {day}: the thermometer peaked at {right} °C in the afternoon.",
        ]
    )
    misses = [
        f"Forecast issued the evening before: {station} to reach {forecast} °C on {day}.",
        f"Observed maximum at {other} on {day}: {neighbour} °C.",
        f"Observed maximum at {station} on {other_day}: {next_day} °C.",
    ]
    question = rng.choice(
        [
            f"How warm did it actually get at {station} on {day}?",
            f"What was the highest temperature recorded at {station} on {day}?",
        ]
    )
    return (
        Plant(fact, misses),
        question,
        f"{right} °C",
        (right,),
        (forecast, neighbour, next_day),
    )


WEATHER = Genre(
    "weather",
    _wx_filler,
    _wx_fact,
    lambda r: f"Station observations, network {r.choice(['North', 'Coast', 'Upland'])}",
    joiner="\n",
)


# --- API reference -----------------------------------------------------------------------------
_ENDPOINTS = ["/v2/orders", "/v2/invoices", "/v2/customers", "/v2/refunds"]
_API = [
    "All requests must carry an `Authorization: Bearer` header.",
    "Responses are JSON; errors follow RFC 7807 problem details.",
    "Timestamps are ISO 8601 in UTC.",
    "Pagination uses the `cursor` parameter; pages hold up to 100 items.",
    "Idempotency keys are kept for 24 hours.",
    "Webhooks are retried with exponential backoff for up to three days.",
]


def _api_fact(rng: random.Random) -> Fact:
    ep, other = rng.sample(_ENDPOINTS, 2)
    used: set[str] = set()
    rates = ["60", "120", "240", "300", "600", "900", "1200"]
    right = draw(rng, rates, used)
    sandbox = draw(rng, rates, used)
    other_rate = draw(rng, rates, used)
    v1 = draw(rng, rates, used)
    fact = rng.choice(
        [
            f"Rate limits (production): `{ep}` accepts {right} requests per minute per key.",
            f"In production, calls to `{ep}` are throttled above {right} requests a minute.",
        ]
    )
    misses = [
        f"Sandbox keys are limited to {sandbox} requests per minute on `{ep}`.",
        f"`{other}` accepts {other_rate} requests per minute per key.",
        f"The retired v1 version of this endpoint allowed {v1} requests per minute.",
    ]
    question = rng.choice(
        [
            f"How many requests per minute can a live integration send to {ep}?",
            f"What is the production rate limit on {ep}?",
        ]
    )
    return (
        Plant(fact, misses),
        question,
        f"{right} requests",
        (right,),
        (sandbox, other_rate, v1),
    )


API = Genre(
    "api",
    lambda r: r.choice(_API),
    _api_fact,
    lambda r: f"# Payments API reference (revision {r.randint(10, 99)})",
)


GENRES = {g.name: g for g in (DISCHARGE, POLICY, CHAT, SYLLABUS, WEATHER, API)}
