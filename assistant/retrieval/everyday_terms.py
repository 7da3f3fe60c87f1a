"""Everyday terms the reports never write, put in the words they do write, for the companion
embedder.

A question asks whether "family doctors" are asked for input when a child in care "has a health
check"; the reports write "GPs" and "health assessments". The word ranker and the first embedder
read the synonym list's terms appended to the question; the companion embedder reads the question
as asked (appending the list's terms hurt it), so a term of the synonym list that the reports never
use is replaced, for it, by the term of its group the reports use most ("family doctors" -> "GP",
"health checks" -> "health assessments"). Which terms the reports use is counted from their text
(as stemmed phrases: "drugs and alcohol" uses "drug and alcohol"), so a new report changes the
mapping, not the list."""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from assistant.retrieval.query_analysis import synonym_groups
from assistant.retrieval.words import stems

# Terms this short are typed shorthand ("ED", "HV"): shorthand_in spells those out.
MIN_TERM_LENGTH = 4


def synonym_term_counts(texts: Iterable[str]) -> Counter:
    """How many times the texts use each term of the synonym list, as a run of stemmed words."""
    wanted = {term: stems(term) for group in synonym_groups() for term in group}
    by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for term, words in wanted.items():
        if words:
            by_first.setdefault(words[0], []).append((term, words))
    counts: Counter = Counter()
    for text in texts:
        words = stems(text)
        for i, word in enumerate(words):
            for term, phrase in by_first.get(word, ()):
                if words[i:i + len(phrase)] == phrase:
                    counts[term] += 1
    return counts


def reports_wording(term_counts: Counter) -> dict[str, str]:
    """Each term of the synonym list the reports never use -> the term of its group they use most
    (none when they use no term of the group)."""
    wording: dict[str, str] = {}
    for group in synonym_groups():
        used = [term for term in group if term_counts[term]]
        if not used:
            continue
        most_used = max(used, key=lambda term: term_counts[term])
        for term in group:
            if not term_counts[term] and len(term) >= MIN_TERM_LENGTH:
                wording.setdefault(term, most_used)
    return wording


def in_reports_words(question: str, wording: dict[str, str]) -> str:
    """The question with each everyday term of `wording` it uses, in any form of its words ("a
    health check" uses "health checks"), replaced by the reports' term; longer terms first."""
    if not wording:
        return question
    spans = [(m.start(), m.end()) for m in _WORD.finditer(question)]
    words = stems(" ".join(question[start:end] for start, end in spans))
    if len(words) != len(spans):  # the stemmer split a word differently: leave the question as asked
        return question
    replaced: list[tuple[int, int, str]] = []  # word positions [i, j) -> the reports' term
    taken = [False] * len(words)
    phrases = sorted(((stems(term), theirs) for term, theirs in wording.items()), key=lambda p: -len(p[0]))
    for phrase, theirs in phrases:
        for i in range(len(words) - len(phrase) + 1 if phrase else 0):
            if words[i:i + len(phrase)] == phrase and not any(taken[i:i + len(phrase)]):
                taken[i:i + len(phrase)] = [True] * len(phrase)
                replaced.append((i, i + len(phrase), theirs))
    for i, j, term in sorted(replaced, reverse=True):
        question = question[:spans[i][0]] + term + question[spans[j - 1][1]:]
    return question


_WORD = re.compile(r"[\w&'\u2019]+")
