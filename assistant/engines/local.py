"""The local engine: a GGUF model run in process by llama.cpp (llama-cpp-python), offline.

The model reads report sentences under short handles ([S3]) and cites handles, never quotes;
code maps each handle to its paragraph, verbatim sentence and offsets (sentence_sheet.py), and
the citation checks apply as to every engine. One model per process: requests take turns, and
beyond `max_waiting` waiting requests the engine refuses at once (the API says 503 with
Retry-After) rather than queue without bound.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from assistant.engines.base import AnswerRequest, DraftOutput, DraftRequest, EngineOutput, JudgementRequest
from assistant.grounding.citations import Segment
from assistant.engines.chat import split_draft
from assistant.engines.extractive import ExtractiveEngine, impact_sentence, quoted_segments
from assistant.engines.local_models import (ModelUnavailableError, installed_path, packaged, verify_file)
from assistant.errors import EngineBusyError, LLMError
from assistant.grounding.context import AnswerContext, ContextParagraph, restrict
from assistant.grounding.coverage import claims_carry, left_out
from assistant.grounding.relevance import ScoredSentence
from assistant.grounding.sentence_sheet import (HandleTranslator, SentenceSheet, attribute_uncited, build_sheet,
                                                complete_citations, listed_sheet, parse_handled_text)
from assistant.retrieval.words import containment
from vectorstore.chunking import count_tokens
from assistant.settings import AnswerSettings, LLMSettings
from prompts import cannot_answer_sentinel, load_prompt

DECLINED_NOTICE = ("The local model did not find the answer in the report sentences it was shown, but retrieval "
                   "judged the reports relevant, so these are the report sentences closest to the question.")
UNCHECKED_NOTICE = ("The local model's sentences could not be checked against the report sentences it cited, so "
                    "these are the report sentences that answer the question best.")
STOP = ["\nQuestion:", "\nReport sentences:", "\nEarlier reports:", "\nExample", "\nArea:", "\nTheme:", "<|im_end|>"]
# A comparison cell's judgement: one stretch of prose (no brackets, so no marker of its own),
# then one to four sentence handles. A small model left free often cites nothing, or runs on.
JUDGEMENT_GRAMMAR = r'''
root ::= prose " "? handle handle? handle? handle? "."?
prose ::= [^\[\]\n]{20,260}
handle ::= "[S" [1-9] [0-9]? "]"
'''
# The most characters a written sentence runs to before its handle: room for a lead-in ("Alder Hey
# Children's NHS Foundation Trust was told to ...") and the reports' longest sentence (418
# characters). At 350 the grammar ended 5 of 486 written sentences mid-word to force their handle
# ("... to ensure appropriate managerial over [S1]"); the answer's token budget bounds the whole.
SENTENCE_CHARS = 600
# What the answer's and the draft's sentences are written with: plain characters, a full stop
# only between digits ("17.4%"), at most SENTENCE_CHARS of them; and the handle ending a sentence.
_SENTENCE_RULES = r'''body ::= ( char | [0-9] "." [0-9] ){10,%d}
char ::= [-A-Za-z0-9 ,;:'"()%%&/+£’]
handle ::= "[S" [1-9] [0-9]? "]"
''' % SENTENCE_CHARS
# An answer: one to four sentences of prose, each ending in one or two sentence handles. Plain
# characters only: left free, the 1.5B model wrote headers, bullet lists of copied sentences and,
# now and then, Chinese.
ANSWER_GRAMMAR = r'''
root ::= sentence (" " sentence){0,3}
sentence ::= [A-Z0-9"'(] body "."? " "? handle handle? "."?
''' + _SENTENCE_RULES


def draft_grammar(provider: str) -> str:
    """A draft's shape: 'Finding:' and three sentences (the first, the observation, without a
    handle), then 'Recommendation:' and one sentence to the provider, each cited sentence ending
    in one or two handles."""
    name = re.sub(r"[^A-Za-z0-9 ,&'()/-]", " ", provider).strip() or "The provider"
    return (f'root ::= "Finding: " own " " cited " " cited "\\nRecommendation: {name} should ensure that " rest\n'
            r'''own ::= [A-Z0-9"'(] body "."
cited ::= [A-Z0-9"'(] rest
rest ::= body "."? " "? handle handle? "."?
''' + _SENTENCE_RULES)


# Words small models put before a handle that only say "see the source": the handle says it.
_CITING_PHRASE = re.compile(
    r",?\s+(?:as\s+|which\s+is\s+)?(?:stated|noted|evidenced|reported|recommended|listed|highlighted|described|"
    r"mentioned|shown|outlined|set\s+out|seen|per)(?:\s+(?:in|by))?(?:\s+the\s+fact\s+that)?"
    r"(?:\s+(?:the\s+)?(?:report(?:\s+sentences?)?|front\s+matter|paragraph\s+[\d.]+|recommendation\s+[\d.]+)"
    r"(?:\s+of\s+the\s+report)?)?\s*(?=\[S\d)", re.I)
# "The reports found that X [S1]" says no more than "X [S1]".
_REPORTS_SAY = re.compile(r"(^|(?<=[.\]] ))The reports? (?:sentences )?(?:found|finds|states?|shows?|says?|indicates?) that (\w)",
                          re.M)
QUOTED_HEADING = "From the reports"  # what the written answer left out follows it, quoted
_BEFORE_HANDLES = re.compile(r"[\s,;:\-]+\[(?=S\d)")
_WORD = re.compile(r"\w")


@dataclass
class GenerationStats:
    """What one model call cost: for `make bench` and the API's timing fields."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    first_token_seconds: float | None = None
    total_seconds: float = 0.0
    waited_seconds: float = 0.0


