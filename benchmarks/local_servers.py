"""Start and stop real servers on 127.0.0.1 for tests and benchmarks: `chroma run` and
`assistant serve`. Each waits until the server answers, and stops it (and its worker
processes) on the way out (assistant/processes.py)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from assistant.processes import executable, free_port, local_process

__all__ = ["assistant_server", "chroma_server", "free_port", "local_process"]


@contextmanager
def chroma_server(path: Path, timeout: float = 60.0, port: int | None = None):
    """A `chroma run` server over `path`; pass the port of an earlier one to restart it in place.
    Yields (host, port)."""
    port = port or free_port()
    command = [executable("chroma"), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    with local_process(command, f"http://127.0.0.1:{port}/api/v2/heartbeat", path.parent / f"chroma-{port}.log",
                       timeout):
        yield "127.0.0.1", port


@contextmanager
def assistant_server(env: dict, log_path: Path, *options: str, timeout: float = 180.0):
    """`assistant serve` with these environment variables and options, once /readyz says ready.
    Yields (base url, process)."""
    port = free_port()
    command = [executable("assistant"), "serve", "--host", "127.0.0.1", "--port", str(port), *options]
    url = f"http://127.0.0.1:{port}"
    with local_process(command, f"{url}/readyz", log_path, timeout, env) as process:
        yield url, process
