"""One contract for the paragraph store, run against embedded Chroma and a `chroma run` server."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from assistant.service import build_service
from assistant.settings import Settings
from benchmarks.local_servers import chroma_server
from ingest.parser import parse_report
from ingest.sources import load_source
from tests.conftest import REPORTS_DIR, report_text_path
from vectorstore.embeddings import HashingEmbedder
from vectorstore.errors import RecordNotFoundError
from vectorstore.indexing import embed_report


@pytest.fixture(scope="module", params=["embedded", "server"])
def backend_settings(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(request.param)
    if request.param == "embedded":
        yield Settings(data_dir=root / "data", reports_dir=REPORTS_DIR)
        return
    with chroma_server(root / "chroma-server") as (host, port):
        yield Settings(data_dir=root / "data", reports_dir=REPORTS_DIR, chroma_host=host, chroma_port=port)


@pytest.fixture
def store(backend_settings, request):
    backend_settings.store.collection_prefix = f"t{abs(hash(request.node.name)) % 10**8}"
    return build_service(backend_settings, embedder=HashingEmbedder()).store


def write(store, name="sefton-2018", mutate=None, versions_kept=3):
    source = load_source(report_text_path(name))
    parsed = parse_report(source)
    if mutate:
        mutate(parsed)
        from ingest.parser import content_hash
        parsed.report.content_hash = content_hash(parsed.report, parsed.paragraphs)
    embedder = HashingEmbedder()
    store.write_report(embed_report(parsed, embedder, 200, 1), embedder.name, versions_kept)
    return parsed


def test_written_paragraphs_read_back_exactly(store):
    parsed = write(store)
    stored = store.all_paragraphs()
    assert [p.to_dict() for p in stored] == [p.to_dict() for p in parsed.paragraphs]
    assert store.get_paragraph("sefton-2018#rec:12.3").pointed_by == parsed.paragraph("rec:12.3").pointed_by
    assert store.get_report("sefton-2018")["counts"] == parsed.report.counts


def test_get_paragraphs_keeps_order_and_skips_unknown(store):
    write(store)
    ids = ["sefton-2018#2.2", "sefton-2018#nope", "sefton-2018#1.1", "other-2020#1.1"]
    assert [p.citation_id for p in store.get_paragraphs(ids)] == ["sefton-2018#2.2", "sefton-2018#1.1"]
    with pytest.raises(RecordNotFoundError):
        store.get_paragraph("sefton-2018#99.1")


def test_new_version_replaces_old_without_leftovers(store):
    write(store)
    old_version = store.active_versions()["sefton-2018"]

    def drop_last_finding(parsed):
        parsed.paragraphs[:] = [p for p in parsed.paragraphs if p.para != "5.3.22"]
        parsed.paragraph("1.1").text = "Rewritten first finding."

    parsed = write(store, mutate=drop_last_finding, versions_kept=0)  # no earlier version kept
    assert store.active_versions()["sefton-2018"] != old_version
    assert store.get_paragraph("sefton-2018#1.1").text == "Rewritten first finding."
    assert len(store.paragraphs.get(where={"report_id": "sefton-2018"}, include=[])["ids"]) == len(parsed.paragraphs)
    assert not store.get_paragraphs(["sefton-2018#5.3.22"])


def test_a_kept_earlier_version_is_invisible_to_readers_until_rolled_back(store):
    original = write(store)
    old_version = store.active_versions()["sefton-2018"]

    def rewrite(parsed):
        parsed.paragraph("1.1").text = "Rewritten first finding."

    write(store, mutate=rewrite)  # keeps the original's rows for rollback
    assert store.get_paragraph("sefton-2018#1.1").text == "Rewritten first finding."
    assert len(store.all_paragraphs()) == len(original.paragraphs)
    assert {cid for cid, _ in store.dense_search(HashingEmbedder().embed_query("first finding"), 400)} == \
        {p.citation_id for p in original.paragraphs}  # one hit per paragraph: the old version is not searched
    store.rollback("sefton-2018")
    assert store.active_versions()["sefton-2018"] == old_version
    assert store.get_paragraph("sefton-2018#1.1").text == original.paragraph("1.1").text


def test_dense_search_filters_by_report_and_kind(store):
    write(store, "sefton-2018")
    write(store, "leicester-city-2016")
    vector = HashingEmbedder().embed_query("midwives maternity safeguarding training")
    both = store.dense_search(vector, 20)
    assert {cid.split("#")[0] for cid, _ in both} == {"sefton-2018", "leicester-city-2016"}
    assert len({cid for cid, _ in both}) == len(both)
    assert [s for _, s in both] == sorted((s for _, s in both), reverse=True)
    only = store.dense_search(vector, 20, report_ids=["leicester-city-2016"], kinds=["recommendation"])
    assert only and all(cid.startswith("leicester-city-2016#rec:") for cid, _ in only)


def test_dense_search_ranks_as_exact_cosine_does(store):
    """The candidates a search asks for are the true nearest ones, the same in every process (at
    Chroma's default search width HNSW was approximate, and each process its own approximation)."""
    write(store, "sefton-2018")
    write(store, "leicester-city-2016")
    stored = store.passages.get(include=["embeddings"])
    vectors = np.asarray(stored["embeddings"], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    citations = [record_id.split(":", 1)[1].rsplit("~", 1)[0] for record_id in stored["ids"]]
    for question in ("midwives maternity safeguarding training", "waiting times for CAMHS", "voice of the child"):
        query = np.asarray(HashingEmbedder().embed_query(question), dtype=np.float32)
        cosines = vectors @ (query / np.linalg.norm(query))
        best: dict[str, float] = {}
        for citation, cosine in zip(citations, cosines):
            best[citation] = max(best.get(citation, -1.0), float(cosine))
        exact = sorted(best.values(), reverse=True)[:40]
        found = store.dense_search(query, 40)
        # ties aside, the same paragraphs: the same best cosines, in order
        assert [round(score, 4) for _, score in found] == [round(score, 4) for score in exact]
        assert all(abs(best[cid] - score) < 1e-4 for cid, score in found)


def test_a_store_made_at_chromas_default_search_width_searches_wider_when_opened(backend_settings, store):
    from vectorstore.chroma_store import SEARCH_EF, ParagraphStore

    for collection in (store.passages, store.sentences, store.companion):
        assert collection.configuration_json["hnsw"]["ef_search"] >= SEARCH_EF
    narrow = store.client.get_or_create_collection(f"{store.namespace}x-passages", embedding_function=None,
                                                   configuration={"hnsw": {"space": "cosine"}})
    assert narrow.configuration_json["hnsw"]["ef_search"] < SEARCH_EF
    reopened = ParagraphStore(store.client, f"{store.namespace}x")
    assert reopened.passages.configuration_json["hnsw"]["ef_search"] == SEARCH_EF
    assert reopened.passages.configuration_json["hnsw"]["space"] == "cosine"


def test_dense_search_over_sentences_names_paragraphs_of_the_active_version(store):
    parsed = write(store, "sefton-2018")
    sentence = next(p for p in parsed.paragraphs if p.kind == "finding" and p.text.count(". ") >= 2)
    last = sentence.text.split(". ")[-1]
    hits = store.dense_search(HashingEmbedder().embed_query(last), 10, unit="sentences")
    assert hits[0][0] == sentence.citation_id  # the paragraph holding the sentence, not a sentence id
    assert len({cid for cid, _ in hits}) == len(hits)
    only = store.dense_search(HashingEmbedder().embed_query(last), 10, kinds=["recommendation"], unit="sentences")
    assert only and all("#rec:" in cid for cid, _ in only)
    with pytest.raises(ValueError, match="unit is 'words'"):
        store.dense_search(HashingEmbedder().embed_query(last), 10, unit="words")


def test_delete_report(store):
    write(store, "sefton-2018")
    write(store, "leicester-city-2016")
    store.delete_report("sefton-2018")
    assert list(store.report_records()) == ["leicester-city-2016"]
    assert store.paragraphs.get(where={"report_id": "sefton-2018"}, include=[])["ids"] == []
    assert store.passages.get(where={"report_id": "sefton-2018"}, include=[])["ids"] == []
    with pytest.raises(RecordNotFoundError):
        store.delete_report("sefton-2018")


def test_interrupted_write_is_invisible_and_purged(store):
    parsed = write(store)
    active = store.active_versions()["sefton-2018"]
    # A crashed writer left paragraphs of another version behind, without switching the report record.
    store.paragraphs.upsert(ids=["deadbeef:sefton-2018#1.1"], documents=["half-written"],
                            metadatas=[{"version": "deadbeef", "report_id": "sefton-2018", "citation_id": "sefton-2018#1.1"}],
                            embeddings=[np.ones(HashingEmbedder().dimension, dtype=np.float32)])
    assert store.get_paragraph("sefton-2018#1.1").text == parsed.paragraph("1.1").text
    assert len(store.all_paragraphs()) == len(parsed.paragraphs)
    store.purge_versions("sefton-2018", keep={active})
    assert store.paragraphs.get(ids=["deadbeef:sefton-2018#1.1"], include=[])["ids"] == []


class _PausedSwitch:
    """The reports collection of one writer, whose switch (the record upsert) waits until told."""

    def __init__(self, collection, reached: threading.Event, go_on: threading.Event):
        self._collection, self._reached, self._go_on = collection, reached, go_on

    def upsert(self, **kwargs):
        self._reached.set()
        assert self._go_on.wait(120)
        return self._collection.upsert(**kwargs)

    def __getattr__(self, name):
        return getattr(self._collection, name)


def _changed(marker: str):
    def mutate(parsed):
        parsed.paragraphs[5].text += f" {marker}"
    return mutate


def test_two_writers_of_one_report_never_leave_it_empty(backend_settings, store):
    """Writer A has written its rows and is about to switch when writer B writes another version
    from start to end; then A switches. Before: B's clean-up deleted A's rows and A's deleted B's,
    leaving the report with a record and no rows. Now the last switch wins, complete."""
    write(store)  # the version both replace
    writer_a = build_service(backend_settings, embedder=HashingEmbedder()).store  # another process, in effect
    reached, go_on = threading.Event(), threading.Event()
    writer_a.reports = _PausedSwitch(writer_a.reports, reached, go_on)
    failures = []
    thread = threading.Thread(target=lambda: _run(failures, write, writer_a, mutate=_changed("version A")))
    thread.start()
    assert reached.wait(120)
    write(store, mutate=_changed("version B"))  # writer B, start to end, while A waits to switch
    go_on.set()
    thread.join(120)
    assert not failures, failures

    active = store.get_report("sefton-2018")
    stored = store.all_paragraphs()
    assert len(stored) == active["counts"]["paragraphs"] == 275
    assert "version A" in stored[5].text  # A switched last: its version, complete
    assert store.version_complete("sefton-2018", active["version"], paragraphs=275)
    version_rows = {m["version"] for m in store.sentences.get(where={"report_id": "sefton-2018"}, include=["metadatas"])["metadatas"]}
    assert active["version"] in version_rows


def test_unchanged_reupload_repairs_missing_rows(backend_settings, store):
    """A report whose record is intact but whose rows were lost is written again, not called unchanged."""
    from vectorstore.indexing import ingest_file

    write(store)
    store.paragraphs.delete(where={"report_id": "sefton-2018"})
    outcome = ingest_file(report_text_path("sefton-2018"), store, HashingEmbedder, backend_settings)
    assert outcome.status == "replaced" and "incomplete" in " ".join(outcome.warnings)
    assert len(store.all_paragraphs()) == 275
    again = ingest_file(report_text_path("sefton-2018"), store, HashingEmbedder, backend_settings)
    assert again.status == "unchanged"


def _run(failures: list, function, *args, **kwargs):
    try:
        function(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - reported by the test
        failures.append(repr(exc))
