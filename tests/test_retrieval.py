"""Hybrid retrieval on the real reports with the real local embedding model."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document

from assistant.retrieval.query_analysis import expand_query
from assistant.settings import RetrievalSettings
from ingest.acronyms import learn_acronyms


@pytest.mark.parametrize("query,expected", [
    ("paragraph 3.9 of the Leicester report", "leicester-city-2016#3.9"),
    ("What does para 5.3.18 in Sefton say?", "sefton-2018#5.3.18"),
    ("recommendation 2.1 in Sefton", "sefton-2018#rec:2.1"),
    ("Leicester recommendation 3.13", "leicester-city-2016#rec:3.13"),
])
def test_named_paragraph_comes_first(real_service, query, expected):
    assert real_service.search(query, k=5)[0].id == expected


def test_named_area_or_provider_favours_its_report(real_service):
    for query, report_id in [("waiting times for CAMHS in Sefton", "sefton-2018"),
                             ("safeguarding in the Alder Hey emergency department", "sefton-2018"),
                             ("the Merlyn Vaz walk in centre", "leicester-city-2016")]:
        assert {r.report_id for r in real_service.search(query, k=5)} == {report_id}, query


def test_filters_by_report_and_kind(real_service):
    results = real_service.search("training for midwives", k=8, report_ids=["sefton-2018"], kinds=["recommendation"])
    assert results and all(r.report_id == "sefton-2018" and r.kind == "recommendation" for r in results)
    with pytest.raises(ValueError, match="unknown paragraph kind"):
        real_service.search("training", kinds=["chapter"])


def test_results_carry_citation_fields(real_service):
    result = real_service.search("community midwives cannot see the full maternity record", k=3)[0]
    assert set(result.to_dict()) == {"id", "report_id", "para", "kind", "section", "score", "text"}
    assert result.id == f"{result.report_id}#{result.para}"
    assert result.text == real_service.paragraph(result.id).text


def test_langchain_retriever(real_service):
    documents = real_service.langchain_retriever(k=3).invoke("home visits by midwives before the birth")
    assert len(documents) == 3 and all(isinstance(d, Document) for d in documents)
    assert documents[0].metadata["id"] == documents[0].id and "#" in documents[0].id


def test_acronyms_are_learned_from_the_reports_and_expand_queries(real_service):
    acronyms = learn_acronyms(real_service.store.all_paragraphs())
    assert acronyms["CAMHS"] == "child and adolescent mental health services"
    assert acronyms["FGM"] == "female genital mutilation"
    expanded = expand_query("Waits for CAMHS after A&E", acronyms)
    assert "child and adolescent mental health services" in expanded and "emergency department" in expanded
    # A list of names is a long form too, typed with or without its commas: the reports then count
    # "three designated nurses ... for LLR".
    assert acronyms["LLR"] == "leicester leicestershire and rutland"
    assert "LLR" in expand_query("designated nurses across Leicester, Leicestershire and Rutland?", acronyms).split()
    assert "LLR" in expand_query("nurses for leicester leicestershire and rutland", acronyms).split()


def test_acronyms_defined_with_joining_words_joined_words_and_a_word_left_out_are_learned(real_service):
    """The reports define "(MASH)", "(NEET)" and "(SMART)" too; their long forms give a joining
    word's letter or none, hyphenated and "/"-joined words one letter or more, and a long acronym
    may leave one word out."""
    acronyms = learn_acronyms(real_service.store.all_paragraphs())
    assert acronyms["MASH"] == "multi-agency safeguarding hub"
    assert acronyms["MARAC"] == "multi-agency risk assessment conference"
    assert acronyms["WIC"] == "walk in centre"
    assert acronyms["CiN"] == "child in need"
    assert acronyms["NEET"] == "not in education employment or training"
    assert acronyms["SEND"] == "special educational needs and/or disabilities"
    assert acronyms["SMART"] == "specific measurable achievable realistic and time limited"
    # A short acronym leaves no word out: "The 'did not attend' policies (DNA)" defines nothing.
    assert "DNA" not in acronyms
    assert "specific measurable" in expand_query("Were the Sefton health plans SMART?", acronyms)


def test_an_acronym_is_not_learned_from_words_that_do_not_spell_it():
    from ingest.models import Paragraph
    paragraphs = [Paragraph(citation_id="r#1.1", report_id="r", para="1.1", kind="finding", section="s",
                            text="Staff attend the weekly panel meeting (MASH) and the clinic (AB).")]
    assert learn_acronyms(paragraphs) == {}


def test_the_word_ranker_counts_each_query_word_once():
    """A synonym group repeats its shared words ("children in care | looked after children | ..."):
    counted each time, "children" outweighed what the question asked about them."""
    from evals.check_data import load_paragraphs
    from tests.conftest import REPORTS_DIR
    from vectorstore.lexical import LexicalIndex

    paragraphs = load_paragraphs(REPORTS_DIR)
    settings = RetrievalSettings()
    index = LexicalIndex(list(paragraphs.values()), k1=settings.lexical_k1, b=settings.lexical_b)
    assert index.search("children children children looked after named nurse", 10) == \
        index.search("children looked after named nurse", 10)
    expanded = expand_query("is there a named nurse for children in care in the provider service", {})
    best, _ = index.search(expanded, 1)[0]
    assert "named nurse" in paragraphs[best].text.lower()


def test_the_word_ranker_reads_its_bm25_parameters_from_the_settings(settings):
    """k1 and b come from the retrieval settings (one copy), and change the word ranker's scores."""
    from assistant.service import build_service
    from tests.conftest import CountingEmbedder
    from vectorstore.embeddings import HashingEmbedder

    scores = {}
    for k1 in (1.2, 3.0):
        settings.retrieval.lexical_k1, settings.retrieval.lexical_b = k1, 0.5
        service = build_service(settings, embedder=CountingEmbedder(HashingEmbedder()))
        if k1 == 1.2:
            service.ingest()
        index = service.retriever.corpus().lexical
        assert (index.retriever.k1, index.retriever.b) == (k1, 0.5)
        scores[k1] = index.search("named nurse for children looked after", 5)
    assert [cid for cid, _ in scores[1.2]] and scores[1.2] != scores[3.0]
