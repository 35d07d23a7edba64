"""Six sealed genres, written on 2026-12-04 (stop 22) after ``fresh4``'s one final run.

``fresh4``'s genres were measured once (``benchmarks/results/longdoc-sealed2.json``) and
their failures looked at the same day, so they are ``studied`` now. These replace them as
the sealed split: measured only, in a session's final run; no protocol decision may be
based on what they show; a session that studies their failures marks them ``studied`` and
writes new sealed ones.

Shapes nobody tuned for: a hotel booking confirmation, a product spec sheet, a tax guidance
note, a museum visitor guide, a parcel tracking history and local election results. Their
near misses: a members' early check-in, the Pro model and the previous generation, the
deadline for paper returns, summer hours, an *estimated* delivery and a failed attempt, a
result before a recount. Questions paraphrase the fact, never repeat its sentence.
"""

from __future__ import annotations

import random

from benchmarks.corpus.lookup import FIRST, LAST, Genre, Plant, draw

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]


# --- hotel booking confirmation ---------------------------------------------------------------
_HOTEL = [
    "Breakfast is served in the Garden Room from 07:00.",
    "Parking is available on site for a daily fee.",
    "Pets are welcome in ground-floor rooms only.",
    "Free cancellation until 48 hours before arrival.",
    "The spa is open to guests aged 16 and over.",
    "Please present the card used for booking on arrival.",
    "Wi-Fi is free throughout the hotel.",
]
_HOTELS = ["Harbour View Hotel", "The Linden Inn", "Castle Gate Lodge", "Riverside Suites"]


def _hotel_fact(rng: random.Random) -> Fact:
    hotel = rng.choice(_HOTELS)
    used: set[str] = set()
    hours = ["12:00", "13:00", "14:00", "15:00", "16:00"]
    right = draw(rng, hours, used)
    members = draw(rng, ["10:00", "11:00"], used)
    checkout = draw(rng, ["10:30", "11:30"], used)
    fact = rng.choice(
        [
            f"Your room at {hotel} will be ready from {right} on the day of arrival.",
            f"Check-in at {hotel} starts at {right}.",
        ]
    )
    misses = [
        f"Gold members may check in from {members} where rooms allow.",
        f"Check-out is by {checkout}; late check-out can be requested at reception.",
    ]
    question = rng.choice(
        [
            f"From what time can a standard guest check in at {hotel}?",
            f"When can I get into my room at {hotel} on the day I arrive?",
        ]
    )
    return Plant(fact, misses), question, right, (right,), (members, checkout)


HOTEL = Genre(
    "hotel",
    lambda r: r.choice(_HOTEL),
    _hotel_fact,
    lambda r: f"Booking confirmation {r.randint(10000, 99999)}",
    joiner="\n",
)


# --- product spec sheet ---------------------------------------------------------------------
_SPEC = [
    "Display: 6.1-inch OLED, 120 Hz.",
    "Water resistance: IP68.",
    "Weight: 187 g.",
    "Colours: graphite, sand, moss.",
    "Charging port: USB-C.",
    "In the box: phone, cable, SIM tool.",
    "Warranty: two years, parts and labour.",
]
_PHONES = ["Orca 5", "Lumen X2", "Taiga S", "Nimbus 7"]


def _spec_fact(rng: random.Random) -> Fact:
    phone = rng.choice(_PHONES)
    used: set[str] = set()
    caps = ["3800", "4100", "4300", "4500", "4700", "5000", "5200"]
    right = draw(rng, caps, used)
    pro = draw(rng, caps, used)
    prev = draw(rng, caps, used)
    fact = rng.choice(
        [
            f"Battery ({phone}): {right} mAh, fast charging at 45 W.",
            f"The {phone} ships with a {right} mAh cell.",
        ]
    )
    misses = [
        f"The {phone} Pro carries a larger {pro} mAh battery.",
        f"Its predecessor had a {prev} mAh battery.",
        f"Battery life: up to {rng.randint(20, 30)} hours of video playback.",
    ]
    question = rng.choice(
        [
            f"What is the battery capacity of the standard {phone}?",
            f"How many mAh is the {phone}'s battery?",
        ]
    )
    return Plant(fact, misses), question, f"{right} mAh", (right,), (pro, prev)


SPECSHEET = Genre(
    "specsheet",
    lambda r: r.choice(_SPEC),
    _spec_fact,
    lambda r: f"# Technical specifications (sheet {r.randint(1, 40)})",
    joiner="\n",
)


# --- tax guidance note ------------------------------------------------------------------------
_TAX = [
    "Keep records of your income and expenses for at least five years.",
    "You can appoint an accountant to file on your behalf.",
    "Interest is charged on tax paid late.",
    "If your circumstances change, tell the tax office within 30 days.",
    "Help is available by phone on weekdays.",
    "Allowances are set each year in the budget.",
]


def _tax_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    days = [str(d) for d in range(1, 29)]
    months = ["January", "March", "April", "July", "October"]
    right = f"{draw(rng, days, used)} {draw(rng, months, set())}"
    paper = f"{draw(rng, days, used)} {draw(rng, months, set())}"
    company = f"{draw(rng, days, used)} {draw(rng, months, set())}"
    last = f"{draw(rng, days, used)} {draw(rng, months, set())}"
    if len({right, paper, company, last}) < 4:
        return _tax_fact(rng)
    fact = rng.choice(
        [
            f"Individuals filing online must submit their return by {right}.",
            f"For self-assessment online returns, the closing date is {right}.",
        ]
    )
    misses = [
        f"Paper returns must reach us by {paper}.",
        f"Companies file their returns by {company}.",
        f"For the previous tax year the online deadline was {last}.",
    ]
    question = rng.choice(
        [
            "By what date does a private individual have to file online?",
            "What is the deadline for an individual's online tax return?",
        ]
    )
    return Plant(fact, misses), question, right, (right,), (paper, company, last)


