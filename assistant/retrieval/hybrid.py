"""Hybrid retrieval: dense passages (Chroma) and BM25 fused by reciprocal rank fusion, with
named paragraphs first and a bias towards the report a query names, and the first few reordered
by how much of the question each says (words_said.py)."""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from typing import Any, Callable, Iterable

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.errors import NotFoundError
from assistant.retrieval.addressees import AddresseeIndex
from assistant.retrieval.distinctive_words import distinctive_in_corpus, distinctive_ranking, sole_words
from assistant.retrieval.intent import (CASE_EXAMPLE, RECOMMENDATION, asks_about_an_earlier_inspection,
                                        asks_about_the_review, asks_who_provides)
from assistant.retrieval.everyday_terms import in_reports_words, reports_wording, synonym_term_counts
from assistant.retrieval.neighbours import VocabularyNeighbours, written_form_counts, written_forms
from assistant.retrieval.review_facts import fact_paragraphs
from assistant.retrieval.initialisms import InitialismGuesser
from assistant.retrieval.spelling import Respeller
from assistant.retrieval.quotations import quotation_groups
from assistant.retrieval.query_analysis import (TYPED_WORD, NameEvidence, QueryPlan, ReportNames,
                                                numbered_shorthand, plan_query, shorthand_in, spelled_out,
                                                synonym_terms)
from assistant.retrieval.words import content_words
from assistant.retrieval.words_said import scores_with_words_said
from assistant.settings import RetrievalSettings
from ingest.acronyms import learn_acronyms
from ingest.models import PARAGRAPH_KINDS, Paragraph
from vectorstore.embeddings import companion_of
from vectorstore.lexical import LexicalIndex, lexical_tokens, text_stems


@dataclass
class SearchResult:
    id: str
    report_id: str
    para: str
    kind: str
    section: str
    score: float
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Ranked:
    results: list[SearchResult]
    # The companion embedder's cosine for its best paragraph in scope: a second model's view of
    # whether the reports hold an answer (None without a companion).
    companion_best: float | None = None


