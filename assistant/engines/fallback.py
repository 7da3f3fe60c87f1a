"""The default engine: the local model when it is installed and loads, else the extractive
engine, with a notice on every answer saying why and how to install the model."""

from __future__ import annotations

import threading
from typing import Callable, Iterator

from assistant.engines.base import AnswerRequest, DraftOutput, DraftRequest, Engine, EngineOutput, JudgementRequest
from assistant.grounding.citations import Segment
from assistant.engines.local_models import ModelUnavailableError


class FallbackEngine:
    def __init__(self, primary: Callable[[], Engine], fallback: Callable[[], Engine]):
        self._make_primary, self._make_fallback = primary, fallback
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self.notice: str | None = None

    def engine(self) -> Engine:
        """The engine in use, loading the local model on first use."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    try:
                        engine = self._make_primary()
                        getattr(engine, "load", lambda: None)()
                    except ModelUnavailableError as exc:
                        engine = self._make_fallback()
                        self.notice = (f"The local language model is not available ({exc}). This answer was "
                                       f"built from report sentences by the {engine.name} engine.")
                    self._engine = engine
        return self._engine

    @property
    def name(self) -> str:
        return self.engine().name

    def answer(self, request: AnswerRequest) -> EngineOutput:
        return self.engine().answer(request)

    def stream_answer(self, request: AnswerRequest) -> Iterator[str | EngineOutput]:
        return self.engine().stream_answer(request)

    def draft(self, request: DraftRequest) -> DraftOutput:
        return self.engine().draft(request)

    def judge(self, request: JudgementRequest) -> list[Segment] | None:
        """The engine in use's judgement of a comparison cell, when it writes them."""
        judge = getattr(self.engine(), "judge", None)
        return judge(request) if judge else None
