"""Lenient JSON parsing and schema validation for model replies.

Constrained decoding (llama.cpp grammars, OpenAI ``json_schema``) makes valid JSON
likely, not certain: llama.cpp's grammar lets raw control characters into strings,
small models wrap JSON in prose or code fences, servers without grammar support
ignore the request. So every structured reply goes through here, and a failure is a
``ValueError`` with a message worth feeding back to the model.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def _candidates(text: str) -> list[str]:
    """Substrings that might be the JSON value, most likely first."""
    out = [text.strip()]
    out += [m.group(1).strip() for m in _FENCE.finditer(text)]
    for opener, closer in (("{", "}"), ("[", "]")):
        start, end = text.find(opener), text.rfind(closer)
        if 0 <= start < end:
            out.append(text[start : end + 1])
    return out


def parse_json(text: str, schema: dict[str, Any] | None = None) -> Any:
    """Parse ``text`` as JSON (leniently) and validate it against ``schema``.

    Raises ``ValueError`` with a short, model-readable reason on failure.
    """
    value: Any = None
    last_error = "no JSON value found"
    for candidate in _candidates(text):
        try:
            value = json.loads(candidate, strict=False)
            break
        except json.JSONDecodeError as exc:
            last_error = f"invalid JSON: {exc.msg} at position {exc.pos}"
    else:
        raise ValueError(last_error)
    if schema is not None:
        validator = jsonschema.Draft202012Validator(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(value))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "the top level"
            raise ValueError(f"JSON does not match the schema at {where}: {error.message}")
    return value


def retry_message(error: str) -> str:
    """The user turn that asks a model to fix its structured reply."""
    return (
        f"Your previous reply could not be used: {error}. "
        "Reply again with only one JSON value that matches the schema, no other text."
    )
