"""The eval metrics on hand-made cases, including ones that must score exactly 0 and 1."""

from __future__ import annotations

import pytest

from evals.metrics import (
    Statement,
    citation_precision,
    citation_recall,
    hit_at_k,
    key_term_coverage,
    mean,
    reciprocal_rank,
    share_found,
    supports,
)

NURSES = "School nurses are not linked to further education colleges in the city."
WAIT = "The longest wait for CAMHS was 52 weeks, and the average was 22 weeks."


def test_retrieval_metrics():
    assert hit_at_k(["a", "b", "c"], ["c"], 3) == 1.0 and hit_at_k(["a", "b", "c"], ["c"], 2) == 0.0
    assert reciprocal_rank(["a", "b", "c"], ["b", "c"]) == 0.5 and reciprocal_rank(["a"], ["z"]) == 0.0
    assert mean([]) == 0.0 and mean([1.0, 0.0]) == 0.5


def test_support_needs_the_figures_and_most_words():
    assert supports("The longest CAMHS wait was 52 weeks.", [WAIT])
    assert not supports("The longest CAMHS wait was 53 weeks.", [WAIT])  # a figure not in the evidence
    assert not supports("Midwives visit every family at home.", [WAIT])
    assert not supports("Anything at all.", [])


def test_citation_recall_and_precision_all_and_nothing():
    perfect = [Statement("School nurses are not linked to colleges.", [NURSES]),
               Statement("The longest CAMHS wait was 52 weeks.", [WAIT])]
    assert citation_recall(perfect) == 1.0 and citation_precision(perfect) == 1.0
    wrong = [Statement("School nurses are not linked to colleges.", [WAIT]),
             Statement("An uncited claim about midwives.", [])]
    assert citation_recall(wrong) == 0.0 and citation_precision(wrong) == 0.0


def test_precision_counts_an_irrelevant_extra_citation_and_a_needed_pair():
    extra = [Statement("The longest CAMHS wait was 52 weeks.", [WAIT, NURSES])]
    assert citation_recall(extra) == 1.0 and citation_precision(extra) == 0.5
    # Each half alone lacks a figure; together they support the sentence, so both are needed.
    pair = [Statement("Nurses are not linked to colleges and the longest wait was 52 weeks.",
                      ["School nurses are not linked to colleges.", "The longest wait was 52 weeks."])]
    assert citation_recall(pair) == 1.0 and citation_precision(pair) == 1.0


@pytest.mark.parametrize("answer, terms, expected", [
    ("In Leicester, 51% of five year olds have tooth decay.", ["51%"], 1.0),
    ("Tooth decay is high.", ["51%", "tooth decay"], 0.5),
    ("Nothing relevant.", ["51%"], 0.0),
])
def test_key_term_coverage(answer, terms, expected):
    assert key_term_coverage(answer, terms) == expected


def test_share_found():
    assert share_found(["a", "b"], ["a", "c"]) == 0.5 and share_found([], ["a"]) == 0.0 and share_found([], []) == 1.0
