"""Request bodies the API accepts. Unknown OpenAI fields (top_p, n, ...) are accepted and
ignored, as a drop-in server must; shoal's own fields are ``documents``, ``strategy``,
``memory`` and ``thread``.

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


class ChatRequest(BaseModel):
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


class RunIn(BaseModel):
    question: Text = Field(min_length=1, max_length=20_000)
    documents: list[Annotated[Text, Field(max_length=100)]] = Field(min_length=1, max_length=100)
    model: Text = Field(default="shoal", min_length=1, max_length=500)
    strategy: Literal["swarm", "skim", "lead", "worker"] = "swarm"
