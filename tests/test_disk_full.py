"""A full disk during ingest: the outcome says the disk is full and that nothing was changed,
the stored reports stay as they were, and everything works again once space is freed. The
store lives on a small tmpfs (mounting one needs root, as on the CI machines)."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest

from assistant.service import build_service
from assistant.settings import Settings
from tests.conftest import REPORTS_DIR, report_text_path
from vectorstore.embeddings import HashingEmbedder


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); the disk-full test needs root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_fails_the_ingest_clearly_and_changes_nothing(small_disk):
    settings = Settings(data_dir=small_disk / "data", reports_dir=REPORTS_DIR)
    service = build_service(settings, embedder=HashingEmbedder())
    (first,) = service.ingest([report_text_path("leicester-city-2016")])
    assert first.status == "ingested", first.error

    filler = small_disk / f"filler-{uuid.uuid4().hex}"
    free_mb = int(subprocess.run(["df", "--output=avail", "-m", str(small_disk)], capture_output=True, text=True)
                  .stdout.split()[-1])
    filler.write_bytes(b"\0" * max(0, (free_mb - 1)) * 1024 * 1024)  # leave about 1 MB

    (failed,) = service.ingest([report_text_path("sefton-2018")])
    assert failed.status == "failed"
    assert "disk holding the store is full" in failed.error and "nothing was changed" in failed.error, failed.error

    still_full = service.ingest([report_text_path("sefton-2018")])[0]
    assert "disk holding the store is full" in still_full.error, still_full.error
    # Space again: the running service writes again (before, its embedded SQLite kept the failed
    # transaction open and this ingest waited forever), and the store is as it was.
    filler.unlink()
    after_freeing = service.ingest([report_text_path("sefton-2018")])[0]
    assert after_freeing.status == "ingested", after_freeing.error
    service.delete_report("sefton-2018")
    fresh = build_service(settings, embedder=HashingEmbedder())
    assert [r["report_id"] for r in fresh.reports()] == ["leicester-city-2016"]
    assert len(fresh.store.all_paragraphs()) == 331
    assert fresh.search("child and adolescent mental health waiting times", k=3)
    (again,) = fresh.ingest([report_text_path("sefton-2018")])
    assert again.status == "ingested", again.error
