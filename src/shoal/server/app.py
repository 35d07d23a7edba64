"""The HTTP service: routes, authentication, limits. FastAPI + uvicorn (the ``[server]`` extra).

GET  /                          the live page (static/index.html, no build step)
GET  /healthz                   liveness and whether keys are required
GET  /v1/models                 what clients may name in ``model``
POST /v1/chat/completions       OpenAI-compatible, streaming or not
POST /v1/documents              upload a document, get its id
GET  /v1/documents[/{id}]       this key's documents
POST /v1/runs                   start a swarm run in the background
POST /v1/code                   start a write-run-fix loop in the background
GET  /v1/runs[/{id}]            this key's runs; one run's full record
GET  /v1/runs/{id}/events       server-sent events of a run, live or replayed
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.background import BackgroundTask
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shoal import ledger
from shoal.errors import InputError, ShoalError
from shoal.server import chat, errors
from shoal.server.auth import LOCAL, KeyRing, Tenant
from shoal.server.errors import APIError
from shoal.server.runs import RunHub, Slots
from shoal.server.schemas import (
    INT_MAX,
    ChatRequest,
    CodeIn,
    DocumentIn,
    RunIn,
    RunSettings,
    _unicode,
)
from shoal.server.settings import Settings
from shoal.store import Store
from shoal.swarm.documents import Document, decode
from shoal.swarm.result import Answer

log = logging.getLogger(__name__)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, whether or not the client sent
    Content-Length, before the application reads them into memory; and a body that stalls
    for ``timeout`` seconds between pieces with 408, so a half-sent request cannot hold a
    connection and a worker open."""

    def __init__(self, app: ASGIApp, limit: int, timeout: float = 30.0):
        self.app = app
        self.limit = limit
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            try:
                async with asyncio.timeout(self.timeout):
                    message = await receive()
            except TimeoutError:
                raise _Stalled from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await self._refuse(scope, receive, send)
        except _Stalled:
            if not started:
                response = errors.respond(
                    408, f"the request body stalled for over {self.timeout:g} s", "body_timeout"
                )
                await response(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = errors.respond(
            413, f"the request body is over the limit of {self.limit:,} bytes", "body_too_large"
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


class _Stalled(Exception):
    pass


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    settings = settings or Settings()
    store = store or Store(settings.db)
    keys = KeyRing(store)
    slots = Slots(settings.max_concurrent_per_key)
    hub = RunHub(store, slots, settings.job_timeout, settings.max_tenant_bytes,
                 settings.executor, settings.ray_address)  # fmt: skip
    book = ledger.Ledger(store)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        marked = await asyncio.to_thread(store.mark_orphans)
        if marked:
            log.warning("%d run(s) whose process had died are marked interrupted", marked)
        yield
        await hub.shutdown()
        book.sync()
        store.drain()

    app = FastAPI(title="shoal", version="0.1", lifespan=lifespan, docs_url="/docs")
    app.state.settings, app.state.store, app.state.hub = settings, store, hub
    errors.install(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, timeout=settings.body_timeout)

    def tenant(request: Request) -> Tenant:
        if not settings.auth:
            return LOCAL
        header = request.headers.get("authorization", "")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise APIError(
                401,
                "no API key: send `Authorization: Bearer sk-shoal-...` "
                "(create one with `shoal keys create NAME`)",
                "missing_api_key",
            )
        found = keys.tenant_for(key.strip())
        if found is None:
            raise APIError(401, "the API key is not valid (unknown or revoked)", "invalid_api_key")
        return found

    Who = Depends(tenant)

    # --- the page and health ----------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> HTMLResponse:
        html = resources.files("shoal.server").joinpath("static/index.html").read_text("utf-8")
        return HTMLResponse(html)

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {
            "ok": True,
            "auth": settings.auth,
            "lead": settings.lead,
            "worker": settings.worker,
            "workers": settings.workers,
        }

    # --- models -------------------------------------------------------------------------
    @app.get("/v1/models")
    async def list_models(_who: Tenant = Who) -> dict[str, Any]:
        now = int(time.time())
        names = ["shoal", f"shoal:{settings.lead}+{settings.worker}", *settings.allowed()]
        return {
            "object": "list",
            "data": [
                {"id": n, "object": "model", "created": now, "owned_by": "shoal"}
                for n in dict.fromkeys(names)
            ],
        }

    def _options(req: RunSettings) -> dict[str, object]:
        """A request's run settings as ``Swarm`` arguments; its escalation model must be
        one this server serves (404 otherwise, before any slot is taken)."""
        options = req.options()
        if req.escalation is not None:
            options["escalation"] = chat._allowed(req.escalation, settings)
        return options

    # --- chat completions ---------------------------------------------------------------
    @app.post("/v1/chat/completions", response_model=None)
    async def chat_completions(
        req: ChatRequest, who: Tenant = Who
    ) -> dict[str, Any] | EventSourceResponse:
        target = chat.resolve(req.model, settings)
        if target.is_swarm:
            docs, question = chat.swarm_inputs(req, store, who.id, settings)
            assert target.lead is not None
            run = hub.start(who.id, docs, question, target.lead, target.workers, req.strategy,
                            options=_options(req))  # fmt: skip
            cid = "chatcmpl-" + run.id
            if req.stream:
                return EventSourceResponse(_swarm_stream(run.id, cid, req), ping=10)
            assert run.task is not None
            await asyncio.shield(run.task)
            if run.answer is None:
                raise APIError(500, f"run {run.id} failed: {run.error}", "run_failed")
            return _swarm_completion(cid, req.model, run.answer)
        assert target.model is not None
        limit = chat.max_tokens(req, settings)
        if req.memory:
            return await _memory_turn(req, who, target.model, limit)
        lease = slots.take(who.id)
        if req.stream:
            messages = chat.plain_messages(req)
            cid = chat.new_completion_id()

            async def pieces() -> AsyncIterator[str]:
                try:
                    assert target.model is not None
                    async for data in chat.stream_model(
                        target.model, messages, cid, req.model, req, limit, book
                    ):
                        yield data
                    yield "[DONE]"
                finally:
                    lease.release()

            # A client that disconnects before the stream starts never runs the generator's
            # finally; the background task frees the slot then (release is idempotent).
            return EventSourceResponse(pieces(), ping=10, background=BackgroundTask(lease.release))
        try:
            return await chat.complete_model(target.model, req, limit, book)
        finally:
            lease.release()

    async def _memory_turn(
        req: ChatRequest, who: Tenant, model: Any, limit: int
    ) -> dict[str, Any] | EventSourceResponse:
        """A turn of a remembered conversation. Users are per tenant: another key's "alice"
        is another person and never sees this one's history."""
        from shoal.memory import Memory, default_cache
        from shoal.memory.memory import SYSTEM

        if not req.user:
            raise APIError(400, "memory needs `user` (whose conversation it is)", None, "user")
        last = next((m for m in reversed(req.messages) if m.role == "user"), None)
        if last is None or not last.text().strip():
            raise APIError(400, "memory needs a non-empty last user message", None, "messages")
        system = next((m.text() for m in req.messages if m.role in ("system", "developer")), "")
        cache = default_cache() if model.info.backend == "llama" else None
        mem = Memory(f"{who.id}:{req.user}", model=model, thread=req.thread, store=store,
                     cache=cache or False, system=system or SYSTEM, reply_tokens=limit,
                     lead=settings.lead, workers=settings.worker)  # fmt: skip
        cid = chat.new_completion_id()

        def extra(reply: Any) -> dict[str, Any]:
            return {"memory": {"history_messages": reply.history_messages,
                               "recent_messages": reply.recent_messages,
                               "cache": reply.cache, "overflow": reply.overflow}}  # fmt: skip

        if not req.stream:
            with slots.take(who.id):
                reply = await mem.asay(last.text(), max_tokens=limit)
            return chat.completion(cid, req.model, reply.text, reply.usage, extra(reply))
        lease = slots.take(who.id)

        async def pieces() -> AsyncIterator[str]:
            """Tokens as they come; the memory metadata rides on the finishing chunk."""
            try:
                yield chat.chunk(cid, req.model, {"role": "assistant", "content": ""})
                async for piece in mem.astream(last.text(), max_tokens=limit):
                    if piece.reply is None:
                        yield chat.chunk(cid, req.model, {"content": piece.text})
                        continue
                    yield chat.chunk(cid, req.model, {}, finish="stop", extra=extra(piece.reply))
                    if req.stream_options is not None and req.stream_options.include_usage:
                        yield chat.chunk(cid, req.model, None, usage=piece.reply.usage)
            except ShoalError as exc:
                yield chat.error_data(exc)
            finally:
                lease.release()
            yield "[DONE]"

        return EventSourceResponse(pieces(), ping=10, background=BackgroundTask(lease.release))

    def _swarm_completion(cid: str, model: str, answer: Answer) -> dict[str, Any]:
        return chat.completion(
            cid, model, answer.answer, chat.answer_usage(answer), chat.shoal_field(answer)
        )

    async def _swarm_stream(run_id: str, cid: str, req: ChatRequest) -> AsyncIterator[Any]:
        """The answer as OpenAI chunks. While the swarm works, progress goes out as SSE
        comments, which OpenAI clients skip and proxies see as traffic."""
        yield chat.chunk(cid, req.model, {"role": "assistant", "content": ""})
        async for event in hub.events(run_id):
            kind, data = event["kind"], event["data"]
            if kind == "answer":
                answer = Answer.from_dict(data)
                for piece in _pieces(answer.answer):
                    yield chat.chunk(cid, req.model, {"content": piece})
                yield chat.chunk(cid, req.model, {}, finish="stop", extra=chat.shoal_field(answer))
                if req.stream_options is not None and req.stream_options.include_usage:
                    yield chat.chunk(cid, req.model, None, usage=chat.answer_usage(answer))
                yield "[DONE]"
                return
            if kind == "error":
                yield chat.error_data(APIError(500, f"run {run_id} failed: {data.get('error')}"))
                return
            yield ServerSentEvent(comment=f"{kind} {_progress(data)}")

    # --- documents ----------------------------------------------------------------------
    @app.post("/v1/documents", status_code=201)
    async def upload(request: Request, who: Tenant = Who) -> dict[str, Any]:
        kind = request.headers.get("content-type", "").split(";")[0].strip()
        raw = await request.body()
        if kind == "application/json":
            try:
                doc_in = DocumentIn.model_validate_json(raw)
            except ValidationError as exc:
                raise RequestValidationError(exc.errors()) from None
            name, text = doc_in.name, doc_in.text
        else:
            name = request.query_params.get("name", "document")[:500] or "document"
            try:
                _unicode(name)
                text = decode(raw, name)
            except (InputError, ValueError) as exc:
                raise APIError(400, str(exc), "invalid_document") from exc
        size = len(text.encode())
        if size > settings.max_document_bytes:
            raise APIError(
                413,
                f"the document is {size:,} bytes; the limit is {settings.max_document_bytes:,}",
                "document_too_large",
            )
        if not text.strip():
            raise APIError(400, "the document is empty", "invalid_document")
        doc = Document(name, text)
        await asyncio.to_thread(store.put_document, doc.id, doc.name, doc.text, who.id)
        return {"id": doc.id, "object": "document", "name": name, "chars": len(text), "bytes": size}

    @app.get("/v1/documents")
    async def documents(who: Tenant = Who) -> dict[str, Any]:
        rows = await asyncio.to_thread(store.list_documents, who.id)
        return {"object": "list", "data": rows}

    @app.get("/v1/documents/{doc_id}")
    async def document(doc_id: str, who: Tenant = Who) -> dict[str, Any]:
        row = await asyncio.to_thread(store.get_document, doc_id, who.id)
        if row is None:
            raise APIError(404, f"no document {doc_id!r}", "document_not_found")
        return {
            "id": row["id"],
            "object": "document",
            "name": row["name"],
            "text": row["text"],
            "chars": row["chars"],
        }

    # --- runs ---------------------------------------------------------------------------
    @app.post("/v1/runs", status_code=202)
    async def start_run(run_in: RunIn, who: Tenant = Who) -> dict[str, Any]:
        target = chat.resolve(run_in.model, settings)
        if not target.is_swarm or target.lead is None:
            raise APIError(
                400,
                "runs need a swarm model: `shoal` or `shoal:LEAD+WORKER`",
                "invalid_model",
                "model",
            )
        sizes = await asyncio.to_thread(store.document_sizes, run_in.documents, who.id)
        missing = [d for d in run_in.documents if d not in sizes]
        if missing:
            raise APIError(404, f"no document {missing[0]!r}", "document_not_found", "documents")
        total = sum(sizes[d] for d in run_in.documents)
        if total > settings.max_run_bytes:
            raise APIError(
                413,
                f"the run would read {total:,} bytes of documents; the limit is "
                f"{settings.max_run_bytes:,} per run",
                "input_too_large",
                "documents",
            )
        docs = []
        for doc_id in dict.fromkeys(run_in.documents):
            row = await asyncio.to_thread(store.get_document, doc_id, who.id)
            if row is None:
                raise APIError(404, f"no document {doc_id!r}", "document_not_found", "documents")
            docs.append(Document(row["name"], row["text"]))
        run = hub.start(who.id, docs, run_in.question, target.lead, target.workers,
                        run_in.strategy, options=_options(run_in))  # fmt: skip
        return {"id": run.id, "object": "run", "status": "running"}

    @app.post("/v1/code", status_code=202)
    async def start_code(code_in: CodeIn, who: Tenant = Who) -> dict[str, Any]:
        """A write-run-fix loop; its code and verdicts stream from /v1/runs/{id}/events."""
        spec = code_in.model or settings.lead
        chat._allowed(spec, settings)  # only models the operator allowed
        run = hub.start_code(who.id, code_in.task, prompt=code_in.prompt, tests=code_in.tests,
                             entry_point=code_in.entry_point, model=spec, draft=code_in.draft,
                             rounds=code_in.rounds, candidates=code_in.candidates,
                             sample_when=code_in.sample_when)  # fmt: skip
        return {"id": run.id, "object": "run", "status": "running", "strategy": "code"}

    @app.post("/v1/runs/{run_id}/resume", status_code=202)
    async def resume_run(run_id: str, who: Tenant = Who) -> dict[str, Any]:
        row = await asyncio.to_thread(store.get_run, run_id, who.id)
        if row is None:
            raise APIError(404, f"no run {run_id!r}", "run_not_found")
        if row["status"] == "done":
            return {"id": run_id, "object": "run", "status": "done"}
        if row["strategy"] == "code":
            hub.resume(who.id, run_id, chat._allowed(row["config"]["model"], settings), [],
                       strategy="code")  # fmt: skip
            return {"id": run_id, "object": "run", "status": "running"}
        lead, workers = row["config"]["lead_spec"], row["config"]["worker_specs"]
        target = chat.resolve(f"shoal:{lead}+{','.join(workers)}", settings)  # still allowed?
        assert target.lead is not None
        if row["config"].get("escalation_spec"):
            chat._allowed(row["config"]["escalation_spec"], settings)  # and this one?
        hub.resume(who.id, run_id, target.lead, target.workers)
        return {"id": run_id, "object": "run", "status": "running"}

    @app.get("/v1/runs")
    async def runs(
        who: Tenant = Who, limit: Annotated[int, Query(ge=1, le=500)] = 50
    ) -> dict[str, Any]:
        rows = await asyncio.to_thread(store.list_runs, limit, who.id)
        return {"object": "list", "data": [_run_summary(r) for r in rows]}

    @app.get("/v1/runs/{run_id}")
    async def run_record(run_id: str, who: Tenant = Who) -> dict[str, Any]:
        row = await asyncio.to_thread(store.get_run, run_id, who.id)
        if row is None:
            live = hub.runs.get(run_id)
            if live is not None and live.tenant == who.id:
                return {"id": run_id, "object": "run", "status": "starting"}
            raise APIError(404, f"no run {run_id!r}", "run_not_found")
        jobs = await asyncio.to_thread(store.get_jobs, run_id)
        usage = await asyncio.to_thread(store.usage_by_role, run_id)
        return {
            **_run_summary(row),
            "document_ids": row["document_ids"],
            "config": row["config"],
            "state": row["state"],
            "result": row["result"],
            "error": row["error"],
            "jobs": jobs,
            "usage_by_role": usage,
        }

    @app.get("/v1/runs/{run_id}/events")
    async def run_events(
        run_id: str, who: Tenant = Who, after: Annotated[int, Query(ge=-1, le=INT_MAX)] = -1
    ) -> EventSourceResponse:
        if not await asyncio.to_thread(hub.visible, run_id, who.id):
            raise APIError(404, f"no run {run_id!r}", "run_not_found")

        async def stream() -> AsyncIterator[ServerSentEvent]:
            async for event in hub.events(run_id, after):
                yield ServerSentEvent(
                    data=json.dumps(event), event=event["kind"], id=str(event["seq"])
                )
            yield ServerSentEvent(data=json.dumps({"run_id": run_id}), event="end")

        return EventSourceResponse(stream(), ping=10)

    return app


def _run_summary(row: dict[str, Any]) -> dict[str, Any]:
    result = dict(row.get("result") or {})
    if row.get("strategy") == "code" and result:
        status = (result.get("verdict") or {}).get("status", "failed")
        result["answer"] = "code " + ("passed" if result.get("passed") else status)
    return {
        "id": row["id"],
        "object": "run",
        "status": row["status"],
        "strategy": row["strategy"],
        "question": row["question"],
        "lead": row["lead"],
        "workers": row["workers"],
        "created": row["created"],
        "updated": row["updated"],
        "answer": result.get("answer"),
        "cost_usd": result.get("cost_usd"),
    }


def _pieces(text: str, size: int = 24) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _progress(data: dict[str, Any]) -> str:
    keys = ("round", "key", "status", "jobs", "chunks")
    return " ".join(f"{k}={data[k]}" for k in keys if k in data)


def serve(
    settings: Settings, host: str = "127.0.0.1", port: int = 8000, access_log: bool = False
) -> None:
    """Run the server in this process until interrupted. Every model call is in the
    database already, so the per-request access log is off unless asked for.

    On SIGTERM or Ctrl-C, live runs are stopped first (stored as interrupted, resumable),
    so everyone watching one gets its final event before the connections close."""
    import uvicorn

    app = create_app(settings)
    config = uvicorn.Config(app, host=host, port=port, log_level="info", access_log=access_log)
    _Server(config, app.state.hub).run()


class _Server:
    """uvicorn's server, winding live runs down before it stops serving."""

    def __new__(cls, config: Any, hub: RunHub) -> Any:
        import uvicorn

        class Server(uvicorn.Server):
            stopping = False

            def handle_exit(self, sig: int, frame: Any) -> None:
                if self.stopping:
                    super().handle_exit(sig, frame)
                    return
                self.stopping = True
                loop = asyncio.get_running_loop()
                loop.call_soon_threadsafe(lambda: loop.create_task(self._wind_down(sig, frame)))

            async def _wind_down(self, sig: int, frame: Any) -> None:
                try:
                    await hub.interrupt("the server is shutting down", grace=5.0)
                finally:
                    super().handle_exit(sig, frame)

        return Server(config)
