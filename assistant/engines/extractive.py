"""The default engine: no model. Answers are the context sentences that best answer the
question, grouped by report, each citing its paragraph with the sentence itself as the quote.
Drafts fill the templates in prompts/draft_finding.md with the precedents' own sentences."""

from __future__ import annotations

import re
from typing import Iterator

from assistant.engines.base import AnswerRequest, DraftOutput, DraftRequest, EngineOutput
from assistant.grounding.citations import Claim, Segment
from assistant.grounding.relevance import ScoredSentence, figure_patterns, gives_figure, neighbour_in_paragraph
from assistant.retrieval.quotations import introduces_a_quotation
from assistant.retrieval.words import lower_first
from assistant.settings import AnswerSettings
from ingest.recommendation_links import only_points_to_recommendations
from prompts import templates
from vectorstore.chunking import sentence_spans

# Phrases with which the reports say what a finding means for children, strongest first.
_IMPACT_CUES = [re.compile(p, re.I) for p in (
    r"\b(?:this means|this results? in|as a (?:result|consequence)|consequently|this (?:limits|restricts|inhibits|"
    r"reduces|prevents|increases|leaves|places))\b",
    r"\b(?:at risk|impact(?:s|ed)? (?:on|upon)|(?:missed|lost) opportunit|delays? in)\b",
    r"\b(?:may|might|could) (?:not|be|lead|result|miss|go)\b",
)]


