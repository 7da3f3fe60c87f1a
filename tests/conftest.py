"""Shared fixtures: the real reports from ../shared, services over real Chroma stores."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from assistant.engines.local_models import CATALOGUE, installed_path
from assistant.service import build_service
from assistant.settings import Settings
from vectorstore.embeddings import HashingEmbedder

# The default engine is the local model; the answering tests here check the extractive engine's
# behaviour and ask for the local model by name where they test it (test_local_engine.py). Servers
# and CLI runs the tests start inherit this.
os.environ.setdefault("ASSISTANT_LLM__ENGINE", "extractive")

ROOT = Path(__file__).resolve().parent.parent
REPORTS_DIR = Path(os.environ.get("ASSISTANT_REPORTS_DIR", ROOT.parent / "shared" / "reports")).resolve()
PDF_DIR = REPORTS_DIR.parent / "reports-pdf"
REPORT_NAMES = ("leicester-city-2016", "sefton-2018")


def report_text_path(name: str) -> Path:
    path = REPORTS_DIR / f"{name}.txt"
    if not path.exists():
        pytest.fail(f"the shared report {path} is missing; tests read the real reports from ../shared/reports")
    return path


class CountingEmbedder:
    """Wraps an embedder and counts the texts it is asked to embed (ingest must skip unchanged files)."""

    def __init__(self, inner, fail_after_texts: int | None = None):
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.documents_embedded = 0
        self.fail_after_texts = fail_after_texts

    def embed_documents(self, texts):
        if self.fail_after_texts is not None and self.documents_embedded + len(texts) > self.fail_after_texts:
            raise RuntimeError("embedding model crashed (simulated)")
        self.documents_embedded += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", reports_dir=REPORTS_DIR)


@pytest.fixture
def fast_service(settings):
    """A service over a real embedded Chroma store with deterministic hashing embeddings."""
    return build_service(settings, embedder=CountingEmbedder(HashingEmbedder()))


@pytest.fixture(scope="session")
def real_service(tmp_path_factory):
    """Both real reports ingested with the real local MiniLM model (loaded once per session)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("real") / "data", reports_dir=REPORTS_DIR)
    service = build_service(settings)
    outcomes = service.ingest()
    assert [o.status for o in outcomes] == ["ingested", "ingested"], [o.to_dict() for o in outcomes]
    return service


def unit(vector) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32)
    return vector / np.linalg.norm(vector)


@pytest.fixture(scope="session")
def model_path() -> str:
    """The default local model's file, installed by `make setup`."""
    settings = Settings()
    path = installed_path(CATALOGUE[settings.llm.local_model], settings.llm.models_dir)
    if not path.is_file():
        pytest.fail(f"{path} is missing: `make setup` (or `assistant model install`) installs the default model")
    return str(path)