@dataclass
class _Turns:
    """One model, one request at a time; a bounded number may wait."""

    max_waiting: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    waiting: int = 0
    guard: threading.Lock = field(default_factory=threading.Lock)
    recent_seconds: float = 8.0  # how long a turn took lately: the Retry-After estimate

    def enter(self) -> float:
        started = time.perf_counter()
        with self.guard:
            if self.lock.locked() and self.waiting >= self.max_waiting:
                retry = int(self.recent_seconds * (self.waiting + 1)) + 1
                raise EngineBusyError(
                    f"the local model is answering another request and {self.waiting} more are waiting "
                    f"(the limit is {self.max_waiting}); try again in about {retry} s", retry_after=retry)
            self.waiting += 1
        try:
            self.lock.acquire()
        finally:
            with self.guard:
                self.waiting -= 1
        return time.perf_counter() - started

    def leave(self, seconds: float) -> None:
        self.recent_seconds = 0.7 * self.recent_seconds + 0.3 * seconds
        self.lock.release()


class TurnTakingModel:
    """A model that answers one request at a time, a bounded number waiting (see _Turns), and
    records what each call cost. Subclasses say how to load the model and generate text."""

    label: str = "model"

    def __init__(self, llm: LLMSettings):
        self.settings = llm
        self.turns = _Turns(llm.max_waiting)
        self.last_stats = GenerationStats()

    def load(self):
        raise NotImplementedError

    def _generate(self, messages: list[dict], max_tokens: int, grammar: str | None = None) -> Iterator[str]:
        """Text pieces; `grammar` (GBNF) constrains the reply where the runtime supports it."""
        raise NotImplementedError

    def _prompt_tokens(self, messages: list[dict]) -> int:
        return 0

    def stream(self, messages: list[dict], max_tokens: int, grammar: str | None = None) -> Iterator[str]:
        """Text pieces as the model writes them. Holds the model for the whole reply."""
        self.load()
        waited = self.turns.enter()
        started = time.perf_counter()
        stats = GenerationStats(waited_seconds=waited)
        try:
            stats.prompt_tokens = self._prompt_tokens(messages)
            for piece in self._generate(messages, max_tokens, grammar):
                if piece:
                    if stats.first_token_seconds is None:
                        stats.first_token_seconds = time.perf_counter() - started
                    stats.completion_tokens += 1
                    yield piece
        except (EngineBusyError, ModelUnavailableError, LLMError):
            raise
        except Exception as exc:  # noqa: BLE001
            raise LLMError(f"the local model {self.label} failed: {type(exc).__name__}: {exc}") from exc
        finally:
            stats.total_seconds = time.perf_counter() - started
            self.last_stats = stats
            self.turns.leave(stats.total_seconds)


