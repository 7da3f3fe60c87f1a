"""What a query asks for before retrieval: paragraphs it names, reports it names, and the
wording the reports would use (acronyms learned from the reports, everyday synonyms)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Callable

from assistant.retrieval.intent import Intent, intents_of
from assistant.retrieval.words import FRAMING_WORDS, content_words, stems
from ingest.models import Paragraph

# A paragraph's number ("3.12", "5.2.6"), not a percentage or the start of a longer number.
_PARAGRAPH_NUMBER = r"(\d{1,2}(?:\.\d{1,3}){1,2})(?![\w%]|\.\d)"
_PARAGRAPH_REF = re.compile(r"(?:\b(?:paragraphs?|paras?|findings?|sections?|points?|pts?|items?|pg|p)\.?|§)"
                            r"\s*(?:no\.?\s*)?" + _PARAGRAPH_NUMBER, re.I)
_BARE_NUMBER = re.compile(r"(?<![\w.])" + _PARAGRAPH_NUMBER)
_SAYING = frozenset("say says said cover covers mean means state states whats summarise summarize summary explain "
                    "describe".split())
_RECOMMENDATION_REF = re.compile(r"\b(?:recommendations?|recs?)\.?\s*(?:no\.?\s*)?(\d{1,2}\.\d{1,2})\b", re.I)
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z'\u2019]{2,}\b")
# A whole word as ReportNames matches it: a run of word characters, joined by apostrophes ("o'brien").
_WHOLE_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
_WORD_CHARS = re.compile(r"\w+")


@dataclass
class QueryPlan:
    query: str
    expanded: str
    paragraph_refs: list[str] = field(default_factory=list)  # "3.9", "rec:2.1"
    named_reports: list[str] = field(default_factory=list)
    intents: list[Intent] = field(default_factory=list)  # what the question asks for, from its form
    spelled: str = ""  # the query with shorthand the reports never write in their words (spelled_out)


@lru_cache(maxsize=1)
def _synonym_lines() -> list[tuple[list[str], list[str]]]:
    """Each line of the synonym list as (the terms that call up its group, the rest of the group).
    A line "kids | kid => children" is one way: "kids" calls up "children", and "children", which
    nearly every question says, calls up nothing."""
    text = resources.files("assistant").joinpath("data/synonyms.tsv").read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            calling, _, called = line.partition("=>")
            lines.append(([t.strip().lower() for t in calling.split("|") if t.strip()],
                          [t.strip().lower() for t in called.split("|") if t.strip()]))
    return lines


@lru_cache(maxsize=1)
def synonym_groups() -> list[list[str]]:
    """Every group of the synonym list, all its terms (one-way lines too)."""
    return [calling + called for calling, called in _synonym_lines()]


def synonym_groups_called_by(has_term: Callable[[str], bool]) -> list[list[str]]:
    """The groups a text calls up: those with a term it uses (`has_term`), one-way lines only by
    their left side ("kids" calls up "children"; "children" does not call up "kids")."""
    return [calling + called for calling, called in _synonym_lines() if any(has_term(term) for term in calling)]


@lru_cache(maxsize=1)
def synonym_terms() -> frozenset[str]:
    return frozenset(term for group in synonym_groups() for term in group)


# A word as typed: letters (and digits, "&") standing alone ("HVs", "S&O", "camhs").
TYPED_WORD = re.compile(r"(?<![\w&])[A-Za-z][A-Za-z0-9&]*(?![\w&])")


def shorthand_in(query: str, vocabulary) -> dict[str, str]:
    """Staff shorthand of the synonym list that the reports never use, as typed in the query ->
    the first other term of its group that the reports do use ("HVs" -> "health visitors", "CPC"
    -> "child protection conference")."""
    found: dict[str, str] = {}
    for match in TYPED_WORD.finditer(query):
        word = match.group(0)
        lowered = word.lower()
        if lowered not in synonym_terms() or word in found or content_words(lowered) <= vocabulary:
            continue  # not shorthand, or a word the reports use ("records")
        group = next(group for group in synonym_groups() if lowered in group)
        long_form = next((term for term in group if term != lowered and len(term) > 3
                          and content_words(term) and content_words(term) <= vocabulary), None)
        if long_form:
            found[word] = long_form
    return found


_NUMBER_NAMES = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
# A numbered level, school year or section of an act as staff type it ("L3", "lvl 3", "level 3";
# "Y6", "yr 6", "year 6"; "s48", "s.48", "sec 48").
_TYPED_NUMBERED = re.compile(r"(?<![\w&'\u2019])(?:(?P<level>l|lvl|level)\s?(?P<grade>[1-5])|(?P<year>y|yr|year)\s?"
                             r"(?P<school_year>[1-9]|1[0-3])|(?P<section>s\.?|sec\.?)\s?(?P<number>[1-9]\d{0,2}))"
                             r"(?![\w&]|[.-]\d)", re.I)


def numbered_shorthand(query: str) -> dict[str, str]:
    """Numbered levels, school years and sections as typed -> as the reports write them ("L3" ->
    "level three", "yr 6" -> "year six", numbers above ten in figures; "s48" -> "section 48"): a
    figure alone is no word to the word ranker, and "L3" none to the embedders."""
    found = {}
    for match in _TYPED_NUMBERED.finditer(query):
        if match.group("section"):
            found[match.group(0)] = f"section {match.group('number')}"
            continue
        number = int(match.group("grade") or match.group("school_year"))
        name = "level" if match.group("level") else "year"
        found[match.group(0)] = f"{name} {_NUMBER_NAMES[number - 1] if number <= 10 else number}"
    return found


def spelled_out(query: str, acronyms: dict[str, str]) -> str:
    """The query with each acronym and piece of shorthand it uses replaced by the reports' words
    ("do LWH MWs ..." -> "do liverpool women's hospital midwife ...")."""
    for acronym, long_form in sorted(acronyms.items(), key=lambda item: -len(item[0])):
        if acronym in query:
            query = re.sub(rf"(?<![\w&]){re.escape(acronym)}s?(?![\w&])", lambda _: long_form, query)
    return query


_ARTICLES = frozenset({"a", "an", "the"})


def _contains(text: str, text_stems: tuple[str, ...], term: str) -> bool:
    """Whether the text (its stems read once by the caller, articles left out) uses the term, as
    written or in another form of its words ("misses an appointment" uses "missed appointments")."""
    if re.search(r"(?<![\w&])" + re.escape(term) + r"(?![\w&])", text) is not None:
        return True
    wanted = _stems_without_articles(term)
    return bool(wanted) and wanted[0] in text_stems and any(text_stems[i:i + len(wanted)] == wanted
                                for i in range(len(text_stems) - len(wanted) + 1))


def _acronym_additions(query: str, acronyms: dict[str, str]) -> list[str]:
    lowered = re.sub(r",\s*", " ", query.lower())  # long forms are stored without commas
    additions: list[str] = []
    for acronym, long_form in acronyms.items():
        if re.search(rf"\b{re.escape(acronym)}s?\b", query) and long_form not in lowered:
            additions.append(long_form)
        elif long_form in lowered and not re.search(rf"\b{re.escape(acronym)}\b", query):
            additions.append(acronym)
    return additions


def expand_acronyms(query: str, acronyms: dict[str, str]) -> str:
    """The query plus the long form of each acronym it uses, as the reports define them."""
    additions = [a for a in _acronym_additions(query, acronyms) if a == a.lower()]  # long forms, not acronyms
    return f"{query} ({'; '.join(additions)})" if additions else query


def _stems_without_articles(text: str) -> tuple[str, ...]:
    return tuple(s for s in stems(text) if s not in _ARTICLES)


def expand_query(query: str, acronyms: dict[str, str]) -> str:
    """The query plus the reports' wording for what it says."""
    lowered = query.lower()
    query_stems = _stems_without_articles(lowered)
    additions = _acronym_additions(query, acronyms)
    for group in synonym_groups_called_by(lambda term: _contains(lowered, query_stems, term)):
        additions.extend(term for term in group if not _contains(lowered, query_stems, term))
    seen = set()
    unique = [a for a in additions if not (a in seen or seen.add(a))]
    return f"{query} {' '.join(unique)}" if unique else query


