"""What a query asks for before retrieval: paragraphs it names, reports it names, and the
wording the reports would use (acronyms learned from the reports, everyday synonyms)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ingest.models import Paragraph

_PARAGRAPH_REF = re.compile(r"\b(?:paragraphs?|paras?|findings?|sections?|§)\s*(\d{1,2}(?:\.\d{1,3}){1,2})\b", re.I)
_RECOMMENDATION_REF = re.compile(r"\brecommendations?\s*(?:no\.?\s*)?(\d{1,2}\.\d{1,2})\b", re.I)
_ACRONYM_DEFINITION = re.compile(r"((?:[\w'\u2019-]+\s+){1,9}?[\w'\u2019-]+)\s*\(([A-Z][A-Za-z&]{1,8})\)")
_MINOR_WORDS = {"and", "of", "the", "for", "in", "to", "a", "on", "with", "at", "by"}


@dataclass
class QueryPlan:
    query: str
    expanded: str
    paragraph_refs: list[str] = field(default_factory=list)  # "3.9", "rec:2.1"
    named_reports: list[str] = field(default_factory=list)


def _initials_match(words: list[str], acronym: str) -> bool:
    letters = [c.lower() for c in acronym if c.isupper()]
    initials = [w[0].lower() for w in words if w.lower() not in _MINOR_WORDS]
    return initials == letters


def learn_acronyms(paragraphs: list[Paragraph]) -> dict[str, str]:
    """'child and adolescent mental health services (CAMHS)' -> {'CAMHS': 'child and adolescent
    mental health services'}, from the reports' own definitions."""
    acronyms: dict[str, str] = {}
    for paragraph in paragraphs:
        for match in _ACRONYM_DEFINITION.finditer(paragraph.text):
            words, acronym = match.group(1).split(), match.group(2)
            if acronym in acronyms or len(acronym) < 2:
                continue
            for size in range(1, len(words) + 1):
                candidate = words[-size:]
                if _initials_match(candidate, acronym):
                    acronyms[acronym] = " ".join(candidate).lower()
                    break
    return acronyms


@lru_cache(maxsize=1)
def synonym_groups() -> list[list[str]]:
    text = resources.files("assistant").joinpath("data/synonyms.tsv").read_text(encoding="utf-8")
    groups = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            groups.append([term.strip().lower() for term in line.split("|") if term.strip()])
    return groups


def _contains(text: str, term: str) -> bool:
    return re.search(r"(?<![\w&])" + re.escape(term) + r"(?![\w&])", text) is not None


def expand_query(query: str, acronyms: dict[str, str]) -> str:
    """The query plus the reports' wording for what it says."""
    lowered = query.lower()
    additions: list[str] = []
    for acronym, long_form in acronyms.items():
        if re.search(rf"\b{re.escape(acronym)}s?\b", query) and long_form not in lowered:
            additions.append(long_form)
        elif long_form in lowered and not re.search(rf"\b{re.escape(acronym)}\b", query):
            additions.append(acronym)
    for group in synonym_groups():
        if any(_contains(lowered, term) for term in group):
            additions.extend(term for term in group if not _contains(lowered, term))
    seen = set()
    unique = [a for a in additions if not (a in seen or seen.add(a))]
    return f"{query} {' '.join(unique)}" if unique else query


class ReportNames:
    """Words that name one report: its area, and providers, places and services that appear in
    it and in no other stored report."""

    def __init__(self, reports: dict[str, dict], paragraphs: list[Paragraph]):
        text_by_report: dict[str, str] = {}
        for paragraph in paragraphs:
            text_by_report[paragraph.report_id] = text_by_report.get(paragraph.report_id, "") + " " + paragraph.text
        counts: dict[str, dict[str, int]] = {}
        for report_id, text in text_by_report.items():
            for word in re.findall(r"\b[A-Z][A-Za-z'\u2019]{2,}\b", text):
                counts.setdefault(word.lower(), {}).setdefault(report_id, 0)
                counts[word.lower()][report_id] += 1
        lowered_text = {rid: text.lower() for rid, text in text_by_report.items()}
        self.names: dict[str, str] = {}  # lower-case word -> report id
        for word, per_report in counts.items():
            if len(per_report) != 1:
                continue
            (report_id, count), = per_report.items()
            others = [t for rid, t in lowered_text.items() if rid != report_id]
            if count >= 3 and not any(re.search(rf"\b{re.escape(word)}\b", t) for t in others):
                self.names[word] = report_id
        for report_id, record in reports.items():
            for word in re.findall(r"[A-Za-z]{3,}", record.get("area", "")):
                self.names[word.lower()] = report_id
        common = {"the", "and", "for", "with", "this", "that", "city", "review", "services"}
        for word in common:
            self.names.pop(word, None)

    def named_in(self, query: str) -> list[str]:
        found = []
        for word in re.findall(r"[A-Za-z'\u2019]{3,}", query.lower()):
            report_id = self.names.get(word)
            if report_id and report_id not in found:
                found.append(report_id)
        return found


def paragraph_refs(query: str) -> list[str]:
    """Paragraphs a query names: "paragraph 3.9" -> "3.9", "recommendation 2.1" -> "rec:2.1"."""
    refs = [m.group(1) for m in _PARAGRAPH_REF.finditer(query)]
    refs += [f"rec:{m.group(1)}" for m in _RECOMMENDATION_REF.finditer(query)]
    return list(dict.fromkeys(refs))


def plan_query(query: str, acronyms: dict[str, str], names: ReportNames | None, expand: bool = True) -> QueryPlan:
    return QueryPlan(
        query=query,
        expanded=expand_query(query, acronyms) if expand else query,
        paragraph_refs=paragraph_refs(query),
        named_reports=names.named_in(query) if names else [],
    )
