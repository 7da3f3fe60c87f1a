"""The store of record: reports, paragraphs and embedded passages in Chroma.

Every write is versioned so that readers never see a half-written report: paragraphs and
passages of a new version are written under version-prefixed ids, then the report record
(which names the active version) is switched in one upsert, then older versions are deleted.
A crash at any point leaves either the old or the new version active, and the leftovers of
an interrupted write are purged by the next ingest of that report.
"""

from __future__ import annotations

import errno
import functools
import json
import logging
import re
import shutil
import time
from dataclasses import fields
from pathlib import Path
from typing import Iterable

import numpy as np

from ingest.models import Paragraph, Report
from vectorstore.errors import RecordNotFoundError, StoreError, StoreFullError, StoreUnavailableError
from vectorstore.passages import EmbeddedReport

logger = logging.getLogger(__name__)

# Candidates HNSW explores per search. Chroma's default, 100, is below the 120 candidates a search
# asks for and leaves the search approximate: on the two reports each process rebuilt a slightly
# different graph, and which paragraphs made a ranking's top 40 changed from run to run (a question
# whose paragraph the companion ranked 9th found it missing after a restart). This wide, the search
# is all but exact at these sizes and the same in every process.
SEARCH_EF = 1000
_COSINE = {"hnsw": {"space": "cosine", "ef_search": SEARCH_EF}}
# What a stored report holds; a report stored under an older layout is re-ingested even when
# its file is unchanged. 2: sentence vectors are stored with the passages. 3: the companion's
# vectors include each paragraph read with the long forms of its acronyms (passages.companion_passages).
STORE_LAYOUT = 3
# Rows of a version that is not active and older than this are leftovers of a killed writer.
STALE_WRITE_SECONDS = 3600.0
REPORTS_PER_READ = 10  # reports per bulk read (a report has a few hundred paragraphs)
_LIST_FIELDS = ("recommendations", "unresolved_recommendations", "pointed_by")
_PARAGRAPH_FIELDS = [f.name for f in fields(Paragraph)]


def _chroma_errors():
    """Exceptions that mean the store cannot be reached."""
    import httpx

    return (httpx.ConnectError, httpx.TimeoutException, httpx.RemoteProtocolError, ConnectionError)


def _reachable(method):
    """Turn a lost connection to the Chroma server into StoreUnavailableError (HTTP 503 at the
    edge). The HTTP client reconnects on the next call, so service resumes by itself."""

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            if self._reopen_needed:
                self._reopen_embedded()
            return method(self, *args, **kwargs)
        except _chroma_errors() as exc:
            raise StoreUnavailableError(
                f"the Chroma store is unreachable ({type(exc).__name__}: {exc}); "
                "requests will succeed again once it is back") from exc
        except StoreError:
            raise
        except Exception as exc:
            full = _disk_full(exc, self.client)
            if full is None:
                raise
            # After a write fails on a full disk, embedded Chroma's SQLite connection can keep the
            # failed transaction open (SQLite leaves it active when COMMIT fails with SQLITE_FULL)
            # and every later write waits on it: the next call opens the store afresh.
            self._reopen_needed = _embedded_path(self.client) is not None
            raise StoreFullError(full) from exc

    return call


_FULL_WORDS = ("disk is full", "no space left", "database or disk is full")
_FULL_HINTS = ("error in compaction", "failed to apply logs", "compactor")
_LOW_SPACE = 64 * 1024 * 1024


def _disk_full(exc: Exception, client) -> str | None:
    """A message saying the store's disk is full, when `exc` means that; else None. Chroma says
    it as "database or disk is full" or only as a compaction failure, so a compaction failure
    counts when the embedded store's disk has under 64 MB free."""
    text = str(exc).lower()
    path = _embedded_path(client)
    free = shutil.disk_usage(path).free if path and Path(path).exists() else None
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC or any(w in text for w in _FULL_WORDS) or (
            any(h in text for h in _FULL_HINTS) and free is not None and free < _LOW_SPACE):
        where = f" ({free / 1e6:.1f} MB free at {path})" if free is not None else ""
        return (f"the disk holding the store is full{where}; nothing was changed (the stored reports are as "
                f"they were). Free some space, then try again ({type(exc).__name__}: {exc})")
    return None


