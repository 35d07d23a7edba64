"""Six genres, written on 2026-12-06 (stop 37) before the protocol ran on them, sealed until
their one final run the same day (``longdoc-sealed16.json``, ``longdoc-sealed16-8k.json``);
studied since (their book club's failures changed a word rule).

Shapes nobody tuned for, none of them a genre an earlier file has: an optician's recall
letter, a household waste site's opening hours, a book club's programme written as prose,
a pub quiz's results sheet, a paint tin's label and a ski resort's price list. Their near
misses: the last sight test and the contact lens check beside the next sight test, winter
hours and the weekday closing beside the summer Saturday closing, last month's book and
the one after beside this month's, the other rounds' winners and the overall winners
beside the picture round's, the touch-dry time and the full cure beside the recoat time,
the child's pass and the five-day pass beside the adult's six-day pass. Two answers are
names, not numbers (a novel, a team). Questions paraphrase the fact, never repeat its
sentence.
"""

from __future__ import annotations

import random
import re

from benchmarks.corpus.fresh18 import _shares_a_number
from benchmarks.corpus.lookup import FIRST, LAST, PLACES, Genre, Plant

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]  # fmt: skip


def _names_a_value(unit: str, plant: Plant) -> bool:
    """Whether a filler unit names a title or team the fact or a near miss names."""
    said = " ".join([plant.fact or "", *plant.misses])
    return any(t in said for t in re.findall(r"[A-Z][a-z]+(?: [A-Z][a-z]+)+", unit))


# --- optician's recall letter ---------------------------------------------------------------
def _optician_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Dear {rng.choice(FIRST)} {rng.choice(LAST)},",
        "Regular eye examinations check the health of your eyes as well as your vision.",
        "Please bring your current glasses and a list of any medicines you take.",
        "If you drive, you must be able to read a number plate from 20 metres.",
        f"Optometrist: {rng.choice(FIRST)} {rng.choice(LAST)}",
        "NHS sight tests are free for some patients; ask us whether you qualify.",
        "Frames from our designer range are 20% off with this letter.",
    ])  # fmt: skip


def _optician_fact(rng: random.Random) -> Fact:
    year = rng.choice([2026, 2027])
    last, due, lens = rng.sample(_MONTHS, 3)
    fact = rng.choice([
        f"Our records show that your next eye examination is due in {due} {year + 1}.",
        f"You should next have your eyes tested in {due} {year + 1}.",
    ])  # fmt: skip
    misses = [
        f"Your last eye examination was in {last} {year - 1}.",
        f"Your contact lens check-up is due in {lens} {year}.",
    ]
    question = rng.choice([
        "When am I due to have my sight checked again?",
        "In which month should I book my next sight test?",
    ])  # fmt: skip
    right = f"{due} {year + 1}"
    return (Plant(fact, misses), question, right, (right, due),
            (f"{last} {year - 1}", f"{lens} {year}"))  # fmt: skip


OPTICIAN = Genre(
    "optician",
    _optician_filler,
    _optician_fact,
    lambda r: f"{r.choice(PLACES)} Opticians: your eye test reminder",
    joiner="\n",
)


# --- household waste and recycling site ------------------------------------------------------
def _tip_filler(rng: random.Random) -> str:
    return rng.choice([
        "Vans and trailers need a permit, which can be applied for online.",
        "Please sort your waste before you arrive; staff can help you find the right skip.",
        "Plasterboard, tyres and gas bottles are accepted for a charge.",
        "We do not accept commercial waste.",
        f"The site is on {rng.choice(PLACES)} Road, next to the depot.",
        "Closed on Christmas Day, Boxing Day and New Year's Day.",
        "Queues are longest on Sunday mornings.",
    ])  # fmt: skip


