"""Six sealed genres, written on 2026-12-04 (stop 24) after ``fresh6``'s one final run,
before any change was made on what it showed.

``fresh6``'s genres were measured once (``benchmarks/results/longdoc-sealed4.json``) and
their failures looked at the same day, so they are ``studied`` now. These are the sealed
split: measured only, in a session's final run; no protocol decision may be based on what
they show; a session that studies their failures marks them ``studied`` and writes new
sealed ones.

Shapes nobody tuned for: a supplier invoice, a payslip, a flight itinerary, a product
warranty card, a planning-application notice and a flat listing. Their near misses: the
price of another line and last quarter's price, gross pay and last month's net pay, the
old gate and the connecting flight's gate, the frame's warranty and an extended plan for
sale, another application's date and the decision date, the one-bedroom flat's rent and
the service charge. Questions paraphrase the fact, never repeat its sentence.
"""

from __future__ import annotations

import random

from benchmarks.corpus.lookup import FIRST, LAST, PLACES, Genre, Plant, draw

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]


# --- supplier invoice --------------------------------------------------------------------------
_ITEMS = [
    "A4 copier paper (box of 5 reams)", "Blue ballpoint pens (pack of 50)",
    "Archive boxes (pack of 10)", "Desk lamp LED", "Whiteboard markers (pack of 12)",
    "Laminating pouches (pack of 100)", "Stapler heavy duty", "Printer toner black",
]  # fmt: skip


def _invoice_filler(rng: random.Random) -> str:
    return rng.choice([
        f"{rng.choice(_ITEMS)}  qty {rng.randint(1, 40)}",
        "Payment terms: 30 days from the invoice date.",
        "Goods remain our property until paid in full.",
        f"Delivery note DN-{rng.randint(10000, 99999)} enclosed.",
        "Please quote the invoice number with your payment.",
        "Bank: Northbridge Commercial, sort code 40-12-77.",
    ])  # fmt: skip


def _invoice_fact(rng: random.Random) -> Fact:
    item, other = rng.sample(_ITEMS, 2)
    used: set[str] = set()
    prices = [f"£{p}" for p in ("4.20", "6.85", "11.40", "17.95", "23.50", "38.00", "52.75")]
    right = draw(rng, prices, used)
    other_price = draw(rng, prices, used)
    old = draw(rng, prices, used)
    fact = rng.choice([
        f"{item}  unit price {right}",
        f"Line 4: {item}, charged at {right} each",
    ])  # fmt: skip
    misses = [
        f"{other}  unit price {other_price}",
        f"Note: {item} was {old} each on last quarter's price list.",
    ]
    question = rng.choice([
        f"How much does one {item.split(' (')[0].lower()} cost on this invoice?",
        f"What are we being charged per unit for the {item.split(' (')[0].lower()}?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (other_price, old)


INVOICE = Genre(
    "invoice",
    _invoice_filler,
    _invoice_fact,
    lambda r: f"INVOICE INV-{r.randint(2026000, 2026999)}  Stationery Direct Ltd",
    joiner="\n",
)


# --- payslip -----------------------------------------------------------------------------------
def _payslip_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Tax code {rng.choice(['1257L', 'BR', '1185L'])}",
        f"Pension (employee 5%): £{rng.randint(90, 240)}.{rng.randint(10, 99)}",
        "Payment method: BACS",
        f"Holiday remaining: {rng.randint(3, 24)} days",
        "Queries about this payslip go to payroll@company.example.",
        f"Student loan plan {rng.randint(1, 4)}",
        f"Overtime hours: {rng.randint(0, 12)}",
    ])  # fmt: skip


