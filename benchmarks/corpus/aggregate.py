"""Inputs for questions whose answer is in no single place: counts over logs, screenings of
folders of resumes, lists of deadlines. Each comes with its true answer, computed by the
generator from what it planted, and with look-alikes everywhere (other depots, other
severities, retracted lines; 4 years of Rust, a city left behind, rusted bicycles; dates that
are not deadlines). Deterministic in (kind, size, seed). Line formats and phrasings vary by
seed so no single reading habit passes them all.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

DEPOTS = ["Cobalt", "Nickel", "Zinc", "Copper", "Marlow", "Tarrant", "Ostby", "Kestrel"]
EVENTS = [
    "forklift collision in bay {n}",
    "pallet dropped from rack {n}",
    "spill near dock {n}",
    "door sensor fault at gate {n}",
    "late delivery of order {n}",
    "power cut for {n} minutes",
    "injured finger at station {n}",
    "smoke alarm test failed in zone {n}",
]


@dataclass
class CountCase:
    id: str
    text: str
    question: str
    answer: int
    matching: list[str] = field(default_factory=list)
    """The lines that count."""


def _stamp(rng: random.Random) -> str:
    return (
        f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    )


_FORMATS: list[Callable[[str, str, int, str, bool], str]] = [
    lambda t, d, s, e, r: f"{t} | {d} depot | severity {s} | {e}" + (" | RETRACTED" if r else ""),
    lambda t, d, s, e, r: (
        f"[{t}] INCIDENT site={d} sev={s}: {e}" + (" (retracted by the duty manager)" if r else "")
    ),
    lambda t, d, s, e, r: (
        f"{t} {d} depot logged a severity-{s} incident: {e}."
        + (" This entry was retracted." if r else "")
    ),
]


def count_case(tokens: int, seed: int, count: Callable[[str], int]) -> CountCase:
    """An incident log of about ``tokens`` tokens; the question counts one depot's incidents
    of one severity, retracted ones excluded."""
    rng = random.Random(f"count-{tokens}-{seed}")
    fmt = _FORMATS[seed % len(_FORMATS)]
    depot = rng.choice(DEPOTS[:4])
    sev = rng.randint(1, 4)
    lines: list[str] = []
    matching: list[str] = []
    used = 0
    while used < tokens:
        roll = rng.random()
        d = depot if roll < 0.35 else rng.choice([x for x in DEPOTS if x != depot])
        s = sev if rng.random() < 0.4 else rng.choice([x for x in range(1, 6) if x != sev])
        retracted = rng.random() < 0.12
        if rng.random() < 0.15:  # not an incident at all, though it names the depot
            line = (
                f"{_stamp(rng)} maintenance note: {d} depot replaced {s} light fittings"
                if rng.random() < 0.5
                else f"{_stamp(rng)} visitor log: {rng.randint(2, 9)} guests at {d} depot"
            )
        else:
            line = fmt(
                _stamp(rng), d, s, rng.choice(EVENTS).format(n=rng.randint(1, 40)), retracted
            )
            if d == depot and s == sev and not retracted:
                matching.append(line)
        lines.append(line)
        used += count(line) + 1
    question = rng.choice(
        [
            f"How many severity-{sev} incidents did the {depot} depot log? Retracted entries "
            "don't count.",
            f"Count the severity {sev} incidents logged by the {depot} depot, leaving out any that "
            "were retracted.",
            f"What is the number of {depot} depot incidents at severity {sev}, not counting "
            "retracted ones?",
        ]
    )
    text = "Incident log, all depots\n" + "\n".join(lines) + "\n"
    return CountCase(f"count-{tokens}-{seed}", text, question, len(matching), matching)


# --- screening ---------------------------------------------------------------------------------
FIRST = [
    "Ana",
    "Bruno",
    "Carla",
    "Diogo",
    "Eva",
    "Filipe",
    "Greta",
    "Hugo",
    "Ines",
    "Joana",
    "Karl",
    "Lena",
    "Marco",
    "Nadia",
    "Oscar",
    "Paula",
    "Quentin",
    "Rita",
    "Sofia",
    "Tiago",
    "Ulla",
    "Victor",
    "Wanda",
    "Xavier",
    "Yara",
    "Zoltan",
]
LAST = [
    "Almeida",
    "Berg",
    "Costa",
    "Dias",
    "Eriksen",
    "Fonseca",
    "Gomes",
    "Horvat",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lopes",
    "Marques",
    "Novak",
    "Oliveira",
    "Pereira",
    "Quist",
    "Ribeiro",
    "Santos",
    "Teixeira",
]
CITIES = ["Lisbon", "Porto", "Madrid", "Berlin", "Warsaw", "Lyon", "Braga", "Coimbra"]
OTHER = ["Go", "Python", "Java", "C++", "TypeScript", "Scala", "Haskell"]


@dataclass
class ScreenCase:
    id: str
    files: dict[str, str]
    question: str
    answer: set[str]
    """File names of the candidates who meet the conditions."""


def _resume(rng: random.Random, name: str, city: str, rust: int, kind: str) -> str:
    other = rng.choice(OTHER)
    lines = [f"# {name}", ""]
    if kind == "moved":
        lines.append(
            f"Software engineer. Moved from Lisbon to {city} in 2024 and works from {city}."
        )
    else:
        lines.append(
            rng.choice(
                [
                    f"Software engineer based in {city}.",
                    f"Location: {city}. Open to hybrid work.",
                    f"Lives and works in {city}.",
                ]
            )
        )
    rust_line = rng.choice(
        [
            f"{rust} years of professional Rust development.",
            f"Rust: {rust} years, mostly async services.",
            f"Has written production Rust for {rust} years.",
        ]
    )
    lines.append(
        rust_line if rust else f"No Rust experience; {rng.randint(2, 9)} years of {other}."
    )
    lines.append(f"Also {rng.randint(1, 12)} years of {other}.")
    if kind == "rusted":
        lines.append("Hobbies: restoring rusted bicycles and trail running.")
    lines.append(
        rng.choice(
            [
                "Speaks Portuguese and English.",
                "Enjoys mentoring juniors.",
                "Contributed to several open-source crates.",
                "Led a team of four engineers.",
            ]
        )
    )
    return "\n".join(lines) + "\n"


def _folder(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """``n`` people drawn for a folder of one file each: (file name, person), numbered."""
    names = rng.sample([f"{a} {b}" for a in FIRST for b in LAST], n)
    return [(f"{i + 1:03d}-{name.lower().replace(' ', '-')}.md", name)
            for i, name in enumerate(names)]  # fmt: skip


def screen_case(n: int, seed: int) -> ScreenCase:
    """``n`` resumes; the question asks for Lisbon-based candidates with at least 5 years of
    Rust. About one in eight qualifies; near misses: 4 years, moved away from Lisbon,
    rusted bicycles with no Rust, plenty of Rust elsewhere."""
    rng = random.Random(f"screen-{n}-{seed}")
    files: dict[str, str] = {}
    answer: set[str] = set()
    for fname, name in _folder(rng, n):
        roll = rng.random()
        kind, city, rust = "plain", rng.choice(CITIES), rng.randint(0, 9)
        if roll < 0.13:
            city, rust = "Lisbon", rng.randint(5, 12)  # qualifies
        elif roll < 0.23:
            city, rust = "Lisbon", rng.randint(1, 4)  # too little Rust
        elif roll < 0.31:
            kind, city, rust = "moved", rng.choice(["Porto", "Madrid", "Berlin"]), rng.randint(5, 9)
        elif roll < 0.38:
            kind, city, rust = "rusted", "Lisbon", 0
        elif roll < 0.50:
            city, rust = rng.choice([c for c in CITIES if c != "Lisbon"]), rng.randint(5, 12)
        files[fname] = _resume(rng, name, city, rust, kind)
        if city == "Lisbon" and rust >= 5 and kind == "plain":
            answer.add(fname)
    question = rng.choice(
        [
            "Which candidates are based in Lisbon and have at least 5 years of Rust experience?",
            "Who among these candidates lives in Lisbon and has 5 or more years of Rust?",
        ]
    )
    return ScreenCase(f"screen-{n}-{seed}", files, question, answer)


# --- a held-out screening shape: tenancy applications ----------------------------------------
def _application(rng: random.Random, name: str, income: int, pet: str, kind: str) -> str:
    """One tenancy application. ``kind``: "plain", "guarantor" (a guarantor's higher income
    beside the applicant's own), "monthly" (the income stated a month, the rent too) or
    "former" (a pet the applicant no longer has)."""
    lines = [f"Application for {rng.choice(['Flat 2', 'Flat 7', 'the ground-floor flat'])}",
             f"Applicant: {name}", ""]  # fmt: skip
    job = rng.choice(["nurse", "teacher", "software tester", "electrician", "accountant",
                      "chef", "pharmacist"])  # fmt: skip
    a = "an" if job[0] in "aeiou" else "a"
    if kind == "monthly":
        lines.append(f"I work as {a} {job} and take home £{income // 12:,} a month.")
    else:
        lines.append(rng.choice([
            f"Occupation: {job}. Annual salary: £{income:,}.",
            f"I am {a} {job}, earning £{income:,} a year.",
            f"Employment: full-time {job} (gross income £{income:,} per year).",
        ]))  # fmt: skip
    if kind == "guarantor":
        lines.append(f"My guarantor, my father, earns £{rng.randint(45, 80) * 1000:,} a year.")
    if pet == "none" and kind == "former":
        lines.append("We had a dog for years, but he died last spring; no pets now.")
    elif pet == "none":
        lines.append(rng.choice(["Pets: none.", "I do not have any pets.", "No pets."]))
    else:
        lines.append(rng.choice([f"Pets: one {pet}.", f"I would be moving in with my {pet}."]))
    lines.append(f"The rent of £{rng.randint(9, 16) * 100:,} a month is within my budget.")
    lines.append(rng.choice(["Non-smoker.", "References from my current landlord attached.",
                             "I can move in from the start of next month.",
                             "I have rented in the area for six years."]))  # fmt: skip
    return "\n".join(lines) + "\n"


def applicants_case(n: int, seed: int) -> ScreenCase:
    """``n`` tenancy applications; the question asks who earns at least £30,000 a year and
    has no pets. A screening shape no protocol decision was based on (written 2026-12-05,
    stop 32, run once before any change). Near misses: £28,000-£29,900, a guarantor's
    income above the line while the applicant's is below, an income given a month (£2,600
    a month is £31,200 a year: a reader must multiply, so those count by the yearly sum),
    a cat or a dog, and a pet the applicant no longer has (which qualifies)."""
    rng = random.Random(f"applicants-{n}-{seed}")
    files: dict[str, str] = {}
    answer: set[str] = set()
    for fname, name in _folder(rng, n):
        roll = rng.random()
        income, pet, kind = rng.randint(18, 29) * 1000, "none", "plain"
        if roll < 0.15:
            income = rng.randint(30, 60) * 1000  # qualifies
        elif roll < 0.25:
            income = rng.choice([28000, 29000, 29500, 29900])  # just below
        elif roll < 0.33:
            kind = "guarantor"  # the guarantor earns enough, the applicant does not
        elif roll < 0.40:
            income, pet = rng.randint(30, 60) * 1000, rng.choice(["cat", "dog", "rabbit"])
        elif roll < 0.46:
            income, kind = rng.randint(30, 60) * 1000, "former"  # qualifies
        elif roll < 0.52:
            income, kind = rng.choice([24000, 31200, 36000, 42000]), "monthly"
        elif rng.random() < 0.5:
            pet = rng.choice(["cat", "dog"])
        files[fname] = _application(rng, name, income, pet, kind)
        if income >= 30000 and pet == "none":
            answer.add(fname)
    question = rng.choice([
        "Which applicants earn at least £30,000 a year and have no pets?",
        "Who among the applicants has a yearly income of £30,000 or more and no pets?",
    ])  # fmt: skip
    return ScreenCase(f"applicants-{n}-{seed}", files, question, answer)


# --- a third screening shape, with dates: builders' quotes ------------------------------------
_WORKS = ["re-roof the garage", "replace the kitchen worktops", "rewire the loft",
          "build a garden wall", "retile the bathroom", "fit a new boiler"]  # fmt: skip


def _quote(rng: random.Random, name: str, total: int, start: dt.date, kind: str) -> str:
    """One builder's quote. ``kind``: "plain", "vat" (a price before VAT under the line, the
    total with VAT above it), "revised" (an earlier estimate on the other side of the line
    than the revised total that counts), "expired" (a start date offered last year, then
    the current one) or "week" (the start given as a week beginning)."""
    day = f"{start.day} {calendar.month_name[start.month]} {start.year}"
    lines = [f"Quotation from {name}", f"Job: {rng.choice(_WORKS)}", ""]
    if kind == "vat":
        net = round(total / 1.2)
        lines.append(f"Price: £{net:,} plus VAT at 20%, £{total:,} in total.")
    elif kind == "revised":
        side = 1 if total <= 5000 else -1
        first = 5000 + side * rng.randint(2, 15) * 100
        lines.append(f"My first estimate of £{first:,} is withdrawn after the site visit; "
                     f"the revised total is £{total:,}.")  # fmt: skip
    else:
        lines.append(rng.choice([f"Total price: £{total:,} including VAT.",
                                 f"The work will cost £{total:,} all in.",
                                 f"Quoted total (VAT included): £{total:,}."]))  # fmt: skip
    if kind == "expired":
        lines.append(f"I had offered to start on {start.day} October 2026, but that slot "
                     f"has gone; the earliest start is now {day}.")  # fmt: skip
    elif kind == "week":
        lines.append(f"Work can begin in the week beginning {day}.")
    else:
        lines.append(rng.choice([f"Earliest start date: {day}.", f"I can start on {day}.",
                                 f"Available to begin on {day}."]))  # fmt: skip
    lines.append(rng.choice(["Materials are included.", "Waste removal is included.",
                             "A 10% deposit is due on acceptance.",
                             "This quote is valid for 30 days.",
                             "Fully insured; references on request."]))  # fmt: skip
    return "\n".join(lines) + "\n"


def quotes_case(n: int, seed: int) -> ScreenCase:
    """``n`` builders' quotes; the question asks who quoted £5,000 or less in total and can
    start before 1 March 2027: a number and a date condition. Written 2026-12-05 (stop 33)
    and run before any change. Near misses: totals just over the line, a price before VAT
    under it with the total over, an earlier estimate on the other side of the line than
    the revised total, a start in March or later, a start offered last year and withdrawn,
    a start given as a week beginning."""
    rng = random.Random(f"quotes-{n}-{seed}")
    line = dt.date(2027, 3, 1)
    files: dict[str, str] = {}
    answer: set[str] = set()

    def early() -> dt.date:
        return dt.date(2027, rng.choice([1, 2]), rng.randint(1, 28))

    def late() -> dt.date:
        return dt.date(2027, rng.choice([3, 4, 5]), rng.randint(1, 28))

    for fname, name in _folder(rng, n):
        roll = rng.random()
        total, start, kind = rng.randint(52, 120) * 100, rng.choice([early, late])(), "plain"
        if roll < 0.15:
            total, start = rng.randint(20, 50) * 100, early()  # qualifies
        elif roll < 0.23:
            total, start = rng.choice([5050, 5100, 5200, 5400]), early()  # just over
        elif roll < 0.30:
            total, start, kind = rng.randint(51, 59) * 100 + 60, early(), "vat"
        elif roll < 0.38:
            total, start, kind = rng.randint(30, 60) * 100, early(), "revised"
        elif roll < 0.46:
            total, start = rng.randint(20, 50) * 100, late()  # starts too late
        elif roll < 0.52:
            total, start, kind = rng.randint(20, 50) * 100, rng.choice([early, late])(), "expired"
        elif roll < 0.58:
            total, start, kind = rng.randint(20, 50) * 100, rng.choice([early, late])(), "week"
        files[fname] = _quote(rng, name, total, start, kind)
        if total <= 5000 and start < line:
            answer.add(fname)
    question = rng.choice([
        "Which builders quoted £5,000 or less in total and can start before 1 March 2027?",
        "Which of these quotes come to no more than £5,000 including VAT, with work able to "
        "begin before 1 March 2027?",
    ])  # fmt: skip
    return ScreenCase(f"quotes-{n}-{seed}", files, question, answer)


# --- lists -----------------------------------------------------------------------------------
DUTIES = [
    "deliver the first samples",
    "submit the safety plan",
    "complete the site survey",
    "return the signed drawings",
    "pay the second instalment",
    "install the pumps",
    "train the operators",
    "hand over the manuals",
    "finish the load tests",
    "remove the scaffolding",
    "send the final invoice",
    "file the permit application",
]
PARTIES = ["The Supplier", "The Contractor", "The Client"]


@dataclass
class ListCase:
    id: str
    text: str
    question: str
    answer: set[str]
    """The deadlines' dates (ISO)."""


