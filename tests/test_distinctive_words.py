"""A word of the question that only one paragraph uses points at that paragraph
(assistant/retrieval/distinctive_words.py)."""

from __future__ import annotations

from collections import Counter

import pytest

from assistant.retrieval.distinctive_words import distinctive_in_corpus, distinctive_ranking, sole_words
from assistant.retrieval.words import content_words
from ingest.models import Paragraph


def _paragraph(report: str, para: str, text: str) -> Paragraph:
    return Paragraph(citation_id=f"{report}#{para}", report_id=report, para=para, kind="finding", section="S",
                     text=text)


def test_sole_words_are_those_one_paragraph_uses():
    paragraphs = [_paragraph("a", "1", "The receptionist alerts nurses."),
                  _paragraph("a", "2", "Nurses record the ligature risks."),
                  _paragraph("b", "1", "Ligature points were removed by nurses.")]
    per_report = [sole_words(paragraphs[:2]), sole_words(paragraphs[2:])]
    assert per_report[0]["receptionist"] == "a#1" and "nurse" not in per_report[0]
    assert per_report[0]["ligature"] == "a#2" and per_report[1]["ligature"] == "b#1"
    counts = Counter(w for p in paragraphs for w in content_words(p.text))
    distinctive = distinctive_in_corpus(per_report, counts)
    assert distinctive["receptionist"] == "a#1"
    assert "ligature" not in distinctive  # each report uses it once: not one paragraph of the corpus


def test_everyday_words_of_the_synonym_list_are_not_distinctive():
    paragraphs = [_paragraph("a", "1", "Staff asked about drug use and ligatures."),
                  _paragraph("a", "2", "Substance misuse workers liaise.")]
    counts = Counter(w for p in paragraphs for w in content_words(p.text))
    per_report = [sole_words(paragraphs)]
    assert distinctive_in_corpus(per_report, counts)["drug"] == "a#1"
    distinctive = distinctive_in_corpus(per_report, counts, ["drugs", "drug and alcohol", "substance misuse"])
    assert "drug" not in distinctive and distinctive["ligature"] == "a#1"


def test_an_everyday_word_one_paragraph_uses_in_passing_does_not_outrank_the_paragraph_asked_about(real_service):
    """Sefton's 2.22 is the one paragraph saying "drug"; every other says "substance misuse".
    Counted as distinctive, it came first, above the referral paragraph all three rankers put first."""
    asked = "How long was a young person's drug service referral to social care delayed in Sefton?"
    assert "drug" not in real_service.retriever.corpus().distinctive
    assert [r.id for r in real_service.search(asked, k=1)] == ["sefton-2018#3.15"]


def test_the_ranking_counts_distinctive_words_and_breaks_ties_by_the_word_ranker():
    distinctive = {"receptionist": "a#1", "curiosity": "a#1", "ligature": "a#2", "sefton": "a#3", "2014": "a#4",
                   "recommended": "a#5"}
    asked = "Did the receptionist show curiosity, and what was recommended about ligature points in Sefton in 2014?"
    assert distinctive_ranking(asked, distinctive, ["a#2", "a#1"], ignored=["Sefton"]) == ["a#1", "a#2"]
    assert distinctive_ranking("receptionist or ligature", distinctive, ["a#2", "a#1"]) == ["a#2", "a#1"]
    assert distinctive_ranking("ligature", distinctive, [], in_scope=lambda cid: cid != "a#2") == []
    assert distinctive_ranking("nothing distinctive here", distinctive, ["a#1"]) == []


@pytest.mark.parametrize("asked,paragraph", [
    ("bruising leicester", "leicester-city-2016#5.2.5"),
    ("neonatal leicester", "leicester-city-2016#looked-after-children.3"),
    ("attentive sefton", "sefton-2018#1.4"),
])
def test_a_word_one_paragraph_uses_brings_it_into_the_top_five(real_service, asked, paragraph):
    """A staff-typed topic word and the area: the word ranker puts the one paragraph using the
    word first, but the embedders, reading the area more than the word, did not, and fused it
    fell outside the top 10."""
    retriever = real_service.retriever
    assert paragraph in retriever.corpus().distinctive.values()
    assert paragraph in [r.id for r in real_service.search(asked, k=5)]
