"""Ask and draft with the extractive engine on the real reports and the real local model."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.engines.extractive import ExtractiveEngine
from assistant.errors import InvalidInputError, NotFoundError
from assistant.grounding.relevance import topic_words, words_said
from assistant.retrieval.conversation import resolve_question
from evals.runner import DRAFTING_CASES, citation_errors, load_jsonl
from evals.runner import QUESTIONS as QUESTIONS_FILE
from ingest.recommendation_links import only_points_to_recommendations
from prompts import cannot_answer_sentinel
from vectorstore.chunking import sentence_spans

pytestmark = pytest.mark.slow

ALL_QUESTIONS = load_jsonl(QUESTIONS_FILE)
# The first 43 questions (r01-r43), against which the gates below were first measured; the
# whole set is scored by the eval gate (tests/test_eval_gate.py).
QUESTIONS = [q for q in ALL_QUESTIONS if q["id"].startswith("r")]
UNANSWERABLE = [q for q in ALL_QUESTIONS if q["kind"] == "unanswerable"]
FIGURE_QUESTIONS = ("r02", "r05", "r08", "r11", "r13", "r14", "r20", "r21", "r30", "r31", "r40", "r41")
DRAFT_CASES = [c for c in load_jsonl(DRAFTING_CASES) if int(c["id"][1:]) <= 18]


@pytest.fixture(scope="module")
def answers(real_service):
    return {q["id"]: real_service.ask(q["question"]) for q in QUESTIONS}


def test_every_citation_of_every_eval_answer_is_stored_and_verbatim(real_service, answers):
    checked = 0
    for qid, answer in answers.items():
        assert citation_errors(real_service, answer) == [], qid
        assert answer.unsupported == [] and answer.removed == [], qid
        checked += len(answer.citations)
    assert checked >= len(QUESTIONS)


def test_eval_answers_cite_a_gold_paragraph(answers):
    cited = [any(c.id in q["gold"] for c in answers[q["id"]].citations) for q in QUESTIONS]
    assert sum(cited) / len(cited) >= 0.8, [q["id"] for q, hit in zip(QUESTIONS, cited) if not hit]


def test_asked_for_figures_appear_in_the_answer(answers):
    figure_questions = [q for q in QUESTIONS if q["id"] in FIGURE_QUESTIONS]
    assert len(figure_questions) >= 10
    kept = [all(term.lower() in answers[q["id"]].answer.lower() for term in q["key_terms"]) for q in figure_questions]
    # 9 of 12 today; the misses are listed on issue 3 (a sentence that needs its neighbours).
    assert sum(kept) / len(kept) >= 0.75, [q["id"] for q, ok in zip(figure_questions, kept) if not ok]


def test_questions_the_reports_cannot_answer_get_the_sentinel(real_service):
    sentinel = cannot_answer_sentinel()
    assert "cannot answer from these reports" in sentinel
    declined = []
    for question in UNANSWERABLE:
        answer = real_service.ask(question["question"])
        if not answer.answerable:
            assert answer.answer == sentinel and answer.citations == []
        declined.append(not answer.answerable)
    assert sum(declined) / len(declined) >= 0.9


def test_follow_ups_resolve_against_the_conversation(real_service):
    first_question = "How long do children wait for CAMHS in Leicester?"
    first = real_service.ask(first_question)
    assert first.citations and {c.report_id for c in first.citations} == {"leicester-city-2016"}
    history = [{"role": "user", "content": first_question}, {"role": "assistant", "content": first.answer}]

    other_area = real_service.ask("and in Sefton?", history)
    assert other_area.resolved.follow_up and other_area.resolved.report_ids == ["sefton-2018"]
    assert {c.report_id for c in other_area.citations} == {"sefton-2018"}
    assert "sefton-2018#5.1.14" in {c.id for c in other_area.citations}

    history += [{"role": "user", "content": "and in Sefton?"}, {"role": "assistant", "content": other_area.answer}]
    recommended = real_service.ask("what did they recommend about it?", history)
    cited = {c.id for c in recommended.citations}
    linked = {rec for c in other_area.citations for rec in real_service.paragraph(c.id).recommendations}
    assert linked and cited & linked, (cited, linked)


def test_asking_what_was_recommended_about_a_finding_that_led_to_none_says_so(real_service):
    question = "What share of five-year-olds in Leicester have tooth decay?"
    first = real_service.ask(question)
    assert {c.id for c in first.citations} == {"leicester-city-2016#1.9"}  # one paragraph, cited per sentence
    assert real_service.paragraph("leicester-city-2016#1.9").recommendations == []
    history = [{"role": "user", "content": question}, {"role": "assistant", "content": first.answer}]
    follow_up = real_service.ask("and what did they recommend about it?", history)
    assert not follow_up.answerable and follow_up.citations == []
    assert follow_up.answer.startswith(cannot_answer_sentinel())
    assert "(leicester-city-2016#1.9) did not lead to a recommendation" in follow_up.answer


def test_cross_report_questions_answer_report_by_report(real_service):
    answer = real_service.ask("Compare how quickly children entering care get their initial health assessment "
                              "in Leicester and Sefton")
    assert answer.resolved.cross_report
    assert {c.report_id for c in answer.citations} == {"leicester-city-2016", "sefton-2018"}
    assert answer.answer.index("Leicester City (2016):") < answer.answer.index("Sefton (2018):")
    across = real_service.ask("What do the reports say about supervision of safeguarding practice across the reports?")
    assert {c.report_id for c in across.citations} == {"leicester-city-2016", "sefton-2018"}


def test_one_area_compared_with_something_of_its_own_is_answered_from_its_report(real_service):
    """"made much difference" and "compared with other English councils" compare nothing across
    reports: answered report by report before, Leicester's wellbeing strategy led the answer to a
    question about Sefton's plan."""
    names = real_service.retriever.corpus().names
    for asked in ("Has Sefton's plan for children's emotional wellbeing made much difference yet?",
                  "How deprived is Leicester compared with other English councils?"):
        answer = real_service.ask(asked, engine="extractive")
        assert not answer.resolved.cross_report
        assert {c.report_id for c in answer.citations} == set(names.named_in(asked)), answer.answer
    for asked in ("How does Sefton compare?", "how does sefton compare with the other area on CAMHS"):
        assert resolve_question(asked, [], names).cross_report, asked


