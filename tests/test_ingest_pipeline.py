"""Ingest on a real embedded Chroma store: idempotence, replacement, failures and bad input."""

from __future__ import annotations

import pytest

from tests.conftest import PDF_DIR, CountingEmbedder, report_text_path
from tests.pdf_rendering import render_image_only_pdf
from vectorstore.embeddings import HashingEmbedder


def stored_counts(service, report_id, version=None):
    """Raw record counts in Chroma for a report (one version, or every version), to catch
    duplicates and orphans: paragraphs, and the embedded texts (passages plus sentences)."""
    where = {"report_id": report_id}
    if version is not None:
        where = {"$and": [where, {"version": version}]}

    def count(collection):
        return len(collection.get(where=where, include=[])["ids"])

    store = service.store
    return count(store.paragraphs), count(store.passages) + count(store.sentences)


def test_reingest_of_unchanged_files_does_no_embedding(fast_service):
    first = fast_service.ingest()
    assert [o.status for o in first] == ["ingested", "ingested"]
    embedded = fast_service.embedder().documents_embedded
    assert embedded == sum(o.embedded_texts for o in first) > 500
    second = fast_service.ingest()
    assert [o.status for o in second] == ["unchanged", "unchanged"]
    assert fast_service.embedder().documents_embedded == embedded
    # The PDF of an already stored report is the same content: nothing to embed either.
    third = fast_service.ingest([PDF_DIR / "sefton-2018.pdf"])
    assert third[0].status == "unchanged" and fast_service.embedder().documents_embedded == embedded


def test_changed_file_replaces_the_report_completely(fast_service, tmp_path):
    original = report_text_path("sefton-2018").read_text(encoding="utf-8")
    fast_service.ingest([report_text_path("sefton-2018")])
    before = fast_service.report("sefton-2018")["counts"]
    changed = original.replace("1.4 Effective information sharing processes", "1.4 Revised wording about information sharing processes")
    changed = "\n".join(line for line in changed.splitlines() if not line.startswith("2.29 "))
    edited = tmp_path / "sefton-edited.txt"
    edited.write_text(changed, encoding="utf-8")
    outcome = fast_service.ingest([edited])[0]
    assert outcome.status == "replaced", outcome.error
    assert fast_service.paragraph("sefton-2018#1.4").text.startswith("Revised wording about information sharing")
    with pytest.raises(Exception):
        fast_service.paragraph("sefton-2018#2.29")
    after = fast_service.report("sefton-2018")["counts"]
    assert after["findings"] == before["findings"] - 1
    record = fast_service.report("sefton-2018")
    (replaced,) = record["earlier_versions"]  # the old version is kept whole, for a rollback
    paragraphs, passages = stored_counts(fast_service, "sefton-2018", record["version"])
    assert paragraphs == after["paragraphs"]  # no duplicates in the new version
    assert passages == outcome.embedded_texts
    old_paragraphs, _ = stored_counts(fast_service, "sefton-2018", replaced["version"])
    assert old_paragraphs == before["paragraphs"]
    everything, _ = stored_counts(fast_service, "sefton-2018")
    assert everything == after["paragraphs"] + before["paragraphs"]  # no orphans of any other version
    assert len(fast_service.store.all_paragraphs()) == after["paragraphs"]


def test_failed_ingest_leaves_the_previous_version_intact(settings, tmp_path):
    from assistant.service import build_service

    service = build_service(settings, embedder=CountingEmbedder(HashingEmbedder()))
    service.ingest([report_text_path("sefton-2018")])
    before = {p.citation_id: p.text for p in service.store.all_paragraphs()}
    edited = tmp_path / "sefton-edited.txt"
    edited.write_text(report_text_path("sefton-2018").read_text(encoding="utf-8").replace("Effective", "Changed"),
                      encoding="utf-8")
    crashing = build_service(settings, embedder=CountingEmbedder(HashingEmbedder(), fail_after_texts=100))
    outcome = crashing.ingest([edited])[0]
    assert outcome.status == "failed" and "crashed" in outcome.error and str(edited) in outcome.error
    assert {p.citation_id: p.text for p in crashing.store.all_paragraphs()} == before
    assert stored_counts(crashing, "sefton-2018")[0] == len(before)


BAD_INPUTS = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b"\n  \n\t\n", "empty file"),
    "binary.txt": (bytes(range(256)) * 20, "binary file"),
    "latin1.txt": ("Review of health services for Children Looked After and Safeguarding in Caf\u00e9".encode("latin-1"),
                   "undecodable bytes"),
    "notes.txt": (b"Minutes of the team meeting\n\nWe discussed the rota.\n", "not a CQC children's safeguarding report"),
    "report.docx": (b"PK\x03\x04 not really a docx", "unsupported file type"),
    "broken.pdf": (b"%PDF-1.4 this is not really a pdf", "unreadable PDF"),
}


def test_each_bad_input_gets_a_clear_error_and_the_good_files_still_ingest(fast_service, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    for name, (data, _) in BAD_INPUTS.items():
        (folder / name).write_bytes(data)
    render_image_only_pdf(folder / "scanned.pdf")
    (folder / "sefton-2018.txt").write_bytes(report_text_path("sefton-2018").read_bytes())
    files = [folder / name for name in BAD_INPUTS] + [folder / "scanned.pdf", folder / "sefton-2018.txt"]
    outcomes = {o.path: o for o in fast_service.ingest(files)}
    for name, (_, reason) in BAD_INPUTS.items():
        outcome = outcomes[str(folder / name)]
        assert outcome.status == "failed"
        assert str(folder / name) in outcome.error and reason in outcome.error, outcome.error
    assert "no text layer" in outcomes[str(folder / "scanned.pdf")].error
    assert outcomes[str(folder / "sefton-2018.txt")].status == "ingested"
    assert [r["report_id"] for r in fast_service.reports()] == ["sefton-2018"]


def test_bad_input_never_touches_stored_reports(fast_service, tmp_path):
    fast_service.ingest([report_text_path("sefton-2018")])
    before = stored_counts(fast_service, "sefton-2018")
    bad = tmp_path / "sefton-2018.txt"
    bad.write_bytes(b"\x00\x01garbage")
    assert fast_service.ingest([bad])[0].status == "failed"
    assert stored_counts(fast_service, "sefton-2018") == before


def test_long_paragraph_is_embedded_in_parts_but_cited_once(settings):
    from assistant.service import build_service

    settings.ingest.chunk_tokens = 40
    service = build_service(settings, embedder=CountingEmbedder(HashingEmbedder()))
    outcome = service.ingest([report_text_path("sefton-2018")])[0]
    paragraphs, embedded = stored_counts(service, "sefton-2018")
    passages = len(service.store.passages.get(where={"report_id": "sefton-2018"}, include=[])["ids"])
    assert embedded == outcome.embedded_texts and passages > paragraphs * 2
    results = service.search("safeguarding supervision records", k=10)
    ids = [r.id for r in results]
    assert len(ids) == len(set(ids)) == 10
    long_one = service.paragraph("sefton-2018#5.2.14")
    assert len(long_one.text) > 600 and "\n\n" in long_one.text  # one paragraph, whole text


def test_answers_and_drafts_use_the_sentence_vectors_stored_at_ingest(fast_service):
    fast_service.ingest()
    embedder = fast_service.embedder()
    before = embedder.documents_embedded
    answer = fast_service.ask("How are health assessments for children looked after carried out?")
    fast_service.draft("Health visitors do not record what the child says in their notes.")
    assert answer.relevance is not None
    assert embedder.documents_embedded == before  # only the questions were embedded
