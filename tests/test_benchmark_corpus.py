"""The real documents' count and list answers, read off by hand, agree with a parser of the
files' own formats: a benchmark whose truth is wrong measures nothing."""

from __future__ import annotations

import re
from collections import Counter

from benchmarks.corpus.real_records import GZIP_VERSIONS, HERE, named, questions


def _releases(file: str) -> list[tuple[str, str, str]]:
    """(version, ISO date, tag) of each dated release heading of a GNU NEWS file."""
    text = (HERE / file).read_text()
    out = []
    for line in text.splitlines():
        m = re.match(r"(?:\* Noteworthy changes in release|(?:Major changes in )?Gzip) "
                     r"([\d.]+) \((\d{4}-\d\d-\d\d)\)(?: \[(\w+)\])?$", line)  # fmt: skip
        if m:
            out.append((m.group(1), m.group(2), m.group(3) or ""))
    return out


def _uploads() -> list[tuple[str, str, str]]:
    """(version, signer, year) of each entry of the git changelog."""
    text = (HERE / "git-changelog.Debian.txt").read_text()
    heads = re.findall(r"^git \(([^)]*)\)", text, re.M)
    tails = re.findall(r"^ -- (.*?) <[^>]*>  \w+, \d+ \w+ (\d{4})", text, re.M)
    assert len(heads) == len(tails) == 56
    return [(h, n, y) for h, (n, y) in zip(heads, tails, strict=True)]


def _items(section: str, part: str) -> int:
    """Lettered items under one heading ("1. New Features in Bash") of one version's
    section of bash's NEWS."""
    text = (HERE / "bash-NEWS.txt").read_text()
    blocks = text.split("-" * 79)
    (block,) = [b for b in blocks if f"new features added to {section} since" in b]
    parts = re.split(r"^\d\.\s+New Features in ", block, flags=re.M)
    (body,) = [p for p in parts if p.startswith(part)]
    return len(re.findall(r"^[a-z]{1,2}\.\s", body, re.M))


def _under(file: str, heading: str, label: str, bullet: str) -> int:
    """Bullets under one label (``Fixes:``; '' for none) of one release's section."""
    text = (HERE / file).read_text()
    body = text.split(heading, 1)[1]
    body = re.split(r"^(?:man-db [\d.]+ \(|version [\d.]+ - |What's New in IDLE )", body,
                    maxsplit=1, flags=re.M)[0]  # fmt: skip
    if label:
        body = body.split(f"\n{label}\n", 1)[1]
        body = re.split(r"^\w[\w ]*:$", body, maxsplit=1, flags=re.M)[0]
    return len(re.findall(bullet, body, re.M))


def _dated(file: str, pattern: str, years: tuple[str, ...]) -> set[str]:
    text = (HERE / file).read_text()
    return {v for v, d in re.findall(pattern, text, re.M) if d[:4] in years}


def test_the_held_out_answers_agree_with_a_parser_too() -> None:
    parsed: dict[str, object] = {
        "mandb-2101-fixes": _under("man-db-NEWS.md", "man-db 2.10.1 (", "Fixes:", r"^ \* "),
        "mandb-2100-build": _under("man-db-NEWS.md", "man-db 2.10.0 (", "Build:", r"^ \* "),
        "mandb-2022": _dated("man-db-NEWS.md", r"^man-db ([\d.]+) \(\d+ \w+ (\d{4})\)", ("2022",)),
        "tar-134": _under("tar-NEWS.txt", "version 1.34 - ", "", r"^\* "),
        "tar-2019": _dated("tar-NEWS.txt", r"^version ([\d.]+) - [^,]+, (\d{4})", ("2019",)),
        "idle-312": _under("idle-News3.txt", "What's New in IDLE 3.12.0", "", r"^gh-\d+"),
        "idle-2019-20": _dated("idle-News3.txt",
                               r"^What's New in IDLE ([\d.]+)[^\n]*\n(?:\(since[^\n]*\n)?"
                               r"Released on (\d{4})", ("2019", "2020")),
    }  # fmt: skip
    qs = {q.id: q for q in questions() if q.held_out}
    assert set(qs) == set(parsed)
    for key, value in parsed.items():
        want = qs[key].answer
        assert (set(want) if isinstance(want, frozenset) else want) == value, key
        if qs[key].kind == "list":
            assert set(want) <= set(qs[key].universe), key


def test_every_answer_agrees_with_a_parser_of_the_file() -> None:
    gzip, diff = _releases("gzip-NEWS.txt"), _releases("diffutils-NEWS.txt")
    uploads = _uploads()
    years = Counter(y for _, _, y in uploads)
    parsed: dict[str, object] = {
        "gzip-2016": {v for v, d, _ in gzip if d.startswith("2016")},
        "gzip-2006": {v for v, d, _ in gzip if d.startswith("2006")},
        "gzip-2015": {v for v, d, _ in gzip if d.startswith("2015")},
        "gzip-beta": {v for v, _, t in gzip if t == "beta"},
        "gzip-stable": sum(t == "stable" for _, _, t in gzip),
        "git-2021": years["2021"],
        "git-2018": years["2018"],
        "git-rc": sum("~rc" in v for v, _, _ in uploads),
        "git-uploaders": {n for _, n, _ in uploads} - {"Jonathan Nieder"},
        "diffutils-2016": {v for v, d, _ in diff if d.startswith("2016")},
        "diffutils-2010-11": {v for v, d, _ in diff if d[:4] in ("2010", "2011")},
        "bash-42-readline": _items("bash-4.2", "Readline"),
        "bash-32-bash": _items("bash-3.2", "Bash"),
    }
    qs = {q.id: q for q in questions()}
    for key, value in parsed.items():
        want = qs[key].answer
        assert (set(want) if isinstance(want, frozenset) else want) == value, key
    cves = qs["git-cves-2025"]
    head = cves.text.split("\n\n -- ")[0]
    assert set(cves.answer) == set(re.findall(r"CVE-\d{4}-\d+", head))
    assert len(cves.universe) > 10  # the other entries' CVEs are in the universe
    # every list's answer is inside its universe, and each name is found in the file
    for q in qs.values():
        if q.kind == "list":
            assert set(q.answer) <= set(q.universe), q.id
            assert named(q.text, q.universe) == set(q.universe), q.id
    assert {v for v, _, _ in gzip} <= set(GZIP_VERSIONS)
    # a count scored by its items names exactly as many as it counts
    for q in qs.values():
        if q.kind == "count" and q.members:
            assert len(q.members) == q.answer and q.members <= set(q.universe), q.id
    assert qs["gzip-stable"].members == {v for v, _, t in gzip if t == "stable"}


def test_a_version_is_named_whole() -> None:
    universe = ("1.3", "1.3.10", "1.8")
    assert named("gzip 1.3.10 (2006-12-30)", universe) == {"1.3.10"}
    assert named("from 1.3 to 1.3.1.", universe) == {"1.3"}
    assert named("Lee Garrett and 1.8", ("Lee Garrett", "1.8")) == {"Lee Garrett", "1.8"}