def _payslip_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    pays = [f"£{a:,}.{rng.randint(10, 99)}" for a in rng.sample(range(1800, 4200), 6)]
    right = draw(rng, pays, used)
    gross = draw(rng, pays, used)
    last = draw(rng, pays, used)
    month = rng.choice(["October", "November", "September"])
    fact = rng.choice([
        f"NET PAY (paid {month} 28): {right}",
        f"Take-home pay this period: {right}",
    ])  # fmt: skip
    misses = [f"Gross pay this period: {gross}", f"Net pay last month: {last}"]
    question = rng.choice([
        "How much actually landed in my bank account this month?",
        "What is my take-home pay on this payslip?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (gross, last)


PAYSLIP = Genre(
    "payslip",
    _payslip_filler,
    _payslip_fact,
    lambda r: f"Payslip for employee {r.randint(1000, 9999)}, {r.choice(FIRST)} {r.choice(LAST)}",
    joiner="\n",
)


# --- flight itinerary --------------------------------------------------------------------------
def _itinerary_filler(rng: random.Random) -> str:
    return rng.choice([
        "Check-in closes 45 minutes before departure.",
        "Cabin bag: one piece up to 10 kg.",
        "Please have your passport ready at the gate.",
        f"Seat {rng.randint(2, 32)}{rng.choice('ABCDEF')} confirmed.",
        "Meals can be bought on board.",
        "Boarding ends 20 minutes before departure.",
        f"Booking reference {''.join(rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ') for _ in range(6))}.",
    ])  # fmt: skip


def _itinerary_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    gates = [f"{g}{n}" for g in "ABCD" for n in (4, 7, 12, 19, 23, 31)]
    right = draw(rng, gates, used)
    old = draw(rng, gates, used)
    onward = draw(rng, gates, used)
    flight, connection = f"SK{rng.randint(100, 999)}", f"SK{rng.randint(1000, 1999)}"
    fact = rng.choice([
        f"Gate change: flight {flight} now boards at gate {right}.",
        f"{flight} boarding at gate {right} (updated 06:10).",
    ])  # fmt: skip
    misses = [
        f"Flight {flight} was first scheduled to board at gate {old}.",
        f"Connecting flight {connection} departs from gate {onward}.",
    ]
    question = rng.choice([
        f"Which gate do I need for flight {flight}?",
        f"Where does {flight} board from now?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (old, onward)


ITINERARY = Genre(
    "itinerary",
    _itinerary_filler,
    _itinerary_fact,
    lambda r: f"Your trip to {r.choice(PLACES)}: itinerary and boarding information",
    joiner="\n",
)


# --- product warranty card ---------------------------------------------------------------------
_WARRANTY = [
    "Keep your proof of purchase; it is needed for every claim.",
    "The warranty does not cover wear from normal use, such as tyres and brake pads.",
    "Register your bike online within 30 days of purchase.",
    "Claims are handled by the shop where you bought the bike.",
    "Damage from accidents, misuse or racing is not covered.",
    "Parts replaced under warranty are covered for the rest of the original period.",
]


def _warranty_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    spans = ["6 months", "1 year", "2 years", "3 years", "5 years", "10 years"]
    right = draw(rng, spans, used)
    frame = draw(rng, spans, used)
    extended = draw(rng, spans, used)
    fact = rng.choice([
        f"The battery and motor are guaranteed for {right} from the date of purchase.",
        f"Battery: covered for {right}.",
    ])  # fmt: skip
    misses = [
        f"The frame is guaranteed for {frame}.",
        f"An optional CarePlus plan, sold separately, extends battery cover to {extended}.",
    ]
    question = rng.choice([
        "How long is the battery covered if I do not buy anything extra?",
        "For how long is the e-bike's battery under guarantee?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (frame, extended)


WARRANTY = Genre(
    "warranty",
    lambda r: r.choice(_WARRANTY),
    _warranty_fact,
    lambda r: f"Volta {r.choice(['City', 'Trail', 'Cargo'])} e-bike: warranty terms",
)


# --- planning-application notice ---------------------------------------------------------------
_PLANNING = [
    "Plans can be viewed at the council offices or on the planning portal.",
    "Comments must include your name and address to be considered.",
    "Anonymous comments cannot be taken into account.",
    "The committee meets in the council chamber; meetings are open to the public.",
    "Only material planning considerations can be taken into account.",
    "Site notices are displayed at or near each address.",
]


def _planning_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    days = ["3 February", "10 February", "17 February", "24 February", "3 March", "10 March"]
    right = draw(rng, days, used)
    other_day = draw(rng, days, used)
    decision = draw(rng, days, used)
    ref, other_ref = f"26/0{rng.randint(100, 499)}/FUL", f"26/0{rng.randint(500, 999)}/HH"
    street = rng.choice(PLACES)
    fact = rng.choice([
        f"Application {ref} (two-storey extension, {street} Road): comments by {right}.",
        f"Objections to {ref} must reach us no later than {right}.",
    ])  # fmt: skip
    misses = [
        f"Application {other_ref} (new garage): comments by {other_day}.",
        f"A decision on {ref} is expected on {decision}.",
    ]
    question = rng.choice([
        f"What is the last day to object to application {ref}?",
        f"By when must comments on {ref} be in?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (other_day, decision)


PLANNING = Genre(
    "planning",
    lambda r: r.choice(_PLANNING),
    _planning_fact,
    lambda r: f"Planning applications received, week {r.randint(1, 52)}",
)


# --- flat listing ------------------------------------------------------------------------------
def _listing_filler(rng: random.Random) -> str:
    return rng.choice([
        "Bills are not included unless stated.",
        "Viewings by appointment only, weekdays 9-5.",
        "Sorry, no pets in any of our flats.",
        f"EPC rating {rng.choice('BCD')}.",
        "A holding deposit of one week's rent secures the flat.",
        "All flats have a fitted kitchen and double glazing.",
    ])  # fmt: skip


def _listing_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    rents = [f"£{r:,} pcm" for r in (875, 950, 1_040, 1_150, 1_275, 1_390, 1_520)]
    right = draw(rng, rents, used)
    one_bed = draw(rng, rents, used)
    street = rng.choice(PLACES)
    charge = f"£{rng.randint(60, 140)} a month"
    fact = rng.choice([
        f"Two-bedroom flat, {street} Street, second floor: {right}.",
        f"The 2-bed on {street} Street is let at {right}, available from January.",
    ])  # fmt: skip
    misses = [
        f"One-bedroom flat, {street} Street, ground floor: {one_bed}.",
        f"Service charge for the {street} Street block: {charge}.",
    ]
    question = rng.choice([
        f"What is the monthly rent for the two-bed flat on {street} Street?",
        f"How much is the 2-bedroom on {street} Street per month?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (one_bed, charge)


LISTING = Genre(
    "listing",
    _listing_filler,
    _listing_fact,
    lambda r: f"{r.choice(LAST)} & Co lettings: flats to rent this month",
)

GENRES = {g.name: g for g in (INVOICE, PAYSLIP, ITINERARY, WARRANTY, PLANNING, LISTING)}
