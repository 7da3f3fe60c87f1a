"""Words the reports never use, mapped to the reports' own words nearest in meaning ("refugee"
-> "asylum"), by the same embedding model retrieval already uses. Only the query's unknown
words are mapped, and only to words above a similarity cut, so a question in the reports' own
wording is left alone; the added words help the word ranker (BM25), which cannot match a
word it has never seen."""

from __future__ import annotations

import threading
from typing import Callable, Iterable

import numpy as np

from assistant.retrieval.words import content_words


class VocabularyNeighbours:
    """Unit vectors of the corpus vocabulary, embedded once per word and kept across corpus
    rebuilds (a new report costs only its new words)."""

    def __init__(self, embedder: Callable[[], object]):
        self._embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}
        self._matrix: tuple[tuple[str, ...], np.ndarray] | None = None
        self._lock = threading.Lock()

    def _vocabulary_matrix(self, vocabulary: Iterable[str]) -> tuple[tuple[str, ...], np.ndarray]:
        words = tuple(sorted(w for w in vocabulary if w.isalpha() and len(w) > 2))
        with self._lock:
            if self._matrix is not None and self._matrix[0] == words:
                return self._matrix
            missing = [w for w in words if w not in self._vectors]
            if missing:
                for word, vector in zip(missing, self._embedder().embed_documents(missing)):
                    self._vectors[word] = _unit(vector)
            matrix = np.stack([self._vectors[w] for w in words]) if words else np.zeros((0, 1), dtype=np.float32)
            self._matrix = (words, matrix)
            return self._matrix

    @staticmethod
    def unknown_words(query: str, vocabulary) -> list[str]:
        """The query's content words that the reports never use: the ones worth mapping."""
        return [w for w in sorted(content_words(query)) if w.isalpha() and len(w) > 2 and w not in vocabulary]

    def expansions(self, unknown: list[str], vectors, vocabulary, min_similarity: float,
                   per_word: int = 2) -> list[str]:
        """For each unknown word (`unknown_words`), embedded as `vectors` (one row each; the
        caller embeds them in the same call as the query), up to `per_word` report words at least
        `min_similarity` alike (cosine)."""
        if not unknown or min_similarity >= 1:
            return []
        words, matrix = self._vocabulary_matrix(vocabulary)
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


def _unit(vector) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector
