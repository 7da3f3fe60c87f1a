"""Words that only one paragraph of the stored reports uses ("receptionist", "ligature",
"handwritten", "Merlyn"). A question using such a word very likely asks about that paragraph,
but under reciprocal rank fusion the word ranker's first place counts no more for a word found
once than for a word found everywhere; ranking the paragraphs holding the question's
distinctive words as one more ranking gives that evidence its own say."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from assistant.retrieval.words import FRAMING_WORDS, content_words
from ingest.models import Paragraph


def sole_words(paragraphs: Iterable[Paragraph]) -> dict[str, str]:
    """content word -> the citation id of the one paragraph (of these) that uses it."""
    users: dict[str, str] = {}
    counts: Counter = Counter()
    for paragraph in paragraphs:
        for word in content_words(paragraph.text):
            counts[word] += 1
            users[word] = paragraph.citation_id
    return {word: cid for word, cid in users.items() if counts[word] == 1}


def distinctive_in_corpus(per_report: Iterable[dict[str, str]], paragraph_counts: Counter,
                          everyday_terms: Iterable[str] = ()) -> dict[str, str]:
    """The reports' sole words (`sole_words`, one dict per report) that no other report uses
    either (`paragraph_counts`: content word -> paragraphs using it, over all the reports), less
    the words of `everyday_terms` (the synonym list's): those are everyday words for what the
    reports mostly say otherwise, so a paragraph using one says it in passing ("drug" once, for
    "substance misuse" everywhere; "teenager" once, for "young people")."""
    everyday = {word for term in everyday_terms for word in content_words(term)}
    return {word: cid for sole in per_report for word, cid in sole.items()
            if paragraph_counts[word] == 1 and word not in everyday}


def distinctive_ranking(question: str, distinctive: dict[str, str], tie_order: list[str],
                        in_scope=lambda cid: True, ignored: Iterable[str] = ()) -> list[str]:
    """The paragraphs holding the question's distinctive words, most such words first, ties in
    `tie_order` (the word ranker's). Words that frame a question ("recommended", "review") and
    `ignored` ones (the areas' names) do not count, nor figures (a year or a count found once
    is incidental more often than it is the topic)."""
    skip = {w.lower() for w in ignored}
    hits: Counter = Counter()
    for word in content_words(question):
        cid = distinctive.get(word)
        if cid and word not in FRAMING_WORDS and word not in skip and not word.isdigit() and in_scope(cid):
            hits[cid] += 1
    if not hits:
        return []
    position = {cid: i for i, cid in enumerate(tie_order)}
    return sorted(hits, key=lambda cid: (-hits[cid], position.get(cid, len(position)), cid))
