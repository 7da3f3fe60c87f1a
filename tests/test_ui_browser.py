"""The staff UI in a real browser: Debian's chromium driven by Playwright against the app
served by uvicorn on 127.0.0.1. Screenshots of each step go to UI_SCREENSHOTS_DIR."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from assistant.service import build_service
from assistant.serving import create_served_app
from assistant.settings import Settings
from tests.conftest import PDF_DIR, ROOT, report_text_path
from tests.live_server import live_server

pytestmark = pytest.mark.slow

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = Path(os.environ.get("UI_SCREENSHOTS_DIR", ROOT / "test-artifacts" / "ui-screenshots"))
LOCAL = ("http://127.0.0.1", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make setup` (or .ci/run) installs Debian's chromium for the browser tests")
    from playwright.sync_api import sync_playwright

    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def ui_service(real_service, tmp_path_factory):
    """Its own store holding Leicester only, so the Sefton PDF upload adds a new report."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("ui") / "data")
    service = build_service(settings, embedder=real_service.embedder())
    assert service.ingest([report_text_path("leicester-city-2016")])[0].status == "ingested"
    return service


def open_page(browser, url: str, width: int = 1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(LOCAL) else None)
    page.goto(url, wait_until="load")
    return page, outside


def test_ask_open_a_citation_draft_and_upload_a_pdf(browser, ui_service, tmp_path):
    with live_server(create_served_app(ui_service)) as url:
        page, outside = open_page(browser, f"{url}/ui/")
        question = page.locator("#question textarea")
        question.wait_for(timeout=30_000)
        # An empty chat offers starter questions drawn from the stored report.
        expect(page.locator("#chat")).to_contain_text("What did the Leicester City review find about", timeout=30_000)

        # Chat from the keyboard: type, Enter, then a citation chip appears. The slip in the
        # area's name is read as the report's word, and the answer says so.
        question.fill("How bad is tooth decay among five-year-olds in Leicster?")
        question.press("Enter")
        chip = page.locator("#citation-chips label").first
        chip.wait_for(timeout=60_000)
        assert "Leicester City 2016 \u00b7 Early help \u00b7 para 1.9 (leicester-city-2016#1.9)" in chip.inner_text()
        assert "51%" in page.locator("#chat").inner_text() and "engine: extractive" in page.locator("#chat").inner_text()
        assert "Read as: Leicster \u2192 Leicester" in page.locator("#chat").inner_text()
        page.screenshot(path=SCREENSHOTS / "01-answer-with-citation-chips.png", full_page=True)

        # The [1] marker in the answer is a link: hovering shows where it points and the quote;
        # clicking it opens the paragraph in the side panel with the quote marked.
        marker = page.locator("#chat a.cite").first
        assert marker.get_attribute("href").startswith("#cite/leicester-city-2016%231.9/")
        assert marker.inner_text().startswith("[1]")
        preview = marker.locator(".cite-preview")
        expect(preview).to_be_hidden()
        marker.hover()
        expect(preview).to_be_visible()
        expect(preview).to_contain_text("Leicester City 2016 \u00b7 Early help \u00b7 para 1.9")
        expect(preview).to_contain_text("51% of five year olds")
        page.screenshot(path=SCREENSHOTS / "01b-marker-preview-on-hover.png")
        marker.click()
        mark = page.locator("#paragraph-panel mark.quote").first
        mark.wait_for(timeout=30_000)
        assert "51% of five year olds have tooth decay" in mark.inner_text()
        assert "Leicester City (2016)" in page.locator("#paragraph-panel").inner_text()
        page.screenshot(path=SCREENSHOTS / "02-cited-paragraph-highlighted.png", full_page=True)

        # Draft a finding for an area and a provider: precedents with whole quotes; the draft is
        # edited in place and exported as edited.
        observation = "Community midwives cannot see the full maternity record when visiting."
        page.get_by_role("tab", name="Draft a finding").click()
        page.locator("#observation textarea").fill(observation)
        page.locator("#area").locator("textarea, input").first.fill("Testshire")
        page.locator("#provider").locator("textarea, input").first.fill("Testshire Hospitals NHS Trust")
        page.locator("#draft-button").click()
        expect(page.locator("#precedents")).to_contain_text("leicester-city-2016#1.4", timeout=60_000)
        finding = page.locator("#draft-text textarea")
        expect(finding).to_have_value(re.compile(r"^In Testshire, community midwives cannot see"))
        assert page.locator("#draft-recommendation textarea").input_value().startswith("Testshire Hospitals NHS Trust should")
        expected = ui_service.draft(observation, "Testshire", "Testshire Hospitals NHS Trust")
        table = " ".join(page.locator("#precedents").inner_text().split())
        assert expected.precedents and all(" ".join(p.quote.split()) in table for p in expected.precedents)
        markdown_link = page.locator("#draft-files a[download='draft-finding.md']")
        markdown_link.wait_for(timeout=30_000)
        first_export = markdown_link.get_attribute("href")
        finding.fill(finding.input_value() + " Seen in three of the five cases sampled.")
        page.locator("#export-draft").click()
        expect(markdown_link).not_to_have_attribute("href", first_export, timeout=30_000)
        with page.expect_download() as download:
            markdown_link.click()
        exported = Path(download.value.path()).read_text()
        assert "Seen in three of the five cases sampled." in exported and "### References" in exported
        assert re.search(r"\n1\. `leicester-city-2016#[\d.]+` \(Leicester City \(2016\)\)", exported)
        with page.expect_download() as download:
            page.locator("#draft-files a[download='draft-finding.docx']").click()
        assert download.value.suggested_filename == "draft-finding.docx"
        page.screenshot(path=SCREENSHOTS / "03-draft-with-precedents.png", full_page=True)

        # Upload the Sefton PDF and see it listed.
        page.get_by_role("tab", name="Reports").click()
        page.locator("#upload input[type=file]").set_input_files(str(PDF_DIR / "sefton-2018.pdf"))
        page.get_by_text("sefton-2018.pdf").first.wait_for(timeout=30_000)
        page.locator("#ingest").click()
        # Both embedders read the report: about 75 s on 2 AVX2 cores with float32 mpnet, quiet.
        expect(page.locator("#ingest-results")).to_contain_text("ingested", timeout=300_000)
        expect(page.locator("#ingest-results")).to_contain_text("sefton-2018")
        expect(page.locator("#reports-table")).to_contain_text("sefton-2018", timeout=30_000)
        page.screenshot(path=SCREENSHOTS / "04-uploaded-pdf-listed.png", full_page=True)

        # A file that is not a report: the whole error is shown, not cut off.
        not_a_report = tmp_path / "minutes.txt"
        not_a_report.write_text("Minutes of the practice meeting.\n\nNothing about a review here.\n")
        error = ui_service.ingest([not_a_report])[0].error
        assert error and len(error) > 60
        page.locator("#upload input[type=file]").set_input_files(str(not_a_report))
        page.get_by_text("minutes.txt").first.wait_for(timeout=30_000)
        page.locator("#ingest").click()
        expect(page.locator("#ingest-results")).to_contain_text("minutes.txt", timeout=60_000)
        shown = " ".join(page.locator("#ingest-results").inner_text().split())
        assert " ".join(error.replace(str(tmp_path) + "/", "").split()) in shown
        page.screenshot(path=SCREENSHOTS / "04b-ingest-error-in-full.png", full_page=True)
        assert [r["report_id"] for r in ui_service.reports()] == ["leicester-city-2016", "sefton-2018"]

        # Delete it again, after confirming.
        page.locator("#delete-choice input").click()
        page.get_by_role("option", name="sefton-2018").click()
        page.get_by_role("button", name="Delete\u2026").click()
        page.locator("#confirm-delete").wait_for(timeout=30_000)
        page.screenshot(path=SCREENSHOTS / "05-delete-asks-to-confirm.png", full_page=True)
        page.locator("#confirm-delete").click()
        expect(page.get_by_text("Deleted sefton-2018.")).to_be_visible(timeout=30_000)
        expect(page.locator("#reports-table")).not_to_contain_text("sefton-2018")
        assert [r["report_id"] for r in ui_service.reports()] == ["leicester-city-2016"]

        # A narrow window still shows the chat input.
        narrow, _ = open_page(browser, f"{url}/ui/", width=420)
        narrow.locator("#question textarea").wait_for(timeout=30_000)
        assert narrow.locator("#question textarea").is_visible()
        narrow.screenshot(path=SCREENSHOTS / "06-narrow-window.png", full_page=True)
        assert outside == [], f"the UI fetched from outside 127.0.0.1: {outside}"


