"""Recommendations addressed to an organisation a question names: "what was Alder Hey asked to
do?", "recs for UHL", "Addaction recommendations". A recommendation's text rarely names whom it
is for (that is its heading: "Recommendation 4.1 (Alder Hey Children's NHS Foundation Trust)"),
so neither embedder nor the word ranker finds it by the organisation's name.

An organisation counts as named when a run of the question's words (acronyms spelled out as the
reports define them) appears word for word in a recommendation's addressees and holds a word that
says which organisation: one the reports write as a name (capitalised in most paragraphs that use
it: "Alder", "Addaction", "CCG"), not "NHS", "trust" or an area's name, which many addressees share,
and not an everyday word some name happens to contain ("care" of "Mersey Care", "on" of "Stoke on
Trent")."""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from assistant.retrieval.query_analysis import expand_acronyms
from assistant.retrieval.words import FRAMING_WORDS, STOPWORDS, content_words, stem
from ingest.models import Paragraph

_WORD = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)?")
_CASED_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)?")
# Words many organisations share; a run made only of these (and area names) names none of them.
GENERIC_WORDS = frozenset(
    "nhs trust foundation healthcare health hospital hospitals service services city children children's "
    "childrens partnership and of the for to in at".split())
_EDGE_WORDS = frozenset("and of the for to in at".split())


def _normal(word: str) -> str:
    """One form of a word for matching: lower case, no possessive or plural "s" ("CCGs" -> "ccg",
    "Women's" and "womens" -> "women")."""
    word = word.lower().replace("\u2019", "'").removesuffix("'s")
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _same(a: str, b: str) -> bool:
    """The same word, its plural, or one a longer form of the other ("Leicestershire Partnership Trust", as
    the report defines LPT, and "Leicester Partnership Trust", as it heads the recommendations)."""
    return (a == b or a.removesuffix("s") == b.removesuffix("s")  # "CCGs", "CCG"
            or (min(len(a), len(b)) >= 5 and (a.startswith(b) or b.startswith(a))))


def words_of(text: str) -> list[str]:
    return [_normal(w) for w in _WORD.findall(text.lower())]


# A word is written as a name when at least this share of the paragraphs using it capitalise it.
NAME_SHARE = 0.6


def name_like_words(paragraphs: Iterable[Paragraph]) -> frozenset[str]:
    """Words the reports write as names: capitalised in at least NAME_SHARE of the paragraphs that
    use them ("Alder", "Addaction", "CCG"; not "care", which "Mersey Care" capitalises)."""
    used: Counter = Counter()
    capitalised: Counter = Counter()
    for paragraph in paragraphs:
        tokens = _CASED_WORD.findall(paragraph.text)
        used.update({_normal(t) for t in tokens})
        capitalised.update({_normal(t) for t in tokens if t[0].isupper()})
    return frozenset(w for w, count in capitalised.items()
                     if count >= NAME_SHARE * used[w] and w not in STOPWORDS and not w.isdigit())


def _said_form(word: str) -> str:
    """One form of a content word for "does the text say it": stemmed, a plural "s" dropped ("GPs")."""
    return stem(word[:-1] if len(word) > 2 and word.endswith("s") else word)


def _contains_run(haystack: list[str], run: list[str]) -> bool:
    size = len(run)
    return any(all(_same(a, b) for a, b in zip(haystack[i:i + size], run)) for i in range(len(haystack) - size + 1))


