"""Checks the eval data against the report text, by script: every gold id exists, every key
term is in a gold paragraph, and no question or observation copies its gold paragraph's wording
(no 5-word run in common); comparison cases likewise, with verdicts in the gold paragraphs. `python -m evals.check_data [REPORTS_DIR]` prints any problem."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from ingest.models import Paragraph
from ingest.parser import parse_report
from ingest.sources import load_source

DATA = Path(__file__).resolve().parent / "data"
RUN = 5
# Every eval file, by the name `assistant eval --questions` / `--drafting-cases` knows it by.
QUESTION_SET_FILES = {"main": "questions.jsonl", "dev": "questions_dev.jsonl", "test": "questions_test.jsonl",
                      "dev2": "questions_dev2.jsonl", "test2": "questions_test2.jsonl",
                      "dev3": "questions_dev3.jsonl", "test3": "questions_test3.jsonl",
                      "dev4": "questions_dev4.jsonl", "test4": "questions_test4.jsonl",
                      "dev5": "questions_dev5.jsonl", "test5": "questions_test5.jsonl",
                      "dev6": "questions_dev6.jsonl", "test6": "questions_test6.jsonl",
                      "dev7": "questions_dev7.jsonl", "test7": "questions_test7.jsonl"}
# The first drafting set (tuned on) and a held-out one written 2026-12-04, frozen.
DRAFTING_SET_FILES = {"main": "drafting_cases.jsonl", "test": "drafting_cases_test.jsonl"}
QUESTION_FILES = tuple(QUESTION_SET_FILES.values())
DRAFTING_FILES = tuple(DRAFTING_SET_FILES.values())


def load_paragraphs(reports_dir: Path) -> dict[str, Paragraph]:
    paragraphs: dict[str, Paragraph] = {}
    for path in sorted(Path(reports_dir).glob("*.txt")):
        for paragraph in parse_report(load_source(path)).paragraphs:
            paragraphs[paragraph.citation_id] = paragraph
    return paragraphs


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9%']+", text.lower().replace("\u2019", "'"))


def shared_run(a: str, b: str, size: int = RUN) -> str | None:
    """A run of `size` words found in both texts, if any."""
    runs = {tuple(w[i:i + size]) for w in [_words(b)] for i in range(len(w) - size + 1)}
    words = _words(a)
    for i in range(len(words) - size + 1):
        if tuple(words[i:i + size]) in runs:
            return " ".join(words[i:i + size])
    return None


def check_questions(rows: list[dict], paragraphs: dict[str, Paragraph]) -> list[str]:
    problems, seen = [], set()
    for row in rows:
        qid = row.get("id")
        if qid in seen:
            problems.append(f"{qid}: duplicate id")
        seen.add(qid)
        gold, terms = row.get("gold", []), row.get("key_terms", [])
        if row.get("kind") == "unanswerable":
            if gold or terms:
                problems.append(f"{qid}: an unanswerable question has gold ids or key terms")
            continue
        if not gold or not 1 <= len(terms) <= 3:
            problems.append(f"{qid}: needs gold ids and 1-3 key terms")
        if row.get("kind") == "follow-up" and not row.get("history"):
            problems.append(f"{qid}: a follow-up needs the earlier question(s) in history")
        for cid in gold:
            if cid not in paragraphs:
                problems.append(f"{qid}: gold id {cid} is not a paragraph of the reports")
            elif (run := shared_run(row["question"], paragraphs[cid].text)):
                problems.append(f"{qid}: shares '{run}' with {cid}")
        texts = " ".join(paragraphs[c].text for c in gold if c in paragraphs).lower()
        for term in terms:
            if term.lower() not in texts:
                problems.append(f"{qid}: key term {term!r} is in none of its gold paragraphs")
    return problems


def check_drafting_cases(cases: list[dict], paragraphs: dict[str, Paragraph]) -> list[str]:
    problems = []
    for case in cases:
        cid = case.get("id")
        for pid in case.get("expected", []):
            paragraph = paragraphs.get(pid)
            if paragraph is None:
                problems.append(f"{cid}: precedent {pid} is not a paragraph of the reports")
                continue
            if paragraph.kind != "finding" or not paragraph.recommendations:
                problems.append(f"{cid}: precedent {pid} is not a finding that led to a recommendation")
            if pid.split("#")[0] == case.get("exclude_report"):
                problems.append(f"{cid}: precedent {pid} is in the excluded report")
            if (run := shared_run(case["observation"], paragraph.text)):
                problems.append(f"{cid}: shares '{run}' with {pid}")
        linked = {rec for pid in case.get("expected", []) if pid in paragraphs for rec in paragraphs[pid].recommendations}
        for rec in case.get("recommendations", []):
            if rec not in linked:
                problems.append(f"{cid}: recommendation {rec} is not linked from its precedents")
    return problems


def check_comparison_cases(cases: list[dict], paragraphs: dict[str, Paragraph]) -> list[str]:
    """Every row's gold ids are findings of that row's report, every verdict (a figure or a
    judgement the report states) is in one of them, and no theme copies a gold paragraph."""
    problems = [] if len(cases) >= 15 else [f"comparison cases: {len(cases)} themes; at least 15 are needed"]
    for case in cases:
        cid = case.get("id")
        if case.get("split") not in ("dev", "test"):
            problems.append(f"{cid}: split must be dev or test")
        for report_id, row in case.get("rows", {}).items():
            gold = [paragraphs.get(g) for g in row.get("gold", [])]
            if not gold or not row.get("verdict"):
                problems.append(f"{cid}: {report_id} needs gold ids and at least one verdict")
            for gid, paragraph in zip(row.get("gold", []), gold):
                if paragraph is None or paragraph.kind != "finding" or paragraph.report_id != report_id:
                    problems.append(f"{cid}: gold {gid} is not a finding of {report_id}")
                elif (run := shared_run(case["theme"], paragraph.text)):
                    problems.append(f"{cid}: theme shares '{run}' with {gid}")
            texts = " ".join(p.text for p in gold if p is not None).lower()
            for verdict in row.get("verdict", []):
                if verdict.lower() not in texts:
                    problems.append(f"{cid}: verdict {verdict!r} is in none of {report_id}'s gold paragraphs")
    return problems


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def main(reports_dir: str = "../shared/reports") -> int:
    paragraphs = load_paragraphs(Path(reports_dir))
    problems = [p for name in QUESTION_FILES for p in check_questions(read_jsonl(DATA / name), paragraphs)]
    for name in DRAFTING_FILES:
        problems += check_drafting_cases(read_jsonl(DATA / name), paragraphs)
    problems += check_comparison_cases(read_jsonl(DATA / "comparison_cases.jsonl"), paragraphs)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
