"""Files in, stored reports out: load and parse (ingest), skip if unchanged, embed, write atomically."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from ingest.acronyms import learn_acronyms
from ingest.errors import IngestError
from ingest.models import ParsedReport
from ingest.parser import parse_report
from ingest.sources import expand_paths, load_source
from vectorstore.chroma_store import STALE_WRITE_SECONDS, STORE_LAYOUT
from vectorstore.embeddings import companion_of
from vectorstore.errors import StoreError
from vectorstore.passages import EmbeddedReport, companion_passages, passages_for, sentences_for

EMBED_CHUNK = 128  # texts per embedder call: progress is reported after each
ProgressCallback = Callable[[str, int, int], None]  # (stage message, done, total)


@dataclass
class FileOutcome:
    path: str
    status: str  # "ingested" | "replaced" | "unchanged" | "failed"
    report_id: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    embedded_texts: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return self.__dict__.copy()


def embed_texts(texts: list[str], embedder, on_batch: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Vectors in the order of texts. Longest first, so each model batch holds texts of similar
    length and pads little (what sentence-transformers does inside one encode call)."""
    by_length = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    vectors = np.zeros((len(texts), embedder.dimension), np.float32)
    for start in range(0, len(texts), EMBED_CHUNK):
        chunk = by_length[start:start + EMBED_CHUNK]
        vectors[chunk] = embedder.embed_documents([texts[i] for i in chunk])
        if on_batch:
            on_batch(min(start + EMBED_CHUNK, len(texts)), len(texts))
    return vectors


def embedding_label(embedder) -> str:
    """What a stored report records as its embedding: the model, and its companion if any. A
    report stored under another label is embedded again even when its file is unchanged."""
    companion = companion_of(embedder)
    return f"{embedder.name}+{companion.name}" if companion is not None else embedder.name


def embed_report(parsed: ParsedReport, embedder, max_tokens: int, overlap_sentences: int,
                 on_batch: Callable[[int, int], None] | None = None) -> EmbeddedReport:
    passages = [p for paragraph in parsed.paragraphs for p in passages_for(paragraph, max_tokens, overlap_sentences)]
    sentences = [s for paragraph in parsed.paragraphs for s in sentences_for(paragraph)]
    vectors = embed_texts([p.text for p in passages] + [s.text for s in sentences], embedder, on_batch)
    passage_vectors, sentence_vectors = vectors[:len(passages)], vectors[len(passages):]
    by_paragraph: dict[str, list[int]] = {}
    for index, passage in enumerate(passages):
        by_paragraph.setdefault(passage.citation_id, []).append(index)
    paragraph_vectors = []
    for paragraph in parsed.paragraphs:
        mean = passage_vectors[by_paragraph[paragraph.citation_id]].mean(axis=0)
        paragraph_vectors.append(mean / (np.linalg.norm(mean) or 1.0))
    companion = companion_of(embedder)
    companion_vectors, companion_rows = None, None
    if companion is not None:  # one vector per whole paragraph (the larger model reads 384 tokens)
        def on_companion_batch(done: int, total: int) -> None:
            if on_batch:
                on_batch(len(vectors) + done, len(vectors) + total)

        companion_rows = companion_passages(parsed.paragraphs, learn_acronyms(parsed.paragraphs))
        companion_vectors = embed_texts([p.text for p in companion_rows], companion, on_companion_batch)
    return EmbeddedReport(parsed, passages, passage_vectors, np.stack(paragraph_vectors), sentences, sentence_vectors,
                          companion_vectors, companion_rows)