def list_case(items: int, seed: int) -> ListCase:
    """A contract with ``items`` deadlines among clauses, dates that are not deadlines
    (signature, effective date, a meeting) as look-alikes."""
    rng = random.Random(f"list-{items}-{seed}")
    clauses, answer = [], set()
    used_dates: set[tuple[int, int, int]] = set()
    for i in range(items):
        while True:
            y, m, d = rng.randint(2026, 2028), rng.randint(1, 12), rng.randint(1, 28)
            if (y, m, d) not in used_dates:
                used_dates.add((y, m, d))
                break
        party, duty = rng.choice(PARTIES), DUTIES[i % len(DUTIES)]
        month = calendar.month_name[m]
        phr = rng.choice(
            [
                f"{party} shall {duty} no later than {d} {month} {y}.",
                f"{party} must {duty} by {d} {month} {y}.",
                f"The deadline for {party.lower()[4:]} to {duty} is {d} {month} {y}.",
            ]
        )
        clauses.append(phr)
        answer.add(f"{y:04d}-{m:02d}-{d:02d}")
    looks = [
        f"This agreement was signed on {rng.randint(1, 28)} January 2026.",
        f"It takes effect on {rng.randint(1, 28)} February 2026.",
        f"The parties met on {rng.randint(1, 28)} March 2025 to agree these terms.",
        "Payments are due within 30 days of each invoice.",
    ]
    filler = [
        "Each party bears its own costs.",
        "Notices are given in writing.",
        "This agreement is governed by the laws of Portugal.",
        "Nothing here creates a partnership.",
        "Headings are for convenience only.",
    ]
    body = clauses + looks + [rng.choice(filler) for _ in range(items * 2)]
    rng.shuffle(body)
    paras = []
    for i in range(0, len(body), 3):
        paras.append(f"{len(paras) + 1}. " + " ".join(body[i : i + 3]))
    text = "SERVICES AGREEMENT\n\n" + "\n\n".join(paras) + "\n"
    question = rng.choice(
        [
            "List every deadline in this contract with its date.",
            "What are all the deadlines this agreement sets, and when is each due?",
        ]
    )
    return ListCase(f"list-{items}-{seed}", text, question, answer)


