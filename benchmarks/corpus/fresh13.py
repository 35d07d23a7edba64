"""Six sealed genres, written on 2026-12-05 (stop 30) during ``fresh12``'s one final run.

``fresh12``'s genres are measured in stop 30's final run and studied after it. These are the
next sealed split: measured only, in a later session's final run; no protocol decision may
be based on what they show; a session that studies their failures marks them ``studied``
and writes new sealed ones.

Shapes nobody tuned for: a football league report, a council tax bill, a marathon's results,
a card game's rules, a workplace pension statement and a mobile phone bill. Their near
misses: the club a place below and last season's points, last year's bill and the monthly
instalment, the gun time beside the chip time and the halfway split, the two-player deal
and the cards drawn each turn, the pension with a lump sum taken and the pot's value, the
allowance and last month's use. Two questions need a reader's knowledge, not the text's
words (the time "from crossing the start line" is the chip time; "the full bill" is before
instalments). Questions paraphrase the fact, never repeat its sentence.
"""

from __future__ import annotations

import random

from benchmarks.corpus.lookup import FIRST, LAST, PLACES, Genre, Plant, draw

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]

_CLUBS = ["Rovers", "Athletic", "United", "Wanderers", "Albion", "Town", "Harriers", "City"]


# --- football league report --------------------------------------------------------------------
def _league_filler(rng: random.Random) -> str:
    a, b = rng.sample(_CLUBS, 2)
    place = rng.choice(PLACES)
    return rng.choice([
        f"{place} {a} beat {place} {b} {rng.randint(1, 4)}-{rng.randint(0, 1)} on Saturday, "
        "with a late header settling it.",
        f"The match between {a} and {b} was postponed because of a waterlogged pitch.",
        f"{a}'s manager said the squad was stretched by injuries to two centre-backs.",
        f"Attendance at the {b} ground was {rng.randint(1200, 9800):,}, the highest this season.",
        f"{rng.choice(FIRST)} {rng.choice(LAST)} of {a} leads the scoring chart with "
        f"{rng.randint(8, 19)} goals.",
        "Three clubs are separated by a single point at the foot of the table.",
    ])  # fmt: skip


def _league_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    club, below = rng.sample(_CLUBS, 2)
    pts = [str(n) for n in range(31, 58)]
    right = draw(rng, pts, used)
    lower = str(int(right) - rng.randint(1, 3))
    used.add(lower)
    last = draw(rng, pts, used)
    gd = f"+{rng.randint(5, 24)}"
    fact = rng.choice([
        f"{club} sit third on {right} points, with a goal difference of {gd}.",
        f"After this weekend {club} have {right} points from their 24 games.",
    ])  # fmt: skip
    misses = [
        f"{below}, a place below {club}, have {lower} points.",
        f"At this stage last season {club} had {last} points.",
    ]
    question = rng.choice([
        f"What is {club}'s current points total?",
        f"How many points have {club} collected so far this season?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (lower, last)


LEAGUE = Genre(
    "league",
    _league_filler,
    _league_fact,
    lambda r: f"{r.choice(PLACES)} and District League: the weekend round-up",
)


# --- council tax bill --------------------------------------------------------------------------
def _counciltax_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Valuation band: {rng.choice('ABCDE')}",
        "Payment method: Direct Debit on the 1st of each month.",
        f"Adult social care precept included: {rng.randint(2, 4)}%",
        "If you live alone you may be entitled to a 25% discount.",
        f"Account reference: {rng.randint(10000000, 99999999)}",
        "Contact the revenues team if your circumstances change.",
        f"Police precept: £{rng.randint(180, 320)}.{rng.randint(10, 99)}",
    ])  # fmt: skip


def _counciltax_fact(rng: random.Random) -> Fact:
    whole = rng.randint(1600, 2400)
    pence = rng.randint(10, 99)
    right = f"£{whole:,}.{pence}"
    last = f"£{whole - rng.randint(60, 140):,}.{rng.randint(10, 99)}"
    tenth = (whole * 100 + pence) // 10  # pence
    monthly = f"£{tenth // 100}.{tenth % 100:02d}"
    fact = rng.choice([
        f"Total council tax payable for 2026/27: {right}",
        f"Amount due for the year 1 April 2026 to 31 March 2027: {right}",
    ])  # fmt: skip
    misses = [
        f"Council tax charged for 2025/26: {last}",
        f"10 monthly instalments of {monthly}, from 1 April 2026.",
    ]
    question = rng.choice([
        "What is the full bill for the year this notice covers?",
        "How much council tax do I owe for the whole of this year, before splitting it up?",
    ])  # fmt: skip
    bare = right.replace("£", "").replace(",", "")
    return Plant(fact, misses), question, right, (right, bare), (last, monthly)