def test_with_api_keys_the_ui_asks_for_a_key(browser, ui_service):
    settings = ui_service.settings.model_copy(deep=True)
    settings.api.api_keys = "ui-secret"
    service = build_service(settings, store=ui_service.store, embedder=ui_service.embedder())
    with live_server(create_served_app(service)) as url:
        page, outside = open_page(browser, f"{url}/ui/")
        page.get_by_label("username").wait_for(timeout=30_000)
        page.screenshot(path=SCREENSHOTS / "07-login.png", full_page=True)
        page.get_by_label("username").fill("inspector")
        page.get_by_label("password").fill("wrong")
        page.get_by_role("button", name="Login").click()
        page.get_by_text("Incorrect").first.wait_for(timeout=30_000)
        page.get_by_label("username").fill("inspector")
        page.get_by_label("password").fill("ui-secret")
        page.get_by_role("button", name="Login").click()
        page.locator("#question textarea").wait_for(timeout=30_000)
        page.screenshot(path=SCREENSHOTS / "08-after-login.png", full_page=True)
        assert outside == []


def test_conversations_survive_a_reload_and_a_restart(browser, ui_service, recwarn):
    """Open `/`, ask, reload and reopen the conversation from the sidebar; restart the server
    (a new service over the same data dir) and find it again; export it."""
    question_text = "What share of five-year-olds in Leicester have tooth decay?"  # a question no other test asks
    with live_server(create_served_app(ui_service)) as url:
        page, outside = open_page(browser, f"{url}/")
        page.locator("#question textarea").wait_for(timeout=30_000)
        assert page.url.endswith("/ui/")
        page.locator("#question textarea").fill(question_text)
        page.locator("#question textarea").press("Enter")
        page.locator("#citation-chips label").first.wait_for(timeout=60_000)
        expect(page.locator("#conversation-list")).to_contain_text(question_text, timeout=30_000)
        page.screenshot(path=SCREENSHOTS / "09-conversation-in-sidebar.png", full_page=True)

        # Feedback on a citation: clicking its marker chooses its chip; mark it right with a note.
        page.locator("#chat a.cite").first.click()
        expect(page.locator("#citation-chips input").first).to_be_checked(timeout=30_000)
        page.locator("#feedback").get_by_text("Feedback on the chosen citation").click()
        page.locator("#feedback-verdict label").filter(has_text="right").first.click()
        page.locator("#feedback-note textarea").fill("the figure staff quote")
        page.locator("#send-feedback").click()
        expect(page.locator("#feedback-status")).to_contain_text("leicester-city-2016#1.9", timeout=30_000)
        page.screenshot(path=SCREENSHOTS / "09b-feedback-on-a-citation.png", full_page=True)

        # The cited paragraph in its place in the whole report, highlighted and scrolled to.
        page.locator("#open-in-report").click()
        target = page.locator("#report-reader .para.target")
        expect(target).to_contain_text("leicester-city-2016#1.9", timeout=30_000)
        # Every quoted sentence of the paragraph is marked (the figure's and, since 2026-12-04, the one after it).
        expect(target.locator("mark.quote").filter(has_text="51% of five year olds")).to_have_count(1)
        expect(target).to_be_in_viewport(timeout=10_000)
        assert page.locator("#report-reader nav .outline li").count() >= 5  # the section outline
        assert "Led to" in page.locator("#report-reader").inner_text()  # findings link their recommendations
        page.screenshot(path=SCREENSHOTS / "09c-report-reader-at-the-paragraph.png")
        page.get_by_role("tab", name="Chat").click()

        page.reload(wait_until="load")
        expect(page.locator("#conversation-list")).to_contain_text(question_text, timeout=30_000)
        assert "51%" not in page.locator("#chat").inner_text()  # a fresh page, until reopened
        page.locator("#conversation-list label").filter(has_text=question_text).click()
        expect(page.locator("#chat")).to_contain_text("51%", timeout=30_000)
        expect(page.locator("#citation-chips")).to_contain_text("leicester-city-2016#1.9")
        page.screenshot(path=SCREENSHOTS / "10-reopened-after-reload.png", full_page=True)

        # A follow-up in the reopened conversation reads its stored turns.
        page.locator("#question textarea").fill("and what did they recommend about it?")
        page.locator("#question textarea").press("Enter")
        expect(page.locator("#conversation-list")).to_contain_text("2 turns", timeout=60_000)

        # A marker in the earlier answer still opens its paragraph (the chips are the latest answer's).
        expect(page.locator("#paragraph-panel mark.quote")).to_have_count(0)
        page.locator("#chat a.cite[href^='#cite/leicester-city-2016%231.9/']").first.click()
        expect(page.locator("#paragraph-panel mark.quote").first).to_contain_text("51% of five year olds", timeout=30_000)
        page.screenshot(path=SCREENSHOTS / "10b-earlier-marker-opened.png", full_page=True)
        assert outside == [], f"the UI fetched from outside 127.0.0.1: {outside}"

    restarted = build_service(ui_service.settings, store=ui_service.store, embedder=ui_service.embedder())
    with live_server(create_served_app(restarted)) as url:
        page, outside = open_page(browser, f"{url}/ui/")
        expect(page.locator("#conversation-list")).to_contain_text(question_text, timeout=30_000)
        page.locator("#conversation-list label").filter(has_text=question_text).click()
        expect(page.locator("#chat")).to_contain_text("51%", timeout=30_000)
        page.locator("#conversation-title textarea, #conversation-title input").first.fill("Tooth decay")
        page.locator("#rename-conversation").click()
        expect(page.locator("#conversation-list")).to_contain_text("Tooth decay \u00b7 2 turns", timeout=30_000)
        page.locator("#export-conversation").click()
        page.locator("#conversation-files a[download='conversation.md']").wait_for(timeout=30_000)
        page.screenshot(path=SCREENSHOTS / "11-after-restart-renamed-exported.png", full_page=True)

        # The feedback survived the restart; an administrator exports it as eval cases.
        page.get_by_role("tab", name="Reports").click()
        page.locator("#staff-feedback").get_by_text("Staff feedback").click()
        page.locator("#show-feedback").click()
        expect(page.locator("#feedback-list")).to_contain_text("the figure staff quote", timeout=30_000)
        page.locator("#export-feedback").click()
        link = page.locator("#feedback-file a[download='feedback-eval-cases.jsonl']")
        link.wait_for(timeout=30_000)
        with page.expect_download() as download:
            link.click()
        cases = [json.loads(line) for line in Path(download.value.path()).read_text().splitlines()]
        assert any(c["question"] == question_text and c["gold"] == ["leicester-city-2016#1.9"] for c in cases)
        page.screenshot(path=SCREENSHOTS / "12-feedback-exported-as-eval-cases.png", full_page=True)
        assert outside == [], f"the UI fetched from outside 127.0.0.1: {outside}"
    listed = restarted.conversations.list_for("local")
    assert listed[0]["title"] == "Tooth decay" and listed[0]["turns"] == 2  # latest first
    assert not any(c["title"] == question_text for c in listed)  # renamed, not copied
    # Gradio's queue no longer builds its pandas event summary (which warned on every click).
    assert [str(w.message) for w in recwarn if "pandas" in type(w.message).__name__.lower()] == []


