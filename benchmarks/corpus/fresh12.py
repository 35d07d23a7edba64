"""Six sealed genres, written on 2026-12-05 (stop 29) before ``fresh11``'s one final run.

``fresh11``'s genres are measured in stop 29's final run and studied after it. These are the
next sealed split: measured only, in a later session's final run; no protocol decision may
be based on what they show; a session that studies their failures marks them ``studied``
and writes new sealed ones.

Shapes nobody tuned for: a home energy performance certificate, a car's roadworthiness test
history, a dog food's feeding guide, a knitting pattern, a university's conditional offer
and a broadband contract summary. Their near misses: the potential rating and the
neighbouring band's score, an earlier test's mileage and the next test's due date, the
neighbouring weight band and the puppy amount, other sizes' stitch counts and the needle
size, the contextual offer and another course's grades, the typical and the peak speed and
the price after the minimum term. Questions paraphrase the fact, never repeat its sentence.
"""

from __future__ import annotations

import random

from benchmarks.corpus.lookup import FIRST, LAST, PLACES, Genre, Plant, draw

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]


# --- energy performance certificate ------------------------------------------------------------
def _epc_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Property type: {rng.choice(['Mid-terrace house', 'Semi-detached house', 'Flat'])}",
        f"Total floor area: {rng.randint(48, 140)}.{rng.randint(1, 9)} square metres",
        "Main heating: boiler and radiators, mains gas.",
        "Windows: fully double glazed.",
        f"Roof: pitched, {rng.choice([100, 150, 200, 270])} mm loft insulation.",
        "Hot water: from main system.",
        "This certificate is valid for 10 years.",
        f"Assessor accreditation number: EES/{rng.randint(100000, 999999)}",
    ])  # fmt: skip


def _epc_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    bands = {"B": range(81, 92), "C": range(69, 81), "D": range(55, 69), "E": range(39, 55)}
    band = draw(rng, ["C", "D", "E"], used)
    score = str(rng.choice(bands[band]))
    better = "B" if band == "C" else draw(rng, ["B", "C"], used)
    potential = str(rng.choice(bands[better]))
    fact = rng.choice([
        f"Current energy rating: {band} ({score})",
        f"This property's energy rating is {band}, with a score of {score}.",
    ])  # fmt: skip
    misses = [
        f"Potential energy rating: {better} ({potential}), if the recommended measures are "
        "installed.",
        f"Band {better} covers scores from {min(bands[better])} to {max(bands[better])}.",
    ]
    question = rng.choice([
        "How efficient is the house as it stands today, in points?",
        "What score did the assessor give the home as it is now?",
    ])  # fmt: skip
    return Plant(fact, misses), question, score, (score,), (potential,)


EPC = Genre(
    "epc",
    _epc_filler,
    _epc_fact,
    lambda r: f"Energy performance certificate: {r.randint(1, 99)} {r.choice(PLACES)} Lane",
    joiner="\n",
)


# --- roadworthiness test history ---------------------------------------------------------------
def _mot_filler(rng: random.Random) -> str:
    return rng.choice([
        "Advisory: nearside front tyre worn close to legal limit.",
        "Advisory: oil leak, but not excessive.",
        "Advisory: brake pipe slightly corroded.",
        f"Test location: {rng.choice(PLACES)} Motors, bay {rng.randint(1, 4)}",
        "Make: Vauxhall. Model: Corsa. Colour: silver.",
        "Fuel type: petrol.",
        "Result: PASS",
    ])  # fmt: skip


def _mot_fact(rng: random.Random) -> Fact:
    miles = ["48,213", "52,907", "61,340", "67,018", "73,552", "79,126"]
    older, right = sorted(rng.sample(miles, 2))  # same width: text order is number order
    due = rng.choice(["14 March 2027", "2 June 2027", "29 September 2027"])
    fact = rng.choice([
        f"Tested 12 November 2026 - mileage recorded: {right} miles",
        f"At its most recent test (12 November 2026) the odometer read {right} miles.",
    ])  # fmt: skip
    misses = [
        f"Tested 9 November 2025 - mileage recorded: {older} miles",
        f"Next test due by {due}.",
    ]
    question = rng.choice([
        "How many miles were on the clock at the latest inspection?",
        "What did the odometer show when the car was last checked?",
    ])  # fmt: skip
    bare = right.replace(",", "")
    return Plant(fact, misses), question, right, (right, bare), (older, due)


