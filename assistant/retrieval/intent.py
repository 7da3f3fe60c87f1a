"""What a question asks for, read from its form rather than its topic: what was recommended, a
fact about the review itself, a case example, what people told the reviewers. Each intent names
the kinds of paragraph that hold such answers; retrieval ranks those kinds on their own as one
more ranking to fuse, so a recommendation question finds the recommendation and not only the
finding that led to it.

The patterns are about how people ask ("what were they told to do", "when was the review",
"in the example"), not about what the reports discuss, so they carry over to reports and
questions nobody here has seen."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.retrieval.review_facts import asked_fields
from assistant.retrieval.words import folded

# "what should the nurse have raised" asks what was due in a case, not what the review asked for.
_NOT_WHAT_WAS_DUE = (r"(?!(?:[\w'\u2019-]+ ){0,3}have (?:been|done|made|seen|known|taken|given|gone|had|said|told|"
                     r"\w+ed)\b)")
_RECOMMENDATION = re.compile(
    r"\b(?:recommend\w*|recs?|told to|asked to|advised to|urged to|required to|should (?:they|it|the \w+) do|"
    r"what (?:actions?|improvements?|changes|steps) (?:were|was|are|is|should|must|do|does|did)|"
    r"(?:action|improvement)s? (?:required|needed|asked for)|"
    # "what did the CCGs need to do", "what did inspectors ask the CCGs to do", "what did they want done"
    r"what (?:did|do|does|should|would|will) (?:[\w'\u2019-]+ ){1,4}(?:need|have|ought|ask|want|expect|require)\w* "
    r"(?:[\w'\u2019-]+ ){0,6}to do|what (?:did|do|does) (?:[\w'\u2019-]+ ){1,3}want\w* (?:\w+ )?done|"
    # the review wanting someone to act, whoever and whatever: "what did the review want the Leicester
    # adult drug and alcohol service to do", "what did inspectors want Southport A&E to check", "what
    # prompts did the review want A&E to use"
    r"(?:what|how|which)(?: [\w'\u2019-]+){0,2}? (?:did|do|does|would|will) (?:the )?(?:review(?:ers)?|inspectors?|"
    r"inspection|report|cqc|they) "
    r"(?:want|ask|expect|require|urge|advise|tell)\w* (?:[^\s?]+ ){1,12}?to (?!the\b|a\b)[a-z]+\b|"
    # ... or telling an organisation about something: "what did inspectors tell LPT about CP plans"
    # (not "what did the inspectors tell us about ...", which asks what they found)
    r"\b(?:review(?:ers)?|inspectors?|inspection|report|cqc) (?:tell|told) (?!us\b|me\b|you\b|readers\b)"
    r"(?:[\w'\u2019&-]+ ){1,6}?(?:about|on|regarding)\b|"
    # what would put it right, and the review's advice: "what would fix the IHA delays, according
    # to the report?", "what was the advice on IHA delays?"
    r"what (?:would|could|will) (?:fix|solve|sort out|resolve|remedy|put right)\b|"
    r"what (?:was|is|were|are) (?:the |their |its )?(?:review's |report's |cqc's |inspectors' )?advice (?:on|about|regarding)\b|"
    r"what (?:advice|guidance) did (?:the )?(?:review(?:ers)?|inspectors?|report|cqc|they) give\b|"
    # what is to be done, asked with a word of obligation: "what should the designated nurse be
    # freed up to do", "what training should ward staff get", "how should AMH track referrals",
    # "who should be told", "should the team keep its access?", "what did the review say managers
    # should do", "how much training should midwives get"; with "need to"/"have to", only before a
    # verb of doing ("what do sefton need to fix", not "what do GPs need to know"). "What should
    # happen when ..." asks about practice, "what should the nurse have raised" about a case.
    rf"how (?:(?:much|many|often|long|soon) (?:[\w'\u2019/-]+ ){{0,4}}?)?(?:should|must|ought) {_NOT_WHAT_WAS_DUE}|"
    r"who (?:should|must|ought)\b|^\s*should\b|"
    rf"what (?:[\w'\u2019/-]+ ){{0,4}}?(?:should|must|ought to)(?! happen\b) {_NOT_WHAT_WAS_DUE}|"
    r"\b(?:say|said|says|think|thinks|thought|want|wants|wanted) (?:that )?(?:[\w'\u2019-]+ ){0,7}"
    r"(?:should|must|ought to)\b|"
    # suggested, proposed or advised by the review, and what came out of it: "what was suggested to
    # improve GP input", "what did the inspectors propose", "what is the advice to Sefton about the
    # MASH", "what actions came out of the review for Alder Hey", "the review's asks of Mersey Care"
    r"\bwhat (?:was|were|is|are) (?:being )?(?:suggested|proposed|advised)\b|"
    r"\b(?:review(?:ers)?|inspectors?|inspection|report|cqc|they) (?:suggest|propos|advis)\w*\b|"
    r"\badvice (?:to|for) (?:[\w'\u2019&-]+ ){1,4}?(?:on|about|regarding)\b|"
    r"\b(?:actions?|changes|improvements?) (?:came|come|coming) (?:out of|from) (?:the |this )?"
    r"(?:review|report|inspection)\b|"
    r"\basks of\b|"
    # "what was asked of Alder Hey and the community trust"
    r"\bwhat(?: (?:was|were|is|are)|['\u2019]s) (?:being )?(?:asked|required|expected|wanted) of\b|"
    # typed as a heading: "actions for sefton CCG on IHAs", "the ask of the CCG around LAC health"
    r"(?<!\bof )\bactions? for\b|\bthe asks? (?:of|for)\b|"
    r"what (?:[\w'\u2019/-]+ ){0,4}?(?:needs? to|has to|have to)"
    r"(?: [\w'\u2019/-]+){0,12}? (?:do|fix|change|improve|address|tackle|sort out|put in place|introduce|"
    r"develop|strengthen|implement|establish|make|take)|"
    # the same asked with the thing as subject: "what needs fixing in the A&E letters", "what
    # needs to be done about IHA delays", "what has to be improved"
    r"what (?:[\w'\u2019/-]+ ){0,6}?(?:needs?|has|have) (?:fixing|improving|changing|sorting(?: out)?|doing|"
    r"to be (?:done|fixed|improved|changed|sorted(?: out)?|addressed|put right|put in place|strengthened))\b|"
    # what the review asked for: "what did CQC ask for", "what change to the policy was asked for";
    # and what it asked about something or wanted for someone: "what did the Sefton report ask
    # about supervision?", "what did the review want for Sefton's team managers?"
    r"what\b.{0,60}?\b(?:did (?:[\w'\u2019-]+ ){1,3}|(?:was|were) (?:\w+ )?)(?:ask|call|press|push)(?:ed)? for)\b|"
    r"\bwhat (?:did|does) (?:the )?(?:\w+ )?(?:review|report|inspection|cqc) (?:ask|call|press|push|want) "
    r"(?:about|on|regarding|in relation to|for)\b", re.I)
# "Are GPs asked to contribute to health assessments?" asks what happens in practice, not what the
# review asked for.
_PRACTICE = re.compile(r"^\s*(?:[^,?]*,\s*)?(?:are|is|do|does)\b(?!.*\b(?:recommend\w*|recs?)\b)(?!.*\bto do\b)", re.I)
# Beyond the labelled facts (review_facts.asked_fields): the review's history and its basis, and
# the Ofsted inspections its context section reports ("ofsted SIF sefton 2016"; Ofsted is named
# nowhere else in the reports).
_ABOUT_THE_REVIEW = re.compile(
    r"\b(?:last inspect\w*|previous inspection|ofsted|before this (?:one|review|inspection)|under (?:what|which) "
    r"(?:law|act|section|powers?)|why (?:was|did) (?:the |this )?(?:review|inspection)|"
    r"how (?:was|were|did) (?:the |this |they |inspectors |the inspectors )?(?:\w+ )?(?:review|inspection|inspect|do the|"
    r"carry out|conduct)|(?:review|inspection) (?:methods?|team)|who did (?:the )?(?:inspectors|reviewers|they) "
    r"(?:talk|speak|meet)|"
    # how the cases were chosen: "how did inspectors pick which cases to look at", "which cases
    # were tracked"
    r"how (?:did|do) (?:the )?(?:\w+ )?(?:inspectors|reviewers|they|review team|inspection team) (?:choose|pick|select|"
    r"sample)|how (?:were|was) (?:the )?(?:\w+ )?(?:cases|case files|records) (?:chosen|picked|selected|"
    r"sampled)|(?:which|what) cases (?:did|were) (?:the )?(?:they |inspectors |reviewers )?(?:look at|looked at|track|"
    r"tracked|sample|sampled|chosen|picked|selected))\b", re.I)
# What the review covered: "what does the Leicester report cover?", "does the review take in ...?",
# "did leicester review cover LAC health assessments" - said in the report's summary and "About the
# review".
_SCOPE = re.compile(
    r"\b(?:(?:what|who|which children) (?:did|does|do) (?:the |this )?(?:\w+ )?(?:review|inspection|report) "
    r"(?:look at|cover|focus on|explore|include|take in)|^\s*(?:did|does) (?:the |this )?(?:\w+ )?"
    r"(?:review|inspection|report) (?:look at|cover|include|take in)|"
    r"what (?:is|was) the (?:focus|scope) of)\b", re.I)
# A case named by what it was about: "in the Leicester LRP case", "the Sefton case where the midwife
# ...", "in the Leicester case of a father" (not "in the case of children in care", "serious case
# reviews", "the case load").
_CASE_IN_A_TERM = r"(?! (?:reviews?|load|work|notes?|files?|conferences?|management|holders?)\b)"
_A_NAMED_CASE = (rf"(?:in|from) (?:the|that|this) (?:[\w'\u2019&-]+ ){{1,6}}?case\b{_CASE_IN_A_TERM}|"
                 r"\bcase (?:where|in which|when)|"
                 # typed short, the case named by the words before it: "MH case leicester - did ..."
                 r"^\s*(?:[\w&'\u2019/-]+ ){1,6}(?<!\bthe )(?<!\ba )(?<!\bthis )(?<!\bthat )(?<!\bany )(?<!\bin )"
                 rf"(?<!\bserious )case\b{_CASE_IN_A_TERM}(?! of\b)")
_CASE_EXAMPLE = re.compile(r"\b(?:case examples?|examples?|in one (?:\w+ )?case|a case where|one case|case stud(?:y|ies)|"
                           rf"{_A_NAMED_CASE})\b", re.I)
# The people whose words the reports quote: children, families and carers, as they are asked about.
_PEOPLE = (r"(?:parents?|mothers?|fathers?|(?:foster )?carers?|care leavers?|famil(?:y|ies)|young (?:people|person)|"
           r"teenagers?|kids|child(?:ren)?(?: in care)?|looked after children|lac|mums?|dads?|pupils?|patients?|"
           r"service users?)")
# The same people by kind, as content words (words.content_words), for telling whether a report
# quotes anyone of the kind asked about: a mum's words are a parent's ("In maternity we spoke to
# parents who told us ..."), a foster carer's are not a care home manager's or a young person's.
# Patients and service users are of any kind.
PEOPLE_KINDS = tuple(frozenset(folded(word) for word in kind.split()) for kind in (
    "parent parents mother mothers mum mums father fathers dad dads partner partners family families",
    "child children young kid kids teenager teenagers pupil pupils lac looked leaver leavers",
    "carer carers foster",
))
# "What did a parent staying with their child in hospital say?": who is quoted may be described at
# length, the verb of saying ending the question (or leading to what it was about).
_TOLD_US = re.compile(rf"\b(?:what did (?:a |one |the |some )?(?:\w+ )?{_PEOPLE} (?:say|tell|think|feel)|"
                      rf"what did (?:a |one |the |some )?(?:\w+ )?{_PEOPLE}(?: [\w'\u2019,-]+){{1,12}}? (?:say|tell (?:us|"
                      rf"(?:the )?inspectors|(?:the )?review(?:ers)?)|think|feel)(?=\s*(?:\?|$|about\b|of\b|[-\u2013\u2014,:]))|{_PEOPLE} "
                      rf"(?:said|told|say|think|feel)|views? of|feedback from|"
                      rf"{_PEOPLE}(?:'s?|\u2019s?)? (?:views?|opinions?|comments?|feedback) (?:on|about|of)|"
                      # typed short: "parent comment S&O A&E", "care leaver quotes" (views and feedback
                      # alone are also what findings weigh: "are young people's views captured?")
                      rf"{_PEOPLE}(?:'s?|\u2019s?)? (?:comments?|quotes?|quotations?)|"
                      # "how did young people describe CAMHS", "quotes from care leavers"
                      rf"how (?:did|do) (?:a |one |the |some )?(?:\w+ )?{_PEOPLE} (?:describe|rate)|"
                      rf"(?:quotes?|quotations?|comments?) (?:from|of|by) (?:a |one |the |some )?(?:\w+ )?{_PEOPLE}|"
                      # asked in a chat's words: "anything from a leicester care leaver about the LAC nurse?"
                      rf"(?:anything|something) from (?:a |one |the |some )?(?:\w+ )?{_PEOPLE})\b",
                      re.I)


_QUOTED_PEOPLE = re.compile(rf"\b{_PEOPLE}\b", re.I)


def people_asked_about(question: str) -> str | None:
    """Whose words a question asks for, as typed ("what did leicester foster carers say about ..."
    -> "foster carers"): the first of the people the reports quote that it names; None when it
    names none."""
    match = _QUOTED_PEOPLE.search(question)
    return match.group(0) if match else None


@dataclass(frozen=True)
class Intent:
    name: str
    kinds: tuple[str, ...]  # the paragraph kinds that answer it


RECOMMENDATION = Intent("recommendation", ("recommendation",))
REVIEW_FACT = Intent("review fact", ("front", "summary", "context"))
# What the review covered is said in its summary, not in the context section (whose "The last
# inspection ... took place in 2011" shares the words "review" and "inspection" with the question).
REVIEW_SCOPE = Intent("review fact", ("summary",))
CASE_EXAMPLE = Intent("case example", ("case-example",))
TOLD_US = Intent("what people said", ("told-us",))


def asks_about_the_review(intents: list[Intent]) -> bool:
    """Whether any intent asks a fact about the review (its scope included)."""
    return any(intent.name == REVIEW_FACT.name for intent in intents)


# "when was the last inspection?", "what did the previous review find?", "ofsted 2011", "before this
# review": the inspection before this one (not "when was the review", nor "the last review" alone,
# which may mean this one).
_EARLIER_INSPECTION = re.compile(
    r"\b(?:(?:last|previous|earlier|prior|past|former|first) (?:\w+ )?(?:inspections?|inspected)|"
    r"(?:previous|earlier|prior|past|former) (?:\w+ )?reviews?|before this (?:one|review|inspection)|ofsted|"
    r"joint inspections?)\b", re.I)


def asks_about_an_earlier_inspection(question: str) -> bool:
    """Whether a question asks about an inspection before the review."""
    return bool(_EARLIER_INSPECTION.search(question))


# "who runs CAMHS", "which CCG commissions ...", "who pays for", "which organisation provides",
# "who is responsible for"; not "the support provided", nor "the provider trust" naming a provider.
_WHO_PROVIDES = re.compile(
    r"\b(?:commission(?:s|ed|ing)?|provides?|provision|runs?|running|run by|pays?|paid|funds?|funded|"
    r"responsible|delivers?|(?:provided|delivered) by|which (?:organi[sz]ations?|trusts?|ccgs?|bod(?:y|ies)|"
    r"providers?))\b", re.I)


def asks_who_provides(question: str) -> bool:
    """Whether a question asks who commissions, provides, runs or pays for a service."""
    return bool(_WHO_PROVIDES.search(question))


def _asks_review_fact(question: str) -> bool:
    return bool(asked_fields(question)) or bool(_ABOUT_THE_REVIEW.search(question))


def _asks_scope(question: str) -> bool:
    return bool(_SCOPE.search(question)) and not _asks_review_fact(question)


def _asks_recommendation(question: str) -> bool:
    return bool(_RECOMMENDATION.search(question)) and not _PRACTICE.search(question)


_RULES = ((_asks_recommendation, RECOMMENDATION), (_asks_review_fact, REVIEW_FACT),
          (_asks_scope, REVIEW_SCOPE), (_CASE_EXAMPLE.search, CASE_EXAMPLE), (_TOLD_US.search, TOLD_US))


def intents_of(question: str) -> list[Intent]:
    """The intents a question shows, in a fixed order (none: a question about what was found)."""
    return [intent for asks, intent in _RULES if asks(question)]
