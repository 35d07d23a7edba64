"""Six sealed genres, written on 2026-12-04 (stop 26) before ``fresh8``'s one final run.

``fresh8``'s genres are measured in stop 26's final run and studied after it. These are the
next sealed split: measured only, in a later session's final run; no protocol decision may
be based on what they show; a session that studies their failures marks them ``studied``
and writes new sealed ones.

Shapes nobody tuned for: an airline's baggage rules, a bank statement, a university exam
timetable, a council's bin collection calendar, a program's system requirements and a food
recall notice. Their near misses: the business-class allowance and the old limit, the
opening and the available balance, another module's room and a room the exam moved out
of, the black bin's day and the day before the change, the recommended memory and the old
version's minimum, a batch that is not affected and an earlier recall's date. Questions
paraphrase the fact, never repeat its sentence.
"""

from __future__ import annotations

import random

from benchmarks.corpus.lookup import FIRST, LAST, PLACES, Genre, Plant, draw

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]


# --- airline baggage rules ---------------------------------------------------------------------
_BAGGAGE = [
    "Liquids in cabin bags must be in containers of 100ml or less.",
    "Sports equipment must be booked at least 24 hours before departure.",
    "Lithium batteries are not allowed in checked baggage.",
    "Bag drop closes 40 minutes before departure.",
    "Pushchairs can be taken to the aircraft door free of charge.",
    "Musical instruments may need a seat of their own.",
    "Items left on board are kept for 30 days.",
]