MOT = Genre(
    "mot",
    _mot_filler,
    _mot_fact,
    lambda r: (
        f"Vehicle test history: {r.choice('ABCDEFGHK')}{r.randint(10, 75)} "
        f"{r.choice(['XKT', 'RLP', 'GHN', 'WMA'])}"
    ),
    joiner="\n",
)


# --- dog food feeding guide --------------------------------------------------------------------
_FEED = [
    "Always provide fresh drinking water.",
    "Introduce the food gradually over seven days.",
    "Adjust the amount to your dog's activity level and body condition.",
    "Split the daily amount into two meals.",
    "Store in a cool, dry place and reseal the bag after use.",
    "Complete pet food for adult dogs of all breeds.",
    "Ingredients: chicken (26%), rice, maize, beet pulp, fish oil.",
]


def _feeding_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    weights = [(10, 15), (15, 20), (20, 25), (25, 30), (30, 35)]
    i = rng.randrange(1, len(weights) - 1)
    lo, hi = weights[i]
    grams = [str(g) for g in range(180, 440, 25)]
    right, heavier = (f"{g}g" for g in sorted(rng.sample(grams, 2), key=int))
    used |= {right[:-1], heavier[:-1]}
    puppy = draw(rng, grams, used) + "g"
    nlo, nhi = weights[i + 1]
    fact = rng.choice([
        f"Adult dog {lo}-{hi} kg: {right} per day",
        f"For an adult dog weighing between {lo} and {hi} kg, feed {right} a day.",
    ])  # fmt: skip
    misses = [
        f"Adult dog {nlo}-{nhi} kg: {heavier} per day",
        f"Puppy (4-6 months), expected adult weight {lo}-{hi} kg: {puppy} per day",
    ]
    weight = rng.randint(lo + 1, hi - 1)
    question = rng.choice([
        f"My grown-up dog is {weight} kilos. How much of this should she eat daily?",
        f"What daily portion suits a fully grown {weight} kg dog?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right, right[:-1] + " g"), (heavier, puppy)


FEEDING = Genre(
    "feeding",
    lambda r: r.choice(_FEED),
    _feeding_fact,
    lambda r: f"{r.choice(PLACES)} Working Dog Adult: feeding guide",
)


# --- knitting pattern --------------------------------------------------------------------------
_KNIT = [
    "Tension: 22 sts and 30 rows to 10 cm over stocking stitch.",
    "Work in rib for 6 cm, ending with a wrong-side row.",
    "Place marker and join to work in the round, taking care not to twist.",
    "Abbreviations: k knit, p purl, sts stitches, rep repeat.",
    "Weave in all ends and block gently to measurements.",
    "Yarn: 5 (6, 6, 7) balls of aran-weight wool.",
    "Decrease 1 st at each end of every 4th row.",
]
_SIZES = ("XS", "S", "M", "L", "XL")


def _knit_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    k = rng.randrange(len(_SIZES))
    size = _SIZES[k]
    counts = [str(n) for n in range(72, 140, 8)]
    right = draw(rng, counts, used)
    other = draw(rng, counts, used)
    sleeve = draw(rng, counts, used)
    other_size = _SIZES[(k + 1) % len(_SIZES)]
    fact = rng.choice([
        f"Back, size {size}: cast on {right} sts using 4.5 mm needles.",
        f"For the back in size {size}, cast on {right} stitches.",
    ])  # fmt: skip
    misses = [
        f"Back, size {other_size}: cast on {other} sts using 4.5 mm needles.",
        f"Sleeves, size {size}: cast on {sleeve} sts using 4 mm needles.",
    ]
    question = rng.choice([
        f"How many stitches do I start the back with if I am making the {size}?",
        f"In size {size}, what's the number of stitches to cast on for the back piece?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (other, sleeve)


KNITTING = Genre(
    "knitting",
    lambda r: r.choice(_KNIT),
    _knit_fact,
    lambda r: f"The {r.choice(PLACES)} cardigan: a pattern in five sizes",
)


# --- university conditional offer --------------------------------------------------------------
def _admissions_filler(rng: random.Random) -> str:
    return rng.choice([
        "Please reply to your offer through the admissions service by the deadline.",
        f"Accommodation is guaranteed for first-year students who apply by {rng.choice(['30 June', '15 July'])}.",  # noqa: E501
        "You will also need GCSE English Language at grade 4 or above.",
        "Your place is subject to satisfactory references.",
        f"Course code: {rng.choice('FGLNV')}{rng.randint(100, 899)}",
        "International students should check the visa guidance on our website.",
        "Open days run every Saturday in the spring term.",
    ])  # fmt: skip


def _admissions_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    grades = ["A*AA", "AAA", "AAB", "ABB", "BBB", "BBC"]
    right = draw(rng, grades[:4], used)
    contextual = draw(rng, [g for g in grades if g > right] or grades, used)
    other = draw(rng, grades, used)
    course, neighbour = rng.sample(["Geography", "Chemistry", "History", "Economics",
                                    "Linguistics"], 2)  # fmt: skip
    fact = rng.choice([
        f"Conditions of your offer for BSc {course}: {right} at A level.",
        f"To confirm your place on {course} you must achieve {right} in your A levels.",
    ])  # fmt: skip
    misses = [
        f"If you qualify for our contextual admissions scheme, the offer is {contextual}.",
        f"Typical offer for {neighbour}: {other}.",
    ]
    question = rng.choice([
        f"What A-level results do I need to get onto {course}, on the standard offer?",
        f"Which grades secure my {course} place without any contextual reduction?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (contextual, other)


ADMISSIONS = Genre(
    "admissions",
    _admissions_filler,
    _admissions_fact,
    lambda r: f"University of {r.choice(PLACES)}: your offer, {r.choice(FIRST)} {r.choice(LAST)}",
)


# --- broadband contract summary ----------------------------------------------------------------
def _broadband_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Minimum contract period: {rng.choice([18, 24])} months",
        "Router included; return it within 30 days of leaving or pay £60.",
        "Setup fee: £0",
        "You can leave without a penalty if speeds stay below the minimum for 30 days.",
        "Line rental is included in the monthly price.",
        "Calls to UK landlines are charged at 25p per minute.",
    ])  # fmt: skip


def _broadband_fact(rng: random.Random) -> Fact:
    speeds = ["38Mbps", "55Mbps", "67Mbps", "74Mbps", "120Mbps", "145Mbps", "300Mbps"]
    right, typical, peak = sorted(rng.sample(speeds, 3), key=lambda s: int(s[:-4]))
    after = rng.choice(["£42.99", "£47.50", "£52.00"])
    fact = rng.choice([
        f"Minimum guaranteed download speed: {right}",
        f"We guarantee your download speed will not fall below {right}.",
    ])  # fmt: skip
    misses = [
        f"Estimated download speed at peak times (8-10pm): {typical}",
        f"Maximum download speed on this package: up to {peak}",
        f"After the minimum period the monthly price becomes {after}.",
    ]
    question = rng.choice([
        "What is the lowest download speed the provider promises me?",
        "If my downloads get slow, below what speed can I hold the company to account?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right, right[:-4] + " Mbps"), (typical, peak)


BROADBAND = Genre(
    "broadband",
    _broadband_filler,
    _broadband_fact,
    lambda r: (
        f"Contract summary: {r.choice(PLACES)} Fibre 150, for {r.choice(FIRST)} {r.choice(LAST)}"
    ),
    joiner="\n",
)

GENRES = {g.name: g for g in (EPC, MOT, FEEDING, KNITTING, ADMISSIONS, BROADBAND)}
