"""Which answer engines can answer here, in words staff understand, and why the others cannot
(for administrators). Checked without loading a model or calling an endpoint, so it is cheap
enough to run whenever the UI is built."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from assistant.engines.local import resolve_model_file
from assistant.settings import Settings

LABELS = {
    "local": "Written answers (the local language model)",
    "extractive": "Sentences quoted from the reports (no language model)",
    "openai": "Written answers (the configured language-model service)",
    "ollama": "Written answers (Ollama on this machine)",
}


@dataclass(frozen=True)
class EngineChoice:
    name: str
    label: str
    ready: bool
    reason: str = ""  # why it is not ready, and what an administrator can do


def engine_choices(settings: Settings, names: list[str]) -> list[EngineChoice]:
    """Every registered engine with its readiness; engines this module does not know are offered
    under their own name."""
    return [EngineChoice(name, LABELS.get(name, name), *_readiness(name, settings)) for name in names]


def _readiness(name: str, settings: Settings) -> tuple[bool, str]:
    llm = settings.llm
    if name == "local":
        if llm.model_server:
            return True, ""
        if importlib.util.find_spec("llama_cpp") is None:
            return False, "llama-cpp-python is not installed (run `make setup`)"
        try:
            resolve_model_file(llm)
        except Exception as exc:  # noqa: BLE001 - the message says what is missing and how to install it
            return False, str(exc)
        return True, ""
    if name == "openai":
        if not llm.model:
            return False, "no model is configured: set ASSISTANT_LLM__MODEL (and ASSISTANT_LLM__BASE_URL or ASSISTANT_LLM__API_KEY)"
        if not (llm.base_url or llm.api_key):
            return False, "no endpoint or key: set ASSISTANT_LLM__BASE_URL or ASSISTANT_LLM__API_KEY"
        return True, ""
    if name == "ollama":
        if llm.engine != "ollama":
            return False, ("not chosen: set ASSISTANT_LLM__ENGINE=ollama (and ASSISTANT_LLM__BASE_URL when Ollama "
                           "is not at http://127.0.0.1:11434)")
        return True, ""
    return True, ""