COUNCILTAX = Genre(
    "counciltax",
    _counciltax_filler,
    _counciltax_fact,
    lambda r: f"{r.choice(PLACES)} Borough Council: council tax bill for {r.choice(LAST)}",
    joiner="\n",
)


# --- marathon results --------------------------------------------------------------------------
def _time(rng: random.Random, lo: int, hi: int) -> tuple[int, str]:
    s = rng.randint(lo, hi)
    return s, f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def _nth(n: int) -> str:
    end = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{end}"


def _race_filler(rng: random.Random) -> str:
    _s, t = _time(rng, 9000, 19000)
    _g, g = _time(rng, 19001, 19500)
    return rng.choice([
        f"{rng.randint(20, 900)}. {rng.choice(FIRST)} {rng.choice(LAST)} ({rng.choice(PLACES)} "
        f"Striders) chip {t}, gun {g}",
        f"{rng.randint(20, 900)}. {rng.choice(FIRST)} {rng.choice(LAST)} (unattached) chip {t}",
        "Results are provisional until 48 hours after the race.",
        "Timing mats were placed at the start, at halfway and at the finish.",
        f"Course record: 2:{rng.randint(9, 14)}:{rng.randint(10, 59)}",
    ])  # fmt: skip


def _race_fact(rng: random.Random) -> Fact:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    secs, chip = _time(rng, 11000, 16000)
    _g, gun = _time(rng, secs + 90, secs + 400)
    _h, half = _time(rng, secs // 2 - 300, secs // 2 + 300)
    _o, other = _time(rng, 11000, 16000)
    pos = rng.randint(14, 400)
    fact = rng.choice([
        f"{pos}. {name} ({rng.choice(PLACES)} Harriers) gun {gun}, chip {chip}",
        f"{name} finished in {_nth(pos)} place: {gun} by the clock over the line and {chip} "
        "from mat to mat.",
    ])  # fmt: skip
    misses = [
        f"Halfway split for {name}: {half}",
        f"{pos + 1}. {rng.choice(FIRST)} {rng.choice(LAST)} (unattached) chip {other}",
    ]
    question = rng.choice([
        f"How long did {name} take from crossing the start line to crossing the finish?",
        f"What was {name}'s net running time?",
    ])  # fmt: skip
    return Plant(fact, misses), question, chip, (chip,), (gun, half, other)


RACE = Genre(
    "race",
    _race_filler,
    _race_fact,
    lambda r: f"{r.choice(PLACES)} Marathon 2026: provisional results",
    joiner="\n",
)


# --- card game rules ---------------------------------------------------------------------------
_RULES = [
    "The youngest player goes first; play then passes to the left.",
    "A player who cannot play must draw from the stock until they can.",
    "Reverse cards change the direction of play.",
    "When the stock runs out, shuffle the discard pile to form a new stock.",
    "The first player to empty their hand scores the points left in the others' hands.",
    "Wild cards may be played on any colour.",
    "The game ends when a player reaches 250 points.",
]
_WORDS = {5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


def _cards_fact(rng: random.Random) -> Fact:
    right, two = rng.sample([5, 6, 7, 8, 10], 2)
    drawn = rng.choice([2, 3])
    words = rng.random() < 0.5
    say = _WORDS[right] if words else str(right)
    fact = rng.choice([
        f"Shuffle the deck and deal {say} cards to each player.",
        f"Setup: every player begins with a hand of {say} cards.",
    ])  # fmt: skip
    misses = [
        f"Two-player variant: each player is dealt {_WORDS[two]} cards instead.",
        f"At the start of your turn, draw {drawn} cards from the stock.",
    ]
    question = rng.choice([
        "How many cards does each of us get at the start in a four-player game?",
        "With four people playing, what is the size of everyone's opening hand?",
    ])  # fmt: skip
    accept = (str(right), _WORDS[right])
    return Plant(fact, misses), question, str(right), accept, (str(two), _WORDS[two])


CARDS = Genre(
    "cards",
    lambda r: r.choice(_RULES),
    _cards_fact,
    lambda r: f"{r.choice(PLACES)}: the card game for two to six players",
)


# --- workplace pension statement ---------------------------------------------------------------
def _pension_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Your contributions this year: £{rng.randint(1200, 4800):,}",
        f"Your employer's contributions this year: £{rng.randint(900, 3600):,}",
        "Projections assume growth of 5% a year before charges and are not guaranteed.",
        "Figures are shown in today's money, allowing for inflation of 2.5% a year.",
        f"Investment fund: {rng.choice(PLACES)} Lifestyle Growth",
        "You can change your selected retirement age at any time online.",
        f"Annual management charge: 0.{rng.randint(15, 75)}%",
    ])  # fmt: skip


