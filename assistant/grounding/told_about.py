"""Whether what people told the reviewers speaks of what a question asks them about.

"What did children say about the school nurse text service in Sefton?" finds the Sefton quotations
about school nurses, and their sentences score well against the question; none of them mentions a
text service (Leicester's), so the reports do not say what was asked. A question asking what
people said about something is answerable when the quotations and lead-ins in its context say most
of what it is about, weighing each word by how rare it is in the reports ("text" says more than
"nurse")."""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from assistant.grounding.answer_types import distinctive_words, reports_words_for, shares_word
from assistant.grounding.context import AnswerContext
from assistant.grounding.relevance import topic_words
from assistant.retrieval.intent import TOLD_US, intents_of

# What the people were asked about: "say about ...", "views on ...", "comments on ...".
_ABOUT = re.compile(r"\b(?:about|(?:views?|comments?|feedback|opinions?) on)\s+(.+)$", re.I)
# The least share, by rarity, of the words the question asks about that the quotations must say
# (measured on the tuning sets and probes: three questions about what nobody was quoted on said
# 0.12, 0.18 and 0.55 of it; of 19 answerable ones the least said 0.63).
MIN_SHARE_SAID = 0.5
# A word the reports never use weighs as much as the rarest word they do (about this).
_UNKNOWN_WEIGHT = 6.0


def asked_about(question: str, report_titles: Iterable[str], word_weights: Mapping[str, float]) -> set[str]:
    """The distinctive words of what a question asks people's words about ("the school nurse text
    service" -> school, nurse, text); empty when it asks nothing of what people said."""
    if TOLD_US not in intents_of(question):
        return set()
    about = _ABOUT.search(question)
    if about is None:
        return set()
    return distinctive_words(topic_words(about.group(1), report_titles), word_weights)


def quotations_miss_the_topic(question: str, context: AnswerContext, word_weights: Mapping[str, float]) -> bool:
    """Whether the question asks what people said about something, and the quotations of its
    context say less than MIN_SHARE_SAID of it (each word weighed by its rarity)."""
    asked = asked_about(question, context.report_titles.values(), word_weights)
    if not asked:
        return False
    reworded = reports_words_for(asked, word_weights)
    quoted = [item.paragraph.text for item in context.paragraphs if item.paragraph.kind == "told-us"]
    said = {word for word in asked if any(shares_word(word, text, reworded) for text in quoted)}

    def weight(words: set[str]) -> float:
        return sum(min(word_weights.get(word, _UNKNOWN_WEIGHT), _UNKNOWN_WEIGHT) for word in words)

    return weight(said) < MIN_SHARE_SAID * weight(asked)
