"""Eval metrics: retrieval over ranked citation ids, and citation quality of answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from assistant.retrieval.words import content_words


def hit_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> float:
    """1.0 when any gold id is among the first k ranked ids, else 0.0."""
    gold = set(gold)
    return 1.0 if any(item in gold for item in ranked[:k]) else 0.0


def reciprocal_rank(ranked: Sequence[str], gold: Iterable[str], cutoff: int = 10) -> float:
    """1/rank of the first gold id within the cutoff, else 0.0."""
    gold = set(gold)
    for rank, item in enumerate(ranked[:cutoff], start=1):
        if item in gold:
            return 1.0 / rank
    return 0.0


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


# -- citations (after ALCE, Gao et al. 2023), with a deterministic offline support check ------
_FIGURE = re.compile(r"\d[\d,.]*%?")


def figures_in(text: str) -> set[str]:
    return {f.rstrip(".,") for f in _FIGURE.findall(text)}


def supports(sentence: str, cited_texts: Sequence[str], min_share: float = 0.6) -> bool:
    """Whether the cited paragraphs, together, support the sentence: every figure of the
    sentence appears in them, and at least `min_share` of its content words do."""
    evidence = " ".join(cited_texts)
    if not evidence.strip():
        return False
    if not figures_in(sentence) <= figures_in(evidence):
        return False
    words = content_words(sentence)
    if not words:
        return True
    return len(words & content_words(evidence)) / len(words) >= min_share


@dataclass
class Statement:
    """One answer sentence with the texts of the paragraphs it cites (empty: no citation)."""

    sentence: str
    cited: list[str]


def citation_recall(statements: Sequence[Statement]) -> float:
    """Share of answer sentences fully supported by their citations (no citation: unsupported)."""
    return mean(1.0 if s.cited and supports(s.sentence, s.cited) else 0.0 for s in statements)


def citation_precision(statements: Sequence[Statement]) -> float:
    """Share of citations that support their sentence: alone, or as a necessary part of a set
    that does (ALCE's definition: a citation is irrelevant when it neither supports alone nor
    is needed by the others)."""
    scores = []
    for statement in statements:
        together = supports(statement.sentence, statement.cited)
        for index, text in enumerate(statement.cited):
            others = statement.cited[:index] + statement.cited[index + 1:]
            alone = supports(statement.sentence, [text])
            needed = together and not (others and supports(statement.sentence, others))
            scores.append(1.0 if alone or needed else 0.0)
    return mean(scores)


def copied_share(sentences: Sequence[str], report_texts: Sequence[str], min_words: int = 5) -> float:
    """Share of answer sentences (of at least `min_words` words) that are copied verbatim from a
    report: the whole sentence, less its final full stop, appears in a paragraph's text."""
    counted = [s.strip().rstrip(".").strip() for s in sentences if len(s.split()) >= min_words]
    if not counted:
        return 0.0
    return mean(1.0 if any(sentence in text for text in report_texts) else 0.0 for sentence in counted)


def key_term_coverage(answer: str, terms: Sequence[str]) -> float:
    """Share of the key terms found in the answer (case-insensitive)."""
    lowered = answer.lower()
    return mean(1.0 if term.lower() in lowered else 0.0 for term in terms) if terms else 1.0


def share_found(found: Iterable[str], gold: Iterable[str]) -> float:
    """Share of the gold items among `found` (recall); 1.0 when there is no gold."""
    gold = set(gold)
    return len(gold & set(found)) / len(gold) if gold else 1.0


def best_threshold(positives: Sequence[float], negatives: Sequence[float]) -> tuple[float, float]:
    """The cut that best separates scores that should pass (>= cut) from those that should not,
    by balanced accuracy; returns (cut, balanced accuracy)."""
    values = sorted(set(positives) | set(negatives))
    best = (0.0, 0.0)
    for low, high in zip(values, values[1:] + [values[-1] + 0.02] if values else []):
        cut = (low + high) / 2
        accuracy = (mean(v >= cut for v in positives) + mean(v < cut for v in negatives)) / 2
        if accuracy > best[1]:
            best = (round(cut, 3), accuracy)
    return best
