"""The vectorstore layer's own errors. The assistant maps them to exit codes and HTTP statuses
at the edge (assistant/errors.py)."""

from __future__ import annotations


class StoreError(Exception):
    """Base class for every error the vectorstore layer raises on purpose."""


class StoreUnavailableError(StoreError):
    """The vector store cannot be reached (for example the Chroma server is down)."""


class StoreBusyError(StoreError):
    """Another process owns the embedded store (see store_owner.py)."""


class StoreFullError(StoreError):
    """The disk holding the store is full: the write did not happen (the active versions stand)."""


class RecordNotFoundError(StoreError):
    """A report or paragraph id that is not in the store."""


class EmbeddingSetupError(StoreError):
    """The embedding model cannot be loaded as configured (a missing folder or package)."""


class UnknownProviderError(StoreError):
    """A provider name (embeddings, store, LLM engine) is not registered."""

    def __init__(self, kind: str, name: str, known: list[str]):
        self.kind, self.name, self.known = kind, name, known
        super().__init__(
            f"unknown {kind} provider {name!r}; registered {kind} providers: {', '.join(sorted(known))}"
        )
