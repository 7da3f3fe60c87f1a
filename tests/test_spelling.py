"""A slip of the keyboard is read as the reports' word one edit away (assistant/retrieval/spelling.py),
and a word of the language, shorthand or an acronym is left as typed. The questions below were
declined, or lost their "how many", with the slip; each is answered as typed right."""

from __future__ import annotations

import random
from collections import Counter

import pytest

import httpx

from assistant.api import create_app
from assistant.retrieval.spelling import MAX_LOOKED_UP, Respeller, edits, is_language_word
from evals.typos import misspelt_word, mistyped, with_typos
from tests.live_server import live_server
from ui.render import answer_markdown


def test_one_edit_covers_the_four_slips():
    assert {"leicester", "childern"} <= edits("leicster") | edits("children")  # a letter dropped, two swapped
    assert "safeguarding" in edits("safegaurding")
    assert "waiting" in edits("waitng") and "nurse" in edits("nurze")  # dropped, changed
    assert "school" in edits("schoool")  # one added
    assert "leicster" not in edits("leicster")


def test_a_word_of_the_language_is_not_a_slip():
    assert is_language_word("sitting") and is_language_word("bosses")
    assert not is_language_word("leicster") and not is_language_word("safegaurding")


def test_the_reports_word_one_slip_away_is_read_and_the_most_frequent_wins():
    speller = Respeller(Counter({"leicester": 40, "nurses": 9, "care": 30, "case": 10}))
    assert speller.corrected("are nurzes in Leicster trained") == (
        "are nurses in Leicester trained", {"nurzes": "nurses", "Leicster": "Leicester"})
    assert speller.word_meant("carse") == "care"  # "care" (30) and "case" (10) are each one letter away
    assert Respeller(Counter({"care": 3, "case": 10})).word_meant("carse") == "case"


@pytest.mark.parametrize("typed", [
    "sitting",  # a word, though the reports never use it: not "setting"
    "IHAs", "CiN",  # acronyms as typed
    "hvs",  # shorthand, too short to respell
    "whats", "doesnt",  # contractions typed without the apostrophe
    "zzzzzz",  # nothing one edit away
])
def test_words_that_are_no_slip_stay_as_typed(typed):
    speller = Respeller(Counter({"setting": 5, "iha": 9, "cin": 3, "hv": 4, "has": 20}))
    assert speller.corrected(f"where is the {typed} held") == (f"where is the {typed} held", {})


def test_a_word_the_reports_never_write_is_read_as_a_common_word_of_the_language():
    speller = Respeller(Counter({"leicester": 1}))
    assert speller.word_meant("leicster") == "leicester"  # written once is enough
    assert speller.word_meant("recomended") == "recommended" and speller.word_meant("salarry") == "salary"
    # a rare word one edit away is likelier another word than the one meant
    assert speller.word_meant("inpatient") is None and speller.word_meant("sendco") is None


def test_a_short_word_is_read_only_with_a_letter_put_back_or_two_swapped():
    speller = Respeller(Counter({"most": 50, "cases": 9, "risk": 4, "cpis": 3}))
    assert speller.word_meant("cses") == "cases" and speller.word_meant("rsik") == "risk"
    assert speller.word_meant("mhst") is None and speller.word_meant("cpps") is None  # shorthand, not "most"


def test_another_form_of_a_reports_word_is_not_a_slip():
    speller = Respeller(Counter({"dentist": 4, "phone": 3}), stems=["dentist", "phone"])
    assert speller.corrected("did dentists get phoned") == ("did dentists get phoned", {})


def test_a_long_paste_of_unknown_words_is_looked_up_only_so_far():
    speller = Respeller(Counter({"leicester": 4, "nurses": 3}))
    unknown = [f"zq{chr(97 + i)}xv" for i in range(MAX_LOOKED_UP)]
    assert speller.corrected(" ".join(unknown + ["leicster"])) == (" ".join(unknown + ["leicster"]), {})
    assert speller.corrected(" ".join(unknown[1:] + ["leicster"]))[1] == {"leicster": "leicester"}


def test_the_typo_set_misspells_one_longer_lower_case_word_per_question_by_seed():
    rows = [{"id": "a1", "question": "Are IHAs in Sefton done on time for children in care?", "gold": []}]
    first, again = with_typos(rows, 3), with_typos(rows, 3)
    assert first == again and first[0]["question"] != rows[0]["question"]
    changed = [(a, b) for a, b in zip(rows[0]["question"].split(), first[0]["question"].split()) if a != b]
    assert len(changed) == 1 and changed[0][0] in {"children"}, changed  # "IHAs", "Sefton": capitals stay
    assert mistyped("IHA LAC CP", random.Random(1)) == "IHA LAC CP"
    assert misspelt_word("waiting", random.Random(2)) != "waiting"


