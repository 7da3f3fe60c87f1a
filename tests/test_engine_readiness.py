"""The UI offers only engines that can answer here, in words staff understand; the reasons the
others cannot are for administrators."""

from __future__ import annotations

from assistant.engines import engines
from assistant.engines.readiness import engine_choices
from assistant.service import build_service
from assistant.settings import Settings
from tests.conftest import REPORTS_DIR
from ui.app import build_ui
from vectorstore.embeddings import HashingEmbedder


def readiness(settings):
    return {c.name: c for c in engine_choices(settings, engines.names())}


def test_unconfigured_engines_are_not_ready_and_say_what_is_missing(tmp_path):
    bare = readiness(Settings(data_dir=tmp_path / "data", llm={"models_dir": tmp_path / "no-models"}))
    assert bare["extractive"].ready
    assert not bare["local"].ready and "assistant model install qwen2.5-coder-1.5b" in bare["local"].reason
    assert not bare["openai"].ready and "ASSISTANT_LLM__MODEL" in bare["openai"].reason
    assert not bare["ollama"].ready and "ASSISTANT_LLM__ENGINE=ollama" in bare["ollama"].reason
    assert all(c.label != c.name for c in bare.values())  # words, not registry names

    configured = readiness(Settings(data_dir=tmp_path / "data", llm={
        "model": "qwen", "base_url": "http://127.0.0.1:9/v1", "model_server": "http://127.0.0.1:9/v1"}))
    assert configured["openai"].ready and configured["local"].ready
    assert readiness(Settings(data_dir=tmp_path / "data", llm={"engine": "ollama"}))["ollama"].ready


def components(blocks, elem_id):
    return next(b for b in blocks.blocks.values() if getattr(b, "elem_id", None) == elem_id)


def test_the_ui_offers_ready_engines_only_and_chooses_no_report_to_delete(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", reports_dir=REPORTS_DIR,
                        llm={"engine": "openai", "models_dir": tmp_path / "no-models"})
    service = build_service(settings, embedder=HashingEmbedder())
    service.ingest()
    ui = build_ui(service)
    engine = components(ui, "engine")
    assert [name for _, name in engine.choices] == ["extractive"]
    assert engine.value == "extractive"  # the configured engine cannot answer: the one that can
    notes = components(ui, "engine-notes").value
    assert "`openai`" in notes and "ASSISTANT_LLM__MODEL" in notes and "`local`" in notes
    assert components(ui, "delete-choice").value is None
