"""A synthetic corpus of N times the real paragraphs: copies of the real reports under new
report ids, written with the vectors of the originals (the same texts embed to the same
vectors, so the model runs once per real report)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Callable

from ingest.models import ParsedReport
from vectorstore.indexing import embed_report
from vectorstore.passages import EmbeddedReport


def embed_originals(parsed_reports: list[ParsedReport], embedder, settings) -> list[EmbeddedReport]:
    return [embed_report(parsed, embedder, settings.ingest.chunk_tokens, settings.ingest.chunk_overlap_sentences)
            for parsed in parsed_reports]


def renamed(parsed: ParsedReport, new_id: str) -> ParsedReport:
    """The same report under another id; citation ids and links move with it."""
    old_prefix = parsed.report.report_id + "#"

    def move(citation_id: str) -> str:
        return new_id + "#" + citation_id[len(old_prefix):] if citation_id.startswith(old_prefix) else citation_id

    content_hash = hashlib.sha256(f"{new_id}:{parsed.report.content_hash}".encode()).hexdigest()
    report = replace(parsed.report, report_id=new_id, content_hash=content_hash)
    paragraphs = [replace(p, citation_id=move(p.citation_id), report_id=new_id,
                          recommendations=[move(c) for c in p.recommendations],
                          pointed_by=[move(c) for c in p.pointed_by])
                  for p in parsed.paragraphs]
    return ParsedReport(report, paragraphs)


def renamed_embedded(original: EmbeddedReport, new_id: str) -> EmbeddedReport:
    old_prefix = original.parsed.report.report_id + "#"

    def move(identifier: str) -> str:
        return new_id + "#" + identifier[len(old_prefix):]

    return EmbeddedReport(
        renamed(original.parsed, new_id),
        [replace(p, passage_id=move(p.passage_id), citation_id=move(p.citation_id)) for p in original.passages],
        original.passage_vectors, original.paragraph_vectors,
        [replace(s, sentence_id=move(s.sentence_id), citation_id=move(s.citation_id)) for s in original.sentences],
        original.sentence_vectors, original.companion_vectors,
        None if original.companion_passages is None else
        [replace(p, passage_id=move(p.passage_id), citation_id=move(p.citation_id)) for p in original.companion_passages])


def write_scaled_corpus(store, originals: list[EmbeddedReport], copies: int, embedding_name: str,
                        progress: Callable[[int, int], None] | None = None) -> int:
    """Write `copies` renamed copies of every original report; returns the paragraphs written."""
    written, total = 0, copies * len(originals)
    for copy in range(copies):
        for index, original in enumerate(originals):
            store.write_report(renamed_embedded(original, f"{original.parsed.report.report_id}-copy{copy:03d}"),
                               embedding_name)
            written += len(original.parsed.paragraphs)
            if progress:
                progress(copy * len(originals) + index + 1, total)
    return written
