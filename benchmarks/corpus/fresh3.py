"""Seven sealed genres, written on 2026-12-04 before the lookup protocol ever ran on them.

They exist because every earlier set of held-out genres stopped being held out the moment
its failures were studied (``lookup.py`` says which). These are measured only, in the final
run of a session, and no protocol decision may be based on what they show; the session that
studies their failures must mark them ``studied`` and write new sealed ones.

Shapes nobody tuned for: a rail timetable with service notes, a shop's help-centre FAQ, a
paper's results section, property listings, a court judgment, a dependency manifest, and
an incident postmortem. Their near misses are of kinds the protocol's word rules do not
name: a value that holds only on Sundays or with test-time augmentation, a sum the
prosecution *sought*, a listing *reduced* from its price, an *initial estimate* that was
revised, a pin in another dependency group, a commented-out old pin. Questions paraphrase
the fact, never repeat its sentence.
"""

from __future__ import annotations

import random
import re

from benchmarks.corpus.lookup import PLACES, Genre, Plant, draw

Fact = tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]


def _clock(rng: random.Random) -> str:
    return f"{rng.randint(5, 22):02d}:{rng.choice(['05', '10', '20', '35', '40', '50'])}"


# --- rail timetable ----------------------------------------------------------------------------
_STATIONS = ["Calder", "Fenwick", "Garrow", "Eskdale", "Holloway", "Dunmore", "Ingleby"]
_TT_NOTES = [
    "Bicycles are carried free of charge outside the peak hours.",
    "Tickets bought on board cost 20% more than at the machines.",
    "Step-free access is available at every station on the line.",
    "Quiet coaches are at the front of each train.",
    "Engineering works may change these times; check the boards on the day.",
]


def _tt_filler(rng: random.Random) -> str:
    if rng.random() < 0.6:
        a, b = rng.sample(_STATIONS, 2)
        return (
            f"{_clock(rng)}  {a} -> {b}   platform {rng.randint(1, 9)}   "
            f"arr. {_clock(rng)}   {rng.choice(['daily', 'Mon-Fri', 'Sat only', 'daily'])}"
        )
    return rng.choice(_TT_NOTES)


def _tt_fact(rng: random.Random) -> Fact:
    dest = rng.choice(_STATIONS)
    near_dest = f"{dest} Road"
    t = _clock(rng)
    used: set[str] = set()
    right = draw(rng, [str(n) for n in range(1, 10)], used)
    sunday = draw(rng, [str(n) for n in range(1, 10)], used)
    road = draw(rng, [str(n) for n in range(1, 10)], used)
    later = draw(rng, [str(n) for n in range(1, 10)], used)
    hh, mm = t.split(":")
    later_t = f"{hh}:{'55' if mm != '55' else '45'}"
    fact = rng.choice(
        [
            f"The {t} to {dest} leaves from platform {right}, Monday to Saturday.",
            f"Note: the {t} service for {dest} departs from platform {right} (Mon-Sat).",
        ]
    )
    misses = [
        f"On Sundays the {t} to {dest} is moved to platform {sunday}.",
        f"The {t} to {near_dest} leaves from platform {road}.",
        f"The {later_t} to {dest} leaves from platform {later}.",
    ]
    question = rng.choice(
        [
            f"On a Tuesday, which platform does the {t} train to {dest} depart from?",
            f"Which platform should a weekday passenger use for the {t} to {dest}?",
        ]
    )
    return (
        Plant(fact, misses),
        question,
        f"platform {right}",
        (right,),
        (f"platform {sunday}", f"platform {road}", f"platform {later}"),
    )


_SUNDAY = re.compile(r"the (\d\d:\d\d) to (.+?) is moved")


def _tt_clash(unit: str, plant: Plant) -> bool:
    """A timetable line for the asked train would be a second answer."""
    m = _SUNDAY.search(plant.misses[0])
    assert m is not None
    return unit.startswith(m.group(1)) and f"-> {m.group(2)} " in unit


TIMETABLE = Genre(
    "timetable",
    _tt_filler,
    _tt_fact,
    lambda r: f"{r.choice(_STATIONS)} Valley Line: timetable valid from {r.randint(1, 28)} May",
    joiner="\n",
    clashes=_tt_clash,
)


