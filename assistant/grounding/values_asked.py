"""What kind of value a question asks for, and what it names as the thing valued.

"How many social workers does Sefton employ?" asks a count, "What is the infant mortality rate?" a
rate, "What CQC rating did Alder Hey get?" a rating, "What is the CAMHS budget?" an amount of money,
"How long is the wait for speech therapy?" a length of time, "How big is the LAC team?" a size. The
kinds are read from the form of the question, not from what these reports discuss; some questions
also name what is valued ("vacancy rate", "triage time", "dentist waiting list", "caseload size"),
which a sentence giving the value must then be about (values_given.py, answer_types.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from assistant.grounding.relevance import (ASKS_A_DURATION, ASKS_HOW_OFTEN, TIMED, area_names, asks_for_a_count,
                                           judges_a_value)
from assistant.retrieval.words import content_words

# Words that name the kind of value asked for, not what it is about.
KIND_WORDS = frozenset(
    "rate number average avg mean percentage proportion share many much name rating rated grade graded "
    "judgement judgment judged total figure score band size big large headcount stat statistic data".split())
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
# Words that say a post is asked about, not which ("vacancie": content_words of "vacancies").
_ANY_POST = frozenset({"what", "which", "pay", "post", "role", "job", "staff", "vacancy", "vacancie"})
# The post whose band is asked, with up to two words naming it ("the designated nurse", "CSE nurse").
_THE_POST = re.compile(rf"\b((?:[\w'\u2019-]+\s+){{0,2}}){_POST}\b", re.I)


def banded_post(question: str) -> set[str]:
    """The words naming the post whose pay band is asked ("what band is the designated nurse?" ->
    {"designated", "nurse"}): a band given for another post ("a band six nurse" for the CSE pilot)
    is no answer."""
    post = _THE_POST.search(question)
    return content_words(post.group(0)) - KIND_WORDS - _ANY_POST if post else set()


_ASKS_OPENING_HOURS = re.compile(r"\b(?:opening (?:hours|times)|open(?:ing)? (?:at )?weekends|what (?:time|hours) "
                                 r"(?:is|are|does|do) (?:[\w'\u2019&-]+ ){0,6}?open|when (?:is|are|does|do) "
                                 r"(?:[\w'\u2019&-]+ ){0,6}?open)\b", re.I)
# A way to reach someone: "the phone number for the sefton MASH", "CAMHS email address", "what
# email do I send it to"; given as a telephone number, an email or a web address. Not the email or
# website itself ("were referrals sent by email?", "what does the teens website offer?").
_ASKS_CONTACT_DETAILS = re.compile(r"\b(?:(?:tele)?phone|contact|mobile|fax) (?:numbers?|nos?\.?|details)|"
                                   r"\be-?mail address(?:es)?\b|\bwhat (?:is the )?e-?mail\b|"
                                   r"\b(?:postal|web|website) address|\burl\b", re.I)

# The noun, not the verb: "a checklist to rate their own safeguarding" asks for no rate.
_ASKS_A_RATE = re.compile(r"(?<!\bto )\brates?\b(?! (?:their|its|his|her|them|themselves|itself|how|the|our|your)\b)",
                          re.I)
# Staff turnover and sickness absence are rates named without the word; a figure gives one only
# beside the measure ("sickness absence CAMHS": a CAMHS waiting time is none).
NAMED_MEASURE = re.compile(r"\b(?:turnover|sickness absence)\b", re.I)


# A rate named by the word before it: "vacancy rate", "immunisation rates" (not "the rate of ...").
_NAMED_RATE = re.compile(r"\b([a-z][a-z-]+)\s+rates?\b", re.I)


def rated_measure(question: str) -> set[str]:
    """The word naming the rate asked for ("alder hey LAC nurse vacancy rate" -> {"vacancy"}); a
    figure beside other words ("within three days") is no vacancy rate. Empty when the rate is
    not named that way."""
    named = _NAMED_RATE.search(question)
    return content_words(named.group(1)) - KIND_WORDS - {"what", "which"} if named else set()


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
_WAITED_BEFORE = re.compile(r"((?:[\w'\u2019&-]+\s+)?[\w'\u2019&-]+)\s+(?:wait|waiting)\s+(?:lists?|times?)\b", re.I)
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
    return {w for w in words - KIND_WORDS - _ASKING_WORDS if w.isalpha()}


# "caseload per HV": what is counted stands before "per" (the number need only be in its sentence).
_COUNTED_PER = re.compile(r"\b([a-z][a-z-]+)\s+per\s+(?!cent\b)\w+", re.I)


def counted_per_head(question: str) -> set[str]:
    """What a "per" question counts ("sefton health visitor caseload per HV" -> {"caseload"})."""
    counted = _COUNTED_PER.search(question)
    return content_words(counted.group(1)) - KIND_WORDS if counted else set()


# Figures asked for by name: "sefton child poverty stats", "figures on teenage pregnancy", "data on
# school nurse caseloads", "any numbers for ..." (not "data sharing", "what data do they record").
# ("stat" alone is more often "start" mistyped: "when should CAMHS stat moving a young person on").
_FIGURES = r"(?:stats|statistics|figures|numbers|data)"
_NUMBER_ASKED = re.compile(rf"\b(?:average|avg|ratio|what (?:figure|score|total))\b|\b(?:stats|statistics)\b|"
                           rf"\b{_FIGURES}\s+(?:on|for|about|re|showing)\b|\b(?:figures|numbers)\W*$|"
                           rf"\b(?:any|latest)\s+{_FIGURES}\b|\bwhat (?:figures|numbers)\b", re.I)
# What figures asked for by name are of, its head word: "stats on tooth decay in leicester kids" ->
# {"decay"}, "sefton child poverty stats" -> {"poverty"}: 70% of schools with a health profile are
# no data on school nurse caseloads.
_FIGURED_AFTER = re.compile(rf"\b{_FIGURES}\s+(?:on|for|about|re|showing)\s+((?:[\w'\u2019&-]+\s+){{0,3}}?"
                            r"[\w'\u2019&-]+?)(?=\s*[?.,;:()]|\s+-|\s+(?:in|at|for|across|within|from|by|among|of)\b|\s*$)",
                            re.I)
_FIGURED_BEFORE = re.compile(r"((?:[\w'\u2019&-]+\s+){0,2}[\w'\u2019&-]+)\s+(?:stats|statistics|figures|data)\b", re.I)


def figured(question: str, report_titles: Iterable[str] = ()) -> set[str]:
    """What the figures a question asks for by name are of, its head word; empty when it names
    none ("any stats?")."""
    return _head_named(question, (_FIGURED_AFTER, _FIGURED_BEFORE), report_titles, _NOT_SIZED | _ASKING_WORDS)


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
# service set up?" (not "when should it start": that asks a rule, which a length of time may give);
# or a date asked by name: "what date did the CSE nurses start", "which month was the review",
# "start date of the text service".
_BEGUN = (r"(?:start\w*|begin|began|begun|launch\w*|open(?:ed)?|introduc\w*|set up|establish\w*|creat\w*|"
          r"c[oa]me in|implement\w*|went live|go live|commission\w*|formed|founded|appointed)")
_ASKS_WHEN_BEGUN = re.compile(rf"\bsince when\b|\b(?:what|which) year (?:did|was|were|has|have)\b|"
                              rf"\bwhen (?:did|was|were|has|have) (?:[\w'\u2019&-]+ ){{1,6}}?{_BEGUN}\b|"
                              rf"\b(?:what|which) (?:date|month)\b|\b(?:start(?:ing)?|launch|go[- ]live) date\b", re.I)


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


def sized(question: str, report_titles: Iterable[str] = ()) -> set[str]:
    """What a question asks the size of, its head word ("sefton school nurse caseload size" ->
    {"caseload"}; "how big is the leicester LAC nurse team" -> {"team"}); empty when it names none
    ("how big is leicester overall")."""
    return _head_named(question, (_SIZED_BEFORE, _SIZED_AFTER), report_titles, _NOT_SIZED)


def _head_named(question: str, patterns: Iterable[re.Pattern], report_titles: Iterable[str],
                framing: frozenset[str]) -> set[str]:
    """The head word of what the first matching pattern names (its group 1): the last of its words
    that is not an area's name, a kind of value or a framing word; empty when there is none."""
    names = area_names(report_titles)
    for pattern in patterns:
        match = pattern.search(question)
        if match:
            words = [w for w in re.findall(r"[a-z]+", match.group(1).lower())
                     if content_words(w) - names - framing - KIND_WORDS]
            if words:
                return content_words(words[-1])
    return set()


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
               or NAMED_MEASURE.search(q)),
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


