"""Six sealed genres, written on 2026-12-06 (stop 34) during a pointing run, after the one
final run of ``fresh16``.

Measured only, in a later session's final run; no protocol decision may be based on what
they show; a session that studies their failures marks them ``studied`` and writes new
sealed ones.

Shapes nobody tuned for: a tyre fitter's job card, a nursery's monthly invoice, a removal
firm's booking confirmation, a campsite booking, a passport renewal letter and a cake
order. Their near misses: the tread depth of the tyres left on and the legal minimum beside
the new tyres' depth, the free hours and the hourly rate beside the sum to pay, the
loading window and the office's hours beside the crew's arrival, the pitch of the previous
stay and the electric hook-up's amps beside the pitch number, the old passport's expiry and
the date the application was received beside the new one's expiry, the deposit paid and
the delivery charge beside the balance. One question needs a reader's knowledge, not the
text's words ("what is left to pay for the cake" is the balance, not the price or the
deposit). Questions paraphrase the fact, never repeat its sentence.
"""

from __future__ import annotations

import calendar
import random

from benchmarks.corpus.lookup import FIRST, LAST, PLACES, Genre, Plant

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]


def _long(y: int, m: int, d: int) -> str:
    return f"{d} {calendar.month_name[m]} {y}"


def _slashed(y: int, m: int, d: int) -> str:
    return f"{d:02d}/{m:02d}/{y}"


# --- tyre fitter's job card ------------------------------------------------------------------
def _tyre_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Vehicle registration: {rng.choice('ABCDEFGH')}{rng.randint(10, 99)} "
        f"{''.join(rng.choice('KLMNPRSTVWXY') for _ in range(3))}",
        "Wheel nuts torqued to the manufacturer's setting.",
        "Valves replaced on all fitted wheels.",
        f"Technician: {rng.choice(FIRST)} {rng.choice(LAST)}",
        "Please re-check wheel nuts after 50 miles.",
        f"Mileage at visit: {rng.randint(12000, 98000):,}",
    ])  # fmt: skip


def _tyre_fact(rng: random.Random) -> Fact:
    pressure = rng.choice([32, 33, 34, 35, 36])
    rear = pressure - rng.choice([2, 3])
    spare = rng.choice([42, 60])
    fact = rng.choice([
        f"Front tyres inflated to {pressure} psi.",
        f"Pressures set: front {pressure} psi, as per the door sticker.",
    ])  # fmt: skip
    misses = [
        f"Rear tyres set to {rear} psi.",
        f"Space-saver spare: {spare} psi (check monthly).",
    ]
    question = rng.choice([
        "What pressure were the front wheels pumped up to?",
        "To how many psi did the fitter set the tyres at the front?",
    ])  # fmt: skip
    right = f"{pressure} psi"
    return (Plant(fact, misses), question, right, (right, f"{pressure}psi"),
            (f"{rear} psi", f"{spare} psi"))  # fmt: skip


TYRE = Genre(
    "tyre",
    _tyre_filler,
    _tyre_fact,
    lambda r: f"Job card {r.randint(1000, 9999)}: tyre fitting, {r.choice(PLACES)} branch",
    joiner="\n",
)


# --- nursery invoice --------------------------------------------------------------------------
def _nursery_filler(rng: random.Random) -> str:
    return rng.choice([
        "Nappies and wipes are provided at no extra charge.",
        f"Key person: {rng.choice(FIRST)} {rng.choice(LAST)}",
        "Please label all spare clothes with your child's name.",
        "Payment is by bank transfer or childcare vouchers.",
        f"Room: {rng.choice(['Caterpillars', 'Ladybirds', 'Owls', 'Acorns'])}",
        "Closed on bank holidays; no charge is made for them.",
    ])  # fmt: skip