class ExtractiveEngine:
    name = "extractive"

    def __init__(self, settings: AnswerSettings):
        self.settings = settings

    # -- answering -------------------------------------------------------------------------
    def answer(self, request: AnswerRequest) -> EngineOutput:
        context = request.context
        segments: list[Segment] = []
        for report_id, chosen in self.evidence_by_report(request).items():
            if not chosen and not context.question.cross_report:
                continue
            segments.append(Segment(context.report_titles.get(report_id, report_id), kind="heading"))
            if not chosen:
                segments.append(Segment("No paragraph of this report answers the question.", kind="own", prefix="- "))
            segments.extend(quoted_segments(chosen))
        return EngineOutput(segments)

    def evidence_by_report(self, request: AnswerRequest) -> dict[str, list[ScoredSentence]]:
        """The sentences that answer the question best, report by report in answer order (the
        extractive answer itself; what the local model writes from)."""
        reports = request.context.report_order or list(dict.fromkeys(s.report_id for s in request.scored))
        return {report_id: self._choose(request, [s for s in request.scored if s.report_id == report_id])
                for report_id in reports}

    def evidence(self, request: AnswerRequest) -> list[ScoredSentence]:
        return [sentence for chosen in self.evidence_by_report(request).values() for sentence in chosen]

    def stream_answer(self, request: AnswerRequest) -> Iterator[str | EngineOutput]:
        yield self.answer(request)

    def _choose(self, request: AnswerRequest, scored: list[ScoredSentence]) -> list[ScoredSentence]:
        """The best sentences of one report: those close to the best, at most two per paragraph,
        and a sentence with a figure when the question asks for one; each with the sentence after
        it, up to max_sentences_with_following."""
        if not scored:
            return []
        limit = self.settings.max_sentences
        # A bare pointer ("Recommendation 8.1") says nothing by itself; it is chosen only when a
        # report offers nothing else.
        scored = [s for s in scored if not only_points_to_recommendations(s.text)] or scored
        whole = [s for s in scored if s.item.whole]
        if whole:
            # A paragraph asked for by its number is answered with its substance: its sentences in
            # text order, up to the limit.
            # Asked what it led to ("what recommendation came out of leicester 1.24"), the
            # recommendation it points to comes first.
            led_to = ({rec for s in whole for rec in s.item.paragraph.recommendations}
                      if request.context.question.wants_recommendations else set())
            whole = [s for s in scored if s.item.id in led_to] + whole
            rank = {}
            for sentence in whole:
                rank.setdefault(sentence.item.id, len(rank))
            return sorted(whole, key=lambda s: (rank[s.item.id], s.start))[:limit]
        best = scored[0].score
        floor = best - self.settings.sentence_gap
        chosen: list[ScoredSentence] = []
        per_paragraph: dict[str, int] = {}
        for sentence in scored:
            if len(chosen) >= limit or (chosen and sentence.score < floor):
                break
            if per_paragraph.get(sentence.item.id, 0) >= (limit if sentence.item.why == "named" else 2):
                continue
            chosen.append(sentence)
            per_paragraph[sentence.item.id] = per_paragraph.get(sentence.item.id, 0) + 1
        figures = figure_patterns(request.context.question.text)
        if figures and not any(gives_figure(s.text, figures) for s in chosen):
            with_figure = [s for s in scored[:12] if gives_figure(s.text, figures) and s not in chosen]
            if with_figure:
                chosen = chosen[: limit - 1] + [with_figure[0]]
        # The sentence that gives the count, percentage, rating or name asked for, though it may
        # score below the others ("48%" in the sentence after the one naming the assessments).
        asked_values = request.kinds.giving if request.kinds else []
        giving = [s for s in asked_values if s in scored and s not in chosen]
        if giving:
            chosen = chosen[: max(1, limit - len(giving))] + giving
        chosen = with_following(chosen, scored, self.settings.max_sentences_with_following)
        groups = request.context.quotations
        chosen = with_quotation_partners(chosen, scored, groups)
        chosen = with_antecedents(chosen, scored)
        chosen = with_verdicts(chosen, scored)
        # Read paragraph by paragraph, sentences in text order: first the paragraph giving the value
        # asked for ("over 600 looked-after children" for "LAC numbers"), then best first.
        # A quotation is read just after the paragraph introducing it (the first of its group).
        head = {s.item.id: groups.get(s.item.id, (s.item.id,))[0] for s in chosen}
        rank = {}
        for sentence in [s for s in asked_values if s in chosen] + chosen:
            rank.setdefault(head[sentence.item.id], len(rank))
        return sorted(chosen, key=lambda s: (rank[head[s.item.id]], s.item.paragraph.order, s.start))


    # -- drafting --------------------------------------------------------------------------
    def draft(self, request: DraftRequest) -> DraftOutput:
        """The observation (placed in its area), the closest precedent and what it meant for
        children, then a recommendation for the provider, adapted from the precedents'
        recommendations (one addressed to the same kind of organisation first)."""
        parts = templates("draft_finding.md")
        observation = request.observation.strip()
        if observation and observation[-1] not in ".!?":
            observation += "."
        if request.area and request.area.lower() not in observation.lower():
            observation = parts["opening_in_area"].format(area=request.area, observation=lower_first(observation))
        finding = [Segment(parts["opening"].format(observation=observation), kind="own", line_end=False)]
        with_recommendations = [p for p in request.precedents if p.recommendations]
        lead = (with_recommendations or request.precedents or [None])[0]
        impact = None
        if lead is not None:
            area, year = _area_and_year(lead.report_title)
            finding.append(Segment(parts["precedent"].format(precedent_area=area, precedent_year=year, quote=lead.quote),
                                   [Claim(lead.id, lead.quote)], line_end=False))
            impact = impact_sentence(lead)
            if impact:
                finding.append(Segment(parts["impact_from_precedent"].format(precedent_area=area, impact_quote=impact),
                                       [Claim(lead.id, impact)], line_end=False))
        if lead is None or not impact:
            default = parts["impact_default_in_area"].format(area=request.area) if request.area else parts["impact_default"]
            finding.append(Segment(default, kind="own", line_end=False))
        finding.append(Segment(parts["pointer"], kind="own"))

        recommendation: list[Segment] = []
        rec = recommendation_for(request.provider, with_recommendations)
        if rec is not None:
            text = rec["text"].strip()
            provider = request.provider or "The provider"
            recommendation.append(Segment(parts["recommendation"].format(provider=provider,
                                                                         recommendation_text=lower_first(text)),
                                          [Claim(rec["id"], text)]))
        return DraftOutput(finding, recommendation)