def _tip_fact(rng: random.Random) -> Fact:
    summer = rng.choice([18, 19, 20])
    winter = rng.choice([15, 16])
    weekday = rng.choice([h for h in (17, 18, 19) if h != summer])
    fact = rng.choice([
        f"From April to September the site stays open until {summer}:00 on Saturdays.",
        f"Summer hours, Saturday: 08:00 to {summer}:00.",
    ])  # fmt: skip
    misses = [
        f"Winter hours, Saturday: 08:00 to {winter}:00.",
        f"Monday to Friday all year: 09:00 to {weekday}:00.",
    ]
    question = rng.choice([
        "What time does the tip shut on a Saturday in July?",
        "How late can I drop rubbish off on a summer Saturday?",
    ])  # fmt: skip
    right = f"{summer}:00"
    return (Plant(fact, misses), question, right, (right,),
            (f"{winter}:00", f"{weekday}:00"))  # fmt: skip


TIP = Genre(
    "tip",
    _tip_filler,
    _tip_fact,
    lambda r: f"{r.choice(PLACES)} household waste recycling centre",
    joiner="\n",
    clashes=_shares_a_number,
)


# --- book club programme (prose) -----------------------------------------------------------------
_BOOKS = ["The Salt Road", "Winter Orchard", "A Quiet Harbour", "The Glass Lantern",
          "Small Hours", "The Ferryman's Daughter", "Paper Kites", "The Long Field"]  # fmt: skip


def _bookclub_filler(rng: random.Random) -> str:
    return rng.choice([
        "We meet in the back room of the library; tea and biscuits are provided.",
        f"Thank you to {rng.choice(FIRST)} for hosting last time, and for the lemon cake.",
        "New members are always welcome; you do not need to have finished the book.",
        "Copies can be reserved at the library desk for a small fee.",
        "Please let us know if you would like to suggest a title for next year.",
        f"{rng.choice(FIRST)} is collecting subs of £2 a meeting towards the Christmas meal.",
    ])  # fmt: skip


def _bookclub_fact(rng: random.Random) -> Fact:
    month = rng.choice(_MONTHS[2:11])
    before, now, after = rng.sample(_BOOKS, 3)
    prev, nxt = _MONTHS[_MONTHS.index(month) - 1], _MONTHS[_MONTHS.index(month) + 1]
    fact = rng.choice([
        f"For the {month} meeting we will be discussing {now}, which several of you asked for.",
        f"Our choice for {month} is {now}, a first novel that was shortlisted last year.",
    ])  # fmt: skip
    misses = [
        f"In {prev} we talked about {before}, and opinions were very divided.",
        f"Looking further ahead, {after} is pencilled in for {nxt}.",
    ]
    question = rng.choice([
        f"Which book should I read before we meet in {month}?",
        f"What is the group reading for its {month} get-together?",
    ])  # fmt: skip
    return (Plant(fact, misses), question, now, (now,), (before, after))


BOOKCLUB = Genre(
    "bookclub",
    _bookclub_filler,
    _bookclub_fact,
    lambda r: f"{r.choice(PLACES)} Readers: the season ahead",
    clashes=_names_a_value,
)


# --- pub quiz results sheet --------------------------------------------------------------------
_TEAMS = ["The Quizzly Bears", "Les Quizerables", "Universally Challenged",
          "The Usual Suspects", "Agatha Quiztie", "Trivia Newton John", "The Know It Ales",
          "Quiz Team Aguilera"]  # fmt: skip


def _quiz_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Question master: {rng.choice(FIRST)} {rng.choice(LAST)}",
        f"Teams taking part: {rng.randint(9, 16)}",
        "Phones away during the rounds, please.",
        f"Tie-breaker question: how tall is {rng.choice(PLACES)} church spire?",
        "The jackpot rolls over to next week.",
        "Money raised tonight goes to the village hall roof fund.",
    ])  # fmt: skip


def _quiz_fact(rng: random.Random) -> Fact:
    picture, music, overall = rng.sample(_TEAMS, 3)
    fact = rng.choice([
        f"Picture round: best score, {picture}, with 19 out of 20.",
        f"Top marks in the picture round went to {picture}.",
    ])  # fmt: skip
    misses = [
        f"Music round: best score, {music}.",
        f"Overall winners on the night: {overall}, who take the £30 bar tab.",
    ]
    question = rng.choice([
        "Which team did best at the round with the photos?",
        "Who won the round where you had to identify pictures?",
    ])  # fmt: skip
    return (Plant(fact, misses), question, picture, (picture,), (music, overall))


