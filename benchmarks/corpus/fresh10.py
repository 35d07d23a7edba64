"""Six sealed genres, written on 2026-12-05 (stop 27) before ``fresh9``'s one final run.

``fresh9``'s genres are measured in stop 27's final run and studied after it. These are the
next sealed split: measured only, in a later session's final run; no protocol decision may
be based on what they show; a session that studies their failures marks them ``studied``
and writes new sealed ones.

Shapes nobody tuned for: a school's term-dates letter, a conference's call for papers, a
car hire agreement, a water-supply interruption notice, a council's parking permit price
list and a mortgage offer. Their near misses: the other half term and last year's return
date, the abstract deadline and the deadline before it moved, the reduced excess of the
dearer cover and the deposit, another street's estimate and the first estimate before it
was revised, the second permit and last year's price, the follow-on variable rate, the
APRC and an earlier illustration's rate. Questions paraphrase the fact, never repeat its
sentence.
"""

from __future__ import annotations

import random

from benchmarks.corpus.lookup import FIRST, LAST, PLACES, Genre, Plant, draw

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]


# --- school term dates letter ------------------------------------------------------------------
_TERM = [
    "Please make sure your child's uniform is labelled with their name.",
    "Holidays during term time will not be authorised.",
    "The school office is open from 8:15am to 4pm.",
    "Parents' evenings will be booked through the school app.",
    "Packed lunches must not contain nuts.",
    "Please tell the office by 9:30am if your child is unwell.",
    "After-school clubs restart in the second week of each term.",
]


def _term_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    autumn = ["Monday 2 November", "Tuesday 3 November", "Wednesday 4 November",
              "Thursday 5 November", "Monday 9 November"]  # fmt: skip
    right = draw(rng, autumn, used)
    old = draw(rng, autumn, used)
    february = rng.choice(["Monday 22 February", "Monday 1 March", "Tuesday 23 February"])
    inset = rng.choice(["Friday 16 October", "Monday 7 September", "Friday 4 December"])
    fact = rng.choice([
        f"After the October half term, pupils return to school on {right}.",
        f"October half term: school reopens for pupils on {right}.",
    ])  # fmt: skip
    misses = [
        f"After the February half term, pupils return on {february}.",
        f"Last year, pupils went back after the October break on {old}.",
        f"{inset} is a staff training day; the school is closed to pupils.",
    ]
    question = rng.choice([
        "When do the children go back after the autumn break?",
        "What is the first day back for pupils after the mid-term holiday in the autumn?",
    ])  # fmt: skip
    bare = right.split(" ", 1)[1]
    return Plant(fact, misses), question, right, (right, bare), (february, old, inset)


TERMDATES = Genre(
    "termdates",
    lambda r: r.choice(_TERM),
    _term_fact,
    lambda r: f"{r.choice(PLACES)} Primary School: term dates for parents",
)


# --- call for papers ---------------------------------------------------------------------------
_CFP = [
    "Submissions must be anonymised for double-blind review.",
    "Papers may be up to 9 pages, excluding references.",
    "At least one author of each accepted paper must register and present.",
    "Topics include retrieval, evaluation, efficiency and interpretability.",
    "Reviews will be made public for accepted papers.",
    "Supplementary material may be uploaded as a single zip file.",
    "All deadlines are at 23:59 anywhere on Earth.",
]


def _cfp_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    dates = ["8 March 2027", "15 March 2027", "22 March 2027", "29 March 2027",
             "5 April 2027", "12 April 2027"]  # fmt: skip
    right = draw(rng, dates, used)
    abstract = draw(rng, dates, used)
    old = draw(rng, dates, used)
    camera = rng.choice(["14 June 2027", "21 June 2027"])
    fact = rng.choice([
        f"Full paper submission deadline (extended): {right}",
        f"Complete papers must now be submitted by {right}.",
    ])  # fmt: skip
    misses = [
        f"Abstract registration closes on {abstract}.",
        f"The original deadline for full papers was {old}; it has been extended.",
        f"Camera-ready versions of accepted papers are due on {camera}.",
    ]
    question = rng.choice([
        "What's the last day to send in the finished manuscript?",
        "By when does the whole paper have to be in?",
    ])  # fmt: skip
    bare = right.rsplit(" ", 1)[0]
    return Plant(fact, misses), question, right, (right, bare), (abstract, old, camera)


