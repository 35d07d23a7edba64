"""Six sealed genres, written on 2026-12-06 (stop 35) while ``fresh17``'s one final run was
going, before any of its results were read.

Measured only, in a later session's final run; no protocol decision may be based on what
they show; a session that studies their failures marks them ``studied`` and writes new
sealed ones.

Shapes nobody tuned for, none of them a genre an earlier file has: a dog groomer's
appointment card, a seed packet's sowing guide, a wedding invitation's details written as
prose, a parking penalty charge notice, an auction's results and a swimming club's
newsletter. Their near misses: the drop-off time and the next booking beside the pick-up
time, the spacing between plants and between rows beside the sowing depth, the time to be
seated and the evening party beside the ceremony, the full penalty and the raised charge
beside the discounted one, the lot's estimate and the next lot's price beside the price it
fetched, Thursday's session and the children's lessons beside Tuesday's lane swim. One
question needs a reader's knowledge, not the text's words ("if I settle the fine quickly"
is the discounted amount within 14 days). Questions paraphrase the fact, never repeat its
sentence.
"""

from __future__ import annotations

import random
import re

from benchmarks.corpus.lookup import FIRST, LAST, PLACES, Genre, Plant

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]


def _shares_a_number(unit: str, plant: Plant) -> bool:
    """Whether a filler unit uses a number the fact or a near miss uses ("registration C40"
    beside a £40 charge): such filler is drawn again, so a number is asked about once."""
    numbers = set(re.findall(r"\d+", " ".join([plant.fact or "", *plant.misses])))
    return bool(numbers & set(re.findall(r"\d+", unit)))


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# --- dog groomer's appointment card ------------------------------------------------------
def _grooming_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Dog: {rng.choice(['Biscuit', 'Pepper', 'Luna', 'Monty', 'Skye'])} "
        f"({rng.choice(['cockapoo', 'border terrier', 'spaniel', 'schnauzer'])})",
        "Full groom: bath, blow-dry, nails, ears and a trim to your chosen style.",
        "Please walk your dog before the appointment.",
        f"Groomer: {rng.choice(FIRST)}",
        "Matted coats may need to be clipped short for the dog's comfort.",
        "Cancellations with less than 24 hours' notice are charged in full.",
    ])  # fmt: skip


def _grooming_fact(rng: random.Random) -> Fact:
    drop = rng.choice([8 * 60 + 30, 9 * 60, 9 * 60 + 30])
    ready = drop + rng.choice([150, 180, 210])
    again = rng.choice([t for t in (10 * 60, 11 * 60, 14 * 60) if t != ready])
    fact = rng.choice([
        f"Your dog will be ready to collect at {_clock(ready)}.",
        f"Pick-up time: {_clock(ready)} (we will text you if we finish early).",
    ])  # fmt: skip
    misses = [
        f"Drop-off: {_clock(drop)} at the side door.",
        f"Next groom pencilled in for six weeks' time at {_clock(again)}.",
    ]
    question = rng.choice([
        "What time can I come and get the dog back today?",
        "When should I fetch my dog from the groomer's?",
    ])  # fmt: skip
    right = _clock(ready)
    return (Plant(fact, misses), question, right, (right,), (_clock(drop), _clock(again)))


GROOMING = Genre(
    "grooming",
    _grooming_filler,
    _grooming_fact,
    lambda r: f"{r.choice(PLACES)} Dog Grooming: appointment card",
    joiner="\n",
)


# --- seed packet ---------------------------------------------------------------------------
def _seeds_filler(rng: random.Random) -> str:
    return rng.choice([
        "Keep the soil moist but not waterlogged until the seedlings appear.",
        f"Germination: {rng.randint(7, 21)} days.",
        "Protect young plants from slugs.",
        f"Harvest from {rng.choice(['June', 'July', 'August', 'September'])}.",
        "Thin out the weaker seedlings once they can be handled.",
        f"Packed for the {rng.randint(2026, 2027)} season. Lot {rng.randint(1000, 9999)}.",
    ])  # fmt: skip


