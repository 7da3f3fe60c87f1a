"""Words the reports never use, mapped to the reports' own words nearest in meaning ("refugee"
-> "asylum"), by the same embedding model retrieval already uses. Only the query's unknown
words are mapped, and only to words above a similarity cut, so a question in the reports' own
wording is left alone; the added words help the word ranker (BM25), which cannot match a
word it has never seen."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Callable, Iterable, Mapping

import numpy as np

from assistant.retrieval.words import WORD, content_words, folded


class VocabularyNeighbours:
    """Unit vectors of the corpus vocabulary, embedded once per word and kept across corpus
    rebuilds (a new report costs only its new words). A word is embedded as the texts write it
    (`written_forms`: "injuries", not the folded "injurie", which the model reads as a misspelling)."""

    def __init__(self, embedder: Callable[[], object]):
        self._embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}  # written form -> unit vector
        self._matrix: tuple[tuple[str, ...], tuple[str, ...], np.ndarray] | None = None
        self._lock = threading.Lock()

    def _vocabulary_matrix(self, vocabulary: Iterable[str],
                           written: Mapping[str, str]) -> tuple[tuple[str, ...], np.ndarray]:
        words = tuple(sorted(w for w in vocabulary if w.isalpha() and len(w) > 2))
        forms = tuple(written.get(w, w) for w in words)
        with self._lock:
            if self._matrix is not None and self._matrix[:2] == (words, forms):
                return words, self._matrix[2]
            missing = list(dict.fromkeys(f for f in forms if f not in self._vectors))
            if missing:
                for form, vector in zip(missing, self._embedder().embed_documents(missing)):
                    self._vectors[form] = _unit(vector)
            matrix = np.stack([self._vectors[f] for f in forms]) if forms else np.zeros((0, 1), dtype=np.float32)
            self._matrix = (words, forms, matrix)
            return words, matrix

    @staticmethod
    def unknown_words(query: str, vocabulary) -> list[str]:
        """The query's content words that the reports never use: the ones worth mapping."""
        return [w for w in sorted(content_words(query)) if w.isalpha() and len(w) > 2 and w not in vocabulary]

    def expansions(self, unknown: list[str], vectors, vocabulary, min_similarity: float,
                   written: Mapping[str, str] | None = None, per_word: int = 2) -> list[str]:
        """For each unknown word (`unknown_words`), embedded as `vectors` (one row each, of the
        word as the question writes it; the caller embeds them in the same call as the query), up
        to `per_word` report words at least `min_similarity` alike (cosine); the report words are
        embedded as `written` gives their forms (`written_forms` of the reports)."""
        if not unknown or min_similarity >= 1:
            return []
        words, matrix = self._vocabulary_matrix(vocabulary, written or {})
        if not words:
            return []
        queries = np.stack([_unit(v) for v in vectors])
        similarities = queries @ matrix.T
        added: list[str] = []
        for row in similarities:
            for index in np.argsort(-row)[:per_word]:
                if row[index] >= min_similarity and words[index] not in added:
                    added.append(words[index])
        return added


def written_form_counts(texts: Iterable[str]) -> Counter:
    """How often the texts write each word, as (the word folded by `content_words`, as written):
    ("injurie", "injuries"), ("proces", "process")."""
    counts: Counter = Counter()
    for text in texts:
        counts.update((folded(word), word) for word in WORD.findall(text.lower()))
    return counts


def written_forms(counts: Counter) -> dict[str, str]:
    """Each folded content word -> the form the texts write most often (`written_form_counts`)."""
    forms: dict[str, str] = {}
    for (as_folded, as_written), _ in counts.most_common():
        forms.setdefault(as_folded, as_written)
    return forms


def _unit(vector) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector
