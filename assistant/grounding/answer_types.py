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

The kinds are read from the form of the question and the values from the form of the sentence,
not from what these reports discuss, so they carry over to reports nobody here has read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from assistant.grounding.relevance import (A_DATE_IN_FIGURES, A_DURATION, A_FREQUENCY, A_SHARE, ASKS_A_DURATION,
                                           ASKS_HOW_OFTEN, TIMED, ScoredSentence, area_names, asks_for_a_count,
                                           counted_phrase, counted_text, counted_words, judges_a_value,
                                           neighbour_in_paragraph, same_word, topic_words, unknown_word_share)
from assistant.retrieval.query_analysis import synonym_groups_called_by
from assistant.retrieval.words import NUMBER_WORDS, STOPWORDS, content_words

# Words that name the kind of value asked for, not what it is about.
_KIND_WORDS = frozenset(
    "rate number average avg mean percentage proportion share many much name rating rated grade graded "
    "judgement judgment judged total figure score band size big large headcount".split())
# Words used by so many paragraphs (inverse document frequency below this) that sharing one says
# nothing about a sentence ("children", "health", "service" in these reports).
DISTINCTIVE_IDF = 1.5
SCANNED_SENTENCES = 12  # the best-scoring retrieved sentences, and all of the best paragraphs:
LEAD_PARAGRAPHS = 3
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
_PEOPLE = ("chief executive|director|head|lead|chair|manager|doctor|nurse|midwife|gp|officer|consultant|"
           "paediatrician|commissioner")


# "rate" as a verb with a subject asks for a rating too: "what did Ofsted rate children's services?"
_RATE_AS_A_VERB = re.compile(r"\b(?:did|do|does|would|will)\b(?:\s+[\w'\u2019-]+){1,6}?\s+rate\b", re.I)
_ASKS_A_RATING = re.compile(rf"\b(?:rating|rated|grade|graded|judgement|judgment|judged)\b|{_RATE_AS_A_VERB.pattern}",
                            re.I)
# A grade the question gives, not asks: a triage colour ("requests graded green", "red-rated
# cases", "the RAG rating") sorts referrals by urgency; it is no inspection rating.
_TRIAGE_GRADE = re.compile(r"\b(?:red|amber|green|blue|rag)[\s-]*(?:rated|rating|graded|grade)\b|"
                           r"\b(?:rated|graded)\s+(?:as\s+)?(?:red|amber|green|blue)\b", re.I)

# A grade or band of a post is its pay band ("CSE nurse posts funded - what grade?", "what band are
# the LAC nurses?"), no inspection rating; a band given in figures or words gives it.
_POST = r"(?:posts?|roles?|jobs?|nurses?|staff|workers?|practitioners?|midwi(?:fe|ves)|visitors?|doctors?|vacanc\w*)"
_ASKS_A_PAY_BAND = re.compile(rf"\b(?:grades?|bands?)\b(?=.*\b{_POST}\b)|\b{_POST}\b.*\b(?:grades?|bands?)\b", re.I)
_A_PAY_BAND = re.compile(rf"\bbands?\s+(?:\d|{_NUMBER_WORDS}|one)\b", re.I)
# Words that say a post is asked about, not which ("vacancie": content_words of "vacancies").
_ANY_POST = frozenset({"what", "which", "pay", "post", "role", "job", "staff", "vacancy", "vacancie"})
# The post whose band is asked, with up to two words naming it ("the designated nurse", "CSE nurse").
_THE_POST = re.compile(rf"\b((?:[\w'\u2019-]+\s+){{0,2}}){_POST}\b", re.I)


def banded_post(question: str) -> set[str]:
    """The words naming the post whose pay band is asked ("what band is the designated nurse?" ->
    {"designated", "nurse"}): a band given for another post ("a band six nurse" for the CSE pilot)
    is no answer."""
    post = _THE_POST.search(question)
    return content_words(post.group(0)) - _KIND_WORDS - _ANY_POST if post else set()


_ASKS_OPENING_HOURS = re.compile(r"\b(?:opening (?:hours|times)|open(?:ing)? (?:at )?weekends|what (?:time|hours) "
                                 r"(?:is|are|does|do) (?:[\w'\u2019&-]+ ){0,6}?open|when (?:is|are|does|do) "
                                 r"(?:[\w'\u2019&-]+ ){0,6}?open)\b", re.I)
# A way to reach someone: "the phone number for the sefton MASH", "CAMHS email address", "what
# email do I send it to"; given as a telephone number, an email or a web address. Not the email or
# website itself ("were referrals sent by email?", "what does the teens website offer?").
_ASKS_CONTACT_DETAILS = re.compile(r"\b(?:(?:tele)?phone|contact|mobile|fax) (?:numbers?|nos?\.?|details)|"
                                   r"\be-?mail address(?:es)?\b|\bwhat (?:is the )?e-?mail\b|"
                                   r"\b(?:postal|web|website) address|\burl\b", re.I)
_CONTACT_GIVEN = re.compile(r"\b0\d{2,4}[\s-]?\d{3}[\s-]?\d{3,4}\b|[\w.-]+@[\w-]+\.[\w.]+|\bwww\.|https?://",
                            re.I)
# Hours given as a clock time, a span of days or "24 hours a day"; not "within 24 hours" (a wait).
_HOURS_GIVEN = re.compile(r"\b\d{1,2}(?:[:.]\d\d)?\s?(?:am|pm)\b|\b\d{1,2}:\d\d\b|\b(?:24|twenty[- ]four) hours? "
                          r"(?:a|per|each) day\b|\b24/7\b|\b(?:seven|7) days (?:a|per|each) week\b|\bmonday to "
                          r"(?:friday|saturday|sunday)\b|\b(?:out of|office|working|opening) hours\b|\bevenings? and "
                          r"weekends?\b", re.I)

# The noun, not the verb: "a checklist to rate their own safeguarding" asks for no rate.
_ASKS_A_RATE = re.compile(r"(?<!\bto )\brates?\b(?! (?:their|its|his|her|them|themselves|itself|how|the|our|your)\b)",
                          re.I)
# Staff turnover and sickness absence are rates named without the word; a figure gives one only
# beside the measure ("sickness absence CAMHS": a CAMHS waiting time is none).
_NAMED_MEASURE = re.compile(r"\b(?:turnover|sickness absence)\b", re.I)
_MEASURE_STATED = {"turnover": re.compile(r"\bturnover\b", re.I),
                   "sickness absence": re.compile(r"\b(?:sickness|absence)\b", re.I)}


# A ratio is given as one: "1:250", "one nurse per 2,000 pupils", "for every", or named; "per"
# only before a figure or a word of the question ("per nurse"; "three sessions per year" is none).
_RATIO_ASKED = re.compile(r"\bratios?\b", re.I)
_A_RATIO = re.compile(r"\b\d+\s*:\s*\d+\b|\bfor every\b|\bto every\b|\bratios?\b", re.I)
_PER = re.compile(r"\bper\s+(?:(?:one|a|an|each|every)\s+)?([\w,.]+)", re.I)


def _gives_a_ratio_if_asked(question: str, text: str) -> bool:
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


def _states_what_is_averaged(question: str, text: str) -> bool:
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


def _states_the_measure(question: str, text: str) -> bool:
    """Whether the text names the measure the question names, if it names one (_NAMED_MEASURE)."""
    named = _NAMED_MEASURE.search(question)
    return named is None or bool(_MEASURE_STATED[named.group(0).lower()].search(text))


# A rate named by the word before it: "vacancy rate", "immunisation rates" (not "the rate of ...").
_NAMED_RATE = re.compile(r"\b([a-z][a-z-]+)\s+rates?\b", re.I)


def rated_measure(question: str) -> set[str]:
    """The word naming the rate asked for ("alder hey LAC nurse vacancy rate" -> {"vacancy"}); a
    figure beside other words ("within three days") is no vacancy rate. Empty when the rate is
    not named that way."""
    named = _NAMED_RATE.search(question)
    return content_words(named.group(1)) - _KIND_WORDS - {"what", "which"} if named else set()


