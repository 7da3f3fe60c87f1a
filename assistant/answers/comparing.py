"""Compare areas on themes: one row per report, one column per theme, every cell a short cited
judgement with the findings behind it and the recommendations they led to; per theme, a cited
summary of what is common and what differs, and the findings that recur across reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from assistant.answers.answering import validate_text
from assistant.answers.recurring import (RecurringFinding, finding_entry, group_recurring, review_order,
                                         review_year)
from assistant.answers.theme_findings import ThemeFinding, findings_on_theme
from assistant.engines import JudgementRequest
from assistant.errors import EngineBusyError, InvalidInputError, LLMError
from assistant.grounding.citations import Citation, Claim, Segment, check_citations
from assistant.grounding.context import ContextParagraph, report_title
from assistant.grounding.relevance import ScoredSentence, SentenceEmbeddingCache
from assistant.retrieval.hybrid import refuse_unknown_reports
from vectorstore.chunking import sentence_spans

MAX_THEME_CHARS = 300
LISTED_PER_GROUP = 5  # a summary line names at most this many areas; the rest are counted


@dataclass
class ComparisonCell:
    """One report on one theme."""

    theme: str
    report_id: str
    findings: list[ThemeFinding]
    judgement: str
    citations: list[Citation]
    written_by: str = "extractive"  # the engine that wrote the judgement

    def to_dict(self, record: dict, paragraphs: dict) -> dict:
        return {"theme": self.theme, "report_id": self.report_id, "judgement": self.judgement,
                "written_by": self.written_by, "citations": [c.to_dict() for c in self.citations],
                "findings": [finding_entry(f, record, paragraphs) for f in self.findings]}


@dataclass
class ThemeColumn:
    theme: str
    cells: list[ComparisonCell]
    summary: str
    summary_citations: list[Citation]
    recurring: list[RecurringFinding]


@dataclass
class Comparison:
    themes: list[str]
    reports: list[dict]  # stored report records, earliest review first: the rows
    columns: list[ThemeColumn]
    paragraphs: dict = field(repr=False, default_factory=dict)  # citation id -> Paragraph, for recommendations
    engine: str = "extractive"  # the engine that wrote the judgements (summaries are extractive)
    notice: str | None = None  # e.g. the judgements are extractive, and why

    def to_dict(self) -> dict:
        records = {r["report_id"]: r for r in self.reports}
        return {
            "themes": self.themes,
            "engine": self.engine,
            "notice": self.notice,
            "reports": [report_row(r) for r in self.reports],
            "columns": [column_dict(c, records, self.paragraphs) for c in self.columns],
        }


def report_row(record: dict) -> dict:
    return {"report_id": record["report_id"], "area": record.get("area"), "title": report_title(record),
            "review_year": review_year(record), "review_start": record.get("review_start")}


def column_dict(column: ThemeColumn, records: dict[str, dict], paragraphs: dict) -> dict:
    return {
        "theme": column.theme,
        "summary": column.summary,
        "summary_citations": [c.to_dict() for c in column.summary_citations],
        "recurring": [g.to_dict(paragraphs) for g in column.recurring if g.recurs],
        "cells": [cell.to_dict(records[cell.report_id], paragraphs) for cell in column.cells],
    }


def validate_themes(themes, max_themes: int) -> list[str]:
    if isinstance(themes, str):
        themes = [themes]
    cleaned = list(dict.fromkeys(validate_text(t, "theme", MAX_THEME_CHARS) for t in themes or []))
    if not cleaned:
        raise InvalidInputError("give at least one theme to compare the reports on")
    if len(cleaned) > max_themes:
        raise InvalidInputError(f"{len(cleaned)} themes given; the limit is {max_themes} (compare.max_themes)")
    return cleaned


@dataclass
class Judges:
    """Who writes the cells' judgements in one comparison: a writing engine (the local model)
    while it may, else the extractive judgement; and what the reader should be told about it."""

    engine: object | None = None  # has judge(JudgementRequest)
    name: str = "extractive"
    notice: str | None = None

    def judge(self, theme: str, record: dict, findings: list[ThemeFinding]) -> tuple[list[Segment], str]:
        if findings and self.engine is not None:
            try:
                written = self.engine.judge(JudgementRequest(theme, report_title(record), cell_sentences(findings)))
            except (LLMError, EngineBusyError) as exc:
                self.engine, self.notice = None, (f"The {self.name} engine failed ({exc}); the judgements from "
                                                  "here on are extractive.")
                written = None
            if written:
                return written, self.name
        return judgement_segments(theme, record, findings), "extractive"


class Comparer:
    def __init__(self, retriever, sentences: SentenceEmbeddingCache, settings, engine_for=None):
        self.retriever = retriever
        self.sentences = sentences
        self.settings = settings
        self.engine_for = engine_for  # name | None -> Engine; without it every judgement is extractive

    def compare(self, themes, report_ids=None, engine: str | None = None) -> Comparison:
        """Every chosen report (default: all stored) on every theme."""
        judges = self.judges(themes, report_ids, engine)
        columns = list(self.columns(themes, report_ids, judges))
        corpus = self.retriever.corpus()
        written = any(cell.written_by != "extractive" for column in columns for cell in column.cells)
        return Comparison([c.theme for c in columns], self.rows(report_ids), columns, corpus.paragraphs,
                          judges.name if written else "extractive", judges.notice)

    def judges(self, themes, report_ids=None, engine: str | None = None) -> Judges:
        """The engine that writes this comparison's judgements: the one asked for (default: the
        settings'), when it writes them and the comparison has at most compare.written_cells cells."""
        cells = len(validate_themes(themes, self.settings.compare.max_themes)) * len(self.rows(report_ids))
        if self.engine_for is None:
            return Judges()
        chosen = self.engine_for(engine)
        name = chosen.name
        notice = getattr(chosen, "notice", None)
        if not hasattr(chosen, "judge") or name == "extractive":
            return Judges(notice=notice)
        limit = self.settings.compare.written_cells
        if cells > limit:
            return Judges(notice=f"The judgements are extractive: this comparison has {cells} cells and the {name} "
                                 f"engine writes at most {limit} in one comparison (compare.written_cells).")
        return Judges(chosen, name, notice)

    def columns(self, themes, report_ids=None, judges: Judges | None = None) -> Iterator[ThemeColumn]:
        """The comparison one theme at a time, for streaming."""
        themes = validate_themes(themes, self.settings.compare.max_themes)
        rows = self.rows(report_ids)
        judges = judges or Judges()
        for theme in themes:
            yield self._column(theme, rows, judges)

    def recurring(self, text: str, report_ids=None) -> list[RecurringFinding]:
        """For a theme or an observation: the findings of the chosen reports on it, near-duplicates
        across reports grouped into one line, those found in most reports first."""
        text = validate_text(text, "text", 4000)
        rows = self.rows(report_ids)
        settings = self.settings.compare
        found = findings_on_theme(text, self.retriever, self.sentences, [r["report_id"] for r in rows],
                                  settings.findings_per_row, settings.min_relevance)
        records = {r["report_id"]: r for r in rows}
        return group_recurring([f for fs in found.values() for f in fs], self.sentences, records,
                               settings.recurring_similarity)

    def rows(self, report_ids=None) -> list[dict]:
        """The chosen reports (default: all stored) as comparison rows, earliest review first."""
        corpus = self.retriever.corpus()
        if report_ids is not None:
            report_ids = list(dict.fromkeys(report_ids))
            refuse_unknown_reports(report_ids, {rid: corpus.reports[rid] for rid in corpus.versions})
        chosen = report_ids if report_ids is not None else sorted(corpus.versions)
        return sorted((corpus.reports[r] | {"report_id": r} for r in chosen), key=review_order)

    def _column(self, theme: str, rows: list[dict], judges: Judges) -> ThemeColumn:
        settings = self.settings.compare
        found = findings_on_theme(theme, self.retriever, self.sentences, [r["report_id"] for r in rows],
                                  settings.findings_per_row, settings.min_relevance)
        records = {r["report_id"]: r for r in rows}
        paragraphs = {f.id: f.paragraph for fs in found.values() for f in fs}
        titles = {rid: report_title(record) for rid, record in records.items()}
        repair = self.settings.answer.quote_repair_similarity
        cells = []
        for record in rows:
            rid = record["report_id"]
            segments, written_by = judges.judge(theme, record, found[rid])
            checked = check_citations(segments, paragraphs, titles, repair)
            if written_by != "extractive" and (checked.unsupported or not checked.citations):
                # a claim the cited sentences do not support (a figure they do not state, say) or
                # nothing that survived the checks: the cell keeps to the report's own sentences
                segments, written_by = judgement_segments(theme, record, found[rid]), "extractive"
                checked = check_citations(segments, paragraphs, titles, repair)
            cells.append(ComparisonCell(theme, rid, found[rid], checked.text,
                                        checked.citations + finding_citations(found[rid], titles), written_by))
        groups = group_recurring([f for fs in found.values() for f in fs], self.sentences, records,
                                 settings.recurring_similarity)
        summary = check_citations(summary_segments(rows, found, groups), paragraphs, titles, repair)
        return ThemeColumn(theme, cells, summary.text, summary.citations, groups)


