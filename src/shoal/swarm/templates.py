"""Templates: the shape of a register's lines, learned from the stronger model's records.

A booking register, an order book or a log writes thousands of lines in a handful of
shapes (``2026-06-10 18:30 | Spin | Marco Pereira | attended``). Once the stronger model
has read two lines of one shape and its records were verified, where each value sits in
the line is known: the rest of that shape can be read by shoal, with no model, and
checked exactly as a model's record is (``records.check_extraction``). Lines of any other
shape still go to the model. This is Evaporate's idea (a model's reads of a sample turned
into an extractor for the rest), without its generated code: a template is a regular
expression shoal writes from the verified values' places, never code a model wrote.

What keeps a template honest:
- it is learned only from verified records of single lines, whose every asked value sits
  in the line exactly once, in its own place;
- it is used only once two different lines gave the same template (the model read that
  shape the same way twice);
- the separators between values are literal (digits stand for any digits) and more than
  spaces ("Sofia Ribeiro checked in to Pilates" has no edge between a name and what she
  did that a pattern could find), a value may not run over a separator the learned value
  did not hold, and the template must read its own line as the model did; so a line with
  one more column, or other words between the values, does not fit and is read by the
  model;
- what it reads is checked like any read: every value in its quote, flags from the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from shoal.swarm import records as rec
from shoal.swarm.query import JUDGED, QueryPlan
from shoal.swarm.units import Unit
from shoal.swarm.values import FULL_DATE, parse_date, parse_number

CONFIRMATIONS = 2
"""Different lines that must give the same template before shoal reads with it."""
_SEPARATORS = '|,;="\t'


@dataclass(frozen=True)
class Template:
    pattern: str
    fields: tuple[str, ...]
    """The field each group of ``pattern`` holds, in order."""

    def read(self, line: Unit) -> dict[str, Any] | None:
        """The item a model would have given for ``line`` (its values and its quote), or
        None when the line is not of this shape."""
        text = line.text.strip()
        m = re.fullmatch(self.pattern, text)
        if m is None:
            return None
        return {**dict(zip(self.fields, m.groups(), strict=True)), "quote": text}


def _place(value: Any, raw: Any, kind: str, line: str) -> tuple[int, int] | None:
    """Where the one occurrence of a verified value is in ``line`` (None: nowhere, or more
    than once)."""
    if kind == "date":
        spots = [(m.start(), m.end()) for m in FULL_DATE.finditer(line)
                 if parse_date(m.group(0)) == value]  # fmt: skip
    elif kind == "number":
        spots = [(m.start(), m.end()) for m in re.finditer(r"\d[\d,]*(?:\.\d+)?", line)
                 if parse_number(m.group(0)) == value]  # fmt: skip
    else:
        said = str(raw if raw is not None else value).strip()
        spots = [(m.start(), m.end()) for m in re.finditer(re.escape(said), line)] if said else []
    return spots[0] if len(spots) == 1 else None


def _literal(text: str) -> str:
    """A separator as a pattern: itself, any digits for its digits."""
    return "".join(r"\d+" if p.isdigit() else re.escape(p) for p in re.split(r"(\d+)", text) if p)


def _slot(value_text: str) -> str:
    """A value's pattern: anything, but no separator its learned value did not hold."""
    banned = "".join(c for c in _SEPARATORS if c not in value_text)
    return f"([^{re.escape(banned)}\\n]+?)" if banned else "(.+?)"


def learn(r: rec.Record, plan: QueryPlan) -> Template | None:
    """The template of ``r``'s line, if every value the plan asks for (flags aside: shoal
    sets them from the words) is verified and sits in the line exactly once."""
    if not r.verified or r.mended:
        return None
    line = r.quote.strip()
    spots: list[tuple[int, int, str]] = []
    for f in plan.fields:
        if f.type in ("flag", JUDGED):
            continue
        if f.name not in r.values:
            return None
        at = _place(r.values[f.name], r.raw.get(f.name), f.type, line)
        if at is None:
            return None
        spots.append((at[0], at[1], f.name))
    if not spots:
        return None
    spots.sort()
    parts: list[str] = ["^"]
    names: list[str] = []
    pos = 0
    for a, b, name in spots:
        if a < pos or (names and not line[pos:a].strip()):
            return None  # overlapping, or two values with only spaces between them
        parts += [_literal(line[pos:a]), _slot(line[a:b])]
        names.append(name)
        pos = b
    parts += [_literal(line[pos:]), "$"]
    template = Template("".join(parts), tuple(names))
    # it must read its own line as the model did (a lazy value may stop short otherwise)
    m = re.fullmatch(template.pattern, line)
    if m is None or [line[a:b] for a, b, _ in spots] != list(m.groups()):
        return None
    return template


@dataclass
class Templates:
    """The templates a run has learned, and how many lines confirmed each."""

    plan: QueryPlan
    seen: dict[Template, set[str]] = field(default_factory=dict)

    def learn(self, extraction: rec.Extraction) -> None:
        for r in extraction.records:
            t = learn(r, self.plan)
            if t is not None:
                self.seen.setdefault(t, set()).add(r.quote.strip())

    @property
    def ready(self) -> list[Template]:
        return [t for t, lines in self.seen.items() if len(lines) >= CONFIRMATIONS]

    def read(self, lines: list[Unit], model: str) -> tuple[list[rec.Record], list[Unit]]:
        """Records for the lines a confirmed template fits (checked like any read, marked
        as read by template), and the lines none fits."""
        ready = self.ready
        found: list[rec.Record] = []
        rest: list[Unit] = []
        for line in lines:
            for t in ready:
                item = t.read(line)
                if item is None:
                    continue
                got = rec.check_extraction({"records": [item]}, line, self.plan, model).records
                if len(got) == 1 and got[0].verified:
                    got[0].via = "template"
                    found.append(got[0])
                    break
            else:
                rest.append(line)
        return found, rest
