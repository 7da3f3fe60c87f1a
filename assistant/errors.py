"""Core errors. Each says what went wrong and what to do; the CLI and the API map them
to exit codes and HTTP status codes at the edge."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class for every error the core raises on purpose."""


class ConfigurationError(AssistantError):
    """A setting is missing or inconsistent."""


class UnknownProviderError(AssistantError):
    """A provider name (embeddings, store, LLM) is not registered."""

    def __init__(self, kind: str, name: str, known: list[str]):
        self.kind, self.name, self.known = kind, name, known
        super().__init__(
            f"unknown {kind} provider {name!r}; registered {kind} providers: {', '.join(sorted(known))}"
        )


class IngestError(AssistantError):
    """A file could not be ingested. Names the file and the reason."""

    def __init__(self, path: str, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason}")


class InvalidInputError(AssistantError, ValueError):
    """A question, observation, filter or option the core cannot accept. Names the field and limit."""


class NotFoundError(AssistantError):
    """A report or paragraph id that is not in the store."""


class StoreUnavailableError(AssistantError):
    """The vector store cannot be reached (for example the Chroma server is down)."""


class LLMError(AssistantError):
    """The configured LLM endpoint failed or could not be reached."""
