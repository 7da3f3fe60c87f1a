"""Whether a sentence gives a value of the kind a question asks for: a number that counts
something (not a year, an age, an age range, a pointer to a numbered part or a level), a share, a
rate, a rating, a pay band, opening hours, contact details, an amount of money, a frequency, a date,
a length of time (a figure, or words such as "a lengthy wait"), a size, a person's name.

The values are read from the form of the sentence, not from what these reports discuss, so they
carry over to reports nobody here has read. Whether the value is about what the question asks is
answer_types.py's part."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from assistant.grounding.relevance import (A_DATE_IN_FIGURES, A_DURATION, A_FREQUENCY, A_SHARE, counted_phrase,
                                           same_word, topic_words)
from assistant.grounding.values_asked import NAMED_MEASURE
from assistant.retrieval.query_analysis import synonym_groups_called_by
from assistant.retrieval.words import NUMBER_WORDS, STOPWORDS, content_words

NEAR_COUNT = 3  # "how many X": X within this many words of the number
# A person's name: two capitalised words, each rare in the reports (organisations and places recur).
RARE_CAPITALISED = 3

_NUMBER_WORDS = "|".join(NUMBER_WORDS)  # "nineteen themes" was no figure: the list stopped at fifteen
# "no" and "one" are left out: they are words far more often than figures ("no evidence", "one case").
_A_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS}|half|quarter|once|twice|single)\b", re.I)
# A word or figure of a sentence as counts are read from it ("1,200", "24%", "16-19", "children's").
_FIGURE_TOKEN = re.compile(r"[\w%,.'\u2019-]+")
_NUMBER_TOKEN = re.compile(rf"^(?:\d[\d,.]*%?|{_NUMBER_WORDS})$", re.I)
# A year ("in 2015", "2013/14", "2014-2015") dates a sentence; it counts nothing.
_YEARS = re.compile(r"\b(?:19|20)\d\d(?:[/-](?:19|20)?\d\d)?\b")
_AGAINST_AN_AVERAGE = re.compile(r"\b(?:higher|lower|greater|worse|poorer|better|above|below|similar to|"
                                 r"in line with)\b.{0,40}"
                                 r"\b(?:average|nationally|national|england|the rest of)\b", re.I)
_AN_AMOUNT = re.compile(r"£\s?\d|\b\d[\d,.]*\s*(?:pounds|million|billion|bn|m|k)\b|\b(?:million|billion) pounds\b", re.I)
_A_LENGTH_IN_WORDS = re.compile(r"\b(?:lengthy|long(?:er|est)? (?:waits?|waiting|delays?|periods?|times?)|prolonged|"
                                r"delay(?:s|ed)?|backlogs?|promptly|quickly|swiftly|timely|without delay|same day|no wait\w*|"
                                r"immediate(?:ly)?|straight (?:away|out)|right away|at once|"
                                r"(?:hours|days|weeks|months|years)\b(?! ago))", re.I)
# The ratings inspection frameworks give (CQC, Ofsted). "Good" and its like are ratings only beside
# a word that rates ("found to be good", "rated good"): the reports call much "good practice".
_A_RATING = re.compile(r"\b(?:outstanding|requires? improvement|inadequate)\b|\b(?:rated|rating|judged|judgement|judgment|"
                       r"graded|grade|found to be|effectiveness)\b(?:\W+\w+){0,5}?\W+(?:good|adequate|satisfactory)\b",
                       re.I)
_CAPITALISED_PAIR = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?) ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
# A pay band given in figures or words ("band 6", "a band six nurse").
_A_PAY_BAND = re.compile(rf"\bbands?\s+(?:\d|{_NUMBER_WORDS}|one)\b", re.I)
_CONTACT_GIVEN = re.compile(r"\b0\d{2,4}[\s-]?\d{3}[\s-]?\d{3,4}\b|[\w.-]+@[\w-]+\.[\w.]+|\bwww\.|https?://",
                            re.I)
# Hours given as a clock time, a span of days or "24 hours a day"; not "within 24 hours" (a wait).
_HOURS_GIVEN = re.compile(r"\b\d{1,2}(?:[:.]\d\d)?\s?(?:am|pm)\b|\b\d{1,2}:\d\d\b|\b(?:24|twenty[- ]four) hours? "
                          r"(?:a|per|each) day\b|\b24/7\b|\b(?:seven|7) days (?:a|per|each) week\b|\bmonday to "
                          r"(?:friday|saturday|sunday)\b|\b(?:out of|office|working|opening) hours\b|\bevenings? and "
                          r"weekends?\b", re.I)

_MEASURE_STATED = {"turnover": re.compile(r"\bturnover\b", re.I),
                   "sickness absence": re.compile(r"\b(?:sickness|absence)\b", re.I)}


# A ratio is given as one: "1:250", "one nurse per 2,000 pupils", "for every", or named; "per"
# only before a figure or a word of the question ("per nurse"; "three sessions per year" is none).
_RATIO_ASKED = re.compile(r"\bratios?\b", re.I)
_A_RATIO = re.compile(r"\b\d+\s*:\s*\d+\b|\bfor every\b|\bto every\b|\bratios?\b", re.I)
_PER = re.compile(r"\bper\s+(?:(?:one|a|an|each|every)\s+)?([\w,.]+)", re.I)


def gives_a_ratio_if_asked(question: str, text: str) -> bool:
    if not _RATIO_ASKED.search(question) or _A_RATIO.search(text):
        return True
    asked = content_words(question)
    return any(_NUMBER_TOKEN.match(per.strip(",.")) or any(same_word(w, word) for w in asked
                                                           for word in content_words(per))
               for per in _PER.findall(text))


# "average caseload of a school nurse", "avg CAMHS wait referral to treatment": a figure gives the
# average only beside a word of what is averaged (a school-nurse sentence stating "70% of schools"
# is no average caseload).
_AVERAGED = re.compile(r"\b(?:average|avg|mean|median)\s+(?:number of\s+|length of\s+)?((?:[A-Za-z][\w-]*\s*){1,3})",
                       re.I)


def states_what_is_averaged(question: str, text: str) -> bool:
    averaged = _AVERAGED.search(question)
    if not averaged:
        return True
    words = []
    for word in averaged.group(1).split():  # what is averaged runs to the first short word
        if word.lower() in STOPWORDS:
            break
        words.append(word)
    wanted = content_words(" ".join(words))
    return not wanted or any(same_word(w, word) for w in wanted for word in content_words(text))


def states_the_measure(question: str, text: str) -> bool:
    """Whether the text names the measure the question names, if it names one (NAMED_MEASURE)."""
    named = NAMED_MEASURE.search(question)
    return named is None or bool(_MEASURE_STATED[named.group(0).lower()].search(text))


# A date: a year or a month, or said in words ("recently", "newly").
_A_DATE = re.compile(rf"{A_DATE_IN_FIGURES.pattern}|\b(?:recent(?:ly)?|newly|last year|this year)\b", re.I)


# The size given: a word of size before what is sized ("a small caseload", "a large team"), a number
# after it and "of" ("a team of six nurses"), or a number in a clause naming it that counts nothing
# else ("caseload sizes were likely to be higher than the 1200 recommended"; "the population in
# Sefton as 273,790"; not "the team covers three sites"). A population is its people: "approximately
# 79,000 children and young people ... living in the city" gives the size of its population.
_SIZE_IN_WORDS = r"(?:small|smaller|large|larger|big|bigger|sizeable|huge|tiny|high|higher|low|lower)"
_CLAUSE_BREAK = re.compile(r"[;:()]|,\s+(?=(?:and|but|whilst|while|which|who|where|although|however|with)\b)|"
                           r"\s+(?:but|whilst|while)\s+", re.I)
_COUNTS_ITS_OWN = re.compile(r"^(?:[a-z-]+s|children|people|staff|women|men)$", re.I)  # "three sites", "345 GPs"
_PEOPLE_COUNTED = re.compile(r"^(?:children|people|young|families|residents|women|men|adults|pupils|babies|mothers|"
                             r"parents|individuals|persons|inhabitants)$", re.I)
_GROUPS_OF_PEOPLE = frozenset({"population", "cohort"})


def sizes(head: set[str], text: str) -> bool:
    """Whether the text gives the size of `head` (see above)."""
    if any(re.search(rf"\b{_SIZE_IN_WORDS}\s+(?:[\w-]+\s+)?{re.escape(word)}", text, re.I) for word in head):
        return True
    if any(re.search(rf"\b{re.escape(word)}s?\s+of\s+(?:(?:about|around|approximately|some|over|nearly|almost)\s+)?"
                     rf"(?:\d|{_NUMBER_WORDS}\b)", text, re.I) for word in head):
        return True
    for clause in _CLAUSE_BREAK.split(_no_dates_or_ranges(text)):
        tokens = [t.strip(",.") for t in _FIGURE_TOKEN.findall(clause)]
        names_head = any(same_word(h, w) for h in head for token in tokens for w in content_words(token))
        for i, token in enumerate(tokens):
            if not _NUMBER_TOKEN.match(token) or token.endswith("%"):
                continue
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            of_people = bool(_PEOPLE_COUNTED.match(after))
            if _COUNTS_ITS_OWN.match(after) and not of_people:
                continue
            if names_head or (of_people and head & _GROUPS_OF_PEOPLE):
                return True
    return False


@dataclass(frozen=True)
class Vocabulary:
    """What the checks need from the stored reports: each word's inverse document frequency and
    how often each capitalised word is used."""

    word_weights: Mapping[str, float]
    capitalised: Mapping[str, int]
    acronyms: Mapping[str, str] = field(default_factory=dict)  # as the reports define them: LAC -> looked after children


# The kinds given by a pattern of their own; a count, a rate, a length of time and a name are read below.
_GIVEN_BY = {"percentage": A_SHARE, "rating": _A_RATING, "pay band": _A_PAY_BAND, "opening hours": _HOURS_GIVEN,
             "contact details": _CONTACT_GIVEN, "money": _AN_AMOUNT, "frequency": A_FREQUENCY, "date": _A_DATE}


def gives_a_value(kind: str, text: str, vocabulary: Vocabulary, in_units: bool = False) -> bool:
    """Whether the text holds a value of the kind (one of values_asked.KINDS); a length of time
    asked in units (values_asked.asks_in_units) must be a figure, not "a lengthy wait"."""
    if kind in _GIVEN_BY:
        return bool(_GIVEN_BY[kind].search(text))
    if kind == "number":
        return bool(_A_NUMBER.search(_no_dates_or_ranges(text)))
    if kind == "rate":  # a figure, or the reports' way of giving a rate: against an average
        return bool(_A_NUMBER.search(_no_dates_or_ranges(text)) or _AGAINST_AN_AVERAGE.search(text))
    if kind == "duration":  # a length of time, as a figure or in words ("waiting months", "a lengthy wait"),
        # not an age ("children aged under five years", "young people under 16 years", "16-19 year olds";
        # a baby "six weeks old ... six months old by the time of her appointment" tells a wait)
        text = _UNDER_AN_AGE.sub(" ", _AGED.sub(" ", _YEAR_OLDS.sub(" ", _YEARS.sub(" ", text))))
        return bool(A_DURATION.search(text) or (_A_LENGTH_IN_WORDS.search(text) and not in_units))
    return names_a_person(text, vocabulary)


def names_a_person(text: str, vocabulary: Vocabulary) -> bool:
    """Two capitalised words in a row, each rare in the reports (organisations and places recur)."""
    return any(vocabulary.capitalised.get(first.lower(), 0) < RARE_CAPITALISED
               and vocabulary.capitalised.get(last.lower(), 0) < RARE_CAPITALISED
               for first, last in _CAPITALISED_PAIR.findall(text))


_NUMBER_IN_WORDS = rf"(?:\d[\d,.]*%?|{_NUMBER_WORDS})"
# An age range ("the 0-18 children looked after population", "16-17 year olds") counts nothing.
_RANGE = re.compile(r"\b\d+\s*[-\u2013]\s*\d+\b")
# An age counts nothing either: "females aged under 18", "aged 16 and 17", "under-16s", "14-year-old
# patients", "when she was six weeks old". Said with "aged" it is no wait either ("children aged
# under five years"); "six weeks old ... six months old by the time of her appointment" may be how a
# wait is told.
_AN_AGE_NUMBER = rf"(?:\d+|{_NUMBER_WORDS}|one)"
_AGED = re.compile(rf"\baged?\s+(?:under\s+|below\s+|over\s+|between\s+)?{_AN_AGE_NUMBER}"
                   rf"(?:\s+(?:and|to|or)\s+{_AN_AGE_NUMBER})?(?:\s+years?)?\b", re.I)
_AGE = re.compile(rf"{_AGED.pattern}|\bunder[- ]\d+s?\b|\b{_AN_AGE_NUMBER}[- ](?:days?|weeks?|months?|years?|yrs?)"
                  r"[- ]olds?\b|"  # "16 and 17 yr olds" as staff type it
                  rf"\b{_AN_AGE_NUMBER}\s+(?:years?|months?)\s+of\s+age\b|\bage\s+of\s+{_AN_AGE_NUMBER}\b", re.I)
# ... and a school year: "a programme for year six children", "pupils in years 7 to 11".
_SCHOOL_YEAR = re.compile(rf"\byears?\s+(?:\d{{1,2}}|{_NUMBER_WORDS})\b(?!\s*(?:%|per\s*cent))"
                          rf"(?:\s*(?:-|to|and)\s*(?:\d{{1,2}}|{_NUMBER_WORDS})\b)?", re.I)
_UNDER_AN_AGE = re.compile(r"\bunder[- ]\d+\s+years?\b", re.I)
_YEAR_OLDS = re.compile(rf"\b{_AN_AGE_NUMBER}[- ](?:years?|yrs?)[- ]olds?\b", re.I)
# Nor does a pointer to a numbered part of a report ("(Recommendation 3.11)", "paragraph 5.2").
_POINTER = re.compile(r"\b(?:recommendations?|paragraphs?|sections?)\s+\d+(?:\.\d+)*", re.I)
# Nor does a numbered level ("training at level three", "level 3 safeguarding training").
# "recorded 'level three/four'" is one level, or the other.
_LEVEL = re.compile(rf"\blevels?\s+(?:\d|one|{_NUMBER_WORDS})\b(?:(?:\s+(?:and|or|to)\s+|\s*/\s*)"
                    rf"(?:\d|one|{_NUMBER_WORDS})\b)?", re.I)


def _no_dates_or_ranges(text: str) -> str:
    """The text without years, age ranges, ages, school years, pointers to numbered parts and
    numbered levels, which count nothing ("in 2015", "the 0-19 service", "aged under 18", "year six
    children", "(Recommendation 3.11)", "level three training")."""
    for counting_nothing in (_YEARS, _RANGE, _AGE, _SCHOOL_YEAR, _POINTER, _LEVEL):
        text = counting_nothing.sub(" ", text)
    return text


_TIME_UNITS = frozenset({"minute", "hour", "day", "week", "month", "year"})


def _singular(words: set[str]) -> set[str]:
    return {w.rstrip("s") for w in words}


def counts_beside(counted: set[str], text: str) -> bool:
    """Whether a number stands within a few words of what is counted ("140 children", "the
    experiences of 116 children"); a length of time counts only time ("on a waiting list for six
    months" gives no number of waiting lists; "within 20 working days" how many days)."""
    tokens = _FIGURE_TOKEN.findall(_no_dates_or_ranges(text))
    counts_time = bool(_singular(counted) & _TIME_UNITS)
    for i, token in enumerate(tokens):
        if _NUMBER_TOKEN.match(token.strip(",.")):
            unit = next((_singular(content_words(t)) for t in tokens[i + 1:i + 3] if content_words(t) - {"working"}),
                        set())
            if unit & _TIME_UNITS and not counts_time:
                continue
            near = tokens[max(0, i - NEAR_COUNT):i] + tokens[i + 1:i + 1 + NEAR_COUNT]
            if any(same_word(c, w) for c in counted for token_near in near for w in content_words(token_near)):
                return True
    return False


@dataclass(frozen=True)
class Qualifier:
    """What narrows a count ("children in care"): its words, and the reports' other names for the
    narrowed thing (the synonym group "children in care | looked after children | LAC | ...")."""

    words: frozenset[str]
    alternatives: tuple[str, ...]

    @classmethod
    def of(cls, question: str, report_titles: Iterable[str]) -> "Qualifier | None":
        phrase = counted_phrase(question)
        if phrase is None:
            return None
        counted, qualifier = phrase
        words = frozenset(topic_words(qualifier, list(report_titles)))  # "in Sefton" narrows nothing
        # The reports' other names for the narrowed thing: groups called up by the qualifier, or by a
        # term of the count that takes in the qualifier ("children in care"), not by the counted
        # noun alone ("kids" calls up "children", which any count of children would meet).
        narrowing = content_words(qualifier)
        alternatives = tuple(term for group in synonym_groups_called_by(
            lambda t: _has_phrase(qualifier, t) or (_has_phrase(counted, t) and bool(content_words(t) & narrowing)))
            for term in group)
        return cls(words, alternatives) if words or alternatives else None

    def met_by(self, text: str) -> bool:
        if any(_has_phrase(text, term) for term in self.alternatives):
            return True
        return any(same_word(q, w) for q in self.words for w in content_words(text))


def _plain(text: str) -> str:
    """Lower case, hyphens and dashes as spaces ("looked-after" reads as "looked after")."""
    return re.sub(r"[-\u2010-\u2014]", " ", text.lower())


def _has_phrase(text: str, term: str) -> bool:
    return re.search(r"(?<![\w&])" + re.escape(_plain(term)) + r"(?![\w&])", _plain(text)) is not None


def _ends_with_phrase(text: str, term: str) -> bool:
    """Whether the term ends the text, bar figures after it ("kids 0-19")."""
    words = _plain(text).split()
    while words and re.search(r"\d", words[-1]):
        words.pop()
    return re.search(r"(?<![\w&])" + re.escape(_plain(term)) + r"s?$", " ".join(words)) is not None


def other_names(counted: str, acronyms: Mapping[str, str]) -> list[str]:
    """What else the reports call what a question counts, when it is typed as shorthand or an
    acronym ("LAC" -> "looked after children", "looked-after children", ...; "CYP" -> "children
    and young people"): its synonym group's terms and the acronym's long form."""
    names = [long_form for acronym, long_form in acronyms.items()
             if re.fullmatch(rf"{re.escape(acronym)}s?", counted.strip(), re.I)]
    # A term naming the counted thing ends the counted words; one before it only describes it
    # ("SG supervision sessions" counts sessions, not safeguarding; "HV caseload" no health visitors).
    for group in synonym_groups_called_by(lambda term: _ends_with_phrase(counted, term)):
        names += [term for term in group if not _has_phrase(counted, term)]
    # ... and the acronyms of those names' longer forms ("health checks" -> "health assessments" ->
    # "IHA", "initial health assessments"): the reports count them by acronym ("zero IHAs"). The
    # name ends the long form, as it ends the counted words: "CSE" (child sexual exploitation) and
    # "CAMHS" count no children.
    names += [acronym for acronym, long_form in acronyms.items()
              if any(_ends_with_phrase(long_form, name) for name in names)]
    return list(dict.fromkeys(names))


def counts_beside_names(names: list[str], text: str) -> bool:
    """Whether a number stands within a few words of one of the names, read as phrases ("over 600
    looked-after children", "79,000 children and young people")."""
    plain = _plain(_no_dates_or_ranges(text))
    gap = rf"(?:\s+[\w'\u2019%,.]+){{0,{NEAR_COUNT - 1}}}\s+"
    for name in names:
        phrase = re.escape(_plain(name))
        if re.search(rf"\b{_NUMBER_IN_WORDS}(?:\s+|{gap}){phrase}s?\b|\b{phrase}s?(?:\s+|{gap}){_NUMBER_IN_WORDS}\b", plain):
            return True
    return False


# "There are insufficient numbers of LRP frontline practitioners ...": the reports' judgement of a
# number, which answers a question naming "numbers" ("LRP L3 training numbers"), not "how many".
_JUDGED_NUMBERS = re.compile(r"\b(?:insufficient|sufficient|low|lower|high|higher|small|smaller|large|larger|"
                             r"increas\w*|reduc\w*|ris\w*|fall\w*|growing|significant)\s+numbers?\s+of\b", re.I)
_HOW_MANY_ASKED = re.compile(r"\bhow many\b", re.I)


def judged_count(kind: str, question: str, text: str) -> bool:
    """Whether the text judges the number a question asks about without asking how many."""
    return kind == "number" and not _HOW_MANY_ASKED.search(question) and bool(_JUDGED_NUMBERS.search(text))


def age_words(text: str) -> set[str]:
    """The words of the ages the text gives ("five year olds", "aged under 18")."""
    return content_words(" ".join(m.group(0) for m in _AGE.finditer(text)))
