"""Scale-out: API worker processes sharing one Chroma server see each other's ingests.

The configuration under test is the documented one: `chroma run` on 127.0.0.1, then
`assistant serve --workers 2` (one uvicorn, two worker processes) and a second
`assistant serve` (standing for another host) with ASSISTANT_CHROMA_HOST/PORT set."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from benchmarks.local_servers import assistant_server, chroma_server, free_port
from tests.conftest import ROOT, report_text_path

SEARCH = {"query": "health assessments for looked after children", "k": 3}


def _child_pids(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def _upload_and_wait(url: str, name: str, poll_url: str) -> dict:
    """Upload through one server, poll the job through another (jobs are shared through the store)."""
    with open(report_text_path(name), "rb") as handle:
        accepted = httpx.post(f"{url}/v1/reports", files={"files": (f"{name}.txt", handle, "text/plain")}, timeout=30)
    assert accepted.status_code == 202, accepted.text
    job_id = accepted.json()["job_id"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = httpx.get(f"{poll_url}/v1/jobs/{job_id}", timeout=10)
        assert job.status_code == 200, job.text
        if job.json()["status"] in ("done", "failed"):
            return job.json()
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish within 120 s")


def _searched_reports(url: str, requests: int = 8, **search) -> list[set[str]]:
    """The reports each of several searches (each on a new connection, so they spread over the
    workers) found."""
    found = []
    for _ in range(requests):
        response = httpx.post(f"{url}/v1/search", json=SEARCH | search, timeout=30)
        assert response.status_code == 200, response.text
        found.append({hit["report_id"] for hit in response.json()})
    return found


def test_ingest_through_one_worker_is_searchable_through_every_other(tmp_path):
    with chroma_server(tmp_path / "chroma") as (host, port):
        env = os.environ | {"ASSISTANT_CHROMA_HOST": host, "ASSISTANT_CHROMA_PORT": str(port),
                            "ASSISTANT_EMBEDDINGS__PROVIDER": "hashing", "ASSISTANT_DATA_DIR": str(tmp_path / "data")}
        with assistant_server(env, tmp_path / "pool.log", "--workers", "2") as (pool, pool_process), \
                assistant_server(env, tmp_path / "single.log") as (single, _):
            assert len(_child_pids(pool_process.pid)) >= 2  # uvicorn's worker processes
            assert _searched_reports(pool) == [set()] * 8  # nothing ingested yet

            job = _upload_and_wait(single, "sefton-2018", poll_url=pool)
            assert job["status"] == "done", job
            # Visible on the very next request in every worker: each search reads the active
            # versions and rebuilds the lexical index when they changed.
            assert _searched_reports(pool) == [{"sefton-2018"}] * 8

            job = _upload_and_wait(pool, "leicester-city-2016", poll_url=single)
            assert job["status"] == "done", job
            assert _searched_reports(single, 3, report_ids=["leicester-city-2016"]) == [{"leicester-city-2016"}] * 3
            assert _searched_reports(pool, 8, report_ids=["leicester-city-2016"]) == [{"leicester-city-2016"}] * 8
            assert {r["report_id"] for r in httpx.get(f"{single}/v1/reports").json()} == {"sefton-2018",
                                                                                        "leicester-city-2016"}

            assert httpx.delete(f"{single}/v1/reports/sefton-2018").status_code in (200, 204)
            assert all("sefton-2018" not in found for found in _searched_reports(pool))


def test_workers_without_a_chroma_server_are_refused(tmp_path):
    env = os.environ | {"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_EMBEDDINGS__PROVIDER": "hashing"}
    env.pop("ASSISTANT_CHROMA_HOST", None)
    done = subprocess.run([str(Path(sys.executable).parent / "assistant"), "serve", "--workers", "2",
                           "--port", str(free_port())], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "needs a Chroma server" in done.stderr and "ASSISTANT_CHROMA_HOST" in done.stderr