def _embedded_path(client) -> str | None:
    try:
        settings = client.get_settings()
    except Exception:  # noqa: BLE001 - a client without settings: not embedded
        return None
    return None if getattr(settings, "chroma_api_impl", "").endswith("FastAPI") else settings.persist_directory


def make_client(settings):
    """Embedded PersistentClient under the data dir, or an HttpClient when a server is configured."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.store.chroma_host:
        try:
            return chromadb.HttpClient(
                host=settings.store.chroma_host, port=settings.store.chroma_port, settings=chroma_settings
            )
        except Exception as exc:
            raise StoreUnavailableError(
                f"cannot reach the Chroma server at {settings.store.chroma_host}:{settings.store.chroma_port} "
                f"({exc}); start it or unset ASSISTANT_CHROMA_HOST to use the embedded store"
            ) from exc
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def collection_namespace(prefix: str, embedding_name: str) -> str:
    """Collections are per embedding model: vectors of two models never share an index."""
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", embedding_name).strip("-").lower()
    return f"{prefix}-{slug}"[:200]


def paragraph_to_metadata(paragraph: Paragraph, version: str) -> dict:
    metadata: dict = {"version": version}
    for name in _PARAGRAPH_FIELDS:
        if name == "text":
            continue
        value = getattr(paragraph, name)
        if name in _LIST_FIELDS:
            metadata[name] = json.dumps(value)
        elif value is not None:
            metadata[name] = value
    return metadata


def paragraph_from_record(document: str, metadata: dict) -> Paragraph:
    values = {name: metadata.get(name) for name in _PARAGRAPH_FIELDS if name != "text"}
    for name in _LIST_FIELDS:
        values[name] = json.loads(metadata.get(name) or "[]")
    values["text"] = document
    values["order"] = int(values.get("order") or 0)
    values["source_start"] = int(values.get("source_start") or 0)
    values["source_end"] = int(values.get("source_end") or 0)
    return Paragraph(**values)


def _where(*clauses: dict | None) -> dict | None:
    clauses = [c for c in clauses if c]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": list(clauses)}


def _in(field: str, values: Iterable[str] | None) -> dict | None:
    if values is None:
        return None
    values = list(values)
    return {field: {"$in": values}} if len(values) != 1 else {field: values[0]}


def report_from_record(record: dict) -> Report:
    return Report(**{f.name: record[f.name] for f in fields(Report) if f.name in record})


def _versions_of(record: dict | None) -> set[str]:
    """The active and kept versions a report record names."""
    if not record:
        return set()
    return {record["version"]} | {h["version"] for h in record.get("history") or []}


def _history_after(previous: dict | None, version: str, versions_kept: int) -> list[dict]:
    """The kept versions once `version` replaces `previous`: previous first (stamped with when it
    was replaced), then its own history, without `version` itself, at most versions_kept."""
    if not previous:
        return []
    earlier = previous.get("history") or []
    if previous["version"] != version:
        demoted = {k: v for k, v in previous.items() if k != "history"} | {"replaced_at": time.time()}
        earlier = [demoted, *earlier]
    return [h for h in earlier if h["version"] != version][:versions_kept]


def _search_wide(collection) -> None:
    """A collection made before SEARCH_EF (at Chroma's default) searches as wide from now on."""
    hnsw = (getattr(collection, "configuration_json", None) or {}).get("hnsw") or {}
    if hnsw.get("ef_search", SEARCH_EF) < SEARCH_EF:
        collection.modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})


