"""Whether the paragraphs found speak of what a question asks was said or found about something.

"What did children say about the school nurse text service in Sefton?" finds the Sefton quotations
about school nurses, and their sentences score well against the question; none of them mentions a
text service (Leicester's), so the reports do not say what was asked. Likewise "what did the review
say about sefton youth offending team nurses?" finds paragraphs about Sefton's nurses, none about
youth offending. A question asking what people said, or what the review said or found, about
something is answerable when the paragraphs that would say it (the quotations and their lead-ins;
for the review, the retrieved paragraphs) say enough of what it is about, each word weighed by how
rare it is in the reports ("text" says more than "nurse"). Asked what people said, the quotations
are those of the area named, and they must speak of people of the kind asked about: Leicester
quotes no foster carer, so "what did leicester foster carers say about the LAC nurses?" is not
answered from a care home manager's words.

So is a question asking whether an area has something named: "does sefton have an FGM clinic?",
"is there a stop smoking service for sefton LAC?". The paragraphs found for it speak of FGM, or of
Leicester's service; it is answerable when one paragraph of the named area's report says enough
of what it names."""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from assistant.grounding.answer_types import distinctive_words, reports_words_for, shares_word
from assistant.grounding.context import AnswerContext
from assistant.grounding.relevance import area_names, topic_words
from assistant.retrieval.intent import PEOPLE_KINDS, RECOMMENDATION, TOLD_US, intents_of, people_asked_about
from assistant.retrieval.query_analysis import asked_what_the_review_said_about
from assistant.retrieval.words import content_words

# What people were asked about: "say about ...", "views on ...", "comments on ...".
_PEOPLE_ABOUT = re.compile(r"\b(?:about|(?:views?|comments?|feedback|opinions?) on)\s+(.+)$", re.I)
# The least share, by rarity, of the words the question asks about that those paragraphs must say.
# Measured on the tuning sets and probes: of the questions about what nobody was quoted on or the
# review never discussed, eight said 0.12-0.29 of it (four more 0.31-0.62); of the answerable
# ones the least said 0.39 (of what the review said) and 0.63 (of what people said).
MIN_SHARE_SAID = 0.3
# A word the reports never use weighs as much as the rarest word they do (about this).
_UNKNOWN_WEIGHT = 6.0


def asked_about(question: str, report_titles: Iterable[str], word_weights: Mapping[str, float]) -> tuple[set[str], bool]:
    """The distinctive words of what a question asks people's or the review's words about ("the
    school nurse text service" -> school, nurse, text), and whether it asks what people said;
    no words when it asks neither."""
    intents = intents_of(question)
    if RECOMMENDATION in intents:  # a recommendation restates its finding in other words
        return set(), False
    quoted = TOLD_US in intents
    if quoted:
        about = _PEOPLE_ABOUT.search(question)
        asked = about.group(1) if about else None
    else:  # "what did the review say about ...", "what did inspectors find about ..."
        asked = asked_what_the_review_said_about(question)
    if asked is None:
        return set(), quoted
    return distinctive_words(topic_words(asked, report_titles), word_weights), quoted


# Whether an area has something named in a few words ("does leicester have a MASH?", "do sefton
# school nurses run a text messaging service?", "are there CSE nurses in leicester?"), with a few
# words after it at most ("for sefton LAC"): a question describing at length what it asks about
# ("is there a settled arrangement for maternity staff ... to talk through worrying cases with
# someone senior?") is a paraphrase, whose words the reports need not use.
_WHETHER_IT_HAS = re.compile(
    r"^\s*(?:(?:does|do|did|has|have)\s+(?:[\w'\u2019&-]+\s+){1,4}?(?:have|has|run|offer|provide|use|employ|got)\s+|"
    r"(?:is|are)\s+there\s+)(?:an?\s+|any\s+|the\s+)?"
    r"(?!(?:evidence|signs?|proof|mention|anything|something|information|info)\b)"
    r"((?:[\w'\u2019&-]+\s+){0,3}?[\w'\u2019&-]+?)"
    r"(?=\s+(?:for|in|at|on|to|within|across|by|with)\b|\s*[?.]|\s*$)(.*)$", re.I)
