"""The eval data, checked by script against the report text (evals/check_data.py)."""

from __future__ import annotations

from collections import Counter

from evals.check_data import (DATA, DRAFTING_FILES, QUESTION_FILES, QUESTION_SET_FILES, check_drafting_cases,
                               check_questions, load_paragraphs, read_jsonl, shared_run)
from evals.runner import DRAFTING_CASES, QUESTIONS
from tests.conftest import REPORTS_DIR


def test_questions_and_drafting_cases_match_the_reports():
    paragraphs = load_paragraphs(REPORTS_DIR)
    questions, cases = read_jsonl(QUESTIONS), read_jsonl(DRAFTING_CASES)
    assert check_questions(questions, paragraphs) == []
    assert check_drafting_cases(cases, paragraphs) == []
    kinds = Counter(q["kind"] for q in questions)
    assert len(questions) >= 100 and kinds["unanswerable"] >= 12
    assert {"finding", "recommendation", "front", "context", "cross-report", "follow-up"} <= set(kinds)
    assert len(cases) >= 30 and all(c["recommendations"] for c in cases)


def test_the_checks_catch_copied_wording_wrong_ids_and_missing_terms():
    paragraphs = load_paragraphs(REPORTS_DIR)
    text = paragraphs["sefton-2018#1.3"].text
    copied = " ".join(text.split()[:7])
    assert shared_run(copied, text) is not None and shared_run("home visits before birth", text) is None
    problems = check_questions([
        {"id": "x1", "kind": "finding", "question": copied, "gold": ["sefton-2018#1.3"], "key_terms": ["home"]},
        {"id": "x2", "kind": "finding", "question": "Made up?", "gold": ["sefton-2018#9.9"], "key_terms": ["x"]},
        {"id": "x3", "kind": "finding", "question": "Visits?", "gold": ["sefton-2018#1.3"], "key_terms": ["zebra"]},
    ], paragraphs)
    assert any(p.startswith("x1: shares") for p in problems)
    assert "x2: gold id sefton-2018#9.9 is not a paragraph of the reports" in problems
    assert "x3: key term 'zebra' is in none of its gold paragraphs" in problems


def test_every_question_set_matches_the_reports_and_its_splits_do_not_overlap():
    paragraphs = load_paragraphs(REPORTS_DIR)
    sets = {name: read_jsonl(DATA / name) for name in QUESTION_FILES}
    for name, rows in sets.items():
        assert check_questions(rows, paragraphs) == [], name
    splits = [(QUESTION_SET_FILES["dev" + name[4:]], file) for name, file in QUESTION_SET_FILES.items()
              if name.startswith("test")]
    assert len(splits) >= 7  # test, test2, ... test7, each beside its dev half
    for dev, test in splits:
        assert not {q["question"] for q in sets[dev]} & {q["question"] for q in sets[test]}
        assert sum(1 for q in sets[test] if q["kind"] == "unanswerable") >= 4


def test_both_drafting_sets_match_the_reports_and_do_not_share_an_observation():
    paragraphs = load_paragraphs(REPORTS_DIR)
    sets = [read_jsonl(DATA / name) for name in DRAFTING_FILES]
    for cases in sets:
        assert check_drafting_cases(cases, paragraphs) == []
    assert not {c["observation"] for c in sets[0]} & {c["observation"] for c in sets[1]}
    assert len(sets[1]) >= 20
