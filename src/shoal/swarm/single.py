"""One model reads the whole input (``--strategy lead|worker``), for comparison.

The input is cut to the model's window when it does not fit, and the answer says so. Its
quote is checked against the source like any other; an unverifiable quote is reported,
never passed on as a citation.
"""

from __future__ import annotations

from shoal.errors import ShoalError
from shoal.models.base import Model
from shoal.swarm import prompts
from shoal.swarm.check import context_around, locate
from shoal.swarm.cost import SINGLE_REPLY_TOKENS
from shoal.swarm.documents import Document, joined
from shoal.swarm.result import Answer, Citation, Event


async def single(
    run_id: str,
    model: Model,
    docs: list[Document],
    question: str,
    strategy: str,
    *,
    timeout: float | None,
    emit: object = None,
) -> Answer:
    text = joined(docs)
    total_chars = len(text)
    room = model.context_window - SINGLE_REPLY_TOKENS
    overhead = model.count_message_tokens(prompts.single_messages("", question, True))
    tokens = model.count_tokens(text)
    truncated = False
    while overhead + tokens > room:
        truncated = True
        text = text[: max(0, int(len(text) * (room - overhead) / (overhead + tokens) * 0.98))]
        tokens = model.count_tokens(text)
    notes = []
    if truncated:
        notes.append(
            f"the input was cut to fit {model.name}'s {model.context_window}-token window: "
            f"it read {len(text):,} of {total_chars:,} characters"
        )
    if callable(emit):
        emit(Event("plan", {"round": 1, "tasks": [question], "fallback": None}))
    role = "lead" if strategy == "lead" else "worker"
    try:
        reply = await model.complete(
            prompts.single_messages(text, question, truncated),
            schema=prompts.ANSWER_SCHEMA,
            max_tokens=SINGLE_REPLY_TOKENS,
            role=role,
            timeout=timeout,
        )
        answer, quote = reply.parsed["answer"], reply.parsed.get("quote")
    except ShoalError as exc:
        notes.append(f"{model.name} gave no usable answer: {exc}")
        answer, quote = "No usable answer.", None
    citations = []
    if quote:
        cite = _cite(quote, docs)
        if cite is None:
            notes.append("the quoted evidence was not found in the document (unsupported)")
        else:
            citations.append(cite)
    return Answer(
        answer=answer,
        citations=citations,
        strategy=strategy,
        run_id=run_id,
        coverage=len(text) / total_chars if total_chars else 1.0,
        reports={"supported": len(citations), "rejected": int(bool(quote) and not citations)},
        chunks=1,
        jobs=1,
        notes=notes,
    )


def _cite(quote: str, docs: list[Document]) -> Citation | None:
    for d in docs:
        found = locate(quote, d.text)
        if found is not None:
            start, end = found
            return Citation(
                d.text[start:end], start, end, d.name, context_around(d.text, start, end)
            )
    return None
