"""Recommendations asked for by whom they were addressed to ("what was Alder Hey asked to do?",
"recs for UHL"), on both real reports."""

from __future__ import annotations

import pytest

from assistant.retrieval.addressees import AddresseeIndex
from assistant.retrieval.conversation import resolve_question
from ingest.acronyms import learn_acronyms
from evals.check_data import load_paragraphs
from tests.conftest import REPORTS_DIR

AREA_WORDS = ["Leicester", "City", "Sefton"]


@pytest.fixture(scope="module")
def by_id():
    return load_paragraphs(REPORTS_DIR)  # citation id -> paragraph


@pytest.fixture(scope="module")
def index(by_id):
    return AddresseeIndex(by_id, learn_acronyms(list(by_id.values())), AREA_WORDS)


@pytest.mark.parametrize("question,named", [
    ("recs for alder hey", ["alder hey"]),
    ("What did they recommend to Mersey Care?", ["mersey care"]),
    ("Addaction recommendations", ["addaction"]),
    ("recommendations for Liverpool Womens", ["liverpool women"]),
    ("What did the Sefton CCGs need to do?", ["sefton ccg"]),
    # Everyday words a name happens to contain name nobody: "care" (Mersey Care), "child", "on"
    # (Stoke on Trent), and "the trust" or an area's name, which many addressees share.
    ("What did they recommend about children in care?", []),
    ("What was the hospital trust told to put in place so midwives can reflect on their child protection work?", []),
    ("What did they recommend for Leicester?", []),
])
def test_organisations_are_named_by_the_words_that_say_which(index, question, named):
    assert index.organisations(question) == named


def test_a_named_trust_is_not_confused_with_another_sharing_its_town(index, by_id):
    named = index.organisations("recommendations for Southport and Ormskirk NHS Trust")
    assert named == ["southport and ormskirk nhs trust"]
    addressed = index.addressed(named)
    assert addressed and all("Southport and Ormskirk" in by_id[cid].addressees for cid in addressed)
    # The CCG for Southport and Formby is addressed on its own too; none of its recommendations
    # that leave out the trust is taken.
    formby_only = [cid for cid, p in by_id.items() if p.kind == "recommendation"
                   and "Formby" in (p.addressees or "") and "Ormskirk" not in p.addressees]
    assert formby_only and not set(formby_only) & set(addressed)


def test_an_acronym_names_the_organisation_it_stands_for(index, by_id):
    """LPT is defined as "Leicestershire Partnership Trust"; the recommendations are headed
    "Leicester Partnership Trust"."""
    addressed = index.addressed(index.organisations("what was LPT asked to do?"))
    assert len(addressed) >= 20
    assert all(cid.startswith("leicester-city-2016#rec:") and _addressed_to_lpt(by_id[cid].addressees) for cid in addressed)
    assert len(addressed) == sum(1 for p in by_id.values() if p.kind == "recommendation" and p.addressees
                                 and _addressed_to_lpt(p.addressees))


@pytest.mark.parametrize("question,only_whom", [
    ("What was Alder Hey asked to do?", True),
    ("recs for UHL", True),
    ("What did Alder Hey need to do about CAMHS?", False),
    ("What should UHL do about the ED?", False),
])
def test_a_question_asking_only_whom_is_told_apart_from_one_with_a_topic(index, question, only_whom):
    assert index.asks_only_whom(question, index.organisations(question)) is only_whom


def _addressed_to_alder_hey(addressees: str) -> bool:
    return "Alder Hey" in addressees


def _addressed_to_lpt(addressees: str) -> bool:
    return any(name in addressees for name in ("Leicester Partnership Trust", "Leicestershire Partnership Trust")) or \
        "LPT" in addressees.split(", ")


