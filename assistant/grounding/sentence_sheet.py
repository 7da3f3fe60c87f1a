"""Report sentences under short handles ([S1], [S2], ...) for a small model to cite.

A small model cannot be trusted to copy quotes, but it can cite a handle. The sheet is what the
model reads; code maps each handle it cites back to the paragraph, the verbatim sentence and
its offsets, and the checks of citations.py then apply as they do to every engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.grounding.citations import Claim, Segment, naming_figures, parse_cited_text
from assistant.grounding.context import AnswerContext, ContextParagraph
from assistant.grounding.coverage import claims_carry
from assistant.grounding.relevance import ScoredSentence
from assistant.markers import HeldBackStream, neutralise
from assistant.retrieval.words import containment, figures_in
from vectorstore.chunking import count_tokens

# One handle group as a model writes it: [S3], [S3][S5], [S3, S5], [S3; 5]
_HANDLE_GROUP = re.compile(r"\[\s*S\s*\d{1,3}(?:\s*[,;]\s*S?\s*\d{1,3})*\s*\](?:\s*\[\s*S\s*\d{1,3}(?:\s*[,;]\s*S?\s*\d{1,3})*\s*\])*",
                           re.I)
_HANDLE_NUMBER = re.compile(r"\d{1,3}")
_ECHO_LINE = re.compile(r"^\s*\[\s*S\s*\d{1,3}\s*\]\s*\S")  # a sheet line copied back: "[S3] The ..."
_ANSWER_LABEL = re.compile(r"^\s*(?:\*\*)?(?:answer|judge?ment)(?:\*\*)?\s*:\s*", re.I)  # a label the model wrote


@dataclass
class SheetSentence:
    handle: str  # "S3"
    item: ContextParagraph
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.item.paragraph.text[self.start:self.end]

    @property
    def citation_id(self) -> str:
        return self.item.paragraph.citation_id


@dataclass
class SentenceSheet:
    """The numbered sentences shown to a model, and the prompt text that shows them."""

    sentences: list[SheetSentence]
    text: str
    headers: list[str]

    def by_handle(self) -> dict[str, SheetSentence]:
        return {s.handle.upper(): s for s in self.sentences}


def paragraph_header(item: ContextParagraph, report_titles: dict[str, str]) -> str:
    """'Sefton 2018, paragraph 4.3:', 'Sefton 2018, recommendation 1.6 to NHS South Sefton CCG:',
    'Sefton 2018, Case example:': where the sentences under it come from, in few tokens (every
    token of the prompt is read before the first one is written)."""
    paragraph = item.paragraph
    title = _PLAIN_YEAR.sub(r" \1", report_titles.get(paragraph.report_id, paragraph.report_id))
    if paragraph.kind == "recommendation":
        where = f"recommendation {paragraph.para.removeprefix('rec:')}"
        if paragraph.addressees:
            where += f" to {paragraph.addressees}"
    elif paragraph.para and paragraph.para[0].isdigit():
        where = f"paragraph {paragraph.para}"
    else:
        where = paragraph.section.split(">")[-1].strip() if paragraph.section else "paragraph"
    return f"{title}, {where}:"


_PLAIN_YEAR = re.compile(r" \((\d{4})\)$")  # "Sefton (2018)" -> "Sefton 2018"


def build_sheet(context: AnswerContext, scored: list[ScoredSentence], budget_tokens: int,
                max_sentences: int) -> SentenceSheet:
    """The best sentences of the context within a token budget, shown paragraph by paragraph
    in context order. A paragraph the question names is shown whole; a cross-report question
    gets sentences from every report it spans before any report gets more."""
    chosen: dict[tuple[str, int], ScoredSentence] = {}
    used = 0

    def take(candidate: ScoredSentence) -> bool:
        nonlocal used
        key = (candidate.item.id, candidate.start)
        if key in chosen or len(chosen) >= max_sentences:
            return False
        size = count_tokens(candidate.text) + 4
        if chosen and used + size > budget_tokens:
            return False
        chosen[key] = candidate
        used += size
        return True

    named = [s for s in scored if s.item.why == "named"]
    for candidate in sorted(named, key=lambda s: (s.item.id, s.start)):
        take(candidate)
    reports = context.report_order if len(context.report_order) > 1 else []
    for report_id in reports:  # cross-report: the two best sentences of each report first
        for candidate in [s for s in scored if s.report_id == report_id][:2]:
            take(candidate)
    for candidate in scored:
        take(candidate)

    return _sheet(context.paragraphs, list(chosen.values()), context.report_titles)


def listed_sheet(scored: list[ScoredSentence], report_titles: dict[str, str]) -> SentenceSheet:
    """Every one of the given sentences, paragraph by paragraph in the order they first appear."""
    paragraphs = list({s.item.id: s.item for s in scored}.values())
    unique = list({(s.item.id, s.start): s for s in scored}.values())
    return _sheet(paragraphs, unique, report_titles)


def _sheet(paragraphs: list[ContextParagraph], chosen: list[ScoredSentence], report_titles: dict[str, str]) -> SentenceSheet:
    sentences: list[SheetSentence] = []
    lines: list[str] = []
    headers: list[str] = []
    for item in paragraphs:
        picked = sorted((s for s in chosen if s.item.id == item.id), key=lambda s: s.start)
        if not picked:
            continue
        header = paragraph_header(item, report_titles)
        headers.append(header)
        lines.append(header)
        for candidate in picked:
            handle = f"S{len(sentences) + 1}"
            sentences.append(SheetSentence(handle, item, candidate.start, candidate.end))
            lines.append(f"[{handle}] {candidate.text}")
        lines.append("")
    return SentenceSheet(sentences, "\n".join(lines).strip(), headers)


def _handles(group: str) -> list[str]:
    return [f"S{int(n)}" for n in _HANDLE_NUMBER.findall(group)]


def parse_handled_text(text: str, sheet: SentenceSheet) -> list[Segment]:
    """Split a model's reply into sentences whose claims are the sheet sentences it cites by
    handle (the quote is the sheet sentence, verbatim). Lines that copy the sheet back (its
    headers, "[S3] ..." lines) are dropped; a handle the sheet does not have becomes a claim on an
    id that is not in the context, so the checks remove it and say so."""
    headers = {h.strip().lower() for h in sheet.headers}
    kept = []
    for raw_line in text.replace("\r\n", "\n").split("\n"):
        line = _ANSWER_LABEL.sub("", raw_line)
        if line.strip().lower() in headers or _ECHO_LINE.match(line):
            continue
        kept.append(line)
    by_handle = sheet.by_handle()
    return parse_cited_text(_replace_handles("\n".join(kept), lambda group: _quoted_markers(group, by_handle)))


def _replace_handles(text: str, marker) -> str:
    """`text` with each handle group replaced by `marker(group)`, and everything else that is
    bracketed (a marker the model wrote itself, or copied from an injected report sentence) shown
    as plain text: a model cites by handle only."""
    out, last = [], 0
    for match in _HANDLE_GROUP.finditer(text):
        out.append(neutralise(text[last:match.start()]))
        out.append(marker(match.group(0)))
        last = match.end()
    out.append(neutralise(text[last:]))
    return "".join(out)


def _quoted_markers(group: str, by_handle: dict[str, SheetSentence]) -> str:
    markers = []
    for handle in _handles(group):
        sentence = by_handle.get(handle)
        markers.append(f'[{sentence.citation_id}: "{sentence.text}"]' if sentence else f"[unknown-handle#{handle.lower()}]")
    return "".join(markers)


def attribute_uncited(segments: list[Segment], sheet: SentenceSheet, min_share: float = 0.6) -> None:
    """A sentence the model left without a handle is given the sheet sentence that states it (or
    two neighbouring sentences of one paragraph, when the model joined them), when they share at
    least `min_share` of its content words and every figure it gives (but a report's year or a
    paragraph's number saying where it is from); the checks then treat it like any other claim.
    Otherwise it stays uncited (and is marked)."""
    candidates = [[s] for s in sheet.sentences] + [
        [a, b] for a, b in zip(sheet.sentences, sheet.sentences[1:]) if a.item.id == b.item.id]
    for segment in segments:
        if segment.kind != "claim" or segment.claims:
            continue
        best, best_share = None, 0.0
        for group in candidates:
            evidence = " ".join(s.text for s in group)
            share = containment(segment.text, evidence)
            # a pair must say more than its better half: prefer one sentence when it is enough
            stated = figures_in(evidence) | set().union(*(naming_figures(s.citation_id) for s in group))
            if share > best_share + (0.1 if len(group) > 1 else 0) and figures_in(segment.text) <= stated:
                best, best_share = group, share
        if best is not None and best_share >= min_share:
            segment.claims.extend(Claim(s.citation_id, s.text) for s in best)


def complete_citations(segments: list[Segment], sheet: SentenceSheet, min_share: float) -> None:
    """A sentence citing too little for what it says is given the one more sheet sentence that
    makes up the rest, when one does (one of its cited paragraphs' first): the model joined "an
    average of 22 weeks" [S3] and "the longest wait recently being 52 weeks" from S1 into one
    sentence and cited S3 alone, so the support check dropped it. A sentence no single extra
    sentence completes is left as it is (the check drops it)."""
    for segment in segments:
        if segment.kind != "claim" or not segment.claims:
            continue
        if claims_carry(segment.claims, segment.text, min_share):
            continue
        cited = {(claim.id, claim.quote) for claim in segment.claims}
        paragraphs = {claim.id for claim in segment.claims}
        others = sorted((s for s in sheet.sentences if (s.citation_id, s.text) not in cited),
                        key=lambda s: s.citation_id not in paragraphs)
        for sentence in others:
            extra = Claim(sentence.citation_id, sentence.text)
            if claims_carry([*segment.claims, extra], segment.text, min_share):
                segment.claims.append(extra)
                break


class HandleTranslator(HeldBackStream):
    """Turns streamed text with handles into text with citation markers, piece by piece (a piece
    that may be the start of a handle is held back until the handle closes)."""

    def __init__(self, sheet: SentenceSheet):
        self._by_handle = sheet.by_handle()
        super().__init__(lambda text: _replace_handles(text, self._markers), longest=24)

    def _markers(self, group: str) -> str:
        ids = []
        for handle in _handles(group):
            sentence = self._by_handle.get(handle)
            if sentence and sentence.citation_id not in ids:
                ids.append(sentence.citation_id)
        return " " + " ".join(f"[{cid}]" for cid in ids) if ids else ""