# --- help-centre FAQ -------------------------------------------------------------------------
_FAQ = [
    "**Can I change my delivery address?** Yes, until the order is packed.",
    "**Do you ship abroad?** We deliver to most countries in Europe.",
    "**How do I reset my password?** Use the link on the sign-in page.",
    "**Can I pay by bank transfer?** Only for business accounts.",
    "**Where is my order?** The tracking link is in your confirmation email.",
    "**Do gift cards expire?** Gift cards are valid for two years.",
]
_CATEGORIES = ["headphones", "kettles", "desk lamps", "garden tools", "board games"]


def _faq_filler(rng: random.Random) -> str:
    return rng.choice(_FAQ)


def _faq_fact(rng: random.Random) -> Fact:
    cat, other = rng.sample(_CATEGORIES, 2)
    used: set[str] = set()
    right = draw(rng, ["10", "14", "21", "28", "45"], used)
    unopened = draw(rng, ["30", "60", "90"], used)
    old = draw(rng, ["7", "12", "35", "40"], used)
    sibling = draw(rng, ["15", "20", "25"], used)
    fact = rng.choice(
        [
            f"**Can I return opened {cat}?** Yes: opened {cat} can be sent back within "
            f"{right} days of delivery.",
            f"**Returns of opened {cat}.** You have {right} days from delivery to return "
            f"{cat} you have opened.",
        ]
    )
    misses = [
        f"**Unopened items.** Anything still sealed, {cat} included, can be returned within "
        f"{unopened} days.",
        f"Until March 2025 the window for opened {cat} was {old} days.",
        f"**Opened {other}** can be returned within {sibling} days.",
    ]
    question = rng.choice(
        [
            f"How long do I have to send back {cat} I have already opened?",
            f"If I open {cat} and change my mind, how many days do I have to return them?",
        ]
    )
    return (
        Plant(fact, misses),
        question,
        f"{right} days",
        (right,),
        (f"{unopened} days", f"{old} days", f"{sibling} days"),
    )


FAQ = Genre(
    "faq",
    _faq_filler,
    _faq_fact,
    lambda r: f"# Help centre: {r.choice(PLACES)} Home & Garden",
)


# --- a paper's results section ---------------------------------------------------------------
_RESULTS = [
    "All models were trained for 300 epochs with the same augmentation recipe.",
    "We report the median of three runs; the spread was below 0.2 points.",
    "Throughput was measured on a single accelerator with batch size 256.",
    "Ablations in Table 4 remove one component at a time.",
    "The learning rate was warmed up linearly over the first five epochs.",
    "Larger batch sizes did not change the ranking of the models.",
]


def _acc(rng: random.Random) -> str:
    return f"{rng.randint(70, 89)}.{rng.randint(0, 9)}"


def _paper_fact(rng: random.Random) -> Fact:
    family = rng.choice(["Larkspur", "Kestrel", "Juniper", "Alder"])
    size, other = rng.sample(["S", "B", "L", "XL"], 2)
    used: set[str] = set()
    right = draw(rng, [_acc(rng) for _ in range(12)], used)
    tta = draw(rng, [_acc(rng) for _ in range(12)], used)
    sib = draw(rng, [_acc(rng) for _ in range(12)], used)
    v2 = draw(rng, [_acc(rng) for _ in range(12)], used)
    fact = rng.choice(
        [
            f"{family}-{size} attains {right}% top-1 accuracy on the ImageNet validation set.",
            f"On ImageNet, {family}-{size} reaches a top-1 accuracy of {right}%.",
        ]
    )
    misses = [
        f"With test-time augmentation, {family}-{size} reaches {tta}% on ImageNet.",
        f"{family}-{other} attains {sib}% top-1 accuracy on ImageNet.",
        f"On ImageNet-V2, {family}-{size} scores {v2}% top-1.",
    ]
    question = rng.choice(
        [
            f"What ImageNet top-1 accuracy does {family}-{size} achieve?",
            f"How accurate (top-1) is the {family}-{size} model on ImageNet?",
        ]
    )
    return Plant(fact, misses), question, f"{right}%", (right,), (tta, sib, v2)


PAPER = Genre(
    "paper",
    lambda r: r.choice(_RESULTS),
    _paper_fact,
    lambda r: "## 5 Results",
)