# The period a value is asked over ("last year", "this year", "over the past 12 months", "than a
# year ago") and the change asked of it ("go up", "risen") say how the value is asked, not what it
# is about: "what % of sefton LAC saw a dentist this year" is not answered by "five year olds".
_PERIOD = re.compile(r"\b(?:(?:in|over|during|for|within)\s+)?(?:the\s+)?(?:this|last|past|previous|current|latest)\s+"
                     r"(?:(?:\d+|twelve|few|two|three|six)\s+)?(?:financial\s+|academic\s+|calendar\s+)?"
                     r"(?:years?|yrs?|months?|weeks?|quarters?)\b|\b(?:than\s+)?(?:a|one|\d+)\s+(?:years?|months?)\s+ago\b",
                     re.I)
_CHANGE = re.compile(r"\b(?:go(?:ne|ing)?|went)\s+(?:up|down)\b|\b(?:ris(?:e|en|ing)|rose|increas(?:e|ed|ing)|"
                     r"f[ae]ll(?:en|ing)?|drop(?:ped|ping)?|gr[eo]wn?|grow(?:ing|th)?|decreas(?:e|ed|ing)|"
                     r"declin(?:e|ed|ing))\b", re.I)


def without_period_or_change(question: str) -> str:
    """The question without the period its value is asked over and the change asked of it."""
    return _CHANGE.sub(" ", _PERIOD.sub(" ", question))


# A length of time asked in a unit ("the CAMHS waiting list in weeks", "how many days") wants a figure,
# not "delays" or "a lengthy wait".
_IN_UNITS = re.compile(r"\b(?:in|how many) (?:working )?(?:hours|days|weeks|months|years)\b", re.I)


def asks_in_units(question: str) -> bool:
    return bool(_IN_UNITS.search(question))