CFP = Genre(
    "cfp",
    lambda r: r.choice(_CFP),
    _cfp_fact,
    lambda r: f"Call for papers: the {r.choice(PLACES)} Workshop on Language Systems 2027",
)


# --- car hire agreement ------------------------------------------------------------------------
def _carhire_filler(rng: random.Random) -> str:
    return rng.choice([
        "The car must be returned with the same fuel level as at pickup.",
        f"Mileage: unlimited within {rng.choice(['the UK', 'the EU', 'Ireland'])}.",
        "Additional drivers must be named on this agreement.",
        "Smoking in the vehicle incurs a cleaning charge.",
        "Tolls and parking fines are charged to the hirer with an admin fee.",
        f"Vehicle group {rng.choice('BCDEF')}: {rng.choice(['Ford Focus', 'VW Golf', 'Kia Ceed'])}"
        " or similar.",
        f"Pickup: {rng.choice(PLACES)} Station branch, 09:00.",
    ])  # fmt: skip


def _carhire_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    sums = ["£950", "£1,100", "£1,250", "£1,500", "£1,750", "£400", "£300", "£250", "£150"]
    right = draw(rng, [s for s in sums if "," in s or s == "£950"], used)
    premium = draw(rng, ["£250", "£150", "£100"], used)
    deposit = draw(rng, ["£300", "£400", "£500"], used)
    fact = rng.choice([
        f"Damage excess with Standard Protection: {right}.",
        f"With Standard Protection, the most you pay towards damage to the car is {right}.",
    ])  # fmt: skip
    misses = [
        f"Damage excess with Premium Protection: {premium}.",
        f"A deposit of {deposit} is held on your card at pickup and released on return.",
    ]
    question = rng.choice([
        "On the basic cover, what is my maximum liability if the car gets damaged?",
        "How much could I be charged for a dent if I keep the standard insurance?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (premium, deposit)


CARHIRE = Genre(
    "carhire",
    _carhire_filler,
    _carhire_fact,
    lambda r: (
        f"Rental agreement RA-{r.randint(100000, 999999)}: {r.choice(FIRST)} {r.choice(LAST)}"
    ),
)


# --- water supply interruption notice ----------------------------------------------------------
_OUTAGE = [
    "Bottled water is being handed out at the community centre car park.",
    "Customers on our priority services register will have water delivered.",
    "When supply returns the water may look cloudy; this is air and is harmless.",
    "Please run your cold kitchen tap until the water runs clear.",
    "We are sorry for the disruption and thank you for your patience.",
    "Our engineers are repairing a burst main under the high street.",
    "Check our website for updates every hour.",
]
_TIMES = {"11am": "11:00", "2:15pm": "14:15", "4pm": "16:00", "6:30pm": "18:30",
          "8pm": "20:00", "9:45pm": "21:45"}  # fmt: skip


def _outage_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    times = list(_TIMES)
    right = draw(rng, times, used)
    other = draw(rng, times, used)
    old = draw(rng, times, used)
    street, neighbour = (f"{p} Road" for p in rng.sample(PLACES, 2))
    fact = rng.choice([
        f"Update: we now expect supply to {street} to be restored by {right} today.",
        f"{street}: water back on by {right} (revised estimate).",
    ])  # fmt: skip
    misses = [
        f"{neighbour}: water back on by {other}.",
        f"Our first estimate for {street} was {old}; the repair has taken longer.",
    ]
    question = rng.choice([
        f"When should the taps work again on {street}?",
        f"How long until {street} has running water again, by the latest estimate?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right, _TIMES[right]), (other, old)


OUTAGE = Genre(
    "outage",
    lambda r: r.choice(_OUTAGE),
    _outage_fact,
    lambda r: f"{r.choice(PLACES)} Water: supply interruption notice",
)


# --- parking permit prices ---------------------------------------------------------------------
def _parking_filler(rng: random.Random) -> str:
    return rng.choice([
        "Permits are issued for one vehicle registration only.",
        f"Zone {rng.choice('ABCDEFK')}{rng.randint(1, 9)} controlled hours: Monday to Saturday,"
        f" 8am to {rng.choice(['6pm', '6.30pm', '8pm'])}.",
        "Electric vehicles registered to the address pay the same price.",
        "Refunds for unused whole months are given on request.",
        "Apply online; allow five working days for a new permit.",
        "Businesses should apply for a trader permit instead.",
    ])  # fmt: skip


def _parking_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    prices = ["£78", "£95", "£112", "£126", "£143", "£160", "£189"]
    right = draw(rng, prices, used)
    second = draw(rng, prices, used)
    old = draw(rng, prices, used)
    visitor = rng.choice(["£2.50", "£3.20", "£4.10"])
    fact = rng.choice([
        f"Resident permit, first vehicle, 12 months: {right}",
        f"A twelve-month permit for a household's first car costs {right} from 1 April.",
    ])  # fmt: skip
    misses = [
        f"Resident permit, second vehicle, 12 months: {second}",
        f"Until 31 March the first-vehicle annual permit cost {old}.",
        f"Visitor vouchers: {visitor} per day.",
    ]
    question = rng.choice([
        "How much is a year's parking permit for our only car?",
        "What does the annual resident permit cost now if it is the first car at the address?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (second, old, visitor)


PARKING = Genre(
    "parking",
    _parking_filler,
    _parking_fact,
    lambda r: f"{r.choice(PLACES)} Borough Council: parking permit charges",
    joiner="\n",
)


# --- mortgage offer ----------------------------------------------------------------------------
def _mortgage_filler(rng: random.Random) -> str:
    return rng.choice([
        f"Loan amount: £{rng.randint(120, 480)},000",
        f"Mortgage term: {rng.choice([20, 25, 30, 35])} years",
        "Repayment method: capital and interest.",
        "You may overpay up to 10% of the balance each year without a charge.",
        "Your home may be repossessed if you do not keep up repayments on your mortgage.",
        "This offer is valid for six months from the date above.",
        f"Valuation fee: £{rng.choice([0, 250, 395])}",
    ])  # fmt: skip


def _mortgage_fact(rng: random.Random) -> Fact:
    used: set[str] = set()
    rates = ["3.89%", "4.09%", "4.29%", "4.54%", "4.79%", "5.04%"]
    right = draw(rng, rates, used)
    old = draw(rng, rates, used)
    svr = rng.choice(["7.24%", "7.49%", "7.74%"])
    aprc = rng.choice(["6.1%", "6.4%", "6.8%"])
    fact = rng.choice([
        f"Initial interest rate: {right} fixed until 31 May 2029.",
        f"For the first five years you will be charged a fixed rate of {right}.",
    ])  # fmt: skip
    misses = [
        f"After the fixed period the rate reverts to our Standard Variable Rate, now {svr}.",
        f"The overall cost for comparison (APRC) is {aprc}.",
        f"Our illustration of 2 March quoted a fixed rate of {old}; this offer replaces it.",
    ]
    question = rng.choice([
        "What interest will I be paying while the deal is fixed?",
        "What rate applies during the early years of this loan?",
    ])  # fmt: skip
    return Plant(fact, misses), question, right, (right,), (old, svr, aprc)


MORTGAGE = Genre(
    "mortgage",
    _mortgage_filler,
    _mortgage_fact,
    lambda r: (
        f"Mortgage offer for {r.choice(FIRST)} {r.choice(LAST)}, {r.choice(PLACES)}"
        " Building Society"
    ),
    joiner="\n",
)

GENRES = {g.name: g for g in (TERMDATES, CFP, CARHIRE, OUTAGE, PARKING, MORTGAGE)}
