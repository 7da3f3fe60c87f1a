"""Stored reports cannot be silently replaced or lost: a replacement that would remove most of
a report is refused unless asked for, earlier versions are kept and can be rolled back (core,
CLI, API), only admin keys may change reports, and the UI ingests only files it received."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from typer.testing import CliRunner

from assistant.api import create_app
from assistant.cli import app as cli
from assistant.service import build_service
from assistant.serving import create_served_app
from assistant.settings import Settings
from tests.conftest import REPORTS_DIR, report_text_path
from tests.live_server import live_server
from vectorstore.embeddings import HashingEmbedder

SMALL_SEFTON = """Review of health services for Children Looked After and Safeguarding in Sefton

Date of review:\t23 rd July - 27 th July 2018
Date of publication:\t28 th November 2018

Summary of the review

This short file stands in for a real report and says very little.

The report

The child's journey

1. Early help

1.1 One finding, written for this test.

1.2 A second finding, also written for this test.
"""


@pytest.fixture
def small_file(tmp_path):
    path = tmp_path / "innocent-new-area.txt"
    path.write_text(SMALL_SEFTON, encoding="utf-8")
    return path


def _service(tmp_path, **api):
    settings = Settings(data_dir=tmp_path / "data", reports_dir=REPORTS_DIR)
    for name, value in api.items():
        setattr(settings.api, name, value)
    return build_service(settings, embedder=HashingEmbedder())


def test_a_replacement_losing_most_paragraphs_is_refused_then_allowed_and_rolled_back(tmp_path, small_file):
    service = _service(tmp_path)
    service.ingest([report_text_path("sefton-2018")])
    (refused,) = service.ingest([small_file])
    assert refused.status == "failed" and "would replace sefton-2018 (275 paragraphs)" in refused.error
    assert "nothing was changed" in refused.error and "replace" in refused.error
    assert service.report("sefton-2018")["counts"]["paragraphs"] == 275
    assert len(service.store.all_paragraphs()) == 275

    (replaced,) = service.ingest([small_file], replace=True)
    assert replaced.status == "replaced" and len(service.store.all_paragraphs()) == 6
    shown = service.report("sefton-2018")
    (earlier,) = shown["earlier_versions"]
    assert earlier["paragraphs"] == 275 and earlier["source_file"].endswith("sefton-2018.txt")

    restored = service.rollback_report("sefton-2018")
    assert restored["version"] == earlier["version"] and len(service.store.all_paragraphs()) == 275
    assert service.paragraph("sefton-2018#5.1.14").text  # searchable and citable again
    assert [h["paragraphs"] for h in service.report("sefton-2018")["earlier_versions"]] == [6]
    assert service.search("early help", k=3)


def test_only_the_last_n_versions_are_kept(tmp_path):
    service = _service(tmp_path)
    service.settings.store.versions_kept = 1
    source = report_text_path("sefton-2018").read_text(encoding="utf-8")
    for n in range(3):
        path = tmp_path / f"v{n}" / "sefton.txt"
        path.parent.mkdir()
        path.write_text(source.replace("Child protection", f"Child protection{' ' * 0}") + f"\nNote {n}.\n", encoding="utf-8")
        assert service.ingest([path])[0].status in ("ingested", "replaced")
    record = service.report("sefton-2018")
    assert len(record["earlier_versions"]) == 1
    versions = {m["version"] for m in service.store.paragraphs.get(include=["metadatas"])["metadatas"]}
    assert versions == {record["version"], record["earlier_versions"][0]["version"]}  # older rows purged


def test_cli_refuses_then_replaces_with_flag_and_rolls_back(tmp_path, small_file):
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_EMBEDDINGS__PROVIDER": "hashing"}
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(report_text_path("sefton-2018"))], env=env).exit_code == 0
    refused = runner.invoke(cli, ["ingest", str(small_file)], env=env)
    assert refused.exit_code == 1 and "would replace sefton-2018" in refused.output
    assert runner.invoke(cli, ["ingest", "--replace", str(small_file)], env=env).exit_code == 0
    rolled = runner.invoke(cli, ["reports", "rollback", "sefton-2018", "--json"], env=env)
    assert rolled.exit_code == 0, rolled.output
    assert json.loads(rolled.stdout)["counts"]["paragraphs"] == 275
    listed = json.loads(runner.invoke(cli, ["reports", "--json"], env=env).stdout)
    assert listed[0]["paragraphs"] == 275 and listed[0]["earlier_versions"][0]["paragraphs"] == 6
    missing = runner.invoke(cli, ["reports", "rollback", "nowhere-2020"], env=env)
    assert missing.exit_code == 1 and "nowhere-2020" in missing.output


def _wait(client, job_id: str) -> dict:
    deadline = time.monotonic() + 120
    while (job := client.get(f"/v1/jobs/{job_id}").json())["status"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    return job


def test_api_roles_replace_and_rollback(tmp_path, small_file):
    service = _service(tmp_path, api_keys="reader", admin_keys="boss")
    service.ingest([report_text_path("sefton-2018")])
    with live_server(create_app(service)) as url:
        reader = httpx.Client(base_url=url, timeout=60, headers={"X-API-Key": "reader"})
        admin = httpx.Client(base_url=url, timeout=60, headers={"Authorization": "Bearer boss"})
        upload = [("files", ("innocent-new-area.txt", small_file.read_bytes(), "text/plain"))]

        assert reader.get("/v1/reports").status_code == 200 and admin.get("/v1/reports").status_code == 200
        for response in (reader.post("/v1/reports", files=upload), reader.delete("/v1/reports/sefton-2018"),
                         reader.post("/v1/reports/sefton-2018/rollback")):
            assert response.status_code == 403 and "admin key" in response.json()["detail"]

        job = _wait(admin, admin.post("/v1/reports", files=upload).json()["job_id"])
        assert job["status"] == "failed" and "would replace sefton-2018" in job["outcomes"][0]["error"]
        job = _wait(admin, admin.post("/v1/reports?replace=true", files=upload).json()["job_id"])
        assert job["status"] == "done" and job["outcomes"][0]["status"] == "replaced"
        assert admin.get("/v1/reports/sefton-2018").json()["counts"]["paragraphs"] == 6

        rolled = admin.post("/v1/reports/sefton-2018/rollback")
        assert rolled.status_code == 200 and rolled.json()["counts"]["paragraphs"] == 275
        assert admin.get("/v1/paragraphs/sefton-2018%235.1.14").status_code == 200
        unknown = admin.post("/v1/reports/sefton-2018/rollback?version=0000000000000000")
        assert unknown.status_code == 404 and "0000000000000000" in unknown.json()["detail"]


def test_with_only_read_keys_reports_cannot_be_changed_through_the_api(tmp_path, small_file):
    with live_server(create_app(_service(tmp_path, api_keys="reader"))) as url:
        response = httpx.post(f"{url}/v1/reports", headers={"X-API-Key": "reader"},
                              files=[("files", ("a.txt", small_file.read_bytes(), "text/plain"))])
        assert response.status_code == 403 and "ASSISTANT_ADMIN_KEYS" in response.json()["detail"]


def _gradio_call(client: httpx.Client, name: str, data: list) -> str:
    """The last event of a Gradio API call (its name and data), as text."""
    started = client.post(f"/ui/gradio_api/call/{name}", json={"data": data})
    assert started.status_code == 200, started.text
    event_id = started.json()["event_id"]
    text = client.get(f"/ui/gradio_api/call/{name}/{event_id}", timeout=120).text
    events = [block for block in text.strip().split("\n\n") if block.startswith("event:")]
    return events[-1]


def test_the_ui_ingests_only_files_it_received(tmp_path):
    service = _service(tmp_path)
    outside = tmp_path / "server-file.txt"
    outside.write_text(report_text_path("sefton-2018").read_text(encoding="utf-8"), encoding="utf-8")
    with live_server(create_served_app(service)) as url:
        client = httpx.Client(base_url=url, timeout=60)
        answers = []
        for path in (outside, tmp_path / "does-not-exist.txt"):
            file_data = {"path": str(path), "meta": {"_type": "gradio.FileData"}}
            answers.append(_gradio_call(client, "ingest", [[file_data], False]).replace(str(path), "PATH"))
        assert answers[0] == answers[1], answers  # says nothing about which server files exist
        assert answers[0].startswith("event: error") or "only files uploaded through this page" in answers[0]
    assert service.reports() == []
