"""Shorthand staff type and the reports spell out: initials of a phrase the reports use but never
define ("CPP", "LWH", "S&O"), and staff shorthand of the synonym list ("HVs", "CPC"), on both
real reports."""

from __future__ import annotations

import pytest

from assistant.retrieval.initialisms import InitialismGuesser
from assistant.retrieval.query_analysis import shorthand_in, spelled_out, synonym_terms, numbered_shorthand
from ingest.acronyms import learn_acronyms
from assistant.retrieval.words import content_words
from evals.check_data import load_paragraphs
from tests.conftest import REPORTS_DIR


@pytest.fixture(scope="module")
def paragraphs():
    return list(load_paragraphs(REPORTS_DIR).values())


@pytest.fixture(scope="module")
def vocabulary(paragraphs):
    return set().union(*(content_words(p.text) for p in paragraphs))


@pytest.fixture(scope="module")
def guesser(paragraphs, vocabulary):
    return InitialismGuesser([p.text for p in paragraphs], vocabulary, [*learn_acronyms(paragraphs), *synonym_terms()])


@pytest.mark.parametrize("question,expected", [
    ("do UHL ED flag kids on CPPs", {"CPPs": "child protection plans"}),
    ("is supervision at LWH recorded", {"LWH": "liverpool women's hospital"}),
    ("are S&O nurses trained to level 3", {"S&O": "southport and ormskirk"}),
    ("what did csc do with the referral", {"csc": "children's social care"}),
])
def test_undefined_initials_are_read_as_the_phrase_the_reports_use(guesser, question, expected):
    assert guesser.expansions(question) == expected


@pytest.mark.parametrize("question", [
    # "EH": "early help" (18 uses) hardly outnumbers "emotional health" (13); no guess.
    "what EH offer is there",
    # "D&A": the reports never say "drug and alcohol"; "decisions and actions" is used 3 times,
    # too few to be a name staff shorten.
    "D&A services in sefton",
    # Acronyms the reports define, synonym shorthand and words the reports use are left alone.
    "IHAs for LAC by HVs",
    "what did the CAMHS team do",
])
def test_no_guess_without_a_clear_leader(guesser, question):
    assert guesser.expansions(question) == {}


def test_a_phrase_with_a_stop_word_names_nothing(guesser):
    """"did not" and "do not" are the commonest "DN" phrases; only "designated nurse" could be a
    name, and "director of nursing" is half as common, so no guess is made."""
    assert guesser.expansions("DN") == {}


def test_capitals_are_read_as_the_one_name_the_reports_write_with_those_initials(guesser):
    """A name written in capitals once or twice ("the Health and Social Care Act 2008", "The Index
    of Multiple Deprivation (2015)") is what capitals stand for, though it is too rare for the
    phrase count; typed in lower case, or with no such name, nothing is guessed."""
    assert guesser.expansions("s48 HSCA 2008") == {"HSCA": "health and social care act"}
    assert guesser.expansions("IMD ranking leicester") == {"IMD": "index of multiple deprivation"}
    assert guesser.expansions("hsca 2008") == {}
    assert guesser.expansions("RTT for CAMHS") == {}  # "referral to treatment" is no name there


def test_a_name_needs_to_be_the_only_one_with_its_initials():
    texts = ["The Health and Social Care Act applies.", "Its Health and Social Care Act duties.",
             "The Home Safety Check Award was made."]
    guesser = InitialismGuesser(texts, set())
    assert guesser.expansions("HSCA duties") == {}  # two names with those initials: no guess
    assert InitialismGuesser(texts[:2], set()).expansions("HSCA duties") == {"HSCA": "health and social care act"}


@pytest.mark.parametrize("question,gold", [
    ("IMD ranking leicester", "leicester-city-2016#context.2"),
    ("s48 HSCA 2008 sefton", "sefton-2018#about-the-review.1"),
])
def test_names_and_sections_typed_short_are_answered(real_service, question, gold):
    """Declined before at 0.34 and 0.12: "IMD", "HSCA" and "s48" counted as words the reports never
    use, and the review's legal basis ranked 6th."""
    assert [r.id for r in real_service.search(question, k=1)] == [gold]
    answer = real_service.ask(question, engine="extractive")
    assert answer.answerable and gold in [c.id for c in answer.citations], answer.answer


def test_lower_case_shorthand_may_end_in_a_plural(guesser):
    assert guesser.expansions("do uhl ed flag kids on cpps") == {"cpps": "child protection plans"}


