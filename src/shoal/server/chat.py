"""``POST /v1/chat/completions``: which model a request names, what it reads, and the
OpenAI-shaped replies (whole, or streamed as ``chat.completion.chunk`` events).

``model`` is one of:
- ``shoal``: the server's default lead and worker run the swarm;
- ``shoal:LEAD+WORKER[,WORKER...]``: the swarm with these model specs;
- a plain model spec (``smollm2-135m``): the request goes straight to that model.
Specs must be on the server's allow-list (``Settings.models``).

For the swarm, the last user message is the question and the document is everything else
that is long (earlier messages of 200+ characters) plus documents attached by id. A single
long message with several paragraphs is split: its last paragraph is the question.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from shoal import ledger
from shoal.errors import ShoalError
from shoal.models import get_model
from shoal.models.base import Model
from shoal.server.errors import APIError, body, from_shoal
from shoal.server.schemas import ChatRequest
from shoal.server.settings import Settings
from shoal.store import Store
from shoal.swarm.documents import Document
from shoal.swarm.result import Answer
from shoal.types import Message, Usage

MESSAGE_DOCUMENT_CHARS = 200
"""Earlier messages at least this long are read as documents by a swarm."""
SPLIT_MESSAGE_CHARS = 1000
DEFAULT_MAX_TOKENS = 512


@dataclass
class Target:
    """What a request's ``model`` names: a swarm (lead + workers) or one model."""

    name: str
    model: Model | None = None
    lead: str | None = None
    """Specs (the run stores them, so it can be resumed with the same models)."""
    workers: list[str] = field(default_factory=list)

    @property
    def is_swarm(self) -> bool:
        return self.model is None


def _allowed(spec: str, settings: Settings) -> str:
    if spec not in settings.allowed():
        raise APIError(
            404,
            f"the model {spec!r} does not exist or is not served here; GET /v1/models lists them",
            "model_not_found",
            "model",
        )
    get_model(spec)  # an unusable spec (weights missing) fails now, not inside the run
    return spec


def resolve(name: str, settings: Settings) -> Target:
    if name == "shoal":
        return Target(name, lead=settings.lead, workers=settings.workers)
    if name.startswith("shoal:"):
        lead_spec, sep, worker_specs = name.removeprefix("shoal:").partition("+")
        if not sep or not lead_spec or not worker_specs:
            raise APIError(
                400, f"bad model {name!r}: use shoal:LEAD+WORKER[,WORKER]", "invalid_model", "model"
            )
        workers = [_allowed(s.strip(), settings) for s in worker_specs.split(",")]
        return Target(name, lead=_allowed(lead_spec, settings), workers=workers)
    return Target(name, model=get_model(_allowed(name, settings)))


def max_tokens(req: ChatRequest, settings: Settings) -> int:
    value = req.max_completion_tokens or req.max_tokens or DEFAULT_MAX_TOKENS
    if value > settings.max_tokens_limit:
        raise APIError(
            400,
            f"max_tokens is {value}; this server allows at most {settings.max_tokens_limit}",
            "max_tokens_too_large",
            "max_tokens",
        )
    return value


def swarm_inputs(
    req: ChatRequest, store: Store, tenant: str, settings: Settings
) -> tuple[list[Document], str]:
    """The documents to read and the question, from the messages and attached ids."""
    last = max((i for i, m in enumerate(req.messages) if m.role == "user"), default=None)
    if last is None:
        raise APIError(
            400, "no user message: the last user message is the question", None, "messages"
        )
    question = req.messages[last].text().strip()
    docs: list[Document] = []
    for doc_id in req.documents:
        row = store.get_document(doc_id, tenant=tenant)
        if row is None:
            raise APIError(404, f"no document {doc_id!r}", "document_not_found", "documents")
        docs.append(Document(row["name"], row["text"]))
    for i, m in enumerate(req.messages):
        text = m.text()
        if i != last and len(text) >= MESSAGE_DOCUMENT_CHARS:
            docs.append(Document(f"message {i + 1} ({m.role})", text))
    if not docs and len(question) >= SPLIT_MESSAGE_CHARS and "\n\n" in question.strip():
        text, _, question = question.strip().rpartition("\n\n")
        docs.append(Document("message", text))
    if not docs:
        raise APIError(
            400,
            "no document to read: attach documents by id (`documents`), send the text in an "
            "earlier message, or name a plain model to chat without one",
            "no_document",
            "messages",
        )
    if not question:
        raise APIError(400, "the question (last user message) is empty", None, "messages")
    for d in docs:
        size = len(d.text.encode())
        if size > settings.max_document_bytes:
            raise APIError(
                413,
                f"{d.name} is {size:,} bytes; the limit is {settings.max_document_bytes:,} per "
                "document",
                "document_too_large",
            )
    total = sum(len(d.text.encode()) for d in docs)
    if total > settings.max_run_bytes:
        raise APIError(
            413,
            f"the documents are {total:,} bytes together; the limit is "
            f"{settings.max_run_bytes:,} per request",
            "input_too_large",
        )
    return docs, question