# The best sentence brings this many sentences after it, every other chosen sentence one: the
# paragraph answering best often goes on with the detail asked for ("what does the emotional
# wellbeing specialist in Sefton's 0-19 service actually do": the whole family approach, two
# sentences after the one naming the role).
LEAD_FOLLOWING = 2


def with_following(chosen: list[ScoredSentence], scored: list[ScoredSentence], limit: int) -> list[ScoredSentence]:
    """The chosen sentences, each (best first) joined by the sentence after it in its paragraph,
    the best by the LEAD_FOLLOWING after it, while there are fewer than `limit`: a report's next
    sentence often says what a finding meant or why ("Staff reported that ...", "However, ...")."""
    taken = {(s.item.id, s.start) for s in chosen}
    result = list(chosen)
    for position, sentence in enumerate(chosen):
        for _ in range(LEAD_FOLLOWING if position == 0 else 1):
            if len(result) >= limit:
                return result
            following = neighbour_in_paragraph(sentence, scored)
            if following is None:
                break
            if (following.item.id, following.start) not in taken:
                taken.add((following.item.id, following.start))
                result.append(following)
            sentence = following
    return result


# A sentence that opens by pointing back ("This means ...", "They ...", "However, ...") does not
# stand alone.
_POINTS_BACK = re.compile(r"^\W*(?:this|these|those|it|its|they|their|such|however|as a (?:result|consequence)|"
                          r"consequently|in addition|furthermore|despite this|there(?:fore)?)\b", re.I)


def with_antecedents(chosen: list[ScoredSentence], scored: list[ScoredSentence]) -> list[ScoredSentence]:
    """The chosen sentences, each that opens by pointing back joined by the sentence before it in
    its paragraph (what "this" or "they" is)."""
    return _joined_by(chosen, lambda sentence: neighbour_in_paragraph(sentence, scored, before=True)
                      if _POINTS_BACK.match(sentence.text) else None)


def with_verdicts(chosen: list[ScoredSentence], scored: list[ScoredSentence]) -> list[ScoredSentence]:
    """The chosen sentences, with the opening sentence of each finding they come from: a finding
    opens with its judgement and goes on with the evidence for it."""
    def opening(sentence: ScoredSentence) -> ScoredSentence | None:
        if sentence.item.paragraph.kind != "finding" or sentence.start == 0:
            return None
        return next((s for s in scored if s.item.id == sentence.item.id and s.start == 0), None)

    return _joined_by(chosen, opening)


def _joined_by(chosen: list[ScoredSentence], partner_of) -> list[ScoredSentence]:
    """The chosen sentences, then each one's partner (`partner_of`: a sentence or None) not already
    among them."""
    taken = {(s.item.id, s.start) for s in chosen}
    result = list(chosen)
    for sentence in chosen:
        partner = partner_of(sentence)
        if partner is not None and (partner.item.id, partner.start) not in taken:
            taken.add((partner.item.id, partner.start))
            result.append(partner)
    return result


# "I tried to book in to see my doctor this morning." opens a quotation; the next sentence says why.
QUOTED_SENTENCES = 2


def with_quotation_partners(chosen: list[ScoredSentence], scored: list[ScoredSentence],
                            groups: dict[str, tuple[str, ...]]) -> list[ScoredSentence]:
    """The chosen sentences, each that introduces a quotation ("One parent told us:") joined by
    the quotation's first QUOTED_SENTENCES sentences, and each of a quotation by the sentence
    introducing it (who said it), when the context holds them (`groups`: quotations.py)."""
    taken = {(s.item.id, s.start) for s in chosen}
    result = list(chosen)
    for sentence in chosen:
        partner = _quotation_partner(sentence, scored, groups)
        joined = [partner] if partner is not None else []
        if partner is not None and introduces_a_quotation(sentence.text):
            while len(joined) < QUOTED_SENTENCES and (following := neighbour_in_paragraph(joined[-1], scored)):
                joined.append(following)
        for added in joined:
            if (added.item.id, added.start) not in taken:
                taken.add((added.item.id, added.start))
                result.append(added)
    return result


