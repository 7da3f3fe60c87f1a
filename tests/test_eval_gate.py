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
