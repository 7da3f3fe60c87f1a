"""Recurring findings: near-duplicate findings of different reports grouped into one line with
several citations, each with when it was found and what the report recommended."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answers.theme_findings import ThemeFinding
from assistant.grounding.relevance import SentenceEmbeddingCache


@dataclass
class RecurringFinding:
    """One problem (or strength) and every report that found it, earliest review first."""

    findings: list[ThemeFinding]
    reports: dict[str, dict]  # report_id -> stored report record

    @property
    def report_ids(self) -> list[str]:
        return list(dict.fromkeys(f.paragraph.report_id for f in self.findings))

    @property
    def recurs(self) -> bool:
        return len(self.report_ids) > 1

    def to_dict(self, corpus_paragraphs: dict) -> dict:
        return {
            "reports": len(self.report_ids),
            "recurs": self.recurs,
            "findings": [finding_entry(f, self.reports.get(f.paragraph.report_id, {}), corpus_paragraphs)
                         for f in self.findings],
        }


def finding_entry(finding: ThemeFinding, record: dict, corpus_paragraphs: dict) -> dict:
    """A finding as the API shows it: id, where and when, the verified quote and its offsets, and
    the recommendations it led to (whole text, with their addressees)."""
    return {
        "id": finding.id, "report_id": finding.paragraph.report_id, "area": record.get("area"),
        "review_year": review_year(record), "para": finding.paragraph.para, "lead": finding.lead,
        "quote": finding.quote, "start": finding.start, "end": finding.end, "score": round(finding.score, 4),
        "led_to_recommendation": finding.led_to_recommendation,
        "recommendations": [{"id": rid, "text": corpus_paragraphs[rid].text,
                             "addressees": corpus_paragraphs[rid].addressees}
                            for rid in finding.paragraph.recommendations if rid in corpus_paragraphs],
    }


def review_year(record: dict) -> str | None:
    start = record.get("review_start") or record.get("published") or ""
    return start[:4] or None


def review_order(record: dict) -> tuple[str, str]:
    """Earliest review first; a report with no date last, then by id."""
    return (record.get("review_start") or record.get("published") or "9999", record.get("report_id", ""))


def group_recurring(findings: list[ThemeFinding], sentences: SentenceEmbeddingCache, reports: dict[str, dict],
                    similarity: float) -> list[RecurringFinding]:
    """Findings whose best sentences are at least `similarity` alike (cosine), across reports, as
    one group each; greedy from the best-scoring finding. Groups found in most reports first."""
    if not findings:
        return []
    ordered = sorted(findings, key=lambda f: -f.score)
    vectors = sentences.vectors([f.quote for f in ordered], {f.id for f in ordered})  # unit vectors
    groups: list[list[int]] = []
    for index in range(len(ordered)):
        for group in groups:
            reports_in = {ordered[i].paragraph.report_id for i in group}
            if (ordered[index].paragraph.report_id not in reports_in
                    and float(vectors[group[0]] @ vectors[index]) >= similarity):
                group.append(index)
                break
        else:
            groups.append([index])
    result = [RecurringFinding(sorted((ordered[i] for i in g),
                                      key=lambda f: review_order(reports.get(f.paragraph.report_id, {}))), reports)
              for g in groups]
    result.sort(key=lambda g: (-len(g.report_ids), -max(f.score for f in g.findings)))
    return result
