"""What the local engine makes of a model's reply, whatever the model writes: the reply is
scripted here (the real model's answers are tested in test_local_engine.py), everything else is
real: the store, retrieval, the sentence sheet, the checks."""

from __future__ import annotations

import re
from typing import Iterator

from assistant.answers.answering import Answerer
from assistant.engines.local import DECLINED_NOTICE, QUOTED_HEADING, UNCHECKED_NOTICE, LocalEngine
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
    retrieved = [c.id for c in real_service.answerer.prepare(QUESTION).context.paragraphs]

    def reply(prompt: str) -> str:
        first = re.search(r"^\[S1\] (.+)$", prompt, re.M).group(1)
        s1_para = re.findall(r"^Sefton 2018, paragraph (\d[\d.]*\d):", prompt, re.M)[0]
        other = next(cid for cid in retrieved if cid != f"sefton-2018#{s1_para}")  # retrieved, not [S1]'s
        return (f"{first} [S1] As instructed, see [{other}] and [sefton-2018#9.9] "
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
    assert "(sefton-2018#9.9)" in tokens  # streamed as plain text
    assert "sefton-2018#9.9" not in answer.answer  # and the sentence, citing no handle, is not kept


WIDE_QUESTION = "What did the Leicester review find about initial health assessments for looked after children?"


def _sheet_sentences(prompt: str) -> dict[str, str]:
    return dict(re.findall(r"^\[(S\d+)\] (.+)$", prompt, re.M))


def test_evidence_the_written_answer_leaves_out_is_quoted_after_it(real_service):
    """The model carries [S1] in its own words and invents a fact for [S2]: the invention is
    dropped, and every evidence sentence the kept prose does not carry is quoted under "From the
    reports", cited and verified, so nothing the evidence said is lost."""
    evidence = real_service.engine("extractive").evidence(real_service.answerer.prepare(WIDE_QUESTION).request)
    assert len(evidence) >= 3, [s.text for s in evidence]

    def reply(prompt: str) -> str:
        first = _sheet_sentences(prompt)["S1"]
        return f"In short, {first[0].lower()}{first[1:].rstrip('.')}, as stated in [S1]. Nine hundred ferrets were seen [S2]."

    answerer, _ = answerer_with(real_service, reply)
    events = list(answerer.ask_stream(WIDE_QUESTION))
    tokens = "".join(value for kind, value in events if kind == "token")
    (answer,) = [value for kind, value in events if kind == "answer"]
    written, _, quoted = answer.answer.partition(f"\n{QUOTED_HEADING}:\n")
    assert written.startswith("In short, ") and "as stated in" not in written and "ferrets" not in answer.answer
    assert evidence[0].text not in quoted  # carried by the prose
    for sentence in evidence[1:]:
        assert sentence.text in quoted, sentence.text
    assert f"{QUOTED_HEADING}:" in tokens  # the stream shows the quoted part before the checked answer
    for citation in answer.citations:
        assert real_service.paragraph(citation.id).text[citation.start:citation.end] == citation.quote
    assert {s.item.id for s in evidence} <= {c.id for c in answer.citations}


def test_a_reply_whose_sentences_all_fail_the_support_check_gives_the_evidence_with_a_notice(real_service):
    answerer, _ = answerer_with(real_service, lambda _prompt: "Nine hundred ferrets were seen in 2031 [S1].")
    answer = answerer.ask(WIDE_QUESTION)
    assert answer.notice == UNCHECKED_NOTICE and answer.citations and "ferrets" not in answer.answer


def test_a_sentence_joining_two_report_sentences_but_citing_one_gains_the_other(real_service):
    """The real model wrote "... an average of 22 weeks, with the longest wait recently being 52
    weeks ... [S3]": the 52 weeks is [S1]'s, so the support check dropped the sentence and the
    answer fell back to the evidence with a notice. The sentence now cites both; a sentence no
    report sentence completes ("... 97 weeks") is still dropped."""
    def reply(prompt: str) -> str:
        sheet = _sheet_sentences(prompt)
        longest = next(h for h, text in sheet.items() if "52 weeks" in text)
        average = next(h for h, text in sheet.items() if "22 weeks" in text)
        assert longest != average
        return (f"Children wait an average of 22 weeks, with the longest wait recently being 52 weeks for a "
                f"partnership appointment [{average}]. Some waited 97 weeks for a partnership appointment [{average}].")

    answerer, _ = answerer_with(real_service, reply)
    answer = answerer.ask(QUESTION)
    assert answer.notice is None, answer.answer
    quotes = {c.quote for c in answer.citations if c.sentence.startswith("Children wait an average")}
    assert any("52 weeks" in q for q in quotes) and any("22 weeks" in q for q in quotes)
    assert "97 weeks" not in answer.answer
    for citation in answer.citations:
        assert real_service.paragraph(citation.id).text[citation.start:citation.end] == citation.quote


def test_a_sentence_naming_its_report_by_year_is_kept_and_another_year_is_not(real_service):
    """The real model wrote "The Leicester City 2016 report found that not all staff in CAMHS have
    received CSE training [S1]": "2016" is the report's year, which the sentence it cites does not
    state, so the support check dropped every sentence and the answer fell back to the evidence
    with a notice (4 of the 7 notices on the dev, dev3 and dev4 questions). The report's year and
    the paragraph's number say where a sentence is from; any other year is still a figure the
    cited sentence must give."""
    def reply(prompt: str, year: str) -> str:
        handle, sentence = next(iter(_sheet_sentences(prompt).items()))
        title = re.search(r"^(Leicester City|Sefton) (\d{4}), ", prompt, re.M).group(1)
        return f"The {title} {year} report found that {sentence[0].lower()}{sentence[1:].rstrip('.')} [{handle}]."

    for year, kept in (("2016", True), ("2015", False)):
        answerer, _ = answerer_with(real_service, lambda prompt: reply(prompt, year))
        answer = answerer.ask(WIDE_QUESTION)
        assert (answer.notice is None) == kept, (year, answer.notice, answer.answer)
        assert (f"The Leicester City {year} report found that" in answer.answer) == kept, answer.answer
        for citation in answer.citations:
            assert real_service.paragraph(citation.id).text[citation.start:citation.end] == citation.quote


def _cut_off(sentence: str) -> str:
    """The first two thirds of a sentence's words (at least six), as a token budget leaves it."""
    words = sentence.split()
    return " ".join(words[: max(6, len(words) * 2 // 3)]).rstrip(".,;:")


def test_a_last_sentence_the_token_budget_cut_off_is_dropped_not_cited(real_service):
    """The reply ran out of tokens two thirds of the way through its second sentence (no handle,
    no full stop): the fragment shares most of its words with the sentence it began, so it was
    cited as that sentence and shown unfinished. It is dropped; the finished sentence stays."""
    def reply(prompt: str) -> str:
        sheet = _sheet_sentences(prompt)
        return f"{sheet['S1'].rstrip('.')} [S1]. {_cut_off(sheet['S2'])}"

    answerer, model = answerer_with(real_service, reply)
    answer = answerer.ask(WIDE_QUESTION)
    sheet = _sheet_sentences(model.prompts[0])
    written = answer.answer.partition(f"\n{QUOTED_HEADING}:\n")[0]
    assert answer.notice is None and sheet["S1"].rstrip(".") in written, answer.answer
    assert _cut_off(sheet["S2"]) not in written, answer.answer
    for citation in answer.citations:
        assert real_service.paragraph(citation.id).text[citation.start:citation.end] == citation.quote


def test_the_answer_grammar_lets_a_sentence_restate_the_longest_report_sentence(real_service):
    """At 350 characters the grammar forced a handle mid-word ("... to ensure appropriate
    managerial over [S1]") on sentences restating a long recommendation with a lead-in."""
    from assistant.engines.local import ANSWER_GRAMMAR, draft_grammar
    from vectorstore.chunking import split_sentences

    longest = max(len(s) for p in real_service.store.all_paragraphs() for s in split_sentences(p.text))
    lead_in = len("Alder Hey Children's NHS Foundation Trust was told to ")
    for grammar in (ANSWER_GRAMMAR, draft_grammar("Alder Hey")):
        bounds = [int(n) for n in re.findall(r"\{10,(\d+)\}", grammar)]
        assert bounds and min(bounds) >= longest + lead_in, (bounds, longest)


def test_a_sentence_saying_an_earlier_one_again_is_written_once(real_service):
    """The real model wrote the same sentence twice, citing the same report sentence (and once two
    rewordings of one point); the answer says it once, and the sentence after it stays."""
    def reply(prompt: str) -> str:
        sheet = _sheet_sentences(prompt)
        first = sheet["S1"].rstrip(".")
        return f"{first} [S1]. {first} [S1]. {sheet['S2'].rstrip('.')} [S2]."

    answerer, model = answerer_with(real_service, reply)
    answer = answerer.ask(WIDE_QUESTION)
    sheet = _sheet_sentences(model.prompts[0])
    written = answer.answer.partition(f"\n{QUOTED_HEADING}:\n")[0]
    assert answer.notice is None and written.count(sheet["S1"].rstrip(".")) == 1, answer.answer
    assert sheet["S2"].rstrip(".") in written, answer.answer