# A length of time named by what is timed: "ED triage time", "response times".
_NAMED_TIME = re.compile(rf"\b{TIMED}\b", re.I)


def timed_step(question: str) -> set[str]:
    """What the length of time asked for times ("alder hey ED triage time" -> {"triage"}): "within
    three days" of something else is no triage time. Empty when it is not named that way."""
    named = _NAMED_TIME.search(question)
    return content_words(named.group(1).replace("-", "")) if named else set()


# What a wait is for, named before "waiting list/time" ("sefton LAC dentist waiting list") or after
# "wait(ing) for" ("waiting time for autism assessment"), up to two words.
_WAIT = r"(?:wait|waiting)(?:\s+(?:lists?|times?))?"
_WAITED_BEFORE = re.compile(rf"((?:[\w'\u2019&-]+\s+)?[\w'\u2019&-]+)\s+(?:wait|waiting)\s+(?:lists?|times?)\b", re.I)
_WAITED_AFTER = re.compile(rf"\b{_WAIT}\s+(?:like\s+)?for\s+(?:an?\s+|the\s+)?((?:[\w'\u2019&-]+\s*){{1,2}})", re.I)
# ... or what takes the time asked ("how long does a child protection medical take?"), up to four words.
_TAKES = re.compile(r"\bhow long (?:does|do|did|will|would|should) (?:an? |the )?((?:[\w'\u2019&-]+\s+){0,3}?"
                    r"[\w'\u2019&-]+)\s+(?:take|last)s?\b", re.I)
# Words that ask or describe rather than name what is waited for ("compare waiting times for CAMHS").
_ASKING_WORDS = frozenset("compare comparison show list give tell explain describe summarise summarize outline "
                          "current typical longest shortest median usual".split())


# A word many paragraphs use ("adult", "assessment") says less of what is waited for than a rare
# one ("ADHD"): when the wait is named by both, only the rare words must be said.
SPECIFIC_IDF = 2.5


def specific(words: set[str], word_weights: Mapping[str, float]) -> set[str]:
    """The words that say most precisely what is waited for: those few paragraphs use (or none
    does), or all of them when every one is common."""
    rare = {w for w in words if word_weights.get(w, float("inf")) >= SPECIFIC_IDF}
    return rare or words


def waited_for(question: str) -> set[str]:
    """What the wait asked about is for ("sefton LAC dentist waiting list wks" -> {"lac",
    "dentist"}): "within three days" of a LAC health assessment is no wait for a dentist; or what
    takes the time ("how long does a child protection medical take" -> {"child", "protection",
    "medical"}): the "delayed discharge of medically fit mothers" is not it. Empty when the
    question does not name it that way ("how long do children wait?")."""
    words: set[str] = set()
    for pattern in (_WAITED_BEFORE, _WAITED_AFTER, _TAKES):
        for match in pattern.finditer(question):
            words |= content_words(match.group(1))
    return {w for w in words - _KIND_WORDS - _ASKING_WORDS if w.isalpha()}


# "caseload per HV": what is counted stands before "per" (the number need only be in its sentence).
_COUNTED_PER = re.compile(r"\b([a-z][a-z-]+)\s+per\s+(?!cent\b)\w+", re.I)


def counted_per_head(question: str) -> set[str]:
    """What a "per" question counts ("sefton health visitor caseload per HV" -> {"caseload"})."""
    counted = _COUNTED_PER.search(question)
    return content_words(counted.group(1)) - _KIND_WORDS if counted else set()


_NUMBER_ASKED = re.compile(r"\b(?:average|avg|ratio|what (?:figure|score|total))\b", re.I)
# Staff name an amount rather than ask "how much": "budget for the LAC team", "spend on CAMHS",
# "CAMHS annual spend", "LAC health spend" (not "budget pressures", and not when the question
# judges it: "is the budget enough?"; "spend" ending a question is the noun).
_NAMES_AN_AMOUNT = re.compile(r"\b(?:budgets?|spend(?:ing)? on|(?:annual|yearly|total|overall) (?:spend(?:ing)?|costs?|"
                              r"funding)|spend(?:ing)?(?=\W*$))\b(?!\s+(?:pressures?|cuts?|constraints?|restraints?|"
                              r"reductions?|savings?))", re.I)