def _seeds_fact(rng: random.Random) -> Fact:
    deep = rng.choice([1, 2, 3])
    apart = rng.choice([15, 20, 30, 45])
    rows = rng.choice([r for r in (40, 45, 60, 75) if r != apart])
    fact = rng.choice([
        f"Sow thinly, {deep} cm deep, in well-prepared soil.",
        f"Cover the seed with {deep} cm of fine compost.",
    ])  # fmt: skip
    misses = [
        f"Final spacing: {apart} cm between plants.",
        f"Leave {rows} cm between rows.",
    ]
    question = rng.choice([
        "How far down into the soil do the seeds go?",
        "At what depth should I put these seeds in?",
    ])  # fmt: skip
    right = f"{deep} cm"
    return (Plant(fact, misses), question, right, (right, f"{deep}cm"),
            (f"{apart} cm", f"{rows} cm"))  # fmt: skip


SEEDS = Genre(
    "seeds",
    _seeds_filler,
    _seeds_fact,
    lambda r: f"{r.choice(['Runner bean', 'Courgette', 'Sweetcorn', 'Beetroot'])}: sowing guide",
    joiner="\n",
)


# --- wedding invitation details (prose) ----------------------------------------------------
def _wedding_filler(rng: random.Random) -> str:
    return rng.choice([
        f"We are so happy that you can join us at {rng.choice(PLACES)} Barn for our day, "
        "and we cannot wait to celebrate with you.",
        "There is plenty of parking on site, and taxis can be booked through the venue.",
        "Dress code: summer smart; the ceremony is outdoors, so bring a layer.",
        "If you have any dietary needs, please tell us when you reply.",
        f"Our thanks to {rng.choice(FIRST)} and {rng.choice(FIRST)}, who are looking after "
        "the music.",
        "Children are very welcome; there will be a quiet room with games.",
    ])  # fmt: skip


def _wedding_fact(rng: random.Random) -> Fact:
    vows = rng.choice([12 * 60, 13 * 60, 14 * 60, 15 * 60])
    arrive = vows - 30
    party = vows + rng.choice([300, 330, 360])
    fact = rng.choice([
        f"The ceremony itself begins at {_clock(vows)} in the walled garden.",
        f"We will say our vows at {_clock(vows)}, under the oak in the garden.",
    ])  # fmt: skip
    misses = [
        f"Please be seated by {_clock(arrive)}.",
        f"The evening party starts at {_clock(party)}, with a band until late.",
    ]
    question = rng.choice([
        "What time do the couple actually get married?",
        "When does the marriage ceremony start?",
    ])  # fmt: skip
    right = _clock(vows)
    return (Plant(fact, misses), question, right, (right,), (_clock(arrive), _clock(party)))


WEDDING = Genre(
    "wedding",
    _wedding_filler,
    _wedding_fact,
    lambda r: f"{r.choice(FIRST)} and {r.choice(FIRST)}: the day itself",
)


# --- parking penalty notice -------------------------------------------------------------------
def _parking_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Vehicle: {rng.choice(['silver', 'blue', 'black', 'red'])} hatchback, registration "
        f"{rng.choice('ABCDEFGH')}{rng.randint(10, 99)} "
        f"{''.join(rng.choice('KLMNPRSTVWXY') for _ in range(3))}",
        f"Location: {rng.choice(PLACES)} Street, outside number {rng.randint(1, 120)}",
        f"Contravention code {rng.randint(1, 99):02d}: parked in a restricted street during "
        "prescribed hours",
        f"Civil enforcement officer number {rng.randint(100, 999)}",
        "Photographs were taken at the time and may be viewed online.",
        "You may make representations in writing if you believe the notice was wrongly "
        "issued.",
    ])  # fmt: skip


def _parking_fact(rng: random.Random) -> Fact:
    full = rng.choice([70, 80, 110, 130])
    low = full // 2
    raised = full + full // 2
    fact = rng.choice([
        f"The charge is reduced to £{low} if it is paid within 14 days of the date of this "
        "notice.",
        f"Pay within 14 days and you pay the discounted amount of £{low}.",
    ])  # fmt: skip
    misses = [
        f"Penalty charge: £{full}.",
        f"If it is not paid within 28 days, a charge certificate may be served increasing it "
        f"to £{raised}.",
    ]
    question = rng.choice([
        "How much do I pay if I settle the fine quickly?",
        "What is the least this ticket can cost me?",
    ])  # fmt: skip
    right = f"£{low}"
    return (Plant(fact, misses), question, right, (right, f"£{low}.00"),
            (f"£{full}", f"£{raised}"))  # fmt: skip


PCN = Genre(
    "pcn",
    _parking_filler,
    _parking_fact,
    lambda r: f"Penalty charge notice {r.choice('ABCDEFGH')}{r.randint(10**7, 10**8)}",
    joiner="\n",
    clashes=_shares_a_number,
)