_NAMED_IN = 4  # words at most after the thing asked about


def asked_whether_it_has(question: str) -> str | None:
    """What a question asks an area has, as typed ("an FGM clinic" -> "FGM clinic"); None when it
    asks nothing of the kind."""
    match = _WHETHER_IT_HAS.search(question)
    if not match or len(re.findall(r"[\w'\u2019&-]+", match.group(2))) > _NAMED_IN:
        return None
    return match.group(1)


def says_too_little_of_what_was_asked(question: str, context: AnswerContext) -> bool:
    """Whether the question asks what people or the review said about something, and the paragraphs
    that would say it (the quotations of its context, or its retrieved paragraphs) say less than
    MIN_SHARE_SAID of it (each word weighed by its rarity in the reports, the context's weights);
    or asks whether an area has something, and no retrieved paragraph of the area's report says
    that much of it."""
    word_weights = context.word_weights

    def weight(words: set[str]) -> float:
        return sum(min(word_weights.get(word, _UNKNOWN_WEIGHT), _UNKNOWN_WEIGHT) for word in words)

    def said_in(words: set[str]):
        """Which of the words a list of texts says, in any of the reports' words for them."""
        reworded = reports_words_for(words, word_weights)
        return lambda texts: {word for word in words if any(shares_word(word, text, reworded) for text in texts)}

    asked, quoted = asked_about(question, context.report_titles.values(), word_weights)
    areas = _areas_named(question, context.report_titles)
    if asked:
        if quoted:
            # What people of the area named said about something: Leicester's mothers do not speak
            # for Sefton's. (A question that only tells what someone said, "when the mother said she
            # was struggling, what did the midwife do?", asks for no one's words.)
            texts = [item.paragraph.text for item in context.paragraphs if item.paragraph.kind == "told-us"
                     and (not areas or item.paragraph.report_id in areas)]
            if not _quotes_people_like(people_asked_about(question), texts):
                return True
        else:
            texts = [item.paragraph.text for item in context.paragraphs if item.why == "retrieved"]
        return weight(said_in(asked)(texts)) < MIN_SHARE_SAID * weight(asked)
    thing = asked_whether_it_has(question)
    named = distinctive_words(topic_words(thing, context.report_titles.values()), word_weights) if thing else set()
    if not named:
        return False
    # One paragraph names the thing, and says what it is: FGM in one paragraph and a clinic in
    # another make no FGM clinic, and FGM without a clinic is none either.
    head = content_words(re.findall(r"[\w'\u2019&-]+", thing)[-1])
    named_said, head_said = said_in(named), said_in(head)
    texts = [item.paragraph.text for item in context.paragraphs
             if item.why == "retrieved" and (not areas or item.paragraph.report_id in areas)]
    return not any(weight(named_said([text])) >= MIN_SHARE_SAID * weight(named) and head_said([text]) == head
                   for text in texts)


def _quotes_people_like(people: str | None, quotations: list[str]) -> bool:
    """Whether the quotations and their lead-ins speak of people of the kind asked about ("foster
    carers": a carer); True when the question names no people of a kind the reports quote
    ("patients")."""
    asked = content_words(people) if people else set()
    kinds = [kind for kind in PEOPLE_KINDS if kind & asked]
    if not kinds:
        return True
    return any(kind & content_words(text) for kind in kinds for text in quotations)


def _areas_named(question: str, report_titles: Mapping[str, str]) -> set[str]:
    """The reports whose area the question names ("sefton")."""
    words = set(re.findall(r"[a-z]+", question.lower()))
    return {report_id for report_id, title in report_titles.items() if area_names([title]) & words}
