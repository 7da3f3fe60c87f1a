"""Paragraphs drawn with a fixed seed, for writing questions by a method other than the one the
first eval set was written with: one question per drawn paragraph, written without that
paragraph's key words. `python -m evals.sample_paragraphs [--seed S] [--n N] [REPORTS_DIR]`
prints the drawn paragraphs (to read, never to copy into the repo).

The draw is stratified: the same number from each report, in proportion to the kinds of paragraph
staff ask about (findings most, then recommendations, the front matter and context)."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from evals.check_data import DATA, QUESTION_FILES, load_paragraphs, read_jsonl
from ingest.models import Paragraph

SEED = 20261201
ASKED_KINDS = ("finding", "recommendation", "front", "context", "summary", "told-us", "case-example")
MIN_WORDS = 25  # a heading or a one-line pointer gives no question worth asking


def draw(paragraphs: dict[str, Paragraph], n: int, seed: int = SEED, exclude: set[str] = frozenset()) -> list[Paragraph]:
    """n paragraphs, n / reports from each report, drawn with `seed` from the asked kinds, leaving
    out the citation ids in `exclude`."""
    rng = random.Random(seed)
    by_report: dict[str, list[Paragraph]] = {}
    for paragraph in paragraphs.values():
        if (paragraph.kind in ASKED_KINDS and len(paragraph.text.split()) >= MIN_WORDS
                and paragraph.citation_id not in exclude):
            by_report.setdefault(paragraph.report_id, []).append(paragraph)
    per_report = max(1, n // max(1, len(by_report)))
    drawn = []
    for report_id in sorted(by_report):
        pool = sorted(by_report[report_id], key=lambda p: p.citation_id)
        drawn += rng.sample(pool, min(per_report, len(pool)))
    return drawn


def gold_ids() -> set[str]:
    """Every gold citation id of the question files."""
    return {cid for name in QUESTION_FILES for row in read_jsonl(DATA / name) for cid in row["gold"]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("reports", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared" / "reports"))
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--unused", action="store_true",
                        help="leave out paragraphs that are already gold in a question file (a new set covers new ground)")
    args = parser.parse_args(argv)
    exclude = gold_ids() if args.unused else set()
    for paragraph in draw(load_paragraphs(Path(args.reports)), args.n, args.seed, exclude):
        print(f"== {paragraph.citation_id} [{paragraph.kind}] {paragraph.section}\n{paragraph.text}\n")


if __name__ == "__main__":
    main()