# --- open action items in meeting minutes (a second list genre) -----------------------------
ACTION_TASKS = [
    "renew the fire insurance", "book the venue for the spring fair", "audit the petty cash",
    "replace the boiler valve", "draft the volunteer handbook", "order new chairs",
    "update the website banner", "chase the unpaid invoices", "test the backup generator",
    "repaint the north fence", "collect quotes for the roof", "file the annual return",
    "train the new treasurer", "fix the kitchen tap", "archive the old minutes",
    "survey the members", "clean the gutters", "set up the raffle", "service the lawnmower",
    "print the newsletter", "check the first-aid kits", "sort the lost property",
    "renew the domain name", "plan the summer outing", "count the hymn books",
    "label the storage boxes", "review the safeguarding policy", "mend the notice board",
    "buy a new kettle", "apply for the lottery grant", "reseal the car park",
    "update the key register", "inspect the lift", "empty the loft", "replace the doormat",
    "test the smoke alarms", "tune the piano", "restock the toilets", "prune the hedge",
    "recycle the old computers", "negotiate the cleaning contract", "price the hall hire",
]  # fmt: skip
_OWNERS = ["Aino", "Pieter", "Lucia", "Jonas", "Odile", "Ravi", "Greta", "Sean", "Marta"]


@dataclass
class ActionsCase:
    id: str
    text: str
    question: str
    answer: set[str]
    """The open action items' tasks."""
    tasks: list[str]
    """Every task the minutes mention (open, done or declined)."""