def resolve_model_file(llm: LLMSettings) -> tuple[Path, str | None, str]:
    """The GGUF file the settings name (path, expected sha256, label); a packaged model that is
    not installed is a clear error naming the install command."""
    if llm.model_path:
        return Path(llm.model_path).expanduser(), llm.model_sha256, Path(llm.model_path).name
    model = packaged(llm.local_model)
    path = installed_path(model, llm.models_dir.expanduser())
    if not path.is_file():
        raise ModelUnavailableError(
            f"the local model {model.name} is not installed (looked for {path}); run "
            f"`assistant model install {model.name}` (or `make setup`)")
    return path, model.sha256, model.name


def checked_model_file(llm: LLMSettings) -> tuple[Path, str]:
    """The model file after its sha256 check (about 2 s for 1.1 GB): a file with another digest
    is refused."""
    path, sha256, label = resolve_model_file(llm)
    if not path.is_file():
        raise ModelUnavailableError(f"model file {path} is missing")
    if sha256:
        verify_file(path, sha256)
    return path, label


class LocalModel(TurnTakingModel):
    """A hash-checked GGUF loaded once by llama.cpp in this process; streams chat completions."""

    def __init__(self, llm: LLMSettings):
        super().__init__(llm)
        self.path, _sha256, self.label = resolve_model_file(llm)
        self._llama = None
        self._load_lock = threading.Lock()

    def load(self):
        """Check the file's sha256 and load it (once; about 2 s of hashing and 1 s of loading)."""
        if self._llama is None:
            with self._load_lock:
                if self._llama is None:
                    path, _label = checked_model_file(self.settings)
                    try:
                        from llama_cpp import Llama
                    except ImportError as exc:
                        raise ModelUnavailableError(
                            f"llama-cpp-python is not installed ({exc}); `make setup` compiles it") from exc
                    try:
                        self._llama = Llama(str(path), n_ctx=self.settings.context_window,
                                            n_threads=self.settings.threads, n_batch=512, verbose=False)
                    except Exception as exc:  # noqa: BLE001 - a bad file must not take the service down
                        raise ModelUnavailableError(f"llama.cpp could not load {path}: {exc}") from exc
        return self._llama

    def count_tokens(self, text: str) -> int:
        return len(self.load().tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _prompt_tokens(self, messages: list[dict]) -> int:
        # the chat template adds a few tokens per message; this counts the text the model reads
        return self.count_tokens(_flatten(messages))

    def _generate(self, messages: list[dict], max_tokens: int, grammar: str | None = None) -> Iterator[str]:
        constraint = None
        if grammar:
            from llama_cpp import LlamaGrammar

            constraint = LlamaGrammar.from_string(grammar, verbose=False)
        for chunk in self.load().create_chat_completion(messages, stream=True, temperature=self.settings.temperature,
                                                        max_tokens=max_tokens, stop=STOP, grammar=constraint):
            yield chunk["choices"][0]["delta"].get("content") or ""


def _flatten(messages: list[dict]) -> str:
    return "\n".join(m["content"] for m in messages)


class LocalEngine:
    """Written answers and drafts from the local model, citing sentence handles."""

    name = "local"

    def __init__(self, llm: LLMSettings, answer: AnswerSettings, model: LocalModel | None = None):
        self.llm_settings = llm
        self.answer_settings = answer
        self.model = model or LocalModel(llm)  # or a ServedModel (served_model.py)
        # Whether the reports answer a question is decided by retrieval before an engine is asked
        # (the abstention check); a small model declining a question retrieval judged answerable
        # is far more often wrong than right, so its decline gives way to the closest sentences.
        self.closest_sentences = ExtractiveEngine(answer)

    def load(self) -> None:
        self.model.load()

    # -- answering -------------------------------------------------------------------------
    def evidence(self, request: AnswerRequest) -> tuple[list[ScoredSentence], list[ScoredSentence]]:
        """(the sentences the model reads, all the evidence): the sentences that answer the question
        best, as the extractive answer chooses them, the model reading as many as fit its budget."""
        evidence = self.closest_sentences.evidence(request)
        shown: list[ScoredSentence] = []
        used = 0
        for sentence in evidence:
            size = count_tokens(sentence.text) + 4
            if shown and (used + size > self.llm_settings.local_context_tokens
                          or len(shown) >= self.llm_settings.local_sentences):
                continue
            shown.append(sentence)
            used += size
        return shown, evidence

    def _answer_prompt(self, request: AnswerRequest) -> tuple[list[dict], SentenceSheet, list[ScoredSentence]]:
        shown, evidence = self.evidence(request)
        sheet = listed_sheet(shown, request.context.report_titles)
        conversation = ""
        if request.history:
            lines = [f"{m['role']}: {m['content'][:300]}" for m in request.history[-2:]]
            conversation = "Earlier in this conversation:\n" + "\n".join(lines) + "\n\n"
        text = request.question_for_model()
        system = load_prompt("local_answer_system.md").strip()
        user = load_prompt("local_answer_user.md").format(conversation=conversation, sheet=sheet.text, question=text)
        return [{"role": "system", "content": system}, {"role": "user", "content": user.strip()}], sheet, evidence

    def answer(self, request: AnswerRequest) -> EngineOutput:
        output = None
        for piece in self.stream_answer(request):
            if isinstance(piece, EngineOutput):
                output = piece
        return output

    def stream_answer(self, request: AnswerRequest) -> Iterator[str | EngineOutput]:
        messages, sheet, evidence = self._answer_prompt(request)
        translator = HandleTranslator(sheet)
        pieces: list[str] = []
        for piece in self.model.stream(messages, self.llm_settings.local_answer_tokens, ANSWER_GRAMMAR):
            pieces.append(piece)
            shown = translator.feed(piece)
            if shown:
                yield shown
        rest = translator.flush()
        if rest:
            yield rest
        output = self._output("".join(pieces), sheet, request, evidence)
        quoted = _quoted_part(output) if output.notice is None else []
        if quoted:  # what the model left out, as the checked answer will show it
            yield "\n\n" + QUOTED_HEADING + ":\n" + "".join(f"{s.prefix}{s.text} [{s.claims[0].id}]\n" for s in quoted)
        yield output

    def _output(self, text: str, sheet: SentenceSheet, request: AnswerRequest,
                evidence: list[ScoredSentence]) -> EngineOutput:
        sentinel = cannot_answer_sentinel()
        segments = _finished(parse_handled_text(_tidy(text.replace(sentinel, "")), sheet))
        attribute_uncited(segments, sheet)
        complete_citations(segments, sheet, self.llm_settings.local_support_share)
        segments = _without_repeats(_supported(segments, self.llm_settings.local_support_share))
        cited = [s for s in segments if s.claims]
        if not cited or not _WORD.search(text):
            # Whether the reports answer is retrieval's call, made before the model was asked; a
            # reply that cites nothing usable (a decline, or sentences the checks dropped) gives
            # way to the evidence.
            output = self.closest_sentences.answer(request)
            output.raw_text = text
            output.notice = UNCHECKED_NOTICE if parse_handled_text(text, sheet) and sentinel not in text else DECLINED_NOTICE
            return output
        missing = left_out(evidence, cited, self.llm_settings.local_carry_share)
        if missing:
            segments[-1].line_end = True
            segments.append(Segment(QUOTED_HEADING, kind="heading", prefix="\n"))
            segments.extend(quoted_segments(missing))
        return EngineOutput(segments, raw_text=text, shown=_shown_context(request.context, sheet, missing))

    # -- drafting --------------------------------------------------------------------------
    def draft(self, request: DraftRequest) -> DraftOutput:
        """A finding in three sentences (the observation as a finding, what it means for children,
        the earlier review that found the same) and a recommendation to the provider adapted from
        a precedent's, under a grammar that fixes that shape; sentences the cited sentences do not
        support are dropped, and a recommendation that fails is the precedent's, adapted in code."""
        sheet = build_sheet(request.context, _precedent_sentences(request), self.llm_settings.local_context_tokens,
                            self.llm_settings.local_sentences + 3)
        provider = (request.provider or "The provider").strip()
        system = load_prompt("local_draft_system.md")
        user = load_prompt("local_draft_user.md").format(
            sheet=sheet.text, provider=provider, observation=request.observation,
            area_clause=f" (in {request.area})" if request.area else "")
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user.strip()}]
        text = "".join(self.model.stream(messages, self.llm_settings.local_answer_tokens, draft_grammar(provider)))
        finding_text, recommendation_text = split_draft(_tidy(text))
        finding = _supported(parse_handled_text(finding_text, sheet), self.llm_settings.local_support_share,
                             keep_uncited=1)
        # A cited sentence that only says the observation again adds nothing a precedent found.
        finding = finding[:1] + [s for s in finding[1:] if containment(s.text, request.observation) < 0.7]
        recommendation = _supported(parse_handled_text(recommendation_text, sheet), self.llm_settings.local_support_share)
        if sum(bool(s.claims) for s in finding) < 2 or not any(s.claims for s in recommendation):
            # What the model could not write in a checkable way comes from the precedents
            # themselves: their comparable sentence and what it meant for children, quoted.
            quoted = self.closest_sentences.draft(request)
            cited = {c.id for s in finding for c in s.claims}
            missing = [s for s in quoted.finding if s.claims and s.claims[0].id not in cited]
            finding += missing[: max(0, 3 - sum(bool(s.claims) for s in finding) - 1)]
            if not any(s.claims for s in recommendation):
                recommendation = quoted.recommendation
        return DraftOutput(finding, recommendation, raw_text=text)

    # -- comparing -------------------------------------------------------------------------
    def judge(self, request: JudgementRequest) -> list[Segment] | None:
        """A comparison cell's judgement: a sentence or two on how the area did on the theme,
        citing the handles of its findings' sentences; None when the reply cites none of them."""
        if not request.sentences:
            return None
        area = request.area
        sheet = listed_sheet(request.sentences, {s.item.paragraph.report_id: area for s in request.sentences})
        system = load_prompt("local_compare_system.md")
        user = load_prompt("local_compare_user.md").format(sheet=sheet.text, theme=request.theme, area=area)
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        reply = self.model.stream(messages, self.llm_settings.local_judgement_tokens, JUDGEMENT_GRAMMAR)
        text = _BEFORE_HANDLES.sub(" [", "".join(reply))  # "…per year, [S2]" -> "…per year [S2]"
        segments = _finished(parse_handled_text(text, sheet))
        attribute_uncited(segments, sheet)
        return segments if any(s.claims for s in segments) else None


