"""What kind of value a question asks for, and whether the retrieved sentences give one.

"How many social workers does Sefton employ?", "What is the infant mortality rate?", "What CQC
rating did Alder Hey get?", "What is the name of the designated doctor?", "What is the CAMHS
budget?", "How long is the wait for speech therapy?", "How often do they meet?", "When did the MASH
start?", "How big is the LAC team?": each asks for a value of a kind (a count, a rate, a percentage,
a rating, a person's name, an amount of money, a length of time, a frequency, a date, a size; a
length of time, a frequency or a size may be given in words, "a lengthy wait", "waiting months",
"regularly", "a small caseload"). The reports often discuss the topic
without ever stating that value; a sentence on the topic is then no answer, however similar it
reads. A kind is given when a retrieved sentence holds a value of that kind and is about what the
question asks (it, or the sentence before it, shares one of the question's distinctive words; for
"how many X", the number stands beside X).

The kinds are read from the form of the question (values_asked.py) and the values from the form of
the sentence (values_given.py), not from what these reports discuss, so they carry over to reports
nobody here has read. This module checks that a value given is about what the question asks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from assistant.grounding.relevance import (ScoredSentence, counted_text, counted_words, neighbour_in_paragraph,
                                           same_word, topic_words, unknown_word_share)
from assistant.grounding.values_asked import (KIND_WORDS, asked_kinds, asks_in_units, banded_post, counted_per_head,
                                              figured, rated_measure, sized, specific, timed_step, waited_for,
                                              without_period_or_change)
from assistant.grounding.values_given import (Qualifier, Vocabulary, age_words, counts_beside, counts_beside_names,
                                              gives_a_ratio_if_asked, gives_a_value, judged_count, other_names,
                                              sizes, states_the_measure, states_what_is_averaged)
from assistant.retrieval.query_analysis import synonym_groups_called_by
from assistant.retrieval.words import content_words

# Words used by so many paragraphs (inverse document frequency below this) that sharing one says
# nothing about a sentence ("children", "health", "service" in these reports).
DISTINCTIVE_IDF = 1.5
SCANNED_SENTENCES = 12  # the best-scoring retrieved sentences, and all of the best paragraphs:
LEAD_PARAGRAPHS = 3


# Who chairs or leads something, said by the post ("The Safeguarding Assurance Group is chaired by
# the Head of Safeguarding"): the reports name posts rather than people, and a post answers "who
# chairs" - when the sentence is about all of what the question names (below).
_CHAIRED_BY_A_POST = re.compile(r"\b(?:chaired|led|headed) by (?:the |a |an |their |its )?[A-Z][a-z]+")
_A_CAPITALISED_WORD = re.compile(r"\b[A-Z][a-z]+\b")


def names_the_post_that_chairs(sentence: ScoredSentence, focus: set[str], reworded) -> bool:
    """Whether the sentence says which post chairs or leads something, and says every distinctive
    word of the question - the organisation's name may be said earlier in its paragraph ("Southport
    and Ormskirk NHS Foundation Trust have ..."). "Who chairs the Sefton safeguarding board?" is not
    answered by the trust's assurance group being chaired by its Head of Safeguarding."""
    if not _CHAIRED_BY_A_POST.search(sentence.text):
        return False
    names = {word.lower() for word in _A_CAPITALISED_WORD.findall(sentence.item.paragraph.text[:sentence.start])}
    return all(_shared({word}, sentence.text, reworded) or word in names for word in focus)


def counted_in_other_words(question: str, counted: set[str], vocabulary: Vocabulary) -> set[str]:
    """What stands for the counted noun when the reports never use it ("how many early help
    routes": the reports count "two formal streams of early help"): the words typed before it
    ({"early", "help"}), which a sentence giving the count must then hold. Empty when the reports
    use the noun, or when nothing is typed before it ("how many helicopters": nothing to count by)."""
    if not counted or any(unknown_word_share(word, vocabulary.word_weights.keys(), vocabulary.acronyms) < 1
                          for word in counted):
        return set()
    return content_words(counted_text(question) or "") - counted


def _shared(focus: set[str], text: str, reworded: Mapping[str, list[frozenset[str]]] | None = None) -> int:
    """How many of the focus words the text uses, itself or as one of the reports' terms for it
    (`reworded`, from reports_words_for: every word of the term)."""
    words = content_words(text)
    reworded = reworded or {}

    def uses(term: Iterable[str]) -> bool:
        return all(any(same_word(t, w) for w in words) for t in term)

    return sum(1 for f in focus if uses((f,)) or any(uses(term) for term in reworded.get(f, ())))


def _about(focus: set[str], text: str, reworded: Mapping[str, list[frozenset[str]]] | None = None) -> bool:
    return _shared(focus, text, reworded) > 0


