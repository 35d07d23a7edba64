"""Planning: the lead turns a question into a few atomic extraction tasks.

The lead sees the question and facts about the input (sizes, names, headings, a short
head of the text), never the whole text: that is the point of the swarm.
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import asdict, dataclass
from typing import Any

from shoal.errors import ShoalError
from shoal.models.base import Model
from shoal.swarm import prompts
from shoal.swarm.documents import Document

log = logging.getLogger(__name__)

_HEADING = re.compile(r"^(#{1,4} .{2,80}|[A-Z][A-Za-z0-9 ,:'&-]{2,60})$", re.MULTILINE)


@dataclass
class Task:
    instruction: str
    advice: str = ""


@dataclass
class Plan:
    tasks: list[Task]
    fallback: str | None = None
    """Why the question itself was used as the only task, when it was."""

    def to_dict(self) -> dict[str, Any]:
        return {"tasks": [asdict(t) for t in self.tasks], "fallback": self.fallback}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Plan:
        tasks = [Task(str(t["instruction"]), str(t.get("advice") or "")) for t in raw["tasks"]]
        return cls(tasks, raw.get("fallback"))


def document_facts(docs: list[Document], tokens: int, head_chars: int = 500) -> str:
    """What the lead sees of the input: sizes, names, the first headings, the opening."""
    lines = [f"{len(docs)} document(s), about {tokens:,} tokens in all."]
    for d in docs[:10]:
        headings = [m.group(0).strip() for m in itertools.islice(_HEADING.finditer(d.text), 8)]
        lines.append(
            f"- {d.name}: {len(d.text):,} characters"
            + (f"; sections: {'; '.join(headings)}" if headings else "")
        )
    if len(docs) > 10:
        lines.append(f"- ... and {len(docs) - 10} more")
    head = re.sub(r"\s+", " ", docs[0].text[:head_chars]).strip()
    lines.append(f"Beginning of {docs[0].name}: {head}...")
    return "\n".join(lines)


async def make_plan(lead: Model, question: str, facts: str, timeout: float | None = None) -> Plan:
    """Ask the lead for a plan (it sees ``facts`` about the input, from ``document_facts``);
    fall back to the question itself, and say so."""
    messages = prompts.plan_messages(question, facts)
    try:
        reply = await lead.complete(
            messages, schema=prompts.PLAN_SCHEMA, max_tokens=300, role="lead", timeout=timeout
        )
    except ShoalError as exc:
        log.warning("planning failed, using the question as the only task: %s", exc)
        return Plan([Task(question, "")], fallback=f"lead gave no valid plan: {exc}")
    tasks = [
        Task(t["instruction"].strip(), t.get("advice", "").strip())
        for t in reply.parsed["tasks"]
        if t["instruction"].strip()
    ]
    if not tasks:
        return Plan([Task(question, "")], fallback="lead's plan had no usable task")
    return Plan(tasks)
