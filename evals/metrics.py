"""Retrieval metrics over ranked citation ids and a set of gold ids."""

from __future__ import annotations

from typing import Iterable, Sequence


def hit_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> float:
    """1.0 when any gold id is among the first k ranked ids, else 0.0."""
    gold = set(gold)
    return 1.0 if any(item in gold for item in ranked[:k]) else 0.0


def reciprocal_rank(ranked: Sequence[str], gold: Iterable[str], cutoff: int = 10) -> float:
    """1/rank of the first gold id within the cutoff, else 0.0."""
    gold = set(gold)
    for rank, item in enumerate(ranked[:cutoff], start=1):
        if item in gold:
            return 1.0 / rank
    return 0.0


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0
