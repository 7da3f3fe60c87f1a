"""What people or the review said about something, and whether an area has something named:
answered only when the paragraphs found speak of it (grounding/said_about.py), on the real reports."""

from __future__ import annotations

import pytest

from assistant.grounding.said_about import asked_about, asked_whether_it_has
from assistant.retrieval.intent import TOLD_US, intents_of, people_asked_about

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


@pytest.mark.parametrize("question,thing", [
    ("does sefton have an FGM clinic?", "FGM clinic"),
    ("is there a stop smoking service for sefton LAC?", "stop smoking service"),
    ("do sefton school nurses run a text messaging service?", "text messaging service"),
    ("are there CSE nurses in leicester?", "CSE nurses"),
    ("Does the Leicester provider trust employ a named nurse for children in care?", "named nurse"),
    # a thing described at length is a paraphrase; evidence asked for is no thing an area has
    ("Is there a settled arrangement for maternity staff at the Leicester Royal Infirmary to talk through worrying "
     "cases with someone senior?", None),
    ("is there any evidence the FNP in leicester helps families come off child protection?", None),
    ("what does sefton have in place for care leavers?", None),
])
def test_what_an_area_is_asked_to_have_is_read_from_the_question(question, thing):
    assert asked_whether_it_has(question) == thing


@pytest.mark.parametrize("question", [
    "is there a stop smoking service for sefton LAC?",  # answered with Leicester's service (0.54)
    "does leicester have a MASH?",  # Sefton's MASH; Leicester's multi-agency CSE meetings (0.51)
    "does leicester have a daily safety huddle?",  # Ormskirk's huddles (0.56)
    "does sefton have a family nurse partnership?",  # family and nurses, no partnership of them (0.57)
])
def test_what_only_the_other_report_has_is_not_answered_for_the_area_asked(real_service, question):
    answer = real_service.ask(question, engine="extractive")
    assert not answer.answerable, answer.answer


@pytest.mark.parametrize("question,cited", [
    ("is there a stop smoking service for leicester LAC?", "leicester-city-2016#4.13"),
    ("does sefton have a MASH?", "sefton-2018#5.2.4"),
    ("does leicester have an FGM clinic?", "leicester-city-2016#1.6"),
])
def test_what_an_area_has_is_answered_from_its_report(real_service, question, cited):
    answer = real_service.ask(question, engine="extractive")
    assert answer.answerable and cited in {c.id for c in answer.citations}, answer.answer


@pytest.mark.parametrize("question,people", [
    ("what did leicester foster carers say about the LAC nurses?", "foster carers"),
    ("anything from a care leaver about the LAC nurse?", "care leaver"),
    ("what did sefton pupils say about the school nurses", "pupils"),
    ("What did inspectors find about waiting times for CAMHS?", None),
])
def test_whose_words_a_question_asks_for_are_read_from_it(question, people):
    assert people_asked_about(question) == people


@pytest.mark.parametrize("question", [
    "anything from young people in sefton about the sexual health clinics?",
    "what did sefton pupils say about the school nurse drop-ins?",
])
def test_a_chat_asking_what_people_said_asks_for_their_words(question):
    assert TOLD_US in intents_of(question)


@pytest.mark.parametrize("question", [
    # Leicester quotes parents, young people and a care home manager; no foster carer ...
    "what did foster carers in leicester tell the reviewers about the specialist LAC nurses?",
    # ... and only Leicester's quotations speak of the labour ward, not Sefton's
    "what did fathers in sefton say about the labour ward?",
    "anything from sefton teenagers about the sexual health clinics?",
])
def test_what_people_the_area_never_quotes_said_is_not_answered(real_service, question):
    """Each was answered before, from another kind of people's words or the other area's."""
    answer = real_service.ask(question, engine="extractive")
    assert not answer.answerable, answer.answer


@pytest.mark.parametrize("question,cited", [
    ("anything from a care leaver in leicester about the specialist LAC nurses?", "leicester-city-2016#what-people-told-us"),
    ("what did a leicester mother say about the midwives after the birth?", "leicester-city-2016#what-people-told-us"),
    ("what did sefton foster carers say about the health visitors?", "sefton-2018#what-people-told-us"),
])
def test_what_people_the_area_quotes_said_is_answered_from_their_words(real_service, question, cited):
    answer = real_service.ask(question, engine="extractive")
    assert answer.answerable and any(c.id.startswith(cited) for c in answer.citations), answer.answer
