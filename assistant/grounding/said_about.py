"""Whether the paragraphs found speak of what a question asks was said or found about something.

"What did children say about the school nurse text service in Sefton?" finds the Sefton quotations
about school nurses, and their sentences score well against the question; none of them mentions a
text service (Leicester's), so the reports do not say what was asked. Likewise "what did the review
say about sefton youth offending team nurses?" finds paragraphs about Sefton's nurses, none about
youth offending. A question asking what people said, or what the review said or found, about
something is answerable when the paragraphs that would say it (the quotations and their lead-ins;
for the review, the retrieved paragraphs) say enough of what it is about, each word weighed by how
rare it is in the reports ("text" says more than "nurse")."""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from assistant.grounding.answer_types import distinctive_words, reports_words_for, shares_word
from assistant.grounding.context import AnswerContext
from assistant.grounding.relevance import topic_words
from assistant.retrieval.intent import RECOMMENDATION, TOLD_US, intents_of
from assistant.retrieval.query_analysis import asked_what_the_review_said_about

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


def says_too_little_of_what_was_asked(question: str, context: AnswerContext) -> bool:
    """Whether the question asks what people or the review said about something, and the paragraphs
    that would say it (the quotations of its context, or its retrieved paragraphs) say less than
    MIN_SHARE_SAID of it (each word weighed by its rarity in the reports, the context's weights)."""
    word_weights = context.word_weights
    asked, quoted = asked_about(question, context.report_titles.values(), word_weights)
    if not asked:
        return False
    reworded = reports_words_for(asked, word_weights)
    texts = [item.paragraph.text for item in context.paragraphs
             if (item.paragraph.kind == "told-us" if quoted else item.why == "retrieved")]
    said = {word for word in asked if any(shares_word(word, text, reworded) for text in texts)}

    def weight(words: set[str]) -> float:
        return sum(min(word_weights.get(word, _UNKNOWN_WEIGHT), _UNKNOWN_WEIGHT) for word in words)

    return weight(said) < MIN_SHARE_SAID * weight(asked)
