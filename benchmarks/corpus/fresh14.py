"""Six sealed genres, written on 2026-12-05 (stop 31) during ``fresh13``'s one final run.

``fresh13``'s genres are measured in stop 31's final run and studied after it. These are the
next sealed split: measured only, in a later session's final run; no protocol decision may
be based on what they show; a session that studies their failures marks them ``studied``
and writes new sealed ones.

Shapes nobody tuned for: a pharmacy's dispensing label, a flight's changed schedule, a
washing machine's programme table, a car lease's terms, a school newsletter and a bicycle's
service sheet. Their near misses: the old dose and the most in a day, the first departure
time and when the gate opens, other programmes' loads and the spin speed, the charge for
extra miles and the lease's length, the trip's own date and last year's deadline, the front
tyre beside the rear and the most the sidewall allows. Two questions need a reader's
knowledge, not the text's words ("how long can I keep going on it" asks for the supply's
days; "the back wheel" is the rear). Questions paraphrase the fact, never repeat its
sentence.
"""

from __future__ import annotations

import random

from benchmarks.corpus.lookup import FIRST, LAST, PLACES, Genre, Plant, draw

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]

_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


# --- pharmacy dispensing label -----------------------------------------------------------------
_DRUGS = ["Sertraline", "Lansoprazole", "Amlodipine", "Metformin", "Citalopram", "Naproxen"]


def _prescription_filler(rng: random.Random) -> str:
    return rng.choice([
        "Keep out of the reach and sight of children.",
        "Swallow whole with a glass of water; do not chew.",
        f"Dispensed by {rng.choice(PLACES)} Pharmacy, {rng.randint(2, 90)} High Street.",
        "Do not drink alcohol while taking this medicine.",
        f"Prescriber: Dr {rng.choice(LAST)}",
        "Read the enclosed leaflet before use.",
        f"Batch {rng.choice('ABCDEFGH')}{rng.randint(1000, 9999)}, "
        f"expires 0{rng.randint(1, 9)}/2028",
    ])  # fmt: skip


def _prescription_fact(rng: random.Random) -> Fact:
    drug = rng.choice(_DRUGS)
    mg = rng.choice([10, 20, 25, 50, 100])
    right, old = rng.sample([1, 2, 3, 4], 2)
    most = rng.choice([3, 4]) if right < 3 and old < 3 else rng.choice([5, 6])
    pack = rng.choice([28, 56, 84])
    say = rng.random() < 0.5
    n = _WORDS[right] if say else str(right)
    fact = rng.choice([
        f"{drug} {mg}mg tablets: take {n} tablet{'s' if right > 1 else ''} each day.",
        f"Directions ({drug} {mg}mg): {n} daily, at the same time each day.",
    ])  # fmt: skip
    misses = [
        f"Until 3 November your dose of {drug} was {_WORDS[old]} a day.",
        f"Do not take more than {_WORDS[most]} tablets in 24 hours.",
        f"Quantity: {pack} tablets",
    ]
    question = rng.choice([
        f"How many of the {drug} tablets am I meant to have per day now?",
        f"What's my current daily number of {drug} tablets?",
    ])  # fmt: skip
    return (
        Plant(fact, misses),
        question,
        str(right),
        (str(right), _WORDS[right]),
        (str(old), _WORDS[old], str(most), _WORDS[most], str(pack)),
    )


PRESCRIPTION = Genre(
    "prescription",
    _prescription_filler,
    _prescription_fact,
    lambda r: f"Dispensing record for {r.choice(FIRST)} {r.choice(LAST)}",
    joiner="\n",
)