class AddresseeIndex:
    """The stored recommendations' addressees, read once per corpus: which organisations a
    question names, and the recommendations addressed to them."""

    def __init__(self, paragraphs: dict[str, Paragraph], acronyms: dict[str, str], area_words: Iterable[str]):
        self.acronyms = acronyms
        self.area_words = list(area_words)
        self._recommendations = [(cid, p.report_id, words_of(p.addressees)) for cid, p in paragraphs.items()
                                 if p.kind == "recommendation" and p.addressees]
        self._said = {cid: {_said_form(w) for w in content_words(p.text)} for cid, p in paragraphs.items()
                      if p.kind == "recommendation" and p.addressees}
        self._headings = list(dict.fromkeys(p.addressees for p in paragraphs.values()
                                            if p.kind == "recommendation" and p.addressees))
        self._lists = [list(words) for words in dict.fromkeys(tuple(w) for _, _, w in self._recommendations)]
        self._vocabulary = {w for words in self._lists for w in words}
        generic = GENERIC_WORDS | {_normal(w) for w in self.area_words}
        self._names = name_like_words(paragraphs.values()) - generic

    def _listed(self, word: str) -> bool:
        return word in self._vocabulary or (len(word) >= 5 and any(_same(word, v) for v in self._vocabulary))

    def _found(self, run: list[str]) -> bool:
        return any(_contains_run(listed, run) for listed in self._lists)

    def organisations(self, question: str) -> list[str]:
        """The runs of the question's words (its acronyms spelled out as the reports define them:
        "UHL" -> "university hospitals of leicester") that name an organisation some
        recommendation is addressed to, the longest from each position ("southport and ormskirk
        nhs trust")."""
        words = words_of(expand_acronyms(question, self.acronyms))
        found: list[str] = []
        i = 0
        while i < len(words):
            end = i
            # A run found word for word has every shorter run from its start found too.
            while end < len(words) and self._listed(words[end]) and self._found(words[i:end + 1]):
                end += 1
            run = words[i:end]
            while run and run[0] in _EDGE_WORDS:
                run = run[1:]
            while run and run[-1] in _EDGE_WORDS:
                run = run[:-1]
            if any(w in self._names for w in run):
                found.append(" ".join(run))
            i = max(end, i + 1)
        return list(dict.fromkeys(found))

    def addressed(self, organisations: list[str], report_ids: Iterable[str] | None = None) -> list[str]:
        """Citation ids of the recommendations addressed to any of the organisations, in the
        reports given (all when None), in report order."""
        runs = [o.split() for o in organisations]
        scope = set(report_ids) if report_ids is not None else None
        return [cid for cid, report_id, words in self._recommendations
                if (scope is None or report_id in scope) and any(_contains_run(words, run) for run in runs)]

    def display_names(self, organisations: list[str]) -> list[str]:
        """The organisations as the recommendations' headings write them ("alder hey" -> "Alder
        Hey", "university hospital" -> "University Hospitals"), an acronym and the long form
        spelled out for it once, as typed ("LPT")."""
        typed = {_normal(a.lower()): " ".join(words_of(long_form)) for a, long_form in self.acronyms.items()}
        spelled = {typed[o] for o in organisations if o in typed}
        return list(dict.fromkeys(self._as_written(o) for o in organisations if o not in spelled))

    def _as_written(self, organisation: str) -> str:
        pattern = re.compile(r"\b" + r"\W+".join(re.escape(w) + r"[\w'\u2019]*" for w in organisation.split()), re.I)
        for heading in self._headings:
            match = pattern.search(heading)
            if match:
                return match.group(0)
        return organisation.upper() if len(organisation) <= 4 else organisation.title()

    def _named_words(self, organisations: list[str], areas: bool = True) -> set[str]:
        """The content words of the organisations (and of the area names), and the acronyms
        standing for them."""
        named = set().union(*(content_words(o) for o in organisations),
                            *(content_words(a) for a in (self.area_words if areas else ())))
        for acronym, long_form in self.acronyms.items():
            if content_words(long_form) & named:
                named |= content_words(acronym)
        return named

    def without_organisations(self, question: str, organisations: list[str]) -> str:
        """The question less the words naming the organisations ("what was Alder Hey told to do
        about the MASH?" -> "what was told to do about the MASH?"): what it asks about them."""
        if not organisations:
            return question
        named = self._named_words(organisations, areas=False)
        kept = [w for w in re.split(r"(\s+)", question)
                if not (content_words(w) and all(any(_same(c, n) for n in named) for c in content_words(w)))]
        return re.sub(r"\s{2,}", " ", "".join(kept)).strip()

    def about(self, question: str, organisations: list[str], addressed: list[str]) -> list[str]:
        """Of the recommendations addressed to the organisations, those that say every word the
        question asks about beside them and the area ("what was Alder Hey told to do about the
        MASH?": the two that name the MASH), an acronym said in full counting as said."""
        named = self._named_words(organisations)
        topic = {w for w in content_words(question) - FRAMING_WORDS
                 if w.isalpha() and not any(_same(w, n) for n in named)}  # "sefton CCGs": the CCG named
        if not topic:
            return []
        spelled = {a.lower(): {_said_form(w) for w in content_words(long_form)} for a, long_form in self.acronyms.items()}
        # Each topic word as the ways of saying it: itself, or its acronym's long form in full.
        ways = [[{_said_form(w)}, *([spelled[w]] if w in spelled else [])] for w in topic]
        return [cid for cid in addressed
                if all(any(way <= self._said.get(cid, set()) for way in word_ways) for word_ways in ways)]

    def asks_only_whom(self, question: str, organisations: list[str]) -> bool:
        """Whether the question asks for nothing but what an organisation was told to do ("what
        was Alder Hey asked to do?", "recs for UHL"), not for one topic among its recommendations
        ("... about CAMHS waiting times?"): no content word is left beside the organisation (or an
        acronym standing for it), the area and the framing."""
        if not organisations:
            return False
        named = self._named_words(organisations)
        left = content_words(question) - FRAMING_WORDS - named
        return all(not w.isalpha() or any(_same(w, n) for n in named) for w in left)
