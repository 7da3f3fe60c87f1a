"""What people told us: a quotation and the sentence introducing it ("One parent told us:") are
answered together."""

from __future__ import annotations

import pytest

from assistant.engines.extractive import with_quotation_partners
from assistant.grounding.context import ContextParagraph
from assistant.grounding.relevance import ScoredSentence
from assistant.retrieval.quotations import quotation_groups
from evals.check_data import load_paragraphs
from tests.conftest import REPORTS_DIR
from vectorstore.chunking import sentence_spans


@pytest.fixture(scope="module")
def groups():
    return quotation_groups(load_paragraphs(REPORTS_DIR).values())


def test_an_introduction_is_grouped_with_the_quotations_that_follow_it(groups):
    # "We heard from a parent of a child in local authority care ... They told us:" and three quotations.
    assert groups["sefton-2018#what-people-told-us.15"] == tuple(
        f"sefton-2018#what-people-told-us.{n}" for n in (15, 16, 17, 18))
    assert groups["sefton-2018#what-people-told-us.17"] == groups["sefton-2018#what-people-told-us.15"]


def test_a_paragraph_introducing_another_introduction_has_no_quotation(groups):
    # "We heard about the experiences of partners:" is followed by "One informed us:", not a quotation.
    assert "leicester-city-2016#what-people-told-us.7" not in groups
    assert groups["leicester-city-2016#what-people-told-us.8"] == (
        "leicester-city-2016#what-people-told-us.8", "leicester-city-2016#what-people-told-us.9")
    assert not any(cid.split("#")[1].startswith(("context", "summary")) for cid in groups)  # "We looked at:"


def test_an_introduction_is_answered_with_its_quotation(real_service):
    """The introduction alone ("One parent told us:") was cited, and not what the parent said."""
    answer = real_service.ask("Why did one parent bring their child to the Sefton hospital instead of seeing "
                              "their GP?", engine="extractive")
    cited = [c.id for c in answer.citations]
    assert "sefton-2018#what-people-told-us.9" in cited and "sefton-2018#what-people-told-us.10" in cited
    assert "wait ages" in answer.answer
    lines = answer.answer.splitlines()
    told = next(i for i, line in enumerate(lines) if line.endswith("told us: [sefton-2018#what-people-told-us.9]"))
    assert "what-people-told-us.10]" in lines[told + 1]


def test_a_quotation_is_answered_with_who_said_it(real_service):
    answer = real_service.ask("what did a mum say about Alder Hey A&E", engine="extractive")
    lines = answer.answer.splitlines()
    quoted = next(i for i, line in enumerate(lines) if "what-people-told-us.17]" in line)
    assert any("what-people-told-us.15]" in line for line in lines[:quoted])
    assert "birth family" in answer.answer  # who: a parent of a child in care living at home


def _sentences(paragraphs, cids):
    return [ScoredSentence(ContextParagraph(paragraphs[cid], 0.0, "retrieved"), start, end, 0.5, 0.0, 0.5)
            for cid in cids for start, end in sentence_spans(paragraphs[cid].text)]


def test_only_a_quotation_and_its_introduction_are_joined():
    """A paragraph after a quotation that quotes nobody ("The fourth parent described the health
    visitor service as 'really good'.") is not joined to the lead-in before that quotation."""
    paragraphs = load_paragraphs(REPORTS_DIR)
    cids = [f"sefton-2018#what-people-told-us.{n}" for n in (6, 7, 8)]
    scored = _sentences(paragraphs, cids)
    groups = quotation_groups(paragraphs.values())
    fourth = [s for s in scored if s.item.id == cids[2]][:1]
    assert with_quotation_partners(fourth, scored, groups) == fourth
    quoted = [s for s in scored if s.item.id == cids[1]][:1]
    joined = with_quotation_partners(quoted, scored, groups)
    assert [s.item.id for s in joined] == [cids[1], cids[0]] and joined[1].text.strip() == "They said:"
