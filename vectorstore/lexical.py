"""BM25 (bm25s) over paragraph texts with their headings, stemmed, English stop words removed."""

from __future__ import annotations

from typing import Iterable

import numpy as np

from ingest.models import Paragraph
from vectorstore.passages import heading_context


def _stemmer():
    try:
        import Stemmer

        return Stemmer.Stemmer("english")
    except ImportError:  # pragma: no cover - PyStemmer is a dependency
        return None


def _tokenize(texts: list[str], stemmer) -> list[list[str]]:
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)


def lexical_tokens(paragraphs: list[Paragraph]) -> list[list[str]]:
    """The BM25 tokens of each paragraph (its heading context and text, stemmed, stop words out)."""
    return _tokenize([f"{heading_context(p)}. {p.text}" for p in paragraphs], _stemmer()) if paragraphs else []


def text_stems(texts: list[str]) -> list[list[str]]:
    """The words of each text as the index reads them (stemmed, stop words out), without the
    heading context."""
    return _tokenize(texts, _stemmer()) if texts else []


class LexicalIndex:
    """An in-memory BM25 index of the active paragraphs; rebuilt when the store changes, from
    tokens the caller may have kept per report (`lexical_tokens`). `k1` is how soon a word said
    again stops adding to a paragraph's score, `b` how much a long paragraph's score is cut for its
    length (the retrieval settings' lexical_k1 and lexical_b)."""

    def __init__(self, paragraphs: list[Paragraph], tokens: list[list[str]] | None = None, *, k1: float, b: float):
        import bm25s

        self._bm25s = bm25s
        self.stemmer = _stemmer()
        self.citation_ids = [p.citation_id for p in paragraphs]
        self.report_ids = np.array([p.report_id for p in paragraphs])
        self.kinds = np.array([p.kind for p in paragraphs])
        self.retriever = bm25s.BM25(k1=k1, b=b)
        if paragraphs:
            self.retriever.index(tokens if tokens is not None else lexical_tokens(paragraphs), show_progress=False)

    def __len__(self) -> int:
        return len(self.citation_ids)

    def search(
        self, query: str, n: int, report_ids: Iterable[str] | None = None, kinds: Iterable[str] | None = None
    ) -> list[tuple[str, float]]:
        if not self.citation_ids:
            return []
        # Each word once: a query expanded with a synonym group ("children in care" + "looked after
        # children | children looked after | child in care | ...") would otherwise count "children"
        # five times and outweigh what the question asks about them.
        tokens = list(dict.fromkeys(_tokenize([query], self.stemmer)[0]))
        if not tokens:
            return []
        scores = np.asarray(self.retriever.get_scores(tokens), dtype=np.float64)
        mask = np.ones(len(scores), dtype=bool)
        if report_ids is not None:
            mask &= np.isin(self.report_ids, list(report_ids))
        if kinds is not None:
            mask &= np.isin(self.kinds, list(kinds))
        scores = np.where(mask, scores, -np.inf)
        top = np.argsort(-scores)[:n]
        return [(self.citation_ids[i], float(scores[i])) for i in top if np.isfinite(scores[i]) and scores[i] > 0]