def test_the_reports_acronyms_typed_in_another_case_are_theirs(real_service):
    corpus = real_service.retriever.corpus()
    assert corpus.typed_acronyms("camhs waits for CIN cases; ihas in leicester") == {
        "camhs": "child and adolescent mental health services", "CIN": "child in need",
        "ihas": "initial health assessments"}
    assert corpus.typed_acronyms("CAMHS waits for CiN cases") == {}  # as defined: nothing to add


def test_staff_shorthand_is_spelled_out_in_the_reports_words(vocabulary):
    shorthand = shorthand_in("do HVs attend CPCs for kids? ask the MWs", vocabulary)
    assert shorthand == {"HVs": "health visitors", "CPCs": "child protection conference", "MWs": "midwife"}
    assert spelled_out("do HVs attend CPCs for kids?", shorthand) == \
        "do health visitors attend child protection conference for kids?"
    # Words the reports use are not shorthand, even when the synonym list holds them.
    assert shorthand_in("are records kept for looked after children", vocabulary) == {}


def test_numbered_levels_years_and_sections_are_spelled_as_the_reports_write_them():
    assert numbered_shorthand("LRP L3 training numbers") == {"L3": "level three"}
    assert numbered_shorthand("MW lvl 3 compliance, level 2 for the rest") == {"lvl 3": "level three", "level 2": "level two"}
    assert spelled_out("are LRP staff trained to L3?", numbered_shorthand("are LRP staff trained to L3?")) == \
        "are LRP staff trained to level three?"
    assert numbered_shorthand("L12 ward, level 3.1 of the plan, HL3 form") == {}  # no level of training
    assert numbered_shorthand("SATs prog yr 6 and Y11 drop-in") == {"yr 6": "year six", "Y11": "year 11"}
    assert numbered_shorthand("16-17 yr olds, the 2016 year 2015") == {}  # an age and years are no school year
    assert numbered_shorthand("s48 HSCA 2008, or s. 48?") == {"s48": "section 48", "s. 48": "section 48"}
    assert numbered_shorthand("HVs and SNs 3 times") == {}
    assert numbered_shorthand("Sefton's 0-19 service, the HVs 2 visits, level 3-4") == {}  # a plural or a range


def test_a_level_typed_short_is_no_unknown_word(real_service):
    """"L3" counted as a word the reports never use (a quarter of "LRP L3 training numbers")."""
    corpus = real_service.retriever.corpus()
    question = "LRP L3 training numbers"
    assert corpus.shorthand_for(question)["L3"] == "level three"
    answer = real_service.ask(question, engine="extractive")
    assert answer.answerable and "leicester-city-2016#5.3.12" in [c.id for c in answer.citations], answer.answer


@pytest.mark.parametrize("question,gold", [
    ("do LWH enhanced MWs hold a caseload for SG concerns", "sefton-2018#3.1"),
    ("are SH nurses invited to CPCs in sefton", "sefton-2018#3.18"),
    ("late bookers at LWH - checks with CSC?", "sefton-2018#3.5"),
    # Acronyms typed in lower case (declined before: relevance 0.39, 0.40, 0.40).
    ("rec on iha timeliness sefton", "sefton-2018#rec:1.6"),
    ("are ihas done on time in sefton", "sefton-2018#4.1"),
    ("sefton rec on cse training", "sefton-2018#rec:1.1"),
])
def test_shorthand_questions_find_and_cite_their_paragraph(real_service, question, gold):
    """Each was missed (the first two: not in the top 10) or declined (the third, relevance 0.18
    against the 0.455 cut) when the shorthand was read as unknown words."""
    assert gold in [r.id for r in real_service.search(question, k=5)]
    answer = real_service.ask(question, engine="extractive")
    assert answer.answerable, answer.answer
    assert gold in [c.id for c in answer.citations]


def test_rec_typed_short_reads_as_recommendation(real_service):
    """"think family rec leicester" ranked the 'think family' recommendation 3rd and was declined
    (relevance 0.449): "rec" meant nothing to the rankers, which read "recommendation" as asking
    for one."""
    assert real_service.search("think family rec leicester", k=1)[0].id == "leicester-city-2016#rec:6.3"
    answer = real_service.ask("think family rec leicester", engine="extractive")
    assert answer.answerable and "leicester-city-2016#rec:6.3" in [c.id for c in answer.citations], answer.answer