def test_a_streamed_answer_settles_into_clickable_markers(browser, ui_service, model_path):
    """With the local model answering: a starter question asked with one click, the model's words
    appear as it writes them, then the checked answer with its numbered markers; a marker opens
    its paragraph."""
    settings = ui_service.settings.model_copy(deep=True)
    settings.llm.engine = "local"
    service = build_service(settings, store=ui_service.store, embedder=ui_service.embedder())
    with live_server(create_served_app(service)) as url:
        page, outside = open_page(browser, f"{url}/ui/")
        starter = page.locator("#chat").get_by_text("When did the Leicester City review take place?")
        starter.wait_for(timeout=30_000)
        starter.click()
        expect(page.locator("#chat")).to_contain_text("\u258c", timeout=120_000)  # the cursor of a streaming answer
        page.screenshot(path=SCREENSHOTS / "13-answer-streaming.png", full_page=True)
        marker = page.locator("#chat a.cite").first
        marker.wait_for(timeout=240_000)
        expect(page.locator("#chat")).not_to_contain_text("\u258c")
        cid = unquote(marker.get_attribute("href").split("/")[1])
        assert cid.startswith("leicester-city-2016#")
        marker.click()
        expect(page.locator("#paragraph-panel h3")).to_have_text(cid, timeout=30_000)
        marker.hover()
        page.screenshot(path=SCREENSHOTS / "14-streamed-answer-settled.png", full_page=True)
        page.locator("#open-in-report").click()
        target = page.locator("#report-reader .para.target")
        expect(target).to_contain_text(cid, timeout=30_000)
        expect(target).to_be_in_viewport(timeout=10_000)
        assert outside == [], f"the UI fetched from outside 127.0.0.1: {outside}"