def _tidy(text: str) -> str:
    """The reply without words that only point at the sources ("as stated in [S1]", "The reports
    found that ..."): the handles are the pointers."""
    text = _CITING_PHRASE.sub(" ", text)
    return _REPORTS_SAY.sub(lambda m: m.group(1) + m.group(2).upper(), text)


_FINISHED = re.compile(r"[.!?\"'\u2019)]\s*$")


def _finished(segments: list[Segment]) -> list[Segment]:
    """The reply's sentences less a last one its token budget cut off: one without a handle (the
    grammar ends every sentence with one) that does not end as a sentence does ("Staff in the
    MASH do not"), which attribute_uncited would otherwise cite as the sentence it began."""
    claims = [i for i, s in enumerate(segments) if s.kind == "claim"]
    if claims:
        last = segments[claims[-1]]
        if not last.claims and not _FINISHED.search(last.text):
            return segments[:claims[-1]] + segments[claims[-1] + 1:]
    return segments


def _supported(segments: list[Segment], min_share: float, keep_uncited: int = 0) -> list[Segment]:
    """The written sentences the sentences they cite support: every figure (but the report's year
    and the paragraph's number, which say where the sentence is from: "The Leicester City 2016
    report found that ..."), and at least `min_share` of their content words, found in the cited
    sentences. A sentence that fails is dropped rather than shown marked (an answer then quotes
    what it was drawn from: left_out). The first `keep_uncited` sentences are kept without a
    citation (a draft's observation: the inspector's own words)."""
    kept = []
    for index, segment in enumerate(segments):
        if segment.kind != "claim" or (index < keep_uncited and not segment.claims):
            kept.append(segment)
            continue
        if segment.claims and claims_carry(segment.claims, segment.text, min_share):
            kept.append(segment)
    return kept