def reports_words_for(words: set[str], word_weights: Mapping[str, float]) -> dict[str, list[frozenset[str]]]:
    """For each word the reports never use, the terms of their own that the synonym list gives for
    it ("vaccination" -> "immunisation"; "HV" -> "health visitors"), each as its content words: a
    sentence using every word of one is about it (one saying "health" alone is not about HVs)."""
    reworded = {}
    for word in words:
        if word in word_weights:
            continue
        terms = {frozenset(content_words(term))
                 for group in synonym_groups_called_by(lambda term: word in content_words(term)) for term in group}
        called = {term for term in terms if term and term <= word_weights.keys()}
        if called:
            reworded[word] = sorted(called, key=sorted)
    return reworded


def _distinctive(words: Iterable[str], word_weights: Mapping[str, float]) -> set[str]:
    # A word the reports never use is as distinctive as can be (no sentence will share it).
    return {w for w in words if not w.isdigit() and word_weights.get(w, float("inf")) >= DISTINCTIVE_IDF}


def distinctive_words(words: Iterable[str], word_weights: Mapping[str, float]) -> set[str]:
    """The words that say what something is about: not the kind of value asked for, not a number,
    not a word so many paragraphs use that sharing it says nothing ("children", "health")."""
    return _distinctive(set(words) - KIND_WORDS, word_weights)


def shares_word(word: str, text: str, reworded: Mapping[str, list[frozenset[str]]] | None = None) -> bool:
    """Whether the text says the word, in any of its forms or in the reports' terms for it."""
    return _shared({word}, text, reworded) > 0


@dataclass
class KindCheck:
    asked: list[str]
    missing: list[str]
    giving: list[ScoredSentence]  # the best sentence giving each kind found, best first


def check_answer_kinds(question: str, scored: list[ScoredSentence], report_titles: Iterable[str],
                       vocabulary: Vocabulary, asking: str | None = None) -> KindCheck:
    """Which kinds of value the question asks for, which no retrieved sentence gives, and the
    sentences that give the others. `asking` is the part that says what is asked for, when that
    is not the whole question (a follow-up's own question; its topic comes from the conversation)."""
    asking = question if asking is None else asking
    asked = asked_kinds(asking)
    if not asked:
        return KindCheck([], [], [])
    titles = list(report_titles)
    size_of = sized(asking, titles) if "size" in asked else set()
    if "size" in asked and not size_of:  # "how big is leicester overall": no telling what is sized
        asked = [kind for kind in asked if kind != "size"]
        if not asked:
            return KindCheck([], [], [])
    counted = counted_words(asking) - {"time"}  # "how many times": the count is of the event
    qualifier = Qualifier.of(asking, titles) if counted else None
    # "how many LAC ...?" counts what the reports call looked-after children
    names = other_names(counted_text(asking) or "", vocabulary.acronyms) if counted else []
    stand_ins = counted_in_other_words(asking, counted, vocabulary)
    asked_topic = topic_words(asking, titles)  # "in Sefton" names no post and no wait
    post = banded_post(asking) & asked_topic
    measure = rated_measure(asking)
    timed = timed_step(asking)
    waited = specific(waited_for(asking) & asked_topic, vocabulary.word_weights)  # "sefton CAMHS waits": CAMHS
    named_by = {"rate": measure, "duration": timed}  # the word naming the rate or the time asked for
    per_head = set() if counted else counted_per_head(asking)
    figures_of = set() if counted or "number" not in asked else figured(asking, titles) & asked_topic
    in_units = asks_in_units(asking)
    focus = _distinctive(topic_words(without_period_or_change(question), titles) - KIND_WORDS - counted - size_of,
                         vocabulary.word_weights)
    # An age says whose value is asked, not what it is of ("what share of five year olds in Sefton
    # have tooth decay": a percentage of anything said of children is no answer).
    focus = (focus - age_words(question)) or focus
    reworded = reports_words_for(focus | measure | per_head | timed | waited | figures_of, vocabulary.word_weights)
    # Retrieved paragraphs and those the question names (a fact about the review, "paragraph 4.1").
    retrieved = [s for s in scored if s.item.why in ("retrieved", "named")]
    lead = set(list(dict.fromkeys(s.item.id for s in retrieved))[:LEAD_PARAGRAPHS])
    candidates = retrieved[:SCANNED_SENTENCES] + [s for s in retrieved[SCANNED_SENTENCES:] if s.item.id in lead]

    def gives(kind: str, sentence: ScoredSentence) -> bool:
        """Whether the sentence gives the kind of value asked for, about what the question asks."""
        text = sentence.text
        if kind == "name" and names_the_post_that_chairs(sentence, focus, reworded):
            return True
        # A judged number ("high numbers of children not brought") is of what the question counts.
        judged = judged_count(kind, asking, text) and (not counted or _about(counted, text))
        if kind == "size":
            if not sizes(size_of, text):
                return False
        elif not (gives_a_value(kind, text, vocabulary, in_units) or judged):
            return False
        if kind == "number":
            if counted and not (judged or counts_beside(counted, text) or counts_beside_names(names, text)
                                or (stand_ins and _shared(stand_ins, text) == len(stand_ins))):
                return False
            if qualifier is not None and not (qualifier.met_by(text) or _said_before(sentence, scored, qualifier.met_by)):
                return False
            if not (states_what_is_averaged(asking, text) and gives_a_ratio_if_asked(asking, text)):
                return False
            if per_head and _shared(per_head, text, reworded) < len(per_head):
                return False
            # Figures asked for by name are of what they name, here or in the sentence before.
            if figures_of and not _said_here_or_before(sentence, scored,
                                                       lambda t: _shared(figures_of, t, reworded)):
                return False
        if kind == "rate" and not states_the_measure(asking, text):
            return False
        # An average wait is said of the wait: one family's "six weeks old ... six months old by the
        # time of her appointment" is no average.
        if kind == "duration" and not states_what_is_averaged(asking, text):
            return False
        named = named_by.get(kind)
        if named and not _said_here_or_before(sentence, scored, lambda t: _about(named, t, reworded)):
            return False
        # ... and of what is waited for, named in the sentence or earlier in its paragraph ("... long
        # waiting times to access CAMHS ... The average waiting time from referral to treatment ...").
        if kind == "duration" and waited and not _said_here_or_earlier(
                sentence, scored, lambda t: _shared(waited, t, reworded) == len(waited)):
            return False
        if kind == "pay band" and not _said_here_or_before(sentence, scored, lambda t: _shared(post, t) == len(post)):
            return False
        # A count of the very thing asked may take its subject from anywhere earlier in the paragraph;
        # any other value from the sentence before (a context paragraph lists unrelated figures).
        of_the_counted = kind == "number" and bool(counted) and counts_beside(counted, text)
        earlier = _said_earlier if of_the_counted else _said_before
        return (not focus or _about(focus, text, reworded)
                or earlier(sentence, scored, lambda t: _about(focus, t, reworded)))

    missing, giving = [], []
    for kind in asked:
        giving_kind = [s for s in candidates if gives(kind, s)]
        # The sentence sharing most of the question's distinctive words gives it ("the longest wait
        # was 52 weeks" vs "the average wait from referral to treatment was 22 weeks"); then the one
        # that does with the sentence before it ("Ormskirk's children's ED ... They engage ... the
        # weekly 'safety huddle'", asked how often the Ormskirk safety huddles are, against another
        # service's daily huddle); the best scored breaks ties.
        found = max(giving_kind, key=lambda s: (_shared(focus, s.text, reworded),
                                                _shared(focus, _with_the_one_before(s, scored), reworded)),
                    default=None)
        if found is None:
            missing.append(kind)
        elif found not in giving:
            giving.append(found)
    return KindCheck(asked, missing, giving)


