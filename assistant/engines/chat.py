"""LLM engines over any OpenAI-compatible chat endpoint (vLLM, llama.cpp server, Ollama's /v1,
Azure, OpenAI) through LangChain's ChatOpenAI. Prompts come from prompts/; the context is
packed to a token budget; the reply goes through the same citation checks as every engine."""

from __future__ import annotations

import re
from typing import Iterator

from langchain_core.messages import BaseMessage
from langchain_core.prompts import ChatPromptTemplate

from assistant.engines.base import AnswerRequest, DraftOutput, DraftRequest, EngineOutput
from assistant.errors import ConfigurationError, LLMError
from assistant.grounding.citations import parse_cited_text
from assistant.grounding.context import pack_context, restrict
from assistant.settings import AnswerSettings, LLMSettings
from prompts import cannot_answer_sentinel, load_prompt

_FINDING_PART = re.compile(r"^\s*\**\s*finding\s*\**\s*:\s*\**", re.I | re.M)
_RECOMMENDATION_PART = re.compile(r"^\s*\**\s*(?:suggested\s+)?recommendation\s*\**\s*:\s*\**", re.I | re.M)


class ChatEngine:
    """An LLM behind an OpenAI-compatible API."""

    def __init__(self, name: str, llm: LLMSettings, answer: AnswerSettings, *, default_base_url: str | None = None,
                 default_model: str | None = None, chat_model=None):
        self.name = name
        self.llm_settings = llm
        self.answer_settings = answer
        self.base_url = llm.base_url or default_base_url
        self.model = llm.model or default_model
        self._chat_model = chat_model

    def chat_model(self):
        if self._chat_model is None:
            if not self.model:
                raise ConfigurationError(
                    f"the {self.name} engine needs a model name: set ASSISTANT_LLM__MODEL")
            from langchain_openai import ChatOpenAI

            key = self.llm_settings.api_key.get_secret_value() if self.llm_settings.api_key else None
            if key is None and not self.base_url:
                raise ConfigurationError(
                    f"the {self.name} engine needs ASSISTANT_LLM__API_KEY, or ASSISTANT_LLM__BASE_URL for a local server")
            self._chat_model = ChatOpenAI(
                model=self.model, base_url=self.base_url, api_key=key or "not-needed",
                temperature=self.llm_settings.temperature, max_tokens=self.llm_settings.max_output_tokens,
                timeout=self.llm_settings.timeout_seconds, max_retries=self.llm_settings.max_retries,
            )
        return self._chat_model

    # -- answering -------------------------------------------------------------------------
    def _answer_messages(self, request: AnswerRequest) -> tuple[list[BaseMessage], AnswerRequest]:
        context_text, included = pack_context(request.context, self.llm_settings.context_tokens)
        prompt = ChatPromptTemplate.from_messages([
            ("system", load_prompt("answer_system.md")), ("human", load_prompt("answer_user.md"))])
        conversation = ""
        if request.history:
            lines = [f"{m['role']}: {m['content'][:400]}" for m in request.history[-4:]]
            conversation = "Earlier conversation:\n" + "\n".join(lines) + "\n\n"
        text = request.question_for_model()
        messages = prompt.format_messages(
            sentinel=cannot_answer_sentinel(), max_sentences=self.answer_settings.max_sentences,
            conversation=conversation, question=text, context=context_text)
        # Only the paragraphs that were handed to the model may be cited.
        packed = AnswerRequest(restrict(request.context, included), request.scored, request.history,
                               read_as=request.read_as)
        return messages, packed

    def answer(self, request: AnswerRequest) -> EngineOutput:
        messages, packed = self._answer_messages(request)
        return self._output(self._invoke(messages), packed)

    def stream_answer(self, request: AnswerRequest) -> Iterator[str | EngineOutput]:
        messages, packed = self._answer_messages(request)
        pieces: list[str] = []
        try:
            for chunk in self.chat_model().stream(messages):
                piece = chunk.content if isinstance(chunk.content, str) else ""
                if piece:
                    pieces.append(piece)
                    yield piece
        except (ConfigurationError, LLMError):
            raise
        except Exception as exc:  # noqa: BLE001 - any client failure becomes one named error
            raise LLMError(self._failure(exc)) from exc
        yield self._output("".join(pieces), packed)

    @staticmethod
    def _output(text: str, packed: AnswerRequest) -> EngineOutput:
        sentinel = cannot_answer_sentinel()
        remainder = text.replace(sentinel, "").strip()
        if sentinel in text and not re.search(r"\w", remainder):
            return EngineOutput([], sentinel=True, raw_text=text, shown=packed.context)
        return EngineOutput(parse_cited_text(text), raw_text=text, shown=packed.context)

    def _invoke(self, messages) -> str:
        try:
            reply = self.chat_model().invoke(messages)
        except (ConfigurationError, LLMError):
            raise
        except Exception as exc:  # noqa: BLE001
            raise LLMError(self._failure(exc)) from exc
        return reply.content if isinstance(reply.content, str) else str(reply.content)

    def _failure(self, exc: Exception) -> str:
        where = self.base_url or "the default OpenAI endpoint"
        return f"the {self.name} engine at {where} (model {self.model}) failed: {type(exc).__name__}: {exc}"

    # -- drafting --------------------------------------------------------------------------
    def draft(self, request: DraftRequest) -> DraftOutput:
        context_text, _ = pack_context(request.context, self.llm_settings.context_tokens)
        prompt = ChatPromptTemplate.from_messages([
            ("system", load_prompt("draft_system.md")), ("human", load_prompt("draft_user.md"))])
        messages = prompt.format_messages(
            provider=request.provider or "the provider", observation=request.observation,
            area_clause=f" (in {request.area})" if request.area else "", context=context_text)
        text = self._invoke(messages)
        finding_text, recommendation_text = split_draft(text)
        return DraftOutput(parse_cited_text(finding_text), parse_cited_text(recommendation_text), raw_text=text)


def split_draft(text: str) -> tuple[str, str]:
    """The 'Finding:' and 'Recommendation:' parts of an LLM draft."""
    rec = _RECOMMENDATION_PART.search(text)
    finding_part = text[: rec.start()] if rec else text
    recommendation_part = text[rec.end():] if rec else ""
    while _FINDING_PART.match(finding_part):  # "Finding: Finding: ..." when the prompt already said it
        finding_part = _FINDING_PART.sub("", finding_part, count=1)
    return finding_part.strip(), recommendation_part.strip()
