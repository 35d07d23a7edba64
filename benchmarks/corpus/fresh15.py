"""Six sealed genres, written on 2026-12-05 (stop 32) before ``fresh14``'s one final run.

``fresh14``'s genres are measured in stop 32's final run and studied after it. These are the
next sealed split: measured only, in a later session's final run; no protocol decision may
be based on what they show; a session that studies their failures marks them ``studied``
and writes new sealed ones.

Shapes nobody tuned for: a concert ticket, a gas meter's readings on an energy bill, a
dentist's treatment plan, a junior football club's fixture card, a software subscription's
renewal notice and a walking route card. Their near misses: when the doors open and the
curfew, the opening reading and the units used, the other treatments' charges and the
band's total, the meeting time and the kick-off of another match, the trial's end and the
price before the discount, the route's total length and its ascent. Two questions need a
reader's knowledge, not the text's words ("when does the band come on" asks for the
headliner's stage time; "how much will I pay once the offer ends" asks for the full price).
Questions paraphrase the fact, never repeat its sentence.
"""

from __future__ import annotations

import random

from benchmarks.corpus.lookup import FIRST, LAST, PLACES, Genre, Plant

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _pm(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{(h - 1) % 12 + 1}{'' if m == 0 else f'.{m:02d}'}pm"


# --- concert ticket --------------------------------------------------------------------------
_BANDS = ["The Lanterns", "Copper Coast", "Hollow Pines", "Red Meridian", "Static Bloom"]


def _ticket_filler(rng: random.Random) -> str:
    return rng.choice([
        "This ticket admits one. Please have it ready to scan on your phone.",
        "No professional cameras or recording equipment.",
        f"Block {rng.choice('ABCDE')}, standing. Entrance via Gate {rng.randint(1, 9)}.",
        "Bags larger than A4 will not be allowed into the venue.",
        "Under 14s must be accompanied by an adult over 18.",
        f"Order number {rng.randint(100000, 999999)}. Face value £{rng.randint(25, 70)}.50.",
        "Re-entry is not permitted.",
    ])  # fmt: skip


def _ticket_fact(rng: random.Random) -> Fact:
    band = rng.choice(_BANDS)
    support = rng.choice([b for b in _BANDS if b != band])
    doors = rng.choice([18 * 60, 18 * 60 + 30, 19 * 60])
    sup = doors + rng.choice([45, 60])
    head = sup + rng.choice([60, 75, 90])
    curfew = 23 * 60
    fact = rng.choice([
        f"Stage times: {support} {_pm(sup)}, {band} {_pm(head)}.",
        f"{band} are expected on stage at {_pm(head)} (support from {support} at {_pm(sup)}).",
    ])  # fmt: skip
    misses = [f"Doors open at {_pm(doors)}.", f"Venue curfew: {_pm(curfew)}."]
    question = rng.choice([
        f"What time does {band} come on?",
        f"When should I expect the main act, {band}, to start playing?",
    ])  # fmt: skip
    right = _pm(head)
    h = _hhmm(head)
    return (Plant(fact, misses), question, right, (right, h, right.replace("pm", " pm")),
            (_pm(sup), _pm(doors), _pm(curfew)))  # fmt: skip


TICKET = Genre(
    "ticket",
    _ticket_filler,
    _ticket_fact,
    lambda r: f"Your e-ticket: {r.choice(_BANDS)} live at {r.choice(PLACES)} Academy",
    joiner="\n",
)


# --- gas meter readings on an energy bill ----------------------------------------------------
def _meter_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Standing charge: {rng.randint(25, 35)}.{rng.randint(10, 99)}p per day",
        f"Account number: {rng.randint(10000000, 99999999)}",
        "Submit a reading each month for accurate bills.",
        f"Unit rate: {rng.randint(5, 9)}.{rng.randint(10, 99)}p per kWh",
        "VAT at 5% is included in the charges.",
        f"Your tariff ends on {rng.randint(1, 28)} {rng.choice(['March', 'May', 'July'])} 2027.",
        f"Meter serial: G4A{rng.randint(10000, 99999)}",
    ])  # fmt: skip


