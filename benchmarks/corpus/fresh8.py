"""Six sealed genres, written on 2026-12-04 (stop 25) before ``fresh7``'s one final run.

``fresh7``'s genres are measured in stop 25's final run and studied after it. These are the
next sealed split: measured only, in a later session's final run; no protocol decision may
be based on what they show; a session that studies their failures marks them ``studied``
and writes new sealed ones.

Shapes nobody tuned for: a gym's membership prices, a hospital appointment letter, a home
insurance schedule, a ferry timetable notice, an energy tariff summary and a school's term
dates. Their near misses: the peak price and last year's off-peak price, a cancelled
appointment and another clinic's time, the standard excess and last year's excess, the
weekday sailing and the summer timetable that has ended, the gas standing charge and the
old tariff's, another half-term and last year's. Questions paraphrase the fact, never repeat
its sentence.
"""

from __future__ import annotations

import random

from benchmarks.corpus.lookup import FIRST, LAST, PLACES, Genre, Plant, draw

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]


# --- gym membership prices ---------------------------------------------------------------------
_GYM = [
    "Members can book classes up to seven days ahead in the app.",
    "Towels can be hired at reception.",
    "Under-16s must be accompanied by an adult in the gym area.",
    "Lockers are free; bring your own padlock.",
    "The sauna is closed for cleaning every Monday morning.",
    "Personal training sessions are booked separately.",
    "Cancel your membership any time with one month's notice.",
]


def _gym_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    prices = [f"£{p} a month" for p in ("19.99", "24.50", "27", "29.99", "34.50", "39", "44.99")]
    right = draw(rng, prices, used)
    peak = draw(rng, prices, used)
    old = draw(rng, prices, used)
    fee = f"£{rng.randint(10, 40)}"
    fact = rng.choice([
        f"Off-peak membership (weekdays before 4pm and weekends): {right}.",
        f"If you only train off-peak, you pay {right}.",
    ])  # fmt: skip
    misses = [
        f"Peak membership, with access at all hours: {peak}.",
        f"Until last April the off-peak membership cost {old}.",
        f"A one-off joining fee of {fee} applies to every membership.",
    ]
    question = rng.choice([
        "What do I pay each month if I only come in quiet hours?",
        "How much is the monthly off-peak plan at the moment?",
    ])  # fmt: skip
    return (
        Plant(fact, misses),
        question,
        right,
        (right, right.removesuffix(" a month")),
        (peak, old, fee),
    )


GYM = Genre(
    "gym",
    lambda r: r.choice(_GYM),
    _gym_fact,
    lambda r: f"{r.choice(PLACES)} Leisure Centre: memberships and prices",
)


# --- hospital appointment letter ---------------------------------------------------------------
def _clinic_filler(rng: random.Random) -> str:
    return rng.choice([
        "Please bring a list of the medicines you take.",
        "If you need an interpreter, tell us at least a week before.",
        "Parking is limited; the 14 and 22 buses stop outside the main entrance.",
        f"Your hospital number is {rng.randint(1000000, 9999999)}.",
        "You may bring one person with you.",
        "If you cannot attend, please call so the slot can go to someone else.",
    ])  # fmt: skip


def _clinic_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    times = ["8:45am", "9:30am", "10:15am", "11:40am", "1:20pm", "2:50pm", "3:35pm"]
    right = draw(rng, times, used)
    cancelled = draw(rng, times, used)
    xray = draw(rng, times, used)
    day = rng.choice(["Tuesday 12 January", "Thursday 14 January", "Monday 18 January"])
    fact = rng.choice([
        f"Your physiotherapy appointment is on {day} at {right}, Outpatients B.",
        f"We have booked you in with the physiotherapy team: {day}, {right}.",
    ])  # fmt: skip
    misses = [
        f"Your earlier physiotherapy appointment at {cancelled} has been cancelled.",
        f"Please go to X-ray first, where you are expected at {xray}.",
    ]
    question = rng.choice([
        "What time should I turn up for physio?",
        "When is my physiotherapy slot?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (cancelled, xray)


CLINIC = Genre(
    "clinic",
    _clinic_filler,
    _clinic_fact,
    lambda r: f"Letter to {r.choice(FIRST)} {r.choice(LAST)}: your outpatient appointment",
)


# --- home insurance schedule -------------------------------------------------------------------
def _insurance_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Policy number HH-{rng.randint(100000, 999999)}",
        "Buildings cover: included",
        "Accidental damage to contents: not included",
        f"Contents sum insured: £{rng.randint(30, 90)},000",
        "Legal expenses: included",
        "Home emergency cover: not included",
        "Cover starts at 00:01 on the first day of the period of insurance.",
    ])  # fmt: skip


