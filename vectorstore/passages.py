"""What gets embedded for a paragraph: its token-bounded parts, each prefixed with where it
sits in the report (the section heading carries meaning the paragraph often leaves implicit)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ingest.models import Paragraph, ParsedReport
from vectorstore.chunking import sentence_spans, split_into_parts


@dataclass
class Passage:
    passage_id: str  # "{citation_id}~{n}"
    citation_id: str
    text: str  # the text that is embedded


def heading_context(paragraph: Paragraph) -> str:
    """'The child's journey > 3. Child protection > Case example' -> 'Child protection, case example'."""
    if paragraph.kind == "recommendation":
        return f"Recommendation to {paragraph.addressees}" if paragraph.addressees else "Recommendation"
    parts = [p for p in paragraph.section.split(" > ") if p not in ("The child's journey", "Management")]
    cleaned = []
    for part in parts:
        head = part.split(" ", 1)
        if len(head) == 2 and head[0].rstrip(".").replace(".", "").isdigit():
            part = head[1]
        cleaned.append(part)
    return ", ".join(cleaned)


def passages_for(paragraph: Paragraph, max_tokens: int, overlap_sentences: int = 1) -> list[Passage]:
    context = heading_context(paragraph)
    parts = split_into_parts(paragraph.text, max_tokens, overlap_sentences)
    return [
        Passage(f"{paragraph.citation_id}~{n}", paragraph.citation_id, f"{context}: {part}" if context else part)
        for n, part in enumerate(parts)
    ]


def companion_passages(paragraphs: list[Paragraph], acronyms: dict[str, str]) -> list[Passage]:
    """What the companion embedder reads: each paragraph as written ("{citation_id}~c") and, when it
    uses one of the report's acronyms without spelling it out, again with their long forms after it
    ("{citation_id}~g": "A CSE toolkit ... has gone to all GP practices (CSE: child sexual
    exploitation)"). A report defines an acronym once and uses it bare after: the companion had no
    way to tie "CSE" to a question saying "sexual exploitation" (that paragraph was outside its
    first 60). Search takes the better of the two, so a question using the acronym still meets the
    paragraph as written (glossed alone, "LAC: looked after children" after every paragraph saying
    LAC pulled LAC questions towards the LAC-heavy paragraphs)."""
    passages = []
    for paragraph in paragraphs:
        passages.append(Passage(f"{paragraph.citation_id}~c", paragraph.citation_id, paragraph.text))
        glossed = with_long_forms(paragraph.text, acronyms)
        if glossed != paragraph.text:
            passages.append(Passage(f"{paragraph.citation_id}~g", paragraph.citation_id, glossed))
    return passages


def with_long_forms(text: str, acronyms: dict[str, str]) -> str:
    """The text, then "(ACRONYM: long form; ...)" for the acronyms it uses without spelling them out."""
    lowered = text.lower()
    used = [acronym for acronym, long_form in acronyms.items()
            if re.search(rf"\b{re.escape(acronym)}s?\b", text) and long_form.lower() not in lowered]
    if not used:
        return text
    return f"{text} ({'; '.join(f'{acronym}: {acronyms[acronym]}' for acronym in used)})"


@dataclass
class Sentence:
    sentence_id: str  # "{citation_id}@{start}"
    citation_id: str
    text: str  # the sentence exactly as in the paragraph text


def sentences_for(paragraph: Paragraph) -> list[Sentence]:
    """The paragraph's sentences, as answers score and quote them; their vectors are stored at
    ingest so a question never waits for them to be embedded."""
    return [Sentence(f"{paragraph.citation_id}@{start}", paragraph.citation_id, paragraph.text[start:end])
            for start, end in sentence_spans(paragraph.text)]


@dataclass
class EmbeddedReport:
    """A parsed report with every vector the store keeps: one per passage (searched), one per
    paragraph (the mean of its passages) and one per sentence (scored when answering)."""

    parsed: ParsedReport
    passages: list[Passage]
    passage_vectors: np.ndarray
    paragraph_vectors: np.ndarray
    sentences: list[Sentence]
    sentence_vectors: np.ndarray
    # By the companion embedder (a second, larger model fused in search), one per companion passage
    # (companion_passages: a paragraph, and again with its acronyms' long forms), or None when no
    # companion is configured.
    companion_vectors: np.ndarray | None = None
    companion_passages: list[Passage] | None = None
