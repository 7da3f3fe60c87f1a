"""Starter questions come from whatever reports are stored, not from a list written for two."""

from __future__ import annotations

from assistant.answers.starters import finding_themes, starter_questions
from ingest.models import Paragraph

TESTSHIRE = {"report_id": "testshire-2020", "area": "Testshire", "review_end": "2020-03-06"}
BORSET = {"report_id": "borsetshire-2017", "area": "Borsetshire", "review_end": "2017-05-12"}


def finding(report_id: str, para: str, section: str, kind: str = "finding") -> Paragraph:
    return Paragraph(f"{report_id}#{para}", report_id, para, kind, section, "Text.")


def test_themes_are_the_sections_findings_sit_under_in_report_order():
    paragraphs = [finding("t", "front.1", "", "front_matter"), finding("t", "1.1", "The child's journey > 1. Early help"),
                  finding("t", "1.2", "The child's journey > 1. Early help"), finding("t", "4.1", "4. Looked after children"),
                  finding("t", "rec:1.1", "Recommendations", "recommendation")]
    assert finding_themes(paragraphs) == ["Early help", "Looked after children"]


def test_starters_name_the_stored_areas_and_a_theme_both_report_on():
    themes = {"testshire-2020": ["Early help", "Child protection", "Looked after children"],
              "borsetshire-2017": ["Early help", "Child protection", "CAMHS"]}
    assert starter_questions([BORSET, TESTSHIRE], themes) == [
        "What did the Testshire review find about early help?",
        "How do Testshire and Borsetshire compare on child protection?",
        "What did the Borsetshire review recommend about CAMHS?",
        "When did the Borsetshire review take place?",
    ]


def test_one_report_gets_no_comparison_and_none_gets_no_starters():
    assert starter_questions([TESTSHIRE], {"testshire-2020": ["Early help", "Leadership"]}) == [
        "What did the Testshire review find about early help?",
        "What did the Testshire review recommend about leadership?",
        "When did the Testshire review take place?",
    ]
    assert starter_questions([], {}) == []


def test_starters_of_the_real_reports_name_both_areas(real_service):
    starters = real_service.starter_questions()
    assert len(starters) == 4 and any("Sefton" in q for q in starters) and any("Leicester" in q for q in starters)
    assert any(q.startswith("How do Sefton and Leicester City compare on ") for q in starters)
