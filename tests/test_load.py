"""A bounded load test against a real uvicorn server on 127.0.0.1: 20 concurrent clients over
search and ask. CI runs it for a short while and asserts there are no errors; `make bench` runs
the 60-second version and reports throughput and p95."""

from __future__ import annotations

import pytest

from assistant.api.app import create_app
from benchmarks.load import run_load
from evals.runner import QUESTIONS, load_jsonl
from tests.live_server import live_server


def test_twenty_concurrent_clients_get_no_errors(real_service):
    questions = [q["question"] for q in load_jsonl(QUESTIONS, ("question",))]
    with live_server(create_app(real_service)) as url:
        result = run_load(url, questions, clients=20, seconds=8)
    assert result["errors"] == 0, result["error_samples"]
    assert result["ask"]["n"] >= 10 and result["search"]["n"] >= 10  # every client got requests through
    assert result["requests"] >= 20


def test_the_load_generator_refuses_other_addresses():
    with pytest.raises(ValueError, match="127.0.0.1"):
        run_load("http://example.org", ["q"], clients=1, seconds=1)
