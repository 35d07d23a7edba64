"""Six sealed genres, written on 2026-12-05 (stop 33) during the one final run of
``fresh14`` and ``fresh15``.

Run once, sealed, in stop 34 (``longdoc-sealed13.json``); studied since.

Shapes nobody tuned for: a travel vaccination card, a parcel's customs declaration, a boiler
service record, an orchestra's rehearsal schedule, an allotment's tenancy terms and a rail
season ticket. Their near misses: the dates other doses were given and are due, the
postage and the insurance cover beside the contents' value, the pressure found before the
service and the maximum, another day's call time, the water charge and the deposit beside
the rent, the date the ticket was bought and the day it starts. Two questions need a
reader's knowledge, not the text's words ("when do I need my next tetanus jab" asks for
the booster's due date; "when does my annual rail ticket run out" asks for the last valid
day, not the day it starts or was bought). Questions paraphrase the fact, never repeat its
sentence.
"""

from __future__ import annotations

import calendar
import random

from benchmarks.corpus.lookup import FIRST, LAST, PLACES, Genre, Plant

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]


def _day(rng: random.Random, years: tuple[int, ...]) -> tuple[int, int, int]:
    return rng.choice(years), rng.randint(1, 12), rng.randint(1, 28)


def _long(d: tuple[int, int, int]) -> str:
    y, m, dd = d
    return f"{dd} {calendar.month_name[m]} {y}"


def _slashed(d: tuple[int, int, int]) -> str:
    y, m, dd = d
    return f"{dd:02d}/{m:02d}/{y}"


# --- travel vaccination card -----------------------------------------------------------------
_JABS = ["Hepatitis A", "Typhoid", "Yellow fever", "Rabies (course of 3)", "Cholera (oral)"]


def _vaccine_filler(rng: random.Random) -> str:
    return rng.choice([
        "Bring this card to every travel clinic appointment.",
        f"Batch numbers are recorded in your notes (clinic ref {rng.randint(1000, 9999)}).",
        "Some vaccines need several weeks before travel to take effect.",
        f"Nurse: {rng.choice(FIRST)} {rng.choice(LAST)}",
        "Mild soreness at the injection site is common.",
        f"Destination advice checked for {rng.choice(['Peru', 'Kenya', 'Vietnam', 'India'])}.",
    ])  # fmt: skip


def _vaccine_fact(rng: random.Random) -> Fact:
    given = _day(rng, (2019, 2020, 2021))
    due = (given[0] + 10, given[1], given[2])
    other, other_due = _day(rng, (2023, 2024)), _day(rng, (2026, 2027, 2028))
    fact = rng.choice([
        f"Tetanus/diphtheria/polio: given {_slashed(given)}; booster due {_slashed(due)}",
        f"Td/IPV given on {_long(given)}, next dose in 10 years ({_long(due)}).",
    ])  # fmt: skip
    jab = rng.choice(_JABS)
    misses = [
        f"{jab}: given {_slashed(other)}; booster due {_slashed(other_due)}",
        f"Tetanus (childhood course) completed {_slashed((1996, given[1], given[2]))}",
    ]
    question = rng.choice([
        "When do I need my next tetanus jab?",
        "By what date should the tetanus protection be topped up again?",
    ])  # fmt: skip
    right = _long(due)
    return (Plant(fact, misses), question, right, (right, _slashed(due)),
            (_long(other_due), _slashed(other_due), _long(given), _slashed(given)))  # fmt: skip


VACCINE = Genre(
    "vaccine",
    _vaccine_filler,
    _vaccine_fact,
    lambda r: f"Travel vaccination record: {r.choice(FIRST)} {r.choice(LAST)}",
    joiner="\n",
)


# --- parcel customs declaration --------------------------------------------------------------
_GOODS = ["hand-knitted jumpers", "second-hand books", "ceramic mugs", "a film camera",
          "tea and biscuits", "children's toys"]  # fmt: skip


def _customs_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Sender: {rng.choice(FIRST)} {rng.choice(LAST)}, {rng.randint(1, 99)} "
        f"{rng.choice(PLACES)} Lane",
        "Category of item: gift.",
        f"Tracking number: RB{rng.randint(100000000, 999999999)}GB",
        "I certify that the particulars given in this declaration are correct.",
        f"Country of origin: {rng.choice(['United Kingdom', 'Ireland', 'France'])}",
        "Contains no dangerous or prohibited items.",
    ])  # fmt: skip