def _baggage_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    kilos = ["7kg", "8kg", "10kg", "12kg", "15kg", "18kg"]
    right = draw(rng, kilos, used)
    business = draw(rng, kilos, used)
    old = draw(rng, kilos, used)
    hold = rng.choice(["20kg", "23kg", "25kg"])
    fact = rng.choice([
        f"Economy passengers may bring one cabin bag weighing up to {right}.",
        f"Cabin bag, Economy: one piece, maximum weight {right}.",
    ])  # fmt: skip
    misses = [
        f"Business passengers may bring two cabin bags of up to {business} each.",
        f"Before the 1 March change, the Economy cabin bag limit was {old}.",
        f"Each checked bag in Economy may weigh up to {hold}.",
    ]
    question = rng.choice([
        "How heavy can my carry-on be if I fly in the cheapest class?",
        "What is the hand luggage weight limit for economy travellers now?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (business, old, hold)


BAGGAGE = Genre(
    "baggage",
    lambda r: r.choice(_BAGGAGE),
    _baggage_fact,
    lambda r: f"{r.choice(PLACES)} Air: baggage allowances",
)


# --- bank statement ----------------------------------------------------------------------------
def _statement_filler(rng: random.Random) -> str:
    day = rng.randint(1, 28)
    amount = f"{rng.randint(3, 240)}.{rng.randint(10, 99)}"
    return rng.choice([
        f"{day:02d} Mar  CARD PAYMENT  {rng.choice(['TESCO', 'BOOTS', 'TFL TRAVEL', 'CAFE NERO'])}"
        f"  {amount}",
        f"{day:02d} Mar  DIRECT DEBIT  {rng.choice(['COUNCIL TAX', 'GYM', 'MOBILE'])}  {amount}",
        f"{day:02d} Mar  TRANSFER IN  {rng.choice(FIRST).upper()}  {amount}",
        "Sort code 20-44-91  Account 73019455",
        "Call us on 0345 600 2290 if you do not recognise a payment.",
    ])  # fmt: skip


def _statement_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    sums = ["£1,482.17", "£2,036.55", "£911.40", "£3,274.08", "£1,127.93", "£2,688.61"]
    right = draw(rng, sums, used)
    opening = draw(rng, sums, used)
    available = draw(rng, sums, used)
    fact = rng.choice([
        f"Closing balance on 31 March: {right}",
        f"Balance carried forward at the end of this statement: {right}",
    ])  # fmt: skip
    misses = [
        f"Opening balance on 1 March: {opening}",
        f"Available balance including your overdraft: {available}",
    ]
    question = rng.choice([
        "How much money was left in the account when the statement period ended?",
        "What did this statement finish on, balance-wise?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (opening, available)


STATEMENT = Genre(
    "statement",
    _statement_filler,
    _statement_fact,
    lambda r: f"Current account statement for {r.choice(FIRST)} {r.choice(LAST)}, March",
    joiner="\n",
)


# --- university exam timetable -----------------------------------------------------------------
_MODULES = ["COMP2041", "MATH1131", "PHYS1121", "ECON1101", "CHEM1031", "PSYC1001"]


def _exams_filler(rng: random.Random) -> str:
    module = rng.choice(_MODULES[3:])
    return rng.choice([
        f"{module}  {rng.randint(2, 20)} June  {rng.choice(['9:00', '14:00'])}  "
        f"{rng.choice(['Main Hall', 'Sports Hall', 'Room G.12'])}",
        "Bring your student card to every exam.",
        "Phones must be switched off and left in your bag.",
        "You may not leave in the first 30 minutes.",
        "Candidates with extra time will be told their room by email.",
    ])  # fmt: skip


def _exams_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    rooms = ["Hall 3", "Hall 5", "Lecture Theatre B", "Room 2.14", "the Great Hall", "Room 1.07"]
    right = draw(rng, rooms, used)
    before = draw(rng, rooms, used)
    other = draw(rng, rooms, used)
    asked, neighbour = rng.sample(_MODULES[:3], 2)
    fact = rng.choice([
        f"{asked}  11 June  9:00  {right}",
        f"The {asked} paper on 11 June is sat in {right}.",
    ])  # fmt: skip
    misses = [
        f"{neighbour}  11 June  9:00  {other}",
        f"Room change: {asked} was first listed in {before}; that room is no longer used.",
    ]
    question = rng.choice([
        f"Where will I be writing the {asked} exam?",
        f"Which room is the {asked} exam in?",
    ])  # fmt: skip
    return (
        Plant(fact, misses),
        question,
        right,
        (right, right.removeprefix("the ")),
        (before, other),
    )


EXAMS = Genre(
    "exams",
    _exams_filler,
    _exams_fact,
    lambda r: f"{r.choice(PLACES)} University: summer examination timetable",
    joiner="\n",
)


# --- bin collection calendar -------------------------------------------------------------------
_BINS = [
    "Put your bins out by 7am on collection day.",
    "Flattened cardboard goes in the blue bin.",
    "Garden waste collections stop in December and January.",
    "Report a missed collection within two working days.",
    "Bulky items can be collected for a fee.",
    "Lids must close fully or the bin may not be emptied.",
]


def _bins_fact(rng: random.Random) -> Fact:
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    used: set[str] = set()
    right = draw(rng, days, used)
    black = draw(rng, days, used)
    old = draw(rng, days, used)
    fact = rng.choice([
        f"From 6 April, recycling (blue bin) is collected every other {right}.",
        f"Blue bin: fortnightly on a {right}, from 6 April onwards.",
    ])  # fmt: skip
    misses = [
        f"General waste (black bin) is collected every {black}.",
        f"Until 5 April, blue bins were emptied on a {old}.",
    ]
    question = rng.choice([
        "On which weekday do they pick up the recycling these days?",
        "What day is my blue bin emptied now?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (black, old)


BINS = Genre(
    "bins",
    lambda r: r.choice(_BINS),
    _bins_fact,
    lambda r: f"{r.choice(PLACES)} District Council: your collection calendar",
)


# --- system requirements -----------------------------------------------------------------------
def _requirements_filler(rng: random.Random) -> str:
    return rng.choice([
        "Operating system: Windows 10 (64-bit) or later, macOS 12 or later.",
        f"Disk space: {rng.randint(2, 9)}.5 GB free.",
        "An internet connection is needed to activate the licence.",
        "Graphics: any card with OpenGL 4.1 support.",
        "Screen resolution: 1280x800 or higher.",
        "Administrator rights are needed to install.",
    ])  # fmt: skip


def _requirements_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    memory = ["4 GB", "6 GB", "8 GB", "12 GB", "16 GB", "32 GB"]
    right = draw(rng, memory, used)
    recommended = draw(rng, memory, used)
    old = draw(rng, memory, used)
    fact = rng.choice([
        f"Memory (minimum): {right} RAM",
        f"The application will not start with less than {right} of RAM.",
    ])  # fmt: skip
    misses = [
        f"Memory (recommended, for large projects): {recommended} RAM",
        f"Version 3 needed at least {old} of RAM.",
    ]
    question = rng.choice([
        "What is the smallest amount of memory the current version can run with?",
        "How much RAM do I need at the very least?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right, right.replace(" ", "")), (recommended, old)


REQUIREMENTS = Genre(
    "requirements",
    _requirements_filler,
    _requirements_fact,
    lambda r: f"{r.choice(PLACES)}CAD 4: system requirements",
    joiner="\n",
)


# --- food recall notice ------------------------------------------------------------------------
_RECALL = [
    "No other products are known to be affected.",
    "If you have bought this product, do not eat it.",
    "Return it to the store for a full refund; a receipt is not needed.",
    "We apologise for any inconvenience.",
    "The product may contain pieces of glass.",
    "Stores have been told to remove it from sale.",
]


def _recall_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    dates = ["14 May 2027", "21 May 2027", "3 June 2027", "28 April 2027", "9 June 2027"]
    right = draw(rng, dates, used)
    safe = draw(rng, dates, used)
    earlier = draw(rng, dates, used)
    lot = f"L{rng.randint(1000, 9999)}"
    fact = rng.choice([
        f"Affected: 340g jars, lot {lot}, best before {right}.",
        f"Only jars with the best before date {right} (lot {lot}) are being recalled.",
    ])  # fmt: skip
    misses = [
        f"Jars with the best before date {safe} are not affected and are safe to eat.",
        f"A recall in January covered jars best before {earlier}; that recall is closed.",
    ]
    question = rng.choice([
        "Which best-before date marks the jars I should take back?",
        "What date is printed on the jars being recalled?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (safe, earlier)


RECALL = Genre(
    "recall",
    lambda r: r.choice(_RECALL),
    _recall_fact,
    lambda r: f"Product recall: {r.choice(PLACES)} Farm strawberry jam",
)

GENRES = {g.name: g for g in (BAGGAGE, STATEMENT, EXAMS, BINS, REQUIREMENTS, RECALL)}
