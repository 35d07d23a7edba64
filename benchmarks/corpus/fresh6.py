"""Six genres written on 2026-12-04 (stop 23) while ``fresh5``'s one final run was under
way, before any of its failures were fixed. Sealed until their one final run (stop 24,
``benchmarks/results/longdoc-sealed4.json``); ``studied`` since.

``fresh5``'s genres were measured once (``benchmarks/results/longdoc-sealed3.json``) and
their failures looked at the same day, so they are ``studied`` now. These replace them as
the sealed split: measured only, in a session's final run; no protocol decision may be
based on what they show; a session that studies their failures marks them ``studied`` and
writes new sealed ones.

Shapes nobody tuned for: a rental car agreement, a school newsletter, a vet's vaccination
record, a conference programme, a building-works notice and a library account statement.
Their near misses: a one-way fee and an airport surcharge, last term's date and a trip
for another year group, the kitten course and a booster that was due, a talk moved to
another room and a workshop in the same slot, works on another floor and a postponed
start, an overdue fine already paid and a reserved item. Questions paraphrase the fact,
never repeat its sentence.
"""

from __future__ import annotations

import random

from benchmarks.corpus.lookup import FIRST, LAST, Genre, Plant, draw

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]


# --- rental car agreement ---------------------------------------------------------------------
_RENTAL = [
    "The vehicle must be returned with a full tank or a refuelling charge applies.",
    "Smoking in the vehicle is not permitted.",
    "Additional drivers must be named on this agreement.",
    "Tolls and parking fines are the renter's responsibility.",
    "Roadside assistance is included, 24 hours a day.",
    "Snow chains are available on request in winter.",
    "Report any damage before leaving the rental station.",
]
_CARS = ["Fiat Tipo", "Skoda Octavia estate", "Toyota Yaris", "Kia Niro"]


def _rental_fact(rng: random.Random) -> Fact:
    car = rng.choice(_CARS)
    used: set[str] = set()
    amounts = ["€900", "€1,100", "€1,250", "€1,500", "€1,800", "€2,000"]
    right = draw(rng, amounts, used)
    waiver = draw(rng, ["€0", "€150", "€250"], used)
    young = draw(rng, amounts, used)
    fact = rng.choice(
        [
            f"Deposit held on your card for the {car}: {right} (released on return).",
            f"A security deposit of {right} is blocked on the driver's card when the {car} "
            "is collected.",
        ]
    )
    misses = [
        f"With the premium damage waiver the deposit falls to {waiver}.",
        f"Drivers under 25 pay a higher deposit of {young}.",
        f"One-way fee: €{rng.randint(60, 140)}. Airport surcharge: €{rng.randint(20, 45)}.",
    ]
    question = rng.choice(
        [
            f"How much will be blocked on my card as a deposit for the {car} if I take no "
            "extra waiver?",
            f"What deposit do I leave for the {car} under the standard cover?",
        ]
    )
    return Plant(fact, misses), question, right, (right,), (waiver, young)


RENTAL = Genre(
    "rental",
    lambda r: r.choice(_RENTAL),
    _rental_fact,
    lambda r: f"Rental agreement RA-{r.randint(100000, 999999)}",
    joiner="\n",
)


# --- school newsletter -------------------------------------------------------------------------
_NEWS = [
    "Thank you to everyone who supported the bake sale; we raised enough for new books.",
    "Please label all uniform with your child's name.",
    "The library is open to parents on Friday mornings.",
    "Reminder: the school gates open at 08:30.",
    "Our choir sang beautifully at the care home last week.",
    "Lost property will be donated at the end of term.",
]
_YEARS = ["Year 3", "Year 4", "Year 5", "Year 6"]


def _news_fact(rng: random.Random) -> Fact:
    year, other = rng.sample(_YEARS, 2)
    used: set[str] = set()
    days = ["12 March", "19 March", "26 March", "2 April", "23 April", "30 April"]
    right = draw(rng, days, used)
    other_day = draw(rng, days, used)
    last_term = draw(rng, days, used)
    fact = rng.choice(
        [
            f"{year} will visit the Natural History Museum on {right}; consent forms are due "
            "a week before.",
            f"The {year} museum trip is booked for {right}.",
        ]
    )
    misses = [
        f"{other} go to the museum on {other_day}.",
        f"Last term the {year} trip had to move to {last_term} because of the strike.",
    ]
    question = rng.choice(
        [
            f"On what date does {year} go on the museum trip?",
            f"When is the museum visit for {year} this term?",
        ]
    )
    return Plant(fact, misses), question, right, (right,), (other_day, last_term)


NEWSLETTER = Genre(
    "newsletter",
    lambda r: r.choice(_NEWS),
    _news_fact,
    lambda r: f"Newsletter no. {r.randint(2, 30)} - spring term",
)


# --- vet vaccination record --------------------------------------------------------------------
_VET = [
    "Weight recorded at each visit; please bring the pet card.",
    "Flea and worm treatment is recommended every three months.",
    "Microchip checked and readable.",
    "Dental check: mild tartar, no treatment needed.",
    "Owner advised on diet and exercise.",
    "Next general health check in twelve months.",
]
_PETS = ["Biscuit", "Nala", "Pepper", "Otto"]