def test_the_area_name_does_not_pull_the_title_page_into_an_answer(real_service):
    """Every sentence of a report is about its area: sharing "Sefton" and "case" with the
    question made the title page and the summary's opening the best "matches" (before 2026-12-02)."""
    answer = real_service.ask("In one Sefton case, what happened after a family failed to bring their child to "
                              "clinic twice?")
    assert answer.citations and not any("#front." in c.id for c in answer.citations)
    assert "sefton-2018#children-in-need.5" in {c.id for c in answer.citations}
    assert topic_words("In one Sefton case, what happened?", ["Sefton (2018)", "Leicester City (2016)"]) == {"one", "happened"}


def test_sentences_close_to_the_best_are_kept_from_the_next_paragraph(real_service):
    answer = real_service.ask("Do under-16s get seen quicker at the Leicester sexual health clinic?")
    assert {"leicester-city-2016#1.26", "leicester-city-2016#1.27"} <= {c.id for c in answer.citations}


def test_a_sentence_using_an_acronym_says_its_long_form(real_service):
    """"MASH arrangements in Sefton work well." answers a question about the multi-agency
    safeguarding hub: the report defined MASH once, earlier. Counted as sharing none of the
    question's words, it scored below the floor and the answer cited the CCGs' leadership and the
    MASH's monitoring instead (before 2026-12-06)."""
    answer = real_service.ask("How well is the Sefton multi-agency safeguarding hub working for health?",
                              engine="extractive")
    assert "sefton-2018#5.2.4" in {c.id for c in answer.citations}
    assert words_said("MASH arrangements work well.", {"MASH": {"multi", "agency", "safeguarding", "hub"}}) == {
        "mash", "arrangement", "work", "well", "multi", "agency", "safeguarding", "hub"}


