"""The parser on the two real reports, checked against counts and texts read from the raw
files independently of the parser."""

from __future__ import annotations

import re

import pytest

from ingest.parser import parse_report
from ingest.sources import load_source
from tests.conftest import REPORT_NAMES, report_text_path


def raw_lines(name: str) -> list[str]:
    return report_text_path(name).read_text(encoding="utf-8").splitlines()


def independent_counts(name: str) -> tuple[int, int]:
    """Numbered findings between "The child's journey" and "Recommendations" (sub-headings such as
    '5.1 Leadership and management' excluded), and numbered items after "Recommendations"."""
    findings = recommendations = 0
    zone = None
    for line in raw_lines(name):
        stripped = line.strip()
        if stripped == "The child's journey":
            zone = "findings"
        elif stripped == "Recommendations":
            zone = "recommendations"
        elif stripped == "Next steps":
            zone = None
        elif zone == "findings" and re.match(r"^\d+\.\d+(\.\d+)? \S", stripped):
            is_subheading = re.match(r"^\d\.\d [A-Z][^.]*$", stripped) and len(stripped.split()) <= 6
            findings += not is_subheading
        elif zone == "recommendations" and re.match(r"^[-*\s]*\d+\.\d+ \S", stripped):
            recommendations += 1
    return findings, recommendations


def raw_paragraph_start(name: str, number: str) -> str:
    for line in raw_lines(name):
        if line.startswith(number + " "):
            return line[len(number) + 1:].replace("*", "")[:80]
    raise AssertionError(f"{number} not in {name}")


@pytest.fixture(scope="module")
def parsed():
    return {name: parse_report(load_source(report_text_path(name))) for name in REPORT_NAMES}


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_counts_match_an_independent_count(parsed, name):
    findings, recommendations = independent_counts(name)
    report = parsed[name].report
    assert findings > 100 and recommendations > 40  # the counter itself found real content
    assert report.counts["findings"] == findings
    assert report.counts["recommendations"] == recommendations
    assert report.counts["paragraphs"] == len(parsed[name].paragraphs)


def test_known_counts(parsed):
    assert parsed["leicester-city-2016"].report.counts["findings"] == 145
    assert parsed["leicester-city-2016"].report.counts["recommendations"] == 59
    assert parsed["sefton-2018"].report.counts["findings"] == 145
    assert parsed["sefton-2018"].report.counts["recommendations"] == 49


@pytest.mark.parametrize("name,number", [
    ("leicester-city-2016", "1.4"), ("leicester-city-2016", "3.10"), ("leicester-city-2016", "5.3.18"),
    ("sefton-2018", "1.3"), ("sefton-2018", "2.26"), ("sefton-2018", "5.3.22"),
])
def test_sample_ids_resolve_to_their_text(parsed, name, number):
    paragraph = parsed[name].paragraph(number)
    assert paragraph.citation_id == f"{name}#{number}"
    assert paragraph.kind == "finding"
    assert paragraph.text.startswith(raw_paragraph_start(name, number).strip()[:60])


def test_ids_are_unique_and_text_has_no_formatting_marks(parsed):
    for result in parsed.values():
        ids = [p.citation_id for p in result.paragraphs]
        assert len(ids) == len(set(ids))
        for paragraph in result.paragraphs:
            assert "*" not in paragraph.text, paragraph.citation_id
            assert paragraph.text == paragraph.text.strip() and paragraph.text


def test_recommendation_items_with_addressees(parsed):
    rec = parsed["leicester-city-2016"].paragraph("rec:3.13")
    assert rec.citation_id == "leicester-city-2016#rec:3.13"
    assert rec.text.startswith("Ensure that midwives take a stronger proactive approach")
    assert rec.addressees == "Leicester City CCG and University Hospitals Leicester"
    # Items written without a bullet, and headings written as "- 13. ... should:**".
    assert parsed["leicester-city-2016"].paragraph("rec:10.4").addressees == "Leicester Recovery Partnership"
    assert parsed["sefton-2018"].paragraph("rec:13.1").addressees == (
        "Liverpool Women's NHS Foundation Trust and Southport and Ormskirk NHS Trust")


def test_recommendation_links_both_ways_including_standalone_pointer_lines(parsed):
    sefton = parsed["sefton-2018"]
    # "Recommendation 12.3" stands alone on the line before 1.3: it belongs to 1.2.
    assert sefton.paragraph("1.2").recommendations == ["sefton-2018#rec:12.3"]
    assert "sefton-2018#rec:2.1" in sefton.paragraph("1.3").recommendations
    assert "sefton-2018#rec:12.3" not in sefton.paragraph("1.3").recommendations
    assert "sefton-2018#1.2" in sefton.paragraph("rec:12.3").pointed_by
    # "Recommendation 15.6 and 15.7"
    assert sefton.paragraph("5.3.18").recommendations == ["sefton-2018#rec:15.6", "sefton-2018#rec:15.7"]
    assert "sefton-2018#5.3.18" in sefton.paragraph("rec:15.6").pointed_by
    # A finding that runs over two paragraphs keeps both pointers (Leicester 2.4).
    leicester = parsed["leicester-city-2016"]
    assert leicester.paragraph("2.4").recommendations == [
        "leicester-city-2016#rec:3.16", "leicester-city-2016#rec:2.19"]
    assert "Domestic abuse notifications are not routinely shared" in leicester.paragraph("2.4").text


def test_pointer_to_missing_recommendation_is_kept_and_flagged(parsed):
    leicester = parsed["leicester-city-2016"]
    finding = leicester.paragraph("3.10")
    assert "leicester-city-2016#rec:4.7" in finding.recommendations
    assert finding.unresolved_recommendations == ["leicester-city-2016#rec:4.7"]
    assert any("3.10" in w and "4.7" in w for w in leicester.report.warnings)


def test_front_matter(parsed):
    leicester = parsed["leicester-city-2016"].report
    assert leicester.report_id == "leicester-city-2016" and leicester.area == "Leicester City"
    assert (leicester.review_start, leicester.review_end, leicester.published) == ("2016-02-08", "2016-02-12", "2016-08-05")
    assert leicester.inspectors[0] == "Elaine Croll" and len(leicester.inspectors) == 7
    assert "SSAFA Care" in leicester.provider_services and leicester.ccgs == "Leicester City CCG"
    assert (leicester.nhs_england_area, leicester.cqc_region) == ("Central Midlands", "Central")
    sefton = parsed["sefton-2018"].report
    assert (sefton.review_start, sefton.review_end, sefton.published) == ("2018-07-23", "2018-07-27", "2018-11-28")
    assert sefton.inspectors[0] == "Karen Collins-Beckett" and "Lea Pickerill" in sefton.inspectors
    assert "Alder Hey Children's NHS Foundation Trust" in sefton.provider_services
    assert len(sefton.source_sha256) == 64


def test_unnumbered_paragraph_ids(parsed):
    leicester = parsed["leicester-city-2016"]
    assert leicester.paragraph("front.1").text.startswith("Review of health services")
    assert leicester.paragraph("context.1").text.startswith("There are 342,153 people resident")
    assert leicester.paragraph("context.1").kind == "context"
    case = leicester.paragraph("early-help.1")
    assert case.kind == "case-example" and "Case example from adult mental health" in case.section
    assert parsed["sefton-2018"].paragraph("what-people-told-us.1").kind == "told-us"


def test_report_id_comes_from_content_not_file_name(tmp_path):
    renamed = tmp_path / "whatever.txt"
    renamed.write_bytes(report_text_path("sefton-2018").read_bytes())
    assert parse_report(load_source(renamed)).report.report_id == "sefton-2018"