def plain_messages(req: ChatRequest) -> list[Message]:
    """OpenAI roles mapped onto the ones every chat template knows."""
    role = {"developer": "system", "tool": "user"}
    return [{"role": role.get(m.role, m.role), "content": m.text()} for m in req.messages]


# --- response shapes -----------------------------------------------------------------------
def usage_dict(usage: Usage) -> dict[str, Any]:
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.prompt_tokens + usage.completion_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cached_tokens},
    }


def answer_usage(answer: Answer) -> Usage:
    total = Usage()
    for u in answer.usage.values():
        total += u
    return total


def shoal_field(answer: Answer) -> dict[str, Any]:
    """What the swarm adds to an OpenAI response: the run, its evidence and its cost."""
    d = answer.to_dict()
    return {
        "run_id": answer.run_id,
        "strategy": answer.strategy,
        "citations": d["citations"],
        "cost_usd": answer.cost_usd,
        "lead_alone": d["lead_alone"],
        "usage_by_role": d["usage"],
        "reports": answer.reports,
        "rounds": answer.rounds,
        "coverage": answer.coverage,
        "notes": answer.notes,
        "seconds": answer.seconds,
        "confidence": answer.confidence,
        "operation": answer.operation,
        "items": answer.items,
        "result": answer.result,
        "escalation": answer.escalation,
    }


def completion(
    cid: str,
    model: str,
    text: str,
    usage: Usage,
    extra: dict[str, Any] | None = None,
    finish: str = "stop",
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": cid,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "finish_reason": finish,
                "logprobs": None,
            }
        ],
        "usage": usage_dict(usage),
    }
    if extra is not None:
        out["shoal"] = extra
    return out


def chunk(
    cid: str,
    model: str,
    delta: dict[str, Any] | None,
    finish: str | None = None,
    usage: Usage | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """One ``chat.completion.chunk`` as an SSE data line's JSON."""
    out: dict[str, Any] = {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": []
        if delta is None
        else [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }
    if usage is not None:
        out["usage"] = usage_dict(usage)
    if extra is not None:
        out["shoal"] = extra
    return json.dumps(out)


def new_completion_id() -> str:
    return "chatcmpl-" + uuid.uuid4().hex[:24]


def error_data(exc: Exception) -> str:
    api = from_shoal(exc) if isinstance(exc, ShoalError) else None
    if isinstance(exc, APIError):
        api = exc
    if api is None:
        return json.dumps(body(500, f"internal error: {type(exc).__name__}", "server_error"))
    return json.dumps(body(api.status, api.message, api.code, api.param))


async def stream_model(
    model: Model,
    messages: list[Message],
    cid: str,
    name: str,
    req: ChatRequest,
    limit: int,
    book: ledger.Ledger,
) -> AsyncIterator[str]:
    """A pass-through stream: the model's text pieces as chunks, usage at the end."""
    yield chunk(cid, name, {"role": "assistant", "content": ""})
    final: Usage | None = None
    try:
        with ledger.scope(book, role="chat"):
            async for piece in model.stream(
                messages,
                max_tokens=limit,
                temperature=req.temperature or 0.0,
                stop=_stops(req),
            ):
                if piece.text:
                    yield chunk(cid, name, {"content": piece.text})
                if piece.reply is not None:
                    final = piece.reply.usage
    except ShoalError as exc:
        yield error_data(exc)
        return
    finally:
        book.flush()
    yield chunk(cid, name, {}, finish="stop")
    if req.stream_options is not None and req.stream_options.include_usage and final:
        yield chunk(cid, name, None, usage=final)


def _stops(req: ChatRequest) -> list[str] | None:
    if req.stop is None:
        return None
    return [req.stop] if isinstance(req.stop, str) else list(req.stop)


async def complete_model(
    model: Model, req: ChatRequest, limit: int, book: ledger.Ledger
) -> dict[str, Any]:
    try:
        with ledger.scope(book, role="chat"):
            reply = await model.complete(
                plain_messages(req),
                max_tokens=limit,
                temperature=req.temperature or 0.0,
                stop=_stops(req),
            )
    finally:
        book.flush()
    finish = "length" if reply.finish_reason == "length" else "stop"
    return completion(new_completion_id(), req.model, reply.text, reply.usage, finish=finish)
