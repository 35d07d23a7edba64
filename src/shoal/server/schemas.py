"""Request bodies the API accepts. Unknown OpenAI fields (top_p, n, ...) are accepted and
ignored, as a drop-in server must; shoal's own fields are ``documents``, ``strategy``,
``memory``, ``thread`` and a run's settings (``RunSettings``).

Every string is checked to be real Unicode text (JSON allows lone surrogates such as
``"\\ud800"``, which no database or tokenizer can store): a bad one is a 422 naming the
field, never a 500 later. Numbers have bounds, so no value can overflow a database column.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _unicode(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"not valid Unicode text (a lone surrogate at position {exc.start})"
        ) from None
    return value


Text = Annotated[str, AfterValidator(_unicode)]
INT_MAX = 2**31 - 1


class TextPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: Text = Field(max_length=100)
    text: Text | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: Text | list[TextPart] | None = None

    def text(self) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text or "" for p in self.content if p.type == "text")


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool = False


def _operation(value: str) -> str:
    from shoal.swarm.query import OPERATIONS

    if value != "auto" and value not in OPERATIONS:
        raise ValueError(f"unknown operation; use auto or one of {', '.join(OPERATIONS)}")
    return value


class RunSettings(BaseModel):
    """The knobs of ``shoal ask`` a client may turn per run, on POST /v1/runs and on a chat
    completion of a ``shoal`` model. Concurrency and timeouts stay the operator's (one
    tenant must not be able to starve the others), and an escalation model must be one
    the server serves, like any model."""

    operation: Annotated[Text, AfterValidator(_operation)] = Field(default="auto", max_length=20)
    """The plan's operation, or ``auto`` for the lead to choose (``shoal ask --operation``)."""
    min_confidence: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    """Abstain below this confidence (default ``confidence.ABSTAIN_BELOW``)."""
    escalation: Text | None = Field(default=None, min_length=1, max_length=500)
    """The stronger model that re-reads what the workers could not settle (default: the
    lead)."""
    escalation_tokens: int | None = Field(default=None, ge=0, le=10_000_000)
    """The re-reads' token budget (default: the run's own, by input size)."""
    read_together: int = Field(default=1, ge=1, le=16)
    """Short documents the stronger model re-reads per call (``--read-together``)."""
    rounds: int = Field(default=2, ge=1, le=5)
    """Rounds of worker jobs at most (``--rounds``)."""

    def options(self) -> dict[str, object]:
        """The ``Swarm`` keyword arguments this request sets (the escalation model apart:
        the server checks it is served before it becomes one)."""
        out: dict[str, object] = {"operation": self.operation, "max_rounds": self.rounds,
                                  "read_together": self.read_together}  # fmt: skip
        if self.min_confidence is not None:
            out["min_confidence"] = self.min_confidence
        if self.escalation_tokens is not None:
            out["escalation_tokens"] = self.escalation_tokens
        return out


class ChatRequest(RunSettings):
    model_config = ConfigDict(extra="allow")
    model: Text = Field(min_length=1, max_length=500)
    messages: list[ChatMessage] = Field(min_length=1, max_length=10_000)
    stream: bool = False
    stream_options: StreamOptions | None = None
    max_tokens: int | None = Field(default=None, ge=1, le=INT_MAX)
    max_completion_tokens: int | None = Field(default=None, ge=1, le=INT_MAX)
    temperature: float | None = Field(default=None, ge=0, le=2, allow_inf_nan=False)
    stop: Text | list[Annotated[Text, Field(max_length=500)]] | None = Field(
        default=None, max_length=500
    )
    user: Text | None = Field(default=None, min_length=1, max_length=200)
    documents: list[Annotated[Text, Field(max_length=100)]] = Field(
        default_factory=list, max_length=100
    )
    """shoal: ids from POST /v1/documents to read as the document."""
    strategy: Literal["swarm", "skim", "lead", "worker"] = "swarm"
    """shoal: for ``shoal`` models, how to answer (the swarm, or one model alone)."""
    memory: bool = False
    """shoal: with ``user`` and a plain model, the server keeps the conversation: only the
    last user message is read, the stored history is the prompt's (cached) prefix."""
    thread: Text = Field(default="default", min_length=1, max_length=200)


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text = Field(default="document", min_length=1, max_length=500)
    text: Text


class CodeIn(BaseModel):
    """POST /v1/code: a write-run-fix loop."""

    model_config = ConfigDict(extra="forbid")
    task: Text = Field(min_length=1, max_length=20_000)
    prompt: Text = Field(default="", max_length=200_000)
    """Code to complete (a signature and docstring); its examples are the tests if none."""
    tests: Text = Field(default="", max_length=200_000)
    draft: Text = Field(default="", max_length=200_000)
    """Code the client already has: run first, then fixed by the rounds."""
    entry_point: Text = Field(default="", max_length=200)
    model: Text | None = Field(default=None, max_length=500)
    rounds: int = Field(default=3, ge=1, le=10)
    candidates: int = Field(default=1, ge=1, le=8)
    sample_when: Literal["failure", "always"] = "failure"
    """Sample the extra candidates only after the greedy first draft failed, or always."""


class RunIn(RunSettings):
    """POST /v1/runs: a question over stored documents, answered in the background."""

    model_config = ConfigDict(extra="forbid")  # a misspelt setting is an error, not ignored
    question: Text = Field(min_length=1, max_length=20_000)
    documents: list[Annotated[Text, Field(max_length=100)]] = Field(min_length=1, max_length=100)
    model: Text = Field(default="shoal", min_length=1, max_length=500)
    strategy: Literal["swarm", "skim", "lead", "worker"] = "swarm"
