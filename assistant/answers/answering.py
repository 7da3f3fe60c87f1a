"""Ask: resolve the question against the conversation, gather context, decide whether the
reports answer it, let an engine answer, then check every citation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

from assistant.engines import AnswerRequest, EngineOutput
from assistant.errors import InvalidInputError
from assistant.grounding.answer_types import check_answer_kinds
from assistant.grounding.values_given import Vocabulary
from assistant.grounding.citations import CheckedText, Citation, check_citations
from assistant.grounding.context import AnswerContext, Filters, gather_context
from assistant.grounding.said_about import says_too_little_of_what_was_asked
from assistant.grounding.relevance import (SentenceEmbeddingCache, answerability, asks_after_the_reports,
                                          score_sentences, sentence_holding_the_topic, unknown_word_share)
from assistant.markers import HeldBackStream, neutralise
from assistant.retrieval.conversation import ResolvedQuestion, normalise_history, resolve_question
from assistant.retrieval.hybrid import HybridRetriever
from assistant.retrieval.query_analysis import expand_acronyms
from assistant.settings import Settings
from prompts import cannot_answer_sentinel

MAX_QUESTION_CHARS = 2000
MAX_HISTORY_MESSAGES = 100


@dataclass
class Answer:
    question: str
    resolved: ResolvedQuestion
    answer: str
    citations: list[Citation]
    engine: str
    answerable: bool
    relevance: float
    unsupported: list[str] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    repaired: list[dict] = field(default_factory=list)
    notice: str | None = None  # e.g. the local model is missing and another engine answered
    read_as: dict[str, str] = field(default_factory=dict)  # a typed slip -> the reports' word read (spelling.py)

    def to_dict(self) -> dict:
        return {
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "unsupported": self.unsupported,
            "removed": self.removed,
            "repaired": self.repaired,
            "engine": self.engine,
            "answerable": self.answerable,
            "relevance": round(self.relevance, 4),
            "question": self.question,
            "resolved_question": self.resolved.to_dict(),
            "notice": self.notice,
            "read_as": self.read_as,
        }


def validate_text(value, field_name: str, limit: int = MAX_QUESTION_CHARS) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{field_name} is empty")
    if len(value) > limit:
        raise InvalidInputError(f"{field_name} is {len(value):,} characters; the limit is {limit:,}")
    return value.strip()


@dataclass
class _Prepared:
    question: str
    resolved: ResolvedQuestion
    context: AnswerContext
    request: AnswerRequest
    relevance: float
    # A retrieved sentence holds every topic word and no kind of value asked for is missing: the
    # reports discuss what was asked, however low the cosines of a terse question.
    topic_held: bool = False
    read_as: dict[str, str] = field(default_factory=dict)  # the question's slips, as typed -> as read


def _answering_sentences(resolved: ResolvedQuestion, scored: list) -> list:
    """The sentences that could answer: all of them, except for a follow-up asking what was
    recommended about the last answer's paragraphs when those led to no recommendation. Then
    only recommendations answer; the finding just given, or a context paragraph on the same
    topic, does not ("and what did they recommend about it?" after the tooth-decay finding)."""
    if not (resolved.follow_up and resolved.wants_recommendations and resolved.carried_ids):
        return scored
    if any(s.item.why == "linked recommendation" for s in scored):
        return scored
    return [s for s in scored if s.item.paragraph.kind == "recommendation"]


class Answerer:
    """ask() and ask_stream() over a retriever; engines are built by the caller's factory."""

    def __init__(self, retriever: HybridRetriever, sentences: SentenceEmbeddingCache, settings: Settings, engine_for):
        self.retriever = retriever
        self.sentences = sentences
        self.settings = settings
        self.engine_for = engine_for  # name | None -> Engine

    def prepare(self, question: str, history: Iterable = (), filters=None, k: int | None = None) -> _Prepared:
        question = validate_text(question, "question")
        try:
            messages = normalise_history(history)
            filters = Filters.from_value(filters)
        except ValueError as exc:
            raise InvalidInputError(str(exc)) from None
        if len(messages) > MAX_HISTORY_MESSAGES:
            raise InvalidInputError(f"history has {len(messages)} messages; the limit is {MAX_HISTORY_MESSAGES}")
        if k is not None and not 1 <= k <= 30:
            raise InvalidInputError(f"k is {k}; it must be between 1 and 30")
        answer_settings = self.settings.answer
        corpus = self.retriever.corpus()  # one store read for the names and the vocabulary
        # "leicster" is read as "leicester" before anything else reads the question (spelling.py),
        # and in the earlier questions a follow-up takes its topic from (only those it reads).
        typed_right, read_as = corpus.respelt(question)
        turns = answer_settings.history_turns
        earlier = [{**m, "content": corpus.respelt(m["content"])[0]} if m["role"] == "user" else m
                   for m in (messages[-turns:] if turns else [])]
        resolved = resolve_question(typed_right, earlier, corpus.names, answer_settings.history_turns)
        # Sentences are scored against the question in the reports' wording ("IHA" spelled out);
        # that vector is made while retrieval runs.
        acronyms = corpus.acronyms_for(resolved.text)  # "IHA", and shorthand the reports never define ("CPP")
        asked = corpus.without_addressees(resolved.text) if resolved.wants_recommendations else resolved.text
        worded = expand_acronyms(asked, acronyms)
        self.sentences.prefetch_query(worded)
        context = gather_context(self.retriever, resolved, filters, k or answer_settings.k, answer_settings.per_report_k)
        scored = score_sentences(worded, context, self.sentences, corpus.acronyms)
        answering = _answering_sentences(resolved, scored)
        # A value asked of a named area is given by that area's report: "how many weeks is the
        # longest wait for CAMHS in leicester" is not answered by Sefton's "52 weeks".
        named = corpus.names.named_in(resolved.text)
        valued = [s for s in answering if s.report_id in named] if named else answering
        kinds = check_answer_kinds(resolved.text, valued, context.report_titles.values(),
                                   Vocabulary(corpus.word_weights, corpus.capitalised, acronyms), resolved.asked)
        request = AnswerRequest(context, scored, messages, kinds, corpus.spelled(resolved.text))
        unknown = unknown_word_share(resolved.text, corpus.vocabulary, acronyms)
        # A value asked of a year after the reviews is missing however the reports discuss the topic.
        asked_of = named or resolved.report_ids or list(context.report_titles)
        # So is what people or the review said about something the paragraphs found hardly speak of.
        missing = (bool(kinds.missing) or asks_after_the_reports(resolved.text, asked_of)
                   or says_too_little_of_what_was_asked(resolved.text, context))
        relevance = answerability(answering, unknown, missing, answer_settings.unknown_word_penalty,
                                  answer_settings.missing_kind_penalty, context.companion_best,
                                  answer_settings.companion_share)
        topic_held = not missing and sentence_holding_the_topic(
            resolved.text, answering, context.report_titles.values(), acronyms) is not None
        return _Prepared(question, resolved, context, request, relevance, topic_held, read_as)

    def ask(self, question: str, history: Iterable = (), filters=None, engine: str | None = None,
            k: int | None = None) -> Answer:
        prepared = self.prepare(question, history, filters, k)
        chosen = self.engine_for(engine)
        if not self._answerable(prepared):
            answer = self._sentinel(prepared, chosen.name)
        else:
            output = chosen.answer(prepared.request)
            answer = self._finish(prepared, chosen.name, output)
            answer.notice = output.notice
        answer.notice = answer.notice or getattr(chosen, "notice", None)
        answer.notice = _joined(answer.notice, listing_notice(prepared.context, answer))
        return answer

    def ask_stream(self, question: str, history: Iterable = (), filters=None, engine: str | None = None,
                   k: int | None = None) -> Iterator[tuple[str, object]]:
        """("token", text) pieces as the engine writes them, then ("answer", Answer) with the
        checked citations. Engines that do not stream send the checked answer text as tokens."""
        prepared = self.prepare(question, history, filters, k)
        chosen = self.engine_for(engine)
        if not self._answerable(prepared):
            answer = self._sentinel(prepared, chosen.name)
            answer.notice = getattr(chosen, "notice", None)
        else:
            streamed = False
            output = None
            # Only markers for paragraphs the engine was given may reach a reader, even mid-stream.
            guard = HeldBackStream(lambda text: neutralise(text, prepared.context.by_id()))
            for piece in chosen.stream_answer(prepared.request):
                if isinstance(piece, EngineOutput):
                    output = piece
                    rest = guard.flush()
                    if rest:
                        yield "token", rest
                elif shown := guard.feed(piece):
                    streamed = True
                    yield "token", shown
            answer = self._finish(prepared, chosen.name, output)
            answer.notice = _joined(output.notice or getattr(chosen, "notice", None),
                                    listing_notice(prepared.context, answer))
            if streamed:
                yield "answer", answer
                return
        for word in _pieces(answer.answer):
            yield "token", word
        yield "answer", answer

    def _answerable(self, prepared: _Prepared) -> bool:
        return bool(prepared.context.paragraphs) and (prepared.relevance >= self.settings.answer.min_relevance
                                                      or prepared.topic_held)

    def _sentinel(self, prepared: _Prepared, engine: str) -> Answer:
        return Answer(prepared.question, prepared.resolved, cannot_answer_sentinel() + self._no_recommendation(prepared),
                      [], engine, False, prepared.relevance, read_as=prepared.read_as)

    def _no_recommendation(self, prepared: _Prepared) -> str:
        """Why a follow-up asking what was recommended about "it" has no answer, when that is
        why: the paragraphs the last answer cited led to no recommendation."""
        resolved = prepared.resolved
        if not (resolved.follow_up and resolved.wants_recommendations and resolved.carried_ids):
            return ""
        stored = self.retriever.corpus().paragraphs
        carried = [stored[cid] for cid in resolved.carried_ids if cid in stored]
        if not carried or any(p.recommendations or p.kind == "recommendation" for p in carried):
            return ""
        cited = ", ".join(p.citation_id for p in carried)
        return f" The paragraphs the last answer cited ({cited}) did not lead to a recommendation in the report."

    def _finish(self, prepared: _Prepared, engine: str, output: EngineOutput) -> Answer:
        if output.sentinel:
            return self._sentinel(prepared, engine)
        shown = output.shown or prepared.context
        checked: CheckedText = check_citations(output.segments, shown.by_id(), shown.report_titles,
                                               self.settings.answer.quote_repair_similarity)
        if not checked.text:
            return self._sentinel(prepared, engine)
        return Answer(prepared.question, prepared.resolved, checked.text, checked.citations, engine, True,
                      prepared.relevance, checked.unsupported, checked.removed, checked.repaired,
                      read_as=prepared.read_as)


def listing_notice(context: AnswerContext, answer: Answer) -> str | None:
    """For "what was Alder Hey asked to do?": how many recommendations are addressed to the
    organisation when the answer quotes fewer, and how to find the others."""
    listing = context.listing
    if listing is None or not answer.answerable:
        return None
    total = len(listing.recommendation_ids)
    quoted = len({c.id for c in answer.citations} & set(listing.recommendation_ids))
    if quoted >= total:
        return None
    whom = " and ".join(listing.organisations)
    noun = "recommendation is" if total == 1 else "recommendations are"
    return (f"{total} {noun} addressed to {whom} in these reports; this answer quotes {quoted}. Ask what {whom} "
            f"was asked to do about a topic to find the others.")


def _joined(*notices: str | None) -> str | None:
    return " ".join(n for n in notices if n) or None


def _pieces(text: str) -> Iterator[str]:
    word = ""
    for char in text:
        word += char
        if char in " \n":
            yield word
            word = ""
    if word:
        yield word
