"""Facts about a review, read from the structured parts every report of this series has: the
front matter's labelled fields ("Date of review: …", "Provider services included: …") and the
count of children in "How we carried out the review". A question asking for one of them gets the
paragraph that states it, found by its label, so "when did the Sefton review take place?" cites
the review dates and not an older inspection mentioned in the context section."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.models import Paragraph


@dataclass(frozen=True)
class ReviewField:
    name: str
    asked: re.Pattern  # how a question asks for it
    label: re.Pattern  # how the paragraph that states it begins


_REVIEW = r"(?:review|inspection)"
FIELDS = (
    # "When was it published?" asks for the other date; "under which law was the review carried
    # out?", "how was it carried out?", "where did it take place?", "when was the previous
    # inspection?" and "when is the next one due?" ask for something else about the review.
    ReviewField("review dates", re.compile(
        rf"^(?!.*\b(?:publish\w*|publication)\b)(?!.*\b(?:under (?:what|which)|how|why|where)\b)"
        rf"(?!.*\b(?:previous|last|earlier|prior|former|next|future|upcoming|following) (?:\w+ ){{0,2}}{_REVIEW}s?\b).*(?:\b(?:when|what dates?|which dates?) (?:was|did|were|is|does) "
        rf"(?:the |this |that )?(?:\w+ ){{0,4}}{_REVIEW}|\b{_REVIEW}s?\b.{{0,30}}\b(?:dates?|t(?:ook|akes?) place|happen\w*|"
        rf"carried out|held)\b|\bdates? of (?:the |this )?(?:\w+ )?{_REVIEW}|\bwhen (?:was|were|did) (?:the )?(?:\w+ )?"
        rf"inspectors? (?:visit|come|on site|carry out))"
        # the visit, and how long it lasted: "when was the Leicester visit?", "how long were
        # inspectors in sefton for?"
        rf"|\bwhen (?:was|were|did) (?:the |this )?(?:\w+ ){{0,2}}(?:visit|site visit|fieldwork)\b"
        # "what year was the Sefton review?", "what week was the visit?", "when were inspectors in Leicester?"
        rf"|\b(?:what|which) (?:week|month|year|days?) (?:was|were) (?:the |this )?(?:\w+ ){{0,2}}"
        rf"(?:visit|site visit|fieldwork|{_REVIEW}|inspectors?|reviewers?)\b"
        rf"|\bwhen (?:was|were) (?:the )?(?:cqc )?(?:\w+ )?(?:inspectors?|reviewers?|inspection team) (?:in|at|on site)\b"
        rf"|\bhow long (?:was|were|did) (?:the )?(?:cqc )?(?:\w+ )?(?:inspectors?|reviewers?|inspection team|{_REVIEW}|visit)\b"
        rf"(?! (?:wait|take to))", re.I),
        re.compile(r"^\s*date of (?:the )?review\b", re.I)),
    # Not what another body publishes ("what does DfE publish re LAC?", "data published by PHE"),
    # nor a count of things published ("how many serious case reviews were published in 2017?").
    ReviewField("publication date",
                re.compile(r"^(?!.*\b(?:how many|number of|how much)\b)(?!.*\b(?:does|do|did)\s+(?!(?:the\s+|this\s+)?(?:report|review|inspection|cqc|it|they)\b)"
                           r"[\w&-]+(?:\s+[\w&-]+){0,2}\s+publish\b)(?!.*\bpublished by\s+(?!(?:the\s+)?cqc\b))"
                           r".*\b(?:publish\w*|publication|released(?! from))\b|"
                           # the report coming out, not health visitors "coming out" to a family
                           r"\b(?:report|review|it|this)\b(?:\s+[\w'\u2019-]+){0,3}?\s+c[ao]mes? out\b(?! of)", re.I),
                re.compile(r"^\s*date of publication\b", re.I)),
    # Not the inspectors as those told or shown something ("what did foster carers tell the
    # inspectors in sefton" asks what was said).
    ReviewField("inspectors", re.compile(
        r"^(?!.*\b(?:how long|when)\b)(?!.*\b(?:tell|tells|told|telling|say|said|says|show|showed|shown|gave|give|"
        r"explain\w*|describ\w*)(?: to)? (?:the )?(?:cqc )?inspectors?\b).*?(?:\bhow many (?:cqc )?inspectors\b|"
        r"\bwho (?:were|was|are) (?:the )?(?:cqc )?inspectors?\b|\b(?:names?|list) of (?:the )?(?:cqc )?inspectors?\b"
        r"|\b(?:which|what) (?:cqc )?inspectors?\b|\binspectors?(?:['\u2019]s?)? (?:on|for|in|were|was|names?)\b"
        r"|\binspectors? (?:took part|were involved|carried out)\b|\bwho (?:was|were) (?:in|on) the (?:inspection|review) team\b"
        r"|\bwho (?:carried out|did|led|conducted|inspected|reviewed) (?:the |this )?(?:\w+ )?(?:review|inspection)\b"
        r"|\bwho (?:wrote|authored|produced) (?:the |this )?(?:\w+ )?(?:review|inspection|report)\b)", re.I),
        re.compile(r"^\s*name\(?s?\)? of (?:the )?cqc inspectors?\b", re.I)),
    ReviewField("providers", re.compile(
        r"\b(?:providers?|trusts?|provider services|organi[sz]ations?|(?:nhs )?bodies)\b.{0,40}\b(?:covered|included|"
        r"involved|inspected|reviewed|looked at|part of|took part) (?:in |by )?(?:the |this )?(?:\w+ )?(?:review|inspection)\b|"
        # "which trusts were in the Sefton review?"
        r"\b(?:which|what) (?:nhs )?(?:providers?|trusts?|provider services|organi[sz]ations?|(?:nhs )?bodies) (?:were|was|are|is) "
        r"(?:in|on|under) (?:the |this )?(?:\w+ )?(?:review|inspection)\b|"
        r"\b(?:providers?|trusts?|provider services|organi[sz]ations?|(?:nhs )?bodies) (?:were |was )?(?:covered|included|"
        r"inspected|reviewed|looked at)\b", re.I),
        re.compile(r"^\s*provider services included\b", re.I)),
    # "which CCGs cover Sefton?", "who are the Leicester CCGs?"; not who commissions or pays for a
    # service ("which CCG commissions CAMHS?": the context section says)
    ReviewField("CCGs", re.compile(r"\b(?:ccgs?|clinical commissioning groups?|commissioning groups?)\b.{0,40}\b(?:covered|"
                                   r"included|involved|in (?:the|this) (?:\w+ )?review|part of)|\bwhich (?:ccgs?|"
                                   r"clinical commissioning groups?) (?:were|was|are)\b|"
                                   r"^(?!.*\b(?:commission\w*|pays?|paid|funds?|funded|buys?)\b).*(?:\b(?:which|what) (?:ccgs?|"
                                   r"clinical commissioning groups?) (?:is|are|was|were|covers?|serves?|covering|serving|for|in|"
                                   r"does|do|did|has|have|there)\b|\bwho (?:is|are) the (?:\w+ )?(?:ccgs?|clinical "
                                   r"commissioning groups?)\b)", re.I),
                re.compile(r"^\s*ccgs? included\b", re.I)),
    ReviewField("NHS England area", re.compile(r"\b(?:nhs england|nhse) (?:area|region)\b", re.I),
                re.compile(r"^\s*nhs england area\b", re.I)),
    ReviewField("CQC region", re.compile(r"\bcqc region\b|\b(?:which|what) (?:cqc )?region\b", re.I),
                re.compile(r"^\s*cqc region\b", re.I)),
    ReviewField("deputy chief inspector", re.compile(r"\b(?:deputy )?chief inspector\b", re.I),
                re.compile(r"^\s*cqc deputy chief inspector\b", re.I)),
)
# "look at", not "look after" ("how many children do the LAC nurses look after?" counts no cases).
_LOOK_AT = r"look(?:ed|ing)? (?:at|into|through)"
_CASES_ASKED = re.compile(
    rf"\bhow many (?:\w+ ){{0,3}}(?:children|kids|cases|young people|families|experiences|records|files)\b.{{0,60}}"
    rf"\b(?:{_LOOK_AT}|track|sampl|consider|review|took into account|taken into account|examin|check|audit|"
    rf"(?:go|went|gone) through)|\b(?:{_LOOK_AT}|track|sampl|consider|"
    rf"review|examin|check|audit)\w* (?:\w+ ){{0,3}}how many\b|\bnumber of (?:cases|children|young people)\b.{{0,40}}"
    rf"\b(?:{_LOOK_AT}|track|sampl|consider|review|took into account)", re.I)
_CASES_SECTION = re.compile(r"how we carried out", re.I)
# How the review was done: "how was the review carried out?", "which cases did the inspectors
# track?", "did the sefton review look at LAC cases too?", "how did the inspectors gather their
# evidence?" (not "... gather information about CAMHS waits") - answered by "How we carried out the
# review", all of it (a question counting the cases asks for its total alone).
_METHOD_ASKED = re.compile(
    r"\bhow (?:was|were|is) (?:the |this )?(?:\w+ )?(?:review|inspection) (?:carried out|done|conducted|run)\b|"
    r"\bwhat did (?:the )?(?:cqc )?(?:inspectors|reviewers|inspection team) do\b(?! (?:about|with|for|to)\b)|"
    r"\bhow did (?:the |they |inspectors |the inspectors |reviewers )?(?:\w+ )?(?:carry out|conduct|do) (?:the |this )?"
    r"(?:\w+ )?(?:review|inspection)\b|\b(?:what|which) (?:methods?|approach)\b.{0,30}\b(?:review|inspection|inspectors)\b|"
    r"\bhow (?:did|do|does|was|were) (?:the |they |cqc )?(?:\w+ )?(?:inspectors?|reviewers?|inspection team|review team|"
    r"they|evidence|information) (?:gather|collect|get|obtain|gathered|collected|obtained)\b"
    r"(?! (?:\w+ ){0,2}(?:about|on|of|into|from)\b)|"
    r"\b(?:which|what) (?:kinds? of |sorts? of |types? of )?(?:cases|children|families|experiences)\b.{0,20}\b(?:did|do|were) "
    r"(?:the |they |inspectors |the inspectors |reviewers |the reviewers )?(?:\w+ )?(?:\w+ )?(?:track|sampl|look at|follow|"
    r"choose|chose|pick|select)\w*|\b(?:did|does|do) (?:the |this )?(?:\w+ )?(?:review|inspection|inspectors|reviewers) "
    r"(?:also |only |just )?(?:track|sampl|look at|follow|examin|consider)\w* (?:\w+ ){0,3}(?:cases|experiences?)\b", re.I)
_TOTAL = re.compile(r"\b(?:in total|total of)\b.*\d", re.I)
# What follows the review, stated in "Next steps": who must send an action plan, by when, and how
# progress is followed up ("whats the deadline for the sefton action plan?", "which organisations
# had to respond to the report?"); not an action plan for something else ("an action plan for CSE").
_NEXT_STEPS_ASKED = re.compile(
    r"\baction plan\b.{0,40}\b(?:due|deadline|submit\w*|sen[dt]|required|cqc|within|respond\w*)\b|"
    r"\b(?:when|who|where|how long|deadline)\b.{0,40}\baction plan\b|\bnext steps?\b|"
    r"\bwhat happens (?:next|now|after (?:the|this) (?:review|report|inspection))\b|"
    r"\b(?:respond|response|reply) to (?:the |this )?(?:\w+ )?(?:report|review|recommendations)\b|"
    r"\bhow (?:will|is|was) (?:the )?progress\b", re.I)
_NEXT_STEPS_SECTION = re.compile(r"^\s*next steps\s*$", re.I)
# The review's legal basis, stated in "About the review" ("conducted under Section 48 of the
# Health and Social Care Act 2008").
_LAW_ASKED = re.compile(
    r"\bunder (?:what|which) (?:law|act|legislation|section|powers?|statute)|\b(?:what|which) (?:law|act|legislation|"
    r"powers?|statute|section)\b.{0,40}\b(?:review|inspection|cqc)|\b(?:legal|statutory) (?:basis|powers?)|"
    r"\bwhat (?:gives|allows|permits|entitles) (?:the )?cqc\b", re.I)
_LAW_SECTION = re.compile(r"about the review", re.I)
_LAW_STATED = re.compile(r"\bsection \d+ of the\b.*\bact\b", re.I)
# How the report is laid out, stated in "The report" ("This report follows the child's journey ...
# recommendations ... are made at the end of the report"): "how is the report structured?", also
# in a request's order ("explain how the sefton report is laid out"), "what does the Leicester
# report follow?", "where are its recommendations?" (not "where are the recommendations on
# CAMHS?", which asks for those).
_DOCUMENT = r"(?:report|write[- ]?up|document)"  # "how is the leicester write-up laid out?"
_LAYOUT_ASKED = re.compile(
    rf"\bhow (?:(?:is|was) (?:the |this )?(?:\w+ )?{_DOCUMENT}|(?:the |this )?(?:\w+ )?{_DOCUMENT} (?:is|was)) "
    rf"(?:structured|organi[sz]ed|laid out|set out|arranged|put together|written up)\b|"
    rf"\b(?:structure|layout|format|outline|shape) of (?:the |this )?(?:\w+ )?{_DOCUMENT}\b|"
    r"\bwhat does (?:the |this )?(?:\w+ )?report follow\b|\bwhere (?:in (?:the |this )?(?:\w+ )?report )?(?:are|do I find|"
    r"can I find|do you find) (?:the |its )?recommendations(?: (?:in|of) (?:the |this )?(?:\w+ )?report)?\s*\??\s*$", re.I)
_LAYOUT_SECTION = re.compile(r"^\s*the report\s*$", re.I)


def asked_fields(question: str) -> list[str]:
    """The review facts a question asks for, by name."""
    names = [field.name for field in FIELDS if field.asked.search(question)]
    if _CASES_ASKED.search(question):
        names.append("cases")
    if _LAW_ASKED.search(question):
        names.append("legal basis")
    if "cases" not in names and _METHOD_ASKED.search(question):
        names.append("method")
    if _NEXT_STEPS_ASKED.search(question):
        names.append("next steps")
    if _LAYOUT_ASKED.search(question):
        names.append("layout")
    return names


def fact_paragraphs(question: str, paragraphs: dict[str, Paragraph], report_ids: list[str]) -> list[str]:
    """Citation ids of the paragraphs stating the review facts the question asks for, in the
    given reports, in report order."""
    wanted = asked_fields(question)
    if not wanted:
        return []
    labels = [field.label for field in FIELDS if field.name in wanted]
    found = []
    for cid, paragraph in paragraphs.items():
        if paragraph.report_id not in report_ids:
            continue
        if paragraph.kind == "front" and any(label.search(paragraph.text) for label in labels):
            found.append(cid)
        elif "cases" in wanted and _CASES_SECTION.search(paragraph.section) and _TOTAL.search(paragraph.text):
            found.append(cid)
        elif "legal basis" in wanted and _LAW_SECTION.search(paragraph.section) and _LAW_STATED.search(paragraph.text):
            found.append(cid)
        elif "method" in wanted and _CASES_SECTION.search(paragraph.section):
            found.append(cid)
        elif "next steps" in wanted and _NEXT_STEPS_SECTION.search(paragraph.section):
            found.append(cid)
        elif "layout" in wanted and _LAYOUT_SECTION.search(paragraph.section):
            found.append(cid)
    order = {rid: i for i, rid in enumerate(report_ids)}
    return sorted(found, key=lambda cid: (order[paragraphs[cid].report_id], paragraphs[cid].order))
