"""The staff UI (Gradio), mounted into the API's FastAPI app at /ui. Callbacks are short
adapters over the same ReportService the CLI and the API use."""

from __future__ import annotations

import html
import re
import sys
import tempfile
from pathlib import Path

import gradio as gr

from assistant.access import key_matches
from assistant.answers.comparison_exports import export_comparison
from assistant.conversations import conversation_docx, conversation_markdown, title_from
from assistant.engines import engines
from assistant.engines.readiness import engine_choices
from assistant.errors import SERVICE_ERRORS
from assistant.feedback import VERDICTS, as_jsonl, eval_cases
from ingest.models import PARAGRAPH_KINDS
from ui.export import draft_to_docx, draft_to_markdown
from assistant.grounding.context import report_title
from ui.render import (answer_markdown, check_notes, chip_id, comparison_html, draft_references, edited_draft,
                       feedback_markdown, ingest_results_html, numbered_draft, paragraph_html, paragraph_words, precedents_html,
                       report_html, report_rows, turn_labels)

ADMIN_USER = "admin"
REPORT_COLUMNS = ["report id", "area", "review", "published", "findings", "recommendations", "paragraphs", "source"]
CSS = """
.paragraph-panel mark.quote, .report-reader mark.quote { background: #fde68a; color: inherit; padding: 0 2px; }
.paragraph-panel .meta { color: var(--body-text-color-subdued); }
#citation-chips label { border-radius: 999px; }
.report-reader { max-height: 75vh; overflow-y: auto; }
.report-reader .para { margin: 0.4em 0; padding: 0.2em 0.4em; }
.report-reader .para.target { background: #fef3c7; border-left: 4px solid #f59e0b; }
.report-reader .para-id { color: var(--body-text-color-subdued); font-family: monospace; font-size: 0.85em; }
.report-reader .para-links { font-size: 0.85em; color: var(--body-text-color-subdued); }
#chat a.cite, #compare-matrix a.cite { position: relative; text-decoration: none; font-weight: 600; }
#chat a.cite .cite-preview, #compare-matrix a.cite .cite-preview { display: none; position: fixed; z-index: 50;
  width: min(22em, 90vw); padding: 0.5em 0.7em; background: var(--background-fill-primary);
  color: var(--body-text-color); border: 1px solid var(--border-color-primary); border-radius: 6px;
  box-shadow: 0 4px 12px rgba(0,0,0,.15); font-weight: normal; white-space: normal; }
#chat a.cite:hover .cite-preview, #chat a.cite:focus .cite-preview,
#compare-matrix a.cite:hover .cite-preview, #compare-matrix a.cite:focus .cite-preview { display: block; }
#cite-target, #compare-target { display: none; }
table.compare-matrix { border-collapse: collapse; width: 100%; }
table.compare-matrix th, table.compare-matrix td { border: 1px solid var(--border-color-primary); padding: 0.4em;
  vertical-align: top; text-align: left; white-space: normal; overflow-wrap: break-word; }
table.compare-matrix a.finding-id { font-family: monospace; font-weight: normal; }
table.precedents td, table.ingest-results td { vertical-align: top; white-space: normal; overflow-wrap: break-word; }
"""
# A click on a numbered marker in the chat (or Enter on it) opens its paragraph in the side panel:
# through the latest answer's chip when it has one (so feedback is on that citation), otherwise
# through a hidden box the server listens to ("id|start|end|time", so the same one can reopen).
# A marker or finding id in the comparison matrix goes through its own hidden box the same way.
PAGE_SCRIPT = """<script>
// The preview is placed beside its marker, inside the window (the chat's scrolling box would clip it).
const placePreview = (event) => {
  const link = event.target.closest && event.target.closest('#chat a.cite, #compare-matrix a.cite');
  const preview = link && link.querySelector('.cite-preview');
  if (!preview) return;
  const box = link.getBoundingClientRect();
  const width = Math.min(352, window.innerWidth * 0.9);
  preview.style.left = Math.max(8, Math.min(box.left, window.innerWidth - width - 8)) + 'px';
  preview.style.top = (box.bottom + 4) + 'px';
};
document.addEventListener('mouseover', placePreview);
document.addEventListener('focusin', placePreview);
document.addEventListener('click', (event) => {
  const link = event.target.closest && event.target.closest('#chat a.cite, #compare-matrix a.cite');
  if (!link) return;
  event.preventDefault();
  const [, encoded, start, end] = link.getAttribute('href').split('/');  // #cite/id/start/end
  const cid = decodeURIComponent(encoded);
  const inMatrix = link.closest('#compare-matrix');
  const chip = inMatrix ? null : [...document.querySelectorAll('#citation-chips label')].find(
    (label) => label.textContent.trim().endsWith('(' + cid + ')') || label.textContent.trim().endsWith(' ' + cid));
  if (chip && !chip.querySelector('input').checked) { chip.click(); return; }
  const box = document.querySelector((inMatrix ? '#compare-target' : '#cite-target') + ' textarea');
  if (!box) return;
  box.value = [cid, start, end, Date.now()].join('|');
  box.dispatchEvent(new Event('input', {bubbles: true}));
});
</script>"""


