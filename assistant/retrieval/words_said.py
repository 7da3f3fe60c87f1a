"""How much of a question a paragraph says in its own words: the share of the question's words
(stemmed, stop words out, each weighed by its rarity in the reports) that the paragraph's text
uses. Fusion ranks by rank alone, so of two neighbouring paragraphs on one topic (two
recommendations to one trust, two paragraphs of one case) the one a ranker happened to place
higher wins; the one that says more of what was asked is more often the answer. The first few
fused paragraphs are scored again with it."""

from __future__ import annotations

from typing import Mapping


def share_said(question: list[str], paragraph: frozenset[str], weights: Mapping[str, float]) -> float:
    """Σ weight of the question's words the paragraph uses / Σ weight of the question's words
    the reports use (0 when the reports use none of them)."""
    known = [word for word in dict.fromkeys(question) if word in weights]
    total = sum(weights[word] for word in known)
    if not total:
        return 0.0
    return sum(weights[word] for word in known if word in paragraph) / total


def scores_with_words_said(ranked: list[str], fused: Mapping[str, float], question: list[str],
                           stems: Mapping[str, frozenset[str]], weights: Mapping[str, float],
                           weight: float, depth: int) -> dict[str, float]:
    """The fused scores with the first `depth` ids of `ranked` (best first) scored fused score x
    (1 + weight x share said): they only gain, so they stay above the rest, reordered."""
    if not weight or depth < 2:
        return dict(fused)
    scores = dict(fused)
    for cid in ranked[:depth]:
        scores[cid] = fused[cid] * (1 + weight * share_said(question, stems.get(cid, frozenset()), weights))
    return scores
