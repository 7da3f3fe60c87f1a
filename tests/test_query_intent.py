"""Query understanding that reads a question's form: intents, review facts from the front matter,
"how many" questions about things the reports never count, and words the reports never use."""

from __future__ import annotations

import pytest

from assistant.grounding.relevance import counted_words
from assistant.retrieval.intent import intents_of
from assistant.retrieval.neighbours import VocabularyNeighbours
from assistant.retrieval.review_facts import asked_fields, fact_paragraphs
from evals.check_data import load_paragraphs
from tests.conftest import REPORTS_DIR


@pytest.mark.parametrize("question,intents", [
    ("What were Leicester GPs told to do about A&E notifications?", ["recommendation"]),
    ("recs for sefton on IHA timeliness for LAC?", ["recommendation"]),
    ("When did the Sefton review take place?", ["review fact"]),
    ("last inspection of leicester health services before this one?", ["review fact"]),
    ("In the Leicester A&E example, how did staff find out?", ["case example"]),
    ("What did a Sefton mother say about her health visitor?", ["what people said"]),
    # What inspectors found is a finding, not a fact about the review.
    ("What did inspectors find about waiting times for CAMHS?", []),
    ("What did inspectors say about cancer treatment for adults?", []),
])
def test_intent_is_read_from_the_form_of_the_question(question, intents):
    assert [intent.name for intent in intents_of(question)] == intents


@pytest.fixture(scope="module")
def paragraphs():
    return load_paragraphs(REPORTS_DIR)


@pytest.mark.parametrize("question,fields,expected", [
    ("When did the Sefton review take place?", ["review dates"], ["sefton-2018#front.3"]),
    ("dates of the sefton review?", ["review dates"], ["sefton-2018#front.3"]),
    ("who were the inspectors on leicester", ["inspectors"], ["leicester-city-2016#front.6"]),
    ("which CCGs were in the sefton review", ["CCGs"], ["sefton-2018#front.7"]),
    ("when was the leicester report published", ["publication date"], ["leicester-city-2016#front.5"]),
    ("how many children's cases did they look at in leicester", ["cases"],
     ["leicester-city-2016#how-we-carried-out-the-review.4"]),
])
def test_review_facts_are_found_by_their_label(paragraphs, question, fields, expected):
    assert asked_fields(question) == fields
    report = "sefton-2018" if "sefton" in question.lower() else "leicester-city-2016"
    assert fact_paragraphs(question, paragraphs, [report]) == expected


def test_review_facts_follow_the_reports_in_scope(paragraphs):
    both = fact_paragraphs("When were the reviews published?", paragraphs, ["sefton-2018", "leicester-city-2016"])
    assert both == ["sefton-2018#front.4", "leicester-city-2016#front.5"]
    assert fact_paragraphs("What did inspectors find about CAMHS?", paragraphs, ["sefton-2018"]) == []


def test_fact_questions_cite_the_front_matter_not_an_older_inspection(real_service):
    first = real_service.search("When did the Sefton review take place?", k=5)[0]
    assert first.id == "sefton-2018#front.3"
    answer = real_service.ask("When did the Sefton review take place?")
    assert answer.answerable and "sefton-2018#front.3" in {c.id for c in answer.citations}
    assert "2011" not in answer.answer and "July" in answer.answer


def test_recommendation_questions_find_the_recommendation(real_service):
    ranked = [r.id for r in real_service.search("what was leicester told to do about IHA/RHA quality", k=5)]
    assert "leicester-city-2016#rec:2.9" in ranked
    assert real_service.search("sefton rec 10.6?", k=3)[0].id == "sefton-2018#rec:10.6"


@pytest.mark.parametrize("question,counted", [
    ("How many social workers does Sefton employ?", {"worker"}),
    ("How many young people's experiences did the inspection team consider?", {"experience"}),
    ("Roughly how many looked after children live in Leicester?", {"children"}),
    ("What did the review find about CAMHS?", set()),
])
def test_how_many_questions_know_what_they_count(question, counted):
    assert counted_words(question) == counted


def test_counting_something_the_reports_never_count_is_not_answered(real_service):
    assert not real_service.ask("How many social workers does Sefton employ?").answerable
    assert real_service.ask("How many young people's experiences did the Leicester inspection team consider?").answerable


class _LetterEmbedder:
    """Words as vectors of their letters: 'refugees' is nearest 'refugee'-like words."""

    def embed_documents(self, texts):
        return [[t.count(c) for c in "abcdefghijklmnopqrstuvwxyz"] for t in texts]


def test_unknown_query_words_borrow_the_nearest_report_words():
    neighbours = VocabularyNeighbours(lambda: _LetterEmbedder())
    vocabulary = {"asylum", "refuge", "midwife", "dental"}
    assert neighbours.expansions("refugees arriving", vocabulary, 0.9) == ["refuge"]
    assert neighbours.expansions("midwife dental", vocabulary, 0.5) == []  # known words are left alone
    assert neighbours.expansions("refugees", vocabulary, 1.0) == []  # 1 turns it off


def test_words_the_reports_never_use_still_find_the_paragraph(real_service):
    ranked = [r.id for r in real_service.search(
        "Do refugee children who arrive alone in Sefton get registered with doctors and dentists?", k=5)]
    assert "sefton-2018#4.13" in ranked
