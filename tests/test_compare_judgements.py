"""Who writes a comparison cell's judgement: the writing engine's reply (scripted here; the real
model's is in test_local_engine.py) is checked like any answer, and the cell keeps to the
report's own sentences when the reply cites nothing, states a figure its sentences do not, the
model fails, or the comparison is larger than compare.written_cells. Everything else is real."""

from __future__ import annotations

import re

import pytest

from assistant.answers.comparing import Comparer
from assistant.engines.local import LocalEngine
from assistant.errors import LLMError
from tests.test_local_replies import ScriptedModel

pytestmark = pytest.mark.slow

THEME = "waiting times for CAMHS"


def comparer_with(service, reply, written_cells: int | None = None) -> tuple[Comparer, ScriptedModel]:
    settings = service.settings.model_copy(deep=True)
    if written_cells is not None:
        settings.compare.written_cells = written_cells
    model = ScriptedModel(reply)
    engine = LocalEngine(settings.llm, settings.answer, model=model)
    return Comparer(service.retriever, service.sentences, settings, lambda _name: engine), model


def sheet_sentence(prompt: str, handle: str) -> str:
    return re.search(rf"^\[{handle}\] (.+)$", prompt, re.M).group(1)


def test_a_written_judgement_cites_the_handles_it_names(real_service):
    comparer, model = comparer_with(real_service, lambda _prompt: "Children wait a long time for CAMHS [S1][S2].")
    comparison = comparer.compare(THEME).to_dict()

    assert len(model.prompts) == 2 and all(f"Theme: {THEME}" in p for p in model.prompts)
    assert comparison["engine"] == "local" and comparison["notice"] is None
    for prompt, cell in zip(model.prompts, comparison["columns"][0]["cells"]):
        assert cell["written_by"] == "local"
        assert cell["judgement"].startswith("Children wait a long time for CAMHS. [")
        cited = cell["citations"][:2]
        assert [c["quote"] for c in cited] == [sheet_sentence(prompt, "S1"), sheet_sentence(prompt, "S2")]
        for citation in cell["citations"]:
            stored = real_service.paragraph(citation["id"]).text
            assert stored[citation["start"]:citation["end"]] == citation["quote"]
        # the findings behind the cell are the same whoever writes its judgement
        assert [f["id"] for f in cell["findings"]] == [
            f["id"] for f in real_service.compare(THEME, engine="extractive").to_dict()["columns"][0]["cells"][
                comparison["columns"][0]["cells"].index(cell)]["findings"]]


def test_an_unsupported_figure_or_no_handle_keeps_the_cell_extractive(real_service):
    replies = iter(["Children wait 99 weeks for CAMHS [S1].", "On balance this is a mixed picture overall."])
    comparer, _ = comparer_with(real_service, lambda _prompt: next(replies))
    cells = comparer.compare(THEME).to_dict()["columns"][0]["cells"]
    extractive = real_service.compare(THEME, engine="extractive").to_dict()["columns"][0]["cells"]

    assert [c["written_by"] for c in cells] == ["extractive", "extractive"]
    assert [c["judgement"] for c in cells] == [c["judgement"] for c in extractive]
    assert all("99 weeks" not in c["judgement"] and "[unsupported]" not in c["judgement"] for c in cells)


def test_markers_the_model_writes_itself_never_cite(real_service):
    comparer, _ = comparer_with(real_service, lambda _prompt: "See [sefton-2018#9.9] and [S1].")
    for cell in comparer.compare(THEME).to_dict()["columns"][0]["cells"]:
        markers = re.findall(r"\[([^\[\]]*)\]", cell["judgement"])
        assert "sefton-2018#9.9" not in markers
        assert all(m in {c["id"] for c in cell["citations"]} for m in markers if "#" in m)


def test_a_comparison_larger_than_the_written_limit_is_extractive_and_says_so(real_service):
    comparer, model = comparer_with(real_service, lambda _prompt: "Never asked [S1].", written_cells=3)
    comparison = comparer.compare([THEME, "governance"]).to_dict()  # 2 reports x 2 themes = 4 cells

    assert model.prompts == []
    assert comparison["engine"] == "extractive"
    assert "4 cells" in comparison["notice"] and "compare.written_cells" in comparison["notice"]


def test_a_failing_model_leaves_the_rest_extractive_with_a_notice(real_service):
    def reply(_prompt):
        raise LLMError("the local model qwen failed: RuntimeError: out of memory")

    comparer, _ = comparer_with(real_service, reply)
    comparison = comparer.compare(THEME).to_dict()
    assert comparison["engine"] == "extractive"
    assert "out of memory" in comparison["notice"] and "extractive" in comparison["notice"]
    assert all(c["written_by"] == "extractive" and c["citations"] for c in comparison["columns"][0]["cells"])
