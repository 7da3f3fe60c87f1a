"""The core, built once from Settings and shared by the CLI, the HTTP API, the UI and tests."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterable

from assistant.answers.answering import Answer, Answerer
from assistant.answers.comparing import Comparer, Comparison, Judges, ThemeColumn
from assistant.answers.recurring import RecurringFinding
from assistant.answers.drafting import Draft, Drafter
from assistant.answers.starters import finding_themes, starter_questions
from assistant.companion_model import companion_folder
from assistant.conversations import ConversationStore
from assistant.engines import Engine, create_engine
from assistant.feedback import FeedbackStore
from assistant.grounding.relevance import SentenceEmbeddingCache
from assistant.retrieval.hybrid import HybridRetriever, ReportRetriever, SearchResult
from assistant.settings import Settings
from ingest.models import Paragraph
from vectorstore.chroma_store import ParagraphStore, collection_namespace, make_client, report_from_record
from vectorstore.embeddings import Embedder, create_embedder
from vectorstore.indexing import FileOutcome, ProgressCallback, ingest_paths


def embedding_identity(settings: Settings) -> str:
    """The name the configured embedder will report, without loading it (collections are per model)."""
    if settings.embeddings.provider == "sentence-transformers" and not settings.embeddings.model_path:
        return "sentence-transformers:all-MiniLM-L6-v2"
    if settings.embeddings.provider == "hashing":
        return "hashing-256"
    return f"{settings.embeddings.provider}:{settings.embeddings.model_path or 'default'}"


class ReportService:
    """Ingest, list, show, search, ask and draft. Collaborators default from settings."""

    def __init__(self, settings: Settings, *, store: ParagraphStore | None = None,
                 embedder: Embedder | None = None):
        self.settings = settings
        self._embedder = embedder
        self._embedder_lock = threading.Lock()
        if store is None:
            store = ParagraphStore(
                make_client(settings),
                collection_namespace(settings.store.collection_prefix,
                                     embedder.name if embedder else embedding_identity(settings)),
            )
        self.store = store
        self.retriever = HybridRetriever(store, self.embedder, settings.retrieval)
        self.sentences = SentenceEmbeddingCache(self.embedder, self.store.sentence_vectors)
        self._engines: dict[str, Engine] = {}
        self._engines_lock = threading.Lock()
        self.answerer = Answerer(self.retriever, self.sentences, settings, self.engine)
        self.drafter = Drafter(self.retriever, self.sentences, settings, self.engine)
        self.comparer = Comparer(self.retriever, self.sentences, settings, self.engine)
        self._staff_stores: dict[str, ConversationStore | FeedbackStore] = {}

    @property
    def conversations(self) -> ConversationStore:
        """Stored conversations (SQLite in the data dir), opened on first use."""
        return self._staff_store("conversations", ConversationStore)

    @property
    def feedback(self) -> FeedbackStore:
        """Staff feedback on answers and citations (beside the conversations), opened on first use."""
        return self._staff_store("feedback", FeedbackStore)

    def _staff_store(self, name: str, kind):
        with self._embedder_lock:
            if name not in self._staff_stores:
                self._staff_stores[name] = kind(self._staff_database())
            return self._staff_stores[name]

    def _staff_database(self) -> Path:
        return Path(self.settings.data_dir) / "conversations.sqlite3"

    def embedder(self) -> Embedder:
        """The embedding model, loaded on first use (listing and showing never need it)."""
        if self._embedder is None:
            with self._embedder_lock:
                if self._embedder is None:
                    self._embedder = create_embedder(self.settings, companion_path=self._companion_folder())
        return self._embedder

    def _companion_folder(self) -> str | None:
        embeddings = self.settings.embeddings
        if embeddings.provider != "sentence-transformers" or not embeddings.companion:
            return None
        return companion_folder(embeddings.companion, self.settings.llm.models_dir)

    # -- ingest ----------------------------------------------------------------------------
    def ingest(self, paths: Iterable[str | Path] | None = None, progress: ProgressCallback | None = None,
               on_file=None, source_names: dict[str, str] | None = None, replace: bool = False) -> list[FileOutcome]:
        """Ingest files or folders (default: the reports dir). `replace` allows a replacement that
        removes most of a stored report's paragraphs (refused otherwise)."""
        paths = list(paths) if paths else [self.settings.ingest.reports_dir]
        return ingest_paths(paths, self.store, self.embedder, self.settings, progress, on_file, source_names, replace)

    def delete_report(self, report_id: str) -> None:
        self.store.delete_report(report_id)

    def rollback_report(self, report_id: str, version: str | None = None) -> dict:
        """Make the previous kept version (or `version`) of a report active again."""
        return _described(self.store.rollback(report_id, version))

    # -- read ------------------------------------------------------------------------------
    def reports(self) -> list[dict]:
        return sorted((_described(r) for r in self.store.report_records().values()), key=lambda r: r["report_id"])

    def report(self, report_id: str) -> dict:
        record = self.store.existing_report(report_id)
        return report_from_record(record).to_dict() | {
            "version": record["version"], "earlier_versions": _described(record)["earlier_versions"]}

    def paragraph(self, citation_id: str) -> Paragraph:
        return self.store.get_paragraph(citation_id)

    def search(self, query: str, k: int | None = None, report_ids: Iterable[str] | None = None,
               kinds: Iterable[str] | None = None) -> list[SearchResult]:
        return self.retriever.search(query, k=k, report_ids=report_ids, kinds=kinds)

    # -- answer and draft ------------------------------------------------------------------
    def engine(self, name: str | None = None) -> Engine:
        """An answer engine by registry name (default: settings.llm.engine), built once."""
        name = name or self.settings.llm.engine
        with self._engines_lock:
            if name not in self._engines:
                self._engines[name] = create_engine(name, self.settings)
            return self._engines[name]

    def warm_up(self) -> str | None:
        """Load the default engine's model now rather than on the first question (the local
        model's hash check and load take seconds); returns the engine's notice when it fell back."""
        chosen = self.engine()
        getattr(chosen, "engine", lambda: chosen)()
        return getattr(chosen, "notice", None)

    def ask(self, question: str, history=(), filters=None, engine: str | None = None, k: int | None = None) -> Answer:
        return self.answerer.ask(question, history, filters, engine, k)

    def ask_stream(self, question: str, history=(), filters=None, engine: str | None = None, k: int | None = None):
        return self.answerer.ask_stream(question, history, filters, engine, k)

    def draft(self, observation: str, area: str | None = None, provider: str | None = None,
              exclude_report: str | None = None, engine: str | None = None) -> Draft:
        return self.drafter.draft(observation, area, provider, exclude_report, engine)

    def compare(self, themes, report_ids: Iterable[str] | None = None, engine: str | None = None) -> Comparison:
        """Every chosen report (default: all) on each theme: cited cells, a summary per theme.
        The cells' judgements are written by `engine` (default: the settings') when it writes."""
        return self.comparer.compare(themes, report_ids, engine)

    def compare_stream(self, themes, report_ids: Iterable[str] | None = None,
                       engine: str | None = None) -> tuple[Judges, Iterable[ThemeColumn]]:
        """Who writes the judgements, and the columns one theme at a time."""
        judges = self.comparer.judges(themes, report_ids, engine)
        return judges, self.comparer.columns(themes, report_ids, judges)

    def recurring(self, text: str, report_ids: Iterable[str] | None = None) -> list[RecurringFinding]:
        """Findings on a theme or an observation, near-duplicates across reports grouped."""
        return self.comparer.recurring(text, report_ids)

    def starter_questions(self, limit: int = 4) -> list[str]:
        """Questions to offer on an empty chat, drawn from the stored reports."""
        return starter_questions(list(self.retriever.corpus().reports.values()), self._report_themes(), limit)

    def section_themes(self) -> list[str]:
        """The sections the stored reports' findings sit under, as words: the themes offered for
        comparing areas, those most reports share first (then in report order)."""
        counts: dict[str, int] = {}
        for themes in self._report_themes().values():
            for theme in themes:
                counts[theme] = counts.get(theme, 0) + 1
        return sorted(counts, key=lambda theme: -counts[theme])

    def _report_themes(self) -> dict[str, list[str]]:
        by_report: dict[str, list[Paragraph]] = {}
        for paragraph in self.retriever.corpus().paragraphs.values():
            by_report.setdefault(paragraph.report_id, []).append(paragraph)
        return {report_id: finding_themes(paragraphs) for report_id, paragraphs in by_report.items()}

    def langchain_retriever(self, k: int = 5, report_ids=None, kinds=None) -> ReportRetriever:
        return ReportRetriever(retriever=self.retriever, k=k, report_ids=report_ids, kinds=kinds)


def _described(record: dict) -> dict:
    """A stored report record as callers see it: the kept earlier versions summarised."""
    described = {k: v for k, v in record.items() if k != "history"}
    described["earlier_versions"] = [
        {"version": h["version"], "replaced_at": h.get("replaced_at"), "source_file": h.get("source_file"),
         "paragraphs": (h.get("counts") or {}).get("paragraphs")} for h in record.get("history") or []]
    return described


def build_service(settings: Settings | None = None, **collaborators) -> ReportService:
    """The one factory every entry point uses."""
    return ReportService(settings or Settings(), **collaborators)
