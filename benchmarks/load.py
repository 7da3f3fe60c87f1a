"""A bounded load test: N concurrent clients for T seconds over search and ask, on 127.0.0.1.

Each client is a thread with its own HTTP connection that sends requests back to back,
alternating search and ask over the eval questions. Every non-200 answer or transport error
counts as an error."""

from __future__ import annotations

import itertools
import threading
import time
from collections import defaultdict
from urllib.parse import urlparse

import httpx

from benchmarks.timing import summarize_ms


def _request_cycle(questions: list[str]):
    for index, question in enumerate(itertools.cycle(questions)):
        if index % 2 == 0:
            yield "search", "/v1/search", {"query": question, "k": 5}
        else:
            yield "ask", "/v1/ask", {"question": question}


def run_load(base_url: str, questions: list[str], clients: int = 20, seconds: float = 60.0,
             headers: dict | None = None) -> dict:
    host = urlparse(base_url).hostname
    if host not in ("127.0.0.1", "localhost"):
        raise ValueError(f"the load test only targets 127.0.0.1, not {host!r}")
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        rotated = questions[offset % len(questions):] + questions[:offset % len(questions)]
        with httpx.Client(base_url=base_url, timeout=120, headers=headers) as http:
            for kind, path, body in _request_cycle(rotated):
                if time.monotonic() >= deadline:
                    return
                started = time.perf_counter()
                try:
                    response = http.post(path, json=body)
                    failure = None if response.status_code == 200 else f"{kind} {response.status_code}: {response.text[:200]}"
                except httpx.HTTPError as exc:
                    failure = f"{kind} {type(exc).__name__}: {exc}"
                elapsed = time.perf_counter() - started
                with lock:
                    latencies[kind].append(elapsed)
                    if failure:
                        errors.append(failure)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n * 7,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    total = sum(len(v) for v in latencies.values())
    return {
        "clients": clients, "seconds": round(wall, 1), "requests": total, "errors": len(errors),
        "error_samples": errors[:5], "throughput_rps": round(total / wall, 2),
        "all": summarize_ms(itertools.chain.from_iterable(latencies.values())),
        **{kind: summarize_ms(values) for kind, values in sorted(latencies.items())},
    }