@dataclass
class _Corpus:
    versions: dict[str, str]
    paragraphs: dict[str, Paragraph]
    lexical: LexicalIndex
    acronyms: dict[str, str]
    names: ReportNames
    reports: dict[str, dict]  # report_id -> stored report record
    word_weights: dict[str, float]  # content word -> inverse document frequency over paragraphs
    capitalised: Counter  # capitalised word (lower-cased) -> how often the reports use it
    addressees: AddresseeIndex  # whom the recommendations are addressed to
    introductions: frozenset[str]  # paragraphs introducing the report or a section (is_introduction)
    earlier_inspections: frozenset[str]  # accounts of the inspection before (tells_of_an_earlier_inspection)
    commissioning: frozenset[str]  # who commissions and provides a service (says_who_commissions)
    quotations: dict[str, tuple[str, ...]]  # a quotation and its introduction, each -> both (quotation_groups)
    initialisms: InitialismGuesser  # undefined shorthand: "CPP" -> "child protection plans"
    # "cin" -> "CiN": the acronyms the reports never write in lower case ("camhs", "CIN" typed are theirs)
    acronyms_by_letters: dict[str, str]
    # "family doctors" -> "GP": the synonym list's terms the reports never use, in their words
    reports_wording: dict[str, str]
    distinctive: dict[str, str]  # content word only one paragraph uses -> that paragraph
    area_words: tuple[str, ...]  # the words of the stored reports' area names
    stems: dict[str, frozenset[str]]  # citation id -> the stemmed words of the paragraph's text (text_stems)
    stem_weights: dict[str, float]  # stemmed word -> inverse document frequency over paragraphs
    area_stems: frozenset[str]  # area_words stemmed
    written: dict[str, str]  # content word as folded ("injurie") -> as the reports write it ("injuries")
    respeller: Respeller  # a typed word one slip from the reports' ("leicster" -> "leicester")

    @property
    def vocabulary(self):
        return self.word_weights.keys()

    def typed_acronyms(self, question: str) -> dict[str, str]:
        """The reports' acronyms typed in another case ("camhs", "CIN" for "CiN"), as typed -> the
        long form: only acronyms the reports never write in lower case, so no word is mistaken."""
        found = {}
        for token in set(TYPED_WORD.findall(question)):
            for candidate in (token, token[:-1] if len(token) > 2 and token[-1] in "sS" else None):
                acronym = self.acronyms_by_letters.get(candidate.lower()) if candidate else None
                if acronym and candidate != acronym:
                    found[candidate] = self.acronyms[acronym]
                    break
        return found

    def shorthand_for(self, question: str) -> dict[str, str]:
        """What the question's shorthand that the reports never write stands for, as typed ->
        the reports' words: staff shorthand of the synonym list ("HVs") and initials of a phrase
        the reports use ("CPP")."""
        typed = shorthand_in(question, self.vocabulary)
        guessed = self.initialisms.expansions(question)
        return {**typed, **guessed, **numbered_shorthand(question)}

    def acronyms_for(self, question: str, shorthand: dict[str, str] | None = None) -> dict[str, str]:
        """The acronyms the reports define (as defined and as typed), and the question's shorthand
        (shorthand_for, unless the caller has it)."""
        shorthand = self.shorthand_for(question) if shorthand is None else shorthand
        extra = {**self.typed_acronyms(question), **shorthand}
        return {**self.acronyms, **extra} if extra else self.acronyms

    def spelled(self, question: str) -> str:
        """The question with its shorthand in the reports' words (query_analysis.spelled_out)."""
        return spelled_out(question, self.shorthand_for(question))

    def without_addressees(self, question: str) -> str:
        """The question less the organisations it names that recommendations are addressed to
        ("what was Alder Hey told to do about the MASH?" -> "what was told to do about the
        MASH?"): a recommendation's text rarely names whom it is for, so only the rest of the
        question can be compared with it."""
        spelled = self.spelled(question)
        organisations = self.addressees.organisations(spelled)
        if not self.addressees.addressed(organisations):
            return question
        return self.addressees.without_organisations(spelled, organisations)

    def respelt(self, question: str) -> tuple[str, dict[str, str]]:
        """The question with its slips of the keyboard read as the reports' words, and what was
        read as what (spelling.py)."""
        return self.respeller.corrected(question)

    def plan(self, query: str, expand: bool) -> QueryPlan:
        query = self.respelt(query)[0]
        shorthand = self.shorthand_for(query)
        plan = plan_query(query, self.acronyms_for(query, shorthand), self.names, expand, shorthand)
        # For the companion embedder, which reads the question without the synonym list's terms
        # appended (everyday_terms.py)
        return replace(plan, spelled=in_reports_words(plan.spelled, self.reports_wording))

    def addressed(self, question: str, report_ids: Iterable[str] | None = None) -> list[str]:
        """The recommendations addressed to an organisation the question names (addressees.py)."""
        return self.addressees.addressed(self.addressees.organisations(self.spelled(question)), report_ids)


# "This report records the findings of ...", "This section records our findings about ...",
# "This report follows the child's journey ...": the report's template introducing itself; and
# "The last inspection of health services for Sefton's children took place in 2011 ...": the
# template's account of the inspection before, which restates the review's subject.
_EARLIER_INSPECTION_OPENING = r"the (?:last|previous) inspection of"
_INTRODUCTION = re.compile(rf"^\s*(?:this (?:report|section) (?:records|follows|sets out|describes)"
                           rf"|{_EARLIER_INSPECTION_OPENING})\b", re.I)


def acronyms_by_letters(acronyms: dict[str, str], paragraphs: list[Paragraph]) -> dict[str, str]:
    """Lower-cased acronym -> the acronym as defined, for the acronyms whose lower-case form the
    reports never write as a word (an acronym such as "IT" would be left out: "it" is a word)."""
    written = set()
    for paragraph in paragraphs:
        written.update(TYPED_WORD.findall(paragraph.text))
    return {acronym.lower(): acronym for acronym in acronyms if acronym.lower() not in written}


