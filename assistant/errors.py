"""Core errors, and the one map from every layer's errors to exit codes and HTTP statuses.

Each layer owns its errors (ingest.errors, vectorstore.errors, these for the core); each says
what went wrong and what to do. Only the edge (CLI, API, UI) turns them into exit codes and
status codes, through `exit_code` and `http_status` below.
"""

from __future__ import annotations

from ingest.errors import IngestError
from vectorstore.errors import (
    EmbeddingSetupError,
    RecordNotFoundError,
    StoreBusyError,
    StoreError,
    StoreFullError,
    StoreUnavailableError,
    UnknownProviderError,
)


class AssistantError(Exception):
    """Base class for every error the core raises on purpose."""


class ConfigurationError(AssistantError):
    """A setting is missing or inconsistent."""


class InvalidInputError(AssistantError, ValueError):
    """A question, observation, filter or option the core cannot accept. Names the field and limit."""


class NotFoundError(AssistantError):
    """A report or paragraph id that is not in the store."""


class LLMError(AssistantError):
    """The configured LLM endpoint failed or could not be reached."""


class ConversationStoreError(AssistantError):
    """The conversations database could not be read or written (disk full, locked, damaged)."""


class EngineBusyError(AssistantError):
    """The local model has as many requests waiting as it may; says when to try again."""

    def __init__(self, message: str, retry_after: int):
        self.retry_after = retry_after
        super().__init__(message)


# Every error any layer raises on purpose: what an edge catches and reports (never a traceback).
SERVICE_ERRORS = (AssistantError, IngestError, StoreError)
NOT_FOUND_ERRORS = (NotFoundError, RecordNotFoundError)

# (error class, CLI exit code, HTTP status, problem title): the first matching row wins.
_EDGE = [
    (InvalidInputError, 2, 422, "Invalid input"),
    (UnknownProviderError, 2, 422, "Unknown provider"),
    (NotFoundError, 1, 404, "Not found"),
    (RecordNotFoundError, 1, 404, "Not found"),
    (LLMError, 3, 502, "The LLM endpoint failed"),
    (EngineBusyError, 3, 503, "The local model is busy"),
    (StoreUnavailableError, 1, 503, "The store is unavailable"),
    (StoreFullError, 1, 507, "The store's disk is full"),
    (StoreBusyError, 2, 409, "The store is in use by another process"),
    (ConfigurationError, 2, 503, "The service is not configured for this"),
    (ConversationStoreError, 1, 503, "Conversations cannot be stored"),
    (EmbeddingSetupError, 2, 503, "The service is not configured for this"),
]


def _row(exc: BaseException):
    for row in _EDGE:
        if isinstance(exc, row[0]):
            return row
    return None


def exit_code(exc: BaseException) -> int:
    """The CLI exit code: 1 not found or failed, 2 bad input or configuration, 3 the LLM failed."""
    row = _row(exc)
    return row[1] if row else 1


def http_status(exc: BaseException) -> tuple[int, str]:
    """The HTTP status and problem title for an error raised on purpose."""
    row = _row(exc)
    return (row[2], row[3]) if row else (400, "Bad request")