def _meter_fact(rng: random.Random) -> Fact:
    opening = rng.randint(1000, 8000)
    used = rng.randint(60, 400)
    closing = opening + used
    fact = rng.choice([
        f"Closing reading (actual, taken 28 November): {closing}",
        f"Meter reading on 28 November: {closing} (actual).",
    ])  # fmt: skip
    misses = [
        f"Opening reading (estimated, 28 October): {opening}",
        f"Gas used this period: {used} units (converted to {used * 11} kWh).",
    ]
    question = rng.choice([
        "What did the meter show at the end of this bill's period?",
        "What was the latest reading taken from my gas meter?",
    ])  # fmt: skip
    return (Plant(fact, misses), question, str(closing), (str(closing),),
            (str(opening), str(used), str(used * 11)))  # fmt: skip


METER = Genre(
    "meter",
    _meter_filler,
    _meter_fact,
    lambda r: (
        f"Your gas bill: {r.choice(FIRST)} {r.choice(LAST)}, {r.randint(2, 90)} "
        f"{r.choice(PLACES)} Road"
    ),
    joiner="\n",
)


# --- dental treatment plan -------------------------------------------------------------------
_TREATMENTS = {"filling": "Filling, upper left molar", "crown": "Crown, lower right premolar",
               "scale": "Scale and polish", "xray": "Two bitewing X-rays",
               "extraction": "Extraction, lower left wisdom tooth"}  # fmt: skip


def _dental_filler(rng: random.Random) -> str:
    return rng.choice([
        "Please give 24 hours' notice if you cannot attend.",
        f"Dentist: Dr {rng.choice(LAST)}",
        "Brush twice a day with a fluoride toothpaste.",
        f"Next check-up recommended in {rng.choice([6, 9, 12])} months.",
        "Payment is taken at the end of each appointment.",
        f"Patient number {rng.randint(10000, 99999)}",
    ])  # fmt: skip


def _dental_fact(rng: random.Random) -> Fact:
    asked, *others = rng.sample(list(_TREATMENTS), 3)
    prices = rng.sample(range(30, 400, 5), 3)
    right = prices[0]
    total = sum(prices)
    fact = f"{_TREATMENTS[asked]}: £{right}.00"
    misses = [f"{_TREATMENTS[o]}: £{p}.00" for o, p in zip(others, prices[1:], strict=True)]
    misses.append(f"Total for this course of treatment: £{total}.00")
    what = {"filling": "the filling", "crown": "the crown", "scale": "the clean",
            "xray": "the X-rays", "extraction": "having the wisdom tooth out"}[asked]  # fmt: skip
    question = rng.choice([f"How much will {what} cost me?", f"What's the charge for {what}?"])
    return (Plant(fact, misses), question, f"£{right}.00", (f"£{right}", f"£{right}.00"),
            tuple(f"£{p}" for p in (*prices[1:], total)))  # fmt: skip


DENTAL = Genre(
    "dental",
    _dental_filler,
    _dental_fact,
    lambda r: f"{r.choice(PLACES)} Dental Practice: treatment plan",
    joiner="\n",
)


# --- junior football fixture card ------------------------------------------------------------
_TEAMS = ["Rovers", "Athletic", "Wanderers", "United", "Albion", "Town"]


def _fixture_filler(rng: random.Random) -> str:
    return rng.choice([
        "Shin pads must be worn at all times.",
        f"Subs of £{rng.randint(3, 6)} are collected at every match.",
        "Parents: please stay behind the rope on the touchline.",
        f"Kit washing rota: the {rng.choice(LAST)} family this month.",
        "Bring a water bottle with your name on it.",
        "If the pitch is waterlogged, we will text by 8am.",
    ])  # fmt: skip


def _fixture_fact(rng: random.Random) -> Fact:
    them, other = rng.sample(_TEAMS, 2)
    ko = rng.choice([9 * 60 + 30, 10 * 60, 10 * 60 + 30, 11 * 60])
    meet = ko - rng.choice([30, 45])
    other_ko = ko + rng.choice([-60, 60, 90])
    day, other_day = rng.sample(["12 December", "19 December", "9 January"], 2)
    fact = rng.choice([
        f"Sat {day}: away at {them} (kick-off {_hhmm(ko)})",
        f"{day} v {them} (A), KO {_hhmm(ko)}",
    ])  # fmt: skip
    misses = [
        f"Players meet at the clubhouse at {_hhmm(meet)} for the away match on {day}.",
        f"{other_day} v {other} (H), KO {_hhmm(other_ko)}",
    ]
    question = rng.choice([
        f"When does the game against {them} start?",
        f"What time is kick-off in the away match on {day}?",
    ])  # fmt: skip
    right = _hhmm(ko)
    return (Plant(fact, misses), question, right, (right, right.replace(":", ".")),
            (_hhmm(meet), _hhmm(other_ko)))  # fmt: skip