def build_ui(service) -> gr.Blocks:
    settings = service.settings
    protected = settings.api.protected()

    def is_admin(request: gr.Request | None) -> bool:
        """With keys set, only someone signed in as `admin` (which needs an admin key) may change
        the stored reports; without keys the UI is a local, single-user tool."""
        return not protected or bool(request and request.username == ADMIN_USER)

    def owner_of(request: gr.Request | None) -> str:
        """Whose conversations these are: the signed-in name, or "local" on a server without keys."""
        return (request.username if protected and request and request.username else None) or "local"

    def conversation_choices(owner: str, current: str | None):
        listed = service.conversations.list_for(owner)
        return gr.update(choices=[(f"{c['title']} \u00b7 {c['turns']} turn{'s' if c['turns'] != 1 else ''}", c["id"])
                                  for c in listed], value=current)

    def remember_turn(owner: str, current: str | None, question: str, answer: dict, shown: str) -> str | None:
        """Store the turn in the page's conversation (started by its first question)."""
        try:
            if current is None:
                current = service.conversations.create(owner, title_from(question))["id"]
            service.conversations.add_turn(owner, current, question, answer["answer"], shown, answer["citations"])
        except SERVICE_ERRORS as exc:
            gr.Warning(f"The answer was not saved to your conversations: {exc}")
        return current

    def read_report(report_id: str | None, target: str | None = None, quotes=()) -> str:
        if not report_id:
            return "<p>Choose a report to read it whole, with its section outline.</p>"
        try:
            record = service.report(report_id)
            paragraphs = [p.to_dict() for p in service.store.all_paragraphs([report_id])]
        except SERVICE_ERRORS as exc:
            return f"<p>{html.escape(str(exc))}</p>"
        return report_html(record.get("title") or report_id, paragraphs, target, quotes)

    def starters() -> list[dict]:
        """Starter questions shown on an empty chat, drawn from the stored reports."""
        try:
            return [{"text": text} for text in service.starter_questions()]
        except SERVICE_ERRORS:
            return []

    def report_ids() -> list[str]:
        return [r["report_id"] for r in service.reports()]

    def section_themes() -> list[str]:
        try:
            return service.section_themes()
        except SERVICE_ERRORS:
            return []

    def describe_citation(cid: str) -> str:
        """ "Sefton 2018 · Child protection · para 3.4" for a chip; the id alone if the paragraph
        cannot be read."""
        try:
            paragraph = service.paragraph(cid)
            record = service.report(paragraph.report_id)
        except SERVICE_ERRORS:
            return ""
        year = (record.get("review_end") or record.get("published") or "")[:4]
        section = re.sub(r"^[\d.]+\s*", "", (paragraph.section or "").split(">")[-1].strip())
        return " \u00b7 ".join(part for part in (f"{record.get('area') or paragraph.report_id} {year}".strip(),
                                                 section, paragraph_words(cid)) if part)

    # Staff are offered only the engines that can answer here; administrators also see why the
    # others cannot.
    choices = engine_choices(settings, engines.names())
    ready_engines = [c for c in choices if c.ready]
    default_engine = next((c.name for c in ready_engines if c.name == settings.llm.engine), "extractive")
    unavailable_engines = "\n".join(["Not available here (administrators see this):"]
                                     + [f"- **{c.label}** (`{c.name}`): {c.reason}" for c in choices if not c.ready])

    with gr.Blocks(title="Report Assistant", analytics_enabled=False) as ui:
        gr.Markdown("# Report Assistant\nCited answers and draft findings from CQC children's safeguarding reports.")
        with gr.Tabs() as tabs:
            # -- chat ------------------------------------------------------------------------
            with gr.Tab("Chat", id="chat"):
                history = gr.State([])  # core messages, with [report#para] markers kept
                citations = gr.State({})  # chip label -> citation dicts of the latest answer
                conversation_id = gr.State(None)  # the stored conversation this page is in
                with gr.Row(equal_height=False):
                    with gr.Column(scale=1, min_width=220, elem_id="conversations"):
                        conversation_list = gr.Radio(choices=[], label="Your conversations", elem_id="conversation-list")
                        conversation_title = gr.Textbox(label="Title", elem_id="conversation-title", max_lines=1)
                        with gr.Row():
                            rename_button = gr.Button("Rename", size="sm", elem_id="rename-conversation")
                            forget_button = gr.Button("Delete", size="sm", variant="stop", elem_id="delete-conversation")
                        export_button = gr.Button("Export (.md, .docx)", size="sm", elem_id="export-conversation")
                    with gr.Column(scale=3, min_width=320):
                        chat = gr.Chatbot(label="Conversation", height=460, elem_id="chat", examples=starters())
                        question = gr.Textbox(label="Question", placeholder="e.g. How long do children wait for CAMHS in Sefton?",
                                              elem_id="question", max_lines=4)
                        with gr.Row():
                            ask_button = gr.Button("Ask", variant="primary", elem_id="ask")
                            clear_button = gr.Button("New conversation")
                        chips = gr.Radio(choices=[], label="Citations of the latest answer (choose one to read it)",
                                         elem_id="citation-chips")
                        notes = gr.Markdown(elem_id="check-notes")
                        with gr.Accordion("Feedback on the chosen citation (none chosen: on the whole answer)",
                                          open=False, elem_id="feedback"):
                            verdict = gr.Radio(choices=list(VERDICTS), label="Verdict", elem_id="feedback-verdict")
                            feedback_note = gr.Textbox(label="Note (optional)", max_lines=3, elem_id="feedback-note")
                            feedback_button = gr.Button("Send feedback", size="sm", elem_id="send-feedback")
                            feedback_status = gr.Markdown(elem_id="feedback-status")
                    with gr.Column(scale=2, min_width=280):
                        panel = gr.HTML("<p>Choose a citation to read the paragraph here.</p>", elem_id="paragraph-panel")
                        panel_citation = gr.State(None)  # (id, quoted spans) of the paragraph in the panel
                        cite_target = gr.Textbox(elem_id="cite-target", show_label=False, container=False)
                        open_in_report = gr.Button("Read it in the report", size="sm", elem_id="open-in-report")
                        conversation_files = gr.File(label="Exported conversation", file_count="multiple",
                                                     visible=False, elem_id="conversation-files")
                        with gr.Accordion("Filters and engine", open=False):
                            report_filter = gr.CheckboxGroup(choices=report_ids(), label="Reports (none = all)")
                            kind_filter = gr.CheckboxGroup(choices=list(PARAGRAPH_KINDS), label="Paragraph kinds (none = all)")
                            engine = gr.Dropdown(choices=[(c.label, c.name) for c in ready_engines],
                                                 value=default_engine, label="How answers are written",
                                                 elem_id="engine")
                            engine_notes = gr.Markdown(unavailable_engines, visible=False, elem_id="engine-notes")

                def ask(text, messages, shown, reports, kinds, engine_name, current, request: gr.Request):
                    text = (text or "").strip()
                    if not text:
                        yield gr.update(), messages, shown, gr.update(), "", gr.update(), {}, current, gr.update()
                        return
                    filters = {"report_ids": reports or None, "kinds": kinds or None}
                    asked = shown + [{"role": "user", "content": text}]
                    written = ""
                    try:
                        # The engine's words appear as it writes them; the checked answer replaces them.
                        for kind, value in service.ask_stream(text, messages, filters, engine_name):
                            if kind == "token":
                                written += value
                                partial = asked + [{"role": "assistant", "content": written + " \u258c"}]
                                yield "", messages, shown, gr.update(), "", partial, {}, current, gr.update()
                            else:
                                answer = value.to_dict()
                    except SERVICE_ERRORS as exc:
                        shown = asked + [{"role": "assistant", "content": f"**Error:** {exc}"}]
                        yield "", messages, shown, gr.update(choices=[], value=None), "", shown, {}, current, gr.update()
                        return
                    message, labels = answer_markdown(answer, describe_citation)
                    messages = messages + [{"role": "user", "content": text},
                                           {"role": "assistant", "content": answer["answer"]}]
                    shown = shown + [{"role": "user", "content": text}, {"role": "assistant", "content": message}]
                    by_label = {label: [c for c in answer["citations"] if c["id"] == chip_id(label)] for label in labels}
                    current = remember_turn(owner_of(request), current, text, answer, message)
                    yield ("", messages, shown, gr.update(choices=labels, value=None), check_notes(answer), shown, by_label,
                           current, conversation_choices(owner_of(request), current))

                shown_messages = gr.State([])
                outputs = [question, history, shown_messages, chips, notes, chat, citations, conversation_id,
                           conversation_list]
                inputs = [question, history, shown_messages, report_filter, kind_filter, engine, conversation_id]
                ask_button.click(ask, inputs, outputs)
                question.submit(ask, inputs, outputs)

                def chosen_starter(selected: gr.SelectData):
                    return selected.value["text"] if isinstance(selected.value, dict) else str(selected.value)

                # A starter question is asked as if typed.
                chat.example_select(chosen_starter, None, question).then(ask, inputs, outputs)

                def clear(request: gr.Request):
                    return ([], [], [], gr.update(choices=[], value=None), "",
                            "<p>Choose a citation to read the paragraph here.</p>", {}, None,
                            conversation_choices(owner_of(request), None), "")

                clear_button.click(clear, None, [history, shown_messages, chat, chips, notes, panel, citations,
                                                 conversation_id, conversation_list, conversation_title])

                def reopen(chosen, current, request: gr.Request):
                    """Open a stored conversation: its turns as they were shown, its checked answers as
                    the history follow-ups are resolved against, the last answer's citations as chips."""
                    if not chosen or chosen == current:
                        return (gr.update(),) * 8
                    try:
                        conversation = service.conversations.get(owner_of(request), chosen)
                    except SERVICE_ERRORS as exc:
                        gr.Warning(str(exc))
                        return (gr.update(),) * 8
                    shown = []
                    for turn in conversation["messages"]:
                        shown += [{"role": "user", "content": turn["question"]}, {"role": "assistant", "content": turn["shown"]}]
                    last = conversation["messages"][-1] if conversation["messages"] else None
                    labels = turn_labels(last["answer"], describe_citation) if last else []
                    by_label = {label: [c for c in last["citations"] if c["id"] == chip_id(label)] for label in labels}
                    return (chosen, service.conversations.history(conversation), shown, shown,
                            gr.update(choices=labels, value=None), "", by_label, conversation["title"])

                conversation_list.change(reopen, [conversation_list, conversation_id],
                                         [conversation_id, history, shown_messages, chat, chips, notes, citations,
                                          conversation_title])

                def rename(current, title, request: gr.Request):
                    if not current:
                        gr.Warning("Ask a question or open a conversation first.")
                        return gr.update()
                    try:
                        service.conversations.rename(owner_of(request), current, title)
                    except SERVICE_ERRORS as exc:
                        gr.Warning(str(exc))
                    return conversation_choices(owner_of(request), current)

                rename_button.click(rename, [conversation_id, conversation_title], conversation_list)

                def forget(current, request: gr.Request):
                    if current:
                        try:
                            service.conversations.delete(owner_of(request), current)
                        except SERVICE_ERRORS as exc:
                            gr.Warning(str(exc))
                    return (None, [], [], [], gr.update(choices=[], value=None), {},
                            conversation_choices(owner_of(request), None), "")

                forget_button.click(forget, conversation_id, [conversation_id, history, shown_messages, chat, chips,
                                                              citations, conversation_list, conversation_title])

                def export(current, request: gr.Request):
                    if not current:
                        gr.Warning("Ask a question or open a conversation first.")
                        return gr.update(visible=False)
                    conversation = service.conversations.get(owner_of(request), current)
                    folder = Path(tempfile.mkdtemp(prefix="conversation-"))
                    markdown = folder / "conversation.md"
                    markdown.write_text(conversation_markdown(conversation), encoding="utf-8")
                    return gr.update(value=[str(markdown), str(conversation_docx(conversation, folder / "conversation.docx"))],
                                     visible=True)

                export_button.click(export, conversation_id, conversation_files)

                def cited_paragraph(cid: str, quotes) -> str:
                    """The side panel for one cited paragraph, its quoted spans marked, with the
                    recommendations it led to."""
                    try:
                        paragraph = service.paragraph(cid).to_dict()
                        title = report_title(service.report(paragraph["report_id"]))
                    except SERVICE_ERRORS as exc:
                        return f"<p>{html.escape(str(exc))}</p>"
                    recs = []
                    for rec_id in paragraph["recommendations"]:
                        try:
                            rec = service.paragraph(rec_id)
                            recs.append({"id": rec.citation_id, "text": rec.text, "addressees": rec.addressees})
                        except SERVICE_ERRORS:
                            continue
                    return paragraph_html(paragraph, title, quotes, recs)

                def open_citation(label, by_label):
                    cid = chip_id(label)
                    if not cid:
                        return gr.update(), gr.update()
                    quotes = [(c["start"], c["end"]) for c in by_label.get(label, [])]
                    return cited_paragraph(cid, quotes), (cid, quotes)

                def open_marker(target):
                    """A marker clicked in an earlier answer: "id|start|end|time" from the page script."""
                    cid, start, end, *_ = ((target or "") + "|||").split("|")
                    if not cid:
                        return gr.update(), gr.update()
                    quotes = [(int(start), int(end))] if start.isdigit() and end.isdigit() else []
                    return cited_paragraph(cid, quotes), (cid, quotes)

                cite_target.change(open_marker, cite_target, [panel, panel_citation])
                chips.change(open_citation, [chips, citations], [panel, panel_citation])

                def send_feedback(chosen_verdict, note, label, messages, current, request: gr.Request):
                    if len(messages) < 2:
                        return gr.update(), gr.update(), "Ask a question first: feedback is on an answer."
                    if not chosen_verdict:
                        return gr.update(), gr.update(), "Choose a verdict first."
                    question_text, answer_text = messages[-2]["content"], messages[-1]["content"]
                    cid = chip_id(label)
                    try:
                        service.feedback.add(owner_of(request), question_text, answer_text, chosen_verdict, cid, note,
                                             current)
                    except SERVICE_ERRORS as exc:
                        return gr.update(), gr.update(), f"**Not recorded:** {exc}"
                    target = f"`{cid}`" if cid else "the answer"
                    return None, "", f"Thank you: \u201c{chosen_verdict}\u201d on {target} is recorded."

                feedback_button.click(send_feedback, [verdict, feedback_note, chips, history, conversation_id],
                                      [verdict, feedback_note, feedback_status])

            # -- read a report ---------------------------------------------------------------
            with gr.Tab("Read a report", id="reader"):
                reader_choice = gr.Dropdown(choices=report_ids(), value=None, label="Report", elem_id="reader-report")
                reader = gr.HTML("<p>Choose a report to read it whole, with its section outline.</p>",
                                 elem_id="report-reader")
                reader_choice.input(lambda rid: read_report(rid), reader_choice, reader)

            def open_in_reader(shown_citation):
                if not shown_citation:
                    gr.Warning("Choose a citation first.")
                    return gr.update(), gr.update(), gr.update()
                cid, quotes = shown_citation
                report_id = cid.split("#", 1)[0]
                return gr.Tabs(selected="reader"), gr.update(value=report_id), read_report(report_id, cid, quotes)

            # The reader opens at the cited paragraph: scroll it into view once the HTML is in place.
            open_in_report.click(open_in_reader, panel_citation, [tabs, reader_choice, reader]).then(
                None, None, None,
                js="() => setTimeout(() => document.querySelector('#report-reader .para.target')"
                   "?.scrollIntoView({block: 'center'}), 100)")

            # -- draft -----------------------------------------------------------------------
            with gr.Tab("Draft a finding", id="draft"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=2, min_width=280):
                        observation = gr.Textbox(label="Observation", lines=4, elem_id="observation",
                                                 placeholder="What you found, in a sentence or two.")
                        area = gr.Textbox(label="Area", elem_id="area")
                        provider = gr.Textbox(label="Provider (for the recommendation)", elem_id="provider")
                        exclude = gr.Dropdown(choices=[""] + report_ids(), value="", label="Leave out this report")
                        draft_button = gr.Button("Draft", variant="primary", elem_id="draft-button")
                    with gr.Column(scale=3, min_width=320):
                        draft_notice = gr.Markdown(elem_id="draft-notice")
                        draft_text = gr.Textbox(label="Draft finding (edit it here; [n] cites reference n)", lines=8,
                                                elem_id="draft-text", interactive=True)
                        draft_recommendation = gr.Textbox(label="Suggested recommendation", lines=3,
                                                          elem_id="draft-recommendation", interactive=True)
                        draft_sources = gr.Markdown(elem_id="draft-references")
                        export_draft_button = gr.Button("Export the draft as it reads now", size="sm",
                                                        elem_id="export-draft")
                        downloads = gr.File(label="Export (.md and .docx)", file_count="multiple", interactive=False,
                                            elem_id="draft-files")
                precedents = gr.HTML(elem_id="precedents", label="Precedents")
                drafted = gr.State(None)  # (the checked draft, its source ids in number order)

                def draft(observation_text, area_text, provider_text, exclude_report):
                    try:
                        result = service.draft(observation_text or "", area_text or None, provider_text or None,
                                               exclude_report or None).to_dict()
                    except SERVICE_ERRORS as exc:
                        return f"**Error:** {exc}", "", "", "", "", None, None
                    finding, recommendation, ids = numbered_draft(result)
                    notice = f"> {result['notice']}" if result.get("notice") else ""
                    return (notice, finding, recommendation, draft_references(result, ids),
                            precedents_html(result), export_draft(result), (result, ids))

                def export_draft(result: dict) -> list[str]:
                    folder = Path(tempfile.mkdtemp(prefix="draft-"))
                    markdown_path = folder / "draft-finding.md"
                    markdown_path.write_text(draft_to_markdown(result), encoding="utf-8")
                    return [str(markdown_path), str(draft_to_docx(result, folder / "draft-finding.docx"))]

                def export_edited(finding, recommendation, current):
                    if not current:
                        gr.Warning("Draft a finding first.")
                        return gr.update()
                    result, ids = current
                    return export_draft(edited_draft(result, finding, recommendation, ids))

                draft_button.click(draft, [observation, area, provider, exclude],
                                   [draft_notice, draft_text, draft_recommendation, draft_sources, precedents,
                                    downloads, drafted])
                export_draft_button.click(export_edited, [draft_text, draft_recommendation, drafted], downloads)

            # -- compare areas ---------------------------------------------------------------
            with gr.Tab("Compare areas", id="compare"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=1, min_width=260):
                        compare_themes = gr.Dropdown(
                            choices=section_themes(), value=None, multiselect=True, allow_custom_value=True,
                            label="Themes (the matrix's columns): a section, or type your own and press Enter",
                            elem_id="compare-themes")
                        compare_reports = gr.Dropdown(choices=report_ids(), value=None, multiselect=True,
                                                      label="Reports (default: all)", elem_id="compare-reports")
                        compare_button = gr.Button("Compare", variant="primary", elem_id="compare-button")
                        compare_files = gr.File(label="Export (.docx, .xlsx, .csv)", file_count="multiple",
                                                interactive=False, elem_id="compare-files")
                    with gr.Column(scale=4, min_width=420):
                        compare_status = gr.Markdown(elem_id="compare-status")
                        matrix = gr.HTML("<p>Choose one or more themes and compare the areas: one row per "
                                         "report, one column per theme, every cell cited.</p>", elem_id="compare-matrix")
                    with gr.Column(scale=2, min_width=260):
                        compare_panel = gr.HTML("<p>Choose a citation in the matrix to read its paragraph here.</p>",
                                                elem_id="compare-panel")
                        compare_target = gr.Textbox(elem_id="compare-target", show_label=False, container=False)

                def compare(themes, chosen_reports):
                    try:
                        comparison = service.compare(themes or [], chosen_reports or None).to_dict()
                    except SERVICE_ERRORS as exc:
                        return f"**Error:** {exc}", gr.update(), gr.update(value=None)
                    rows, columns = len(comparison["reports"]), len(comparison["columns"])
                    status = (f"{rows} report{'s' if rows != 1 else ''} \u00d7 {columns} theme"
                              f"{'s' if columns != 1 else ''}; judgements: {comparison['engine']}")
                    if comparison["notice"]:
                        status += f"\n\n> {comparison['notice']}"
                    return status, comparison_html(comparison, describe_citation), export_comparison_files(comparison)

                def export_comparison_files(comparison: dict) -> list[str]:
                    folder = Path(tempfile.mkdtemp(prefix="comparison-"))
                    paths = []
                    for kind in ("docx", "xlsx", "csv"):
                        path = folder / f"comparison.{kind}"
                        path.write_bytes(export_comparison(comparison, kind))
                        paths.append(str(path))
                    return paths

                def open_matrix_citation(target):
                    """A marker or finding id clicked in the matrix: "id|start|end|time" from the page script."""
                    cid, start, end, *_ = ((target or "") + "|||").split("|")
                    if not cid:
                        return gr.update()
                    return cited_paragraph(cid, [(int(start), int(end))] if start.isdigit() and end.isdigit() else [])

                compare_button.click(compare, [compare_themes, compare_reports], [compare_status, matrix, compare_files])
                compare_target.change(open_matrix_citation, compare_target, compare_panel)

            # -- reports ---------------------------------------------------------------------
            with gr.Tab("Reports", id="reports", visible=not protected) as reports_tab:
                reports_table = gr.Dataframe(value=report_rows(service.reports()), headers=REPORT_COLUMNS,
                                             label="Stored reports", interactive=False, elem_id="reports-table")
                with gr.Row(equal_height=False):
                    with gr.Column(min_width=280):
                        files = gr.File(label="Report files (.txt, .md, .pdf)", file_count="multiple",
                                        file_types=[".txt", ".md", ".pdf"], elem_id="upload")
                        replace_box = gr.Checkbox(False, label="Replace a stored report even when most of its "
                                                  "paragraphs would go (the old version is kept for rollback)")
                        ingest_button = gr.Button("Ingest", variant="primary", elem_id="ingest")
                        ingest_results = gr.HTML(elem_id="ingest-results")  # errors in full
                    with gr.Column(min_width=280):
                        delete_choice = gr.Dropdown(choices=report_ids(), value=None, label="Report to delete",
                                                    elem_id="delete-choice")  # nothing chosen until someone chooses
                        delete_button = gr.Button("Delete\u2026", variant="stop")
                        with gr.Row(visible=False) as confirm_row:
                            confirm_button = gr.Button("Yes, delete it", variant="stop", elem_id="confirm-delete")
                            cancel_button = gr.Button("Cancel")
                        delete_status = gr.Markdown()

                def refreshed():
                    ids = report_ids()
                    return (report_rows(service.reports()), gr.update(choices=ids, value=None),
                            gr.update(choices=ids), gr.update(choices=[""] + ids, value=""), gr.update(choices=ids),
                            gr.update(choices=ids), gr.update(choices=section_themes()))

                refresh_outputs = [reports_table, delete_choice, report_filter, exclude, reader_choice, compare_reports,
                                   compare_themes]

                def not_ingested(status: str, reason: str):
                    return ingest_results_html([["", "", status, reason]]), *refreshed()

                def ingest(paths, replace, request: gr.Request, progress=gr.Progress()):
                    if not is_admin(request):
                        return not_ingested("refused", "only an administrator may change the stored reports")
                    if not paths:
                        return not_ingested("nothing to ingest", "choose files first")
                    paths = [Path(p) for p in (paths if isinstance(paths, list) else [paths])]
                    if not all(uploaded_through_this_page(p) for p in paths):
                        # the same words whether or not the path exists on the server
                        return not_ingested("refused", "only files uploaded through this page can be ingested")
                    progress(0, desc="starting")

                    def on_progress(stage, done, total):
                        progress((done / total) if total else 0, desc=stage)

                    outcomes = service.ingest(paths, progress=on_progress, replace=replace)
                    rows = [[Path(o.path).name, o.report_id or "", o.status,
                             (o.error or "").replace(str(Path(o.path).parent) + "/", "")] for o in outcomes]
                    return ingest_results_html(rows), *refreshed()

                ingest_button.click(ingest, [files, replace_box], [ingest_results, *refresh_outputs])

                delete_button.click(lambda choice: (gr.update(visible=bool(choice)),
                                                    "" if choice else "Choose a report first."),
                                    delete_choice, [confirm_row, delete_status])
                cancel_button.click(lambda: (gr.update(visible=False), "Nothing deleted."), None, [confirm_row, delete_status])

                def delete(choice, request: gr.Request):
                    if not is_admin(request):
                        return gr.update(visible=False), "**Error:** only an administrator may delete reports", *refreshed()
                    try:
                        service.report(choice)
                        service.delete_report(choice)
                        message = f"Deleted {choice}."
                    except SERVICE_ERRORS as exc:
                        message = f"**Error:** {exc}"
                    return gr.update(visible=False), message, *refreshed()

                confirm_button.click(delete, delete_choice, [confirm_row, delete_status, *refresh_outputs])

                with gr.Accordion("Staff feedback", open=False, elem_id="staff-feedback"):
                    feedback_list = gr.Markdown(elem_id="feedback-list")
                    with gr.Row():
                        list_feedback_button = gr.Button("Show feedback", size="sm", elem_id="show-feedback")
                        export_feedback_button = gr.Button("Export as eval cases", size="sm", elem_id="export-feedback")
                    feedback_file = gr.File(label="Eval cases (evals/data question format)", visible=False,
                                            elem_id="feedback-file")

                def show_feedback(request: gr.Request):
                    if not is_admin(request):
                        return "**Error:** only an administrator may read staff feedback"
                    return feedback_markdown(service.feedback.list_all())

                list_feedback_button.click(show_feedback, None, feedback_list)

                def export_feedback(request: gr.Request):
                    if not is_admin(request):
                        return gr.update(visible=False), "**Error:** only an administrator may export staff feedback"
                    cases, to_review = eval_cases(service.feedback.list_all())
                    path = Path(tempfile.mkdtemp(prefix="feedback-")) / "feedback-eval-cases.jsonl"
                    path.write_text(as_jsonl(cases), encoding="utf-8")
                    waiting = (f" {len(to_review)} question(s) have no paragraph marked right yet and are left out."
                               if to_review else "")
                    return (gr.update(value=str(path), visible=True),
                            f"{len(cases)} eval case(s); run them with `assistant eval --questions FILE`.{waiting}")

                export_feedback_button.click(export_feedback, None, [feedback_file, feedback_list])
        def on_load(request: gr.Request):
            admin = is_admin(request)
            return (gr.update(visible=admin), gr.update(visible=admin and len(ready_engines) < len(choices)),
                    conversation_choices(owner_of(request), None), gr.update(examples=starters()))

        ui.load(on_load, None, [reports_tab, engine_notes, conversation_list, chat])
    return ui


