"""Request bodies the API accepts. Unknown OpenAI fields (top_p, n, ...) are accepted and
ignored, as a drop-in server must; shoal's own fields are ``documents`` and ``strategy``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TextPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[TextPart] | None = None

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
    model: str = Field(min_length=1, max_length=500)
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0, le=2)
    stop: str | list[str] | None = None
    user: str | None = None
    documents: list[str] = Field(default_factory=list, max_length=100)
    """shoal: ids from POST /v1/documents to read as the document."""
    strategy: Literal["swarm", "lead", "worker"] = "swarm"
    """shoal: for ``shoal`` models, how to answer (the swarm, or one model alone)."""
    memory: bool = False
    """shoal: with ``user`` and a plain model, the server keeps the conversation: only the
    last user message is read, the stored history is the prompt's (cached) prefix."""
    thread: str = Field(default="default", min_length=1, max_length=200)


class DocumentIn(BaseModel):
    name: str = Field(default="document", min_length=1, max_length=500)
    text: str


class RunIn(BaseModel):
    question: str = Field(min_length=1, max_length=20_000)
    documents: list[str] = Field(min_length=1, max_length=100)
    model: str = "shoal"
    strategy: Literal["swarm", "lead", "worker"] = "swarm"