# --- property listings -------------------------------------------------------------------------
_STREETS = ["Juniper Street", "Calder Road", "Marrow Lane", "Alder Close", "Fenwick Row"]
_LISTING = [
    "Close to schools and the station; viewing by appointment.",
    "EPC rating C. Council tax band B.",
    "Chain free. Early viewing recommended.",
    "Garden to the rear, mainly laid to lawn.",
    "Recently refitted kitchen with integrated appliances.",
]


def _price(rng: random.Random) -> str:
    return f"£{rng.randint(180, 420)},{rng.choice(['000', '500', '950'])}"


def _prop_filler(rng: random.Random) -> str:
    return (
        f"### {rng.randint(1, 80)} {rng.choice(_STREETS)}\n\n"
        f"{rng.randint(1, 4)}-bed {rng.choice(['flat', 'terrace', 'semi', 'bungalow'])}, "
        f"guide price {_price(rng)}. {rng.choice(_LISTING)}"
    )


def _prop_fact(rng: random.Random) -> Fact:
    street = rng.choice(_STREETS)
    no = rng.randint(2, 40)
    twin = no * 10 + rng.randint(1, 9) if no < 10 else int(str(no)[::-1]) or no + 11
    if twin == no:
        twin = no + 11
    used: set[str] = set()
    right = draw(rng, [_price(rng) for _ in range(10)], used)
    before = draw(rng, [_price(rng) for _ in range(10)], used)
    garage = f"£{rng.randint(12, 30)},000"
    neighbour = draw(rng, [_price(rng) for _ in range(10)], used)
    fact = rng.choice(
        [
            f"### {no} {street}\n\n2-bed flat, offers over {right}. Reduced from {before} "
            "for a quick sale.",
            f"### {no} {street}\n\n2-bed flat now on the market at {right} (was {before}).",
        ]
    )
    misses = [
        f"### {twin} {street}\n\n2-bed flat, guide price {neighbour}.",
        f"The garage behind {no} {street} is sold separately for {garage}.",
    ]
    question = rng.choice(
        [
            f"What is the current asking price of the flat at {no} {street}?",
            f"How much is {no} {street} on the market for now?",
        ]
    )
    return Plant(fact, misses), question, right, (), (before, neighbour, garage)


def _prop_clash(unit: str, plant: Plant) -> bool:
    head = (plant.fact or plant.misses[0]).split("\n")[0]
    return unit.startswith(head + "\n")


PROPERTY = Genre(
    "property",
    _prop_filler,
    _prop_fact,
    lambda r: f"{r.choice(PLACES)} Estates: properties for sale this week",
    clashes=_prop_clash,
)


# --- a court judgment ----------------------------------------------------------------------
_FIRMS = ["Holloway Freight", "Garrow Logistics", "Eskdale Chemicals", "Calder Waste"]
_JUDGMENT = [
    "The court heard evidence from two inspectors and the site manager.",
    "Counsel for the defence accepted that the guard rail had been removed.",
    "The incident caused no lasting harm to members of the public.",
    "The company has since appointed a new health and safety officer.",
    "The court had regard to the sentencing guidelines for organisations.",
    "The hearing was adjourned once, at the request of the defence.",
]


def _money(rng: random.Random) -> str:
    return f"€{rng.randint(20, 400)},000"


def _judgment_fact(rng: random.Random) -> Fact:
    firm, other = rng.sample(_FIRMS, 2)
    used: set[str] = set()
    right = draw(rng, [_money(rng) for _ in range(10)], used)
    sought = draw(rng, [_money(rng) for _ in range(10)], used)
    director = f"€{rng.randint(2, 19)},000"
    other_fine = draw(rng, [_money(rng) for _ in range(10)], used)
    fact = rng.choice(
        [
            f"For these reasons the court fines {firm} Ltd {right}.",
            f"{firm} Ltd is ordered to pay a fine of {right}.",
        ]
    )
    misses = [
        f"The prosecution asked the court to impose a fine of {sought} on {firm} Ltd.",
        f"The director of {firm} Ltd is fined {director} personally.",
        f"In 2021 {other} Ltd was fined {other_fine} for a similar breach.",
    ]
    question = rng.choice(
        [
            f"How much was {firm} fined by the court?",
            f"What penalty did the judge impose on the company {firm}?",
        ]
    )
    return Plant(fact, misses), question, right, (), (sought, director, other_fine)


