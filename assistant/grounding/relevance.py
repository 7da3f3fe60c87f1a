"""How well each sentence of the context answers a question: embedding cosine plus word
overlap. The best cosine decides whether the reports answer the question at all."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from concurrent.futures import Future, ThreadPoolExecutor
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

import numpy as np

from assistant.grounding.context import AnswerContext, ContextParagraph, review_year
from assistant.retrieval.query_analysis import synonym_groups
from assistant.retrieval.words import FRAMING_WORDS, NUMBER_WORDS, STOPWORDS, content_words, stem
from vectorstore.chunking import sentence_spans

# A date in figures: a year or a month. "May" is a month only before a day or a year ("practitioners
# may experience delays").
A_DATE_IN_FIGURES = re.compile(r"\b(?:19|20)\d\d\b|\b(?:january|february|march|april|june|july|august|september|"
                               r"october|november|december)\b|\bMay\s+(?:\d|the\b)", re.I)
_NUMBER_WORDS = "|".join(("one", *NUMBER_WORDS, "half", "quarter", "third", "once", "twice", "single", "no"))
A_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.I)  # what answers "how many"
# A length of time: "28 days", "six weeks", "12-15 hours", "20 working days".
A_DURATION = re.compile(rf"\b(?:\d+|{_NUMBER_WORDS})\s*(?:working\s+)?(?:days?|weeks?|months?|years?|hours?)\b",
                        re.I)
# A share: a percentage, or a fraction of something ("almost half of the children", "half as
# long"); not a fraction word in a compound ("a half-day training", "third sector", "her third
# pregnancy").
A_SHARE = re.compile(r"\d\s*%|per ?cent|\b(?:half|(?:a|one|three) quarters?|(?:a|one|two) thirds?|(?:a|one) fifth)\s+"
                     r"(?:of|as)\b", re.I)
# Asking for a count: "how many", "caseload per nurse" (not "as per the policy", not "per cent"), or
# naming the count ("the number of", "CP plan numbers") - unless the question judges the count
# rather than asks it ("why are CSE referral numbers low?", "are staff numbers enough?").
_ASKS_HOW_MANY = re.compile(r"\b(?:how many|(?<!as )per (?!cent)\w+)\b", re.I)
# Not a number that names someone ("UASC NHS numbers", "contact numbers for the team"); typed after
# what it counts, one number too ("leicester HV vacancies number", "CSE referrals no."; "a number"
# is some).
_NOT_NAMING = r"(?<!nhs )(?<!phone )(?<!telephone )(?<!contact )(?<!mobile )(?<!reference )"
_NAMES_A_COUNT = re.compile(rf"\b(?:number of|no\.? of|{_NOT_NAMING}(?<!\ba )(?<!\bthe )numbers?\b)|"
                            rf"(?<=\w ){_NOT_NAMING}no\.(?=\s|$)", re.I)
_JUDGES_A_VALUE = re.compile(r"^\s*(?:why|are|is|do|does|did|has|have|were|was|will|should|can)\b|\b(?:low|lower|high|"
                             r"higher|ris(?:e|es|ing)|rose|fall(?:s|ing)?|fell|enough|sufficient|increas\w*|decreas\w*|"
                             r"reduc\w*|improv\w*|drop\w*|trends?)\b", re.I)


def judges_a_value(question: str) -> bool:
    """Whether the question judges a figure rather than asks it ("why are CSE referral numbers
    low?", "is the CAMHS budget enough?")."""
    return bool(_JUDGES_A_VALUE.search(question))


# Asking whether someone knew a count, not the count: "Could the LAC nurses say how many under
# fives they had?", "did Sefton know how many ..." (but "can you tell me how many ..." asks it).
_WHETHER_A_COUNT_WAS_KNOWN = re.compile(
    r"^\s*(?:could|can|did|do|does|were|was|are|is|has|have)\s+(?!you\b|u\b)(?:[\w'\u2019&-]+\s+){1,6}?"
    r"(?:(?:able|unable) to\s+)?(?:say|tell|know|identify|give|report|confirm|state|count|work out|find out)\s+"
    r"(?:\w+\s+)?how many\b", re.I)


def asks_for_a_count(question: str) -> bool:
    """Whether the question asks how many of something there are (see above)."""
    if _WHETHER_A_COUNT_WAS_KNOWN.search(question):
        return False
    return bool(_ASKS_HOW_MANY.search(question)) or (
        bool(_NAMES_A_COUNT.search(question)) and not judges_a_value(question))


_OTHER_NUMBER_ASKED = re.compile(r"\b(?:how much|what number|count)\b", re.I)


def _asks_a_number(question: str) -> bool:
    return asks_for_a_count(question) or bool(_OTHER_NUMBER_ASKED.search(question))


# A frequency: "monthly", "every three years", "four hours ... per year", "twice a week", "24 hours a
# day", or said in words ("regularly", "not routinely"); not "within a year" or "a year ago".
_FREQUENCY_UNIT = r"(?:day|night|week|fortnight|month|quarter|term|year|annum)"
A_FREQUENCY = re.compile(rf"\b(?:hourly|daily|nightly|weekly|fortnightly|monthly|bi-?monthly|quarterly|termly|"
                         rf"annual(?:ly)?|yearly|bi-?annual(?:ly)?|once|twice|regular(?:ly)?|routinely|periodic(?:ally)?|"
                         rf"(?:in)?frequent(?:ly)?|sporadic(?:ally)?|ad hoc|rarely|seldom)\b|"
                         rf"\b(?:every|each|per) (?:\w+ )?{_FREQUENCY_UNIT}s?\b|"
                         rf"(?<!within )(?<!for )(?<!over )(?<!than )\ba {_FREQUENCY_UNIT}\b(?! ago)", re.I)
# "How often ...", "how regularly ...", "how many times a year ...": a frequency is asked.
ASKS_HOW_OFTEN = re.compile(r"\bhow (?:often|frequently|regularly)\b|\bfrequency\b|"
                            r"\bhow many times (?:a|an|per|each|every)\b", re.I)
# A length of time named by what is timed: "ED triage time", "response times".
TIMED = r"(response|triage|turnaround|turn-around) times?"
# "How long is the wait for an autism assessment?", "CAMHS waiting times", "the average length of a
# drop-in session", "ED triage time", "how soon ...", "how quickly ...", "the wait for ...", "turnaround
# for ...", "deadline for ...": a length of time is asked.
ASKS_A_DURATION = re.compile(r"\b(?:how long|how (?:quickly|soon|fast)|wait(?:ing)? (?:times?|lists?)|"
                             r"(?:average|longest|typical|mean|median) waits?|"
                             # the noun, not the verb: "where do children wait for an x-ray?"
                             r"(?:\b(?:the|a|any|their|long|usual)\s+|^\s*)waits?\s+(?:like\s+)?(?:for|to)\b|"
                             r"turn-?around|time ?scales?|time ?frames?|deadlines?|"
                             rf"(?:length|duration) of (?:a |an |the |each )?\w+|{TIMED})\b", re.I)
# "when" asking a date ("when did the MASH start?", "... reviewed? when"), not telling one ("what
# do midwives see when they visit?", "how do they meet when it is hard to get everyone together?").
_ASKS_WHEN = re.compile(r"^\W*when\b|\bwhen\W*$|\bwhen (?:did|was|were|is|are|will|does|do|has|have|should|could|"
                        r"would|can|must)\b|\b(?:what date|which year|what year|dates?)\b", re.I)
_ASKS_AN_AGE_OR_A_LIMIT = re.compile(r"\b(?:within how|what age|how old)\b", re.I)

# What kind of figure a question asks for, and what a sentence giving it looks like.
_FIGURE_KINDS = [
    (re.compile(r"\b(?:percentage|proportion|share|what rate|per ?cent|%)", re.I).search, A_SHARE),
    (_asks_a_number, A_NUMBER),
    (_ASKS_WHEN.search, A_DATE_IN_FIGURES),
    (lambda q: ASKS_A_DURATION.search(q) or _ASKS_AN_AGE_OR_A_LIMIT.search(q),
     re.compile(rf"{A_DURATION.pattern}(?!(?:(?<=year)|(?<=years))[- ]olds?\b)|\bages?\s+\d", re.I)),  # not "year olds"
    (ASKS_HOW_OFTEN.search, A_FREQUENCY),
]


def figure_patterns(question: str) -> list[re.Pattern]:
    """Patterns of the figures a question asks for ("how many" -> a number, "when" -> a date)."""
    return [answer for asks, answer in _FIGURE_KINDS if asks(question)]


def gives_figure(sentence: str, patterns: list[re.Pattern]) -> bool:
    return any(p.search(sentence) for p in patterns)


@dataclass
class ScoredSentence:
    item: ContextParagraph
    start: int
    end: int
    cosine: float
    overlap: float
    score: float

    @property
    def text(self) -> str:
        return self.item.paragraph.text[self.start:self.end]

    @property
    def report_id(self) -> str:
        return self.item.paragraph.report_id


def neighbour_in_paragraph(sentence: ScoredSentence, scored: list[ScoredSentence],
                           before: bool = False) -> ScoredSentence | None:
    """The sentence of `scored` just after `sentence` in its paragraph (just before it with
    `before`), or None."""
    same = [s for s in scored if s.item.id == sentence.item.id]
    if before:
        return max((s for s in same if s.end <= sentence.start), key=lambda s: s.start, default=None)
    return min((s for s in same if s.start >= sentence.end), key=lambda s: s.start, default=None)


MAX_PENDING_QUERIES = 32


class SentenceEmbeddingCache:
    """Sentence vectors by text. Misses are looked up among the vectors stored at ingest for the
    paragraphs in question, and only sentences stored without one (older stores) are embedded."""

    def __init__(self, embedder, stored: Callable[[list[str]], dict[str, np.ndarray]] | None = None,
                 max_entries: int = 50_000):
        self._embedder = embedder
        self._stored = stored
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._pending: dict[str, Future] = {}

    def vectors(self, texts: list[str], citation_ids: Iterable[str] | dict[str, str] = ()) -> np.ndarray:
        """Unit vectors of texts, the sentences of the paragraphs citation_ids. Given as a dict
        (text -> the paragraph it is from), only the paragraphs of texts not yet cached are read."""
        missing = self._missing(texts)
        if missing and self._stored and citation_ids:
            owners = ({citation_ids[t] for t in missing if t in citation_ids} if isinstance(citation_ids, dict)
                      else set(citation_ids))
            self._remember(self._stored(sorted(owners)))
            missing = self._missing(texts)
        if missing:
            self._remember(dict(zip(missing, self._embedder().embed_documents(missing))))
        with self._lock:
            return np.stack([self._vectors[t] for t in texts]) if texts else np.zeros((0, 1))

    def _missing(self, texts: list[str]) -> list[str]:
        with self._lock:
            return [t for t in dict.fromkeys(texts) if t not in self._vectors]

    def _remember(self, vectors: dict[str, np.ndarray]) -> None:
        with self._lock:
            for text, vector in vectors.items():
                self._vectors[text] = _unit(vector)
            while len(self._vectors) > self._max:
                self._vectors.popitem(last=False)

    def prefetch_query(self, text: str) -> None:
        """Start embedding a question on another thread (while retrieval runs); query(text)
        then waits for it."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="question-vector")
            if text not in self._pending:
                self._pending[text] = self._pool.submit(self._embedder().embed_query, text)
            while len(self._pending) > MAX_PENDING_QUERIES:  # questions whose retrieval failed
                self._pending.pop(next(iter(self._pending)))

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            pending = self._pending.pop(text, None)
        return _unit(pending.result() if pending is not None else self._embedder().embed_query(text))


def _unit(vector) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


# The title page and the summary restate what the review covered ("the review of health services
# in Sefton"); unless a question asks for a fact they hold, their sentences answer nothing.
RESTATING_KINDS = ("front",)
RESTATING_PENALTY = 0.3
# Words that name where or what was reviewed rather than what is asked: every sentence of a
# report is "about Sefton", so sharing the area's name with a question says nothing.
_SETTING_WORDS = frozenset("review report case inspector inspection".split())


# A finding opens with its judgement ("The voice of children and young people in Sefton is
# inconsistently captured.") and goes on with the evidence for it; the opening sentence gains this
# much (chosen on the first set, dev and dev2: 0.075-0.15 all gained gold citations and key terms
# on the first set and dev, and each lost one dev2 citation).
VERDICT_BONUS = 0.1
# A sentence stating the year the question asks about (as much as one giving the figure asked for).
YEAR_BONUS = 0.2


def area_names(report_titles) -> set[str]:
    """The words of the stored reports' titles, their areas' names ("Leicester City (2016)")."""
    return set().union(*(content_words(title) for title in report_titles)) if report_titles else set()


def topic_words(question: str, report_titles) -> set[str]:
    """The question's content words less the stored reports' area names and review words."""
    return content_words(question) - area_names(report_titles) - _SETTING_WORDS


_WORD_AS_WRITTEN = re.compile(r"[A-Za-z]+")


def words_said(text: str, long_forms: Mapping[str, set[str]]) -> set[str]:
    """A sentence's content words, with those of the long forms of the acronyms it uses: "MASH
    arrangements in Sefton work well" says "multi-agency safeguarding hub" to a reader of the
    report, who has seen the acronym defined."""
    words = content_words(text)
    for token in set(_WORD_AS_WRITTEN.findall(text)) & long_forms.keys():
        words |= long_forms[token]
    return words


def score_sentences(question: str, context: AnswerContext, cache: SentenceEmbeddingCache,
                    acronyms: Mapping[str, str]) -> list[ScoredSentence]:
    """Every sentence of the context with its scores, best first; `acronyms` (the reports', as
    defined) let a sentence's acronym count for the words it stands for."""
    long_forms = {acronym: content_words(long_form) for acronym, long_form in acronyms.items()}
    spans = [(item, start, end) for item in context.paragraphs for start, end in sentence_spans(item.paragraph.text)]
    if not spans:
        return []
    texts = [item.paragraph.text[start:end] for item, start, end in spans]
    cosines = cache.vectors(texts, {item.id for item in context.paragraphs}) @ cache.query(question)
    figures = figure_patterns(question)
    years = set(_ASKED_YEAR.findall(question))
    wants_recommendations = context.question.wants_recommendations and any(
        item.paragraph.kind == "recommendation" for item in context.paragraphs)
    rank = {}
    for item in context.paragraphs:
        rank.setdefault(item.id, len(rank))
    topic = topic_words(question, context.report_titles.values())
    scored = []
    for (item, start, end), text, cosine in zip(spans, texts, cosines):
        overlap = len(topic & words_said(text, long_forms)) / len(topic) if topic else 0.0
        score = float(cosine) + 0.3 * overlap + 0.1 / (1 + rank[item.id])
        if figures and gives_figure(text, figures):
            score += 0.2
        if years and any(re.search(rf"\b{year}\b", text) for year in years):
            score += YEAR_BONUS  # "avg SDQ score LAC leicester 2014": the sentence giving 2014's
        if wants_recommendations:  # "what did they recommend?": recommendations first
            score += 0.3 if item.paragraph.kind == "recommendation" else -0.3
        if item.why == "named":  # "paragraph 3.9", "recommendation 2.1": the question asks for it
            score += 1.0
        elif item.why not in ("retrieved", "quotation"):  # linked recommendations, earlier answers
            score += 0.1
        elif item.paragraph.kind in RESTATING_KINDS:
            score -= RESTATING_PENALTY
        if len(text.split()) < 5:
            score -= 0.1
        if start == 0 and item.paragraph.kind == "finding":
            score += VERDICT_BONUS
        scored.append(ScoredSentence(item, start, end, float(cosine), overlap, score))
    return sorted(scored, key=lambda s: -s.score)


# A year the question asks about ("CAMHS waiting times in 2017", "IHAs done in 2019/20"); not a
# deadline or a span's end ("by 2020", "up to 2018").
_ASKED_YEAR = re.compile(r"(?<!\bby )(?<!\buntil )(?<!\bbefore )(?<!\bto )(?<![-/\d])\b((?:19|20)\d\d)\b")


# When the next review is due: no report says when its own successor will come ("review health
# assessments" are checks of a child, due at set times).
_NEXT_REVIEW = (r"\b(?:next|upcoming|future) (?:(?:[\w'\u2019]+ )?(?:cqc |ofsted |joint )?(?:reviews?(?! health)|inspections?)|"
                r"(?:cqc|ofsted|inspectors['\u2019]?|inspection) visits?)\b|"  # not "the next home visit"
                # ... or as a verb: "when is CQC next due to review sefton", "when will they next inspect"
                r"\bnext (?:due|going|planned|scheduled|set) to (?:review|inspect)\b|"
                r"\b(?:cqc|ofsted|inspectors?|they) next (?:review|inspect)\w*\b")  # not "the next review health assessment"
_NEXT_REVIEW_ASKED = re.compile(rf"\b(?:when|what date|which year|what year|due|dates?)\b.{{0,60}}{_NEXT_REVIEW}|"
                                rf"{_NEXT_REVIEW}.{{0,60}}\b(?:when|due|date|scheduled|planned)\b", re.I)


def asks_after_the_reports(question: str, report_ids: Iterable[str]) -> bool:
    """Whether every year the question asks about comes after every review it could be answered
    from: a 2016 review gives no 2017 waiting times, however closely it discusses them; nor does
    a review say when the next one is due."""
    if _NEXT_REVIEW_ASKED.search(question):
        return True
    asked = [int(year) for year in _ASKED_YEAR.findall(question)]
    years = [year for year in map(review_year, report_ids) if year is not None]
    return bool(asked and years) and min(asked) > max(years)


def unknown_word_share(question: str, vocabulary, shorthand: Iterable[str] = ()) -> float:
    """Share of the question's topic words that no stored paragraph uses ("veterinary",
    "salary": nothing to cite). A word counts as known when the reports use it, a word with the
    same first five letters ("surgeries"/"surgery") or the same stem ("ranking"/"ranks"), one of
    its everyday synonyms, when it is shorthand the reports spell out (`shorthand`: "IHA", "CPP"),
    the start of a longer word of theirs ("prog" for "programme"), two of their words run
    together ("handwritten", "walkabouts" for "walk-about"), or one of their words with its
    vowels left out, typed in lower case ("mtgs", "yr"; "IMD" in capitals is an acronym)."""
    words = content_words(question) - FRAMING_WORDS
    if not words:
        return 0.0
    prefixes, known_stems, known_through_synonym = _known_forms(frozenset(vocabulary))
    spelled_out = content_words(" ".join(shorthand))
    typed_lower = set(re.findall(r"\b[a-z]+\b", question))
    unknown = [w for w in words if w not in vocabulary and w not in known_through_synonym and w not in spelled_out
               and not (len(w) >= 5 and w[:5] in prefixes) and stem(w) not in known_stems
               and not _typed_short(w, vocabulary) and not _run_together(w, vocabulary)
               and not (w in typed_lower and _vowels_dropped(w, vocabulary))]
    return len(unknown) / len(words)


@lru_cache(maxsize=4)
def _known_forms(vocabulary: frozenset[str]) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """What the reports' words make known, worked out once per vocabulary (it changes only with
    the stored reports): their first five letters, their stems, and the words of every synonym
    group of which the reports use a term."""
    prefixes = frozenset(w[:5] for w in vocabulary if len(w) >= 5)
    known_stems = frozenset(stem(w) for w in vocabulary)
    known_through_synonym = set()
    for group in synonym_groups():
        group_words = [content_words(term) for term in group]
        if any(terms and terms <= vocabulary for terms in group_words):
            known_through_synonym.update(w for terms in group_words for w in terms)
    return prefixes, known_stems, frozenset(known_through_synonym)


# Shortened as staff type it: the first letters of a longer word of the reports ("prog",
# "approx"), not a word of three letters or fewer ("vet" starts many words).
SHORTENED_MIN = 4
# A sentence holding every one of at least this many topic words of a question is on its topic.
WHOLE_TOPIC_MIN = 3


def sentence_holding_the_topic(question: str, scored: list[ScoredSentence], report_titles,
                               acronyms: Mapping[str, str]) -> ScoredSentence | None:
    """The first retrieved sentence that holds every topic word of the question (at least
    WHOLE_TOPIC_MIN), each as written, typed short ("prog", "mtgs") or as an acronym whose long
    form the sentence spells out ("ED": "emergency department"); None when there is none.

    Terse questions score low cosines against long sentences ("named GP relationship with 0-19
    sefton": 0.43 against "There is an under-developed relationship between the named GP and the
    North West Boroughs Healthcare NHS Foundation Trust 0-19 service leaders"); a sentence saying
    all of what was asked shows the reports discuss it. A question about something the reports
    never discuss rarely has all its words in one of their sentences."""
    topic = topic_words(question, report_titles)
    if len(topic) < WHOLE_TOPIC_MIN:
        return None
    spelled = {acronym.lower(): content_words(long_form) for acronym, long_form in acronyms.items()}
    for sentence in scored:
        if sentence.item.why != "retrieved":
            continue
        words = content_words(sentence.text)  # once per sentence, not once per topic word
        if all(_said_in(word, words, spelled) for word in topic):
            return sentence
    return None


def _said_in(word: str, words: set[str], spelled: Mapping[str, set[str]]) -> bool:
    """Whether a sentence's content words say the word: as it is, typed short or with its vowels
    left out, or as the long form of the acronym it is (`spelled`)."""
    if any(same_word(word, w) for w in words) or _typed_short(word, words) or _vowels_dropped(word, words):
        return True
    long_form = spelled.get(word) or spelled.get(word[:-1] if word.endswith("s") else word)
    return bool(long_form) and all(any(same_word(part, w) for w in words) for part in long_form)


def _typed_short(word: str, vocabulary) -> bool:
    return len(word) >= SHORTENED_MIN and word.isalpha() and any(
        len(known) > len(word) + 1 and known.startswith(word) for known in vocabulary)


def _run_together(word: str, vocabulary) -> bool:
    """Two words of the reports run together, the second possibly a short word the vocabulary
    leaves out ("walkabout": "walk" and "about"; "handover")."""
    return len(word) >= 7 and any(word[:i] in vocabulary and (word[i:] in vocabulary or word[i:] in STOPWORDS)
                                  for i in range(3, len(word) - 2))


_VOWELS = frozenset("aeiou")


def _vowels_dropped(word: str, vocabulary) -> bool:
    """A word of the reports shortened by leaving out its vowels ("mtgs" for "meetings", "yr",
    "hrs"): two to five letters, none a vowel, found in order in a longer word of theirs that
    starts with the same letter (a final "s" may be a plural)."""
    if not (2 <= len(word) <= 5 and word.isalpha()) or _VOWELS & set(word):
        return False
    letters = word[:-1] if len(word) >= 3 and word.endswith("s") else word
    return any(len(known) > len(letters) and known[0] == letters[0] and _in_order(letters, known)
               for known in vocabulary)


def _in_order(letters: str, word: str) -> bool:
    rest = iter(word)
    return all(letter in rest for letter in letters)


# The verbs that help another ("did ... go up", "were ... admitted").
_AUXILIARIES = "are|is|do|does|did|were|was|have|has|had|can|could|will|would"
# The counted noun ends before a verb ("how many IHAs [were] done in 28 days", "how many IHAs
# completed", "how many children live ...", "how many themes came out of ..."), a preposition, or a
# participle saying what befell what is counted ("how many school nurses employed leicester", "how
# many LAC placed ooa", "how many parents returned the questionnaire"); not before one that is part
# of its name ("children looked after").
_COUNTED_ENDS = (rf"(?=\s+(?:{_AUXILIARIES}|in|at|of|on|per|for|a|an|the|"
                 r"live|work|get|there|done|seen|given|made|held|taken|undertaken|completed|carried|delivered|offered|"
                 r"employed|working|placed|based|waiting|known|open|allocated|funded|needed|required|came|come|comes|coming|"
                 r"went|go|goes|going|arrived|entered|attended|moved|left|returned|responded|replied|received|used|accessed|took|"
                 r"reported|said|told|sent)\b|\s*[?.,]|$)")
# A verb straight after "how many" asks how many of something named later, or by how many it changed:
# "by how many did leicester's LAC numbers go up" counts LAC (below), not "did leicester's LAC numbers".
_HOW_MANY = re.compile(rf"\bhow many (?!(?:{_AUXILIARIES})\b)((?:[\w'\u2019-]+\s+){{0,3}}?[\w'\u2019-]+?){_COUNTED_ENDS}", re.I)
# ... and asked as "the number of school nurses employed".
_NUMBER_OF = re.compile(rf"\b(?:number|no\.?) of ((?:[\w'\u2019-]+\s+){{0,3}}?[\w'\u2019-]+?){_COUNTED_ENDS}", re.I)


# What follows the counted noun and narrows it: "how many children in care ...", "how many nurses on
# the LAC team ..." ("of" usually continues the noun itself: "hours of training").
_QUALIFIER = re.compile(r"\s+(in|on|under|with)\s+(?:the\s+)?((?:[\w'\u2019-]+\s+){0,2}?[\w'\u2019-]+?)(?=\s+(?:"
                        rf"{_AUXILIARIES}|live|work|get|there|in|at|on|for|"
                        r"across|within)\b|\s*[?.,]|$)", re.I)


# Staff ask for a count by naming it: "CP plan numbers in sefton", "LAC numbers?" (the words
# before "numbers", up to a word that only frames the question).
_NUMBERS_OF = re.compile(r"((?:[\w'\u2019&-]+\s+){0,2}[\w'\u2019&-]+)\s+(?:numbers?\b|no\.(?=\s|$))", re.I)


def _counted(question: str) -> tuple[str, int] | None:
    """What a question counts, as typed, and where in the question the counted words end."""
    counts = asks_for_a_count(question)
    match = _HOW_MANY.search(question) or (_NUMBER_OF.search(question) if counts else None)
    if match:
        return match.group(1), match.end()
    match = _NUMBERS_OF.search(question) if counts else None
    if not match:
        return None
    words = match.group(1).split()
    while words and not content_words(words[0]) - FRAMING_WORDS:  # "what are", "the"
        words.pop(0)
    return (" ".join(words), match.end()) if words else None


def counted_phrase(question: str) -> tuple[str, str] | None:
    """What a "how many" question counts when it narrows it: (the counted words with the
    qualifier, the qualifier) ("how many children in care does Sefton have?" -> ("children in
    care", "care")); None without a qualifier."""
    counted = _counted(question)
    if not counted:
        return None
    qualifier = _QUALIFIER.match(question, counted[1])
    if not qualifier:
        return None
    return f"{counted[0]} {qualifier.group(1)} {qualifier.group(2)}".lower(), qualifier.group(2).lower()


def counted_text(question: str) -> str | None:
    """What a "how many" question counts, as typed ("LAC", "social workers"); None for others."""
    counted = _counted(question)
    return counted[0] if counted else None


def counted_words(question: str) -> set[str]:
    """What a "how many" question counts, its head noun ("How many social workers does Sefton
    employ?" -> {"worker"}; "how many kids 0-19" -> {"kid"}); empty for other questions."""
    text = counted_text(question)
    if not text:
        return set()
    words = [w for w in re.findall(r"[a-z0-9%]+", text.lower()) if content_words(w) and not w[0].isdigit()]
    head = content_words(words[-1]) if words else set()
    return {w for w in head if w.isalpha()}


def same_word(a: str, b: str) -> bool:
    """The same content word, give or take a plural or an ending ("surgeries", "surgery";
    "wait", "waiting")."""
    return (a.rstrip("s") == b.rstrip("s") or (len(a) >= 5 and len(b) >= 5 and a[:5] == b[:5])
            or stem(a) == stem(b))


def answerability(scored: list[ScoredSentence], unknown_share: float, missing_kind: bool, unknown_penalty: float,
                  missing_kind_penalty: float, companion_best: float | None, companion_share: float) -> float:
    """How well the context answers the question: the best sentence cosine among the retrieved
    paragraphs, blended (`companion_share`) with the companion embedder's best paragraph cosine
    when there is one, less a penalty for question words the reports never use and another when
    the question asks for a kind of value (a count, a percentage, a rating, a name, an amount of
    money, a length of time) that no retrieved sentence gives (answer_types); 1 when the question names a stored paragraph; 0 with
    no context.

    Two models rarely misjudge the same question: MiniLM scores a question worded far from the
    report low ("take-home methadone ... somewhere safe to lock it away"), the larger companion
    reads the paraphrase; an off-topic question scores low with both. The penalties and the share
    are the answer settings' (one default, in settings.py)."""
    if any(s.item.why == "named" for s in scored):
        return 1.0
    best = max((s.cosine for s in scored if s.item.why == "retrieved"), default=0.0)
    if not best:
        return 0.0
    if companion_best is not None and companion_share:
        best = (1 - companion_share) * best + companion_share * companion_best
    return best - unknown_penalty * unknown_share - (missing_kind_penalty if missing_kind else 0.0)
