"""The local engine's model behind an OpenAI-compatible server instead of in process: the shared
llama.cpp server `assistant serve --workers N` starts (model_server.py), or any such server
(vLLM on a GPU host, a llama.cpp server elsewhere) named by ASSISTANT_LLM__MODEL_SERVER.

The prompts, the sentence handles and every citation check stay the local engine's; only where
the tokens are computed changes. Each worker process still takes turns with its own bound, so a
busy worker answers 503 with Retry-After rather than queue without limit.
"""

from __future__ import annotations

import json
from typing import Iterator

import httpx

from assistant.engines.local import STOP, TurnTakingModel
from assistant.engines.local_models import ModelUnavailableError
from assistant.errors import LLMError
from assistant.settings import LLMSettings


class ServedModel(TurnTakingModel):
    def __init__(self, llm: LLMSettings, base_url: str | None = None, client: httpx.Client | None = None):
        super().__init__(llm)
        self.base_url = (base_url or llm.model_server or "").rstrip("/")
        if not self.base_url:
            raise ModelUnavailableError("no model server is set (ASSISTANT_LLM__MODEL_SERVER)")
        self._client = client or httpx.Client(timeout=httpx.Timeout(llm.timeout_seconds, connect=5))
        self.label = llm.local_model
        self._ready = False

    def load(self):
        """Check once that the server answers and learn the model it serves."""
        if not self._ready:
            try:
                response = self._client.get(f"{self.base_url}/models")
                response.raise_for_status()
                served = [m.get("id") for m in response.json().get("data", [])]
            except (httpx.HTTPError, ValueError) as exc:
                raise ModelUnavailableError(f"the model server at {self.base_url} does not answer: {exc}") from exc
            self.label = served[0] if served else self.label
            self._ready = True
        return self

    def _generate(self, messages: list[dict], max_tokens: int, grammar: str | None = None) -> Iterator[str]:
        body = {"model": self.label, "messages": messages, "stream": True, "max_tokens": max_tokens,
                "temperature": self.settings.temperature, "stop": STOP}
        if grammar:
            body["grammar"] = grammar  # llama.cpp's servers read it; other servers ignore the field
        try:
            with self._client.stream("POST", f"{self.base_url}/chat/completions", json=body) as response:
                if response.status_code != 200:
                    response.read()
                    raise LLMError(f"the model server at {self.base_url} answered {response.status_code}: "
                                   f"{response.text[:300]}")
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    choices = json.loads(data).get("choices") or [{}]
                    yield (choices[0].get("delta") or {}).get("content") or ""
        except httpx.HTTPError as exc:
            raise LLMError(f"the model server at {self.base_url} failed: {type(exc).__name__}: {exc}") from exc
