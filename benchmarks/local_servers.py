"""Start and stop real servers on 127.0.0.1 for tests and benchmarks: `chroma run` and
`assistant serve`. Each waits until the server answers, and stops it (and its worker
processes) on the way out."""

from __future__ import annotations

import os
import shutil
import signal
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


def _executable(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else (shutil.which(name) or name)


@contextmanager
def local_process(command: list[str], ready_url: str, log_path: Path, timeout: float, env: dict | None = None):
    """Run command (its own process group) until ready_url answers 200; stop the group after."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {process.returncode}: {log_path.read_text()[-2000:]}")
            try:
                if httpx.get(ready_url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(command[:2])} did not answer {ready_url} within {timeout:.0f} s; "
                                   f"see {log_path}")
            time.sleep(0.2)
        yield process
    finally:
        _stop_group(process)
        log.close()


def _stop_group(process: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def chroma_server(path: Path, timeout: float = 60.0, port: int | None = None):
    """A `chroma run` server over `path`; pass the port of an earlier one to restart it in place.
    Yields (host, port)."""
    port = port or free_port()
    command = [_executable("chroma"), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    with local_process(command, f"http://127.0.0.1:{port}/api/v2/heartbeat", path.parent / f"chroma-{port}.log",
                       timeout):
        yield "127.0.0.1", port


@contextmanager
def assistant_server(env: dict, log_path: Path, *options: str, timeout: float = 180.0):
    """`assistant serve` with these environment variables and options, once /readyz says ready.
    Yields (base url, process)."""
    port = free_port()
    command = [_executable("assistant"), "serve", "--host", "127.0.0.1", "--port", str(port), *options]
    url = f"http://127.0.0.1:{port}"
    with local_process(command, f"{url}/readyz", log_path, timeout, env) as process:
        yield url, process
