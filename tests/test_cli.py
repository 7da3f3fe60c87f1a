"""The `assistant` CLI over a real store (hashing embeddings keep it fast)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from assistant.cli import app
from tests.conftest import REPORTS_DIR


@pytest.fixture
def cli_env(tmp_path):
    return {"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_REPORTS_DIR": str(REPORTS_DIR),
            "ASSISTANT_EMBEDDINGS__PROVIDER": "hashing"}


@pytest.fixture
def runner():
    return CliRunner()


def test_ingest_then_list_show_and_search(runner, cli_env):
    result = runner.invoke(app, ["ingest"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "leicester-city-2016" in result.output and "145" in result.output and "59" in result.output

    listed = json.loads(runner.invoke(app, ["reports", "--json"], env=cli_env).stdout)
    assert [r["report_id"] for r in listed] == ["leicester-city-2016", "sefton-2018"]
    assert {"findings", "recommendations", "paragraphs"} <= set(listed[0])
    assert listed[1]["recommendations"] == 49

    shown = json.loads(runner.invoke(app, ["show", "sefton-2018#1.2", "--json"], env=cli_env).stdout)
    assert shown["section"] == "The child's journey > 1. Early help" and shown["kind"] == "finding"
    assert shown["recommendations"] == ["sefton-2018#rec:12.3"] and shown["source_line"] == 165

    found = json.loads(runner.invoke(app, ["search", "recommendation 2.1 in Sefton", "--json", "-k", "3"], env=cli_env).stdout)
    assert found[0]["id"] == "sefton-2018#rec:2.1"
    assert set(found[0]) == {"id", "report_id", "para", "kind", "section", "score", "text"}
    filtered = json.loads(runner.invoke(app, ["search", "midwives", "--json", "--report", "leicester-city-2016",
                                              "--kind", "recommendation"], env=cli_env).stdout)
    assert filtered and all(r["id"].startswith("leicester-city-2016#rec:") for r in filtered)


def test_search_jsonl_reads_queries_from_stdin(runner, cli_env):
    runner.invoke(app, ["ingest"], env=cli_env)
    result = runner.invoke(app, ["search", "--jsonl", "-", "-k", "2"], env=cli_env,
                           input="paragraph 1.4 of the Leicester report\n\nrecommendation 3.1 in Sefton\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["paragraph 1.4 of the Leicester report", "recommendation 3.1 in Sefton"]
    assert lines[0]["results"][0]["id"] == "leicester-city-2016#1.4" and len(lines[1]["results"]) == 2


def test_ingest_exits_non_zero_when_a_file_fails(runner, cli_env, tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    result = runner.invoke(app, ["ingest", str(bad), str(REPORTS_DIR / "sefton-2018.txt")], env=cli_env)
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "empty file" in result.output
    assert json.loads(runner.invoke(app, ["reports", "--json"], env=cli_env).stdout)[0]["report_id"] == "sefton-2018"


def test_show_unknown_id_is_a_clear_error(runner, cli_env):
    runner.invoke(app, ["ingest", str(REPORTS_DIR / "sefton-2018.txt")], env=cli_env)
    result = runner.invoke(app, ["show", "sefton-2018#9.9"], env=cli_env)
    assert result.exit_code == 1 and "no paragraph 'sefton-2018#9.9'" in result.output


@pytest.fixture
def answering_env(cli_env):
    # Hashing embeddings have their own similarity scale; the relevance gate is measured for
    # the real model (tests/test_answering.py), so here it is opened to test the plumbing.
    return {**cli_env, "ASSISTANT_ANSWER__MIN_RELEVANCE": "-1"}


def test_ask_json_and_jsonl(runner, answering_env):
    runner.invoke(app, ["ingest"], env=answering_env)
    result = runner.invoke(app, ["ask", "What does paragraph 1.4 of the Leicester report say?", "--json"], env=answering_env)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert {"answer", "citations", "unsupported", "removed", "engine"} <= set(answer)
    assert answer["engine"] == "extractive" and answer["citations"][0]["id"] == "leicester-city-2016#1.4"
    assert {"id", "quote", "start", "end", "report_title", "para"} <= set(answer["citations"][0])

    lines = runner.invoke(app, ["ask", "--jsonl", "-", "--report", "sefton-2018"], env=answering_env, input=(
        "What does paragraph 1.3 say?\n\n"
        '{"question": "and paragraph 2.2?", "history": [{"role": "user", "content": "paragraph 1.3"}]}\n'
        "{not json\n")).stdout.splitlines()
    first, second, third = (json.loads(line) for line in lines)
    assert first["citations"][0]["id"] == "sefton-2018#1.3"
    assert second["citations"][0]["id"] == "sefton-2018#2.2"
    assert third == {"line": 4, "error": "line 4: not valid JSON (Expecting property name enclosed in double quotes)"}


def test_ask_without_a_question_is_a_chat_that_keeps_history(runner, answering_env):
    runner.invoke(app, ["ingest"], env=answering_env)
    result = runner.invoke(app, ["ask"], env=answering_env,
                           input="What does paragraph 1.3 of the Sefton report say?\nand in Leicester?\nexit\n")
    assert result.exit_code == 0, result.output
    assert "sefton-2018#1.3" in result.output and "leicester-city-2016#1.3" in result.output


def test_draft_json_and_errors(runner, answering_env):
    runner.invoke(app, ["ingest"], env=answering_env)
    result = runner.invoke(app, ["draft", "Midwives do not offer antenatal home visits.", "--provider", "Testshire Trust",
                                 "--exclude-report", "leicester-city-2016", "--json"], env=answering_env)
    assert result.exit_code == 0, result.output
    draft = json.loads(result.stdout)
    assert {"draft", "precedents", "suggested_recommendation", "citations"} <= set(draft)
    assert draft["precedents"] and all(p["id"].startswith("sefton-2018#") for p in draft["precedents"])
    assert {"id", "quote", "recommendations"} <= set(draft["precedents"][0])

    unknown = runner.invoke(app, ["draft", "Midwives do not visit.", "--exclude-report", "nowhere-2020"], env=answering_env)
    assert unknown.exit_code == 1 and "nowhere-2020" in unknown.output
    empty = runner.invoke(app, ["ask", "  "], env=answering_env)
    assert empty.exit_code == 2 and "question is empty" in empty.output
    engine = runner.invoke(app, ["ask", "midwives", "--engine", "nope"], env=answering_env)
    assert engine.exit_code == 2 and "unknown answer engine provider 'nope'" in engine.output


def test_ingest_beside_a_running_server_on_the_embedded_store_is_refused_clearly(runner, cli_env, tmp_path):
    """Chroma's embedded store is for one process: a CLI ingest beside `assistant serve` used to
    leave the server's answers failing until restart. Now the CLI is refused, naming the server."""
    from benchmarks.local_servers import assistant_server

    env = os.environ | cli_env
    with assistant_server(env, tmp_path / "serve.log", "--ingest-if-empty") as (url, process):
        refused = runner.invoke(app, ["ingest"], env=cli_env)
        said = " ".join(refused.output.split())  # rich wraps long lines
        assert refused.exit_code == 2
        assert f"in use by `assistant serve` (pid {process.pid})" in said and "POST /v1/reports" in said
        found = httpx.post(f"{url}/v1/search", json={"query": "health assessments", "k": 2}, timeout=60)
        assert found.status_code == 200 and found.json()
        rollback = runner.invoke(app, ["reports", "rollback", "sefton-2018"], env=cli_env)
        assert rollback.exit_code == 2 and "in use by" in " ".join(rollback.output.split())
        home = httpx.get(f"{url}/", timeout=10)  # people opening the address land on the UI
        assert home.status_code == 307 and home.headers["location"] == "/ui/"
        log = tmp_path / "serve.log"
        deadline = time.monotonic() + 10
        while "is ready" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        said = " ".join(log.read_text().split())
        assert f"ready: the UI at {url}/ui, the API at {url}/v1" in said, said[-2000:]
    after = runner.invoke(app, ["ingest"], env=cli_env)  # the server is gone: the store is free
    assert after.exit_code == 0, after.output
    listed = json.loads(runner.invoke(app, ["reports", "--json"], env=cli_env).stdout)
    assert [r["report_id"] for r in listed] == ["leicester-city-2016", "sefton-2018"]


def test_serve_on_a_busy_port_fails_at_once_naming_the_port(runner, cli_env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = runner.invoke(app, ["serve", "--port", str(port)], env=cli_env)
    said = " ".join(result.output.split())
    assert result.exit_code == 2, said
    assert f"port {port} on 127.0.0.1 is already in use" in said and "--port N" in said
    assert time.monotonic() - started < 10  # before loading models or ingesting anything


def test_make_run_passes_port_and_host_only_when_given():
    """`make run PORT=… HOST=…` reaches `assistant serve`; without them the settings decide
    (ASSISTANT_API__PORT is not overridden by a port fixed in the Makefile)."""
    root = Path(__file__).resolve().parents[1]

    def planned(*assignments):
        made = subprocess.run(["make", "-n", "run", *assignments], cwd=root, capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
        return next(line for line in made.stdout.splitlines() if "assistant serve" in line)

    assert planned("PORT=8123", "HOST=0.0.0.0").split("serve")[1].split() == [
        "--ingest-if-empty", "--host", "0.0.0.0", "--port", "8123"]
    assert planned().split("serve")[1].split() == ["--ingest-if-empty"]