def _insurance_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    amounts = ["£100", "£150", "£250", "£350", "£400", "£500", "£1,000"]
    right = draw(rng, amounts, used)
    standard = draw(rng, amounts, used)
    old = draw(rng, amounts, used)
    fact = rng.choice([
        f"Escape of water excess: {right}",
        f"For claims caused by escape of water, you pay the first {right}.",
    ])  # fmt: skip
    misses = [
        f"Standard excess (all other claims): {standard}",
        f"Last year's escape of water excess was {old}.",
    ]
    question = rng.choice([
        "If a pipe bursts and floods the kitchen, how much of the claim do I pay myself?",
        "What excess applies to a leak claim on this policy?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (standard, old)


INSURANCE = Genre(
    "insurance",
    _insurance_filler,
    _insurance_fact,
    lambda r: f"Home insurance schedule for {r.choice(FIRST)} {r.choice(LAST)}",
    joiner="\n",
)


# --- ferry timetable notice --------------------------------------------------------------------
def _ferry_filler(rng: random.Random) -> str:
    return rng.choice([
        "Foot passengers should be at the terminal 15 minutes before sailing.",
        "Vehicles must check in 30 minutes before departure.",
        "Sailings may be cancelled at short notice in high winds.",
        f"Crossing time is about {rng.randint(25, 55)} minutes.",
        "Dogs are welcome on the outside deck.",
        "The café on board takes cards only.",
    ])  # fmt: skip


def _ferry_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    times = ["17:30", "18:15", "18:45", "19:20", "20:05", "20:40", "21:10"]
    right = draw(rng, times, used)
    weekday = draw(rng, times, used)
    summer = draw(rng, times, used)
    port = rng.choice(PLACES)
    fact = rng.choice([
        f"Sundays (winter timetable): the last sailing from {port} is at {right}.",
        f"On Sundays this winter the final boat leaves {port} at {right}.",
    ])  # fmt: skip
    misses = [
        f"Monday to Saturday, the last sailing from {port} is at {weekday}.",
        f"Under the summer timetable, which ended on 30 September, the last Sunday "
        f"sailing from {port} was at {summer}.",
    ]
    question = rng.choice([
        f"How late can I catch a boat out of {port} on a Sunday now?",
        f"What time is the final Sunday departure from {port} at present?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (weekday, summer)


FERRY = Genre(
    "ferry",
    _ferry_filler,
    _ferry_fact,
    lambda r: f"{r.choice(PLACES)} Ferries: winter timetable notice",
)


# --- energy tariff summary ---------------------------------------------------------------------
def _tariff_filler(rng: random.Random) -> str:
    return rng.choice([
        "Payment method: monthly direct debit",
        "Exit fees: none",
        f"Meter point reference {rng.randint(10**12, 10**13 - 1)}",
        "Prices include VAT at 5%.",
        "Tariff type: variable",
        "Your supplier may change these prices with 30 days' notice.",
    ])  # fmt: skip


def _tariff_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    pence = [f"{p}p per day" for p in ("48.62", "51.37", "53.35", "55.09", "60.12", "31.43")]
    right = draw(rng, pence, used)
    gas = draw(rng, pence, used)
    old = draw(rng, pence, used)
    unit = f"{rng.randint(22, 28)}.{rng.randint(10, 99)}p per kWh"
    fact = rng.choice([
        f"Electricity standing charge: {right}",
        f"For electricity you pay a standing charge of {right}.",
    ])  # fmt: skip
    misses = [
        f"Gas standing charge: {gas}",
        f"Electricity standing charge on your previous tariff: {old}",
        f"Electricity unit rate: {unit}",
    ]
    question = rng.choice([
        "What is the daily fixed charge for my power supply?",
        "How much do I pay per day for electricity before using any?",
    ])  # fmt: skip
    return (
        Plant(fact, misses),
        question,
        right,
        (right, right.removesuffix(" per day")),
        (gas, old, unit),
    )


TARIFF = Genre(
    "tariff",
    _tariff_filler,
    _tariff_fact,
    lambda r: f"Tariff information label, {r.choice(PLACES)} Energy",
    joiner="\n",
)


# --- school term dates -------------------------------------------------------------------------
_TERMS = [
    "Term starts at 8:40am on the first day back.",
    "Requests for leave in term time go to the head teacher.",
    "The school is closed on bank holidays.",
    "Breakfast club runs on every school day from 7:45am.",
    "Dates for the following year will be published in the spring.",
    "Parents' evenings are listed in the weekly newsletter.",
]


def _terms_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    days = ["Monday 16 February", "Monday 23 February", "Friday 13 February",
            "Monday 9 February", "Monday 17 February"]  # fmt: skip
    right = draw(rng, days, used)
    old = draw(rng, days, used)
    autumn = rng.choice(["Monday 26 October", "Monday 2 November", "Monday 27 October"])
    inset = rng.choice(["Friday 6 February", "Monday 5 January", "Friday 3 April"])
    fact = rng.choice([
        f"Spring half-term: school closes for the week from {right}.",
        f"The February half-term break begins on {right}.",
    ])  # fmt: skip
    misses = [
        f"Autumn half-term began on {autumn}.",
        f"Last year the spring half-term started on {old}.",
        f"Staff training (INSET) day, school closed to pupils: {inset}.",
    ]
    question = rng.choice([
        "When does the winter half-term holiday start this year?",
        "On what date does the half-term week in spring begin?",
    ])  # fmt: skip
    return (
        Plant(fact, misses),
        question,
        right,
        (right, right.split(" ", 1)[1]),
        (autumn, old, inset),
    )


TERMS = Genre(
    "terms",
    lambda r: r.choice(_TERMS),
    _terms_fact,
    lambda r: f"{r.choice(PLACES)} Primary School: term and holiday dates",
)

GENRES = {g.name: g for g in (GYM, CLINIC, INSURANCE, FERRY, TARIFF, TERMS)}
