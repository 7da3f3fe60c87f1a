"""The words the first fused paragraphs share, searched again (retrieval/pseudo_feedback.py), on made-up
and on the real reports."""

from __future__ import annotations

import pytest

from assistant.retrieval.pseudo_feedback import feedback_words

STEMS = {
    "a": frozenset({"notif", "ucc", "gp", "sefton"}),
    "b": frozenset({"notif", "attend", "curious"}),
    "c": frozenset({"notif", "ucc", "mortal"}),
}
WEIGHTS = {"notif": 2.0, "ucc": 3.0, "gp": 1.0, "attend": 1.5, "curious": 4.0, "mortal": 5.0, "sefton": 9.0}


def test_feedback_words_weigh_rarity_once_for_each_paragraph_using_the_word():
    # notif 3 x 2.0 = 6, ucc 2 x 3.0 = 6, mortal 5, curious 4; the question's word and the area left out
    assert feedback_words(["a", "b", "c"], STEMS, WEIGHTS, {"gp", "sefton"}, 4) == ["notif", "ucc", "mortal", "curious"]
    assert feedback_words(["a", "b", "c"], STEMS, WEIGHTS, {"notif", "sefton"}, 2) == ["ucc", "mortal"]
    assert feedback_words(["a"], STEMS, WEIGHTS, set(), 1) == ["sefton"]
    assert feedback_words(["unknown"], STEMS, WEIGHTS, set(), 3) == []


@pytest.mark.parametrize("question,expected", [
    # the first paragraphs (a recommendation to GPs on A&E notifications, and this one) share
    # "notification", "UCC", "attendance": the words of the recommendation on what the notifications hold
    ("What change did the review want to the messages A&E sends to GPs and health visitors in Leicester?",
     "leicester-city-2016#rec:1.2"),
])
def test_the_reports_words_for_an_everyday_question_find_its_paragraph(real_service, monkeypatch, question, expected):
    assert real_service.search(question, k=5)[0].id == expected
    monkeypatch.setattr(real_service.retriever.settings, "feedback_weight", 0.0)
    without = [r.id for r in real_service.search(question, k=5)]
    assert expected in without[1:], without