def actions_case(items: int, seed: int) -> ActionsCase:
    """Minutes of a committee meeting with ``items`` open action items among discussion;
    look-alikes: actions reported done, suggestions not agreed, last meeting's closed
    items. Written on 2026-12-04 as a held-out list genre (the contract deadlines were the
    only list the protocol had run on)."""
    rng = random.Random(f"actions-{items}-{seed}")
    tasks = rng.sample(ACTION_TASKS, min(len(ACTION_TASKS), items + 6))
    open_, done, declined = tasks[:items], tasks[items : items + 3], tasks[items + 3 :]
    lines: list[str] = []
    for t in open_:
        who = rng.choice(_OWNERS)
        lines.append(
            rng.choice(
                [
                    f"ACTION: {who} to {t} before the next meeting.",
                    f"Agreed that {who} will {t}.",
                    f"{who} took an action to {t}.",
                ]
            )
        )
    for t in done:
        who = rng.choice(_OWNERS)
        lines.append(f"{who} reported that the action to {t} is complete; closed.")
    for t in declined:
        who = rng.choice(_OWNERS)
        lines.append(f"{who} suggested that we {t}, but this was not agreed.")
    chatter = [
        "The chair welcomed two new members.",
        "Apologies were received from three members.",
        "The treasurer's report was accepted.",
        "Discussion of the parking arrangements continued for some time.",
        "Members thanked the catering team for the last event.",
        "It was noted that attendance had improved this quarter.",
    ]
    body = lines + [rng.choice(chatter) for _ in range(items + 4)]
    rng.shuffle(body)
    paras: list[str] = []
    i = 0
    while i < len(body):
        step = rng.randint(2, 4)
        paras.append(" ".join(body[i : i + step]))
        i += step
    text = f"Minutes of the committee meeting, {rng.randint(1, 28)} May 2026\n\n" + "\n\n".join(
        f"{i + 1}. {p}" for i, p in enumerate(paras)
    )
    question = rng.choice(
        [
            "What open action items came out of this meeting?",
            "List every action still to be done, and who owns it.",
        ]
    )
    return ActionsCase(f"actions-{items}-{seed}", text + "\n", question, set(open_), tasks)


