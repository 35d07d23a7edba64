"""Scripted leads and workers that speak the swarm's prompts, for protocol tests."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from shoal.models import ScriptedModel
from shoal.swarm import prompts
from shoal.types import Message

CODE = r"north vault of the Halvard (?:archive|annex) (?:is|was) (\d{5})"


def joint_read(messages: list[Message]) -> bool:
    """The judgement's read of the verified sentences together (a re-read of a window
    shows the window's headings, then '…')."""
    return messages[0]["content"] == prompts.READ_SYSTEM and "…" not in passage(messages)


def passage(messages: list[Message]) -> str:
    """A re-read's passage, or the passages of an opening excerpt read."""
    m = re.search(r"(?:Passage|Excerpts):\n<<<\n(.*)\n>>>", messages[-1]["content"], re.DOTALL)
    return m.group(1) if m else ""


def excerpt(messages: list[Message]) -> str:
    m = re.search(r"Excerpt:\n<<<\n(.*)\n>>>", messages[-1]["content"], re.DOTALL)
    return m.group(1) if m else ""


def task(messages: list[Message]) -> str:
    m = re.search(r"Task: (.*?)(?:\nHint:|$)", messages[-1]["content"], re.DOTALL)
    return m.group(1) if m else ""


def finder(pattern: str, *, invent: bool = False) -> Callable[[list[Message]], str]:
    """A worker that reports the sentence matching ``pattern`` in its excerpt, if any.

    ``invent=True``: it always claims an answer with a quote that is not in the text.
    """
    regex = re.compile(pattern)

    def respond(messages: list[Message]) -> str:
        text = excerpt(messages)
        if invent:
            return json.dumps({"answer": "99999", "quote": "The code is 99999.", "confidence": 0.9})
        for sentence in re.split(r"(?<=\.)\s+", text):
            m = regex.search(sentence)
            if m:
                return json.dumps({"answer": m.group(1), "quote": sentence, "confidence": 0.8})
        return json.dumps({"answer": None, "quote": None, "confidence": 0.1})

    return respond


def lead(
    tasks: list[str] | None = None,
    *,
    choose: str | None = None,
    bad_plan: bool = False,
    bad_judge: bool = False,
    judges: str | None = None,
    reword: list[str] | None = None,
    finds: str = CODE,
    bad_read: bool = False,
    doubts: str | None = None,
    whole: str | None = None,
    second: str | None = None,
    wording: str | None = None,
) -> ScriptedModel:
    """A lead: plans ``tasks``; reads a passage (a re-read, or the judgement's sentences
    read together) by reporting the first sentence that matches ``finds`` and holds
    ``choose`` (null if none does); after a round with no verified evidence, rewords the
    tasks as ``reword`` (or gives no valid JSON). Asked apart whether a sentence gives the
    answer, it says yes, unless the sentence holds ``doubts`` (then no); with ``bad_judge``
    it gives no usable reply to that question. Reading the verified sentences together, it
    reports the one that holds ``judges`` if given (a pick by content), else the first
    (a pick by position). A small input read whole: with ``whole`` it reports the first
    sentence matching ``finds`` that holds ``whole`` (null if none does); without it, it
    gives no usable reply, and the workers read the input (what most protocol tests are
    about). Told on a second whole read which values were set aside, it reports the
    sentence holding ``second`` (null without it). Asked how a document might word the
    answer, it gives ``wording`` (no usable reply without it)."""
    regex = re.compile(finds)

    def respond(messages: list[Message]) -> str:
        system = messages[0]["content"]
        if system in (prompts.WHOLE_SYSTEM, prompts.SECOND_LOOK_SYSTEM):
            holds = whole if system == prompts.WHOLE_SYSTEM else second
            if system == prompts.WHOLE_SYSTEM and whole is None:
                return "{broken"
            m = re.search(r"Document:\n<<<\n(.*)\n>>>", messages[-1]["content"], re.DOTALL)
            for sentence in re.split(r"(?<=\.)\s+", m.group(1) if m else ""):
                found = regex.search(sentence)
                if found and holds is not None and holds in sentence:
                    return json.dumps({"answer": found.group(1), "quote": sentence})
            return json.dumps({"answer": None, "quote": None})
        if system in (prompts.READ_SYSTEM, prompts.EXCERPT_SYSTEM):
            if bad_read:
                return "{not json"
            want = judges if judges is not None and joint_read(messages) else choose
            for sentence in re.split(r"(?<=\.)\s+", passage(messages)):
                m = regex.search(sentence)
                if m and (want is None or want in sentence):
                    return json.dumps({"answer": m.group(1), "quote": sentence})
            return json.dumps({"answer": None, "quote": None})
        if system in (prompts.SUPPORT_SYSTEM, prompts.SUPPORT_STRICT_SYSTEM):
            if bad_judge:
                return "Hard to say."
            sentence = messages[-1]["content"]
            return "no" if doubts is not None and doubts in sentence else "yes"
        if system == prompts.WORDING_SYSTEM:
            return json.dumps({"line": wording}) if wording else "{broken"
        if system == prompts.RETRY_SYSTEM:
            if reword is None:
                return "Let me think about other tasks."
            return json.dumps({"tasks": [{"instruction": t, "advice": ""} for t in reword]})
        if system == prompts.PLAN_SYSTEM:
            if bad_plan:
                return "I think we should read the document carefully."
            return json.dumps(
                {"tasks": [{"instruction": t, "advice": ""} for t in tasks or ["find it"]]}
            )
        return "{broken"

    return ScriptedModel(respond, name="lead")
