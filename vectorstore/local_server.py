"""Start and stop a real `chroma run` server on 127.0.0.1 (tests, benchmarks)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chroma_executable() -> str:
    candidate = Path(sys.executable).parent / "chroma"
    return str(candidate) if candidate.exists() else (shutil.which("chroma") or "chroma")


@contextmanager
def chroma_server(path: Path, timeout: float = 60.0, port: int | None = None):
    """A `chroma run` server over `path`; pass the port of an earlier one to restart it in place."""
    port = port or free_port()
    path.parent.mkdir(parents=True, exist_ok=True)
    log = open(path.parent / f"chroma-{port}.log", "w")
    process = subprocess.Popen([chroma_executable(), "run", "--path", str(path), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"chroma run exited with {process.returncode}; see {log.name}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"chroma run did not answer on 127.0.0.1:{port} within {timeout}s")
            time.sleep(0.2)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