def _nursery_fact(rng: random.Random) -> Fact:
    owed = rng.randint(420, 1180)
    rate = rng.choice([7.5, 8.25, 9.0, 9.75])
    funded = rng.choice([15, 30])
    lunch = rng.randint(30, 90)
    fact = rng.choice([
        f"Amount due this month: £{owed}.00",
        f"Total payable for the month: £{owed}.00 (after funded hours).",
    ])  # fmt: skip
    misses = [
        f"Hourly rate: £{rate:.2f}; {funded} funded hours a week deducted.",
        f"Meals charged separately: £{lunch}.00 this month (included in the total).",
    ]
    question = rng.choice([
        "How much do we owe the nursery for this month?",
        "What is the bill for childcare this month, all in?",
    ])  # fmt: skip
    right = f"£{owed}.00"
    return (Plant(fact, misses), question, right, (right, f"£{owed}"),
            (f"£{rate:.2f}", f"£{lunch}.00", f"{funded} funded hours"))  # fmt: skip


NURSERY = Genre(
    "nursery",
    _nursery_filler,
    _nursery_fact,
    lambda r: f"{r.choice(PLACES)} Day Nursery: invoice for {r.choice(FIRST)} {r.choice(LAST)}",
    joiner="\n",
)


# --- removal firm's booking -------------------------------------------------------------------
def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _removals_filler(rng: random.Random) -> str:
    return rng.choice([
        "Packing materials will be delivered two days before the move.",
        f"Crew size: {rng.randint(2, 5)} porters and one driver.",
        "Please reserve parking outside both addresses.",
        f"Insurance: goods in transit covered up to £{rng.choice([25, 50, 75])},000.",
        "Fragile items should be marked clearly on each box.",
        f"Booking reference: MV-{rng.randint(10000, 99999)}",
    ])  # fmt: skip


def _removals_fact(rng: random.Random) -> Fact:
    arrive = rng.choice([7 * 60 + 30, 8 * 60, 8 * 60 + 30, 9 * 60])
    window = arrive + rng.choice([60, 120])
    office = rng.choice([t for t in (7 * 60, 8 * 60 + 30, 9 * 60) if t != arrive])
    fact = rng.choice([
        f"The crew will arrive at your current address at {_clock(arrive)}.",
        f"Arrival of the team at the collection address: {_clock(arrive)}.",
    ])  # fmt: skip
    misses = [
        f"Loading must be finished by {_clock(window)} to meet the key release.",
        f"Our office opens at {_clock(office)} on moving days for any questions.",
    ]
    question = rng.choice([
        "What time will the movers turn up at my old house?",
        "When should I expect the removal men to get here to start loading?",
    ])  # fmt: skip
    right = _clock(arrive)
    return (Plant(fact, misses), question, right, (right,),
            (_clock(window), _clock(office)))  # fmt: skip


REMOVALS = Genre(
    "removals",
    _removals_filler,
    _removals_fact,
    lambda r: f"Removal booking confirmation: {r.choice(PLACES)} to {r.choice(PLACES)}",
    joiner="\n",
)


# --- campsite booking -------------------------------------------------------------------------
def _camping_filler(rng: random.Random) -> str:
    return rng.choice([
        "Quiet hours are from 10pm to 7am.",
        "Dogs are welcome on a lead.",
        f"Shower block code: {rng.randint(1000, 9999)}",
        "Campfires are allowed in the fire pits only.",
        f"Warden on site: {rng.choice(FIRST)} {rng.choice(LAST)}",
        "Recycling points are beside the reception.",
    ])  # fmt: skip


def _camping_fact(rng: random.Random) -> Fact:
    pitch = rng.randint(3, 89)
    last = rng.choice([p for p in range(3, 90) if p != pitch])
    amps = rng.choice([10, 16])
    fact = rng.choice([
        f"Your pitch for this stay: number {pitch} (grass, hard-standing for the car).",
        f"We have allocated you pitch {pitch}, near the woodland edge.",
    ])  # fmt: skip
    misses = [
        f"Last year you stayed on pitch {last}.",
        f"Electric hook-up: {amps} amp supply at every pitch.",
    ]
    question = rng.choice([
        "Which spot have we been given at the campsite?",
        "What number is the place where we pitch the tent this time?",
    ])  # fmt: skip
    right = str(pitch)
    return (Plant(fact, misses), question, right, (right, f"pitch {pitch}"),
            (str(last), f"{amps} amp"))  # fmt: skip