def ingest_file(path: Path, store, embedder_factory: Callable[[], object], settings,
                progress: ProgressCallback | None = None, source_name: str | None = None,
                replace: bool = False) -> FileOutcome:
    """Ingest one file; `source_name` is recorded as the report's source file instead of the path
    (an upload's own file name, not the temporary file it was written to). A replacement that
    would remove more than `ingest.max_loss_share` of the stored report's paragraphs is refused
    unless `replace` is set."""
    started = time.perf_counter()
    outcome = FileOutcome(path=str(path), status="failed")
    try:
        source = load_source(path, max_bytes=settings.ingest.max_file_bytes)
        parsed = parse_report(source)
        report = parsed.report
        if source_name:
            report.source_file = source_name
        outcome.report_id = report.report_id
        outcome.counts = dict(report.counts)
        outcome.warnings = list(report.warnings)
        existing = store.get_report(report.report_id)
        embedder = embedder_factory()
        if (existing and existing.get("content_hash") == report.content_hash
                and existing.get("embedding") == embedding_label(embedder) and existing.get("layout") == STORE_LAYOUT):
            if store.version_complete(report.report_id, existing["version"],
                                      paragraphs=existing.get("counts", {}).get("paragraphs")):
                # leftovers of a killed run (never the rows of a writer still at work)
                store.purge_versions(report.report_id, keep={existing["version"]},
                                     written_before=time.time() - STALE_WRITE_SECONDS)
                outcome.status = "unchanged"
                return outcome
            outcome.warnings.append("the stored rows of this report were incomplete: written again")
        elif existing and not replace:
            _refuse_large_loss(path, report.report_id, existing, {p.citation_id for p in parsed.paragraphs}, store,
                               settings.ingest.max_loss_share)

        def on_batch(done: int, total: int) -> None:
            if progress:
                progress(f"embedding {report.report_id}", done, total)

        embedded = embed_report(parsed, embedder, settings.ingest.chunk_tokens,
                                settings.ingest.chunk_overlap_sentences, on_batch)
        outcome.embedded_texts = len(embedded.passages) + len(embedded.sentences)
        if embedded.companion_vectors is not None:
            outcome.embedded_texts += len(embedded.companion_vectors)
        store.write_report(embedded, embedding_label(embedder), settings.store.versions_kept)
        outcome.status = "replaced" if existing else "ingested"
    except IngestError as exc:
        outcome.error = str(exc)
    except StoreError as exc:
        outcome.error = f"{path}: {exc}"
    except Exception as exc:  # a crash in the model or the store must not stop the other files
        outcome.error = f"{path}: ingest failed, the stored version is unchanged ({type(exc).__name__}: {exc})"
    finally:
        outcome.seconds = round(time.perf_counter() - started, 3)
    return outcome


def _refuse_large_loss(path, report_id: str, existing: dict, new_ids: set[str], store, max_share: float) -> None:
    stored = store.citation_ids(report_id, existing["version"])
    lost = len(stored - new_ids)
    if stored and lost / len(stored) > max_share:
        raise IngestError(str(path), f"would replace {report_id} ({len(stored)} paragraphs) and remove {lost} of "
                                     f"them; nothing was changed. If this file really is the new version of "
                                     f"{report_id}, ingest it again with replace (CLI --replace, API replace=true)")


def ingest_paths(paths: Iterable[str | Path], store, embedder_factory, settings,
                 progress: ProgressCallback | None = None,
                 on_file: Callable[[FileOutcome], None] | None = None,
                 source_names: dict[str, str] | None = None, replace: bool = False) -> list[FileOutcome]:
    """Ingest each file on its own: one bad file never stops the others or touches stored reports.
    `source_names` maps a path to the name to record as its source file."""
    files = expand_paths(paths)
    outcomes = []
    for path in files:
        outcome = ingest_file(path, store, embedder_factory, settings, progress, (source_names or {}).get(str(path)),
                              replace)
        outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    seen: dict[str, str] = {}
    for outcome in outcomes:  # two files of one report in one run: say so, the last one wins
        if outcome.report_id and outcome.status != "failed":
            if outcome.report_id in seen:
                outcome.warnings.append(f"same report as {seen[outcome.report_id]}; the later file is stored")
            seen[outcome.report_id] = outcome.path
    return outcomes
