"""Staff feedback: stored, checked, listed, and turned into eval cases that the eval runner reads."""

from __future__ import annotations

import json

import httpx
import pytest

from assistant.errors import InvalidInputError
from assistant.feedback import FeedbackStore, eval_cases
from evals.runner import load_jsonl

ANSWER = "Leicester City (2016):\n- In Leicester, 51% of five year olds have tooth decay. [leicester-city-2016#1.9]"


def test_feedback_is_checked_and_stored(tmp_path):
    store = FeedbackStore(tmp_path / "s.sqlite3")
    store.add("ann", "Tooth decay in Leicester?", ANSWER, "right", "leicester-city-2016#1.9", "good")
    with pytest.raises(InvalidInputError, match="verdict is 'great'"):
        store.add("ann", "Tooth decay?", ANSWER, "great")
    with pytest.raises(InvalidInputError, match="not cited in the answer"):
        store.add("ann", "Tooth decay?", ANSWER, "wrong paragraph", "sefton-2018#1.1")
    with pytest.raises(InvalidInputError, match="question is empty"):
        store.add("ann", " ", ANSWER, "right")
    reopened = FeedbackStore(tmp_path / "s.sqlite3")
    assert [(f["owner"], f["verdict"], f["citation_id"], f["note"]) for f in reopened.list_all()] == [
        ("ann", "right", "leicester-city-2016#1.9", "good")]


def test_eval_cases_take_gold_from_right_and_keep_wrong_apart():
    feedback = [
        {"id": 1, "question": "Tooth decay in Leicester?", "citation_id": "leicester-city-2016#1.9", "verdict": "right",
         "note": ""},
        {"id": 2, "question": "tooth decay  in leicester?", "citation_id": "leicester-city-2016#context.4",
         "verdict": "wrong paragraph", "note": "context, not a finding"},
        {"id": 3, "question": "CAMHS waits in Sefton?", "citation_id": None, "verdict": "unsupported claim", "note": ""},
        {"id": 4, "question": "Midwives?", "citation_id": "sefton-2018#1.1", "verdict": "right", "note": ""},
        {"id": 5, "question": "Midwives?", "citation_id": "sefton-2018#1.1", "verdict": "wrong paragraph", "note": ""},
    ]
    cases, to_review = eval_cases(feedback)
    assert [(c["id"], c["gold"], c["wrong"]) for c in cases] == [
        ("fb1", ["leicester-city-2016#1.9"], ["leicester-city-2016#context.4"])]
    assert cases[0]["notes"] == ["context, not a finding"] and cases[0]["kind"] == "feedback"
    assert [c["question"] for c in to_review] == ["CAMHS waits in Sefton?", "Midwives?"]


def test_feedback_over_the_api_becomes_an_eval_file_the_runner_reads(real_service, tmp_path):
    from assistant.api import create_app
    from assistant.service import build_service
    from assistant.settings import Settings
    from tests.live_server import live_server

    settings = Settings(data_dir=tmp_path / "data", api={"api_keys": "staff-key", "admin_keys": "admin-key"})
    service = build_service(settings, store=real_service.store, embedder=real_service.embedder())
    with live_server(create_app(service)) as url:
        staff = httpx.Client(base_url=url, timeout=120, headers={"X-API-Key": "staff-key"})
        admin = httpx.Client(base_url=url, timeout=120, headers={"X-API-Key": "admin-key"})
        answer = staff.post("/v1/ask", json={"question": "How bad is tooth decay among five-year-olds in Leicester?"}).json()
        cited = answer["citations"][0]["id"]
        sent = staff.post("/v1/feedback", json={"question": answer["question"], "answer": answer["answer"],
                                                "citation_id": cited, "verdict": "right"})
        assert sent.status_code == 201, sent.text
        assert staff.post("/v1/feedback", json={"question": "q", "answer": "a", "verdict": "meh"}).status_code == 422
        assert staff.get("/v1/feedback").status_code == 403  # staff cannot read everyone's feedback
        assert [f["citation_id"] for f in admin.get("/v1/feedback").json()] == [cited]
        exported = admin.get("/v1/feedback/eval-cases")
        assert exported.headers["content-type"].startswith("application/x-ndjson")
    path = tmp_path / "cases.jsonl"
    path.write_text(exported.text)
    rows = load_jsonl(path, ("id", "kind", "question", "gold", "key_terms"))
    assert rows[0]["gold"] == [cited] and json.loads(exported.text.splitlines()[0])["question"] == answer["question"]


def test_cli_lists_and_exports_feedback(tmp_path):
    import subprocess
    import sys

    store = FeedbackStore(tmp_path / "data" / "conversations.sqlite3")
    store.add("local", "Tooth decay in Leicester?", ANSWER, "right", "leicester-city-2016#1.9")
    env = {**__import__("os").environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data")}
    listed = subprocess.run([sys.executable, "-m", "assistant.cli", "feedback", "list", "--json"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)[0]["citation_id"] == "leicester-city-2016#1.9"
    out = tmp_path / "cases.jsonl"
    exported = subprocess.run([sys.executable, "-m", "assistant.cli", "feedback", "export", str(out)], env=env,
                              capture_output=True, text=True, timeout=120)
    assert exported.returncode == 0 and "wrote 1 eval case" in exported.stderr
    assert json.loads(out.read_text())["gold"] == ["leicester-city-2016#1.9"]
    bad = subprocess.run([sys.executable, "-m", "assistant.cli", "feedback", "export", str(tmp_path / "no" / "x.jsonl")],
                         env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "cannot write" in bad.stderr