CAMPING = Genre(
    "camping",
    _camping_filler,
    _camping_fact,
    lambda r: f"{r.choice(PLACES)} Farm Campsite: booking confirmed",
    joiner="\n",
)


# --- passport renewal letter -------------------------------------------------------------------
def _passport_filler(rng: random.Random) -> str:
    return rng.choice([
        "Your old passport has been cancelled and is returned separately.",
        "Check that the details on the personal page are correct.",
        f"Application number: {rng.randint(1000000, 9999999)}",
        "Sign the new passport on the signature page straight away.",
        "Report a lost or stolen passport at once.",
        f"Delivered by secure courier to {rng.randint(1, 200)} {rng.choice(PLACES)} Road.",
    ])  # fmt: skip


def _passport_fact(rng: random.Random) -> Fact:
    y, m, d = rng.choice([2035, 2036]), rng.randint(1, 12), rng.randint(1, 28)
    old = (y - 10, rng.randint(1, 12), rng.randint(1, 28))
    got = (y - 10, rng.randint(1, 12), rng.randint(1, 28))
    fact = rng.choice([
        f"Date of expiry of your new passport: {_slashed(y, m, d)}",
        f"The new passport is valid until {_long(y, m, d)}.",
    ])  # fmt: skip
    misses = [
        f"Your previous passport expired on {_slashed(*old)}.",
        f"We received your application on {_long(*got)}.",
    ]
    question = rng.choice([
        "Until when can I travel on the passport they just sent?",
        "When will I next have to renew my passport?",
    ])  # fmt: skip
    right = _long(y, m, d)
    return (Plant(fact, misses), question, right, (right, _slashed(y, m, d)),
            (_long(*old), _slashed(*old), _long(*got), _slashed(*got)))  # fmt: skip


PASSPORT = Genre(
    "passport",
    _passport_filler,
    _passport_fact,
    lambda r: f"Passport Office: your renewal, {r.choice(FIRST)} {r.choice(LAST)}",
    joiner="\n",
)


# --- cake order -------------------------------------------------------------------------------
def _cake_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Flavour: {rng.choice(['lemon drizzle', 'chocolate', 'carrot', 'vanilla'])}",
        f"Tiers: {rng.randint(1, 4)}",
        "Fresh flowers are supplied by the customer.",
        "The cake contains nuts and gluten.",
        f"Order taken by {rng.choice(FIRST)}.",
        "Collection is from the back door of the shop.",
    ])  # fmt: skip


def _cake_fact(rng: random.Random) -> Fact:
    price = rng.randint(18, 60) * 10
    deposit = rng.choice([50, 75, 100])
    delivery = rng.choice([15, 20, 25])
    balance = price + delivery - deposit
    fact = rng.choice([
        f"Balance outstanding: £{balance}, due on delivery.",
        f"Remaining to pay: £{balance} (price and delivery less deposit).",
    ])  # fmt: skip
    misses = [
        f"Cake price: £{price}. Deposit paid: £{deposit}.",
        f"Delivery and set-up at the venue: £{delivery}.",
    ]
    question = rng.choice([
        "How much is left to pay for the cake?",
        "What do I still owe the bakery?",
    ])  # fmt: skip
    right = f"£{balance}"
    return (Plant(fact, misses), question, right, (right, f"£{balance}.00"),
            (f"£{price}", f"£{deposit}", f"£{delivery}"))  # fmt: skip


CAKE = Genre(
    "cake",
    _cake_filler,
    _cake_fact,
    lambda r: f"Celebration cake order: {r.choice(FIRST)} {r.choice(LAST)}",
    joiner="\n",
)

GENRES = {g.name: g for g in (TYRE, NURSERY, REMOVALS, CAMPING, PASSPORT, CAKE)}