def _customs_fact(rng: random.Random) -> Fact:
    goods = rng.choice(_GOODS)
    value = rng.randint(12, 180)
    postage = round(rng.uniform(8, 40), 2)
    cover = rng.choice([c for c in (50, 100, 250, 500) if c != value])
    weight = round(rng.uniform(0.4, 4.5), 1)
    fact = rng.choice([
        f"Contents: {goods}. Value: £{value}.00",
        f"Description of contents: {goods}, total value £{value}.00",
    ])  # fmt: skip
    misses = [
        f"Postage paid: £{postage:.2f}. Net weight: {weight} kg.",
        f"Compensation cover up to £{cover}.00 included.",
    ]
    question = rng.choice([
        "What are the goods in this parcel declared to be worth?",
        "For how much were the parcel's contents valued on the form?",
    ])  # fmt: skip
    return (Plant(fact, misses), question, f"£{value}.00", (f"£{value}", f"£{value}.00"),
            (f"£{postage:.2f}", f"£{cover}", f"{weight} kg"))  # fmt: skip


CUSTOMS = Genre(
    "customs",
    _customs_filler,
    _customs_fact,
    lambda r: f"Customs declaration CN22 ({r.choice(['USA', 'Canada', 'Japan', 'Australia'])})",
    joiner="\n",
)


# --- boiler service record -------------------------------------------------------------------
def _boiler_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Engineer's Gas Safe number: {rng.randint(100000, 999999)}",
        "Flue checked: clear, terminal unobstructed.",
        "Carbon monoxide alarm tested and working.",
        f"Appliance: combination boiler, {rng.randint(24, 35)} kW",
        "Condensate pipe lagged against frost.",
        f"Next service due in {rng.choice([11, 12])} months.",
    ])  # fmt: skip


def _boiler_fact(rng: random.Random) -> Fact:
    found = round(rng.uniform(0.3, 0.8), 1)
    left = round(rng.uniform(1.2, 1.5), 1)
    top = 3.0
    fact = rng.choice([
        f"System repressurised; left at {left} bar.",
        f"After topping up, the system pressure was set to {left} bar.",
    ])  # fmt: skip
    misses = [
        f"Pressure on arrival: {found} bar (low; customer reported no heating).",
        f"Pressure relief valve opens at {top:.1f} bar.",
    ]
    question = rng.choice([
        "What pressure did the engineer leave the boiler at?",
        "How many bar did the heating system show when the visit ended?",
    ])  # fmt: skip
    right = f"{left} bar"
    return (Plant(fact, misses), question, right, (right, f"{left}bar"),
            (f"{found} bar", f"{top:.1f} bar"))  # fmt: skip


BOILER = Genre(
    "boiler",
    _boiler_filler,
    _boiler_fact,
    lambda r: f"Boiler service record, {r.randint(1, 120)} {r.choice(PLACES)} Street",
    joiner="\n",
)


# --- orchestra rehearsal schedule -------------------------------------------------------------
def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _rehearsal_filler(rng: random.Random) -> str:
    return rng.choice([
        "Please bring a pencil and your own music stand.",
        f"Librarian: {rng.choice(FIRST)} ({rng.choice(LAST)} parts are in the blue folders).",
        "Tea and coffee in the interval; donations welcome.",
        "Concert dress: all black.",
        f"Subscriptions of £{rng.randint(40, 90)} are due by the end of term.",
        "Parking is free after 6pm on the school grounds.",
    ])  # fmt: skip


def _rehearsal_fact(rng: random.Random) -> Fact:
    start = rng.choice([10 * 60, 10 * 60 + 30, 13 * 60 + 30, 14 * 60])
    sect = start - rng.choice([60, 90])
    friday = rng.choice([19 * 60, 19 * 60 + 30])
    fact = rng.choice([
        f"Saturday: full orchestra (tutti) from {_hhmm(start)}, in the main hall.",
        f"Sat, main hall: tutti rehearsal {_hhmm(start)} to {_hhmm(start + 180)}.",
    ])  # fmt: skip
    misses = [
        f"Saturday: strings sectional {_hhmm(sect)} in Room 4.",
        f"Friday: full orchestra from {_hhmm(friday)}.",
    ]
    question = rng.choice([
        "When does everyone play together on Saturday?",
        "What time is the whole orchestra called for at the weekend?",
    ])  # fmt: skip
    right = _hhmm(start)
    return (Plant(fact, misses), question, right, (right, right.replace(":", ".")),
            (_hhmm(sect), _hhmm(friday), _hhmm(start + 180)))  # fmt: skip


