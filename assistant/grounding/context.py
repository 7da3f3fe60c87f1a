"""The paragraphs an engine answers from: retrieved for a resolved question (report by report
for cross-report questions), plus the recommendations linked to them when asked for, and packed
to a token budget for an LLM."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from assistant.retrieval.conversation import ResolvedQuestion
from assistant.retrieval.hybrid import HybridRetriever, refuse_unknown_reports, validate_kinds
from assistant.retrieval.query_analysis import plan_query
from assistant.retrieval.review_facts import fact_paragraphs
from ingest.models import Paragraph
from vectorstore.chunking import count_tokens, encoding


@dataclass
class Filters:
    """What a caller restricts an answer to."""

    report_ids: list[str] | None = None
    kinds: list[str] | None = None

    @classmethod
    def from_value(cls, value) -> "Filters":
        if value is None:
            return cls()
        if isinstance(value, Filters):
            return value
        if not isinstance(value, dict):
            raise ValueError("filters must be an object with optional report_ids and kinds")
        unknown = set(value) - {"report_ids", "kinds"}
        if unknown:
            raise ValueError(f"unknown filter field(s) {', '.join(sorted(unknown))}; use report_ids and kinds")
        report_ids = value.get("report_ids")
        return cls(list(report_ids) if report_ids else None, validate_kinds(value.get("kinds")) or None)


@dataclass
class ContextParagraph:
    paragraph: Paragraph
    score: float
    # "retrieved" | "named" (the question names it) | "linked recommendation" | "earlier answer" |
    # "quotation" (the quotation or introduction of a retrieved paragraph of what people told us)
    why: str
    whole: bool = False  # named by its number ("what does paragraph 4.1 say?"): the whole paragraph is asked for

    @property
    def id(self) -> str:
        return self.paragraph.citation_id


@dataclass
class AddresseeListing:
    """A question asking what an organisation was told to do, and nothing else."""

    organisations: list[str]  # as the recommendations' headings write them ("Alder Hey")
    recommendation_ids: list[str]  # every recommendation in scope addressed to them, in report order


@dataclass
class AnswerContext:
    question: ResolvedQuestion
    paragraphs: list[ContextParagraph]
    report_titles: dict[str, str]
    report_order: list[str] = field(default_factory=list)  # reports in the order to answer them
    word_weights: dict[str, float] = field(default_factory=dict)  # idf of the corpus words
    # The companion embedder's best paragraph cosine over the searches made (None: no companion).
    companion_best: float | None = None
    listing: AddresseeListing | None = None  # "what was Alder Hey asked to do?"
    # A quotation and the paragraph introducing it, each -> both (quotations.quotation_groups)
    quotations: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def by_id(self) -> dict[str, Paragraph]:
        return {c.id: c.paragraph for c in self.paragraphs}

    def for_report(self, report_id: str) -> list[ContextParagraph]:
        return [c for c in self.paragraphs if c.paragraph.report_id == report_id]


def review_year(report_id: str) -> int | None:
    """The year of the review, which ends each report id ("sefton-2018" -> 2018)."""
    year = report_id.rsplit("-", 1)[-1]
    return int(year) if year.isdigit() else None


def report_title(record: dict) -> str:
    """'Leicester City (2016)': the area and the year of the review."""
    year = review_year(record.get("report_id", ""))
    return f"{record.get('area') or record.get('report_id')} ({year})" if year is not None else record.get("area", "")


def gather_context(
    retriever: HybridRetriever,
    question: ResolvedQuestion,
    filters: Filters,
    k: int,
    per_report_k: int,
) -> AnswerContext:
    corpus = retriever.corpus()
    if filters.report_ids is not None:
        refuse_unknown_reports(filters.report_ids, corpus.reports)
    titles = {rid: report_title(record) for rid, record in corpus.reports.items()}
    available = [rid for rid in sorted(corpus.versions) if filters.report_ids is None or rid in filters.report_ids]
    named = [rid for rid in corpus.names.named_in(question.text) if rid in available]

    if question.cross_report:
        reports = named if len(named) >= 2 else available
        searches = [retriever.ranked(question.text, k=per_report_k, report_ids=[rid], kinds=filters.kinds)
                    for rid in reports]
        results = [r for search in searches for r in search.results]
        order = reports
    else:
        scope = [rid for rid in (question.report_ids or available) if rid in available]
        searches = [retriever.ranked(question.text, k=k, report_ids=scope, kinds=filters.kinds)] if scope else []
        results = searches[0].results if searches else []
        order = list(dict.fromkeys(r.report_id for r in results))
    companion_best = max((s.companion_best for s in searches if s.companion_best is not None), default=None)

    refs = set(plan_query(question.text, corpus.acronyms, corpus.names, expand=False).paragraph_refs)
    facts = set(fact_paragraphs(question.text, corpus.paragraphs, available))  # "when was the review?"
    listing, addressed = _addressed_recommendations(question, corpus, available, filters)
    named_ids = facts | set(addressed)
    paragraphs = [ContextParagraph(corpus.paragraphs[r.id], r.score,
                                   "named" if r.para in refs or r.id in named_ids else "retrieved", r.para in refs)
                  for r in results]
    paragraphs = _add_linked(paragraphs, question, corpus.paragraphs, available, filters)
    paragraphs = _with_quotations(paragraphs, corpus.quotations, corpus.paragraphs)
    return AnswerContext(question, paragraphs, titles, order, corpus.word_weights, companion_best, listing,
                         corpus.quotations)


def _with_quotations(paragraphs: list[ContextParagraph], groups: dict[str, tuple[str, ...]],
                     stored: dict[str, Paragraph]) -> list[ContextParagraph]:
    """Each retrieved quotation with the paragraph introducing it, and each introduction ("One
    parent told us:") with its quotations (quotations.py), placed just after it."""
    present = {c.id for c in paragraphs}
    result = []
    for item in paragraphs:
        result.append(item)
        if item.why != "retrieved":
            continue
        for cid in groups.get(item.id, ()):
            if cid not in present and cid in stored:
                present.add(cid)
                result.append(ContextParagraph(stored[cid], 0.0, "quotation"))
    return result


def _addressed_recommendations(question: ResolvedQuestion, corpus, available: list[str],
                               filters: Filters) -> tuple[AddresseeListing | None, list[str]]:
    """The recommendations a question asks for by whom they were addressed to. Like a paragraph
    named by its number they are the answer, whatever their wording's similarity to a question
    made mostly of the organisation's name: all of them when it asks nothing else ("what was
    Alder Hey asked to do?", with the listing that counts them), those that say the words of its
    topic when it names one ("... about the MASH?")."""
    if not question.wants_recommendations or (filters.kinds and "recommendation" not in filters.kinds):
        return None, []
    index = corpus.addressees
    asked = corpus.spelled(question.text)  # "what was AH asked to do?": Alder Hey
    organisations = index.organisations(asked)
    if not organisations:
        return None, []
    addressed = index.addressed(organisations, [rid for rid in (question.report_ids or available) if rid in available])
    if index.asks_only_whom(asked, organisations):
        return (AddresseeListing(index.display_names(organisations), addressed) if addressed else None), addressed
    return None, index.about(asked, organisations, addressed)


def _add_linked(paragraphs: list[ContextParagraph], question: ResolvedQuestion, stored: dict[str, Paragraph],
                available: list[str], filters: Filters) -> list[ContextParagraph]:
    """Recommendations linked to the findings in play when the question asks what was
    recommended; the earlier answer's paragraphs for a follow-up about "it"."""
    present = {c.id for c in paragraphs}
    extra: list[ContextParagraph] = []

    def add(cid: str, why: str) -> None:
        paragraph = stored.get(cid)
        if (paragraph is None or cid in present or paragraph.report_id not in available
                or (filters.kinds and paragraph.kind not in filters.kinds)):
            return
        present.add(cid)
        extra.append(ContextParagraph(paragraph, 0.0, why))

    carried = [stored[cid] for cid in question.carried_ids if cid in stored]
    if question.wants_recommendations:
        sources = carried + [c.paragraph for c in paragraphs]
        for paragraph in sources:
            for rec_id in paragraph.recommendations:
                add(rec_id, "linked recommendation")
    else:
        for paragraph in carried:
            add(paragraph.citation_id, "earlier answer")
    # Linked recommendations of the earlier answer lead: they are what a follow-up asks about.
    return extra + paragraphs if carried and question.wants_recommendations else paragraphs + extra


def pack_context(context: AnswerContext, budget_tokens: int) -> tuple[str, list[ContextParagraph]]:
    """The paragraphs as prompt text, in order, within `budget_tokens` (cl100k). A paragraph that
    does not fit whole is left out; the first one is cut to fit rather than dropped."""
    blocks: list[str] = []
    included: list[ContextParagraph] = []
    used = 0
    for item in context.paragraphs:
        paragraph = item.paragraph
        header = f"[{paragraph.citation_id}] {context.report_titles.get(paragraph.report_id, paragraph.report_id)}"
        if paragraph.section:
            header += f" | {paragraph.section}"
        block = f"{header}\n{paragraph.text}\n"
        size = count_tokens(block) + 1
        if used + size > budget_tokens:
            if included:
                continue
            tokens = encoding().encode(block, disallowed_special=())[: max(budget_tokens - 1, 0)]
            block, size = encoding().decode(tokens), budget_tokens
        blocks.append(block)
        included.append(item)
        used += size
    return "\n".join(blocks), included


def restrict(context: AnswerContext, keep: Iterable[ContextParagraph]) -> AnswerContext:
    return AnswerContext(context.question, list(keep), context.report_titles, context.report_order,
                         context.word_weights, context.companion_best, context.listing, context.quotations)
