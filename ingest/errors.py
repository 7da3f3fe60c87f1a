"""The ingest layer's own error: a file that cannot become a report."""

from __future__ import annotations


class IngestError(Exception):
    """A file could not be ingested. Names the file and the reason."""

    def __init__(self, path: str, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason}")