QUIZ = Genre(
    "quiz",
    _quiz_filler,
    _quiz_fact,
    lambda r: f"The {r.choice(['Red Lion', 'Plough', 'Crown', 'Swan'])} quiz night: results",
    joiner="\n",
    clashes=_names_a_value,
)


# --- paint tin label ----------------------------------------------------------------------------
def _paint_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Colour: {rng.choice(['Duck Egg', 'Sage Mist', 'Chalk White', 'Slate Blue'])}",
        "Stir thoroughly before use.",
        "Apply with a brush or roller to clean, dry surfaces.",
        f"Coverage: up to {rng.choice([10, 12, 13, 14])} square metres per litre.",
        "Wash brushes in warm soapy water immediately after use.",
        "Keep out of reach of children. Do not empty into drains.",
        "Store upright in a frost-free place.",
    ])  # fmt: skip


def _paint_fact(rng: random.Random) -> Fact:
    touch = rng.choice([1, 2])
    recoat = rng.choice([4, 5, 6])
    cure = rng.choice([7, 14])
    fact = rng.choice([
        f"Recoat: after {recoat} hours.",
        f"Wait {recoat} hours before applying a second coat.",
    ])  # fmt: skip
    misses = [
        f"Touch dry: {touch} {'hour' if touch == 1 else 'hours'}.",
        f"Fully hardened after {cure} days; avoid scrubbing until then.",
    ]
    question = rng.choice([
        "How long must I leave it before painting over the first layer?",
        "How soon can the wall take another coat?",
    ])  # fmt: skip
    right = f"{recoat} hours"
    return (Plant(fact, misses), question, right, (right,),
            (f"{touch} hour", f"{touch} hours", f"{cure} days"))  # fmt: skip


PAINT = Genre(
    "paint",
    _paint_filler,
    _paint_fact,
    lambda r: f"{r.choice(['Interior', 'Kitchen and bathroom'])} emulsion, matt finish, 2.5 L",
    joiner="\n",
    clashes=_shares_a_number,
)


# --- ski resort price list ------------------------------------------------------------------
def _skipass_filler(rng: random.Random) -> str:
    return rng.choice([
        "Passes are personal and must be carried at all times on the slopes.",
        f"Ski school meets at the {rng.choice(['top', 'foot'])} of the "
        f"{rng.choice(['Edelweiss', 'Marmotte', 'Col'])} lift.",
        "A photo is needed for passes of three days or more.",
        "Lifts open at 08:45, weather permitting.",
        "Lost passes can be replaced at the ticket office against the receipt.",
        "Helmets are strongly recommended for all skiers.",
    ])  # fmt: skip


def _skipass_fact(rng: random.Random) -> Fact:
    adult6 = rng.randint(28, 34) * 10 + 2
    child6 = adult6 - rng.choice([60, 70, 80])
    adult5 = adult6 - rng.choice([30, 40, 50])
    fact = rng.choice([
        f"Adult, 6 days: €{adult6}",
        f"Six-day pass (adults): €{adult6}",
    ])  # fmt: skip
    misses = [
        f"Child (5 to 15), 6 days: €{child6}",
        f"Adult, 5 days: €{adult5}",
    ]
    question = rng.choice([
        "What would a grown-up pay for six days' skiing?",
        "How much is a lift pass for an adult for six days on the slopes?",
    ])  # fmt: skip
    right = f"€{adult6}"
    return (Plant(fact, misses), question, right, (right,),
            (f"€{child6}", f"€{adult5}"))  # fmt: skip


SKIPASS = Genre(
    "skipass",
    _skipass_filler,
    _skipass_fact,
    lambda r: f"{r.choice(PLACES)} ski area: lift pass prices, winter season",
    joiner="\n",
    clashes=_shares_a_number,
)

GENRES = {g.name: g for g in (OPTICIAN, TIP, BOOKCLUB, QUIZ, PAINT, SKIPASS)}
