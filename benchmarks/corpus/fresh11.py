"""Six sealed genres, written on 2026-12-05 (stop 28) while ``fresh10``'s one final run ran.

``fresh10``'s genres are measured in stop 28's final run and studied after it. These are the
next sealed split: measured only, in a later session's final run; no protocol decision may
be based on what they show; a session that studies their failures marks them ``studied``
and writes new sealed ones.

Shapes nobody tuned for: a job offer letter, a chemical safety data sheet, a concert's
information page, a tide table, a nursery's plant labels and a builder's quote. Their near
misses: the salary after probation, the earlier offer and the pension; the boiling point and
the auto-ignition temperature; doors and the support act; the low tide and another port;
the eventual height and the planting depth; the first quote, the VAT and the deposit.
Questions paraphrase the fact, never repeat its sentence.
"""

from __future__ import annotations

import random

from benchmarks.corpus.lookup import FIRST, LAST, PLACES, Genre, Plant, draw

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]


# --- job offer letter --------------------------------------------------------------------------
_OFFER = [
    "Your normal working hours will be 37.5 hours per week, Monday to Friday.",
    "This offer is subject to satisfactory references and proof of your right to work.",
    "You will be entitled to 25 days of annual leave plus bank holidays.",
    "Your place of work will be our head office, although hybrid working is available.",
    "Please sign and return one copy of this letter to accept the offer.",
    "Your notice period after the probationary period will be one month.",
    "We look forward to welcoming you to the team.",
]


