"""Long documents for lookups, of several genres, each with a planted fact (or none) and
near misses, so a protocol cannot pass by knowing one generator.

Genres differ in shape (log lines, minutes, report prose, contract clauses, a changelog, a
table), in how the fact and the question are phrased (the question never repeats the
fact's sentence), in the kind of near miss (a neighbouring name, a revoked or older value,
another unit or party, a similar number), and in where the fact sits. A share of the
documents hold no answer at all, only the near misses: the right reply is "not found".

Splits: ``TUNE`` genres are the ones the protocol was first developed on. ``DEV`` genres
were written as held-out ones, but their failures were then studied to change the protocol.
``STUDIED`` genres were each written before the protocol ran on them and measured once as
held out (``fresh.py``: ``benchmarks/results/longdoc-studied.json``; ``fresh2.py``:
``longdoc.json`` of 2026-12-02); their failures then changed the protocol too (``fresh2``'s
led to the judgement of 2026-12-04; ``fresh3``'s seven genres, sealed until their one
final run of 2026-12-04, ``longdoc-sealed.json``, led to two word rules the same day).
``fresh4``'s six genres were sealed until their one final run of 2026-12-04 (stop 22,
``longdoc-sealed2.json``), whose failures were looked at the same day; so were
``fresh5``'s six (stop 23, ``longdoc-sealed3.json``). ``SEALED`` genres are written before
the protocol runs on them, measured in a session's final run only, and no decision may be
based on them. ``fresh6``'s six (written in stop 23) had their one final run in stop 24
(``longdoc-sealed4.json``) and ``fresh7``'s six (written in stop 24) theirs in stop 25
(``longdoc-sealed5.json``); both were studied afterwards. ``fresh8``'s six (written in
stop 25) had their one final run in stop 26 (``longdoc-sealed6.json``) and ``fresh9``'s six
(written in stop 26) theirs in stop 27 (``longdoc-sealed7.json``); both are studied since,
and so are ``fresh10``'s six (written in stop 27, run once in stop 28,
``longdoc-sealed8.json``) and ``fresh11``'s six (written in stop 28, run once in stop 29,
``longdoc-sealed9.json`` and ``longdoc-sealed9-16k.json``) and ``fresh12``'s six (written in
stop 29, run once in stop 30, ``longdoc-sealed10.json``) and ``fresh13``'s six (written in
stop 30, run once in stop 31, ``longdoc-sealed11.json``) and ``fresh14``'s and ``fresh15``'s
twelve (written in stops 31 and 32, run once in stop 33, ``longdoc-sealed12.json``).
``fresh16``'s six (written in stop 33, run once in stop 34, ``longdoc-sealed13.json``) and
``fresh17``'s six (written in stop 34, run once in stop 35, ``longdoc-sealed14.json``) are
studied since, and so are ``fresh18``'s six (written in stop 35, run once in stop 36,
``longdoc-sealed15.json``) and ``fresh19``'s six (written and run once in stop 37,
``longdoc-sealed16.json``, ``longdoc-sealed16-8k.json``). No genre is sealed now. The
real documents (``real.py``) are ``held-out`` (questions of 2026-12-02) or ``sealed``
(2026-12-04); both were run once in ``longdoc-sealed.json``, and a crash on one of them
(a comparison planned over one document) was fixed after it.
Every case is deterministic in (genre, tokens, seed).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

TUNE = ("log", "minutes", "report")
DEV = ("legal", "changelog", "table")
STUDIED = (
    "email", "lab", "ini", "manual", "match", "history", "csv",
    "notices", "recipes", "wiki", "leaflet", "commits",
    "timetable", "faq", "paper", "property", "judgment", "manifest", "postmortem",
    "discharge", "policy", "chat", "syllabus", "weather", "api",
    "hotel", "specsheet", "taxnote", "museum", "tracking", "election",
    "rental", "newsletter", "vet", "programme", "works", "library",
    "invoice", "payslip", "itinerary", "warranty", "planning", "listing",
    "gym", "clinic", "insurance", "ferry", "tariff", "terms",
    "baggage", "statement", "exams", "bins", "requirements", "recall",
    "termdates", "cfp", "carhire", "outage", "parking", "mortgage",
    "offer", "sds", "gig", "tides", "plants", "quote",
    "epc", "mot", "feeding", "knitting", "admissions", "broadband",
    "league", "counciltax", "race", "cards", "pension", "phone",
    "prescription", "flight", "washer", "lease", "school", "bike",
    "ticket", "meter", "dental", "fixtures", "renewal", "route",
    "vaccine", "customs", "boiler", "rehearsal", "allotment", "season",
    "tyre", "nursery", "removals", "camping", "passport", "cake",
    "grooming", "seeds", "wedding", "pcn", "auction", "swim",
    "optician", "tip", "bookclub", "quiz", "paint", "skipass",
)  # fmt: skip
SEALED: tuple[str, ...] = ()
"""Genres no run has seen yet: final runs only. fresh19's were run once (stop 37,
``longdoc-sealed16.json`` and ``longdoc-sealed16-8k.json``) and are studied now; none is
sealed until new ones are written."""
GENRES = TUNE + DEV + STUDIED + SEALED


def split_of(genre: str) -> str:
    if genre in TUNE:
        return "tune"
    if genre in DEV:
        return "dev"
    return "studied" if genre in STUDIED else "sealed"


@dataclass(frozen=True)
class Case:
    id: str
    genre: str
    split: str
    """``tune``, ``dev``, ``studied`` or ``sealed`` (real documents: ``held-out`` or
    ``sealed``)."""
    text: str
    question: str
    answer: str | None
    """None: the document does not say (only near misses)."""
    accept: tuple[str, ...] = ()
    """Renderings of the answer that count as right (any one)."""
    wrong: tuple[str, ...] = ()
    """Near-miss values: stating one is a wrong answer."""
    evidence: tuple[int, int] | None = None
    """Source span of the sentence that states the answer."""
    position: float = 0.0
    """Where the evidence sits, 0 (start) to 1 (end)."""
    source: str = "generated"


# --- grading ---------------------------------------------------------------------------------
# a comma inside a number only when it groups thousands (1,250), never between CSV fields
_TERM = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d[\d.:/-]*\d|\d|[^\W\d_]+")


def _terms(text: str) -> set[str]:
    return {t.replace(",", "") for t in _TERM.findall(text.casefold())}


def states(text: str, value: str) -> bool:
    """Whether ``text`` states ``value`` (all its words and numbers, in any order)."""
    want = _terms(value)
    return bool(want) and want <= _terms(text)


ABSTAIN_MARKERS = (
    "does not appear to say",
    "does not settle it",
    "does not say",
    "not found",
    "no usable answer",
)


def grade(reply: str, case: Case) -> str:
    """``right``, ``wrong`` or ``abstained``."""
    low = reply.casefold()
    if any(m in low for m in ABSTAIN_MARKERS):
        return "abstained"
    if case.answer is None:
        return "wrong"
    said_wrong = any(states(reply, w) for w in case.wrong)
    said_right = any(states(reply, a) for a in (case.answer, *case.accept))
    return "right" if said_right and not said_wrong else "wrong"


# --- building a document ----------------------------------------------------------------------
@dataclass
class Plant:
    """Sentences to place: the fact (if any) and its near misses, each at a depth."""

    fact: str | None
    misses: list[str]
    misses_before: bool = True
    """Near misses before the fact (they fool small readers most); else anywhere."""


@dataclass
class Genre:
    name: str
    filler: Callable[[random.Random], str]
    """One unit of filler (a line, a paragraph, a section)."""
    fact: Callable[[random.Random], tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]]
    """(plant, question, answer, accept, wrong)."""
    title: Callable[[random.Random], str]
    joiner: str = "\n\n"
    wrap: Callable[[list[str], random.Random], list[str]] = field(default=lambda u, _r: u)
    clashes: Callable[[str, Plant], bool] = field(default=lambda _u, _p: False)
    """Whether a filler unit would state the asked fact itself (a table row for the asked
    station): such filler is drawn again, so the planted fact is the only answer."""


def build_case(
    genre: Genre,
    tokens: int,
    seed: int,
    count: Callable[[str], int],
    answerable: bool = True,
) -> Case:
    rng = random.Random(f"{genre.name}-{tokens}-{seed}")
    plant, question, answer, accept, wrong = genre.fact(rng)
    title = genre.title(rng)
    units: list[str] = []
    used = count(title)
    while used < tokens:
        u = genre.filler(rng)
        while genre.clashes(u, plant):
            u = genre.filler(rng)
        units.append(u)
        used += count(u) + 1
    n = len(units)
    at = rng.randint(0, max(0, n - 1))  # anywhere, start to end
    spots: list[tuple[int, str]] = []
    if answerable and plant.fact is not None:
        spots.append((at, plant.fact))
    for m in plant.misses:
        if plant.misses_before and at > 0 and rng.random() < 0.7:
            spots.append((rng.randint(0, at), m))
        else:
            spots.append((rng.randint(0, n), m))
    # insert from the back so indices stay valid; a fact and a miss at one spot: miss first
    for i, sentence in sorted(spots, key=lambda s: (-s[0], s[1] == plant.fact)):
        units.insert(i, sentence)
    units = genre.wrap(units, rng)
    text = title + genre.joiner + genre.joiner.join(units) + "\n"
    evidence = None
    position = 0.0
    if answerable and plant.fact is not None:
        start = text.find(plant.fact)
        evidence = (start, start + len(plant.fact))
        position = start / max(1, len(text))
    split = split_of(genre.name)
    return Case(
        id=f"{genre.name}-{tokens}-{seed}" + ("" if answerable else "-none"),
        genre=genre.name,
        split=split,
        text=text,
        question=question,
        answer=answer if answerable else None,
        accept=accept,
        wrong=wrong,
        evidence=evidence,
        position=position,
    )


def draw(rng: random.Random, pool: list[str], used: set[str]) -> str:
    """A value from ``pool`` not yet in ``used`` (then in it): a fact and its near misses
    never share a value."""
    v = rng.choice([p for p in pool if p not in used])
    used.add(v)
    return v


# --- shared vocabulary -------------------------------------------------------------------------
FIRST = [
    "Aino",
    "Pieter",
    "Lucia",
    "Jonas",
    "Odile",
    "Ravi",
    "Greta",
    "Sean",
    "Marta",
    "Kenji",
    "Ada",
    "Felix",
    "Noor",
    "Tomas",
    "Ines",
    "Bram",
    "Yara",
    "Olek",
    "Sanna",
    "Dario",
]
LAST = [
    "Ranta",
    "Vos",
    "Ferreira",
    "Eklund",
    "Marchand",
    "Menon",
    "Holm",
    "Doyle",
    "Nowak",
    "Mori",
    "Lindqvist",
    "Braun",
    "Haddad",
    "Brenner",
    "Quint",
    "Varga",
    "Okafor",
    "Silva",
]
PLACES = [
    "Meridian",
    "Alder",
    "Brookfield",
    "Calder",
    "Dunmore",
    "Eskdale",
    "Fenwick",
    "Garrow",
    "Holloway",
    "Ingleby",
    "Juniper",
    "Kestrel",
    "Larkspur",
    "Marrow",
    "Northgate",
]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def code(rng: random.Random) -> str:
    return str(rng.randint(10000, 99999))


def near_number(rng: random.Random, value: str) -> str:
    """A number that shares most digits with ``value``."""
    digits = list(value)
    i = rng.randrange(len(digits))
    digits[i] = str((int(digits[i]) + rng.randint(1, 8)) % 10)
    if digits[0] == "0":
        digits[0] = "1"
    return "".join(digits)


def stamp(rng: random.Random, year: int = 2026) -> str:
    return (
        f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    )


# --- log ---------------------------------------------------------------------------------------
_SERVICES = ["billing", "gateway", "vault-sync", "cron", "backup", "auth", "ledger", "courier"]
_EVENTS = [
    "request {n} took {m} ms",
    "rotated {k} keys for bucket b-{n}",
    "user u{n} logged in from 10.{k}.{m}.{k}",
    "queue depth {m} after flush",
    "depot {place} reported {k} pallets delayed",
    "retrying upload {n} (attempt {k})",
    "certificate for host h{k}.internal renews in {m} days",
    "health check passed in {m} ms",
    "vault {place} door sensor heartbeat ok",
    "snapshot s-{n} written ({m} MB)",
    "operator {person} acknowledged alert {n}",
]


def _log_filler(rng: random.Random) -> str:
    event = rng.choice(_EVENTS).format(
        n=rng.randint(1000, 9999),
        m=rng.randint(2, 900),
        k=rng.randint(1, 9),
        place=rng.choice(PLACES),
        person=person(rng),
    )
    level = rng.choice(["INFO", "INFO", "INFO", "WARN", "DEBUG"])
    return f"{stamp(rng)} [{level}] {rng.choice(_SERVICES)}: {event}"


def _log_fact(rng: random.Random) -> tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]:
    vault, other = rng.sample(PLACES, 2)
    right, revoked, east = code(rng), code(rng), code(rng)
    similar = near_number(rng, right)
    fact = rng.choice(
        [
            f"{stamp(rng)} [SEC] vault-admin: access code for vault {vault} set to {right}",
            f"{stamp(rng)} [SEC] vault-admin: vault {vault} now opens with code {right}",
            f"{stamp(rng)} [SEC] vault-admin: new access code {right} assigned to vault {vault}",
        ]
    )
    misses = [
        f"{stamp(rng)} [SEC] vault-admin: access code {revoked} for vault {vault} revoked",
        f"{stamp(rng)} [SEC] vault-admin: access code for vault {vault} East set to {east}",
        f"{stamp(rng)} [SEC] vault-admin: access code for vault {other} set to {similar}",
    ]
    question = rng.choice(
        [
            f"What access code is currently assigned to vault {vault}?",
            f"Which code opens vault {vault} now?",
            f"What is the current access code of the {vault} vault?",
        ]
    )
    return Plant(fact, misses), question, right, (), (revoked, east, similar)


def _log_wrap(units: list[str], rng: random.Random) -> list[str]:
    """A log is lines, grouped in blocks of 20-60 (what a paste from a terminal looks like)."""
    out, i = [], 0
    while i < len(units):
        k = rng.randint(20, 60)
        out.append("\n".join(units[i : i + k]))
        i += k
    return out


LOG = Genre(
    "log",
    _log_filler,
    _log_fact,
    lambda r: f"# ops log export, node n{r.randint(1, 40)}",
    wrap=_log_wrap,
)


# --- minutes -----------------------------------------------------------------------------------
_TOPICS = [
    "the ferry timetable",
    "the library roof",
    "winter gritting",
    "the harbour dredging",
    "allotment fees",
    "the cycle lane survey",
    "street lighting",
    "the museum loan",
]


def _minutes_filler(rng: random.Random) -> str:
    item = f"Item {rng.randint(1, 12)}.{rng.randint(1, 9)}"
    lines = [
        f"{person(rng)} reported on {rng.choice(_TOPICS)}, noting {rng.randint(2, 40)} "
        f"complaints since the last meeting.",
        f"The committee asked {person(rng)} to circulate a revised paper on "
        f"{rng.choice(_TOPICS)} before {rng.choice(['May', 'June', 'the next meeting'])}.",
        f"Members discussed {rng.choice(_TOPICS)}; no decision was taken.",
        f"{person(rng)} declared an interest and left the room for this item.",
        f"It was noted that attendance at the {rng.choice(PLACES)} open day reached "
        f"{rng.randint(100, 900)}.",
    ]
    return f"{item}. " + " ".join(rng.sample(lines, rng.randint(2, 4)))


def _minutes_fact(rng: random.Random) -> tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]:
    project, other = rng.sample(PLACES, 2)
    right = f"{rng.randint(11, 49) / 10:.1f}"
    proposed = f"{float(right) + rng.choice([0.5, 0.7, 1.2]):.1f}"
    old = f"{float(right) - rng.choice([0.3, 0.4, 0.6]):.1f}"
    sibling = f"{rng.randint(11, 49) / 10:.1f}"
    while sibling in (right, proposed, old):
        sibling = f"{rng.randint(11, 49) / 10:.1f}"
    fact = rng.choice(
        [
            f"The committee approved a budget ceiling of €{right} million for the {project} "
            "project.",
            f"For the {project} project, members agreed on a spending ceiling of €{right} million.",
            f"Resolved: the {project} project may spend at most €{right} million.",
        ]
    )
    misses = [
        f"A ceiling of €{proposed} million for the {project} project had been proposed in "
        "January but was withdrawn.",
        f"The {project} project's previous ceiling of €{old} million lapsed at year end.",
        f"The {other} project keeps its ceiling of €{sibling} million.",
    ]
    question = rng.choice(
        [
            f"What budget ceiling was approved for the {project} project?",
            f"How much, at most, may the {project} project now spend?",
            f"What spending limit did the committee set for {project}?",
        ]
    )
    return Plant(fact, misses), question, right, (f"€{right} million",), (proposed, old, sibling)


MINUTES = Genre(
    "minutes",
    _minutes_filler,
    _minutes_fact,
    lambda r: f"Minutes of the harbour committee, meeting {r.randint(1, 30)}",
)


# --- report --------------------------------------------------------------------------------------
_SUBJECTS = [
    "The reading room",
    "The east wing",
    "The conservation team",
    "The catalogue",
    "A visiting scholar",
    "The night porter",
    "The board of trustees",
    "The bindery",
    "The map collection",
    "The loans desk",
    "The digitisation project",
]
_VERBS = [
    "was repainted",
    "reviewed its procedures",
    "received a donation of letters",
    "moved its shelving",
    "published a short report",
    "hosted a seminar",
    "replaced the humidity sensors",
    "closed for a week",
    "trained new volunteers",
]


def _report_filler(rng: random.Random) -> str:
    sentences = [
        f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} "
        f"{rng.choice(['in the spring of', 'during', 'after the audit of'])} "
        f"{rng.randint(1950, 2024)}."
        for _ in range(rng.randint(3, 6))
    ]
    para = " ".join(sentences)
    if rng.random() < 0.12:
        para = (
            f"## {rng.choice(['Staff', 'Buildings', 'Visitors', 'Finance', 'Security'])}\n\n{para}"
        )
    return para


def _report_fact(rng: random.Random) -> tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]:
    archive, other = rng.sample(PLACES, 2)
    kind = rng.choice(["archivist", "date"])
    if kind == "archivist":
        right, former, sibling = person(rng), person(rng), person(rng)
        while len({right, former, sibling}) < 3:
            former, sibling = person(rng), person(rng)
        fact = rng.choice(
            [
                f"The chief archivist of the {archive} archive is {right}.",
                f"Since last spring the {archive} archive has been led by its chief archivist, "
                f"{right}.",
            ]
        )
        misses = [
            f"The former chief archivist of the {archive} archive, {former}, retired in 2019.",
            f"The chief archivist of the {other} library is {sibling}.",
        ]
        question = rng.choice(
            [
                f"Who is the chief archivist of the {archive} archive now?",
                f"Who currently leads the {archive} archive as chief archivist?",
            ]
        )
        return Plant(fact, misses), question, right, (), (former, sibling)
    day, month = rng.randint(1, 28), rng.choice(["March", "June", "September", "November"])
    year = rng.randint(2027, 2033)
    right = f"{day} {month} {year}"
    abandoned = f"{rng.randint(1, 28)} {rng.choice(['May', 'July'])} {year - 1}"
    sibling = f"{rng.randint(1, 28)} {rng.choice(['April', 'August'])} {year + 1}"
    fact = rng.choice(
        [
            f"The {archive} digitisation project will go live on {right}.",
            f"Go-live for the {archive} digitisation project is now fixed for {right}.",
        ]
    )
    misses = [
        f"The {archive} digitisation project had first planned to go live on {abandoned}, "
        "a date since abandoned.",
        f"The {other} digitisation project, a separate effort, goes live on {sibling}.",
    ]
    question = rng.choice(
        [
            f"When does the {archive} digitisation project go live?",
            f"On what date is the {archive} digitisation project scheduled to launch?",
        ]
    )
    return Plant(fact, misses), question, right, (), (abandoned, sibling)


REPORT = Genre(
    "report",
    _report_filler,
    _report_fact,
    lambda r: f"# Annual report of the {r.choice(PLACES)} archive",
)


# --- legal (held out) --------------------------------------------------------------------------
_CLAUSES = [
    "The Purchaser shall maintain adequate insurance for the duration of this Agreement.",
    "Nothing in this Agreement shall create a partnership between the parties.",
    "Each party shall keep the other's Confidential Information secret for {n} years.",
    "Notices shall be given in writing to the addresses set out in Schedule {k}.",
    "The Supplier warrants that the Goods conform to the Specification in all material respects.",
    "Either party may terminate this Agreement on {n} months' written notice.",
    "The Purchaser may inspect the Goods at the Supplier's premises on reasonable notice.",
    "This Agreement is governed by the laws of England and Wales.",
    "A waiver of any right is effective only if given in writing.",
    "Liability for indirect loss is excluded to the extent permitted by law.",
]


def _legal_filler(rng: random.Random) -> str:
    num = f"{rng.randint(2, 30)}.{rng.randint(1, 9)}"
    body = " ".join(
        c.format(n=rng.randint(2, 9), k=rng.randint(1, 6))
        for c in rng.sample(_CLAUSES, rng.randint(1, 3))
    )
    return f"{num} {body}"


def _legal_fact(rng: random.Random) -> tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]:
    days = rng.choice([14, 21, 28, 30, 45, 60, 90])
    pay, old, notice = rng.sample([d for d in (7, 10, 15, 20, 35, 40, 75, 120) if d != days], 3)
    n = f"{rng.randint(3, 9)}.{rng.randint(1, 5)}"
    fact = rng.choice(
        [
            f"{n} The Supplier shall deliver the Goods no later than {days} days after the "
            "Effective Date.",
            f"{n} Delivery of the Goods by the Supplier is due within {days} days of the "
            "Effective Date.",
        ]
    )
    misses = [
        f"{rng.randint(10, 20)}.2 The Purchaser shall pay each invoice within {pay} days of "
        "receipt.",
        f"{rng.randint(10, 20)}.4 Under the original agreement the delivery period was {old} "
        f"days; that period is replaced by clause {n}.",
        f"{rng.randint(10, 20)}.6 The Supplier shall give {notice} days' notice of any expected "
        "delay in delivery.",
    ]
    question = rng.choice(
        [
            "How many days after the Effective Date does the Supplier have to deliver the Goods?",
            "What is the Supplier's delivery deadline, counted from the Effective Date?",
        ]
    )
    right = f"{days} days"
    return (
        Plant(fact, misses),
        question,
        right,
        (),
        (f"{pay} days", f"{old} days", f"{notice} days"),
    )


LEGAL = Genre(
    "legal",
    _legal_filler,
    _legal_fact,
    lambda r: f"SUPPLY AGREEMENT between {r.choice(PLACES)} Ltd and {r.choice(PLACES)} plc",
)


# --- changelog (held out) -------------------------------------------------------------------------
_CMDS = ["sync", "push", "pull", "export", "import", "prune", "mirror", "verify", "serve"]
_FLAGS = ["dry-run", "force", "since", "jobs", "quiet", "no-verify", "retry", "format"]
_CHANGES = [
    "Fixed a crash when {cmd} met an empty directory.",
    "Improved the speed of {cmd} by {n}%.",
    "Documented the exit codes of {cmd}.",
    "Updated the bundled CA certificates.",
    "Fixed a memory leak in the progress bar.",
    "Dropped support for Python 3.{k}.",
]


class _Versions:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.major, self.minor, self.patch = 5, 9, 9

    def next(self) -> str:
        """Versions go down the page, newest first."""
        if self.patch > 0:
            self.patch -= 1
        elif self.minor > 0:
            self.minor, self.patch = self.minor - 1, self.rng.randint(2, 6)
        else:
            self.major, self.minor, self.patch = self.major - 1, 9, 4
        return f"{self.major}.{self.minor}.{self.patch}"


def _changelog_filler(rng: random.Random) -> str:
    return "- " + rng.choice(_CHANGES).format(
        cmd=rng.choice(_CMDS), n=rng.randint(5, 60), k=rng.randint(6, 9)
    )


def _changelog_fact(
    rng: random.Random,
) -> tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]:
    cmd, other = rng.sample(_CMDS, 2)
    flag = rng.choice(_FLAGS)
    fact = f"- Added the `--{flag}` option to the `{cmd}` command."
    misses = [
        f"- Added the `--{flag}` option to the `{other}` command.",
        f"- Added `--{flag}-all` to the `{cmd}` command.",
    ]
    question = rng.choice(
        [
            f"In which release was the --{flag} option added to the {cmd} command?",
            f"Which version first gave `{cmd}` its --{flag} flag?",
        ]
    )
    # the answer is the version heading above the fact: filled in by the wrapper
    return Plant(fact, misses, misses_before=False), question, "?", (), ()


def _changelog_wrap(units: list[str], rng: random.Random) -> list[str]:
    versions = _Versions(rng)
    out, i = [], 0
    while i < len(units):
        k = rng.randint(2, 6)
        day = f"20{rng.randint(18, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        out.append(f"## {versions.next()} ({day})\n\n" + "\n".join(units[i : i + k]))
        i += k
    return out


CHANGELOG = Genre(
    "changelog",
    _changelog_filler,
    _changelog_fact,
    lambda r: f"# Changelog of {r.choice(PLACES).lower()}-tool",
    wrap=_changelog_wrap,
)


def _fix_changelog(case: Case) -> Case:
    """The changelog's answer is the heading of the section holding the fact (and its
    near misses are the headings over the look-alikes)."""
    if case.evidence is None:
        question = case.question
        wrong = tuple(_heading_above(case.text, case.text.find(m)) for m in _misses(case))
        return Case(**{**case.__dict__, "wrong": tuple(w for w in wrong if w)})
    start = case.evidence[0]
    version = _heading_above(case.text, start)
    wrong = tuple(
        v
        for v in (_heading_above(case.text, case.text.find(m)) for m in _misses(case))
        if v and v != version
    )
    question = case.question
    return Case(**{**case.__dict__, "question": question, "answer": version, "wrong": wrong})


def _misses(case: Case) -> list[str]:
    return [
        line
        for line in case.text.splitlines()
        if line.startswith("- Added")
        and "`--" in line
        and (case.evidence is None or line != case.text[case.evidence[0] : case.evidence[1]])
    ]


def _heading_above(text: str, pos: int) -> str:
    if pos < 0:
        return ""
    head = text.rfind("\n## ", 0, pos)
    if head < 0:
        return ""
    return text[head + 4 : text.find(" ", head + 4)]


# --- table (held out) ----------------------------------------------------------------------------
def _table_filler(rng: random.Random) -> str:
    return (
        f"| {rng.choice(PLACES)}{rng.choice(['', 'by', 'ton', ' Halt', ' Road'])} | "
        f"{rng.randint(3, 950)} | {rng.randint(1862, 1990)} | {rng.randint(1, 4)} |"
    )


def _table_fact(rng: random.Random) -> tuple[Plant, str, str, tuple[str, ...], tuple[str, ...]]:
    station = rng.choice(PLACES) + rng.choice(["", " Road", " Halt"])
    right = str(rng.randint(40, 950))
    other = rng.randint(40, 950)
    while str(other) == right:
        other = rng.randint(40, 950)
    neighbour = f"| {station}a | {other} | {rng.randint(1862, 1990)} | 2 |"
    fact = f"| {station} | {right} | {rng.randint(1862, 1990)} | {rng.randint(1, 4)} |"
    feet = str(round(int(right) * 3.281))
    survey = near_number(rng, right)
    misses = [
        neighbour,
        f"Note: {station} is sometimes listed at {feet} ft, from the old imperial survey.",
        f"Note: before the 1998 resurvey, {station} was recorded at {survey} m.",
    ]
    question = rng.choice(
        [
            f"What is the elevation of {station} station in metres?",
            f"How high above sea level, in metres, does {station} station stand?",
        ]
    )
    return (
        Plant(fact, misses, misses_before=False),
        question,
        right,
        (f"{right} m",),
        (neighbour.split("|")[2].strip(), feet, survey),
    )


_TABLE_HEAD = "| Station | Elevation (m) | Opened | Platforms |\n|---|---|---|---|"


def _table_wrap(units: list[str], rng: random.Random) -> list[str]:
    """Sections of 10-16 rows, each with its header; notes sit between sections."""
    out, rows = [], []
    for u in units:
        if u.startswith("Note:"):
            if rows:
                out.append(_TABLE_HEAD + "\n" + "\n".join(rows))
                rows = []
            out.append(u)
            continue
        rows.append(u)
        if len(rows) >= rng.randint(10, 16):
            out.append(_TABLE_HEAD + "\n" + "\n".join(rows))
            rows = []
    if rows:
        out.append(_TABLE_HEAD + "\n" + "\n".join(rows))
    return out


def _table_clash(unit: str, plant: Plant) -> bool:
    assert plant.fact is not None
    return unit.split("|")[1].strip() == plant.fact.split("|")[1].strip()


TABLE = Genre(
    "table",
    _table_filler,
    _table_fact,
    lambda r: f"# Stations of the {r.choice(PLACES)} valley railway",
    wrap=_table_wrap,
    clashes=_table_clash,
)

BY_NAME = {g.name: g for g in (LOG, MINUTES, REPORT, LEGAL, CHANGELOG, TABLE)}
from benchmarks.corpus import (  # noqa: E402
    fresh,
    fresh2,
    fresh3,
    fresh4,
    fresh5,
    fresh6,
    fresh7,
    fresh8,
    fresh9,
    fresh10,
    fresh11,
    fresh12,
    fresh13,
    fresh14,
    fresh15,
    fresh16,
    fresh17,
    fresh18,
    fresh19,
)

BY_NAME.update(fresh.GENRES)
BY_NAME.update(fresh2.GENRES)
BY_NAME.update(fresh3.GENRES)
BY_NAME.update(fresh4.GENRES)
BY_NAME.update(fresh5.GENRES)
BY_NAME.update(fresh6.GENRES)
BY_NAME.update(fresh7.GENRES)
BY_NAME.update(fresh8.GENRES)
BY_NAME.update(fresh9.GENRES)
BY_NAME.update(fresh10.GENRES)
BY_NAME.update(fresh11.GENRES)
BY_NAME.update(fresh12.GENRES)
BY_NAME.update(fresh13.GENRES)
BY_NAME.update(fresh14.GENRES)
BY_NAME.update(fresh15.GENRES)
BY_NAME.update(fresh16.GENRES)
BY_NAME.update(fresh17.GENRES)
BY_NAME.update(fresh18.GENRES)
BY_NAME.update(fresh19.GENRES)
assert set(BY_NAME) == set(GENRES)


def generate(
    genre: str, tokens: int, seed: int, count: Callable[[str], int], answerable: bool = True
) -> Case:
    case = build_case(BY_NAME[genre], tokens, seed, count, answerable)
    if genre == "changelog":
        case = _fix_changelog(case)
    if case.answer is not None:
        # a near miss that states the answer would make the case ungradable
        assert not any(states(w, case.answer) or states(case.answer, w) for w in case.wrong), (
            case.id
        )
        assert case.evidence is not None
        span = case.text[case.evidence[0] : case.evidence[1]]
        assert any(states(span, a) for a in (case.answer, *case.accept)) or (
            genre == "changelog"
        ), case.id
    return case


def suite(
    sizes: list[int],
    per_size: int,
    count: Callable[[str], int],
    *,
    genres: tuple[str, ...] = GENRES,
    no_answer_share: float = 0.2,
    first_seed: int = 1,
) -> list[Case]:
    """``per_size`` cases per size, genres in turn, a share of them without an answer (none
    without genres)."""
    if not genres:
        return []
    cases = []
    for size in sizes:
        for i in range(per_size):
            genre = genres[i % len(genres)]
            seed = first_seed + i
            answerable = (i * 7919 % 100) >= no_answer_share * 100
            cases.append(generate(genre, size, seed, count, answerable))
    return cases
