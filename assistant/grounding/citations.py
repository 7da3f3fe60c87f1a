"""Citation checks applied to every answer and draft, whatever engine wrote it.

An engine's output is a list of Segments: sentences that claim support from paragraphs
(`Claim`: a citation id and, ideally, a verbatim quote), headings, and the user's own words.
`check_citations` keeps only claims whose id was in the context handed to the engine and whose
quote is verbatim in that paragraph (repairing a near quote to the closest verbatim sentence),
and marks every sentence left without support. The only `[report#para]` markers in the checked
text are the ones the checks wrote: anything else shaped like a marker is shown as plain text.
Report text never changes these rules: ids and
quotes are checked against the stored paragraphs, not against what any text asks for.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Iterable

from assistant.markers import CITATION_ID, UNSUPPORTED_MARK, neutralise
from assistant.retrieval.words import containment, figures_in
from ingest.models import Paragraph
from vectorstore.chunking import sentence_spans

_QUOTED_MARKER = re.compile(
    rf"\[\s*({CITATION_ID})\s*[:,]\s*[\"\u201c\u2018'](.+?)[\"\u201d\u2019']\s*\]", re.I | re.S)
_PLAIN_MARKER = re.compile(rf"\[\s*({CITATION_ID}(?:\s*[,;]\s*{CITATION_ID})*)\s*\]", re.I)
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d{1,2}[.)])\s+")


@dataclass
class Claim:
    """An engine's claim that a paragraph supports a sentence."""

    id: str
    quote: str | None = None


@dataclass
class Segment:
    """One piece of an answer: a sentence with claims ("claim"), a heading, or the user's own
    words ("own", e.g. the observation restated in a draft: it needs no citation)."""

    text: str
    claims: list[Claim] = field(default_factory=list)
    kind: str = "claim"  # "claim" | "heading" | "own"
    prefix: str = ""  # layout kept from the source line, e.g. "- "
    line_end: bool = True  # a line break follows this segment


@dataclass
class Citation:
    id: str
    report_id: str
    report_title: str
    para: str
    quote: str
    start: int
    end: int
    sentence: str  # the answer sentence it supports

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class CheckedText:
    text: str
    citations: list[Citation]
    unsupported: list[str]
    removed: list[dict]
    repaired: list[dict]

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "unsupported": self.unsupported,
            "removed": self.removed,
            "repaired": self.repaired,
        }


def _normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text.replace("\u2013", "-").replace("\u2014", "-")).strip()


def locate_verbatim(quote: str, text: str) -> tuple[int, int] | None:
    """Offsets of `quote` in `text`, allowing only differences of white space, quote marks and
    dashes (so the returned span is always a verbatim slice of `text`)."""
    quote = quote.strip()
    for candidate in (quote, quote.rstrip(".").strip()):
        start = text.find(candidate) if candidate else -1
        if start >= 0:
            return start, start + len(candidate)
    quote = quote.rstrip(".").strip()
    if not quote:
        return None
    pattern = r"\s+".join(
        re.escape(_normalise(word)).replace("'", "['\u2018\u2019]").replace('"', "[\"\u201c\u201d]")
        .replace("\\-", "[-\u2013\u2014]")
        for word in _normalise(quote).split(" ")
    )
    match = re.search(pattern, text)
    return (match.start(), match.end()) if match else None


def closest_sentence(claim_text: str, paragraph_text: str) -> tuple[tuple[int, int], float]:
    """The sentence of the paragraph sharing most content words with claim_text."""
    best, best_score = None, -1.0
    for start, end in sentence_spans(paragraph_text) or [(0, len(paragraph_text))]:
        score = containment(claim_text, paragraph_text[start:end])
        if score > best_score:
            best, best_score = (start, end), score
    return best, best_score


# -- parsing engine text ---------------------------------------------------------------------
def parse_cited_text(text: str) -> list[Segment]:
    """Split an engine's text into sentences and headings, reading citation markers of the
    forms [report#para], [report#para: "exact words"] and [report#a; report#b]."""
    segments: list[Segment] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if segments:
                segments[-1].line_end = True
            continue
        segments.extend(_parse_line(line))
    return segments


def _parse_line(line: str) -> list[Segment]:
    prefix_match = _BULLET.match(line)
    prefix = "- " if prefix_match else ""
    body = line[prefix_match.end():] if prefix_match else line.strip()
    claims: list[Claim] = []

    def hold(claim_list: list[Claim]) -> str:
        claims.extend(claim_list)
        return "".join(f"\x01{len(claims) - len(claim_list) + i}\x02" for i in range(len(claim_list)))

    body = _QUOTED_MARKER.sub(lambda m: hold([Claim(m.group(1).lower(), m.group(2))]), body)
    body = _PLAIN_MARKER.sub(lambda m: hold([Claim(i.strip().lower()) for i in re.split(r"[,;]", m.group(1))]), body)
    stripped = body.strip()
    if not claims and (stripped.endswith(":") or stripped.startswith("#") or re.fullmatch(r"\*\*.+\*\*:?", stripped)):
        return [Segment(stripped.strip("#* ").strip(), kind="heading", prefix=prefix)]

    pieces = re.split(r"(?<=[.!?\x02])\s+(?=[A-Z0-9\"\u201c'(])", body)
    segments = []
    for piece in pieces:
        indices = [int(i) for i in re.findall(r"\x01(\d+)\x02", piece)]
        sentence = re.sub(r"\s*\x01\d+\x02", "", piece)
        sentence = re.sub(r"\s+([.,;!?])", r"\1", sentence).strip()
        if not sentence and indices and segments:
            segments[-1].claims.extend(claims[i] for i in indices)
            continue
        if sentence:
            segments.append(Segment(sentence, [claims[i] for i in indices], line_end=False))
    if segments:
        segments[0].prefix = prefix
        segments[-1].line_end = True
    return segments


