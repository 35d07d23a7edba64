"""Typed errors. Every failure a user can cause or meet has a class and a clear message."""

from __future__ import annotations


class ShoalError(Exception):
    """Base class: the CLI prints these as one clean line instead of a traceback."""


class UnknownModelError(ShoalError):
    def __reduce__(self) -> tuple[object, ...]:
        return (UnknownModelError, (self.spec, self.available))

    def __init__(self, spec: str, available: list[str]):
        self.spec = spec
        self.available = available
        super().__init__(
            f"unknown model {spec!r}. Available: {', '.join(available)}; "
            "or openai:MODEL, openai-compat:BASE_URL#MODEL, scripted:NAME"
        )


class ModelNotReadyError(ShoalError):
    """The model's weights are not on disk yet (run `shoal models prepare NAME`)."""


class ChatUnsupportedError(ShoalError):
    """A completion-only (base) model was asked to chat."""


class ContextOverflowError(ShoalError):
    def __reduce__(self) -> tuple[object, ...]:
        return (ContextOverflowError, (self.model, self.tokens, self.window))

    def __init__(self, model: str, tokens: int, window: int):
        self.model, self.tokens, self.window = model, tokens, window
        super().__init__(
            f"prompt is {tokens} tokens but {model} has a {window}-token window "
            "(including room for the reply); shorten it or use `shoal ask`, which splits "
            "long input across workers"
        )


class BackendUnavailableError(ShoalError):
    """The model server could not be reached or died mid-call."""


class ModelCallError(ShoalError):
    """A backend failed a call for a reason other than being unreachable."""


class ModelTimeoutError(ModelCallError):
    """A call took longer than its deadline."""


class StructuredOutputError(ShoalError):
    """The model never produced JSON valid against the schema within the allowed attempts."""

    def __init__(self, message: str, last_text: str, attempts: int):
        self.last_text = last_text
        self.attempts = attempts
        super().__init__(message)

    def __reduce__(self) -> tuple[object, ...]:
        return (StructuredOutputError, (str(self), self.last_text, self.attempts))


class InputError(ShoalError):
    """Unreadable, binary or malformed input."""


class IntegrityError(ShoalError):
    """A downloaded or cached file did not match its pinned checksum."""


class StoreError(ShoalError):
    """The database could not be opened or written."""


class DiskFullError(StoreError):
    """A write failed because the disk (or the database's quota) is full. Work done before it
    is kept; the run can be resumed once there is room."""


class RunBusyError(ShoalError):
    """Another live process holds the run (its lease has not expired)."""


class DispatchAborted(ShoalError):
    """A backend stayed unreachable; finished jobs are kept and the run can be resumed."""


class APIError(ShoalError):
    """An error the HTTP API answers with: a status code and OpenAI's error fields.
    Raised by the server's handlers; ``server/errors.py`` turns it into a response."""

    def __init__(
        self, status: int, message: str, code: str | None = None, param: str | None = None
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param

    def __reduce__(self) -> tuple[object, ...]:
        return (APIError, (self.status, self.message, self.code, self.param))