FIXTURES = Genre(
    "fixtures",
    _fixture_filler,
    _fixture_fact,
    lambda r: f"{r.choice(PLACES)} Juniors Under-{r.choice([9, 10, 11, 12])}s: fixtures",
    joiner="\n",
)


# --- software subscription renewal -----------------------------------------------------------
def _renewal_filler(rng: random.Random) -> str:
    return rng.choice([
        "You can cancel at any time from your account page.",
        f"Seats in use: {rng.randint(2, 40)}",
        "Invoices are sent to the billing contact on file.",
        f"Plan: Team {rng.choice(['Standard', 'Plus', 'Pro'])}",
        "Prices exclude VAT where it applies.",
        f"Customer ID cus_{rng.randint(100000, 999999)}",
    ])  # fmt: skip


def _renewal_fact(rng: random.Random) -> Fact:
    full = rng.choice([96, 120, 144, 180, 240])
    off = rng.choice([20, 25, 50])
    now = full * (100 - off) // 100
    fact = rng.choice([
        f"From your second year the plan is billed at the standard price of £{full} a year.",
        f"After the introductory year, renewal is at the list price: £{full}/year.",
    ])  # fmt: skip
    misses = [
        f"Your first year is £{now} ({off}% off).",
        f"Your free trial ended on {rng.randint(1, 28)} October.",
    ]
    question = rng.choice([
        "How much will I pay a year once the offer ends?",
        "What will a year cost me when the discount stops?",
    ])  # fmt: skip
    return (Plant(fact, misses), question, f"£{full}", (f"£{full}", f"£{full}.00"),
            (f"£{now}", f"{off}%"))  # fmt: skip


RENEWAL = Genre(
    "renewal",
    _renewal_filler,
    _renewal_fact,
    lambda r: f"Your {r.choice(['Notely', 'Tasklane', 'Ledgerly', 'Pixfold'])} subscription",
    joiner="\n",
)


# --- walking route card ----------------------------------------------------------------------
def _route_filler(rng: random.Random) -> str:
    return rng.choice([
        "Carry a map and compass; the path is faint on the open fell.",
        f"Grid reference of the start: NY {rng.randint(100, 999)} {rng.randint(100, 999)}",
        "Dogs must be on a lead near livestock.",
        "Mobile signal is poor beyond the reservoir.",
        f"Parking: pay and display, £{rng.randint(3, 8)} for the day.",
        "Boots with a good grip are essential after rain.",
    ])  # fmt: skip


def _route_fact(rng: random.Random) -> Fact:
    leg = rng.randint(3, 7) + rng.choice([0, 0.5])
    total = leg + rng.randint(4, 8)
    ascent = rng.randint(300, 900) // 10 * 10
    hut = rng.choice(["the summit cairn", "Black Tarn", "the old quarry", "High Crag"])
    fact = rng.choice([
        f"Start to {hut}: {leg:g} km.",
        f"From the car park it is {leg:g} km to {hut}.",
    ])  # fmt: skip
    misses = [f"Total distance: {total:g} km", f"Total ascent: {ascent} m"]
    question = rng.choice([
        f"How far do I walk from the start before I reach {hut}?",
        f"What's the distance out to {hut}?",
    ])  # fmt: skip
    right = f"{leg:g} km"
    return (Plant(fact, misses), question, right, (right, f"{leg:g}km"),
            (f"{total:g} km", f"{ascent} m"))  # fmt: skip


ROUTE = Genre(
    "route",
    _route_filler,
    _route_fact,
    lambda r: f"Route card: {r.choice(PLACES)} horseshoe, for {r.choice(FIRST)}'s group",
    joiner="\n",
)

GENRES = {g.name: g for g in (TICKET, METER, DENTAL, FIXTURES, RENEWAL, ROUTE)}