def test_compare_areas_shows_a_cited_matrix_whose_cells_open_their_paragraphs(browser, real_service, tmp_path):
    with live_server(create_served_app(real_service)) as url:
        page, outside = open_page(browser, f"{url}/ui/", width=1440)
        page.get_by_role("tab", name="Compare areas").click()
        themes = page.locator("#compare-themes input")
        themes.wait_for(timeout=30_000)
        for theme in ("initial health assessments", "domestic abuse"):
            themes.fill(theme)
            themes.press("Enter")
        themes.press("Escape")
        page.locator("#compare-matrix").click()  # closes the theme list
        page.locator("#compare-button").click()
        table = page.locator("#compare-matrix table.compare-matrix")
        table.wait_for(timeout=120_000)
        expected = real_service.compare(["initial health assessments", "domestic abuse"]).to_dict()

        # One row per report (earliest review first), one column per theme.
        headers = [" ".join(h.split()) for h in table.locator("thead th").all_inner_texts()]
        assert headers == ["Area (review)", "initial health assessments", "domestic abuse"]
        rows = table.locator("tbody tr")
        expect(rows).to_have_count(2)
        assert rows.nth(0).locator("th").inner_text().startswith("Leicester City 2016")
        assert rows.nth(1).locator("th").inner_text().startswith("Sefton 2018")
        first_cell = expected["columns"][0]["cells"][0]
        assert first_cell["findings"][0]["id"] in rows.nth(0).locator("td").first.inner_html()
        expect(page.locator("#compare-status")).to_contain_text("2 reports \u00d7 2 themes")
        page.screenshot(path=SCREENSHOTS / "07-compare-matrix.png", full_page=True)

        # A cell's [n] marker opens the cited paragraph beside the matrix, the quote marked.
        marker = rows.nth(0).locator("td").first.locator("a.cite").first
        cited = unquote(marker.get_attribute("href").split("/")[1])
        assert cited == first_cell["citations"][0]["id"]
        marker.click()
        expect(page.locator("#compare-panel")).to_contain_text(cited, timeout=30_000)
        mark = page.locator("#compare-panel mark.quote").first
        assert mark.inner_text().strip() in real_service.paragraph(cited).text
        page.screenshot(path=SCREENSHOTS / "08-compare-cell-opened.png", full_page=True)

        # The exports are offered as files; the downloaded table holds one row per cell.
        for name in ("comparison.docx", "comparison.xlsx", "comparison.csv"):
            page.locator(f"#compare-files a[download='{name}']").wait_for(timeout=30_000)
        with page.expect_download() as download:
            page.locator("#compare-files a[download='comparison.csv']").click()
        exported = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
        assert [(r["theme"], r["report_id"]) for r in exported] == [
            (column["theme"], cell["report_id"]) for column in expected["columns"] for cell in column["cells"]]
        assert outside == []