def test_named_paragraph_is_answered_from_that_paragraph(real_service):
    answer = real_service.ask("What does paragraph 3.9 of the Leicester report say?")
    assert answer.citations and answer.citations[0].id == "leicester-city-2016#3.9"


def test_filters_restrict_the_answer(real_service):
    answer = real_service.ask("What do inspectors say about supervision?", filters={"report_ids": ["sefton-2018"]})
    assert answer.citations and {c.report_id for c in answer.citations} == {"sefton-2018"}
    with pytest.raises(InvalidInputError, match="unknown filter field"):
        real_service.ask("supervision", filters={"report": "sefton-2018"})


def test_bad_questions_are_named_errors(real_service):
    with pytest.raises(InvalidInputError, match="question is empty"):
        real_service.ask("   ")
    with pytest.raises(InvalidInputError, match="the limit is 2,000"):
        real_service.ask("x" * 100_000)
    with pytest.raises(InvalidInputError, match="history"):
        real_service.ask("and in Sefton?", history=[{"role": "robot", "content": "hi"}])


def test_streaming_gives_tokens_then_the_same_checked_answer(real_service):
    question = "How bad is dental decay among five-year-olds in Leicester?"
    events = list(real_service.ask_stream(question))
    tokens = [value for kind, value in events if kind == "token"]
    (final,) = [value for kind, value in events if kind == "answer"]
    assert len(tokens) > 5 and "".join(tokens) == final.answer
    assert final.to_dict()["citations"] == real_service.ask(question).to_dict()["citations"]


# -- drafting --------------------------------------------------------------------------------
def test_drafting_finds_the_comparable_finding_in_the_other_report_with_its_recommendation(real_service):
    assert len(DRAFT_CASES) >= 10
    misses = []
    for case in DRAFT_CASES:
        draft = real_service.draft(case["observation"], exclude_report=case["exclude_report"])
        top = [p for p in draft.precedents[:5] if p.id in case["expected"] and p.recommendations]
        if not top:
            misses.append((case["id"], [p.id for p in draft.precedents]))
        assert all(p.report_id != case["exclude_report"] for p in draft.precedents)
        assert citation_errors(real_service, draft) == [] and draft.unsupported == []
    assert misses == []


def test_draft_has_house_style_parts_and_cited_precedents(real_service):
    draft = real_service.draft("Health visitors are not told when children in their caseload attend the emergency "
                               "department.", area="Testshire", provider="Testshire Community Health NHS Trust",
                               exclude_report="leicester-city-2016")
    assert draft.precedents and all(p.report_id == "sefton-2018" for p in draft.precedents)
    for precedent in draft.precedents:
        paragraph = real_service.paragraph(precedent.id)
        assert paragraph.text[precedent.start:precedent.end] == precedent.quote
        for rec in precedent.recommendations:
            assert real_service.paragraph(rec["id"]).text == rec["text"] and rec["addressees"]
    assert draft.draft.startswith("In Testshire, health visitors are not told")  # the area places the finding
    assert "[sefton-2018#" in draft.draft and "(Recommendation" in draft.draft
    assert draft.suggested_recommendation.startswith("Testshire Community Health NHS Trust should ")
    assert any(c.id.startswith("sefton-2018#rec:") for c in draft.citations)