@pytest.mark.slow
@pytest.mark.parametrize("typed,right,cited", [
    ("how does safegaurding supervison work for leicster school nurses",
     {"safegaurding": "safeguarding", "supervison": "supervision", "leicster": "leicester"}, "leicester-city-2016#"),
    ("are IHAs done on time in sefotn", {"sefotn": "sefton"}, "sefton-2018#"),
])
def test_a_mistyped_question_is_answered_as_typed_right(real_service, typed, right, cited):
    answer = real_service.ask(typed, engine="extractive")
    assert answer.read_as == right
    assert answer.answerable and answer.citations, answer.answer
    assert all(c.id.startswith(cited) for c in answer.citations), [c.id for c in answer.citations]
    assert answer.to_dict()["read_as"] == right
    text, _ = answer_markdown(answer.to_dict())
    typed, word = list(right.items())[-1]
    assert f"{typed} \u2192 {word}</sub>" in text.splitlines()[0]


@pytest.mark.slow
def test_a_mistyped_count_question_still_asks_for_a_count(real_service):
    # "mnay" hid the "how many": the question was answered with sentences giving no count of staff.
    typed = real_service.ask("how mnay social workers does sefton employ", engine="extractive")
    right = real_service.ask("how many social workers does sefton employ", engine="extractive")
    assert typed.read_as == {"mnay": "many"}
    assert (typed.answerable, typed.answer) == (right.answerable, right.answer)


@pytest.mark.slow
def test_a_follow_up_takes_its_topic_from_the_earlier_question_respelt(real_service):
    first = "what did they find about safeguarding supervision for leicster school nurses"
    history = [{"role": "user", "content": first},
               {"role": "assistant", "content": real_service.ask(first, engine="extractive").answer}]
    follow_up = real_service.ask("and what did they recommend about it?", history, engine="extractive")
    assert "leicester" in follow_up.resolved.text.lower() and "leicster" not in follow_up.resolved.text.lower()
    assert follow_up.read_as == {}  # the follow-up itself had no slip


@pytest.mark.slow
def test_the_api_says_what_it_read_a_slip_as(real_service):
    with live_server(create_app(real_service)) as url:
        client = httpx.Client(base_url=url, timeout=60)
        asked = client.post("/v1/ask", json={"question": "how bad is tooth decay in leicster", "engine": "extractive"})
        chat = client.post("/v1/chat/completions", json={"messages": [
            {"role": "user", "content": "how bad is tooth decay in leicster"}]})
    assert asked.status_code == 200 and asked.json()["read_as"] == {"leicster": "leicester"}
    assert chat.status_code == 200 and chat.json()["report_assistant"]["read_as"] == {"leicster": "leicester"}


def test_an_american_spelling_is_read_as_the_british_the_reports_write():
    speller = Respeller(Counter({"centre": 5, "paediatric": 4, "behaviour": 3, "programme": 2, "organisations": 2}))
    assert speller.corrected("walk-in center pediatric behavior program organizations") == (
        "walk-in centre paediatric behaviour programme organisations",
        {"center": "centre", "pediatric": "paediatric", "behavior": "behaviour", "program": "programme",
         "organizations": "organisations"})
    assert speller.word_meant("doctor") is None  # "doctour" is no word of the reports


def test_the_american_set_spells_british_words_the_american_way_and_only_real_words():
    from evals.typos import american_spelling, with_american_spelling
    assert [american_spelling(w) for w in ("centre", "behaviour", "programme", "organisation", "paediatric")] == [
        "center", "behavior", "program", "organization", "pediatric"]
    assert [american_spelling(w) for w in ("advise", "hours", "more")] == ["advise", "hours", "more"]
    rows = [{"id": "a", "question": "who runs the walk-in centre?"}, {"id": "b", "question": "who runs CAMHS?"}]
    assert with_american_spelling(rows) == [{"id": "a", "question": "who runs the walk-in center?"}]


def test_with_respelling_off_every_word_is_read_as_typed(tmp_path):
    from assistant.service import build_service
    from assistant.settings import Settings
    from tests.conftest import REPORTS_DIR, report_text_path
    from vectorstore.embeddings import HashingEmbedder

    settings = Settings(data_dir=tmp_path / "data", reports_dir=REPORTS_DIR)
    settings.retrieval.respell = False
    service = build_service(settings, embedder=HashingEmbedder())
    service.ingest([report_text_path("leicester-city-2016")])
    corpus = service.answerer.retriever.corpus()
    assert corpus.respelt("tooth decay in leicster") == ("tooth decay in leicster", {})
    assert service.ask("how bad is tooth decay in leicster", engine="extractive").read_as == {}
