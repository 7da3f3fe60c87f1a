"""Start and stop local helper processes on 127.0.0.1 by PID: the shared model server of
`assistant serve --workers N`, and the servers tests and benchmarks need (benchmarks/local_servers.py).
Each waits until its process answers a ready URL and stops the whole process group on the way out."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(host: str, port: int) -> bool:
    """Whether another process is listening on host:port (checked the way uvicorn binds)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def answers(url: str) -> bool:
    """Whether url answers 200 now."""
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def announce_when_ready(ready_url: str, say, message: str, timeout: float = 600.0) -> None:
    """Print `message` once ready_url answers 200 (polled on a daemon thread); say nothing if the
    server never gets there (its own errors say why)."""
    def wait() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if answers(ready_url):
                say(message)
                return
            time.sleep(0.5)

    threading.Thread(target=wait, name="announce-ready", daemon=True).start()


def executable(name: str) -> str:
    """A console script of this environment (beside the interpreter), else from PATH."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else (shutil.which(name) or name)


@contextmanager
def local_process(command: list[str], ready_url: str, log_path: Path, timeout: float, env: dict | None = None,
                  die_with_parent: bool = False):
    """Run command (its own process group) until ready_url answers 200; stop the group after.
    With die_with_parent the kernel also stops it if this process is killed without cleaning up."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                               preexec_fn=_term_with_parent if die_with_parent else None)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {process.returncode}: {log_path.read_text()[-2000:]}")
            if answers(ready_url):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(command[:3])} did not answer {ready_url} within {timeout:.0f} s; "
                                   f"see {log_path}")
            time.sleep(0.2)
        yield process
    finally:
        stop_group(process)
        log.close()


def _term_with_parent() -> None:
    """In the child, before exec: SIGTERM when the parent dies (Linux prctl PR_SET_PDEATHSIG)."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the process group, then SIGKILL what is left."""
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
