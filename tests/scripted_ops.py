"""Scripted models that speak the record operations' prompts (plans and extractions)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from shoal.models import ScriptedModel
from shoal.swarm import prompts
from shoal.swarm.check import SENTENCE_BREAK
from shoal.swarm.values import parse_number
from shoal.types import Message

Rule = Callable[[str], Any]
"""Field value from a piece of text (None: not there)."""


def unit_text(messages: list[Message]) -> str:
    m = re.search(r"(?:Text|Document):\n<<<\n(.*)\n>>>", messages[-1]["content"], re.DOTALL)
    if m:
        return m.group(1)
    m = re.search(r"^Line: (.*)$", messages[-1]["content"], re.MULTILINE)
    return m.group(1) if m else ""


def fields_asked(messages: list[Message]) -> list[str]:
    return re.findall(r"^- (\w+) \(", messages[-1]["content"], re.MULTILINE)


def extractor(
    rules: dict[str, Rule], *, invent: dict[str, Any] | None = None
) -> Callable[[list[Message]], str]:
    """Answers extraction prompts with ``rules``: per line of a text (one record per line
    that gives any value), or per document (value and the line it is on). ``invent``: values
    it claims whatever the text says (to test the check)."""

    def values_in(piece: str, names: list[str]) -> dict[str, Any]:
        values = {n: (rules[n](piece) if n in rules else None) for n in names}
        if invent:
            values.update({k: v for k, v in invent.items() if k in names})
        return {k: None if v is None else str(v) for k, v in values.items()}

    def respond(messages: list[Message]) -> str:
        text = unit_text(messages)
        names = fields_asked(messages)
        numbered = re.search(r"\nLines:\n(.*)", messages[-1]["content"], re.DOTALL)
        if numbered:  # gathered lines: one record per line, in order, nulls where none
            lines = [re.sub(r"^\d+\. ", "", ln) for ln in numbered.group(1).splitlines()]
            return json.dumps({"records": [values_in(ln, names) for ln in lines]})
        if messages[0]["content"].startswith("You read one document"):
            # the quote is a sentence (the schema makes it one of the document's); a number
            # field's value a number where the schema asks for one
            point = "a number as its digits" in messages[0]["content"]
            numbers = set(re.findall(r"^- (\w+) \(number\)", messages[-1]["content"], re.M))
            numbers = numbers if point else set()
            out: dict[str, Any] = {}
            for name in names:
                value, line = None, None
                for ln in (p for p in SENTENCE_BREAK.split(text) if p.strip()):
                    v = rules[name](ln) if name in rules else None
                    if v is not None:
                        value, line = v, ln.strip()
                        break
                if invent and name in invent:
                    value = invent[name]
                said = None if value is None else str(value)
                if name in numbers and said is not None and (n := parse_number(said)) is not None:
                    said = n  # type: ignore[assignment]
                out[name] = {"value": said, "quote": line}
            return json.dumps(out)
        records = []
        for ln in (piece for line in text.splitlines() for piece in re.split(r"(?<=\.) ", line)):
            values = values_in(ln, names)
            if any(v is not None for v in values.values()):
                records.append({**values, "quote": ln})
        return json.dumps({"records": records})

    return respond


def one_by_one(strong: Callable[[list[Message]], str]) -> Callable[[list[Message]], str]:
    """``strong``, which reads one document at a time, answering a prompt that holds
    several documents read together (``extract._together``): each document as if alone."""

    def respond(messages: list[Message]) -> str:
        system = messages[0]["content"]
        if not system.startswith("You read several short documents"):
            return strong(messages)
        fields, docs = messages[-1]["content"].split("\n\nDocuments:\n", 1)
        alone = "You read one document and copy facts from it."
        if "a number as its digits" in system:
            alone += " Copy a number as its digits."
        out = {}
        for name, text in re.findall(r"^(d\d+):\n<<<\n(.*?)\n>>>", docs, re.M | re.S):
            msgs: list[Message] = [
                {"role": "system", "content": alone},
                {"role": "user", "content": f"{fields}\n\nDocument:\n<<<\n{text}\n>>>"},
            ]
            out[name] = json.loads(strong(msgs))
        return json.dumps(out)

    return respond


def planner(
    plan: dict[str, Any] | str,
    strong: Callable[[list[Message]], str] | None = None,
    other: Callable[[list[Message]], str] | None = None,
) -> ScriptedModel:
    """A lead that writes ``plan`` (a dict, or raw text for an unusable one), re-reads units
    with ``strong``, and answers anything else with ``other``."""

    def respond(messages: list[Message]) -> str:
        system = messages[0]["content"]
        if system == prompts.QUERY_SYSTEM:
            return plan if isinstance(plan, str) else json.dumps(plan)
        if strong is not None and "copy facts" in system:
            return one_by_one(strong)(messages)
        if other is not None:
            return other(messages)
        return json.dumps({"sentences": []})

    return ScriptedModel(respond, name="lead")


def search(pattern: str, group: int = 1, cast: Callable[[str], Any] = str) -> Rule:
    regex = re.compile(pattern)

    def rule(text: str) -> Any:
        m = regex.search(text)
        return cast(m.group(group)) if m else None

    return rule