class ParagraphStore:
    """Reports, paragraphs and passage vectors for one embedding model."""

    def __init__(self, client, namespace: str):
        self.client = client
        self.namespace = namespace
        self._reopen_needed = False
        self._open_collections()
        self.max_batch = max(1, min(int(client.get_max_batch_size()), 1000))

    def _open_collections(self) -> None:
        client, namespace = self.client, self.namespace
        try:
            self.reports = client.get_or_create_collection(
                f"{namespace}-reports", embedding_function=None, configuration=_COSINE)
            self.paragraphs = client.get_or_create_collection(
                f"{namespace}-paragraphs", embedding_function=None, configuration=_COSINE)
            self.passages = client.get_or_create_collection(
                f"{namespace}-passages", embedding_function=None, configuration=_COSINE)
            self.sentences = client.get_or_create_collection(
                f"{namespace}-sentences", embedding_function=None, configuration=_COSINE)
            self.companion = client.get_or_create_collection(
                f"{namespace}-companion", embedding_function=None, configuration=_COSINE)
            for collection in (self.passages, self.sentences, self.companion):
                _search_wide(collection)
        except _chroma_errors() as exc:
            raise StoreUnavailableError(f"the Chroma store is unreachable: {exc}") from exc

    def _reopen_embedded(self) -> None:
        """Stop this process's Chroma system for the embedded store and open it again (see
        `_reachable`). Until that works (the disk is still full) every call says the disk is full."""
        import chromadb
        from chromadb.api.shared_system_client import SharedSystemClient

        path, settings = _embedded_path(self.client), self.client.get_settings()
        stale = SharedSystemClient._identifier_to_system.pop(path, None)
        SharedSystemClient._identifier_to_refcount.pop(path, None)
        if stale is not None:
            try:
                stale.stop()
            except Exception:  # noqa: BLE001 - a broken system may fail to stop; it is dropped either way
                logger.warning("stopping the stale Chroma system at %s failed", path, exc_info=True)
        self.client = chromadb.PersistentClient(path=path, settings=settings)
        self._open_collections()
        self._reopen_needed = False
        logger.info("reopened the embedded Chroma store at %s after a full disk", path)

    # -- reports ---------------------------------------------------------------------------
    @_reachable
    def report_records(self) -> dict[str, dict]:
        """report_id -> stored report record (the Report fields plus version and embedding)."""
        got = self.reports.get(include=["documents"])
        return {rid: json.loads(doc) for rid, doc in zip(got["ids"], got["documents"])}

    @_reachable
    def active_versions(self) -> dict[str, str]:
        """report_id -> active version. Called on every search, so it reads only the small
        metadata written with each report record, not the report documents."""
        got = self.reports.get(include=["metadatas"])
        return {rid: metadata["version"] for rid, metadata in zip(got["ids"], got["metadatas"])}

    @_reachable
    def get_report(self, report_id: str) -> dict | None:
        got = self.reports.get(ids=[report_id], include=["documents"])
        return json.loads(got["documents"][0]) if got["ids"] else None

    def report(self, report_id: str) -> Report:
        return report_from_record(self.existing_report(report_id))

    def existing_report(self, report_id: str) -> dict:
        """The stored record of a report, or a not-found error naming it."""
        record = self.get_report(report_id)
        if record is None:
            raise RecordNotFoundError(f"no report {report_id!r} in the store; `assistant reports` lists them")
        return record

    # -- writes ----------------------------------------------------------------------------
    @_reachable
    def write_report(self, embedded: EmbeddedReport, embedding_name: str, versions_kept: int = 3) -> None:
        """Write a new version of the report's paragraphs, passages and sentences, switch the
        report record to it in one upsert, then delete the version it replaced.

        Safe with concurrent writers of the same report (two API workers, a CLI ingest beside
        the API): a writer deletes only the version it replaced (rows written before it started)
        and leftovers of killed runs (rows over STALE_WRITE_SECONDS old), never rows another
        writer may still switch to; after its switch it checks its own rows are all there and
        writes them again if not. Whichever writer switches last wins, with all of its rows.

        The replaced version joins the record's `history` (the last `versions_kept`, newest
        first) and keeps its rows, so `rollback` can switch back to it."""
        report = embedded.parsed.report
        version = report.content_hash[:16]
        started = time.time()
        previous = self.get_report(report.report_id)
        kept_before = _versions_of(previous)
        self.purge_versions(report.report_id, keep={version} | kept_before,
                            written_before=started - STALE_WRITE_SECONDS)
        self._write_rows(embedded, version, started)
        history = _history_after(previous, version, versions_kept)
        record = report.to_dict() | {"version": version, "embedding": embedding_name, "layout": STORE_LAYOUT,
                                     "replaced_at": None, "history": history}
        self._switch(report.report_id, record)
        for _attempt in range(3):  # a concurrent writer's clean-up may have removed some of ours
            if self.version_complete(report.report_id, version, embedded):
                break
            self._write_rows(embedded, version, time.time())
        for dropped in kept_before - {version} - {h["version"] for h in history}:
            self.purge_versions(report.report_id, only=dropped, written_before=started)

    def _switch(self, report_id: str, record: dict) -> None:
        """The switch: from here on readers see this record's version."""
        self.reports.upsert(ids=[report_id], documents=[json.dumps(record)], embeddings=[[1.0]],
                            metadatas=[{"version": record["version"]}])

    @_reachable
    def rollback(self, report_id: str, version: str | None = None) -> dict:
        """Make an earlier kept version (the newest, or `version`) active again; the version it
        replaces joins the history in its place. Returns the new active record."""
        current = self.existing_report(report_id)
        history = current.get("history") or []
        target = next((h for h in history if version is None or h["version"] == version), None)
        if target is None:
            kept = ", ".join(h["version"] for h in history) or "none"
            raise RecordNotFoundError(f"{report_id} has no earlier version {version or ''} kept (kept: {kept})".replace("  ", " "))
        if not self.version_complete(report_id, target["version"], paragraphs=target.get("counts", {}).get("paragraphs")):
            raise RecordNotFoundError(f"the rows of {report_id} version {target['version']} are no longer complete; "
                                      "it cannot be restored")
        rest = [h for h in history if h is not target]
        demoted = {k: v for k, v in current.items() if k != "history"} | {"replaced_at": time.time()}
        record = target | {"history": [demoted, *rest], "replaced_at": None}
        self._switch(report_id, record)
        return record


    def _write_rows(self, embedded: EmbeddedReport, version: str, written_at: float) -> None:
        report, paragraphs = embedded.parsed.report, embedded.parsed.paragraphs
        kinds = {p.citation_id: p.kind for p in paragraphs}
        self._upsert(
            self.paragraphs,
            ids=[f"{version}:{p.citation_id}" for p in paragraphs],
            documents=[p.text for p in paragraphs],
            metadatas=[paragraph_to_metadata(p, version) | {"written_at": written_at} for p in paragraphs],
            embeddings=embedded.paragraph_vectors,
        )
        units = [
            (self.passages, embedded.passages, embedded.passage_vectors, lambda item: item.passage_id),
            (self.sentences, embedded.sentences, embedded.sentence_vectors, lambda item: item.sentence_id),
        ]
        if embedded.companion_vectors is not None:  # '{version}:{citation_id}~c', and '~g' glossed (companion_passages)
            units.append((self.companion, embedded.companion_passages, embedded.companion_vectors,
                          lambda item: item.passage_id))
        for collection, items, vectors, id_of in units:
            self._upsert(
                collection,
                ids=[f"{version}:{id_of(item)}" for item in items],
                documents=[item.text for item in items],
                metadatas=[{"version": version, "citation_id": item.citation_id, "report_id": report.report_id,
                            "kind": kinds[item.citation_id], "written_at": written_at} for item in items],
                embeddings=vectors,
            )

    @_reachable
    def version_complete(self, report_id: str, version: str, embedded: EmbeddedReport | None = None,
                         paragraphs: int | None = None) -> bool:
        """Whether every row of this version is stored (all three kinds when `embedded` is given,
        else the paragraph count a report record states)."""
        expected = [(self.paragraphs, len(embedded.parsed.paragraphs) if embedded else paragraphs)]
        if embedded:
            expected += [(self.passages, len(embedded.passages)), (self.sentences, len(embedded.sentences))]
            if embedded.companion_vectors is not None:
                expected.append((self.companion, len(embedded.companion_passages)))
        where = _where({"report_id": report_id}, {"version": version})
        return all(len(collection.get(where=where, include=[])["ids"]) == count for collection, count in expected)

    @_reachable
    def citation_ids(self, report_id: str, version: str) -> set[str]:
        """The citation ids stored under one version of a report."""
        got = self.paragraphs.get(where=_where({"report_id": report_id}, {"version": version}), include=[])
        return {i.split(":", 1)[1] for i in got["ids"]}

    @_reachable
    def purge_versions(self, report_id: str, keep: set[str] | None = None, only: str | None = None,
                       written_before: float | None = None) -> None:
        """Delete rows of report_id: of every version not in `keep`, or of version `only`; with
        `written_before`, only rows written before that time (rows stored before write times were
        recorded count as old)."""
        if only is not None:
            version_clause = {"version": only}
        else:
            version_clause = {"version": {"$nin": sorted(keep)}} if keep else None
        where = _where({"report_id": report_id}, version_clause)
        for collection in (self.paragraphs, self.passages, self.sentences, self.companion):
            if written_before is None:
                collection.delete(where=where)
                continue
            found = collection.get(where=where, include=["metadatas"])
            old = [i for i, m in zip(found["ids"], found["metadatas"]) if (m or {}).get("written_at", 0) < written_before]
            for start in range(0, len(old), self.max_batch):
                collection.delete(ids=old[start:start + self.max_batch])

    @_reachable
    def delete_report(self, report_id: str) -> None:
        self.existing_report(report_id)
        self.reports.delete(ids=[report_id])  # readers stop seeing it at once
        self.purge_versions(report_id, keep=set())

    def _upsert(self, collection, ids, documents, metadatas, embeddings) -> None:
        for start in range(0, len(ids), self.max_batch):
            end = start + self.max_batch
            collection.upsert(
                ids=ids[start:end], documents=documents[start:end], metadatas=metadatas[start:end],
                embeddings=np.asarray(embeddings[start:end], dtype=np.float32),
            )

    # -- ingest jobs: kept in the store so every API worker on one Chroma server sees them ----
    @functools.cached_property
    def jobs(self):
        return self.client.get_or_create_collection(f"{self.namespace}-jobs", embedding_function=None)

    @_reachable
    def save_job(self, record: dict) -> None:
        self.jobs.upsert(ids=[record["id"]], documents=[json.dumps(record)], embeddings=[[1.0]],
                         metadatas=[{"created": float(record["created"])}])

    @_reachable
    def load_job(self, job_id: str) -> dict | None:
        got = self.jobs.get(ids=[job_id], include=["documents"])
        return json.loads(got["documents"][0]) if got["ids"] else None

    @_reachable
    def forget_old_jobs(self, keep: int) -> None:
        got = self.jobs.get(include=["metadatas"])
        by_age = sorted(zip(got["ids"], got["metadatas"]), key=lambda item: item[1]["created"])
        if len(by_age) > keep:
            self.jobs.delete(ids=[job_id for job_id, _ in by_age[:len(by_age) - keep]])

    # -- reads -----------------------------------------------------------------------------
    @staticmethod
    def _active_filter(versions: dict[str, str]) -> dict:
        return {"version": {"$in": sorted(versions.values()) or ["-none-"]}}

    @_reachable
    def get_paragraphs(self, citation_ids: list[str]) -> list[Paragraph]:
        """Active paragraphs by citation id, in the order asked; unknown ids are skipped."""
        versions = self.active_versions()
        ids = [f"{versions[cid.split('#', 1)[0]]}:{cid}" for cid in citation_ids if cid.split("#", 1)[0] in versions]
        if not ids:
            return []
        got = self.paragraphs.get(ids=ids, include=["documents", "metadatas"])
        found = {m["citation_id"]: paragraph_from_record(d, m) for d, m in zip(got["documents"], got["metadatas"])}
        return [found[cid] for cid in citation_ids if cid in found]

    def get_paragraph(self, citation_id: str) -> Paragraph:
        found = self.get_paragraphs([citation_id])
        if not found:
            raise RecordNotFoundError(f"no paragraph {citation_id!r}; ids look like 'sefton-2018#1.3' or 'sefton-2018#rec:2.1'")
        return found[0]

    @_reachable
    def sentence_vectors(self, citation_ids: Iterable[str]) -> dict[str, np.ndarray]:
        """Sentence text -> the vector stored at ingest, for the active paragraphs asked for."""
        citation_ids = sorted(set(citation_ids))
        versions = self.active_versions()
        if not citation_ids:
            return {}
        got = self.sentences.get(where=_in("citation_id", citation_ids), include=["documents", "embeddings"])
        return {text: np.asarray(vector, dtype=np.float32)
                for record_id, text, vector in zip(got["ids"], got["documents"], got["embeddings"])
                if _active_citation(record_id, "@", versions)}

    @_reachable
    def all_paragraphs(self, report_ids: Iterable[str] | None = None) -> list[Paragraph]:
        versions = self.active_versions()
        if report_ids is not None:
            wanted = set(report_ids)
            versions = {rid: v for rid, v in versions.items() if rid in wanted}
        return self.paragraphs_of_versions(list(versions.values()))

    @_reachable
    def paragraphs_of_versions(self, versions: list[str]) -> list[Paragraph]:
        """The paragraphs stored under these versions, sorted by report and order. Read a few
        versions at a time: one read of a large corpus would pass more ids than SQLite allows
        in one statement ("too many SQL variables")."""
        ordered = sorted(set(versions))
        paragraphs = []
        for start in range(0, len(ordered), REPORTS_PER_READ):
            got = self.paragraphs.get(where=_in("version", ordered[start:start + REPORTS_PER_READ]),
                                      include=["documents", "metadatas"])
            paragraphs += [paragraph_from_record(d, m) for d, m in zip(got["documents"], got["metadatas"])]
        return sorted(paragraphs, key=lambda p: (p.report_id, p.order))

    @_reachable
    def dense_search(
        self, vector: np.ndarray, n: int, report_ids: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None, versions: dict[str, str] | None = None, unit: str = "passages",
    ) -> list[tuple[str, float]]:
        """(citation_id, cosine similarity) of the best passages (or, with unit="sentences", the
        best sentences; with unit="companion", the best paragraphs by the companion embedder,
        whose vector `vector` must then be), best first, one entry per paragraph. `versions` is a snapshot of
        active_versions() the caller already holds (read if omitted).

        Passage ids carry their version and citation id, so the query asks Chroma for ids and
        distances only and drops inactive versions itself; only when old or half-written
        versions crowd out the candidates does it ask again with the version filter."""
        versions = self.active_versions() if versions is None else versions
        if report_ids is not None:
            report_ids = sorted(set(report_ids))
            versions = {rid: v for rid, v in versions.items() if rid in report_ids}
        if not versions:
            return []
        if unit not in _UNIT_SEPARATORS:
            raise ValueError(f"unit is {unit!r}; it must be one of {', '.join(_UNIT_SEPARATORS)}")
        collection, separator = getattr(self, unit), _UNIT_SEPARATORS[unit]
        query = np.asarray(vector, dtype=np.float32)
        restriction = _where(_in("report_id", report_ids), _in("kind", kinds))
        got = collection.query(query_embeddings=[query], n_results=n * 3, where=restriction, include=["distances"])
        best, skipped = _best_per_paragraph(got["ids"][0], got["distances"][0], versions, separator)
        if skipped and len(best) < n:
            got = collection.query(query_embeddings=[query], n_results=n * 3, include=["distances"],
                                   where=_where(self._active_filter(versions), _in("kind", kinds)))
            best, _ = _best_per_paragraph(got["ids"][0], got["distances"][0], versions, separator)
        return sorted(best.items(), key=lambda item: -item[1])[:n]


def _active_citation(record_id: str, separator: str, versions: dict[str, str]) -> str | None:
    """The citation id of a passage ('{version}:{citation_id}~{n}') or sentence
    ('{version}:{citation_id}@{start}') record, or None when its version is not its report's
    active one."""
    version, _, rest = record_id.partition(":")
    citation_id = rest.rsplit(separator, 1)[0]
    return citation_id if versions.get(citation_id.split("#", 1)[0]) == version else None


_UNIT_SEPARATORS = {"passages": "~", "sentences": "@", "companion": "~"}  # what ends the citation id in a record id


def _best_per_paragraph(ids: list[str], distances: list[float], versions: dict[str, str], separator: str = "~"):
    """citation_id -> best cosine over its passages (or sentences) of an active version; and how
    many records were of another version."""
    best: dict[str, float] = {}
    skipped = 0
    for record_id, distance in zip(ids, distances):
        citation_id = _active_citation(record_id, separator, versions)
        if citation_id is None:
            skipped += 1
            continue
        best[citation_id] = max(best.get(citation_id, -1.0), 1.0 - float(distance))
    return best, skipped
