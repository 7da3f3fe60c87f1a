"""Comparing areas: the matrix on the two real reports (cited cells, summaries, recurring
findings, exports read back), the same over a 20x synthetic corpus, and the errors."""

from __future__ import annotations

import csv
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from assistant.answers.comparison_exports import COLUMNS, export_comparison
from assistant.errors import InvalidInputError, NotFoundError
from assistant.service import build_service
from benchmarks.synthetic import embed_originals, write_scaled_corpus
from evals.comparisons import comparison_citation_errors
from ingest.parser import parse_report
from ingest.sources import load_source
from tests.conftest import REPORT_NAMES, report_text_path
from vectorstore.embeddings import HashingEmbedder

pytestmark = pytest.mark.slow

IHA = "initial health assessments when children come into care"


def test_a_theme_gives_one_cited_row_per_report_earliest_review_first(real_service):
    comparison = real_service.compare(IHA).to_dict()

    assert [r["report_id"] for r in comparison["reports"]] == ["leicester-city-2016", "sefton-2018"]
    assert [r["review_year"] for r in comparison["reports"]] == ["2016", "2018"]
    (column,) = comparison["columns"]
    cells = {cell["report_id"]: cell for cell in column["cells"]}
    leicester = [f["id"] for f in cells["leicester-city-2016"]["findings"]]
    assert {"leicester-city-2016#4.1", "leicester-city-2016#5.2.2"} <= set(leicester)
    # The judgement states the verdict of the finding most on the theme, and cites it.
    assert "delays" in cells["leicester-city-2016"]["judgement"]
    assert cells["leicester-city-2016"]["citations"][0]["id"] == leicester[0]
    for cell in column["cells"]:
        assert cell["findings"] and all(f["report_id"] == cell["report_id"] for f in cell["findings"])
        for finding in cell["findings"]:
            stored = real_service.paragraph(finding["id"])
            assert stored.kind == "finding"
            assert stored.text[finding["start"]:finding["end"]] == finding["quote"]
            assert [r["id"] for r in finding["recommendations"]] == [
                r for r in stored.recommendations if r.split("#")[1].startswith("rec:")]
            assert finding["led_to_recommendation"] == bool(stored.recommendations)
    checked, problems = comparison_citation_errors(real_service, comparison)
    assert checked > 8 and problems == []
    assert column["summary_citations"] and "[sefton-2018#" in column["summary"]
    assert "[leicester-city-2016#" in column["summary"]


def test_a_section_theme_takes_the_findings_of_that_section(real_service):
    comparison = real_service.compare(["early help", "governance"]).to_dict()

    assert [c["theme"] for c in comparison["columns"]] == ["early help", "governance"]
    for column, section in zip(comparison["columns"], ("1. Early help", "5.2 Governance")):
        assert len(column["cells"]) == 2
        for cell in column["cells"]:
            assert len(cell["findings"]) == real_service.settings.compare.findings_per_row
            for finding in cell["findings"]:
                assert real_service.paragraph(finding["id"]).section.endswith(section)


def test_recurring_findings_group_the_same_problem_across_reports_with_what_each_was_told(real_service):
    groups = real_service.recurring("asking pregnant women about domestic abuse")
    paragraphs = real_service.retriever.corpus().paragraphs
    first = groups[0].to_dict(paragraphs)

    assert first["recurs"] and first["reports"] == 2
    ids = [f["id"] for f in first["findings"]]
    assert ids == ["leicester-city-2016#1.7", "sefton-2018#2.2"]  # one line, earliest review first
    told = {f["id"]: [r["id"] for r in f["recommendations"]] for f in first["findings"]}
    assert told == {"leicester-city-2016#1.7": ["leicester-city-2016#rec:3.13"],
                    "sefton-2018#2.2": ["sefton-2018#rec:2.2"]}
    assert all(not g.recurs for g in groups[1:]) or len(groups[1].report_ids) == 2


