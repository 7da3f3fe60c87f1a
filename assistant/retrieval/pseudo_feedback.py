"""Words the first paragraphs found have in common, searched for again (pseudo-relevance
feedback). A question in everyday words shares few words with the paragraph that answers it, but
the paragraphs ranked first on its topic use the reports' own words for it: "what change did the
review want to the messages A&E sends to GPs and health visitors in Leicester?" finds a
recommendation to GPs about A&E notifications first, and what the first paragraphs share
("notification", "UCC", "attendance", "emergency department") finds the recommendation on what
the notifications must hold. Those words, added to the question, make one more BM25 ranking for
the fusion."""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping


def feedback_words(first: Iterable[str], stems: Mapping[str, frozenset[str]], weights: Mapping[str, float],
                   leave_out: set[str], count: int) -> list[str]:
    """The `count` stemmed words weighing most over the paragraphs `first` (a word's rarity in the
    reports, once for each of those paragraphs using it), other than the words in `leave_out`
    (the question's own, the areas' names)."""
    weight: Counter = Counter()
    for cid in first:
        for word in stems.get(cid, ()):
            if word not in leave_out:
                weight[word] += weights.get(word, 0.0)
    return [word for word, _ in sorted(weight.items(), key=lambda item: (-item[1], item[0]))[:count]]
