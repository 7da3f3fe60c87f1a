"""One process at a time owns the embedded store (a PersistentClient under the data dir): Chroma's
embedded mode is for one process, and a CLI ingest beside a running server left the server's
reads failing ("Error finding id") until restart. The owner holds an exclusive lock on a file in
the store's folder; the kernel releases it when the process ends, however it ends."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Iterator

from vectorstore.errors import StoreBusyError


def owner_lock_path(data_dir: Path) -> Path:
    return Path(data_dir) / "chroma" / "owner.lock"


@contextmanager
def embedded_store_owner(data_dir: Path, role: str) -> Iterator[None]:
    """Own the embedded store while the block runs; StoreBusyError names the current owner."""
    path = owner_lock_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        owner = handle.read().strip() or "another process"
        handle.close()
        raise StoreBusyError(
            f"the embedded store at {path.parent} is in use by {owner}. Send the work to it (for a running "
            "server: POST /v1/reports or the UI's Reports tab), or stop it first; several processes need a "
            "Chroma server (ASSISTANT_CHROMA_HOST)") from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"{role} (pid {os.getpid()})")
        handle.flush()
        yield
    finally:
        handle.truncate(0)
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def store_owner(settings, role: str):
    """The owner lock for an embedded store; nothing to hold for a Chroma server."""
    if settings.store.chroma_host:
        return nullcontext()
    return embedded_store_owner(settings.data_dir, role)
