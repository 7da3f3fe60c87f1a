"""Splits a question set into dev and test halves with a fixed seed, stratified by how the
questions were written (the id's letter: g = drawn paragraph, s = staff style, u = unanswerable)
and by report, so both halves hold the same mix. `python -m evals.split_questions SOURCE [SUFFIX]` writes
questions_dev{SUFFIX}.jsonl and questions_test{SUFFIX}.jsonl beside the other eval data (the second
set has no suffix, the third set "2").

The test half is frozen (see evals/README.md): nothing is tuned on it, and it is never rewritten
once a build has been measured on it."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from evals.runner import DATA, load_jsonl

SEED = 20261201


def stratum(row: dict) -> tuple[str, str]:
    report = row["gold"][0].split("#")[0] if row["gold"] else ""
    return row["id"][0], report


def split(rows: list[dict], seed: int = SEED) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        groups.setdefault(stratum(row), []).append(row)
    dev, test = [], []
    for key in sorted(groups):
        group = groups[key]
        rng.shuffle(group)
        half = len(group) // 2
        dev += group[:half]
        test += group[half:]
    return sorted(dev, key=lambda r: r["id"]), sorted(test, key=lambda r: r["id"])


def write(rows: list[dict], path: Path) -> None:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def main(source: str, suffix: str = "") -> None:
    dev, test = split(load_jsonl(Path(source), ("id", "kind", "question", "gold", "key_terms")))
    write(dev, DATA / f"questions_dev{suffix}.jsonl")
    write(test, DATA / f"questions_test{suffix}.jsonl")
    print(f"dev {len(dev)}, test {len(test)}")


if __name__ == "__main__":
    main(*sys.argv[1:])