REPEAT_SHARE = 0.8  # a sentence this much inside an earlier one citing the same paragraph says it again


def _without_repeats(segments: list[Segment]) -> list[Segment]:
    """The written sentences less those that say an earlier one again: citing a paragraph it cites,
    with at least REPEAT_SHARE of their content words in it (the model wrote "... further
    emphasized the inconsistency in the quality of health assessments for LAC ..." and then "...
    also mentioned that the quality of health assessments for LAC is inconsistent ...")."""
    kept: list[Segment] = []
    for segment in segments:
        cited = {claim.id for claim in segment.claims}
        if segment.kind == "claim" and any(
                cited & {claim.id for claim in earlier.claims} and containment(segment.text, earlier.text) >= REPEAT_SHARE
                for earlier in kept):
            continue
        kept.append(segment)
    return kept


def _quoted_part(output: EngineOutput) -> list[Segment]:
    """The evidence quoted after the model's prose (empty when it carried all of it)."""
    for index, segment in enumerate(output.segments):
        if segment.kind == "heading" and segment.text == QUOTED_HEADING:
            return output.segments[index + 1:]
    return []


def _shown_context(context: AnswerContext, sheet: SentenceSheet, quoted: list[ScoredSentence]) -> AnswerContext:
    """The context narrowed to what the answer may cite: the paragraphs the model read, and those
    of the evidence quoted after its prose."""
    shown = {s.citation_id for s in sheet.sentences} | {s.item.id for s in quoted}
    return restrict(context, (c for c in context.paragraphs if c.id in shown))


def _precedent_sentences(request: DraftRequest) -> list[ScoredSentence]:
    """What a draft may cite, best first: each precedent's comparable sentence (and, for the
    best one, the sentence saying what it means for children), then the first sentence of a
    recommendation it led to."""
    by_id: dict[str, ContextParagraph] = {item.id: item for item in request.context.paragraphs}
    chosen: list[ScoredSentence] = []
    for rank, precedent in enumerate(request.precedents[:4]):
        score = 10.0 - rank
        item = by_id.get(precedent.id)
        if item is not None:
            chosen.append(ScoredSentence(item, precedent.start, precedent.end, 0.0, 0.0, score))
            impact = impact_sentence(precedent) if rank == 0 else None
            if impact:
                start = precedent.text.find(impact)
                chosen.append(ScoredSentence(item, start, start + len(impact), 0.0, 0.0, score - 0.2))
        for rec in precedent.recommendations[:1]:
            rec_item = by_id.get(rec["id"])
            if rec_item is not None:
                text = rec_item.paragraph.text
                end = next((m.end() for m in re.finditer(r"[.!?](?=\s|$)", text)), len(text))
                chosen.append(ScoredSentence(rec_item, 0, end, 0.0, 0.0, score - 0.5))
    return chosen
