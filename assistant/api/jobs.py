"""Background ingest jobs for uploaded report files: one worker thread, so a long ingest never
blocks queries, with status and progress for GET /v1/jobs/{id}.

Job records are also written to the store, so with several API workers on one Chroma server
any worker can answer for a job another one runs (progress is written at most twice a second)."""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.errors import SERVICE_ERRORS

log = logging.getLogger(__name__)
PROGRESS_WRITE_SECONDS = 0.5


@dataclass
class Job:
    id: str
    files: list[str]  # the names the client gave (shown back, never used as paths)
    status: str = "queued"  # queued | running | done | failed
    stage: str = ""
    done: int = 0
    total: int = 0
    created: float = field(default_factory=time.time)
    finished: float | None = None
    outcomes: list[dict] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


class IngestJobs:
    def __init__(self, service, keep: int = 100):
        self.service = service
        self.keep = keep
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest")

    def submit(self, uploads: list[tuple[str, bytes, str]], replace: bool = False) -> Job:
        """uploads: (client file name, content, suffix). Files are written under server-chosen
        names in a private temporary folder."""
        job = Job(uuid.uuid4().hex, [name for name, _, _ in uploads])
        folder = Path(tempfile.mkdtemp(prefix=f"upload-{job.id[:8]}-"))
        paths = []
        for index, (_, content, suffix) in enumerate(uploads):
            path = folder / f"upload-{index}{suffix}"
            path.write_bytes(content)
            paths.append(path)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self.keep:
                self._jobs.popitem(last=False)
        self._share(job)
        self._worker.submit(self._run, job, paths, folder, replace)
        return job

    def get(self, job_id: str) -> Job | None:
        """This worker's job, or one another worker on the same store runs."""
        with self._lock:
            local = self._jobs.get(job_id)
        if local is not None:
            return local
        record = self.service.store.load_job(job_id)
        return Job(**record) if record else None

    def _share(self, job: Job) -> None:
        try:
            self.service.store.save_job(job.to_dict())
        except SERVICE_ERRORS as exc:  # the store is down: this worker still answers for its jobs
            log.warning("could not share job %s through the store: %s", job.id, exc)

    def _run(self, job: Job, paths: list[Path], folder: Path, replace: bool = False) -> None:
        job.status = "running"
        self._share(job)
        names = dict(zip(map(str, paths), job.files))
        last_shared = time.monotonic()

        def progress(stage: str, done: int, total: int) -> None:
            nonlocal last_shared
            job.stage, job.done, job.total = stage, done, total
            if time.monotonic() - last_shared >= PROGRESS_WRITE_SECONDS:
                last_shared = time.monotonic()
                self._share(job)

        try:
            outcomes = self.service.ingest(paths, progress=progress, source_names=names, replace=replace)
            for outcome in outcomes:
                record = outcome.to_dict()
                record["path"] = names.get(str(outcome.path), Path(str(outcome.path)).name)
                if record.get("error"):
                    record["error"] = record["error"].replace(str(outcome.path), record["path"])
                job.outcomes.append(record)
            job.status = "failed" if any(o.status == "failed" for o in outcomes) else "done"
        except Exception as exc:  # noqa: BLE001 - the job reports it; the server carries on
            job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            job.finished = time.time()
            shutil.rmtree(folder, ignore_errors=True)
            self._share(job)
            try:
                self.service.store.forget_old_jobs(self.keep)
            except SERVICE_ERRORS as exc:
                log.warning("could not prune old jobs: %s", exc)

    def shutdown(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)