def test_area_and_provider_shape_the_draft(real_service):
    """The same observation drafted for two areas and two kinds of provider: each draft names its
    area, and the recommendation is adapted from one addressed to the same kind of organisation."""
    observation = "Children in care wait too long for their initial health assessment."
    by_commissioner = real_service.draft(observation, area="Testshire", provider="NHS Testshire CCG")
    by_trust = real_service.draft(observation, area="Borsetshire", provider="Borsetshire Community NHS Trust")
    assert "In Testshire, children in care wait" in by_commissioner.draft and "Borsetshire" not in by_commissioner.draft
    assert "In Borsetshire, children in care wait" in by_trust.draft

    def adapted_from(draft):
        rec_ids = [c.id for c in draft.citations if "#rec:" in c.id and f"[{c.id}]" in draft.suggested_recommendation]
        assert len(rec_ids) == 1, draft.suggested_recommendation
        return real_service.paragraph(rec_ids[0]).addressees

    assert by_commissioner.suggested_recommendation.startswith("NHS Testshire CCG should ")
    assert "CCG" in adapted_from(by_commissioner)
    assert by_trust.suggested_recommendation.startswith("Borsetshire Community NHS Trust should ")
    assert "Trust" in adapted_from(by_trust)
    for draft in (by_commissioner, by_trust):
        assert citation_errors(real_service, draft) == [] and draft.unsupported == []


def test_draft_rejects_an_unknown_report_to_exclude(real_service):
    with pytest.raises(NotFoundError, match="exclude_report 'nowhere-2020'"):
        real_service.draft("Midwives do not visit at home.", exclude_report="nowhere-2020")


def test_a_prefetched_question_vector_is_embedded_once_and_matches():
    from assistant.grounding.relevance import MAX_PENDING_QUERIES, SentenceEmbeddingCache
    from vectorstore.embeddings import HashingEmbedder

    class Counting(HashingEmbedder):
        queries = 0

        def embed_query(self, text):
            Counting.queries += 1
            return super().embed_query(text)

    embedder = Counting()
    cache = SentenceEmbeddingCache(lambda: embedder)
    cache.prefetch_query("health assessments for children in care")
    cache.prefetch_query("health assessments for children in care")  # one pending embedding per text
    vector = cache.query("health assessments for children in care")
    assert Counting.queries == 1
    assert np.allclose(vector, HashingEmbedder().embed_query("health assessments for children in care"))
    cache.query("health assessments for children in care")  # nothing pending now: embedded again
    assert Counting.queries == 2
    for n in range(MAX_PENDING_QUERIES + 10):  # questions whose retrieval failed do not pile up
        cache.prefetch_query(f"question {n}")
    assert len(cache._pending) == MAX_PENDING_QUERIES


WHAT_WENT_WRONG = ("In the Leicester drug and alcohol service example, what went wrong when a worker phoned social "
                   "care about a pregnant woman?")


def test_a_chosen_sentence_brings_the_one_after_it(real_service):
    """The sentence after a chosen one often says why or what it meant: here "The case record
    reflected that the call was made ..." is chosen and the next sentence of its paragraph says
    what went wrong (the record did not state the outcome), a sentence scoring too low to be
    chosen itself. With the setting at 1 it is left out, as before 2026-12-04. (The first case of
    this test, why part of a school nursing form was left blank, has its reason chosen directly
    since the sentence gap became 0.3 on 2026-12-06.)"""
    request = real_service.answerer.prepare(WHAT_WENT_WRONG).request
    settings = real_service.settings.answer
    with_next = ExtractiveEngine(settings).evidence(request)
    alone = ExtractiveEngine(settings.model_copy(update={"max_sentences_with_following": 1})).evidence(request)
    outcome = [s for s in with_next if "outcome of this discussion" in s.text]
    assert outcome and outcome[0].item.id == "leicester-city-2016#child-protection.18"
    assert outcome[0].score < request.scored[0].score - settings.sentence_gap  # not chosen for itself
    assert not any("outcome of this discussion" in s.text for s in alone)
    assert len(with_next) <= settings.max_sentences_with_following
    for sentence in alone:  # every chosen sentence is followed by its paragraph's next one, while room
        nxt = [s for s in with_next if s.item.id == sentence.item.id and s.start >= sentence.end]
        later = [s for s in request.scored if s.item.id == sentence.item.id and s.start >= sentence.end]
        assert nxt or not later or len(with_next) == settings.max_sentences_with_following
    answer = real_service.ask(WHAT_WENT_WRONG, engine="extractive")
    assert "outcome of this discussion" in answer.answer