def _quotation_partner(sentence: ScoredSentence, scored: list[ScoredSentence],
                       groups: dict[str, tuple[str, ...]]) -> ScoredSentence | None:
    """The first sentence of the quotation a sentence introduces, or the last sentence ("They
    told us:") of the paragraph introducing the quotation it is part of; None for other sentences."""
    group = groups.get(sentence.item.id, ())
    if not group:
        return None
    introduction, first_quotation = group[0], group[1]
    if sentence.item.id == introduction:
        partner, first = (first_quotation, True) if introduces_a_quotation(sentence.text) else (None, True)
    else:
        partner, first = introduction, False
    sentences = [s for s in scored if s.item.id == partner]
    return (min if first else max)(sentences, key=lambda s: s.start, default=None)


def quoted_segment(sentence: ScoredSentence, labelled: bool = True) -> Segment:
    """A report sentence quoted as a bullet citing its paragraph (a recommendation says which and
    whose, unless `labelled` is false)."""
    paragraph = sentence.item.paragraph
    prefix = "- "
    if labelled and paragraph.kind == "recommendation" and paragraph.number:
        prefix = f"- Recommendation {paragraph.number}" + (f" ({paragraph.addressees})" if paragraph.addressees else "") + ": "
    return Segment(sentence.text, [Claim(paragraph.citation_id, sentence.text)], prefix=prefix)


def quoted_segments(sentences: list[ScoredSentence]) -> list[Segment]:
    """The sentences quoted in order; a recommendation is labelled once, at its first sentence of
    a run, not before each of its sentences."""
    return [quoted_segment(sentence, i == 0 or sentences[i - 1].item.id != sentence.item.id)
            for i, sentence in enumerate(sentences)]


def recommendation_for(provider: str | None, precedents) -> dict | None:
    """The precedents' recommendation to adapt: with a provider named, the first one addressed to
    the same kind of organisation ("Sefton CCG" -> a recommendation to CCGs; "... NHS Foundation
    Trust" -> one to a trust) among the closest precedents' recommendations; otherwise, or when
    none is, the closest precedent's first."""
    recommendations = [rec for precedent in precedents for rec in precedent.recommendations]
    if not recommendations:
        return None
    kinds = _organisation_kinds(provider or "")
    if kinds:
        for rec in [rec for precedent in precedents[:CLOSE_PRECEDENTS] for rec in precedent.recommendations]:
            if kinds & _organisation_kinds(rec.get("addressees") or ""):
                return rec
    return recommendations[0]


CLOSE_PRECEDENTS = 3  # a recommendation to the provider's kind of organisation is looked for among these
_ORGANISATION_KINDS = {
    "commissioner": r"\b(?:ccgs?|clinical commissioning|commissioners?|icbs?|integrated care boards?|nhs england)\b",
    "trust": r"\b(?:trusts?|hospitals?)\b",  # "University Hospitals Leicester" is a trust
    "council": r"\b(?:council|local authority|public health)\b",
    "general practice": r"\b(?:gps?|general practi\w*|surger(?:y|ies))\b",
}


def _organisation_kinds(name: str) -> set[str]:
    return {kind for kind, pattern in _ORGANISATION_KINDS.items() if re.search(pattern, name, re.I)}



def _area_and_year(title: str) -> tuple[str, str]:
    match = re.match(r"(.+?) \((\d{4})\)$", title)
    return (match.group(1), match.group(2)) if match else (title, "")


def impact_sentence(precedent) -> str | None:
    """A sentence of the precedent, other than its quote, that says what the finding means for
    children (the strongest cue wins; None when no sentence says so)."""
    sentences = [(start, precedent.text[start:end]) for start, end in sentence_spans(precedent.text)
                 if start != precedent.start and len(precedent.text[start:end].split()) >= 6]
    for cue in _IMPACT_CUES:
        for _, sentence in sentences:
            if cue.search(sentence):
                return sentence
    return None
