"""Answer engines register by name; built-ins register the same way as extras."""

from __future__ import annotations

from assistant.engines.base import (AnswerRequest, DraftOutput, DraftRequest, Engine, EngineOutput, JudgementRequest,
                                    Precedent)
from assistant.engines.chat import ChatEngine
from assistant.engines.extractive import ExtractiveEngine
from assistant.engines.fallback import FallbackEngine
from assistant.engines.local import LocalEngine
from assistant.engines.served_model import ServedModel
from assistant.settings import Settings
from vectorstore.registry import Registry

engines: Registry[Engine] = Registry("answer engine")


@engines.register("extractive")
def _extractive(settings: Settings, **_) -> Engine:
    return ExtractiveEngine(settings.answer)


@engines.register("local")
def _local(settings: Settings, model=None, **_) -> Engine:
    # llama.cpp in process, or the model server of ASSISTANT_LLM__MODEL_SERVER (shared by `serve --workers N`);
    # the extractive engine (with a notice) when the model is missing or fails to load.
    def primary() -> Engine:
        served = ServedModel(settings.llm) if model is None and settings.llm.model_server else None
        return LocalEngine(settings.llm, settings.answer, model=model or served)

    return FallbackEngine(primary, lambda: ExtractiveEngine(settings.answer))


@engines.register("openai")
def _openai(settings: Settings, chat_model=None, **_) -> Engine:
    return ChatEngine("openai", settings.llm, settings.answer, chat_model=chat_model)


@engines.register("ollama")
def _ollama(settings: Settings, chat_model=None, **_) -> Engine:
    # Ollama serves the OpenAI chat API under /v1, so the same client speaks to it.
    return ChatEngine("ollama", settings.llm, settings.answer, default_base_url="http://127.0.0.1:11434/v1",
                      default_model="llama3.1", chat_model=chat_model)


def create_engine(name: str, settings: Settings, **options) -> Engine:
    return engines.create(name, settings=settings, **options)


__all__ = ["AnswerRequest", "DraftOutput", "DraftRequest", "Engine", "EngineOutput", "JudgementRequest", "Precedent",
           "create_engine", "engines"]
