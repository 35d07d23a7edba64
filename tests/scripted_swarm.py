"""Scripted leads and workers that speak the swarm's prompts, for protocol tests."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from shoal.models import ScriptedModel
from shoal.swarm import prompts
from shoal.types import Message

CODE = r"north vault of the Halvard (?:archive|annex) (?:is|was) (\d{5})"


def passage(messages: list[Message]) -> str:
    m = re.search(r"Passage:\n<<<\n(.*)\n>>>", messages[-1]["content"], re.DOTALL)
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
    more: list[str] | None = None,
    bad_plan: bool = False,
    bad_decision: bool = False,
    reword: list[str] | None = None,
    finds: str = CODE,
    bad_read: bool = False,
    doubts: str | None = None,
) -> ScriptedModel:
    """A lead: plans ``tasks``; re-reads a passage by reporting the sentence that matches
    ``finds`` and holds ``choose`` (null if none does); decides by picking the evidence
    whose context has ``choose``; asks for one more round with ``more`` tasks the first
    time it decides; after a round with no verified evidence, rewords the tasks as
    ``reword`` (or gives no valid JSON). On a second look at a value it says yes, unless
    the sentence holds ``doubts`` (then: old)."""
    state = {"decisions": 0}
    regex = re.compile(finds)

    def respond(messages: list[Message]) -> str:
        system = messages[0]["content"]
        if system == prompts.READ_SYSTEM:
            if bad_read:
                return "{not json"
            for sentence in re.split(r"(?<=\.)\s+", passage(messages)):
                m = regex.search(sentence)
                if m and (choose is None or choose in sentence):
                    return json.dumps({"answer": m.group(1), "quote": sentence})
            return json.dumps({"answer": None, "quote": None})
        if system == prompts.VERIFY_SYSTEM:
            sentence = messages[-1]["content"]
            old = doubts is not None and doubts in sentence
            return json.dumps({"reason": "checked", "verdict": "old" if old else "yes"})
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
        if bad_decision:
            return "{broken"
        state["decisions"] += 1
        user = messages[-1]["content"]
        if more and state["decisions"] == 1:
            return json.dumps(
                {"action": "more", "answer": "", "evidence": [],
                 "new_tasks": [{"instruction": t, "advice": ""} for t in more]}
            )  # fmt: skip
        blocks = re.findall(r"\[(E\d+)\] answer: \"(.*?)\".*?context: (.*?)\n", user, re.DOTALL)
        for eid, answer, context in blocks:
            if choose is None or choose in context:
                return json.dumps({"action": "answer", "answer": answer, "evidence": [eid]})
        return json.dumps({"action": "answer", "answer": "not found", "evidence": []})

    return ScriptedModel(respond, name="lead")
