"""The findings each report made on a theme: one batched search over all the reports, then each
candidate finding scored by its best sentence against the theme."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.grounding.relevance import SentenceEmbeddingCache
from assistant.retrieval.words import content_words, share_in
from ingest.models import Paragraph
from vectorstore.chunking import sentence_spans

# A theme that names one of the sections the reports are organised by ("early help", "training")
# takes that section's findings, whatever their wording, and only those.
SECTION_BONUS = 0.15
CANDIDATES_PER_REPORT = 12
# The paragraph's own place in the fused ranking (by meaning and by words, as a whole) breaks
# near-ties between best sentences.
RANK_BONUS = 0.3


@dataclass
class ThemeFinding:
    """A finding of one report on a theme, with the sentence that puts it on the theme."""

    paragraph: Paragraph
    start: int
    end: int
    score: float
    in_theme_section: bool

    @property
    def lead(self) -> str:
        """The finding's first sentence: where these reports state their verdict."""
        start, end = sentence_spans(self.paragraph.text)[0]
        return self.paragraph.text[start:end]

    @property
    def id(self) -> str:
        return self.paragraph.citation_id

    @property
    def quote(self) -> str:
        return self.paragraph.text[self.start:self.end]

    @property
    def led_to_recommendation(self) -> bool:
        return bool(self.paragraph.recommendations)


def section_title(section: str) -> str:
    """'The child's journey > 1. Early help' -> 'Early help'."""
    return re.sub(r"^\s*[\d.]+\s*", "", section.rsplit(">", 1)[-1]).strip()


def names_section(theme: str, section: str) -> bool:
    """Whether a theme is one of the report's sections: all the words of one are in the other
    ("training" and "Training and supervision"; "looked after children")."""
    theme_words, title_words = content_words(theme), content_words(section_title(section))
    return bool(theme_words and title_words) and (theme_words <= title_words or title_words <= theme_words)


def findings_on_theme(theme: str, retriever, sentences: SentenceEmbeddingCache, report_ids: list[str],
                      per_report: int, min_relevance: float) -> dict[str, list[ThemeFinding]]:
    """report_id -> its findings on the theme, best first, at most `per_report` (every report of
    `report_ids` is a key, with an empty list when it made no finding on the theme)."""
    corpus = retriever.corpus()
    candidates = retriever.search_per_report(theme, CANDIDATES_PER_REPORT, report_ids, kinds=("finding",))
    wanted = set(report_ids)
    sections = {p.section for p in corpus.paragraphs.values() if p.kind == "finding"}
    theme_sections = {section for section in sections if names_section(theme, section)}
    in_section = {p.citation_id for p in corpus.paragraphs.values()
                  if p.section in theme_sections and p.kind == "finding" and p.report_id in wanted}
    by_report: dict[str, list[Paragraph]] = {rid: [] for rid in report_ids}
    rank: dict[str, int] = {}
    for rid, ranked in candidates.items():
        by_report[rid] = [corpus.paragraphs[cid] for cid, _ in ranked]
        rank.update((cid, position) for position, (cid, _) in enumerate(ranked))
    for cid in sorted(in_section - {p.citation_id for ps in by_report.values() for p in ps}):
        by_report[corpus.paragraphs[cid].report_id].append(corpus.paragraphs[cid])

    spans = [(p, s, e) for ps in by_report.values() for p in ps for s, e in sentence_spans(p.text)]
    if not spans:
        return {rid: [] for rid in report_ids}
    texts = [p.text[s:e] for p, s, e in spans]
    owners = {text: paragraph.citation_id for text, (paragraph, _, _) in zip(texts, spans)}
    cosines = sentences.vectors(texts, owners) @ sentences.query(theme)
    theme_words = content_words(theme)
    best: dict[str, tuple[float, int, int]] = {}
    for (paragraph, start, end), text, cosine in zip(spans, texts, cosines):
        score = float(cosine) + 0.3 * share_in(theme_words, text)
        if score > best.get(paragraph.citation_id, (-9.0,))[0]:
            best[paragraph.citation_id] = (score, start, end)

    found: dict[str, list[ThemeFinding]] = {}
    for rid in report_ids:
        scored = []
        sectioned_here = [p for p in by_report[rid] if p.citation_id in in_section]
        for paragraph in sectioned_here or by_report[rid]:
            score, start, end = best.get(paragraph.citation_id, (0.0, 0, 0))
            sectioned = paragraph.citation_id in in_section
            total = score + (SECTION_BONUS if sectioned else 0.0) + (
                RANK_BONUS / (1 + rank[paragraph.citation_id]) if paragraph.citation_id in rank else 0.0)
            if sectioned or total >= min_relevance:
                scored.append(ThemeFinding(paragraph, start, end, total, sectioned))
        scored.sort(key=lambda f: (-f.score, f.paragraph.order))
        found[rid] = scored[:per_report]
    return found
