"""The benchmark's own parts: the synthetic corpus, the latency summary and the target checks."""

from __future__ import annotations

from assistant.service import build_service
from benchmarks.run import bench_compare
from benchmarks.synthetic import embed_originals, write_scaled_corpus
from benchmarks.targets import check_targets
from benchmarks.timing import summarize_ms
from ingest.parser import parse_report
from ingest.sources import load_source
from tests.conftest import REPORT_NAMES, report_text_path
from vectorstore.embeddings import HashingEmbedder


def test_synthetic_copies_are_whole_reports_under_new_ids(settings):
    embedder = HashingEmbedder()
    service = build_service(settings, embedder=embedder)
    parsed = [parse_report(load_source(report_text_path(name))) for name in REPORT_NAMES]
    written = write_scaled_corpus(service.store, embed_originals(parsed, embedder, settings), 3, embedder.name)

    assert written == 3 * sum(len(p.paragraphs) for p in parsed)
    assert sorted(service.store.report_records()) == sorted(f"{name}-copy{n:03d}" for name in REPORT_NAMES
                                                            for n in range(3))
    original = next(p for p in parsed[1].paragraphs if p.recommendations)
    finding = service.paragraph(f"sefton-2018-copy002#{original.para}")
    assert finding.text == original.text
    assert finding.recommendations and all(r.startswith("sefton-2018-copy002#rec:") for r in finding.recommendations)
    for recommendation in finding.recommendations:
        assert service.paragraph(recommendation).kind == "recommendation"  # links resolve inside the copy
    hits = service.search("health assessments for looked after children", k=10)
    assert hits and all("-copy" in hit.report_id for hit in hits)


def test_latency_summary_percentiles():
    summary = summarize_ms([i / 1000 for i in range(1, 101)])  # 1..100 ms
    assert summary["n"] == 100
    assert summary["p50_ms"] == 50.5 and summary["p95_ms"] == 95.05 and summary["p99_ms"] == 99.01


def test_targets_flag_a_miss_and_skip_what_was_not_measured():
    results = {"queries": {"search_to_floor_p50": 1.6, "ask_extractive": {"p95_ms": 80.0}},
               "ingest": {"beyond_embedding_share": 0.1, "reingest_unchanged_s": 0.2}}
    checks = {c["name"]: c["met"] for c in check_targets(results)}
    assert checks["search p50 / one-query embedding p50"] is False
    assert checks["extractive ask p95 (two reports)"] is True
    assert "serving peak RSS" not in checks and "100x-corpus search p95 (worst backend)" not in checks


def test_the_comparison_benchmark_times_the_extractive_judgements(fast_service):
    """The default engine is the local model (about 10 s a cell); the bench's compare row is the
    extractive judgements' (2026-12-04: it had timed the default engine, 23 s p95)."""
    fast_service.ingest()
    engines = []
    compare = fast_service.compare
    fast_service.compare = lambda theme, *args, **kwargs: engines.append(kwargs.get("engine")) or compare(theme, *args, **kwargs)
    summary = bench_compare(fast_service, ["supervision of safeguarding practice"])
    assert summary["n"] == 1
    assert engines == ["extractive", "extractive"]  # the warm-up and the timed comparison
