"""What the UI shows, from core results: numbering, highlighting, honest check notes, exports."""

from __future__ import annotations

import re

from docx import Document

from ui.export import draft_to_docx, draft_to_markdown
from ui.render import answer_markdown, check_notes, chip_id, paragraph_html, paragraph_words

ANSWER = {
    "answer": "Testshire (2020):\n- First point. [t-2020#1.1]\n- Second point. [t-2020#rec:2.1] [t-2020#1.1]\n"
              "- Made up. [unsupported]",
    "citations": [{"id": "t-2020#1.1", "quote": "First point", "report_title": "Testshire (2020)", "start": 0, "end": 11},
                  {"id": "t-2020#rec:2.1", "quote": "Do it", "report_title": "Testshire (2020)", "start": 0, "end": 5}],
    "engine": "openai", "unsupported": ["Made up."],
    "removed": [{"id": "x-2020#9.9", "reason": "not one of the paragraphs retrieved for this question"}],
    "repaired": [{"id": "t-2020#1.1", "quote_given": "first pont", "reason": "quote not verbatim"}],
}


def as_read(message: str) -> str:
    """The message as a reader sees it before hovering: previews hidden, tags gone."""
    return re.sub(r"<[^>]+>", "", re.sub(r'<span class="cite-preview".*?</span>', "", message))


def test_answer_is_numbered_with_chips_engine_and_honest_notes():
    message, chips = answer_markdown(ANSWER)
    assert "- First point. [1]" in as_read(message) and "- Second point. [2] [1]" in as_read(message)
    assert "**[unsupported]**" in message and "engine: openai" in message
    assert chips == ["[1] t-2020#1.1", "[2] t-2020#rec:2.1"] and chip_id(chips[1]) == "t-2020#rec:2.1"
    assert as_read(message).count("t-2020#1.1") == 1  # cited twice, listed once in Sources


def test_markers_are_links_with_the_id_the_quote_and_a_preview():
    answer = dict(ANSWER, citations=[dict(ANSWER["citations"][0], quote="Nurses <b>never</b> visit", start=4, end=29),
                                     ANSWER["citations"][1]])
    message, _ = answer_markdown(answer, lambda cid: f"Testshire 2020 \u00b7 {paragraph_words(cid)}")
    links = re.findall(r'<a class="cite" href="#cite/([^/"]+)/(\d*)/(\d*)">\[(\d)\]', message)
    assert links == [("t-2020%231.1", "4", "29", "1"), ("t-2020%23rec%3A2.1", "0", "5", "2"), ("t-2020%231.1", "4", "29", "1")]
    previews = re.findall(r'<span class="cite-preview" role="tooltip">(.*?)</span>', message)
    assert previews[0] == "<strong>Testshire 2020 \u00b7 para 1.1</strong><br>Nurses &lt;b&gt;never&lt;/b&gt; visit"
    assert previews[1] == "<strong>Testshire 2020 \u00b7 recommendation 2.1</strong><br>Do it"


def test_chips_are_labelled_for_people_and_keep_the_id():
    def describe(cid):
        return f"Testshire 2020 \u00b7 Early help \u00b7 {paragraph_words(cid)}"

    _, chips = answer_markdown(ANSWER, describe)
    assert chips == ["[1] Testshire 2020 \u00b7 Early help \u00b7 para 1.1 (t-2020#1.1)",
                     "[2] Testshire 2020 \u00b7 Early help \u00b7 recommendation 2.1 (t-2020#rec:2.1)"]
    assert [chip_id(c) for c in chips] == ["t-2020#1.1", "t-2020#rec:2.1"]
    assert paragraph_words("t-2020#front.3") == "paragraph 3" and chip_id("[3] t-2020#front.3") == "t-2020#front.3"
    notes = check_notes(ANSWER)
    assert "Removed citation `x-2020#9.9`" in notes and "Repaired quote for `t-2020#1.1`" in notes
    assert "Unsupported (no citation survived): \u201cMade up.\u201d" in notes


def test_paragraph_panel_escapes_text_and_marks_the_quote():
    paragraph = {"citation_id": "t-2020#1.1", "report_id": "t-2020", "section": "1. Early <help>", "kind": "finding",
                 "text": "Nurses <b>never</b> visit. Children wait.", "recommendations": ["t-2020#rec:2.1"],
                 "unresolved_recommendations": []}
    rendered = paragraph_html(paragraph, "Testshire (2020)", [(0, 26)],
                              [{"id": "t-2020#rec:2.1", "text": "Visit.", "addressees": "The trust"}])
    assert "<mark class='quote'>Nurses &lt;b&gt;never&lt;/b&gt; visit.</mark> Children wait." in rendered
    assert "1. Early &lt;help&gt;" in rendered and "<strong>t-2020#rec:2.1</strong> (The trust): Visit." in rendered


def test_draft_exports_carry_the_reference_list(tmp_path):
    draft = {"observation": "Nurses never visit.", "engine": "extractive",
             "draft": "Nurses never visit. A comparable finding: \"They do not visit.\" [t-2020#1.1] (Recommendation to follow)",
             "suggested_recommendation": "The trust should ensure visits. [t-2020#rec:2.1]",
             "citations": [{"id": "t-2020#1.1", "quote": "They do not visit.", "report_title": "Testshire (2020)"},
                           {"id": "t-2020#rec:2.1", "quote": "Ensure visits.", "report_title": "Testshire (2020)"}],
             "precedents": [], "unsupported": [], "removed": [], "repaired": []}
    markdown = draft_to_markdown(draft)
    assert "[1] (Recommendation to follow)" in markdown and "ensure visits. [2]" in markdown
    assert "1. `t-2020#1.1` (Testshire (2020)): \u201cThey do not visit.\u201d" in markdown
    document = Document(draft_to_docx(draft, tmp_path / "draft.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Observation: Nurses never visit." in text and "Suggested recommendation" in text
    assert "t-2020#rec:2.1 (Testshire (2020)): \u201cEnsure visits.\u201d" in text