def _vet_fact(rng: random.Random) -> Fact:
    pet = rng.choice(_PETS)
    used: set[str] = set()
    dates = ["4 May 2027", "18 June 2027", "9 July 2027", "22 August 2027", "3 October 2027"]
    right = draw(rng, dates, used)
    was_due = draw(rng, dates, used)
    kennel = draw(rng, dates, used)
    fact = rng.choice(
        [
            f"{pet}: annual booster given today; next booster due {right}.",
            f"Next vaccination for {pet} falls due on {right}.",
        ]
    )
    misses = [
        f"The booster had originally been due on {was_due} but was brought forward.",
        f"Kennel cough vaccine: valid until {kennel}.",
    ]
    question = rng.choice(
        [
            f"When should {pet} come back for the next annual jab?",
            f"By what date does {pet} need the next booster?",
        ]
    )
    return Plant(fact, misses), question, right, (right,), (was_due, kennel)


VET = Genre(
    "vet",
    lambda r: r.choice(_VET),
    _vet_fact,
    lambda r: f"Vaccination record, patient no. {r.randint(1000, 9999)}",
    joiner="\n",
)


# --- conference programme ---------------------------------------------------------------------
_ROOMS = ["Room A", "Room B", "Auditorium", "Room C", "Studio 2"]
_TOPICS = ["retrieval at scale", "small models", "evaluation", "safety cases", "compilers"]


def _prog_filler(rng: random.Random) -> str:
    return (
        f"{rng.randint(9, 17):02d}:{rng.choice(['00', '30'])} {rng.choice(_ROOMS)} - talk on "
        f"{rng.choice(_TOPICS)} by {rng.choice(FIRST)} {rng.choice(LAST)}"
    )


def _prog_fact(rng: random.Random) -> Fact:
    speaker = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    used: set[str] = set()
    right = draw(rng, _ROOMS, used)
    old = draw(rng, _ROOMS, used)
    workshop = draw(rng, _ROOMS, used)
    fact = rng.choice(
        [
            f"14:00 {right} - keynote by {speaker}",
            f"Keynote ({speaker}), 14:00, now in {right}",
        ]
    )
    misses = [
        f"Change: {speaker}'s keynote is no longer in {old}",
        f"14:00 {workshop} - hands-on workshop (parallel to the keynote)",
    ]
    question = rng.choice(
        [
            f"Where should I go to hear {speaker}'s keynote?",
            f"In which room is the keynote by {speaker} held?",
        ]
    )
    return Plant(fact, misses), question, right, (right,), (old, workshop)


PROGRAMME = Genre(
    "programme",
    _prog_filler,
    _prog_fact,
    lambda r: f"Conference programme, day {r.randint(1, 3)}",
    joiner="\n",
)


# --- building works notice ---------------------------------------------------------------------
_WORKS = [
    "Lifts will remain in service throughout.",
    "Contractors will sign in at reception each morning.",
    "Please keep corridors clear of bikes and boxes.",
    "Noise will be kept to a minimum before 09:00.",
    "Questions can be sent to the facilities team.",
    "Fire exits remain open and signed.",
]


def _works_fact(rng: random.Random) -> Fact:
    floor, other = rng.sample(["second", "third", "fourth", "fifth"], 2)
    used: set[str] = set()
    days = ["Monday 9 March", "Monday 16 March", "Monday 23 March", "Monday 30 March"]
    right = draw(rng, days, used)
    other_day = draw(rng, days, used)
    planned = draw(rng, days, used)
    fact = rng.choice(
        [
            f"Rewiring of the {floor} floor now begins on {right}.",
            f"Work on the {floor} floor will start {right}.",
        ]
    )
    misses = [
        f"The {other} floor will be closed from {other_day}.",
        f"The {floor} floor works, first planned for {planned}, have been postponed.",
    ]
    question = rng.choice(
        [
            f"From which day will the {floor} floor be affected by the works?",
            f"When do the works on the {floor} floor get under way?",
        ]
    )
    return Plant(fact, misses), question, right, (right,), (other_day, planned)


WORKS = Genre(
    "works",
    lambda r: r.choice(_WORKS),
    _works_fact,
    lambda r: f"Notice to occupants: building works, phase {r.randint(1, 4)}",
)


# --- library account statement -----------------------------------------------------------------
_BOOKS = ["The Glass Road", "Winter Orchard", "A Short History of Rivers", "Salt and Iron",
          "The Quiet Engine", "Maps of the North"]  # fmt: skip


def _lib_filler(rng: random.Random) -> str:
    return (
        f"Returned: {rng.choice(_BOOKS)} ({rng.randint(1, 28)}/{rng.randint(1, 12):02d}), no charge"
    )


def _lib_fact(rng: random.Random) -> Fact:
    book, other = rng.sample(_BOOKS, 2)
    used: set[str] = set()
    fines = ["£0.60", "£1.20", "£1.80", "£2.40", "£3.00", "£3.60"]
    right = draw(rng, fines, used)
    paid = draw(rng, fines, used)
    hold = draw(rng, fines, used)
    fact = rng.choice(
        [
            f"Overdue: {book} - {right} outstanding",
            f"{book} is overdue; the fine owed so far is {right}.",
        ]
    )
    misses = [
        f"Fine of {paid} for {other} paid in full",
        f"Reservation fee for {book} (second copy): {hold}",
    ]
    question = rng.choice(
        [
            f"How much do I still owe for the late return of {book}?",
            f"What is the unpaid fine on {book}?",
        ]
    )
    return Plant(fact, misses), question, right, (right,), (paid, hold)


LIBRARY = Genre(
    "library",
    _lib_filler,
    _lib_fact,
    lambda r: f"Library account statement, member {r.randint(100000, 999999)}",
    joiner="\n",
)

GENRES = {g.name: g for g in (RENTAL, NEWSLETTER, VET, PROGRAMME, WORKS, LIBRARY)}