def cell_sentences(findings: list[ThemeFinding]) -> list[ScoredSentence]:
    """What a writing engine may cite for a cell: each finding's first sentence (its verdict)
    and, for the finding most on the theme, its sentence most on it when another; best first."""
    chosen = []
    for rank, finding in enumerate(findings):
        item = ContextParagraph(finding.paragraph, finding.score, "retrieved")
        lead_start, lead_end = sentence_spans(finding.paragraph.text)[0]
        chosen.append(ScoredSentence(item, lead_start, lead_end, 0.0, 0.0, finding.score))
        if rank == 0 and (finding.start, finding.end) != (lead_start, lead_end):
            chosen.append(ScoredSentence(item, finding.start, finding.end, 0.0, 0.0, finding.score))
    return chosen


def judgement_segments(theme: str, record: dict, findings: list[ThemeFinding]) -> list[Segment]:
    """The extractive judgement of one cell: how many findings and how many led to a
    recommendation (counted, not claimed), then the verdict of the finding most on the theme (its
    first sentence) and, when another, its sentence most on the theme; both cited."""
    title = report_title(record)
    if not findings:
        return [Segment(f"The {title} report makes no finding on {theme}.", kind="own")]
    concerns = sum(f.led_to_recommendation for f in findings)
    count = f"{len(findings)} finding{'s' if len(findings) != 1 else ''}"
    led = ("none led to a recommendation" if not concerns else
           f"{'it' if len(findings) == 1 else f'{concerns} of them'} led to a recommendation")
    top = findings[0]
    segments = [Segment(f"{count} on this theme; {led}.", kind="own", line_end=False),
                Segment(top.lead, [Claim(top.id, top.lead)], line_end=top.lead == top.quote)]
    if top.lead != top.quote:
        segments.append(Segment(top.quote, [Claim(top.id, top.quote)]))
    return segments