@dataclass(frozen=True)
class NameEvidence:
    """What one report contributes to ReportNames: its capitalised words (lower-cased, with
    counts) and every word it uses."""

    capitalised: dict[str, int]
    words: frozenset[str]

    @classmethod
    def of(cls, paragraphs: list[Paragraph]) -> "NameEvidence":
        capitalised: dict[str, int] = {}
        words: set[str] = set()
        for paragraph in paragraphs:
            for word in _CAPITALISED.findall(paragraph.text):
                word = without_possessive(word.lower())  # "Council's" is the council's, no name of its own
                if "'" not in word and "\u2019" not in word:  # "I've": no name
                    capitalised[word] = capitalised.get(word, 0) + 1
            lowered = paragraph.text.lower()
            words.update(_WHOLE_WORD.findall(lowered))  # "children's"
            words.update(_WORD_CHARS.findall(lowered))  # "children", "s": what \bchildren\b finds
        return cls(capitalised, frozenset(words))

    def uses(self, word: str) -> bool:
        """Whether the word appears as a whole word, as `\\bword\\b` would find it."""
        return word in self.words


def without_possessive(word: str) -> str:
    """"leicester's" and "leicester\u2019s" -> "leicester"; "services'" -> "services"."""
    return re.sub(r"['\u2019]s?$", "", word)