JUDGMENT = Genre(
    "judgment",
    lambda r: r.choice(_JUDGMENT),
    _judgment_fact,
    lambda r: f"Judgment of the District Court, case {r.randint(100, 999)}/{r.randint(20, 26)}",
)


# --- a dependency manifest -------------------------------------------------------------------
_PKGS = ["httpx", "pydantic", "sqlalchemy", "jinja2", "click", "rich", "orjson", "uvicorn"]


def _ver(rng: random.Random) -> str:
    return f"{rng.randint(1, 4)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"


def _manifest_filler(rng: random.Random) -> str:
    pkg = rng.choice(["attrs", "idna", "anyio", "certifi", "packaging", "tomli", "wheel"])
    if rng.random() < 0.15:
        return f"\n[tool.{rng.choice(['ruff', 'mypy', 'pytest'])}]\n"
    return f'"{pkg}=={_ver(rng)}",'


def _manifest_fact(rng: random.Random) -> Fact:
    pkg = rng.choice(_PKGS)
    used: set[str] = set()
    right = draw(rng, [_ver(rng) for _ in range(10)], used)
    dev = draw(rng, [_ver(rng) for _ in range(10)], used)
    old = draw(rng, [_ver(rng) for _ in range(10)], used)
    fact = f'"{pkg}=={right}",  # runtime'
    misses = [
        f'[dependency-groups.dev]\n"{pkg}-stubs=={dev}",',
        f"# {pkg} was pinned to {old} until the security advisory of 2026-02",
    ]
    question = rng.choice(
        [
            f"Which exact version of {pkg} does the service require at runtime?",
            f"What version is {pkg} pinned to for running the service?",
        ]
    )
    return Plant(fact, misses), question, right, (), (dev, old)


MANIFEST = Genre(
    "manifest",
    _manifest_filler,
    _manifest_fact,
    lambda r: f'[project]\nname = "{r.choice(PLACES).lower()}-api"\ndependencies = [',
    joiner="\n",
)


# --- an incident postmortem ------------------------------------------------------------------
_PM = [
    "The on-call engineer was paged by the error-rate alert.",
    "A rollback was prepared but not needed.",
    "Customer support posted a status update every thirty minutes.",
    "No data was lost; queued orders were processed after recovery.",
    "Action items are tracked in the reliability board.",
    "The change had passed review and the staging checks.",
]
_SERVICES = ["checkout", "search", "payments", "login", "notifications"]


def _pm_fact(rng: random.Random) -> Fact:
    svc, other = rng.sample(_SERVICES, 2)
    used: set[str] = set()
    right = draw(rng, [str(n) for n in range(25, 95, 3)], used)
    estimate = draw(rng, [str(n) for n in range(25, 95, 3)], used)
    degraded = draw(rng, [str(n) for n in range(100, 200, 7)], used)
    budget = draw(rng, ["43", "22", "15"], used)
    fact = rng.choice(
        [
            f"In total, {svc} was unavailable to customers for {right} minutes.",
            f"Final figures: the {svc} outage lasted {right} minutes from first error to "
            "full recovery.",
        ]
    )
    misses = [
        f"The first status update estimated the {svc} outage at {estimate} minutes; "
        "this was later revised.",
        f"{other.capitalize()} was degraded, though never down, for {degraded} minutes.",
        f"Our monthly error budget for {svc} allows {budget} minutes of downtime.",
    ]
    question = rng.choice(
        [
            f"For how many minutes was {svc} down?",
            f"How long did the {svc} outage last, in minutes?",
        ]
    )
    return (
        Plant(fact, misses),
        question,
        f"{right} minutes",
        (right,),
        (estimate, degraded, budget),
    )


POSTMORTEM = Genre(
    "postmortem",
    lambda r: " ".join(r.sample(_PM, r.randint(1, 3))),
    _pm_fact,
    lambda r: f"# Postmortem: {r.choice(_SERVICES)} incident of {r.randint(1, 28)} October",
)


GENRES = {g.name: g for g in (TIMETABLE, FAQ, PAPER, PROPERTY, JUDGMENT, MANIFEST, POSTMORTEM)}