# --- suppliers' price changes (a list with a numeric filter; held out) -----------------------
SUPPLIERS = [
    "Harlow Metals", "Brisk Paper Co", "Ondine Foods", "Carrow Plastics", "Vell Logistics",
    "Tamsin Textiles", "Quarry Lane Stone", "Ebbw Chemicals", "Northgate Timber",
    "Pellow Glass", "Silva Packaging", "Marden Electrical", "Kite Office Supplies",
    "Rookery Dairy", "Fenner Fasteners", "Aldous Paints", "Greyling Tools", "Osier Seeds",
    "Lumen Lighting", "Tidewell Pumps", "Copse Furniture", "Hartigan Cables", "Juniper Inks",
    "Wexcombe Bakery", "Stannard Tyres", "Bellcote Ceramics", "Druid Hill Water",
    "Ferris Batteries", "Gannet Fuel", "Mossop Cleaning",
]  # fmt: skip
_GOODS = ["steel rod", "copy paper", "frozen peas", "bin liners", "pallet haulage", "overalls",
          "paving slabs", "solvent", "roof battens", "glazing units", "cardboard boxes",
          "cable reels", "toner", "milk", "bolts", "primer", "drill bits", "seed mix", "LED tubes",
          "pump seals"]  # fmt: skip


@dataclass
class PricesCase:
    id: str
    text: str
    question: str
    answer: set[str]
    """The suppliers raising prices by more than 10% (now, agreed)."""
    suppliers: list[str]
    """Every supplier the memo names."""