def test_the_best_sentence_brings_the_two_after_it(real_service, monkeypatch):
    """The paragraph answering best often gives the detail asked for two sentences on: "what does
    the emotional wellbeing specialist actually do" is answered by the sentence naming the role,
    and, two sentences later, what the work is (an assessment of the whole family, one-to-one work
    with the child), which one sentence after it left out (before 2026-12-06). (The first case of
    this test, what Leicester GPs should record of the adult bringing a child, reaches that
    sentence by itself since the sentence gap became 0.3 on 2026-12-06.)"""
    question = "What does the emotional wellbeing specialist in Sefton's 0-19 service actually do?"
    answer = real_service.ask(question, engine="extractive")
    assert "whole family approach" in answer.answer
    assert "sefton-2018#1.8" in {c.id for c in answer.citations}
    monkeypatch.setattr("assistant.engines.extractive.LEAD_FOLLOWING", 1)
    assert "whole family" not in real_service.ask(question, engine="extractive").answer


def test_an_answer_does_not_quote_a_bare_pointer_to_a_recommendation(real_service):
    """Sefton's paragraph 2.5 ends "Recommendation 8.1": said alone, it tells the reader nothing."""
    question = "Have ligature and safety risk checks been done on the children's wards for young people who might self-harm?"
    paragraph = real_service.paragraph("sefton-2018#2.5")
    assert any(only_points_to_recommendations(paragraph.text[a:b]) for a, b in sentence_spans(paragraph.text))
    answer = real_service.ask(question, engine="extractive")
    assert "sefton-2018#2.5" in {c.id for c in answer.citations}
    assert not [c.quote for c in answer.citations if only_points_to_recommendations(c.quote)], answer.answer


@pytest.mark.parametrize("question,verdict", [
    # dev g09 and the first set's r35: without the bonus and the opening sentence brought along,
    # their answers quote only the evidence. (dev g24, "Do Sefton's child mental health services
    # consider the parents' own problems ...", was the first case until its verdict, saying "CAMHS",
    # counted as saying "child ... mental health services" and was chosen without the bonus, 2026-12-06.)
    ("Are the medical checks for Leicester children in care done to a consistent standard?",
     "The quality of health assessments for LAC are inconsistent."),
    ("Are the views of children heard by health commissioners in Sefton?",
     "The voice of children and young people in Sefton is inconsistently captured."),
])
def test_a_finding_is_answered_with_its_judgement_not_only_its_evidence(real_service, question, verdict, monkeypatch):
    """A finding opens with its judgement and goes on with the evidence; the evidence's sentences
    are often nearer the question's words, and alone they leave out what the inspectors
    concluded."""
    assert verdict in real_service.ask(question, engine="extractive").answer
    monkeypatch.setattr("assistant.grounding.relevance.VERDICT_BONUS", 0.0)
    monkeypatch.setattr("assistant.engines.extractive.with_verdicts", lambda chosen, scored: chosen)
    assert verdict not in real_service.ask(question, engine="extractive").answer


@pytest.mark.parametrize("question,verdict", [
    # dev4 p18 and e07: the verdict shares no word with the question and scores far below the
    # evidence chosen from its paragraph (0.46 against 0.83 and 0.68), bonus and all.
    ("Do family doctors and school nurses in Sefton share what they know about families?",
     "Information sharing and joint working is inconsistent across the Sefton local area."),
    ("Is Leicester's assessment of what local children need from health services kept up to date?",
     "There has been no continuous or dynamic JSNA process in Leicester for children and young people."),
])
def test_a_finding_quoted_for_its_evidence_brings_its_judgement(real_service, question, verdict, monkeypatch):
    """A finding some of whose evidence answers is quoted with its opening sentence, the judgement
    the evidence supports, however far that sentence's words are from the question's."""
    assert verdict in real_service.ask(question, engine="extractive").answer
    monkeypatch.setattr("assistant.engines.extractive.with_verdicts", lambda chosen, scored: chosen)
    assert verdict not in real_service.ask(question, engine="extractive").answer