_ASKS_AN_AMOUNT = re.compile(
    r"\b(?:how much (?:money|funding|budget)|how much (?:[\w'\u2019-]+ ){1,5}(?:cost|spen[dt]|paid|funded|invest\w*|earn\w*)|"
    r"what (?:is|was|are|were) (?:[\w'\u2019-]+ ){0,5}(?:budgets?|salary|salaries|cost|spend|funding)|how (?:big|large) is "
    r"(?:[\w'\u2019-]+ ){0,5}budget)\b", re.I)


def _asks_an_amount(question: str) -> bool:
    return bool(_ASKS_AN_AMOUNT.search(question)) or (
        bool(_NAMES_AN_AMOUNT.search(question)) and not judges_a_value(question))


# When something began: "when did the sefton MASH start up", "since when ...", "what year was the
# service set up?" (not "when should it start": that asks a rule, which a length of time may give).
_BEGUN = (r"(?:start\w*|begin|began|begun|launch\w*|open(?:ed)?|introduc\w*|set up|establish\w*|creat\w*|"
          r"c[oa]me in|implement\w*|went live|go live|commission\w*|formed|founded|appointed)")
_ASKS_WHEN_BEGUN = re.compile(rf"\bsince when\b|\b(?:what|which) year (?:did|was|were|has|have)\b|"
                              rf"\bwhen (?:did|was|were|has|have) (?:[\w'\u2019&-]+ ){{1,6}}?{_BEGUN}\b", re.I)
# A date: a year or a month, or said in words ("recently", "newly").
_A_DATE = re.compile(rf"{A_DATE_IN_FIGURES.pattern}|\b(?:recent(?:ly)?|newly|last year|this year)\b", re.I)


# A size: "sefton school nurse caseload size", "size of the MASH", "how big is the LAC nurse team",
# "how large are caseloads", "what size is the team", "headcount". What is sized stands before
# "size" or after "size of" / "how big is"; its head is the last word that is not an area's name
# or a word framing the question.
_ASKS_A_SIZE = re.compile(r"\bsizes?\b(?! fits)|\bhow (?:big|large)\b|\bhead ?counts?\b", re.I)
_SIZED_BEFORE = re.compile(r"([\w'\u2019&-]+)\s+(?:sizes?|head ?counts?)\b", re.I)
_SIZED_AFTER = re.compile(r"\b(?:sizes? of|(?:what size|how (?:big|large)) (?:is|are|was|were|will))\s+"
                          r"((?:[\w'\u2019&-]+\s+){0,5}?[\w'\u2019&-]+?)"
                          r"(?=\s*[?.,;:()-]|\s+(?:in|at|for|across|now|currently|be|get)\b|\s*$)", re.I)
_NOT_SIZED = frozenset("overall total average typical usual roughly approximately current currently".split())
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


def sized(question: str, report_titles: Iterable[str] = ()) -> set[str]:
    """What a question asks the size of, its head word ("sefton school nurse caseload size" ->
    {"caseload"}; "how big is the leicester LAC nurse team" -> {"team"}); empty when it names none
    ("how big is leicester overall")."""
    names = area_names(report_titles)
    for pattern in (_SIZED_BEFORE, _SIZED_AFTER):
        match = pattern.search(question)
        if match:
            words = [w for w in re.findall(r"[a-z]+", match.group(1).lower())
                     if content_words(w) - names - _NOT_SIZED - _KIND_WORDS]
            if words:
                return content_words(words[-1])
    return set()


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
class AnswerKind:
    name: str
    asked: Callable[[str], object]  # true when a question asks for this kind