# "Child and Adolescent Mental Health Services (CAMHS) are commissioned by Leicester City CCG and
# provided by LPT": the context section's statement of who commissions and provides a service.
_COMMISSIONING = re.compile(r"\b(?:commissioned|provided) by\b|^\s*commissioning (?:arrangements|and planning)\b", re.I)


def says_who_commissions(paragraph: Paragraph) -> bool:
    """A context paragraph saying who commissions or provides a service (no finding)."""
    return paragraph.kind == "context" and bool(_COMMISSIONING.search(paragraph.text))


def is_introduction(paragraph: Paragraph) -> bool:
    """A paragraph of the report's own framing that introduces it or a section (no finding)."""
    return paragraph.kind not in ("finding", "recommendation") and bool(_INTRODUCTION.match(paragraph.text))


# "Ofsted inspected Leicester City in January 2015 ...", "Ofsted carried out a single agency
# inspection of the local authority ... in 2016": the context section's account of Ofsted's inspection.
_OFSTED_INSPECTION_OPENING = re.compile(r"^\s*ofsted (?:inspected|carried out)\b", re.I)


def tells_of_an_earlier_inspection(paragraph: Paragraph) -> bool:
    """The template's account of the inspection before this review ("The last inspection of health
    services for Leicester's children took place in 2011 ..."), or of Ofsted's."""
    if paragraph.kind == "context" and _OFSTED_INSPECTION_OPENING.match(paragraph.text):
        return True
    return is_introduction(paragraph) and bool(re.match(rf"^\s*{_EARLIER_INSPECTION_OPENING}\b", paragraph.text,
                                                        re.I))


def area_words(reports: dict[str, dict], versions: dict[str, str]) -> list[str]:
    """The words of the stored reports' area names ("Leicester", "City", "Sefton")."""
    return [w for rid, record in reports.items() if rid in versions
            for w in re.findall(r"[A-Za-z]+", record.get("area") or "")]


def document_frequencies(paragraphs: list[Paragraph]) -> Counter:
    """content word -> the number of paragraphs using it."""
    counts: Counter = Counter()
    for paragraph in paragraphs:
        counts.update(content_words(paragraph.text))
    return counts


def inverse_document_frequencies(counts: Counter, total: int) -> dict[str, float]:
    total = max(total, 1)
    return {word: math.log((total + 1) / (count + 0.5)) for word, count in counts.items()}


def validate_kinds(kinds: Iterable[str] | None) -> list[str] | None:
    if kinds is None:
        return None
    kinds = list(kinds)
    unknown = [k for k in kinds if k not in PARAGRAPH_KINDS]
    if unknown:
        raise ValueError(f"unknown paragraph kind(s) {', '.join(unknown)}; kinds are {', '.join(PARAGRAPH_KINDS)}")
    return kinds


def reciprocal_rank_fusion(rankings: list[tuple[float, list[str]]], k: int) -> dict[str, float]:
    """Σ weight / (k + rank) over the rankings (rank from 1)."""
    fused: dict[str, float] = {}
    for weight, ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


@dataclass
class _ReportDigest:
    """What the corpus needs from one stored version of one report, worked out once: a new
    ingest elsewhere costs a read of the changed report, not of the whole corpus."""

    paragraphs: list[Paragraph]
    acronyms: dict[str, str]
    word_counts: Counter
    tokens: list[list[str]]
    names: NameEvidence
    synonym_terms: Counter  # how often the report uses each term of the synonym list
    sole_words: dict[str, str]  # content word only one of its paragraphs uses -> that paragraph
    stems: list[frozenset[str]]  # each paragraph's stemmed words (text_stems)
    written: Counter  # (content word as folded, as written) -> how often (neighbours.written_form_counts)

    @classmethod
    def of(cls, paragraphs: list[Paragraph]) -> "_ReportDigest":
        return cls(paragraphs, learn_acronyms(paragraphs), document_frequencies(paragraphs),
                   lexical_tokens(paragraphs), NameEvidence.of(paragraphs),
                   synonym_term_counts(p.text for p in paragraphs), sole_words(paragraphs),
                   [frozenset(words) for words in text_stems([p.text for p in paragraphs])],
                   written_form_counts(p.text for p in paragraphs))