@pytest.mark.parametrize("question,addressed_to,whom", [
    ("What recommendations were made to Alder Hey?", _addressed_to_alder_hey, "Alder Hey"),
    ("what was LPT asked to do", _addressed_to_lpt, "LPT"),
])
def test_recommendations_asked_for_by_addressee_are_the_answer(real_service, question, addressed_to, whom):
    """Both were declined before (relevance 0.39 and 0.40 against a 0.455 cut): a recommendation's
    text does not name whom it is for."""
    answer = real_service.ask(question, engine="extractive")
    assert answer.answerable, answer.answer
    assert answer.citations
    for citation in answer.citations:
        paragraph = real_service.paragraph(citation.id)
        assert paragraph.kind == "recommendation"
        assert addressed_to(paragraph.addressees), citation.id
    # The answer quotes some of them; the notice says how many there are.
    stored = real_service.retriever.corpus().paragraphs.values()
    total = sum(1 for p in stored if p.kind == "recommendation" and p.addressees and addressed_to(p.addressees))
    quoted = len({c.id for c in answer.citations})
    assert quoted < total
    assert answer.notice == (f"{total} recommendations are addressed to {whom} in these reports; this answer quotes "
                             f"{quoted}. Ask what {whom} was asked to do about a topic to find the others.")


def test_the_topic_orders_the_addressed_recommendations(real_service):
    results = real_service.search("What did Alder Hey need to do about CAMHS?", k=5)
    assert all(r.kind == "recommendation" and "Alder Hey" in real_service.paragraph(r.id).addressees
               for r in results[:3])
    assert "CAMHS" in results[0].text
    assert real_service.ask("What did Alder Hey need to do about CAMHS?", engine="extractive").notice is None


def test_a_topic_asked_for_with_staff_framing_words_finds_the_addressed_recommendations(real_service):
    """"get" and "re" frame the question; read as its topic, no UHL recommendation said them and
    it was declined (relevance 0.41)."""
    answer = real_service.ask("what recs did UHL get re ED", engine="extractive")
    assert answer.answerable, answer.answer
    for citation in answer.citations:
        paragraph = real_service.paragraph(citation.id)
        assert "University Hospitals" in paragraph.addressees and "emergency department" in paragraph.text.lower()


@pytest.mark.parametrize("question,wants", [
    ("What did inspectors want done about GP input to health assessments?", True),
    ("recs for sefton on IHA timeliness", True),
    ("Are GPs asked to contribute to health assessments?", False),
])
def test_any_wording_of_what_was_asked_for_wants_recommendations(real_service, question, wants):
    """The answer's wish for recommendations reads the question as retrieval does (intent.py), not
    only the word "recommend"."""
    names = real_service.retriever.corpus().names
    assert resolve_question(question, [], names).wants_recommendations is wants


@pytest.mark.parametrize("question,gold", [
    ("what was Alder Hey told to do about the MASH", {"sefton-2018#rec:4.3", "sefton-2018#rec:4.5"}),
    ("what was NHS England told to do about GP safeguarding", {"leicester-city-2016#rec:4.1"}),
    # the organisation named in the plural ("CCGs") is still the organisation, not a topic word
    # no recommendation says (declined at 0.44 before 2026-12-06)
    ("what did sefton CCGs need to do with the named GP", {"sefton-2018#rec:1.3", "sefton-2018#rec:1.4"}),
])
def test_addressed_recommendations_that_name_the_topic_are_the_answer(real_service, question, gold):
    """The first was declined (relevance 0.31 against the 0.455 cut): a question made mostly of an
    organisation's name is far in wording from a recommendation that never names it."""
    answer = real_service.ask(question, engine="extractive")
    assert answer.answerable, answer.answer
    assert gold <= {c.id for c in answer.citations}


def test_an_addressee_with_no_recommendation_on_the_topic_is_not_answered_from_its_others(real_service):
    answer = real_service.ask("what was Alder Hey told to do about dental care", engine="extractive")
    assert not answer.answerable, answer.answer


def test_undefined_initials_name_an_organisation(real_service):
    """"AH" is never defined in the reports; they say "Alder Hey" 25 times."""
    answer = real_service.ask("what was AH asked to do", engine="extractive")
    assert answer.answerable, answer.answer
    assert all("Alder Hey" in real_service.paragraph(c.id).addressees for c in answer.citations)