# --- changed flight schedule -------------------------------------------------------------------
def _hhmm(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _flight_filler(rng: random.Random) -> str:
    return rng.choice([
        "Hand baggage: one bag up to 10 kg and one small personal item.",
        f"Seat {rng.randint(3, 32)}{rng.choice('ABCDEF')} is confirmed.",
        "Online check-in is open until two hours before departure.",
        "Please have your passport ready at the gate.",
        f"Booking reference: {''.join(rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ') for _ in range(6))}",
        "Liquids must be in containers of 100 ml or less.",
        f"Flight time is about {rng.randint(1, 4)} hours {rng.randint(5, 55)} minutes.",
    ])  # fmt: skip


def _flight_fact(rng: random.Random) -> Fact:
    dep = rng.randint(7 * 60, 20 * 60) // 5 * 5
    old = dep - rng.choice([45, 60, 90, 120])
    closes = dep - rng.choice([15, 20])
    opens = dep - rng.choice([40, 45])
    gate = f"{rng.choice('ABC')}{rng.randint(2, 40)}"
    fact = rng.choice([
        f"Your flight now leaves at {_hhmm(dep)}. The gate closes at {_hhmm(closes)}.",
        f"New schedule: boarding ends {_hhmm(closes)}, departure {_hhmm(dep)}, gate {gate}.",
    ])  # fmt: skip
    misses = [
        f"Your original departure time of {_hhmm(old)} has changed.",
        f"Gate {gate} opens at {_hhmm(opens)}.",
    ]
    question = rng.choice([
        "By what time do I have to be through the gate now?",
        "When is the last moment I can board after the change?",
    ])  # fmt: skip
    right = _hhmm(closes)
    return Plant(fact, misses), question, right, (right,), (_hhmm(dep), _hhmm(old), _hhmm(opens))


FLIGHT = Genre(
    "flight",
    _flight_filler,
    _flight_fact,
    lambda r: f"Important: a change to your flight to {r.choice(PLACES)}",
    joiner="\n",
)


# --- washing machine programme table -----------------------------------------------------------
_PROGRAMMES = ["Synthetics", "Wool", "Delicates", "Quick 30", "Mixed", "Sportswear", "Duvet"]


def _washer_filler(rng: random.Random) -> str:
    return rng.choice([
        "Do not overload the drum: leave a hand's width at the top.",
        "Clean the detergent drawer once a month.",
        f"Noise when spinning: {rng.randint(70, 79)} dB(A)",
        "Use the Eco programme for normally soiled cotton to save energy.",
        f"{rng.choice(_PROGRAMMES)}: {rng.randint(20, 60)} °C, {rng.randint(35, 150)} min",
        "Check pockets for coins before washing.",
        f"Energy class {rng.choice('ABC')}",
    ])  # fmt: skip


def _washer_fact(rng: random.Random) -> Fact:
    right, syn, wool = rng.choice([(9, 4.5, 2), (8, 4, 2), (10, 5, 2.5), (7, 3.5, 1.5)])
    spin = rng.choice([1200, 1400, 1600])
    fact = rng.choice([
        f"Cotton: 40-90 °C, maximum load {right} kg, up to {spin} rpm",
        f"Cotton programme — load up to {right} kg of dry laundry.",
    ])  # fmt: skip
    misses = [
        f"Synthetics: maximum load {syn:g} kg",
        f"Wool: maximum load {wool:g} kg, hand-wash cycle",
        f"Maximum spin speed: {spin} rpm",
    ]
    question = rng.choice([
        "How many kilos of cotton can I put in at once?",
        "What's the heaviest cotton wash this machine takes?",
    ])  # fmt: skip
    return (
        Plant(fact, misses),
        question,
        f"{right} kg",
        (f"{right} kg", f"{right}kg"),
        (f"{syn:g} kg", f"{wool:g} kg", str(spin)),
    )


WASHER = Genre(
    "washer",
    _washer_filler,
    _washer_fact,
    lambda r: f"{r.choice(LAST)} WM-{r.randint(700, 999)} washing machine: programme guide",
    joiner="\n",
)


# --- car lease terms ---------------------------------------------------------------------------
def _lease_filler(rng: random.Random) -> str:
    return rng.choice([
        "The vehicle must be serviced according to the manufacturer's schedule.",
        "You must insure the vehicle fully comprehensively for the whole term.",
        f"Initial rental: £{rng.randint(900, 3600):,}.00",
        "Fair wear and tear is judged by the industry guidelines at collection.",
        f"Monthly rental: £{rng.randint(189, 520)}.{rng.randint(10, 99)}",
        "You may end the agreement early; an early termination fee applies.",
        f"Vehicle: {rng.choice(['Hatchback', 'Estate', 'SUV'])} 1.{rng.randint(0, 6)} petrol",
    ])  # fmt: skip


def _lease_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    miles = [f"{n:,}" for n in range(6000, 20001, 1000)]
    right = draw(rng, miles, used)
    term = rng.choice([24, 36, 48])
    total = f"{int(right.replace(',', '')) * term // 12:,}"
    pence = f"{rng.randint(6, 19)}p"
    fact = rng.choice([
        f"Annual mileage allowance: {right} miles",
        f"You may drive up to {right} miles in each year of the agreement.",
    ])  # fmt: skip
    misses = [
        f"Excess mileage charge: {pence} per mile over {total} miles in total.",
        f"Term: {term} months",
    ]
    question = rng.choice([
        "How far am I allowed to drive per year under this lease?",
        "What's the yearly limit on miles?",
    ])  # fmt: skip
    bare = right.replace(",", "")
    return Plant(fact, misses), question, right, (right, bare), (total, str(term))


LEASE = Genre(
    "lease",
    _lease_filler,
    _lease_fact,
    lambda r: f"{r.choice(PLACES)} Vehicle Leasing: personal contract hire agreement",
    joiner="\n",
)


# --- school newsletter -------------------------------------------------------------------------
_MONTHS = ["January", "February", "March", "May", "June", "September", "October", "November"]


def _school_filler(rng: random.Random) -> str:
    return rng.choice([
        "Well done to Year 4 for their assembly on recycling.",
        f"Attendance last week was {rng.randint(91, 98)}%: thank you for your support.",
        "Please label all uniform with your child's name.",
        "The library is open after school on Tuesdays and Thursdays.",
        f"Our PTA raised £{rng.randint(200, 1900):,} at the winter fair.",
        "Reminder: the school is nut-free, so please check packed lunches.",
        f"Congratulations to {rng.choice(FIRST)} in Year {rng.randint(1, 6)}, who won the "
        "county chess tournament.",
    ])  # fmt: skip


def _school_fact(rng: random.Random) -> Fact:
    month = rng.choice(_MONTHS)
    used: set[str] = set()
    days = [str(d) for d in range(2, 28)]
    pay, trip, deposit, last = (draw(rng, days, used) for _ in range(4))
    place = rng.choice(["the Science Museum", "Harlow Farm", "the castle", "the aquarium"])
    fact = rng.choice([
        f"Year 5's visit to {place}: please pay the balance on ParentPay by {pay} {month}.",
        f"The balance for the Year 5 trip to {place} is due on {pay} {month}, online.",
    ])  # fmt: skip
    misses = [
        f"The Year 5 trip to {place} itself is on {trip} {month}.",
        f"A £10 deposit for the Year 5 trip was due on {deposit} {month}.",
        f"Last year the Year 5 trip was paid for by {last} {month}.",
    ]
    question = rng.choice([
        "When must the rest of the money for the Year 5 outing be paid?",
        "What's the deadline for paying off the Year 5 trip?",
    ])  # fmt: skip
    right = f"{pay} {month}"
    return (
        Plant(fact, misses),
        question,
        right,
        (right,),
        tuple(f"{d} {month}" for d in (trip, deposit, last)),
    )


SCHOOL = Genre(
    "school",
    _school_filler,
    _school_fact,
    lambda r: f"{r.choice(PLACES)} Primary School newsletter",
)


# --- bicycle service sheet ---------------------------------------------------------------------
def _bike_filler(rng: random.Random) -> str:
    return rng.choice([
        "Chain cleaned and lubricated.",
        f"Chain wear: {rng.choice(['0.25', '0.5'])}% (fine)",
        "Brake pads: front 60% left, rear 40% left.",
        "Gears indexed; rear derailleur hanger straight.",
        f"Labour: £{rng.randint(35, 90)}.00",
        "Headset adjusted; no play.",
        f"Next service due in {rng.randint(3, 12)} months or {rng.randint(1, 3) * 1000} km.",
    ])  # fmt: skip


def _bike_fact(rng: random.Random) -> Fact:
    rear, front = rng.choice([(60, 55), (65, 58), (80, 72), (90, 85), (50, 45)])
    most = rear + rng.choice([20, 25, 30])
    fact = rng.choice([
        f"Tyre pressures set: rear {rear} psi, front {front} psi.",
        f"Pressures for your weight: {front} psi in the front tyre and {rear} psi in the rear.",
    ])  # fmt: skip
    misses = [f"Maximum pressure on the tyre sidewall: {most} psi"]
    question = rng.choice([
        "What pressure should I keep the back wheel's tyre at?",
        "How many psi for the tyre at the back?",
    ])  # fmt: skip
    return (
        Plant(fact, misses),
        question,
        f"{rear} psi",
        (f"{rear} psi", f"{rear}psi"),
        (f"{front} psi", f"{most} psi"),
    )


BIKE = Genre(
    "bike",
    _bike_filler,
    _bike_fact,
    lambda r: f"{r.choice(PLACES)} Cycles: service sheet for {r.choice(FIRST)} {r.choice(LAST)}",
    joiner="\n",
)

GENRES = {g.name: g for g in (PRESCRIPTION, FLIGHT, WASHER, LEASE, SCHOOL, BIKE)}