def _pension_fact(rng: random.Random) -> Fact:
    yearly = rng.randint(60, 140) * 100 + rng.choice([0, 20, 45, 80])
    right = f"£{yearly:,}"
    lump = f"£{yearly * 3 // 4:,}"
    pot = f"£{rng.randint(28, 96) * 1000 + rng.randint(0, 999):,}"
    last = f"£{yearly - rng.randint(150, 600):,}"
    fact = rng.choice([
        f"Your projected pension from age 67: {right} a year, if you take no lump sum.",
        f"Estimated yearly income at your selected retirement age (67): {right}",
    ])  # fmt: skip
    misses = [
        f"If you take 25% of your pot as a tax-free lump sum, your yearly income would be {lump}.",
        f"Value of your pension pot on 5 April 2026: {pot}",
        f"Last year's statement projected {last} a year.",
    ]
    question = rng.choice([
        "How much a year does this plan expect to pay me in retirement, taking it all as income?",
        "What annual retirement income is forecast for me if I don't take any cash up front?",
    ])  # fmt: skip
    bare = right.replace("£", "").replace(",", "")
    return Plant(fact, misses), question, right, (right, bare), (lump, pot, last)


PENSION = Genre(
    "pension",
    _pension_filler,
    _pension_fact,
    lambda r: f"Annual pension statement for {r.choice(FIRST)} {r.choice(LAST)}",
    joiner="\n",
)


# --- mobile phone bill -------------------------------------------------------------------------
def _phone_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Calls to UK mobiles: {rng.randint(40, 600)} minutes (included)",
        f"Texts sent: {rng.randint(5, 300)} (included)",
        f"Monthly plan charge: £{rng.randint(8, 32)}.00",
        f"Handset instalment {rng.randint(2, 23)} of 24: £{rng.randint(12, 40)}.50",
        f"Calls to 0800 numbers: {rng.randint(0, 40)} minutes (free)",
        "Your next bill will be taken by Direct Debit on or after the 14th.",
    ])  # fmt: skip


def _phone_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    amounts = [f"{n}.{d}GB" for n in range(3, 29) for d in (1, 4, 6, 8)]
    right = draw(rng, amounts, used)
    last = draw(rng, amounts, used)
    roaming = f"0.{rng.randint(2, 9)}GB"
    allowance = rng.choice(["30GB", "50GB", "40GB"])
    fact = rng.choice([
        f"Data used this billing period: {right}",
        f"Between 14 November and 13 December you used {right} of data in the UK.",
    ])  # fmt: skip
    misses = [
        f"Monthly data allowance: {allowance}",
        f"Data used last billing period: {last}",
        f"Roaming data used in the EU: {roaming}",
    ]
    question = rng.choice([
        "How much mobile data did I get through at home this month?",
        "What was my UK data usage on this bill?",
    ])  # fmt: skip
    spaced = right[:-2] + " GB"
    return Plant(fact, misses), question, right, (right, spaced), (last, allowance, roaming)


PHONE = Genre(
    "phone",
    _phone_filler,
    _phone_fact,
    lambda r: (
        f"Your mobile bill: {r.choice(FIRST)} {r.choice(LAST)}, 07{r.randint(100, 999)} "
        f"{r.randint(100000, 999999)}"
    ),
    joiner="\n",
)

GENRES = {g.name: g for g in (LEAGUE, COUNCILTAX, RACE, CARDS, PENSION, PHONE)}