def _paragraphs(lines: list[str], chatter: list[str], n: int, rng: random.Random) -> list[str]:
    """``lines`` and ``n`` lines of ``chatter``, shuffled into paragraphs of 2-4."""
    body = lines + [rng.choice(chatter) for _ in range(n)]
    rng.shuffle(body)
    paras, i = [], 0
    while i < len(body):
        step = rng.randint(2, 4)
        paras.append(" ".join(body[i : i + step]))
        i += step
    return paras


def prices_case(items: int, seed: int) -> PricesCase:
    """A procurement memo on this year's price changes: ``items`` suppliers raise prices by
    more than 10%. Look-alikes: a rise of exactly 10% or less, a cut of more than 10%, a
    rise proposed and withdrawn, last year's rise with prices now held. Percentages are
    written as digits, "per cent" and words. Written on 2026-12-04 as a held-out list genre
    with a numeric filter; never tuned on."""
    rng = random.Random(f"prices-{items}-{seed}")
    names = rng.sample(SUPPLIERS, min(len(SUPPLIERS), items + 6))
    hits, rest = names[:items], names[items:]

    def pct(p: int) -> str:
        return rng.choice([f"{p}%", f"{p} per cent", f"{p} percent"])

    lines = []
    for s in hits:
        p, g = rng.randint(11, 40), rng.choice(_GOODS)
        lines.append(rng.choice([
            f"{s} is raising its price for {g} by {pct(p)} from 1 March.",
            f"{s} confirmed a {pct(p)} increase on {g}, effective next month.",
            f"From April, {g} from {s} will cost {pct(p)} more.",
            f"{s}: {g} up {pct(p)} on the new price list.",
        ]))  # fmt: skip
    traps = [
        lambda s, g: f"{s} is raising its price for {g} by {pct(10)} from 1 March.",
        lambda s, g: f"{s} confirmed a {pct(rng.randint(2, 9))} increase on {g}.",
        lambda s, g: f"{s} is cutting its price for {g} by {pct(rng.randint(11, 30))}.",
        lambda s, g: (
            f"{s} had proposed a {pct(rng.randint(12, 30))} rise on {g} but withdrew "
            "it after talks; prices stay as they are."
        ),
        lambda s, g: (
            f"Last year {s} raised {g} by {pct(rng.randint(12, 30))}; this year its "
            "prices are unchanged."
        ),
        lambda s, g: f"{s} holds its prices for {g} this year.",
    ]
    for s, trap in zip(rest, traps, strict=False):
        lines.append(trap(s, rng.choice(_GOODS)))
    chatter = [
        "Budgets for the coming year were set in January.",
        "The buying team met every supplier at least once.",
        "Delivery terms are unchanged unless stated.",
        "Invoices remain payable within 30 days.",
        "Freight surcharges are reviewed each quarter.",
        "Two framework agreements come up for tender in the autumn.",
    ]
    paras = _paragraphs(lines, chatter, items + 3, rng)
    text = "Procurement memo: supplier price changes for 2027\n\n" + "\n\n".join(paras) + "\n"
    question = rng.choice(
        [
            "Which suppliers are raising their prices by more than 10%?",
            "Which of our suppliers are putting prices up by over ten per cent?",
        ]
    )
    return PricesCase(f"prices-{items}-{seed}", text, question, set(hits), names)