REHEARSAL = Genre(
    "rehearsal",
    _rehearsal_filler,
    _rehearsal_fact,
    lambda r: f"{r.choice(PLACES)} Symphony Orchestra: concert week schedule",
    joiner="\n",
)


# --- allotment tenancy terms ------------------------------------------------------------------
def _allotment_filler(rng: random.Random) -> str:
    return rng.choice([
        "Plots must be kept cultivated and free of rubbish.",
        "Bonfires are allowed only between October and March.",
        f"Plot number {rng.randint(1, 80)}{rng.choice('ABC')}",
        "No livestock other than hens; no cockerels.",
        "Hosepipes may not be left running unattended.",
        f"The site gate code changes on {rng.randint(1, 28)} January.",
    ])  # fmt: skip


def _allotment_fact(rng: random.Random) -> Fact:
    rent = rng.randint(30, 90)
    water = rng.randint(8, 25)
    deposit = rng.choice([d for d in (20, 25, 50) if d != rent])
    last = rent - rng.randint(2, 6)
    fact = rng.choice([
        f"Rent for a full plot: £{rent} per year, payable each October.",
        f"The annual rent of a full plot is £{rent}.",
    ])  # fmt: skip
    misses = [
        f"Water charge: £{water} a year. Key deposit: £{deposit} (refundable).",
        f"Last year a full plot cost £{last}.",
    ]
    question = rng.choice([
        "What do I pay each year to rent a whole plot?",
        "How much is a full allotment plot for a year?",
    ])  # fmt: skip
    return (Plant(fact, misses), question, f"£{rent}", (f"£{rent}", f"£{rent}.00"),
            (f"£{water}", f"£{deposit}", f"£{last}"))  # fmt: skip


ALLOTMENT = Genre(
    "allotment",
    _allotment_filler,
    _allotment_fact,
    lambda r: f"{r.choice(PLACES)} Allotment Society: tenancy agreement",
    joiner="\n",
)


# --- rail season ticket -----------------------------------------------------------------------
def _season_filler(rng: random.Random) -> str:
    return rng.choice([
        "This ticket is valid only with a photocard.",
        f"Photocard number {rng.randint(1000, 9999)} {rng.choice('ABCDEF')}",
        "Lost tickets can be replaced once in twelve months for a fee.",
        "Valid via any permitted route.",
        f"Price paid: £{rng.randint(900, 5200):,}.00",
        "Standard class.",
    ])  # fmt: skip


def _season_fact(rng: random.Random) -> Fact:
    start = (2026, rng.randint(1, 12), rng.randint(1, 28))
    y, m, d = start
    end = (y + 1, m, d - 1) if d > 1 else (y + 1, m, d)
    bought = (y, m, d - 1) if d > 1 else (y - 1, 12, 28)
    fact = rng.choice([
        f"Valid until: {_slashed(end)} (inclusive)",
        f"Expires at the end of {_long(end)}.",
    ])  # fmt: skip
    misses = [
        f"Valid from: {_slashed(start)}",
        f"Purchased on {_slashed(bought)} at the ticket office.",
    ]
    question = rng.choice([
        "What is the last day I can travel on this season ticket?",
        "When does my annual rail ticket run out?",
    ])  # fmt: skip
    right = _long(end)
    return (Plant(fact, misses), question, right, (right, _slashed(end)),
            (_long(start), _slashed(start), _long(bought), _slashed(bought)))  # fmt: skip


SEASON = Genre(
    "season",
    _season_filler,
    _season_fact,
    lambda r: f"Annual season ticket: {r.choice(PLACES)} to {r.choice(PLACES)}",
    joiner="\n",
)

GENRES = {g.name: g for g in (VACCINE, CUSTOMS, BOILER, REHEARSAL, ALLOTMENT, SEASON)}
