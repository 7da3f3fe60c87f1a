"""Latency summaries and the peak memory of a process."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, Iterable

import numpy as np


def summarize_ms(seconds: Iterable[float]) -> dict[str, float]:
    """p50/p95/p99/mean in milliseconds, and the count."""
    values = np.asarray(list(seconds), dtype=float) * 1000
    if values.size == 0:
        return {"n": 0}
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return {"n": int(values.size), "p50_ms": round(float(p50), 2), "p95_ms": round(float(p95), 2),
            "p99_ms": round(float(p99), 2), "mean_ms": round(float(values.mean()), 2)}


def time_each(call: Callable, inputs: Iterable) -> list[float]:
    """Seconds per call, one call per input, in order."""
    durations = []
    for item in inputs:
        started = time.perf_counter()
        call(item)
        durations.append(time.perf_counter() - started)
    return durations


def _status_mb(pid: int | str, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def peak_rss_mb(pid: int | str = "self") -> float:
    """The process's peak resident set (VmHWM) in MiB, from /proc."""
    return _status_mb(pid, "VmHWM")


def rss_mb(pid: int | str = "self") -> float:
    """The process's resident set now (VmRSS) in MiB."""
    return _status_mb(pid, "VmRSS")