def _with_the_one_before(sentence: ScoredSentence, scored: list[ScoredSentence]) -> str:
    """The sentence with the one before it in its paragraph."""
    before = neighbour_in_paragraph(sentence, scored, before=True)
    return sentence.text if before is None else f"{before.text} {sentence.text}"


def _said_here_or_before(sentence: ScoredSentence, scored: list[ScoredSentence], says) -> bool:
    """Whether the sentence with the one before it in its paragraph passes `says`."""
    return says(_with_the_one_before(sentence, scored))


def _earlier_in_paragraph(sentence: ScoredSentence, scored: list[ScoredSentence]) -> list[ScoredSentence]:
    return [s for s in scored if s.item.id == sentence.item.id and s.end <= sentence.start]


def _said_here_or_earlier(sentence: ScoredSentence, scored: list[ScoredSentence], says) -> bool:
    """Whether the sentence with every sentence before it in its paragraph passes `says`."""
    return says(" ".join([s.text for s in _earlier_in_paragraph(sentence, scored)] + [sentence.text]))


def _said_earlier(sentence: ScoredSentence, scored: list[ScoredSentence], says) -> bool:
    """Whether a sentence before it in its paragraph passes `says`: a paragraph names its subject
    once ("There are currently an unprecedented number of serious case reviews ... We were told
    that nineteen themes had been identified")."""
    return any(says(s.text) for s in _earlier_in_paragraph(sentence, scored))


def _said_before(sentence: ScoredSentence, scored: list[ScoredSentence], says) -> bool:
    """Whether the sentence before it in its paragraph passes `says` ("Of these children, 48% ..."
    after the sentence naming them)."""
    before = neighbour_in_paragraph(sentence, scored, before=True)
    return before is not None and says(before.text)