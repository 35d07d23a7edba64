"""Every error leaves the server in OpenAI's shape, so clients surface it unchanged:

{"error": {"message": "...", "type": "invalid_request_error", "param": null, "code": "..."}}
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shoal.errors import (
    APIError,
    ContextOverflowError,
    InputError,
    ShoalError,
    UnknownModelError,
)

__all__ = ["APIError", "body", "from_shoal", "install", "respond"]

log = logging.getLogger(__name__)

TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "not_found_error",
    409: "conflict_error",
    413: "request_too_large",
    422: "invalid_request_error",
    429: "rate_limit_error",
    500: "server_error",
    503: "service_unavailable",
}


def body(
    status: int, message: str, code: str | None = None, param: str | None = None
) -> dict[str, Any]:
    return {
        "error": {
            "message": message,
            "type": TYPES.get(status, "invalid_request_error"),
            "param": param,
            "code": code,
        }
    }


def respond(
    status: int,
    message: str,
    code: str | None = None,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(body(status, message, code, param), status_code=status, headers=headers)


def from_shoal(exc: ShoalError) -> APIError:
    """Map library errors to HTTP: the client's fault is 4xx, a backend's is 5xx."""
    if isinstance(exc, APIError):
        return exc
    if isinstance(exc, UnknownModelError):
        return APIError(404, str(exc), "model_not_found", "model")
    if isinstance(exc, ContextOverflowError):
        return APIError(400, str(exc), "context_length_exceeded", "messages")
    if isinstance(exc, InputError):
        return APIError(400, str(exc), "invalid_input")
    return APIError(500, str(exc), "shoal_error")


def _validation_message(errors: list[dict[str, Any]]) -> tuple[str, str | None]:
    first = errors[0] if errors else {}
    loc = [str(p) for p in first.get("loc", ()) if p != "body"]
    where = ".".join(loc) or "body"
    return f"{where}: {first.get('msg', 'invalid request')}", where if loc else None


def install(app: FastAPI) -> None:
    @app.exception_handler(APIError)
    async def _api(_request: Request, exc: APIError) -> JSONResponse:
        return respond(exc.status, exc.message, exc.code, exc.param)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            # Not JSON at all is a 400, as OpenAI answers it; wrong types are 422.
            return respond(400, "the request body is not valid JSON", "invalid_json")
        message, param = _validation_message(errors)
        return respond(422, message, "invalid_type", param)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return respond(exc.status_code, str(exc.detail), None)

    @app.exception_handler(ShoalError)
    async def _shoal(_request: Request, exc: ShoalError) -> JSONResponse:
        api = from_shoal(exc)
        return respond(api.status, api.message, api.code, api.param)

    @app.exception_handler(json.JSONDecodeError)
    async def _json(_request: Request, _exc: json.JSONDecodeError) -> JSONResponse:
        return respond(400, "the request body is not valid JSON", "invalid_json")
