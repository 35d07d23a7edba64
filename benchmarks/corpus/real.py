"""Lookups on real documents (licences, release notes, a changelog, a NEWS file), with
questions written by hand before the protocol was run on them, each with the passage that
answers it. Some questions have no answer in their document: the right reply is "not
found". Never used to tune the protocol (``split`` is ``held-out``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from benchmarks.corpus.lookup import Case, states

HERE = Path(__file__).parent / "real"


@dataclass(frozen=True)
class Question:
    file: str
    question: str
    answer: str | None
    evidence: str = ""
    """A passage of the file (whitespace-insensitive) that states the answer."""
    accept: tuple[str, ...] = ()
    wrong: tuple[str, ...] = ()
    split: str = "held-out"
    """``sealed``: added on 2026-12-04, never looked at before a session's final run."""


QUESTIONS = [
    Question(
        "GPL-2.txt",
        "On what date is the example copyright disclaimer signed?",
        "1 April 1989",
        "<signature of Ty Coon>, 1 April 1989",
    ),
    Question(
        "GPL-2.txt",
        "Who wrote the program named in the sample copyright disclaimer?",
        "James Hacker",
        "written by James Hacker",
    ),
    Question("GPL-2.txt", "Which court has jurisdiction over disputes under this licence?", None),
    Question(
        "GPL-3.txt",
        "For how long, at least, must a written offer to provide the "
        "Corresponding Source remain valid?",
        "three years",
        "valid for at least three years",
    ),
    Question(
        "GPL-3.txt",
        "Within how many days of receiving a first notice of violation must "
        "it be cured for the licence to be reinstated permanently?",
        "30 days",
        "you cure the violation prior to 30 days after your receipt of the notice",
        wrong=("60 days",),
    ),
    Question(
        "GPL-3.txt",
        "What fee does the Free Software Foundation charge for each copy "
        "licensed under this licence?",
        None,
    ),
    Question(
        "Apache-2.0.txt",
        "When was version 2.0 of this licence issued?",
        "January 2004",
        "Version 2.0, January 2004",
    ),
    Question(
        "Apache-2.0.txt",
        "How many days' notice must be given before this licence is terminated?",
        None,
    ),
    Question(
        "MPL-2.0.txt",
        "After a first notice of non-compliance, within how many days must "
        "a recipient become compliant for the grants to be reinstated on an ongoing basis?",
        "30 days",
        "You become compliant prior to 30 days after Your receipt of the notice",
        wrong=("60 days",),
    ),
    Question(
        "bash-NEWS.txt",
        "Above what request size does the internal bash malloc use mmap?",
        "128K bytes",
        "to satisfy requests greater than 128K bytes",
        accept=("128K",),
    ),
    Question(
        "bash-NEWS.txt",
        "Which shell option makes a local variable inherit the value of "
        "a variable with the same name at the nearest preceding scope?",
        "localvar_inherit",
        "A new shopt option: localvar_inherit; if set, a local variable inherits the value",
    ),
    Question(
        "bash-NEWS.txt",
        "Which variable is set to the numeric argument for readline "
        "commands defined using bind -x?",
        "READLINE_ARGUMENT",
        "New READLINE_ARGUMENT variable set to numeric argument for readline commands",
    ),
    Question("bash-NEWS.txt", "On what date was bash 5.2 released?", None),
    Question(
        "git-2.39.0-RelNotes.txt",
        "Which option makes git symbolic-ref stop after dereferencing a symbolic-ref only once?",
        "--no-recurse",
        'The command learned the "--no-recurse" option to stop after dereferencing a '
        "symbolic-ref only once",
    ),
    Question(
        "git-2.39.0-RelNotes.txt",
        "Which new option was added to git patch-id?",
        "--include-whitespace",
        'A new "--include-whitespace" option is added to "git patch-id"',
    ),
    Question(
        "git-2.39.0-RelNotes.txt", "How many people contributed to the git 2.39 release?", None
    ),
    Question(
        "git-changelog.Debian.txt",
        "Which CVE is fixed by sanitizing the credential user prompt?",
        "CVE-2024-50349",
        "credential: sanitize the user prompt (CVE-2024-50349)",
        wrong=("CVE-2024-52006",),
    ),
    Question(
        "git-changelog.Debian.txt",
        "Which Debian bug was closed by correcting the paths "
        "in the git-doc doc-base control files?",
        "1023255",
        "Correct paths in git-doc doc-base control files (Closes: #1023255)",
        accept=("#1023255",),
    ),
    Question("git-changelog.Debian.txt", "Which Debian release first shipped git 3.0?", None),
    # --- sealed: written on 2026-12-04, before the protocol ever ran on these files -------
    Question(
        "gzip-NEWS.txt",
        "Which CVE was fixed along with the gzip -d bug that could clobber the stack?",
        "CVE-2010-0001",
        "This fixes CVE-2010-0001.",
        split="sealed",
    ),
    Question(
        "gzip-NEWS.txt",
        "What exit status does gzip -q now give when it receives SIGPIPE?",
        "2",
        "gzip -q now exits with status 2 (not 1) when SIGPIPE is received.",
        split="sealed",
    ),
    Question(
        "gzip-NEWS.txt",
        "To what resolution does gzip now typically restore file timestamps?",
        "1 microsecond",
        "typically 1 microsecond",
        split="sealed",
    ),
    Question(
        "gzip-NEWS.txt",
        "After which year will even regular files get null timestamps in gzip's output?",
        "2106",
        "regular files will use null timestamps after the year 2106",
        wrong=("2038",),
        split="sealed",
    ),
    Question(
        "gzip-NEWS.txt",
        "What file name length limit does zforce no longer assume?",
        "14-byte",
        "zforce no longer assumes 14-byte file name length limit.",
        accept=("14 bytes",),
        split="sealed",
    ),
    Question(
        "gzip-NEWS.txt",
        "Which gzip release added support for the zstd compression format?",
        None,
        split="sealed",
    ),
    Question(
        "python-LICENSE.txt",
        "Who owned the Python 2.0 release?",
        "BeOpen.com",
        "2.0             1.6         2000        BeOpen.com  no",
        wrong=("CNRI", "PSF"),
        split="sealed",
    ),
    Question(
        "python-LICENSE.txt",
        "In which town was CNRI based when Guido continued his work on Python in 1995?",
        "Reston",
        "in Reston, Virginia where he released several versions",
        split="sealed",
    ),
    Question(
        "python-LICENSE.txt",
        "From which Python version on are the code examples in the documentation also "
        "licensed under the Zero-Clause BSD license?",
        "3.8.6",
        "Starting with Python 3.8.6, examples, recipes, and other code in",
        split="sealed",
    ),
    Question(
        "python-LICENSE.txt",
        "When did Guido and the core team move to BeOpen.com?",
        "May 2000",
        "In May 2000, Guido and the Python core development team moved to",
        accept=("2000",),
        split="sealed",
    ),
    Question(
        "python-LICENSE.txt",
        "Which Python release introduced the walrus operator?",
        None,
        split="sealed",
    ),
    Question(
        "diffutils-NEWS.txt",
        "What exit status does diff now use when binary files differ?",
        "1",
        "When binary files differ, diff now exits with status 1 as POSIX requires.",
        wrong=("2",),
        split="sealed",
    ),
    Question(
        "diffutils-NEWS.txt",
        "Which option makes diff and sdiff ignore white space at line ends?",
        "--ignore-trailing-space",
        "diff and sdiff have a new option --ignore-trailing-space (-Z).",
        accept=("-Z",),
        split="sealed",
    ),
    Question(
        "diffutils-NEWS.txt",
        "Which new diff option treats symbolic links as a separate type of file?",
        "--no-dereference",
        "diff accepts a new option, --no-dereference.",
        split="sealed",
    ),
    Question(
        "diffutils-NEWS.txt",
        "In what year was diff's default algorithm last tweaked before diffutils 3.4?",
        "1993",
        "the algorithm was last tweaked in diffutils-2.6 (1993)",
        split="sealed",
    ),
    Question(
        "diffutils-NEWS.txt",
        "Which diffutils release dropped the sdiff program?",
        None,
        split="sealed",
    ),
    Question(
        "LGPL-2.1.txt",
        "In which month and year was version 2.1 of this licence published?",
        "February 1999",
        "Version 2.1, February 1999",
        split="sealed",
    ),
    Question(
        "LGPL-2.1.txt",
        "What company is named in the sample copyright disclaimer?",
        "Yoyodyne",
        "Yoyodyne, Inc., hereby disclaims all copyright interest in the",
        split="sealed",
    ),
    Question(
        "LGPL-2.1.txt",
        "Up to how many lines long may small inline functions be for their use in object "
        "code to be unrestricted?",
        "ten lines",
        "functions (ten lines or less in length)",
        accept=("10 lines",),
        split="sealed",
    ),
    Question(
        "LGPL-2.1.txt",
        "What is the maximum fine for breaking this licence?",
        None,
        split="sealed",
    ),
]


def _find(text: str, passage: str) -> tuple[int, int]:
    """The one place ``passage`` occurs in ``text``, whitespace-insensitively."""
    pattern = r"\s+".join(re.escape(w) for w in passage.split())
    hits = [m.span() for m in re.finditer(pattern, text)]
    if len(hits) != 1:
        raise AssertionError(f"evidence {passage!r} occurs {len(hits)} times")
    return hits[0]


def cases() -> list[Case]:
    out = []
    for i, q in enumerate(QUESTIONS):
        text = (HERE / q.file).read_text(encoding="utf-8")
        evidence = None
        position = 0.0
        if q.answer is not None:
            evidence = _find(text, q.evidence)
            assert states(text[evidence[0] : evidence[1]], q.answer), q
            position = evidence[0] / len(text)
        out.append(
            Case(
                id=f"real-{i:02d}-{q.file}",
                genre="real",
                split=q.split,
                text=text,
                question=q.question,
                answer=q.answer,
                accept=q.accept,
                wrong=q.wrong,
                evidence=evidence,
                position=position,
                source=q.file,
            )
        )
    return out