TAXNOTE = Genre(
    "taxnote",
    lambda r: " ".join(r.sample(_TAX, r.randint(1, 3))),
    _tax_fact,
    lambda r: f"Guidance note {r.randint(100, 999)}: filing your tax return",
)


# --- museum visitor guide ---------------------------------------------------------------------
_MUSEUM = [
    "Large bags must be left in the cloakroom.",
    "Photography without flash is allowed in the permanent galleries.",
    "Guided tours leave from the main hall every hour.",
    "The shop sells prints of many works in the collection.",
    "Wheelchairs can be borrowed at the information desk.",
    "School groups should book two weeks ahead.",
]


def _museum_fact(rng: random.Random) -> Fact:
    day = rng.choice(["Monday", "Tuesday", "Wednesday"])
    used: set[str] = set()
    right = draw(rng, ["16:00", "16:30", "17:00", "17:30"], used)
    summer = draw(rng, ["19:00", "20:00", "21:00"], used)
    cafe = draw(rng, ["15:00", "15:30"], used)
    fact = rng.choice(
        [
            f"On {day}s the galleries close at {right}.",
            f"Closing time on {day}: {right}, last entry 30 minutes before.",
        ]
    )
    misses = [
        f"In July and August the museum stays open until {summer}.",
        f"The café closes at {cafe} every day.",
    ]
    question = rng.choice(
        [
            f"What time do the galleries shut on a {day} outside the summer months?",
            f"Until when can I stay in the galleries on an ordinary {day}?",
        ]
    )
    return Plant(fact, misses), question, right, (right,), (summer, cafe)


MUSEUM = Genre(
    "museum",
    lambda r: " ".join(r.sample(_MUSEUM, r.randint(1, 2))),
    _museum_fact,
    lambda r: f"Visitor guide: {r.choice(LAST)} Museum of Art",
)


# --- parcel tracking history ------------------------------------------------------------------
_TRACK_EVENTS = [
    "Parcel scanned at sorting centre",
    "In transit to the regional depot",
    "Arrived at the regional depot",
    "Label created by the sender",
    "Customs check completed",
]


def _track_filler(rng: random.Random) -> str:
    return (
        f"{rng.randint(1, 28):02d}/11 {rng.randint(6, 21):02d}:{rng.randint(0, 59):02d}  "
        f"{rng.choice(_TRACK_EVENTS)}"
    )


def _track_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    days = [f"{d:02d}/11" for d in range(1, 29)]
    right = draw(rng, days, used)
    estimate = draw(rng, days, used)
    attempt = draw(rng, days, used)
    fact = rng.choice(
        [
            f"{right} 14:12  Delivered - signed for by {rng.choice(FIRST).upper()}",
            f"{right} 10:47  Delivered to the front door (photo taken)",
        ]
    )
    misses = [
        f"{estimate} 06:02  Estimated delivery date set",
        f"{attempt} 13:30  Delivery attempted - nobody home, card left",
    ]
    question = rng.choice(
        [
            "On what day did the parcel actually arrive?",
            "When was the parcel handed over at its destination?",
        ]
    )
    return Plant(fact, misses), question, right, (right,), (estimate, attempt)


TRACKING = Genre(
    "tracking",
    _track_filler,
    _track_fact,
    lambda r: f"Tracking history for parcel JD{r.randint(10**9, 10**10 - 1)}",
    joiner="\n",
)


# --- local election results ------------------------------------------------------------------
_WARDS = ["Abbey", "Brookside", "Castlefield", "Dene", "Eastgate", "Fairholme"]


def _election_filler(rng: random.Random) -> str:
    return (
        f"{rng.choice(_WARDS)} ward | {rng.choice(FIRST)} {rng.choice(LAST)} | "
        f"{rng.choice(['Green', 'Labour', 'Liberal', 'Independent', 'Conservative'])} | "
        f"{rng.randint(150, 2400)} votes"
    )


def _election_fact(rng: random.Random) -> Fact:
    ward, other = rng.sample(_WARDS, 2)
    who = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    used: set[str] = set()
    counts = [str(n) for n in range(800, 2400, 37)]
    right = draw(rng, counts, used)
    first_count = draw(rng, counts, used)
    other_ward = draw(rng, counts, used)
    fact = rng.choice(
        [
            f"{ward} ward | {who} | Independent | {right} votes (after recount)",
            f"Declared result, {ward} ward: {who} (Independent) {right} votes",
        ]
    )
    misses = [
        f"Before the recount, {who} had been credited with {first_count} votes in {ward}.",
        f"{other} ward | {who} | Independent | {other_ward} votes",
    ]
    question = rng.choice(
        [
            f"How many votes did {who} finally receive in {ward} ward?",
            f"What was {who}'s official vote total in the {ward} ward?",
        ]
    )
    return Plant(fact, misses), question, right, (right,), (first_count, other_ward)


def _election_clash(unit: str, plant: Plant) -> bool:
    """A filler row for the asked candidate in the asked ward would be a second answer."""
    ward = plant.misses[0].rsplit(" in ", 1)[1].rstrip(".")
    who = plant.misses[1].split(" | ")[1]
    return unit.startswith(f"{ward} ward | {who} |")


ELECTION = Genre(
    "election",
    _election_filler,
    _election_fact,
    lambda r: f"Borough council elections {r.randint(2019, 2026)}: results by ward",
    joiner="\n",
    clashes=_election_clash,
)


GENRES = {g.name: g for g in (HOTEL, SPECSHEET, TAXNOTE, MUSEUM, TRACKING, ELECTION)}
