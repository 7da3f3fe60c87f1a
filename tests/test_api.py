"""The HTTP API under a real uvicorn server on 127.0.0.1: every endpoint, streaming, the
official openai client, auth, limits, and a bounded schemathesis run over the OpenAPI schema."""

from __future__ import annotations

import csv
import io
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from assistant.api import create_app
from assistant.service import build_service
from assistant.settings import Settings
from tests.conftest import REPORTS_DIR, CountingEmbedder
from tests.live_server import live_server
from vectorstore.embeddings import HashingEmbedder

pytestmark = pytest.mark.slow

QUESTION = "How long do children wait for CAMHS in Sefton?"


@pytest.fixture(scope="module")
def api(real_service):
    with live_server(create_app(real_service)) as url:
        client = httpx.Client(base_url=url, timeout=60)
        deadline = time.monotonic() + 60
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "the API never became ready"
            time.sleep(0.2)
        yield client


@pytest.fixture
def upload_api(tmp_path):
    """A separate app over its own store (hashing embeddings) for uploads and deletes."""
    settings = Settings(data_dir=tmp_path / "data", reports_dir=REPORTS_DIR)
    settings.api.max_upload_bytes = 400_000
    settings.api.max_upload_files = 3
    service = build_service(settings, embedder=CountingEmbedder(HashingEmbedder()))
    with live_server(create_app(service)) as url:
        yield httpx.Client(base_url=url, timeout=60)