def cleaned_query(query: str | None) -> str:
    """The query without surrounding space; an empty one is refused."""
    query = (query or "").strip()
    if not query:
        raise ValueError("the query is empty")
    return query


class HybridRetriever:
    """Searches the active paragraphs of a ParagraphStore."""

    def __init__(self, store, embedder: Callable[[], Any], settings: RetrievalSettings):
        self.store = store
        self._embedder = embedder
        self.settings = settings
        self._corpus: _Corpus | None = None
        self._digests: dict[tuple[str, str], _ReportDigest] = {}  # (report id, version) -> digest
        self._lock = threading.Lock()
        self._neighbours = VocabularyNeighbours(embedder)
        self._companion_pool: ThreadPoolExecutor | None = None

    def _companion_worker(self) -> ThreadPoolExecutor:
        """Where the companion embeds a query beside the first model's work (torch releases the
        GIL; each model takes one call at a time)."""
        with self._lock:
            if self._companion_pool is None:
                self._companion_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="companion-query")
            return self._companion_pool

    def corpus(self) -> _Corpus:
        """The lexical index and vocabularies, rebuilt whenever the set of stored report versions
        changes (so an ingest in another process is picked up on the next search). Only the
        reports whose version changed are read again."""
        versions = self.store.active_versions()
        corpus = self._corpus
        if corpus is not None and corpus.versions == versions:
            return corpus
        with self._lock:
            if self._corpus is not None and self._corpus.versions == versions:
                return self._corpus
            wanted = set(versions.items())
            missing = [version for report_id, version in sorted(wanted) if (report_id, version) not in self._digests]
            by_report: dict[str, list[Paragraph]] = {}
            for paragraph in self.store.paragraphs_of_versions(missing):
                by_report.setdefault(paragraph.report_id, []).append(paragraph)
            for report_id, paragraphs in by_report.items():
                self._digests[(report_id, versions[report_id])] = _ReportDigest.of(paragraphs)
            self._digests = {key: d for key, d in self._digests.items() if key in wanted}
            self._corpus = corpus = self._assemble(versions, self.store.report_records())
            return corpus

    def _assemble(self, versions: dict[str, str], reports: dict[str, dict]) -> _Corpus:
        digests = [(rid, self._digests[(rid, v)]) for rid, v in sorted(versions.items()) if (rid, v) in self._digests]
        paragraphs = [p for _, d in digests for p in d.paragraphs]
        acronyms: dict[str, str] = {}
        word_counts: Counter = Counter()
        capitalised: Counter = Counter()
        term_counts: Counter = Counter()
        written: Counter = Counter()
        areas = tuple(area_words(reports, versions))
        stems = {p.citation_id: words for _, d in digests for p, words in zip(d.paragraphs, d.stems)}
        for _, digest in digests:
            capitalised.update(digest.names.capitalised)
            term_counts.update(digest.synonym_terms)
            written.update(digest.written)
            for acronym, expansion in digest.acronyms.items():
                acronyms.setdefault(acronym, expansion)  # the first definition wins, in report order
            word_counts.update(digest.word_counts)
        return _Corpus(
            versions=versions,
            paragraphs={p.citation_id: p for p in paragraphs},
            lexical=LexicalIndex(paragraphs, [t for _, d in digests for t in d.tokens], k1=self.settings.lexical_k1,
                                 b=self.settings.lexical_b),
            acronyms=acronyms,
            names=ReportNames({rid: r for rid, r in reports.items() if rid in versions},
                              {rid: d.names for rid, d in digests}),
            reports=reports,
            word_weights=inverse_document_frequencies(word_counts, len(paragraphs)),
            capitalised=capitalised,
            introductions=frozenset(p.citation_id for p in paragraphs if is_introduction(p)),
            earlier_inspections=frozenset(p.citation_id for p in paragraphs if tells_of_an_earlier_inspection(p)),
            commissioning=frozenset(p.citation_id for p in paragraphs if says_who_commissions(p)),
            quotations=quotation_groups(paragraphs),
            addressees=AddresseeIndex({p.citation_id: p for p in paragraphs}, acronyms, areas),
            initialisms=InitialismGuesser((p.text for p in paragraphs), word_counts, [*acronyms, *synonym_terms()]),
            acronyms_by_letters=acronyms_by_letters(acronyms, paragraphs),
            reports_wording=reports_wording(term_counts),
            distinctive=distinctive_in_corpus((d.sole_words for _, d in digests), word_counts, synonym_terms()),
            area_words=areas,
            stems=stems,
            stem_weights=inverse_document_frequencies(Counter(w for words in stems.values() for w in words),
                                                      len(paragraphs)),
            area_stems=frozenset(text_stems([" ".join(areas)])[0]) if areas else frozenset(),
            written=written_forms(written),
            respeller=Respeller(
                Counter({form: n for (_, form), n in written.items()}),
                [*word_counts, *synonym_terms(), *(a.lower() for a in acronyms), *areas],
                (stem for words in stems.values() for stem in words), self.settings.respell),
        )

    def search(self, query: str, k: int | None = None, report_ids: Iterable[str] | None = None,
               kinds: Iterable[str] | None = None) -> list[SearchResult]:
        """The k best paragraphs for a query, best first."""
        return self.ranked(query, k, report_ids, kinds).results

    def ranked(self, query: str, k: int | None = None, report_ids: Iterable[str] | None = None,
               kinds: Iterable[str] | None = None) -> Ranked:
        """search(), with how closely the companion embedder's best paragraph matches the query."""
        query = cleaned_query(query)
        k = k or self.settings.k
        kinds = validate_kinds(kinds)
        report_ids = list(report_ids) if report_ids is not None else None
        corpus = self.corpus()
        if report_ids is not None:
            refuse_unknown_reports(report_ids, corpus.reports)
        plan = corpus.plan(query, self.settings.expand_queries)
        n = max(self.settings.candidates, k)

        rankings, companion_best = self._rankings(plan, corpus, n, report_ids, kinds)
        fused = reciprocal_rank_fusion(rankings, self.settings.rrf_k)
        if RECOMMENDATION in plan.intents and kinds is None:
            fused = self._follow_links_to_recommendations(fused, corpus)
        fused = self._favour_asked_kinds(fused, plan, corpus)
        if len(plan.named_reports) == 1 and self.settings.report_bias < 1:
            favoured = plan.named_reports[0]
            fused = {cid: s * (1.0 if cid.split("#", 1)[0] == favoured else self.settings.report_bias)
                     for cid, s in fused.items()}
        if RECOMMENDATION in plan.intents and (kinds is None or "recommendation" in kinds):
            fused = self._addressed_first(fused, plan, corpus, report_ids)
        ranked = sorted(fused, key=lambda cid: -fused[cid])
        # Of the first few, the one saying more of what is asked first; the area's name says which
        # report, not what in it (report_bias weighs that).
        asked = [w for w in text_stems([plan.spelled or plan.query])[0] if w not in corpus.area_stems]
        fused = scores_with_words_said(ranked, fused, asked, corpus.stems, corpus.stem_weights,
                                       self.settings.coverage_weight, self.settings.coverage_depth)
        ranked = sorted(fused, key=lambda cid: -fused[cid])

        named = self._named_paragraphs(plan, corpus, report_ids, kinds)
        # The facts asked for, best fused first ("which cases did they track?": of the paragraphs of
        # "How we carried out the review", the one about tracking cases).
        facts = self._review_facts(plan, corpus, report_ids, kinds)
        named += sorted((cid for cid in facts if cid not in named), key=lambda cid: -fused.get(cid, 0.0))
        top_score = max(fused.values(), default=0.0)
        ordered = named + [cid for cid in ranked if cid not in named]
        results = []
        for position, cid in enumerate(ordered[:k]):
            paragraph = corpus.paragraphs.get(cid)
            if paragraph is None:
                continue
            score = top_score + 1.0 / (1 + position) if cid in named else fused[cid]
            results.append(SearchResult(cid, paragraph.report_id, paragraph.para, paragraph.kind,
                                        paragraph.section, round(score, 6), paragraph.text))
        return Ranked(results, companion_best)

    def search_per_report(self, query: str, per_report: int, report_ids: Iterable[str] | None = None,
                          kinds: Iterable[str] = ("finding",)) -> dict[str, list[tuple[str, float]]]:
        """report_id -> its best paragraphs for one query, (citation id, fused score) best first,
        at most `per_report` each. Batched: one embedding and one query per ranker over all the
        reports at once (not a search per report), with enough candidates for every report."""
        query = cleaned_query(query)
        kinds = validate_kinds(kinds)
        corpus = self.corpus()
        scope = sorted(corpus.versions) if report_ids is None else sorted(set(report_ids))
        refuse_unknown_reports(scope, corpus.reports)
        if not scope:
            return {}
        plan = corpus.plan(query, self.settings.expand_queries)
        wanted = set(scope)
        in_scope = sum(1 for p in corpus.paragraphs.values() if p.report_id in wanted and p.kind in kinds)
        n = max(1, min(in_scope, per_report * len(scope) * self.settings.per_report_pool))
        filter_ids = None if len(scope) == len(corpus.versions) else scope
        # Ranks count within each report, so that a report's rows do not depend on how its
        # paragraphs interleave with other reports' in a ranking over all of them.
        fused: dict[str, float] = {}
        for weight, ranking in self._rankings(plan, corpus, n, filter_ids, kinds)[0]:
            within: Counter = Counter()
            for cid in ranking:
                report_id = cid.split("#", 1)[0]
                within[report_id] += 1
                fused[cid] = fused.get(cid, 0.0) + weight / (self.settings.rrf_k + within[report_id])
        grouped: dict[str, list[tuple[str, float]]] = {rid: [] for rid in scope}
        for cid in sorted(fused, key=lambda c: (-fused[c], c)):
            rows = grouped.get(cid.split("#", 1)[0])
            if rows is not None and len(rows) < per_report and cid in corpus.paragraphs:
                rows.append((cid, fused[cid]))
        return grouped

    def _rankings(self, plan: QueryPlan, corpus: _Corpus, n: int, report_ids,
                  kinds) -> tuple[list[tuple[float, list[str]]], float | None]:
        """(weight, ranked ids) to fuse: passages by meaning, paragraphs by words, sentences by
        meaning, and, for each intent the question shows, the kinds that answer it ranked alone.
        Also the companion embedder's cosine for its best paragraph (None without a companion)."""
        settings = self.settings
        unknown = []
        if settings.neighbour_similarity < 1:
            unknown = self._neighbours.unknown_words(plan.query, corpus.vocabulary)
        companion = companion_of(self._embedder())
        pending = None
        if companion is not None and settings.companion_weight:
            # The companion embeds what the question asks about (query_analysis.what_is_asked_about)
            # as asked, its shorthand spelled out (the appended synonym expansions were tuned for
            # the first model and the word ranker; dev recall@5 0.862 as asked vs 0.828 expanded),
            # on another thread while the first model's rankings are made.
            pending = self._companion_worker().submit(companion.embed_query, plan.spelled or plan.query)
        # One forward pass for the query and its unknown words (a second embedding call cost
        # about as much as the first on 2 cores); a query alone is embedded as a query.
        if unknown:
            # each unknown word as the question writes it ("bosses", not the folded "bosse")
            asked = written_forms(written_form_counts([plan.query]))
            vectors = self._embedder().embed_documents([plan.expanded, *(asked.get(w, w) for w in unknown)])
            vector = vectors[0]
        else:
            vector, vectors = self._embedder().embed_query(plan.expanded), []

        def dense(unit: str, only_kinds) -> list[str]:
            return [cid for cid, _ in self.store.dense_search(vector, n, report_ids, only_kinds,
                                                              versions=corpus.versions, unit=unit)]

        added = self._neighbours.expansions(unknown, vectors[1:], corpus.vocabulary, settings.neighbour_similarity,
                                            corpus.written)
        words = f"{plan.expanded} {' '.join(added)}" if added else plan.expanded

        def lexical(only_kinds) -> list[str]:
            return [cid for cid, _ in corpus.lexical.search(words, n, report_ids, only_kinds)]

        by_words = lexical(kinds)
        rankings = [(settings.dense_weight, dense("passages", kinds)), (settings.lexical_weight, by_words)]
        if settings.distinctive_weight:
            rankings.append((settings.distinctive_weight,
                             self._by_distinctive_words(plan, corpus, by_words, report_ids, kinds)))
        if settings.sentence_weight:
            rankings.append((settings.sentence_weight, dense("sentences", kinds)))
        if settings.intent_weight and kinds is None:
            for intent in plan.intents:
                rankings += [(settings.intent_weight, dense("passages", list(intent.kinds))),
                             (settings.intent_weight, lexical(list(intent.kinds)))]
        companion_best = None
        if pending is not None:  # last, so that its embedding had the longest to finish
            by_companion = self.store.dense_search(pending.result(), n, report_ids, kinds,
                                                   versions=corpus.versions, unit="companion")
            rankings.insert(2, (settings.companion_weight, [cid for cid, _ in by_companion]))
            companion_best = max((cosine for _, cosine in by_companion), default=None)
        return rankings, companion_best

    @staticmethod
    def _by_distinctive_words(plan: QueryPlan, corpus: _Corpus, by_words: list[str], report_ids,
                              kinds) -> list[str]:
        """The paragraphs holding words of the question that no other paragraph uses
        (distinctive_words.py), in scope."""
        def in_scope(cid: str) -> bool:
            paragraph = corpus.paragraphs[cid]
            return ((report_ids is None or paragraph.report_id in report_ids)
                    and (kinds is None or paragraph.kind in kinds))

        return distinctive_ranking(plan.query, corpus.distinctive, by_words, in_scope, corpus.area_words)

    def _favour_asked_kinds(self, fused: dict[str, float], plan: QueryPlan, corpus: _Corpus) -> dict[str, float]:
        """Recommendations count for less when the question does not ask what was recommended,
        case examples when it asks for none (a child's story told in everyday words), and the title
        page and the introductions of the report and its sections when it asks no fact about the
        review: they match many questions by restating them (an instruction
        repeating its finding; the title naming the area and "children looked after"; "This report
        records the findings of the review of health services in safeguarding and looked after
        children services in Sefton"), without being what was asked; and the context section's
        statements of who commissions and provides a service, unless that is asked."""
        bias = {}
        if RECOMMENDATION not in plan.intents and self.settings.unasked_recommendation_bias < 1:
            bias["recommendation"] = self.settings.unasked_recommendation_bias
        if not asks_about_the_review(plan.intents) and self.settings.title_bias < 1:
            bias["front"] = self.settings.title_bias
        introduction = self.settings.introduction_bias if not asks_about_the_review(plan.intents) else 1.0
        # The account of the inspection before gives way to questions about this review too ("did
        # the review look at health assessments?"), unless that inspection is asked about.
        earlier = self.settings.introduction_bias if not asks_about_an_earlier_inspection(plan.query) else 1.0
        commissioning = self.settings.commissioning_bias if not asks_who_provides(plan.query) else 1.0
        if CASE_EXAMPLE not in plan.intents and self.settings.case_example_bias < 1:
            bias["case-example"] = self.settings.case_example_bias
        if not bias and introduction >= 1 and earlier >= 1 and commissioning >= 1:
            return fused
        kinds = {cid: corpus.paragraphs[cid].kind for cid in fused if cid in corpus.paragraphs}

        def framing(cid: str) -> float:
            if cid in corpus.earlier_inspections:
                return earlier
            return introduction if cid in corpus.introductions else 1.0

        return {cid: score * bias.get(kinds.get(cid), 1.0) * framing(cid)
                * (commissioning if cid in corpus.commissioning else 1.0)
                for cid, score in fused.items()}

    @staticmethod
    def _addressed_first(fused: dict[str, float], plan: QueryPlan, corpus: _Corpus, report_ids) -> dict[str, float]:
        """A recommendation question naming an organisation ("what was Alder Hey asked to do?",
        "recs for UHL"): the recommendations addressed to it rank above every other paragraph, in
        their fused order (the question's topic, if it has one, orders them)."""
        addressed = corpus.addressed(plan.query, report_ids)
        if len(plan.named_reports) == 1:  # "... in Sefton": that report's, when it has any
            addressed = [cid for cid in addressed if cid.startswith(f"{plan.named_reports[0]}#")] or addressed
        if not addressed:
            return fused
        lead = max(fused.values(), default=0.0)
        fused = dict(fused)
        for cid in addressed:
            fused[cid] = fused.get(cid, 0.0) + lead
        return fused

    def _follow_links_to_recommendations(self, fused: dict[str, float], corpus: _Corpus) -> dict[str, float]:
        """A recommendation question: each recommendation a well-placed finding points to gains a
        share of that finding's score (findings name the recommendations they led to)."""
        share = self.settings.link_share
        if not share:
            return fused
        fused = dict(fused)
        leaders = sorted(fused, key=lambda cid: -fused[cid])[:10]
        for cid in leaders:
            paragraph = corpus.paragraphs.get(cid)
            for rec_id in paragraph.recommendations if paragraph else ():
                if rec_id in corpus.paragraphs:
                    fused[rec_id] = fused.get(rec_id, 0.0) + share * fused[cid]
        return fused

    @staticmethod
    def _review_facts(plan: QueryPlan, corpus: _Corpus, report_ids, kinds) -> list[str]:
        """The front-matter fields (or the count of cases) a fact question asks for."""
        scope = [r for r in (plan.named_reports or sorted(corpus.versions)) if report_ids is None or r in report_ids]
        return [cid for cid in fact_paragraphs(plan.query, corpus.paragraphs, scope)
                if kinds is None or corpus.paragraphs[cid].kind in kinds]

    @staticmethod
    def _named_paragraphs(plan: QueryPlan, corpus: _Corpus, report_ids, kinds) -> list[str]:
        if not plan.paragraph_refs:
            return []
        reports = plan.named_reports or sorted(corpus.versions)
        if report_ids is not None:
            reports = [r for r in reports if r in report_ids]
        named = []
        for ref in plan.paragraph_refs:
            for report_id in reports:
                cid = f"{report_id}#{ref}"
                paragraph = corpus.paragraphs.get(cid)
                if paragraph and (kinds is None or paragraph.kind in kinds):
                    named.append(cid)
        return named


class ReportRetriever(BaseRetriever):
    """The hybrid retriever as a LangChain BaseRetriever: Documents with citation metadata."""

    retriever: Any
    k: int = 5
    report_ids: list[str] | None = None
    kinds: list[str] | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        results = self.retriever.search(query, k=self.k, report_ids=self.report_ids, kinds=self.kinds)
        return [
            Document(id=r.id, page_content=r.text, metadata={k: v for k, v in r.to_dict().items() if k != "text"})
            for r in results
        ]


def refuse_unknown_reports(report_ids: list[str], stored: dict[str, dict]) -> None:
    """A filter naming a report that is not stored is a mistake to report, not an empty result."""
    unknown = [r for r in report_ids if r not in stored]
    if unknown:
        listed = ", ".join(sorted(stored)[:10]) or "none"
        raise NotFoundError(f"report_ids names {', '.join(repr(r) for r in unknown)}, which "
                            f"{'is' if len(unknown) == 1 else 'are'} not stored (stored reports: {listed})")