def _offer_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    pay = ["£31,500", "£33,000", "£34,250", "£36,800", "£38,000", "£41,500"]
    right = draw(rng, pay, used)
    after = draw(rng, pay, used)
    earlier = draw(rng, pay, used)
    pension = rng.choice(["5%", "6%", "8%"])
    fact = rng.choice([
        f"Your starting salary will be {right} per annum, paid monthly.",
        f"You will be paid {right} a year from your first day.",
    ])  # fmt: skip
    misses = [
        f"On successful completion of your six-month probation, your salary will rise to {after}.",
        f"This letter replaces our offer of last week, which stated a salary of {earlier}.",
        f"The company will contribute {pension} of your salary to the pension scheme.",
    ]
    question = rng.choice([
        "How much will I earn annually when I join?",
        "What is the yearly pay at the very beginning of the job?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (after, earlier, pension)


OFFER = Genre(
    "offer",
    lambda r: r.choice(_OFFER),
    _offer_fact,
    lambda r: f"Offer of employment: {r.choice(FIRST)} {r.choice(LAST)}",
)


# --- chemical safety data sheet ----------------------------------------------------------------
def _sds_filler(rng: random.Random) -> str:
    return rng.choice([
        "Keep container tightly closed in a well-ventilated place.",
        "Wear protective gloves and eye protection.",
        "IF IN EYES: Rinse cautiously with water for several minutes.",
        f"Density: {rng.choice(['0.79', '0.81', '0.87'])} g/cm3 at 20 °C",
        "Appearance: clear, colourless liquid.",
        "Odour: characteristic, solvent-like.",
        "Dispose of contents and container in accordance with local regulations.",
        f"UN number: {rng.choice(['1219', '1993', '1263'])}",
    ])  # fmt: skip


def _sds_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    temps = ["12 °C", "21 °C", "23 °C", "38 °C", "42 °C"]
    right = draw(rng, temps, used)
    boiling = rng.choice(["82 °C", "97 °C", "118 °C"])
    ignition = rng.choice(["399 °C", "425 °C", "460 °C"])
    fact = rng.choice([
        f"Flash point: {right} (closed cup)",
        f"Flash point (closed cup): {right}",
    ])  # fmt: skip
    misses = [
        f"Initial boiling point: {boiling}",
        f"Auto-ignition temperature: {ignition}",
    ]
    question = rng.choice([
        "Above what temperature can the vapour be lit by a spark?",
        "At what temperature does this liquid give off enough vapour to catch fire from a"
        " flame?",
    ])  # fmt: skip
    bare = right.replace(" °C", "")
    accept = (right, bare + "°C", bare + " degrees")
    return Plant(fact, misses), question, right, accept, (boiling, ignition)


SDS = Genre(
    "sds",
    _sds_filler,
    _sds_fact,
    lambda r: (
        f"Safety data sheet: {r.choice(['Solvent', 'Thinner', 'Cleaner'])} "
        f"{r.randint(10, 99)}, {r.choice(PLACES)} Chemicals Ltd"
    ),
    joiner="\n",
)


# --- concert information page ------------------------------------------------------------------
_GIG = [
    "This is a standing show; the balcony is seated and unreserved.",
    "Bags larger than A4 will not be allowed into the venue.",
    "Under-14s must be accompanied by an adult.",
    "The box office opens one hour before doors.",
    "Re-entry is not permitted once you have left the venue.",
    "Tickets are e-tickets and will be scanned at the door from your phone.",
    "Accessible tickets can be booked through our access line.",
]
_CLOCK = {"7pm": "19:00", "7:30pm": "19:30", "8pm": "20:00", "8:15pm": "20:15",
          "8:45pm": "20:45", "9pm": "21:00", "9:15pm": "21:15"}  # fmt: skip


def _gig_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    right = draw(rng, ["8:15pm", "8:45pm", "9pm", "9:15pm"], used)
    doors = draw(rng, ["7pm", "7:30pm"], used)
    support = draw(rng, ["7:30pm", "8pm"], used)
    curfew = rng.choice(["10:30pm", "11pm"])
    band = rng.choice(["The Quiet Harbours", "Salt & Iron", "Lanterns North"])
    fact = rng.choice([
        f"{band} will be on stage at {right}.",
        f"Headline set: {band}, {right} until the end of the night.",
    ])  # fmt: skip
    misses = [
        f"Doors open at {doors}.",
        f"Special guests start their set at {support}.",
        f"Curfew is {curfew}.",
    ]
    question = rng.choice([
        f"What time do {band} start playing?",
        "When does the main act come on?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right, _CLOCK[right]), (doors, support, curfew)


GIG = Genre(
    "gig",
    lambda r: r.choice(_GIG),
    _gig_fact,
    lambda r: f"Know before you go: {r.choice(PLACES)} Academy, Saturday",
)


# --- tide table --------------------------------------------------------------------------------
def _tides_filler(rng: random.Random) -> str:
    h, m = rng.randint(0, 23), rng.choice(["04", "17", "29", "42", "55"])
    port = rng.choice(["Porthcawl", "Tenby", "Ilfracombe", "Minehead"])
    kind = rng.choice(["High", "Low"])
    day = rng.choice(["Mon", "Tue", "Wed", "Fri", "Sat"])
    return f"{port} | {day} | {kind} | {h:02d}:{m} | {rng.uniform(0.4, 9.8):.1f} m"


def _tides_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    times = ["06:12", "07:48", "09:31", "11:06", "13:27", "15:50", "18:14"]
    right = draw(rng, times, used)
    low = draw(rng, times, used)
    other = draw(rng, times, used)
    fact = f"Barry | Thu | High | {right} | {rng.uniform(8.5, 11.4):.1f} m"
    misses = [
        f"Barry | Thu | Low | {low} | {rng.uniform(0.3, 2.1):.1f} m",
        f"Penarth | Thu | High | {other} | {rng.uniform(8.5, 11.4):.1f} m",
    ]
    question = rng.choice([
        "When is the water at its highest at Barry on Thursday?",
        "What time does the tide come fully in at Barry on Thursday?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (low, other)


TIDES = Genre(
    "tides",
    _tides_filler,
    _tides_fact,
    lambda _r: "Tide times, Bristol Channel (port | day | tide | time | height)",
    joiner="\n",
)


# --- plant labels ------------------------------------------------------------------------------
def _plants_filler(rng: random.Random) -> str:
    return rng.choice([
        "Water well until established, then only in dry spells.",
        "Prefers full sun or light shade.",
        "Hardy to -15 °C.",
        "Deadhead regularly to prolong flowering.",
        "Mulch in spring with well-rotted compost.",
        f"Flowers: {rng.choice(['June to August', 'May to July', 'July to October'])}.",
        "Attractive to bees and butterflies.",
        "Cut back to the ground in late autumn.",
    ])  # fmt: skip


def _plants_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    cms = ["30cm", "45cm", "60cm", "75cm", "90cm"]
    right = draw(rng, cms, used)
    height = draw(rng, ["1.2m", "1.5m", "80cm", "2m"], used)
    depth = rng.choice(["5cm", "10cm", "15cm"])
    plant = rng.choice(["Lavender 'Hidcote'", "Salvia 'Caradonna'", "Echinacea 'Magnus'"])
    fact = rng.choice([
        f"{plant}: space plants {right} apart.",
        f"{plant}: leave {right} between plants.",
    ])  # fmt: skip
    misses = [
        f"{plant}: eventual height {height}.",
        f"{plant}: plant at a depth of {depth}.",
    ]
    question = rng.choice([
        f"How far from each other should I put the {plant.split(' ', 1)[0]} plants?",
        f"What gap do I need between {plant.split(' ', 1)[0]} plants in the border?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (height, depth)


PLANTS = Genre(
    "plants",
    _plants_filler,
    _plants_fact,
    lambda r: f"{r.choice(PLACES)} Nurseries: plant care labels",
)


# --- builder's quote ---------------------------------------------------------------------------
def _quote_filler(rng: random.Random) -> str:
    return rng.choice([
        "All waste will be removed from site.",
        "Work to start within four weeks of acceptance, weather permitting.",
        f"Labour: {rng.randint(3, 12)} days.",
        "Materials are as specified in the schedule attached.",
        "Any additional work will be agreed in writing before it starts.",
        "This quote is valid for 30 days.",
        "Scaffolding is included for the duration of the works.",
    ])  # fmt: skip


def _quote_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    totals = ["£8,640", "£9,120", "£11,400", "£12,960", "£14,280", "£15,600"]
    right = draw(rng, totals, used)
    first = draw(rng, totals, used)
    vat = rng.choice(["£1,440", "£1,900", "£2,380"])
    deposit = rng.choice(["£1,000", "£2,500"])
    job = rng.choice(["rear extension roof", "kitchen wall removal", "loft insulation"])
    fact = rng.choice([
        f"Revised total for the {job}, including VAT: {right}.",
        f"Total price including VAT (revised): {right}.",
    ])  # fmt: skip
    misses = [
        f"Our first quote for the {job} came to {first} including VAT.",
        f"VAT at 20%: {vat}.",
        f"A deposit of {deposit} is payable before work starts.",
    ]
    question = rng.choice([
        "What will the whole job cost me now, tax included?",
        "After the changes, how much is the work altogether with VAT?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (first, vat, deposit)


QUOTE = Genre(
    "quote",
    _quote_filler,
    _quote_fact,
    lambda r: f"Quotation Q-{r.randint(1000, 9999)} for {r.choice(FIRST)} {r.choice(LAST)}",
    joiner="\n",
)

GENRES = {g.name: g for g in (OFFER, SDS, GIG, TIDES, PLANTS, QUOTE)}
