"""The performance targets (issue: benchmarks) and how each is read off the results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Target:
    name: str
    limit: float
    unit: str
    measure: Callable[[dict], float | None]
    at_least: bool = False  # the figure must reach the limit rather than stay under it

    def check(self, results: dict) -> dict | None:
        try:
            measured = self.measure(results)
        except KeyError:  # that part was not run
            measured = None
        if measured is None:
            return None
        met = measured >= self.limit if self.at_least else measured <= self.limit
        return {"name": self.name, "measured": f"{measured:g}{self.unit}",
                "target": f"{'>=' if self.at_least else '<='} {self.limit:g}{self.unit}",
                "value": measured, "limit": self.limit, "met": met}


def _scaled_p95(results: dict) -> float | None:
    scaled = results.get("scaled") or []
    return max(s["search"]["p95_ms"] for s in scaled) if scaled else None


def _scaled_compare_p95(results: dict) -> float | None:
    scaled = results.get("scaled") or []
    return max(s["compare_one_theme"]["p95_ms"] for s in scaled) / 1000 if scaled else None


TARGETS = [
    Target("search p50 / one-query embedding p50", 1.5, "x", lambda r: r["queries"]["search_to_floor_p50"]),
    Target("extractive ask p95 (two reports)", 150, " ms", lambda r: r["queries"]["ask_extractive"]["p95_ms"]),
    Target("100x-corpus search p95 (worst backend)", 200, " ms", _scaled_p95),
    Target("compare, one theme, two reports, extractive p95", 250, " ms",
           lambda r: r["queries"]["compare_one_theme"]["p95_ms"]),
    Target("compare, one theme, 200 reports (100x), extractive p95", 5, " s", _scaled_compare_p95),
    Target("ingest time beyond embedding / embedding time", 0.15, "",
           lambda r: r["ingest"]["beyond_embedding_share"]),
    Target("unchanged re-ingest", 2, " s", lambda r: r["ingest"]["reingest_unchanged_s"]),
    Target("serving peak RSS", 1536, " MB", lambda r: r["serving"]["peak_rss_mb"]),
    Target("load-test errors", 0, "", lambda r: r["serving"]["load"]["errors"]),
    Target("local model: ask first token p50", 4, " s", lambda r: r["local"]["ask_first_token"]["p50_s"]),
    Target("local model: ask full answer p50", 15, " s", lambda r: r["local"]["ask_total"]["p50_s"]),
    Target("local model: engine decode rate / raw llama-cpp", 0.9, "x", lambda r: r["local"]["decode_ratio"], at_least=True),
]


def check_targets(results: dict) -> list[dict]:
    return [checked for target in TARGETS if (checked := target.check(results)) is not None]
