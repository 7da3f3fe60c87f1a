"""What every answer engine receives and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Protocol

from assistant.grounding.answer_types import KindCheck
from assistant.grounding.citations import Segment
from assistant.grounding.context import AnswerContext
from assistant.grounding.relevance import ScoredSentence


@dataclass
class AnswerRequest:
    context: AnswerContext
    scored: list[ScoredSentence]  # context sentences, best first
    history: list[dict] = field(default_factory=list)
    kinds: KindCheck | None = None  # the kinds of value asked for, and the sentences that give them
    # The question as the reports would word it: a follow-up resolved, shorthand spelled out.
    read_as: str | None = None

    def question_for_model(self) -> str:
        """The question as asked, and how it was read when that differs ("do HVs go to core groups
        for CPP kids? (read as: do health visitors go to core groups for child protection plans
        kids?)")."""
        question = self.context.question
        read = self.read_as or question.text
        return question.original if read == question.original else f"{question.original} (read as: {read})"


@dataclass
class EngineOutput:
    segments: list[Segment]
    sentinel: bool = False  # the engine said the reports do not answer the question
    raw_text: str | None = None
    shown: AnswerContext | None = None  # the context the engine saw, when it saw less than it was given
    notice: str | None = None  # something the reader should know about how this answer was made


@dataclass
class Precedent:
    """A finding comparable to an observation, with the recommendations it pointed to."""

    id: str
    report_id: str
    report_title: str
    quote: str
    start: int
    end: int
    score: float
    text: str
    recommendations: list[dict]  # {id, text, addressees}

    def to_dict(self) -> dict:
        return {"id": self.id, "report_id": self.report_id, "report_title": self.report_title,
                "quote": self.quote, "start": self.start, "end": self.end, "score": round(self.score, 4),
                "recommendations": self.recommendations}


@dataclass
class DraftRequest:
    observation: str
    area: str | None
    provider: str | None
    precedents: list[Precedent]
    context: AnswerContext  # the precedents and their recommendations: what may be cited


@dataclass
class DraftOutput:
    finding: list[Segment]
    recommendation: list[Segment]
    raw_text: str | None = None


@dataclass
class JudgementRequest:
    """One cell of a comparison: how one area did on a theme, judged from its findings on it."""

    theme: str
    area: str  # the report's title ("Sefton (2018)")
    sentences: list[ScoredSentence]  # what may be cited: each finding's verdict and on-theme sentences, best first


class Engine(Protocol):
    name: str

    def answer(self, request: AnswerRequest) -> EngineOutput: ...

    def stream_answer(self, request: AnswerRequest) -> Iterator[str | EngineOutput]:
        """Text pieces as they are produced, then the EngineOutput last."""
        ...

    def draft(self, request: DraftRequest) -> DraftOutput: ...

    # An engine that writes may also have judge(JudgementRequest) -> list[Segment] | None: a
    # comparison cell's judgement in its own words (None: it could not, and the cell is extractive).