def uploaded_through_this_page(path: Path) -> bool:
    """Whether a file is one Gradio received as an upload (in its upload folder), not any path a
    caller names: the mounted UI never "launches", so Gradio's own allowed-path check is off."""
    try:
        return path.resolve().is_relative_to(Path(gr.utils.get_upload_folder()).resolve())
    except (OSError, ValueError):
        return False


def mount_ui(app, service, path: str = "/ui"):
    """Mount the UI into the FastAPI app; with API keys set, the UI asks for one (as the password)."""
    keys, admin_keys = service.settings.api.keys(), service.settings.api.admin()

    def auth(username: str, password: str) -> bool:
        return key_matches(password, admin_keys if username == ADMIN_USER else keys)

    blocks = build_ui(service)
    mounted = gr.mount_gradio_app(
        app, blocks, path=path, auth=auth if keys else None,
        auth_message=("This server needs an API key: enter your name and the key as the password "
                      f"(administrators: the name `{ADMIN_USER}` and an admin key)") if keys else None,
        max_file_size=service.settings.api.max_upload_bytes, ssr_mode=False, footer_links=[],
        theme=gr.themes.Default(), css=CSS, head=PAGE_SCRIPT, show_error=True,
    )
    # Gradio checks that input files were uploaded to it only once its Blocks "launched"; a
    # mounted Blocks never launches, so say it has (as Gradio's own reloader does) to turn the
    # check on. ingest() checks the upload folder again itself.
    blocks.has_launched = True
    _skip_queue_analytics(blocks)
    return mounted


def _skip_queue_analytics(blocks) -> None:
    """Gradio's queue rebuilds a pandas summary of every event after each one, for its monitoring
    dashboard, which this app does not serve; with pandas 3 that summary raises deprecation
    warnings on every click. Its own setting (GRADIO_ANALYTICS_CACHE_FREQUENCY, read when the
    queue is made) sets how many events pass between rebuilds: never, here."""
    queue = getattr(blocks, "_queue", None)
    if queue is not None and hasattr(queue, "ANAYLTICS_CACHE_FREQUENCY"):  # Gradio's spelling
        queue.ANAYLTICS_CACHE_FREQUENCY = sys.maxsize