class ReportNames:
    """Words that name one report: its area, and providers, places and services that appear in
    it and in no other stored report."""

    def __init__(self, reports: dict[str, dict], evidence: dict[str, NameEvidence]):
        self.names: dict[str, str] = {}  # lower-case word -> report id
        self.area_words: set[str] = set()  # every word of the areas' names ("leicester", "city")
        for report_id, own in evidence.items():
            others = [e for rid, e in evidence.items() if rid != report_id]
            for word, count in own.capitalised.items():
                if count >= 3 and not any(other.uses(word) for other in others):
                    self.names[word] = report_id
        for report_id, record in reports.items():
            for word in re.findall(r"[A-Za-z]{3,}", record.get("area", "")):
                self.names[word.lower()] = report_id
                self.area_words.add(word.lower())
        common = {"the", "and", "for", "with", "this", "that", "city", "review", "services"}
        for word in common:
            self.names.pop(word, None)

    def named_in(self, query: str) -> list[str]:
        found = []
        for word in re.findall(r"[A-Za-z'\u2019]{3,}", query.lower()):
            report_id = self.names.get(without_possessive(word))  # "Leicester's", "Sefton\u2019s"
            if report_id and report_id not in found:
                found.append(report_id)
        return found


def _listed_after(query: str, position: int) -> list[str]:
    """The numbers listed straight after a named one: "paragraphs 2.1 and 2.2", "recs 1.1, 1.2 & 1.3"."""
    numbers = []
    while match := _LISTED.match(query, position):
        numbers.append(match.group(1))
        position = match.end()
    return numbers


def paragraph_refs(query: str, names: ReportNames | None = None) -> list[str]:
    """Paragraphs a query names: "paragraph 3.9" -> "3.9", "recommendation 2.1" -> "rec:2.1";
    with the reports' names, a bare number too when nothing but the report is said beside it
    ("sefton 3.14?", "what does 5.2.1 say") - elsewhere it may be a figure ("a 2.5 week wait")."""
    refs = [number for m in _PARAGRAPH_REF.finditer(query) for number in (m.group(1), *_listed_after(query, m.end()))]
    refs += [f"rec:{number}" for m in _RECOMMENDATION_REF.finditer(query)
             for number in (m.group(1), *_listed_after(query, m.end()))]
    if not refs and names is not None and (bare := _BARE_NUMBER.findall(query)):
        beside = content_words(_BARE_NUMBER.sub(" ", query)) - FRAMING_WORDS - _SAYING
        if all(word in names.names or word in names.area_words for word in beside):
            refs = bare
        else:  # "leicester 1.24 - what was the concern", "what came out of 5.2.6": a number of three
            # parts, or one straight after the report's name, numbers a paragraph, not a quantity
            refs = [number for number in bare if number.count(".") == 2 or _after_a_name(query, number, names)]
    return list(dict.fromkeys(refs))


# What makes a number straight after the report's name a quantity: "sefton 2.5 weeks".
_A_UNIT = r"(?:days?|weeks?|months?|years?|hours?|times|per|percent|fte|wte|million|m|k)\b"
# A number listed after a named paragraph or recommendation: "2.1 and 2.2", not "and 2.5 weeks".
_LISTED = re.compile(rf"\s*(?:,|and|&|or)\s*{_PARAGRAPH_NUMBER}(?!\s*{_A_UNIT})", re.I)


def _after_a_name(query: str, number: str, names: ReportNames) -> bool:
    before = re.search(rf"([A-Za-z]+)\W+{re.escape(number)}(?![\w%]|\.\d)(?!\s*{_A_UNIT})", query, re.I)
    return before is not None and before.group(1).lower() in names.area_words


# Asking what the review said about something names the review, not what it said: "what did the
# review say about X" and "what did inspectors find about X" are searched as X (their "review",
# "inspectors" and "find" matched the paragraphs about the review and its findings in general).
_ASKING_WHAT_THE_REVIEW_SAID = re.compile(
    r"^\s*what (?:did|does|do) (?:the )?(\w+ )?(?:review|report|inspection|inspectors?|reviewers?|cqc|they) "
    r"(?:say|find|note|conclude|report|observe|write)\s+about\s+(?=\S)", re.I)


def asked_what_the_review_said_about(query: str) -> str | None:
    """What a query asking what the review said or found about something asks about, a word naming
    the review kept ("What did the Leicester review find about CAMHS waits?" -> "Leicester CAMHS
    waits?"); None when it asks no such thing."""
    frame = _ASKING_WHAT_THE_REVIEW_SAID.match(query)
    return None if frame is None else (frame.group(1) or "") + query[frame.end():]


def what_is_asked_about(query: str) -> str:
    """The query without a frame asking what the review said about it."""
    asked = asked_what_the_review_said_about(query)
    return query if asked is None else asked


def plan_query(query: str, acronyms: dict[str, str], names: ReportNames | None, expand: bool = True,
               shorthand: dict[str, str] | None = None) -> QueryPlan:
    """`acronyms` expand the query for the word ranker and the first embedder; `shorthand` (the
    part the reports never write) is spelled out in `spelled`. The rankers read what is asked
    about; the intents, names and numbered paragraphs are read from the whole query."""
    searched = what_is_asked_about(query)
    return QueryPlan(
        query=query,
        expanded=expand_query(searched, acronyms) if expand else searched,
        paragraph_refs=paragraph_refs(query, names),
        named_reports=names.named_in(query) if names else [],
        intents=intents_of(query),
        spelled=spelled_out(searched, shorthand or {}),
    )