# -- checking --------------------------------------------------------------------------------
def check_citations(
    segments: list[Segment],
    context: dict[str, Paragraph],
    report_titles: dict[str, str],
    repair_similarity: float = 0.5,
) -> CheckedText:
    """Verify every claim against the paragraphs the engine was given; see the module docstring."""
    citations: list[Citation] = []
    unsupported: list[str] = []
    removed: list[dict] = []
    repaired: list[dict] = []
    rendered: list[str] = []

    for segment in segments:
        kept_ids: list[str] = []
        if segment.kind == "claim":
            first_new = len(citations)
            seen: set[tuple[str, int]] = set()
            for claim in segment.claims:
                citation = _check_claim(claim, segment.text, context, report_titles, repair_similarity,
                                        removed, repaired)
                if citation is None or (citation.id, citation.start) in seen:
                    continue
                seen.add((citation.id, citation.start))
                citations.append(citation)
                if citation.id not in kept_ids:
                    kept_ids.append(citation.id)
            kept = citations[first_new:]
            missing = _unsupported_figures(segment.text, kept, context) if kept else set()
            if missing:
                del citations[first_new:]
                removed.extend({"id": c.id, "quote": c.quote, "sentence": segment.text,
                                "reason": "the sentence gives figures its cited sentences do not: "
                                          + ", ".join(sorted(missing))}
                               for c in kept)
                kept_ids = []
            if not kept_ids:
                unsupported.append(segment.text)
        rendered.append(_render(segment, kept_ids))
    return CheckedText("".join(rendered).strip(), citations, unsupported, removed, repaired)


def _unsupported_figures(sentence: str, cited: list[Citation], context: dict[str, Paragraph]) -> set[str]:
    """Figures of the sentence found neither in the sentences its citations quote from nor in
    the cited paragraphs' own numbers and report names ("paragraph 5.3.18", "Sefton (2018)")."""
    evidence: set[str] = set()
    for citation in cited:
        paragraph = context[citation.id]
        evidence |= figures_in(_enclosing_sentences(paragraph.text, citation.start, citation.end))
        evidence |= naming_figures(paragraph.citation_id, citation.report_title)
    return figures_in(sentence) - evidence


def naming_figures(citation_id: str, report_title: str = "") -> set[str]:
    """The figures a sentence gives when it says where its evidence is from: the paragraph's
    number and the report's year ("paragraph 5.3.18", "recommendation 2.16", "The Leicester City
    2016 report found ...", "Sefton (2018)")."""
    report_id, _, para = citation_id.partition("#")
    return figures_in(f"{para} {report_id} {report_title}") | {para.removeprefix("rec:")}


def claims_naming_figures(claims: Iterable[Claim]) -> set[str]:
    """naming_figures of every paragraph the claims cite."""
    return set().union(*(naming_figures(claim.id) for claim in claims))


def _enclosing_sentences(text: str, start: int, end: int) -> str:
    spans = [(s, e) for s, e in sentence_spans(text) if s < end and e > start] or [(start, end)]
    return text[spans[0][0]:spans[-1][1]]


def _check_claim(claim, sentence, context, report_titles, repair_similarity, removed, repaired) -> Citation | None:
    paragraph = context.get(claim.id)
    if paragraph is None:
        removed.append({"id": claim.id, "quote": claim.quote, "sentence": sentence,
                        "reason": "not one of the paragraphs retrieved for this question"})
        return None
    text = paragraph.text
    span = locate_verbatim(claim.quote, text) if claim.quote else None
    if span is None:
        probe = claim.quote or sentence
        span, similarity = closest_sentence(probe, text)
        if claim.quote and similarity < repair_similarity:
            removed.append({"id": claim.id, "quote": claim.quote, "sentence": sentence,
                            "reason": f"quote is not in the paragraph (closest sentence shares "
                                      f"{similarity:.0%} of its words; {repair_similarity:.0%} needed to repair)"})
            return None
        repaired.append({"id": claim.id, "quote_given": claim.quote, "quote": text[span[0]:span[1]],
                         "reason": "quote not verbatim: replaced by the closest sentence of the paragraph"
                         if claim.quote else "no quote given: the closest sentence of the paragraph"})
    start, end = span
    return Citation(paragraph.citation_id, paragraph.report_id, report_titles.get(paragraph.report_id, paragraph.report_id),
                    paragraph.para, text[start:end], start, end, sentence)


def _render(segment: Segment, ids: list[str]) -> str:
    """The segment's words, with any bracketed text that imitates a marker shown as plain text
    (report text and model output cannot add a citation), then its checked markers."""
    text = segment.prefix + neutralise(segment.text)
    if segment.kind == "heading":
        text = text if text.endswith(":") else text + ":"
    elif segment.kind == "claim":
        text += " " + (" ".join(f"[{cid}]" for cid in ids) if ids else UNSUPPORTED_MARK)
    return text + ("\n" if segment.line_end else " ")