def sse_events(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((fields.get("event", "message"), json.loads(fields["data"])))
    return events


def test_health_and_readiness(api):
    assert api.get("/healthz").json() == {"status": "ok"}
    assert api.get("/readyz").json() == {"status": "ready", "reports": 2}


def test_ask_returns_the_same_json_as_the_core(api, real_service):
    response = api.post("/v1/ask", json={"question": QUESTION})
    assert response.status_code == 200
    body = response.json()
    assert body == real_service.ask(QUESTION).to_dict()
    assert body["citations"] and body["citations"][0]["id"].startswith("sefton-2018#")
    follow_up = api.post("/v1/ask", json={"question": "and in Leicester?", "history": [
        {"role": "user", "content": QUESTION}, {"role": "assistant", "content": body["answer"]}]}).json()
    assert {c["report_id"] for c in follow_up["citations"]} == {"leicester-city-2016"}
    filtered = api.post("/v1/ask", json={"question": "supervision", "filters": {"report_ids": ["sefton-2018"],
                                                                                 "kinds": ["finding"]}, "k": 3}).json()
    assert filtered["citations"] and all(c["report_id"] == "sefton-2018" for c in filtered["citations"])


def test_ask_stream_sends_tokens_then_the_verified_citations_then_done(api, real_service):
    with api.stream("POST", "/v1/ask/stream", json={"question": QUESTION}) as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        text = "".join(response.iter_text())
    events = sse_events(text)
    kinds = [kind for kind, _ in events]
    assert kinds[-2:] == ["citations", "done"] and set(kinds[:-2]) == {"token"} and len(kinds) > 5
    final = events[-2][1]
    assert "".join(data["text"] for kind, data in events if kind == "token") == final["answer"]
    assert final["citations"] == real_service.ask(QUESTION).to_dict()["citations"]
    bad = api.post("/v1/ask/stream", json={"question": ""})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


def test_draft_and_search_match_the_core(api, real_service):
    body = {"observation": "Midwives do not offer antenatal home visits.", "provider": "Testshire Trust",
            "exclude_report": "leicester-city-2016"}
    draft = api.post("/v1/draft", json=body)
    assert draft.status_code == 200
    assert draft.json()["precedents"][0]["id"] == real_service.draft(**body).precedents[0].id
    assert {"draft", "precedents", "suggested_recommendation", "citations"} <= set(draft.json())
    found = api.post("/v1/search", json={"query": "recommendation 2.1 in Sefton", "k": 3}).json()
    assert found == [r.to_dict() for r in real_service.search("recommendation 2.1 in Sefton", k=3)]
    assert found[0]["id"] == "sefton-2018#rec:2.1"


def test_reports_and_paragraphs(api):
    listed = api.get("/v1/reports").json()
    assert [r["report_id"] for r in listed] == ["leicester-city-2016", "sefton-2018"]
    assert api.get("/v1/reports/sefton-2018").json()["counts"]["recommendations"] == 49
    missing = api.get("/v1/reports/nowhere-2020")
    assert missing.status_code == 404 and "nowhere-2020" in missing.json()["detail"]
    paragraph = api.get(f"/v1/paragraphs/{quote('sefton-2018#rec:2.1', safe='')}").json()
    assert paragraph["citation_id"] == "sefton-2018#rec:2.1" and paragraph["kind"] == "recommendation"
    assert api.get(f"/v1/paragraphs/{quote('sefton-2018#9.9', safe='')}").status_code == 404


def test_upload_runs_a_background_job_then_delete(upload_api, tmp_path):
    text = (REPORTS_DIR / "sefton-2018.txt").read_bytes()
    response = upload_api.post("/v1/reports", files=[("files", ("../../etc/sefton.txt", text, "text/plain"))])
    assert response.status_code == 202
    job_id = response.json()["job_id"]
    deadline = time.monotonic() + 120
    while (job := upload_api.get(f"/v1/jobs/{job_id}").json())["status"] in ("queued", "running"):
        assert time.monotonic() < deadline
        assert upload_api.get("/v1/reports").status_code == 200  # queries keep working meanwhile
        time.sleep(0.2)
    assert job["status"] == "done" and job["outcomes"][0]["report_id"] == "sefton-2018"
    assert job["outcomes"][0]["path"] == "sefton.txt"  # the client's name, stripped of any folders
    assert [r["report_id"] for r in upload_api.get("/v1/reports").json()] == ["sefton-2018"]
    assert upload_api.get("/v1/reports/sefton-2018").json()["source_file"] == "sefton.txt"  # not the temp file
    assert upload_api.delete("/v1/reports/sefton-2018").json() == {"deleted": "sefton-2018"}
    assert upload_api.get("/v1/reports/sefton-2018").status_code == 404
    assert upload_api.delete("/v1/reports/sefton-2018").status_code == 404
    assert upload_api.get("/v1/jobs/unknown").status_code == 404

    failed = upload_api.post("/v1/reports", files=[("files", ("empty.txt", b"", "text/plain"))]).json()
    while (job := upload_api.get(f"/v1/jobs/{failed['job_id']}").json())["status"] in ("queued", "running"):
        time.sleep(0.1)
    assert job["status"] == "failed" and "empty.txt" in job["outcomes"][0]["error"]
    assert "/tmp" not in json.dumps(job)


def test_upload_limits_are_413_and_415(upload_api):
    big = upload_api.post("/v1/reports", files=[("files", ("big.txt", b"x" * 400_001, "text/plain"))])
    assert big.status_code == 413 and "big.txt" in big.json()["detail"]
    many = upload_api.post("/v1/reports", files=[("files", (f"r{i}.txt", b"x", "text/plain")) for i in range(4)])
    assert many.status_code == 413 and "limit is 3" in many.json()["detail"]
    exe = upload_api.post("/v1/reports", files=[("files", ("report.exe", b"MZ", "application/octet-stream"))])
    assert exe.status_code == 415
    fake_pdf = upload_api.post("/v1/reports", files=[("files", ("report.pdf", b"not a pdf", "application/pdf"))])
    assert fake_pdf.status_code == 415 and "not a PDF" in fake_pdf.json()["detail"]
    # A declared body far over the limit is refused before any of it is read.
    host, port = upload_api.base_url.host, upload_api.base_url.port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(f"POST /v1/reports HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; "
                     f"boundary=x\r\nContent-Length: {10**10}\r\n\r\n".encode())
        assert sock.recv(200).startswith(b"HTTP/1.1 413")


def test_input_bounds_are_422_problem_details(api):
    long_question = api.post("/v1/ask", json={"question": "x" * 100_000})
    assert long_question.status_code == 422
    problem = long_question.json()
    assert problem["status"] == 422 and problem["title"] == "Invalid request" and "question" in problem["detail"]
    assert "Traceback" not in long_question.text
    assert api.post("/v1/ask", json={"question": "hi", "k": 0}).status_code == 422
    history = [{"role": "user", "content": "q"}] * 101
    assert api.post("/v1/ask", json={"question": "hi", "history": history}).status_code == 422
    assert api.post("/v1/ask", json={"question": "hi", "engine": "nope"}).status_code == 422
    assert api.post("/v1/ask", content=b"{not json", headers={"Content-Type": "application/json"}).status_code == 422
    assert api.post("/v1/search", json={"query": "x", "k": 51}).status_code == 422


def test_cors_is_closed_by_default(api):
    response = api.options("/v1/ask", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in response.headers


def test_api_keys(real_service, tmp_path):
    settings = real_service.settings.model_copy(deep=True)
    settings.api.api_keys = "first-key, second-key"
    service = build_service(settings, store=real_service.store, embedder=real_service.embedder())
    with live_server(create_app(service)) as url:
        client = httpx.Client(base_url=url, timeout=30)
        assert client.get("/v1/reports").status_code == 401
        wrong = client.get("/v1/reports", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
        assert client.get("/v1/reports", headers={"Authorization": "Bearer second-key"}).status_code == 200
        assert client.get("/v1/reports", headers={"X-API-Key": "first-key"}).status_code == 200
        assert client.post("/v1/ask", json={"question": QUESTION}).status_code == 401
        assert client.get("/healthz").status_code == 200


def test_the_official_openai_client_gets_cited_answers(api):
    from openai import OpenAI

    client = OpenAI(base_url=f"{api.base_url}/v1", api_key="unused", max_retries=0)
    assert [m.id for m in client.models.list().data] == ["report-assistant"]
    reply = client.chat.completions.create(model="report-assistant", messages=[
        {"role": "system", "content": "You are helpful."}, {"role": "user", "content": QUESTION}])
    content = reply.choices[0].message.content
    assert "[1]" in content and "Sources:\n[1] sefton-2018#" in content
    citations = reply.model_extra["citations"]
    assert citations and citations[0]["id"] in content

    chunks = list(client.chat.completions.create(model="report-assistant", stream=True,
                                                 messages=[{"role": "user", "content": QUESTION}]))
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert streamed == content
    assert chunks[-1].model_extra["citations"] == citations

    from openai import NotFoundError as OpenAINotFound
    with pytest.raises(OpenAINotFound):
        client.chat.completions.create(model="gpt-4", messages=[{"role": "user", "content": QUESTION}])


def test_schemathesis_finds_no_server_errors_and_no_schema_breaks(api, tmp_path):
    run = subprocess.run(
        [str(Path(sys.executable).parent / "schemathesis"), "run", f"{api.base_url}/openapi.json",
         "--checks", "not_a_server_error,response_schema_conformance", "--max-examples", "8", "--seed", "1",
         "--workers", "1", "--phases", "examples,coverage,fuzzing", "--request-timeout", "60",
         "--exclude-path", "/v1/reports", "--exclude-method", "DELETE",
         "--report", "junit", "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=900, cwd=tmp_path)  # its cache stays out of the repo
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    report = "".join(p.read_text() for p in tmp_path.glob("*.xml"))
    tested = set(re.findall(r'<testcase[^>]*name="([^"]+)"', report))
    assert {"POST /v1/ask", "POST /v1/draft", "POST /v1/search", "POST /v1/chat/completions"} <= tested, tested


def test_schemathesis_on_the_operations_that_change_reports_against_a_scratch_store(tmp_path):
    """Uploads, deletes and rollbacks, fuzzed against a store of their own (hashing embeddings)."""
    settings = Settings(data_dir=tmp_path / "data", reports_dir=REPORTS_DIR)
    settings.api.max_upload_bytes = 400_000
    service = build_service(settings, embedder=HashingEmbedder())
    service.ingest()
    with live_server(create_app(service)) as url:
        run = subprocess.run(
            [str(Path(sys.executable).parent / "schemathesis"), "run", f"{url}/openapi.json",
             "--checks", "not_a_server_error,response_schema_conformance", "--max-examples", "8", "--seed", "1",
             "--workers", "1", "--phases", "examples,coverage,fuzzing", "--request-timeout", "60",
             "--include-path-regex", "^/v1/reports",
             "--report", "junit", "--report-dir", str(tmp_path)],
            capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    report = "".join(p.read_text() for p in tmp_path.glob("*.xml"))
    tested = set(re.findall(r'<testcase[^>]*name="([^"]+)"', report))
    assert {"POST /v1/reports", "DELETE /v1/reports/{report_id}", "POST /v1/reports/{report_id}/rollback"} <= tested, tested


def test_a_slow_llm_never_stalls_search(real_service):
    """While an LLM answer is held open, searches and reads still answer (ordering, not timing)."""
    import threading

    from tests.scripted_llm import context_paragraphs, scripted_llm

    release, asked = threading.Event(), threading.Event()

    def slow_reply(messages):
        asked.set()
        assert release.wait(60)
        cid, text = next(iter(context_paragraphs(messages).items()))
        return f"Answer [{cid}]."

    with scripted_llm([slow_reply]) as llm:
        settings = real_service.settings.model_copy(deep=True)
        settings.llm.base_url, settings.llm.model, settings.llm.max_retries = llm.url, "scripted", 0
        service = build_service(settings, store=real_service.store, embedder=real_service.embedder())
        with live_server(create_app(service)) as url:
            client = httpx.Client(base_url=url, timeout=60)
            pending = {}
            worker = threading.Thread(target=lambda: pending.setdefault(
                "answer", client.post("/v1/ask", json={"question": QUESTION, "engine": "openai"})))
            worker.start()
            assert asked.wait(60)
            for _ in range(3):
                assert client.post("/v1/search", json={"query": "supervision", "k": 2}).status_code == 200
                assert client.get("/v1/reports").status_code == 200
            assert "answer" not in pending  # the LLM answer is still open
            release.set()
            worker.join(60)
    assert pending["answer"].status_code == 200 and pending["answer"].json()["engine"] == "openai"


def test_compare_matches_the_core_and_streams_a_column_per_theme(api, real_service):
    body = {"themes": ["initial health assessments", "governance"]}
    response = api.post("/v1/compare", json=body)
    assert response.status_code == 200
    assert response.json() == real_service.compare(body["themes"]).to_dict()
    assert [c["theme"] for c in response.json()["columns"]] == body["themes"]

    with api.stream("POST", "/v1/compare/stream", json=body) as streamed:
        assert streamed.headers["content-type"].startswith("text/event-stream")
        events = sse_events(streamed.read().decode())
    assert [name for name, _ in events] == ["reports", "column", "column", "done"]
    assert [r["report_id"] for r in events[0][1]] == ["leicester-city-2016", "sefton-2018"]
    assert [data for name, data in events if name == "column"] == response.json()["columns"]


def test_compare_export_is_a_file_of_the_same_cells(api):
    body = {"themes": ["domestic abuse"], "report_ids": ["sefton-2018"]}
    exported = api.post("/v1/compare/export?format=csv", json=body)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert 'filename="comparison.csv"' in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    cells = api.post("/v1/compare", json=body).json()["columns"][0]["cells"]
    assert [r["report_id"] for r in rows] == ["sefton-2018"]
    assert rows[0]["finding_ids"].split("\n") == [f["id"] for f in cells[0]["findings"]]
    assert rows[0]["judgement"] == cells[0]["judgement"]
    workbook = api.post("/v1/compare/export", json=body)  # default format: xlsx
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    assert api.post("/v1/compare/export?format=pdf", json=body).status_code == 422


def test_compare_and_recurring_errors_are_problem_details(api):
    unknown = api.post("/v1/compare", json={"themes": ["governance"], "report_ids": ["nowhere-2020"]})
    assert unknown.status_code == 404 and "nowhere-2020" in unknown.json()["detail"]
    assert api.post("/v1/compare", json={"themes": []}).status_code == 422
    assert api.post("/v1/compare", json={"themes": ["   "]}).status_code == 422
    too_many = api.post("/v1/compare", json={"themes": [f"theme {n}" for n in range(13)]})
    assert too_many.status_code == 422 and "max_themes" in too_many.json()["detail"]
    streamed = api.post("/v1/compare/stream", json={"themes": ["x"], "report_ids": ["nowhere-2020"]})
    assert streamed.status_code == 404
    recurring = api.post("/v1/recurring", json={"text": "domestic abuse enquiry by midwives"})
    assert recurring.status_code == 200
    lines = recurring.json()
    assert lines and set(lines[0]) == {"reports", "recurs", "findings"}
    assert api.post("/v1/recurring", json={"text": ""}).status_code == 422