# --- auction results -------------------------------------------------------------------------
_LOTS = ["a Victorian mahogany chest", "a pair of brass candlesticks", "a Clarice Cliff jug",
         "an oak bureau", "a silver pocket watch", "a set of six dining chairs",
         "a Persian rug", "a watercolour of the harbour"]  # fmt: skip


def _auction_filler(rng: random.Random) -> str:
    lot = rng.randint(100, 399)
    return rng.choice([
        f"Lot {lot}: {rng.choice(_LOTS)}; unsold.",
        f"Lot {lot}: {rng.choice(_LOTS)}; withdrawn before the sale.",
        "Buyers must collect their lots within seven days of the sale.",
        f"Auctioneer: {rng.choice(FIRST)} {rng.choice(LAST)}",
        "All prices are hammer prices, before the buyer's premium.",
        "Payment by bank transfer or card; no cash over £5,000.",
    ])  # fmt: skip


def _auction_fact(rng: random.Random) -> Fact:
    lot = rng.randint(10, 99)  # a two-digit lot: the filler's lots run from 100
    what = rng.choice(_LOTS)
    sold = rng.randint(12, 90) * 10
    low = sold - rng.choice([130, 170, 220])  # the estimate's top is never the price
    near = sold + rng.choice([20, 40, 60])
    fact = rng.choice([
        f"Lot {lot}: {what}; sold for £{sold}.",
        f"Lot {lot} ({what}) was knocked down at £{sold}.",
    ])  # fmt: skip
    misses = [
        f"Lot {lot}: pre-sale estimate £{low} to £{low + 100}.",
        f"Lot {lot + 1}: {rng.choice([x for x in _LOTS if x != what])}; sold for £{near}.",
    ]
    question = rng.choice([
        f"What price did lot {lot} fetch?",
        f"How much went lot number {lot} for on the day?",
    ])  # fmt: skip
    right = f"£{sold}"
    return (Plant(fact, misses), question, right, (right,),
            (f"£{low}", f"£{low + 100}", f"£{near}"))  # fmt: skip


AUCTION = Genre(
    "auction",
    _auction_filler,
    _auction_fact,
    lambda r: f"{r.choice(PLACES)} Salerooms: results of the general sale",
    joiner="\n",
    clashes=_shares_a_number,
)


# --- swimming club newsletter -----------------------------------------------------------------
def _swim_filler(rng: random.Random) -> str:
    return rng.choice([
        "A reminder that the gala is open to members of every age; entry forms are at the "
        "desk.",
        f"Congratulations to {rng.choice(FIRST)} {rng.choice(LAST)}, who swam her first mile "
        "this month.",
        "Please shower before entering the pool and keep to the lane speeds shown on the "
        "boards.",
        "Lost property is kept for one month, then given to charity.",
        f"Our thanks to the {rng.choice(PLACES)} leisure trust for the new starting blocks.",
        "Membership renewals are due at the end of the season.",
    ])  # fmt: skip


def _swim_fact(rng: random.Random) -> Fact:
    tue = rng.choice([6 * 60 + 30, 7 * 60, 19 * 60, 20 * 60])
    thu = rng.choice([t for t in (6 * 60 + 30, 7 * 60, 19 * 60, 20 * 60) if t != tue])
    kids = rng.choice([16 * 60 + 30, 17 * 60, 17 * 60 + 30])
    fact = rng.choice([
        f"Adult lane swimming on Tuesdays now starts at {_clock(tue)}.",
        f"From this month the Tuesday lanes for adults open at {_clock(tue)}.",
    ])  # fmt: skip
    misses = [
        f"Thursday's adult session is unchanged, at {_clock(thu)}.",
        f"Children's lessons on Tuesdays begin at {_clock(kids)}.",
    ]
    question = rng.choice([
        "What time can grown-ups start doing lengths on a Tuesday?",
        "When do the adults' lanes open on Tuesday?",
    ])  # fmt: skip
    right = _clock(tue)
    return (Plant(fact, misses), question, right, (right,),
            (_clock(thu), _clock(kids)))  # fmt: skip


SWIM = Genre(
    "swim",
    _swim_filler,
    _swim_fact,
    lambda r: f"{r.choice(PLACES)} Swimming Club: newsletter",
)

GENRES = {g.name: g for g in (GROOMING, SEEDS, WEDDING, PCN, AUCTION, SWIM)}
