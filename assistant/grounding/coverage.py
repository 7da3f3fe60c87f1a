"""What a written answer carried of the evidence it was written from.

A small model writing in its own words drops facts: a figure, a service's name, the one sentence
that held the answer. The sentences it was given were chosen because they answer the question, so
one that no written sentence both cites and states is shown after the prose, quoted and cited,
rather than lost.
"""

from __future__ import annotations

from typing import AbstractSet, Sequence

from assistant.grounding.citations import Claim, Segment, claims_naming_figures
from assistant.grounding.relevance import ScoredSentence
from assistant.retrieval.words import containment, figures_in


def carries(written: str, sentence: str, min_share: float, named_figures: AbstractSet[str] = frozenset()) -> bool:
    """Whether `written` states what `sentence` says: at least `min_share` of its content words
    and every figure it gives, but for `named_figures`, figures the sentence may give by naming
    where `written` is from (citations.naming_figures: a report's year, a paragraph's number)."""
    return (containment(sentence, written) >= min_share
            and figures_in(sentence) <= figures_in(written) | named_figures)


def claims_carry(claims: Sequence[Claim], sentence: str, min_share: float) -> bool:
    """Whether the sentences the claims quote, read together, state what `sentence` says
    (`carries`), a report's year and a paragraph's number counting as said (naming_figures)."""
    return carries(" ".join(claim.quote or "" for claim in claims), sentence, min_share,
                   claims_naming_figures(claims))


def left_out(evidence: Sequence[ScoredSentence], written: Sequence[Segment], min_share: float) -> list[ScoredSentence]:
    """The evidence sentences that no written sentence both cites (by its quote) and carries, in
    evidence order."""
    missing = []
    for sentence in evidence:
        citing = [s.text for s in written if any(c.id == sentence.item.id and c.quote == sentence.text for c in s.claims)]
        if not any(carries(text, sentence.text, min_share) for text in citing):
            missing.append(sentence)
    return missing
