"""Models: one interface (``Model``), three backends, and specs that name them.

Specs:
- ``smollm2-135m``, ``qwen2.5-coder-1.5b``, ``gemma3-270m``: bundled GGUF files run
  in-process; ``NAME?ctx=8192`` loads with a smaller window.
- ``openai:MODEL``: OpenAI's API (``OPENAI_API_KEY``).
- ``openai-compat:BASE_URL#MODEL``: any OpenAI-compatible server; ``?ctx=N`` after the
  model sets its window (default 8192). Key from ``SHOAL_OPENAI_COMPAT_KEY`` if needed.
- ``scripted[:NAME][?latency=SECONDS]``: a deterministic echo model for tests.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from shoal.errors import ShoalError, UnknownModelError
from shoal.models.base import Model
from shoal.models.catalog import BUNDLED, DEFAULT_LEAD, DEFAULT_WORKER, Bundled
from shoal.models.scripted import ScriptedModel
from shoal.types import ModelInfo

__all__ = [
    "BUNDLED",
    "DEFAULT_LEAD",
    "DEFAULT_WORKER",
    "Model",
    "ScriptedModel",
    "available",
    "get_model",
    "register",
]

_INSTANCES: dict[str, Model] = {}


def _split_query(spec: str) -> tuple[str, dict[str, str]]:
    base, _, query = spec.partition("?")
    return base, dict(parse_qsl(query))


def _int_param(params: dict[str, str], key: str, default: int, spec: str) -> int:
    try:
        return int(params.get(key, default))
    except ValueError as exc:
        raise ShoalError(f"bad {key}= in model spec {spec!r}: must be an integer") from exc


def _bundled(entry: Bundled, params: dict[str, str], spec: str) -> Model:
    from shoal.models.fetch import require
    from shoal.models.llama import LlamaModel

    n_ctx = _int_param(params, "ctx", entry.default_ctx, spec)
    if not 256 <= n_ctx <= entry.context_window:
        raise ShoalError(f"{entry.name} supports ctx from 256 to {entry.context_window}")
    return LlamaModel(
        entry.name, require(entry.name), n_ctx=n_ctx, chat=entry.chat, throughput=entry.throughput
    )


def get_model(spec: str) -> Model:
    """Resolve a model spec to a (shared) ``Model``. Unknown specs list what exists."""
    if spec in _INSTANCES:
        return _INSTANCES[spec]
    base, params = _split_query(spec.strip())
    model: Model
    if base in BUNDLED:
        model = _bundled(BUNDLED[base], params, spec)
    elif base == "scripted" or base.startswith("scripted:"):
        name = base.partition(":")[2] or "scripted"
        try:
            latency = float(params.get("latency", 0))
        except ValueError as exc:
            raise ShoalError(f"bad latency= in model spec {spec!r}") from exc
        if not 0 <= latency <= 3600:  # also refuses NaN and infinity
            raise ShoalError(f"latency= in {spec!r} must be 0 to 3600 seconds")
        model = ScriptedModel(name=name, latency=latency)
    elif base.startswith("openai:"):
        from shoal.models.openai_compat import OpenAIModel

        model = OpenAIModel(
            base.partition(":")[2], context_window=_int_param(params, "ctx", 128_000, spec)
        )
    elif base.startswith("openai-compat:"):
        from shoal.models.openai_compat import OpenAIModel

        url, sep, name = base.partition(":")[2].rpartition("#")
        if not sep or not url or not name:
            raise ShoalError(
                f"bad spec {spec!r}: use openai-compat:BASE_URL#MODEL, "
                "e.g. openai-compat:http://127.0.0.1:8000/v1#Qwen2.5-7B-Instruct"
            )
        model = OpenAIModel(
            name,
            base_url=url,
            backend="openai-compat",
            context_window=_int_param(params, "ctx", 8192, spec),
        )
    else:
        raise UnknownModelError(spec, list(BUNDLED))
    _INSTANCES[spec] = model
    return model


def register(spec: str, model: Model) -> None:
    """Make ``model`` answer to ``spec`` everywhere a spec is accepted (CLI, Swarm, server):
    the way to plug in a backend shoal does not ship, or a scripted model in a test."""
    _INSTANCES[spec] = model


def available() -> list[ModelInfo]:
    """The bundled models and whether their files are ready on this machine."""
    from shoal.models.fetch import is_ready, model_path

    out = []
    for entry in BUNDLED.values():
        ready = is_ready(entry)
        out.append(
            ModelInfo(
                name=entry.name,
                backend="llama",
                context_window=entry.context_window,
                chat=entry.chat,
                ready=ready,
                note=entry.description,
                params={"license": entry.license, "path": str(model_path(entry))},
                local=True,
            )
        )
    return out