# --- grants awarded (a list with a numeric filter; held out) ---------------------------------
PROJECTS = [
    "Riverside Food Bank", "Oakfield Youth Choir", "Hallam Street Library", "Brook Farm Trust",
    "Castleton Men's Shed", "Millbank Repair Cafe", "Northfield Allotments", "Gable End Theatre",
    "Linnet Hospice Shop", "Steadman Boxing Club", "Orchard Lane Nursery", "Wharf Rowing Club",
    "Beacon Hill Scouts", "Cooper Street Mosque", "Alder Wood Rangers", "Tilly's Community Bus",
    "Harbour Arts Festival", "St Brannock's Hall", "Kestrel Swim School", "Meadowside Hub",
    "Pinfold Debt Advice", "Greenway Cycle Project", "Foundry Lane Gallery", "Elmtree Carers",
]  # fmt: skip
_PURPOSES = ["a new roof", "two part-time posts", "a minibus", "kitchen equipment",
             "the winter programme", "accessible toilets", "a youth worker", "new lighting",
             "outreach sessions", "a shop refit"]  # fmt: skip


@dataclass
class GrantsCase:
    id: str
    text: str
    question: str
    answer: set[str]
    """The projects awarded more than £20,000 in this round (awarded, and still standing)."""
    projects: list[str]
    """Every project the minutes name."""


def grants_case(items: int, seed: int) -> GrantsCase:
    """Minutes of a funding panel: ``items`` projects awarded more than £20,000 this round.
    Look-alikes: an award of exactly £20,000 or less; a bid for more that got less; an award
    later rescinded; an award in an earlier round; an award reduced below the line; a
    decision deferred; a place on the reserve list. Amounts are written with commas or as
    "£34k". Written on 2026-12-04 (stop 24) as a held-out list genre, after the
    record word rules were written and before any run on it; never tuned on."""
    rng = random.Random(f"grants-{items}-{seed}")
    names = rng.sample(PROJECTS, min(len(PROJECTS), items + 8))
    hits, rest = names[:items], names[items:]

    def money(n: int) -> str:
        if n % 1000 == 0 and rng.random() < 0.3:
            return f"£{n // 1000}k"
        return f"£{n:,}"

    def over() -> int:
        return rng.choice([rng.randint(21, 60) * 1000, rng.randint(42, 120) * 500])

    def under() -> int:
        return rng.randint(4, 19) * 1000 + rng.choice([0, 500])

    lines = []
    for p in hits:
        a, why = over(), rng.choice(_PURPOSES)
        lines.append(rng.choice([
            f"The panel awarded {p} {money(a)} towards {why}.",
            f"{p} receives {money(a)} from this round for {why}.",
            f"A grant of {money(a)} goes to {p} for {why}.",
            f"Funding of {money(a)} was approved for {p}.",
        ]))  # fmt: skip
    traps = [
        lambda p: f"The panel awarded {p} £20,000 towards {rng.choice(_PURPOSES)}.",
        lambda p: f"{p} receives {money(under())} from this round.",
        lambda p: f"{p} had asked for {money(over())}; the panel awarded {money(under())}.",
        lambda p: f"The {money(over())} awarded to {p} was rescinded when the project folded.",
        lambda p: (f"{p} was awarded {money(over())} in the 2025 round and did not apply "
                   "this time."),
        lambda p: f"{p}'s award was reduced from {money(over())} to {money(under())} on review.",
        lambda p: (f"A decision on {p}'s bid for {money(over())} was deferred to the spring "
                   "meeting."),
        lambda p: f"{p} is on the reserve list for {money(over())} should funds allow.",
    ]  # fmt: skip
    for p, trap in zip(rest, traps, strict=False):
        lines.append(trap(p))
    chatter = [
        "The chair thanked the assessors for their reports.",
        "Monitoring forms are due six months after payment.",
        "The fund's total for the round was set in March.",
        "Two panel members declared an interest and left the room.",
        "Applicants will be told by letter within ten days.",
        "The next round opens in the new year.",
    ]
    paras = _paragraphs(lines, chatter, items + 3, rng)
    text = "Community fund: minutes of the grants panel, autumn round\n\n" + "\n\n".join(paras)
    question = rng.choice(
        [
            "Which projects were awarded more than £20,000 in this round?",
            "Which applicants got grants above 20,000 pounds this time?",
        ]
    )
    return GrantsCase(f"grants-{items}-{seed}", text + "\n", question, set(hits), names)


# --- held-out counts (written 2026-12-05, stop 30, before any run on them) --------------------
# The incident log above is the one count shape the protocol was tuned on (12/12 exact in
# stop 28). These two differ in what picks the lines: a person, a class and a month with two
# statuses set aside (a booking register); a place and an amount above a line with refunds
# set aside (an order book). Near misses: a namesake, a class whose name contains the asked
# one, the neighbouring months, no-shows and cancellations; another city, an amount exactly on
# the line or just under it, refunded orders. Line formats vary by seed.
_CLASSES = ["Spin", "Yoga", "Pilates", "Circuits", "Boxfit", "Aqua"]
_MONTHS = calendar.month_name[1:]