def finding_citations(findings: list[ThemeFinding], titles: dict[str, str]) -> list[Citation]:
    return [Citation(f.id, f.paragraph.report_id, titles.get(f.paragraph.report_id, f.paragraph.report_id),
                     f.paragraph.para, f.quote, f.start, f.end, f.quote) for f in findings]


def summary_segments(rows: list[dict], found: dict[str, list[ThemeFinding]],
                     groups: list[RecurringFinding]) -> list[Segment]:
    """What is common (findings that recur across reports), what differs (each report's lead
    finding no other report shares), and which reports say nothing on the theme."""
    titles = {r["report_id"]: report_title(r) for r in rows}
    segments: list[Segment] = []
    shared = [g for g in groups if g.recurs][:3]
    if shared:
        for group in shared:
            areas = [titles[rid] for rid in group.report_ids]
            named = ", ".join(areas[:LISTED_PER_GROUP]) + (f" and {len(areas) - LISTED_PER_GROUP} more areas"
                                                          if len(areas) > LISTED_PER_GROUP else "")
            segments.append(Segment(f"Found in more than one area ({named})", kind="heading"))
            segments += _listed(group.findings, titles)
    grouped_ids = {f.id for g in shared for f in g.findings}
    alone = [found[r["report_id"]][0] for r in rows
             if found[r["report_id"]] and found[r["report_id"]][0].id not in grouped_ids]
    if alone:
        segments.append(Segment("Found in one area only" if shared else "What each area found", kind="heading"))
        segments += _listed(alone, titles)
    led = [f"{titles[r['report_id']]} {sum(f.led_to_recommendation for f in found[r['report_id']])} of "
           f"{len(found[r['report_id']])}" for r in rows if found[r["report_id"]]]
    if led:
        segments.append(Segment("Findings that led to a recommendation: " + "; ".join(led[:LISTED_PER_GROUP])
                                + (f"; and {len(led) - LISTED_PER_GROUP} more areas" if len(led) > LISTED_PER_GROUP
                                   else "") + ".", kind="own"))
    silent = [titles[r["report_id"]] for r in rows if not found[r["report_id"]]]
    if silent:
        segments.append(Segment("No finding on this theme: " + ", ".join(silent[:LISTED_PER_GROUP])
                                + (f" and {len(silent) - LISTED_PER_GROUP} more" if len(silent) > LISTED_PER_GROUP
                                   else "") + ".", kind="own"))
    return segments


def _listed(findings: list[ThemeFinding], titles: dict[str, str]) -> list[Segment]:
    segments = [Segment(f"{titles[f.paragraph.report_id]}: {f.quote}", [Claim(f.id, f.quote)], prefix="- ")
                for f in findings[:LISTED_PER_GROUP]]
    if len(findings) > LISTED_PER_GROUP:
        segments.append(Segment(f"and {len(findings) - LISTED_PER_GROUP} more areas with the same finding.",
                                kind="own", prefix="- "))
    return segments
