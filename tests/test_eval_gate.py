"""CI runs the eval with the extractive engine and fails below the gates in evals/gates.json
(measured figures less a small margin; citation validity must be 100%)."""

from __future__ import annotations

import json

import pytest

from evals.runner import GATES, check_gates, eval_table, run_eval

pytestmark = pytest.mark.slow


def test_eval_meets_its_gates(real_service):
    result = run_eval(real_service, engine="extractive", with_baseline=False)
    gates = json.loads(GATES.read_text())["minimum"]
    assert gates["citation_validity"] == 1.0
    assert result["citations_checked"] > 100 and result["drafting"]["cases"] >= 30
    assert check_gates(result) == [], result["misses"]
    assert eval_table(result).row_count > 20


def test_an_eval_without_the_drafting_cases_cannot_pass_the_drafting_gate(real_service):
    from rich.console import Console

    from evals.runner import question_set

    result = run_eval(real_service, engine="extractive", with_baseline=False, questions_path=question_set("dev"),
                      drafting_path=None)
    assert result["drafting"] is None and result["questions"] > 20
    assert "precedent_recall@5 was not measured" in check_gates(result)
    console = Console(width=200, record=True, file=open("/dev/null", "w"))
    console.print(eval_table(result))
    text = console.export_text()
    assert "no drafting cases" in text and "drafting precedent" not in text and "key-term coverage" in text