KINDS = (
    AnswerKind("percentage", re.compile(r"\b(?:percentage|proportion|share of|what share|per ?cent|what fraction)\b|%",
                                        re.I).search),
    AnswerKind("number", lambda q: asks_for_a_count(q) or _NUMBER_ASKED.search(q)),
    # "How much did the council spend on it?", "What is the CAMHS budget?": an amount of money.
    AnswerKind("money", _asks_an_amount),
    # "How long is the wait for an autism assessment?", "CAMHS waiting times": a length of time.
    # "What is the average length of a drop-in session?", "ED triage time": a length of time too.
    # "How soon ...", "how quickly ...", "the wait for ...", "turnaround for ...", "deadline for ...": the same.
    AnswerKind("duration", ASKS_A_DURATION.search),
    # "How often ...", "how regularly ...", "how many times a year ...": a frequency.
    AnswerKind("frequency", ASKS_HOW_OFTEN.search),
    # "caseload size", "how big is the LAC team", "size of the MASH", "headcount": a size.
    AnswerKind("size", _ASKS_A_SIZE.search),
    # "When did the MASH start?", "since when ...", "what year was it set up?": a date.
    AnswerKind("date", _ASKS_WHEN_BEGUN.search),
    # "the phone number for the MASH", "CAMHS email": a way to reach a service.
    AnswerKind("contact details", _ASKS_CONTACT_DETAILS.search),
    # "FGM clinic opening times", "when is the crisis team open": the hours of a service.
    AnswerKind("opening hours", _ASKS_OPENING_HOURS.search),
    # A rate by name ("the immunisation rate"), not "rate" as a verb; or staff turnover and sickness
    # absence, rates named without the word.
    AnswerKind("rate", lambda q: (_ASKS_A_RATE.search(q) and not _RATE_AS_A_VERB.search(q))
               or _NAMED_MEASURE.search(q)),
    AnswerKind("rating", lambda q: _ASKS_A_RATING.search(_TRIAGE_GRADE.sub(" ", q))
               and not _ASKS_A_PAY_BAND.search(q)),
    AnswerKind("pay band", _ASKS_A_PAY_BAND.search),
    # ... or a person's name typed after them ("the LSCB chair's name", "designated doctor name"; not
    # the verb: "does the GP name the child").
    AnswerKind("name", re.compile(rf"\b(?:names? of|what is (?:the|their|his|her) name|who (?:is|was|are|were) "
                                  rf"(?:the|its|their)(?: \w+){{0,3}} (?:{_PEOPLE})s?|who (?:chairs|chaired)|"
                                  rf"(?:{_PEOPLE})(?:'s|\u2019s)? names?(?! (?:the|a|an|their|his|her|its|them)\b))\b",
                                  re.I).search),
)


def asked_kinds(question: str) -> list[str]:
    """The kinds of value a question asks for (a percentage is a number, so it is asked once)."""
    kinds = [kind.name for kind in KINDS if kind.asked(question)]
    for general in ("number", "rate"):
        if "percentage" in kinds and general in kinds:
            kinds.remove(general)
    if "duration" in kinds and "number" in kinds and not asks_for_a_count(question):
        kinds.remove("number")  # "the average length of a session" asks how long, not how many
    if "frequency" in kinds and "number" in kinds:
        kinds.remove("number")  # "how many times a year": how often, not a count
    if "size" in kinds and ("money" in kinds or "number" in kinds):
        kinds.remove("size")  # "how big is the CAMHS budget": an amount; "how many nurses (team size)": a count
    return kinds


@dataclass(frozen=True)
class Vocabulary:
    """What the checks need from the stored reports: each word's inverse document frequency and
    how often each capitalised word is used."""

    word_weights: Mapping[str, float]
    capitalised: Mapping[str, int]
    acronyms: Mapping[str, str] = field(default_factory=dict)  # as the reports define them: LAC -> looked after children


# A length of time asked in a unit ("the CAMHS waiting list in weeks", "how many days") wants a figure,
# not "delays" or "a lengthy wait".
_IN_UNITS = re.compile(r"\b(?:in|how many) (?:working )?(?:hours|days|weeks|months|years)\b", re.I)


