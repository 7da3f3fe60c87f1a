"""Of the first fused paragraphs, the one that says more of the question's rarer words comes
first (words_said.py), on made-up rankings and on the real reports."""

from __future__ import annotations

import pytest

from assistant.retrieval.words_said import scores_with_words_said, share_said

WEIGHTS = {"county": 4.0, "line": 3.0, "train": 1.0, "nurs": 0.5}
STEMS = {"a": frozenset({"train", "nurs"}), "b": frozenset({"county", "line", "train"}), "c": frozenset({"nurs"})}


def test_share_said_weighs_each_word_by_its_rarity():
    question = ["county", "line", "train", "train", "unknown"]
    assert share_said(question, STEMS["b"], WEIGHTS) == pytest.approx(1.0)
    assert share_said(question, STEMS["a"], WEIGHTS) == pytest.approx(1.0 / 8.0)
    assert share_said(["unknown"], STEMS["a"], WEIGHTS) == 0.0


def order(ranked, fused, question, weight, depth):
    scores = scores_with_words_said(ranked, fused, question, STEMS, WEIGHTS, weight, depth)
    return sorted(scores, key=lambda cid: -scores[cid])


def test_the_paragraph_saying_more_of_the_question_moves_up_within_the_depth_only():
    question = ["county", "line", "train"]
    fused = {"a": 0.10, "b": 0.09, "c": 0.08, "d": 0.01}
    assert order(["a", "b", "c", "d"], fused, question, 0.3, 3) == ["b", "a", "c", "d"]
    scores = scores_with_words_said(["a", "b", "c", "d"], fused, question, STEMS, WEIGHTS, 0.3, 3)
    assert scores["b"] == pytest.approx(0.09 * 1.3) and scores["d"] == 0.01  # scores follow the order
    # a lead the share cannot make up is kept; beyond the depth nothing moves; 0 turns it off
    assert order(["a", "b"], {"a": 0.2, "b": 0.09}, question, 0.3, 2) == ["a", "b"]
    assert order(["c", "a", "b"], {"c": 0.1, "a": 0.099, "b": 0.098}, question, 0.3, 2) == ["a", "c", "b"]
    assert order(["a", "b", "c", "d"], fused, question, 0.0, 3) == ["a", "b", "c", "d"]


@pytest.mark.parametrize("question,expected", [
    # two paragraphs on one topic: 4.3 (community paediatricians at Alder Hey undertake the IHAs)
    # ranked first before; 5.3.10 says who trained them
    ("who trained the Alder Hey paediatricians to do health assessments for children in care", "sefton-2018#5.3.10"),
    # the paragraph of that case (missed appointments, drift), not children-in-need.6 of another
    ("Ormskirk maternity case missed appts drift", "sefton-2018#children-in-need.2"),
    # a recommendation among the CCGs' others
    ("What did inspectors ask the Sefton CCGs to do so that GP surgeries spot families who need early help?",
     "sefton-2018#rec:1.2"),
    # the area's name is not counted as said: counted, it held 5.3.18 (which names Sefton) first
    ("have sexual health nurses in sefton done level 3 training", "sefton-2018#5.3.12"),
])
def test_the_paragraph_saying_what_was_asked_ranks_first(real_service, monkeypatch, question, expected):
    assert real_service.search(question, k=5)[0].id == expected
    settings = real_service.retriever.settings
    monkeypatch.setattr(settings, "coverage_weight", 0.0)
    # without the reordering it is among the first five, not first (recall at the depth is unchanged)
    unordered = [r.id for r in real_service.search(question, k=5)]
    assert expected in unordered[1:], unordered