def test_exports_read_back_with_one_row_per_cell(real_service, tmp_path):
    comparison = real_service.compare(["waiting times for CAMHS", "early help"]).to_dict()
    cells = [(c["theme"], cell["report_id"], [f["id"] for f in cell["findings"]], [f["quote"] for f in cell["findings"]])
             for c in comparison["columns"] for cell in c["cells"]]

    rows = list(csv.DictReader(io.StringIO(export_comparison(comparison, "csv").decode("utf-8"))))
    assert [(r["theme"], r["report_id"], r["finding_ids"].split("\n"), r["finding_quotes"].split("\n"))
            for r in rows] == cells
    sefton_camhs = rows[1]
    assert sefton_camhs["recommendation_ids"].startswith("sefton-2018#rec:")

    path = tmp_path / "comparison.xlsx"
    path.write_bytes(export_comparison(comparison, "xlsx"))
    sheet = load_workbook(path).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == COLUMNS
    assert [(v[0], v[1], v[5].split("\n")) for v in values[1:]] == [(t, r, ids) for t, r, ids, _ in cells]

    path = tmp_path / "comparison.docx"
    path.write_bytes(export_comparison(comparison, "docx"))
    document = Document(str(path))
    (table,) = document.tables
    assert len(table.rows) == 3 and len(table.columns) == 3
    assert table.cell(0, 1).text == "waiting times for CAMHS" and table.cell(2, 0).text == "Sefton (2018)"
    assert "[1]" in table.cell(1, 1).text
    listed = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    first_id = cells[0][2][0]
    assert listed[0].startswith(f"{first_id}: \u201c{cells[0][3][0]}\u201d")
    assert len(listed) == len({i for _, _, ids, _ in cells for i in ids})


def test_bad_requests_name_what_is_wrong(real_service):
    with pytest.raises(NotFoundError, match="nowhere-2020"):
        real_service.compare("early help", ["sefton-2018", "nowhere-2020"])
    with pytest.raises(InvalidInputError, match="theme is empty"):
        real_service.compare(["early help", "  "])
    with pytest.raises(InvalidInputError, match="limit is 12"):
        real_service.compare([f"theme {n}" for n in range(13)])
    with pytest.raises(ValueError, match="format"):
        export_comparison({"themes": [], "reports": [], "columns": []}, "pdf")


def test_a_comparison_over_a_20x_corpus_has_every_report_in_review_order(settings):
    embedder = HashingEmbedder()
    service = build_service(settings, embedder=embedder)
    parsed = [parse_report(load_source(report_text_path(name))) for name in REPORT_NAMES]
    write_scaled_corpus(service.store, embed_originals(parsed, embedder, settings), 20, embedder.name)

    comparison = service.compare(["initial health assessments", "supervision"]).to_dict()

    rows = comparison["reports"]
    assert len(rows) == 40
    assert [r["report_id"] for r in rows] == ([f"leicester-city-2016-copy{n:03d}" for n in range(20)]
                                              + [f"sefton-2018-copy{n:03d}" for n in range(20)])
    for column in comparison["columns"]:
        assert [cell["report_id"] for cell in column["cells"]] == [r["report_id"] for r in rows]
        by_report = {cell["report_id"]: [f["id"].split("#")[1] for f in cell["findings"]] for cell in column["cells"]}
        # Every copy of a report is the same report: the same paragraphs, under its own ids.
        for name in REPORT_NAMES:
            copies = [by_report[f"{name}-copy{n:03d}"] for n in range(20)]
            assert copies[0] and all(c == copies[0] for c in copies)
        for cell in column["cells"]:
            assert all(f["id"].startswith(cell["report_id"] + "#") for f in cell["findings"])
        # 20 copies of one finding are one recurring line, not 20.
        assert column["recurring"] and column["recurring"][0]["reports"] >= 20
    checked, problems = comparison_citation_errors(service, comparison)
    assert checked > 160 and problems == []