def _gives(kind: str, text: str, vocabulary: Vocabulary, in_units: bool = False) -> bool:
    if kind == "percentage":
        return bool(A_SHARE.search(text))
    if kind == "number":
        return bool(_A_NUMBER.search(_no_dates_or_ranges(text)))
    if kind == "rate":  # a figure, or the reports' way of giving a rate: against an average
        return bool(_A_NUMBER.search(_no_dates_or_ranges(text)) or _AGAINST_AN_AVERAGE.search(text))
    if kind == "rating":
        return bool(_A_RATING.search(text))
    if kind == "pay band":
        return bool(_A_PAY_BAND.search(text))
    if kind == "opening hours":
        return bool(_HOURS_GIVEN.search(text))
    if kind == "contact details":
        return bool(_CONTACT_GIVEN.search(text))
    if kind == "money":
        return bool(_AN_AMOUNT.search(text))
    if kind == "frequency":
        return bool(A_FREQUENCY.search(text))
    if kind == "date":
        return bool(_A_DATE.search(text))
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
                  r"[- ]olds?\b", re.I)  # "16 and 17 yr olds" as staff type it
_UNDER_AN_AGE = re.compile(r"\bunder[- ]\d+\s+years?\b", re.I)
_YEAR_OLDS = re.compile(rf"\b{_AN_AGE_NUMBER}[- ](?:years?|yrs?)[- ]olds?\b", re.I)
# Nor does a pointer to a numbered part of a report ("(Recommendation 3.11)", "paragraph 5.2").
_POINTER = re.compile(r"\b(?:recommendations?|paragraphs?|sections?)\s+\d+(?:\.\d+)*", re.I)
# Nor does a numbered level ("training at level three", "level 3 safeguarding training").
_LEVEL = re.compile(rf"\blevels?\s+(?:\d|one|{_NUMBER_WORDS})\b(?:\s+(?:and|or|to)\s+(?:\d|one|{_NUMBER_WORDS})\b)?", re.I)


def _no_dates_or_ranges(text: str) -> str:
    """The text without years, age ranges, ages, pointers to numbered parts and numbered levels,
    which count nothing ("in 2015", "the 0-19 service", "aged under 18", "(Recommendation 3.11)",
    "level three training")."""
    return _LEVEL.sub(" ", _POINTER.sub(" ", _AGE.sub(" ", _RANGE.sub(" ", _YEARS.sub(" ", text)))))


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
    return _distinctive(set(words) - _KIND_WORDS, word_weights)


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
    in_units = bool(_IN_UNITS.search(asking))
    focus = _distinctive(topic_words(question, titles) - _KIND_WORDS - counted - size_of, vocabulary.word_weights)
    # An age says whose value is asked, not what it is of ("what share of five year olds in Sefton
    # have tooth decay": a percentage of anything said of children is no answer).
    focus = (focus - content_words(" ".join(m.group(0) for m in _AGE.finditer(question)))) or focus
    reworded = reports_words_for(focus | measure | per_head | timed | waited, vocabulary.word_weights)
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
        elif not (_gives(kind, text, vocabulary, in_units) or judged):
            return False
        if kind == "number":
            if counted and not (judged or counts_beside(counted, text) or counts_beside_names(names, text)
                                or (stand_ins and _shared(stand_ins, text) == len(stand_ins))):
                return False
            if qualifier is not None and not (qualifier.met_by(text) or _said_before(sentence, scored, qualifier.met_by)):
                return False
            if not (_states_what_is_averaged(asking, text) and _gives_a_ratio_if_asked(asking, text)):
                return False
            if per_head and _shared(per_head, text, reworded) < len(per_head):
                return False
        if kind == "rate" and not _states_the_measure(asking, text):
            return False
        # An average wait is said of the wait: one family's "six weeks old ... six months old by the
        # time of her appointment" is no average.
        if kind == "duration" and not _states_what_is_averaged(asking, text):
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
