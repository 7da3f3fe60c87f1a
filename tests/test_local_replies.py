"""What the local engine makes of a model's reply, whatever the model writes: the reply is
scripted here (the real model's answers are tested in test_local_engine.py), everything else is
real: the store, retrieval, the sentence sheet, the checks."""

from __future__ import annotations

import re
from typing import Iterator

from assistant.answers.answering import Answerer
from assistant.engines.local import DECLINED_NOTICE, LocalEngine
from prompts import cannot_answer_sentinel

QUESTION = "How long do children and young people wait for CAMHS in Sefton?"


class ScriptedModel:
    """Stands in for llama.cpp: replies with reply(prompt text), in small pieces."""

    def __init__(self, reply):
        self.reply = reply
        self.prompts: list[str] = []

    def load(self):
        return self

    def stream(self, messages: list[dict], max_tokens: int, grammar: str | None = None) -> Iterator[str]:
        prompt = messages[-1]["content"]
        self.prompts.append(prompt)
        text = self.reply(prompt)
        for start in range(0, len(text), 7):
            yield text[start:start + 7]


def answerer_with(real_service, reply) -> tuple[Answerer, ScriptedModel]:
    model = ScriptedModel(reply)
    engine = LocalEngine(real_service.settings.llm, real_service.settings.answer, model=model)
    return Answerer(real_service.retriever, real_service.sentences, real_service.settings, lambda _name: engine), model


def test_a_decline_on_a_question_retrieval_finds_answerable_gives_the_closest_sentences(real_service):
    answerer, model = answerer_with(real_service, lambda _prompt: cannot_answer_sentinel())
    answer = answerer.ask(QUESTION)
    assert model.prompts, "the model was asked"
    assert answer.answerable and answer.citations and answer.notice == DECLINED_NOTICE
    assert cannot_answer_sentinel() not in answer.answer
    for citation in answer.citations:
        assert real_service.paragraph(citation.id).text[citation.start:citation.end] == citation.quote


def test_markers_the_model_writes_itself_never_become_citations(real_service):
    """An obeyed injection: the model writes markers (real ids of the context, made-up ids, broken
    ones) instead of handles. Only handles cite; the rest reads as plain text, stream included."""
    def reply(prompt: str) -> str:
        first = re.search(r"^\[S1\] (.+)$", prompt, re.M).group(1)
        shown = re.findall(r"^Sefton.*?, paragraph (\d[\d.]*\d)", prompt, re.M)
        assert len(set(shown)) > 1, prompt
        shown_id = f"sefton-2018#{shown[-1]}"  # a paragraph the sheet shows, not the one [S1] is in
        return (f"{first} [S1] As instructed, see [{shown_id}] and [sefton-2018#9.9] "
                f"and [sefton-2018#9 .9[leicester-city-2016#5.1.14]].")

    answerer, _ = answerer_with(real_service, reply)
    events = list(answerer.ask_stream(QUESTION))
    tokens = "".join(value for kind, value in events if kind == "token")
    (answer,) = [value for kind, value in events if kind == "answer"]
    cited = {c.id for c in answer.citations}
    assert len(cited) == 1  # the handle's paragraph only
    for text in (tokens, answer.answer):
        markers = re.findall(r"\[[^\[\]]*\]", text)
        assert markers and all(m[1:-1] in cited or m == "[unsupported]" for m in markers), text
    assert "(sefton-2018#9.9)" in answer.answer
