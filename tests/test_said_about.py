"""What people or the review said about something: answered only when the paragraphs found speak of
it (grounding/said_about.py), on the real reports."""

from __future__ import annotations

import pytest

from assistant.grounding.said_about import asked_about

TITLES = ["Sefton", "Leicester City"]


@pytest.mark.parametrize("question,about,quoted", [
    ("what did young people say about the sefton school nurse text service", {"school", "nurse", "text"}, True),
    ("parents' views on the CAMHS waiting room in sefton", {"camh", "waiting", "room"}, True),
    ("what did the review say about sefton youth offending team nurses", {"youth", "offending", "team", "nurse"}, False),
    ("What did inspectors find about waiting times for CAMHS?", {"waiting", "time", "camh"}, False),
    # a recommendation restates its finding in other words; a finding asked for is no saying
    ("what did CQC say leicester should do about the designated LAC nurse being stretched", set(), False),
    ("Do Sefton health visitors ask about domestic abuse?", set(), False),
])
def test_what_was_said_about_is_read_from_the_question(real_service, question, about, quoted):
    corpus = real_service.retriever.corpus()
    assert asked_about(question, TITLES, corpus.word_weights) == (about, quoted)


@pytest.mark.parametrize("question", [
    # Sefton's quotations speak of school nurses, never of a text service (Leicester's) ...
    "what did young people say about the sefton school nurse text service",
    "What did children say about the school nurse drop-ins in Sefton?",
    # ... and the review of nurses, never of youth offending, nor of speech therapy.
    "what did the review find about the nurses in sefton's youth offending team",
    "what did the review say about waits for speech and language therapy in sefton",
])
def test_what_was_said_about_something_the_paragraphs_hardly_speak_of_is_not_answered(real_service, question):
    """Each was answered before (relevance 0.58, 0.59, 0.59, 0.53) from paragraphs on a neighbouring topic."""
    answer = real_service.ask(question, engine="extractive")
    assert not answer.answerable, answer.answer


@pytest.mark.parametrize("question,cited", [
    ("what did a sefton parent say about their named health visitor", "sefton-2018#what-people-told-us"),
    ("what did the review find about how sefton supports its new designated doctor", "sefton-2018#5.1.7"),
    ("what did inspectors say about where leicester young people in a mental health crisis are kept safe",
     "leicester-city-2016#3.10"),
])
def test_what_was_said_about_something_the_paragraphs_speak_of_is_answered(real_service, question, cited):
    answer = real_service.ask(question, engine="extractive")
    assert answer.answerable and any(c.id.startswith(cited) for c in answer.citations), answer.answer
