"""Faults a deployment meets: the Chroma server going away under a serving API, and an ingest
killed with SIGKILL halfway through."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from contextlib import ExitStack

import httpx
import pytest

from assistant.api.app import create_app
from assistant.service import build_service
from assistant.settings import Settings
from benchmarks.local_servers import chroma_server
from ingest.parser import parse_report
from ingest.sources import load_source
from tests.conftest import REPORT_NAMES, ROOT, report_text_path
from tests.live_server import live_server
from vectorstore.embeddings import HashingEmbedder


def _server_settings(tmp_path, host: str, port: int) -> Settings:
    return Settings(data_dir=tmp_path / "data", chroma_host=host, chroma_port=port)


def test_chroma_outage_answers_503_and_recovers_without_restart(tmp_path):
    chroma_dir = tmp_path / "chroma"
    with ExitStack() as outer:
        first = ExitStack()
        host, port = first.enter_context(chroma_server(chroma_dir))
        service = build_service(_server_settings(tmp_path, host, port), embedder=HashingEmbedder())
        assert [o.status for o in service.ingest([report_text_path("sefton-2018")])] == ["ingested"]
        url = outer.enter_context(live_server(create_app(service)))
        client = outer.enter_context(httpx.Client(base_url=url, timeout=30))
        search = {"query": "looked after children health assessments", "k": 3}
        before = client.post("/v1/search", json=search)
        assert before.status_code == 200 and before.json()

        first.close()  # the Chroma server stops; the API keeps running
        for method, path, body in [("POST", "/v1/search", search),
                                   ("POST", "/v1/ask", {"question": "How were health assessments done?"}),
                                   ("GET", "/v1/reports", None),
                                   ("GET", "/v1/paragraphs/sefton-2018%231.1", None)]:
            down = client.request(method, path, json=body)
            assert down.status_code == 503, (path, down.status_code, down.text)
            assert down.headers["content-type"].startswith("application/problem+json")
            assert "Chroma store is unreachable" in down.json()["detail"], down.json()
        ready = client.get("/readyz")
        assert ready.status_code == 503 and "unreachable" in ready.json()["detail"]
        assert client.get("/healthz").status_code == 200  # the process itself is fine

        with chroma_server(chroma_dir, port=port):  # back on the same address; the API is not restarted
            after = client.post("/v1/search", json=search)
            assert after.status_code == 200, after.text
            assert after.json() == before.json()
            assert client.get("/readyz").json()["reports"] == 1
            assert client.post("/v1/ask", json={"question": "How were health assessments done?"}).status_code == 200


# A driver that ingests the reports dir with the model-free embedder and says on stdout when
# each report starts to be written, so the test can kill it at a chosen point.
_KILLABLE_INGEST = """
import sys
from assistant.service import build_service
from assistant.settings import Settings
from vectorstore.embeddings import HashingEmbedder

service = build_service(Settings(), embedder=HashingEmbedder())
store = service.store
for name in ("paragraphs", "passages", "reports"):
    collection = getattr(store, name)
    real_upsert = collection.upsert

    def announcing_upsert(*args, _real=real_upsert, _name=name, **kwargs):
        print(f"upsert {_name} {kwargs['ids'][0]}", flush=True)
        return _real(*args, **kwargs)

    collection.upsert = announcing_upsert
service.ingest(progress=lambda stage, done, total: print(f"progress {stage} {done}/{total}", flush=True))
print("finished", flush=True)
"""


def _ingest_env(tmp_path) -> dict:
    reports = tmp_path / "reports"
    reports.mkdir(exist_ok=True)
    for name in REPORT_NAMES:
        (reports / f"{name}.txt").write_text(report_text_path(name).read_text(encoding="utf-8"), encoding="utf-8")
    return os.environ | {"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_REPORTS_DIR": str(reports),
                         "PYTHONPATH": str(ROOT)}


_VISIBLE_REPORTS = """
import json
from assistant.service import build_service
from assistant.settings import Settings
from vectorstore.embeddings import HashingEmbedder

store = build_service(Settings(), embedder=HashingEmbedder()).store
print(json.dumps({rid: len(store.all_paragraphs([rid])) for rid in store.report_records()}))
"""


def _visible_paragraph_counts(env: dict) -> dict[str, int]:
    """What a reader sees between the kill and the rerun (in its own process, as a server would)."""
    done = subprocess.run([sys.executable, "-c", _VISIBLE_REPORTS], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _run_until(marker_count: int, marker: str, env: dict) -> list[str]:
    """Start the driver and SIGKILL it when `marker` has appeared `marker_count` times."""
    process = subprocess.Popen([sys.executable, "-c", _KILLABLE_INGEST], env=env, cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    seen, lines = 0, []
    try:
        for line in process.stdout:
            lines.append(line.strip())
            if marker in line:
                seen += 1
                if seen == marker_count:
                    process.send_signal(signal.SIGKILL)
                    break
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, f"the driver ended before the kill point: {lines[-5:]}"
    return lines


@pytest.mark.parametrize("kill_at", [
    ("upsert passages", 1),   # first report: paragraphs written, passages mid-write
    ("upsert reports", 1),    # first report: the switch to the new version is under way
    ("progress embedding sefton-2018", 2),  # second report: while it is being embedded
])
def test_ingest_killed_with_sigkill_then_rerun_stores_each_report_once_and_complete(tmp_path, kill_at):
    env = _ingest_env(tmp_path)
    killed_output = _run_until(kill_at[1], kill_at[0], env)
    assert "finished" not in killed_output
    parsed_counts = {name: len(parse_report(load_source(report_text_path(name))).paragraphs) for name in REPORT_NAMES}
    visible = _visible_paragraph_counts(env)
    # A report is either not there yet or there complete: a killed write is never half visible.
    assert all(count == parsed_counts[rid] for rid, count in visible.items()), (visible, parsed_counts)
    if kill_at[0].startswith("progress embedding sefton"):
        assert visible == {"leicester-city-2016": parsed_counts["leicester-city-2016"]}
    if kill_at[0] == "upsert passages":
        assert visible == {}

    rerun = subprocess.run([sys.executable, "-c", _KILLABLE_INGEST], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0 and "finished" in rerun.stdout, rerun.stderr[-2000:]

    service = build_service(Settings(data_dir=tmp_path / "data"), embedder=HashingEmbedder())
    store = service.store
    assert sorted(store.report_records()) == sorted(REPORT_NAMES)
    for name in REPORT_NAMES:
        parsed = parse_report(load_source(report_text_path(name)))
        expected = sorted(p.citation_id for p in parsed.paragraphs)
        stored = sorted(p.citation_id for p in store.all_paragraphs([name]))
        assert stored == expected, f"{name}: {len(stored)} stored paragraphs, {len(expected)} parsed"
        version = store.active_versions()[name]
        # Nothing of an older or half-written version is left in the raw collections.
        for collection in (store.paragraphs, store.passages, store.sentences):
            raw = collection.get(where={"report_id": name}, include=["metadatas"])
            assert {m["version"] for m in raw["metadatas"]} == {version}, collection.name
        raw_paragraphs = store.paragraphs.get(where={"report_id": name}, include=[])
        assert len(raw_paragraphs["ids"]) == len(expected)  # exactly once
        passages = store.passages.get(where={"report_id": name}, include=["metadatas"])
        assert {m["citation_id"] for m in passages["metadatas"]} == set(expected)  # every paragraph searchable
    hits = service.search("health assessments for looked after children", k=3)
    assert hits and json.dumps([h.to_dict() for h in hits])