def _booking_formats(seed: int) -> Callable[[int, int, str, str, str], str]:
    def pipe(m: int, d: int, who: str, cls: str, status: str) -> str:
        return f"2026-{m:02d}-{d:02d} 18:30 | {cls} | {who} | {status}"

    def prose(m: int, d: int, who: str, cls: str, status: str) -> str:
        verb = {"attended": f"{who} checked in to {cls}",
                "no-show": f"{who} booked {cls} but did not turn up",
                "cancelled": f"{who} cancelled a {cls} booking"}[status]  # fmt: skip
        return f"{d} {_MONTHS[m - 1]} 2026: {verb}."

    def kv(m: int, d: int, who: str, cls: str, status: str) -> str:
        return f'date={d:02d}/{m:02d}/2026 member="{who}" class="{cls}" status={status}'

    return [pipe, prose, kv][seed % 3]


def bookings_case(tokens: int, seed: int, count: Callable[[str], int]) -> CountCase:
    """A gym's booking register of about ``tokens`` tokens; the question counts one member's
    attended classes of one kind in one month."""
    rng = random.Random(f"bookings-{tokens}-{seed}")
    fmt = _booking_formats(seed)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    who = f"{first} {last}"
    namesake = f"{first} {rng.choice([x for x in LAST if x != last])}"
    cls = rng.choice(_CLASSES[:4])
    month = rng.randint(2, 11)
    lines: list[str] = []
    matching: list[str] = []
    used = 0
    while used < tokens:
        roll = rng.random()
        person = (who if roll < 0.15 else namesake if roll < 0.22
                  else f"{rng.choice(FIRST)} {rng.choice(LAST)}")  # fmt: skip
        c = cls if rng.random() < 0.5 else rng.choice([f"{cls} Express", *_CLASSES])
        m = month if rng.random() < 0.4 else rng.choice([month - 1, month + 1, rng.randint(1, 12)])
        status = rng.choices(["attended", "no-show", "cancelled"], [0.7, 0.15, 0.15])[0]
        line = fmt(m, rng.randint(1, 28), person, c, status)
        if person == who and c == cls and m == month and status == "attended":
            matching.append(line)
        lines.append(line)
        used += count(line) + 1
    mname = _MONTHS[month - 1]
    question = rng.choice(
        [
            f"How many {cls} classes did {who} actually attend in {mname} 2026? Cancelled "
            "bookings and no-shows don't count.",
            f"Count {who}'s {cls} sessions in {mname} 2026 that they turned up to.",
            f"In {mname} 2026, how many times did {who} go to {cls}?",
        ]
    )
    text = "Bookings register, all members, 2026\n" + "\n".join(lines) + "\n"
    return CountCase(f"bookings-{tokens}-{seed}", text, question, len(matching), matching)


_ORDER_CITIES = ["Porto", "Lisbon", "Braga", "Faro", "Coimbra", "Évora", "Aveiro"]


def orders_case(tokens: int, seed: int, count: Callable[[str], int]) -> CountCase:
    """An online shop's order book of about ``tokens`` tokens; the question counts one city's
    orders above an amount, refunded ones excluded."""
    rng = random.Random(f"orders-{tokens}-{seed}")
    city = rng.choice(_ORDER_CITIES[:4])
    line_at = rng.choice([100, 150, 200, 250])
    lines: list[str] = []
    matching: list[str] = []
    used = 0
    number = rng.randint(10000, 60000)
    while used < tokens:
        number += rng.randint(1, 9)
        c = city if rng.random() < 0.15 else rng.choice([x for x in _ORDER_CITIES if x != city])
        cents = rng.choice([
            line_at * 100, line_at * 100 - 1, rng.randint(line_at * 100 + 1, line_at * 300),
            rng.randint(500, line_at * 100 - 2),
        ])  # fmt: skip
        amount = f"{cents // 100:,}.{cents % 100:02d}"
        refunded = rng.random() < 0.15
        day = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"
        line = [
            f"#{number} {day} ship to {c} total €{amount}" + (" REFUNDED" if refunded else ""),
            f"Order {number} ({day}): {c}, EUR {amount}, "
            + ("refunded in full" if refunded else "delivered"),
            f"{day},{number},{c},{amount}," + ("refunded" if refunded else "paid"),
        ][seed % 3]
        if c == city and cents > line_at * 100 and not refunded:
            matching.append(line)
        lines.append(line)
        used += count(line) + 1
    question = rng.choice(
        [
            f"How many orders shipped to {city} came to more than €{line_at}? Leave out refunded "
            "ones.",
            f"Not counting refunds, how many {city} orders were over {line_at} euros?",
        ]
    )
    head = "" if seed % 3 != 2 else "date,order,city,total_eur,status\n"
    text = "Order book, 2026\n" + head + "\n".join(lines) + "\n"
    return CountCase(f"orders-{tokens}-{seed}", text, question, len(matching), matching)
