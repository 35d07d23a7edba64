"""Counts and screenings on the real embedded pair: Qwen2.5-Coder-1.5B leads, SmolLM2-135M
reads. What shoal guarantees whatever the models do is asserted exactly: the operation the
question asks for, a result shoal computed from the items it shows, every item cited
verbatim, no look-alike counted (another depot, another severity, a retracted line; a
candidate who moved away or has four years of Rust). How many of the true items the small
models find is a figure of ``benchmarks/aggregate.py``, not of a test."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.corpus.aggregate import count_case, orders_case, screen_case
from shoal.models import get_model
from shoal.store import Store
from shoal.swarm import Document, Swarm
from shoal.swarm.aggregate import is_abstention

from .conftest import need_model

pytestmark = pytest.mark.real


def _pair() -> Swarm:
    need_model("smollm2-135m")
    need_model("qwen2.5-coder-1.5b")
    return Swarm(lead="qwen2.5-coder-1.5b", workers="smollm2-135m", store=Store())


def test_a_count_over_a_log_counts_only_verified_matching_lines() -> None:
    case = count_case(1500, 4, get_model("smollm2-135m").count_tokens)
    assert case.answer >= 2  # the look-alikes around it are what is tested

    answer = _pair().ask(Document("incidents.log", case.text), case.question)

    assert answer.operation == "count", answer.notes
    assert answer.result is not None
    counted = answer.result["value"]
    assert counted == len(answer.items) == answer.result["matching"]
    for item in answer.items:
        (cite,) = item["citations"]
        assert case.text[cite["start"] : cite["end"]] == cite["text"]
        # a counted line is a line that counts: nothing invented, no look-alike
        line = next(m for m in case.matching if cite["text"].strip() in m or m in cite["text"])
        assert line in case.text
    if counted:
        assert str(counted) in answer.answer
    else:  # nothing verified: said as "mentions none", an uncited abstention
        assert is_abstention(answer.answer) and not answer.citations
    assert counted <= case.answer


def test_an_order_book_is_read_by_the_lead_once_per_line_shape_then_by_template() -> None:
    """The lead reads the first lines of each shape; shoal reads the rest of that shape with
    the template the lead's verified records give. Whatever the lead does, no line counted
    is a look-alike (another city, a refund, an amount at or under the line)."""
    case = orders_case(6000, 1, get_model("smollm2-135m").count_tokens)

    answer = _pair().ask(Document("orders.txt", case.text), case.question)

    assert answer.operation == "count", answer.notes
    assert answer.result is not None and answer.result["value"] == len(answer.items)
    for item in answer.items:
        (cite,) = item["citations"]
        assert case.text[cite["start"] : cite["end"]] == cite["text"]
        assert any(cite["text"].strip() in m for m in case.matching), cite["text"]
    templated = [i for i in answer.items if i.get("via") == "template"]
    assert templated, answer.notes  # the lead read this book's one line shape twice alike
    assert any("template(s) of line shapes" in n for n in answer.notes)
    assert answer.result["value"] <= case.answer


def test_a_screening_of_a_folder_judges_every_file_and_passes_only_true_matches(
    tmp_path: Path,
) -> None:
    case = screen_case(6, 1)
    for name, text in case.files.items():
        (tmp_path / name).write_text(text)

    answer = _pair().ask(tmp_path, case.question)

    assert answer.operation == "judge", answer.notes
    assert sorted(i["label"] for i in answer.items) == sorted(case.files)  # one per file
    passed = {i["label"] for i in answer.items if i["passes"]}
    assert passed <= case.answer, (passed, case.answer)  # no near miss passes
    for item in answer.items:
        for cite in item["citations"]:
            text = case.files[cite["document"]]
            assert text[cite["start"] : cite["end"]] == cite["text"]
    assert answer.result is not None and answer.result["value"] == len(passed)


def test_a_pet_the_application_never_calls_a_pet_is_judged_by_the_lead(
    tmp_path: Path,
) -> None:
    """Read by its words alone, "no pets" passes "I would be moving in with my cat.": the
    text never says "pets". The flag is left to the lead's re-read, which judges it with
    the sentence that shows it; the applicant with the cat does not pass."""
    files = {
        "ana.md": "Applicant: Ana Costa\n\nI am a nurse, earning £41,000 a year.\n"
        "I would be moving in with my cat.\nReferences attached.\n",
        "rui.md": "Applicant: Rui Lopes\n\nI am an engineer, earning £52,000 a year.\n"
        "No pets.\nReferences attached.\n",
        "eva.md": "Applicant: Eva Dias\n\nI am a student, earning £14,000 a year.\n"
        "No pets.\nReferences attached.\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)

    answer = _pair().ask(
        tmp_path, "Which applicants earn at least £30,000 a year and have no pets?"
    )

    assert answer.operation == "judge", answer.notes
    passed = {i["label"] for i in answer.items if i["passes"]}
    assert "ana.md" not in passed and "eva.md" not in passed, answer.items
    (ana,) = [i for i in answer.items if i["label"] == "ana.md"]
    pets = [k for k in ana["fields"] if "pet" in k]
    assert pets and ana["fields"][pets[0]] is True, ana
    assert "judged by the reader" in ana["read_by_shoal"][pets[0]]
    assert any("cat" in c["text"] for c in ana["citations"]), ana["citations"]


def test_a_list_s_second_look_keeps_what_the_lead_reads_as_an_item() -> None:
    """The second look's check on the real lead (``extract._item_bar``): asked apart whether
    a sentence states one of the items a list asks for, the 1.5B lead scores a contract's
    deadlines above its signing date, effective date and meeting date, and a look-alike
    falls below the bar its own deadlines set. The end-to-end figures (recall, precision)
    are ``benchmarks/aggregate.py``'s, not a test's."""
    import asyncio

    from shoal.swarm import prompts
    from shoal.swarm.extract import ITEM_MARGIN

    need_model("qwen2.5-coder-1.5b")
    lead = get_model("qwen2.5-coder-1.5b")
    question = "What are all the deadlines this agreement sets, and when is each due?"
    deadlines = [
        "The Supplier must hand over the site keys by 12 May 2027.",
        "The deadline for the client to approve the drawings is 3 March 2027.",
        "The Contractor shall finish the roof no later than 30 June 2027.",
    ]
    others = [
        "This agreement was signed on 9 January 2026.",
        "The parties met on 14 March 2025 to agree these terms.",
    ]

    async def yes(sentence: str) -> float:
        scores = await lead.score(prompts.item_messages(question, sentence), ["yes", "no"])
        return scores.shares()[0]

    async def read() -> tuple[list[float], list[float]]:
        return [await yes(s) for s in deadlines], [await yes(s) for s in others]

    due, not_due = asyncio.run(read())
    assert min(due) > max(not_due), (due, not_due)
    assert max(not_due) < sum(due) / len(due) - ITEM_MARGIN, (due, not_due)


def test_a_count_s_second_look_keeps_changelog_entries_the_lead_reads_like_its_own() -> None:
    """The second look's check on a real changelog (git's Debian changelog, ``_item_bar``):
    asked apart whether a whole entry states one of the uploads a count asks for, the 1.5B
    lead scores entries it did not list (the look's finds) within ``ITEM_MARGIN`` of
    entries it did (the references), and above ``ITEM_FLOOR``. Entries of 2020, not those
    the bar was set on (2021)."""
    import asyncio
    import itertools
    import re

    from benchmarks.corpus.real_records import HERE
    from shoal.swarm import prompts
    from shoal.swarm.extract import ITEM_FLOOR, ITEM_MARGIN
    from shoal.swarm.records import one_line

    need_model("qwen2.5-coder-1.5b")
    lead = get_model("qwen2.5-coder-1.5b")
    text = (HERE / "git-changelog.Debian.txt").read_text()
    heads = [m.start() for m in re.finditer(r"^git \(", text, re.M)] + [len(text)]
    entries = [text[a:b].strip() for a, b in itertools.pairwise(heads)]
    of_2020 = [e for e in entries if re.search(r"\d\d \w{3} 2020 ", e) and len(e) < 600]
    assert len(of_2020) >= 5
    question = "How many uploads of git does this changelog record for the year 2020?"

    async def yes(entry: str) -> float:
        scores = await lead.score(prompts.item_messages(question, one_line(entry)), ["yes", "no"])
        return scores.shares()[0]

    async def read() -> list[float]:
        return [await yes(e) for e in of_2020[:5]]

    got = asyncio.run(read())
    bar = max(ITEM_FLOOR, sum(got[:3]) / 3 - ITEM_MARGIN)
    assert min(got[3:]) >= bar, got


def test_a_count_under_section_headings_reads_the_version_from_the_heading(
    tmp_path: Path,
) -> None:
    """bash's NEWS, two versions' sections (4.2, 4.1): the version is only in each
    section's opening line and "Readline" only in a numbered heading over its items. The
    1.5B lead, shown the headings over the items it reads, gives the version it finds
    there, and shoal verifies it against the heading (the quote, an item, lacks it).
    Whatever the plan asks, every item counted lies in bash-4.2's Readline list and cites
    the two headings that place it there."""
    import json
    import sqlite3

    from benchmarks.corpus.real_records import HERE

    text = (HERE / "bash-NEWS.txt").read_text()
    rule = "-" * 79 + "\n"
    part = "".join(rule + s for s in text.split(rule)
                   if any(f"bash-4.{v} since" in s[:90] for v in (2, 1)))  # fmt: skip
    start = part.index("added to bash-4.2 since")
    readline = part.index("2.  New Features in Readline", start)
    end = part.index(rule, readline)
    need_model("smollm2-135m")
    need_model("qwen2.5-coder-1.5b")
    swarm = Swarm(lead="qwen2.5-coder-1.5b", workers="smollm2-135m",
                  store=Store(f"sqlite:///{tmp_path / 'runs.db'}"))  # fmt: skip

    answer = swarm.ask(
        Document("bash-NEWS.txt", part),
        "How many new Readline features does this file describe for bash-4.2?",
    )

    assert answer.operation == "count", answer.notes
    assert answer.result is not None and answer.result["value"] == len(answer.items)
    assert len(answer.items) <= 5, answer.answer
    for item in answer.items:
        quote, *heads = item["citations"]
        assert readline < quote["start"] < end, quote
        said = " ".join(h["text"] for h in heads)
        assert "bash-4.2 since" in said and "New Features in Readline" in said, heads
    db = sqlite3.connect(tmp_path / "runs.db")
    read = [r for (p,) in db.execute("select payload from jobs where payload is not null")
            for r in json.loads(p)["records"]]  # fmt: skip
    headed = [r for r in read if not r["rejected"] and any(
        isinstance(v, str) and "4.2" in v and "4.2" not in r["quote"] and
        any(v in h[2] for h in r["heads"]) for v in r["values"].values())]  # fmt: skip
    assert headed, read  # a version verified against the heading over its item
