"""Plain functions that turn core results into what the UI shows (HTML is escaped here)."""

from __future__ import annotations

import html
import re
import time
from typing import Callable
from urllib.parse import quote

from assistant.markers import CHECKED_MARKER, number_markers

PREVIEW_CHARS = 240


def chip_label(number: int, cid: str, describe: Callable[[str], str] | None = None) -> str:
    """A citation chip: its number, words people read ("Sefton 2018 · Child protection · para
    3.4") when `describe` gives them, and the id (kept visible for copying) last."""
    words = describe(cid) if describe else ""
    return f"[{number}] {words} ({cid})" if words else f"[{number}] {cid}"


def chip_id(label: str | None) -> str | None:
    match = re.match(r"\[\d+\] (?:.* \()?([^\s()]+)\)?$", label or "")
    return match.group(1) if match else None


def paragraph_words(cid: str) -> str:
    """The paragraph part of a citation id in words: "para 3.4", "recommendation 2.1", and for
    unnumbered paragraphs "paragraph 3" (the section names where)."""
    para = cid.split("#", 1)[-1]
    if para.startswith("rec:"):
        return f"recommendation {para[4:]}"
    if re.fullmatch(r"\d+(?:\.\d+)*", para):
        return f"para {para}"
    return f"paragraph {para.rsplit('.', 1)[-1]}"


def answer_markdown(answer: dict, describe: Callable[[str], str] | None = None) -> tuple[str, list[str]]:
    """The chat message for an answer, and its citation chip labels (each cited paragraph once).
    Each marker is a link that opens its paragraph in the side panel and shows a preview of the
    quote on hover or keyboard focus; the Sources line lists each paragraph once, in words."""
    text, order = linked_markers(answer["answer"], answer.get("citations", []), describe)
    lines = [text.replace("[unsupported]", "**[unsupported]**")]
    if answer.get("notice"):
        lines.insert(0, f"> {answer['notice']}\n")
    if answer.get("read_as"):
        lines.insert(0, f"<sub>{html.escape(read_as_line(answer['read_as']))}</sub>\n")
    if order:
        lines.append("")
        lines.append("Sources: " + "; ".join(html.escape(chip_label(n, cid, describe)) for n, cid in enumerate(order, start=1)))
    lines.append(f"\n<sub>engine: {html.escape(answer['engine'])}</sub>")
    return "\n".join(lines), [chip_label(n, cid, describe) for n, cid in enumerate(order, start=1)]


def read_as_line(read_as: dict[str, str]) -> str:
    """ "Read as: leicster → leicester, waitng → waiting": the question's slips, as the answer read them."""
    return "Read as: " + ", ".join(f"{typed} \u2192 {word}" for typed, word in read_as.items())


def marker_href(cid: str, start: int | None, end: int | None) -> str:
    """ "#cite/leicester-city-2016%231.9/0/118": what a marker link carries to the page script."""
    return f"#cite/{quote(cid, safe='')}/{'' if start is None else start}/{'' if end is None else end}"


def linked_markers(text: str, citations: list[dict], describe: Callable[[str], str] | None = None,
                   order: list[str] | None = None) -> tuple[str, list[str]]:
    """A checked text with each [report#para] marker replaced by a numbered link (numbers in order
    of first use, as `number_markers`). The link's address carries the id and the quoted span, for
    the page script that opens the paragraph (the chat's sanitiser keeps only class, href and role),
    and a preview (where, and the quote) shown on hover or focus."""
    order = [] if order is None else order
    first_quote = {}
    for citation in citations:
        first_quote.setdefault(citation["id"], citation)

    def link(match) -> str:
        cid = match.group(1)
        if cid not in order:
            order.append(cid)
        number = order.index(cid) + 1
        citation = first_quote.get(cid, {})
        quote = " ".join((citation.get("quote") or "").split())
        if len(quote) > PREVIEW_CHARS:
            quote = quote[:PREVIEW_CHARS].rsplit(" ", 1)[0] + "\u2026"
        where = (describe(cid) if describe else "") or cid
        preview = f"<strong>{html.escape(where)}</strong><br>{html.escape(quote)}" if quote else html.escape(where)
        return (f'<a class="cite" href="{marker_href(cid, citation.get("start"), citation.get("end"))}">[{number}]'
                f'<span class="cite-preview" role="tooltip">{preview}</span></a>')

    return CHECKED_MARKER.sub(link, text), order


def turn_labels(answer_text: str, describe: Callable[[str], str] | None = None) -> list[str]:
    """The chip labels of a stored answer, numbered as when it was shown."""
    _, order = number_markers(answer_text)
    return [chip_label(n, cid, describe) for n, cid in enumerate(order, start=1)]


def feedback_markdown(feedback: list[dict]) -> str:
    """Staff feedback as a table, newest first (cells escaped: notes are free text)."""
    if not feedback:
        return "No feedback yet."

    def cell(text: str) -> str:
        return html.escape(" ".join((text or "").split())).replace("|", "&#124;")

    rows = ["| when | who | question | on | verdict | note |", "|---|---|---|---|---|---|"]
    for item in feedback:
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(item["created"]))
        target = f"`{cell(item['citation_id'])}`" if item["citation_id"] else "the answer"
        rows.append(f"| {when} | {cell(item['owner'])} | {cell(item['question'])} | {target} | {item['verdict']} | "
                    f"{cell(item['note'])} |")
    return "\n".join(rows)


def check_notes(answer: dict) -> str:
    """What the citation checks removed, repaired or could not support, said plainly."""
    notes = []
    for removed in answer.get("removed", []):
        notes.append(f"- Removed citation `{removed['id']}`: {removed['reason']}.")
    for repaired in answer.get("repaired", []):
        if repaired.get("quote_given"):
            notes.append(f"- Repaired quote for `{repaired['id']}`: {repaired['reason']}.")
    for sentence in answer.get("unsupported", []):
        notes.append(f"- Unsupported (no citation survived): \u201c{sentence}\u201d")
    return "**Citation checks**\n" + "\n".join(notes) if notes else ""


def paragraph_html(paragraph: dict, report_title: str, quotes: list[tuple[int, int]],
                   recommendations: list[dict]) -> str:
    """The cited paragraph with each quoted span in <mark>, its report, section and the
    recommendations it led to."""
    body = _marked(paragraph["text"], quotes)
    parts = [
        "<div class='paragraph-panel' role='region' aria-label='Cited paragraph'>",
        f"<h3>{html.escape(paragraph['citation_id'])}</h3>",
        f"<p class='meta'><strong>{html.escape(report_title)}</strong> &middot; {html.escape(paragraph['section'] or '')}"
        f" &middot; {html.escape(paragraph['kind'])}</p>",
        f"<p class='paragraph-text'>{body}</p>",
    ]
    if recommendations:
        parts.append("<h4>Led to</h4><ul>")
        for rec in recommendations:
            addressees = f" ({html.escape(rec['addressees'])})" if rec.get("addressees") else ""
            parts.append(f"<li><strong>{html.escape(rec['id'])}</strong>{addressees}: {html.escape(rec['text'])}</li>")
        parts.append("</ul>")
    if paragraph.get("unresolved_recommendations"):
        parts.append(f"<p class='meta'>Points to recommendations not in the report: "
                     f"{html.escape(', '.join(paragraph['unresolved_recommendations']))}</p>")
    parts.append("</div>")
    return "".join(parts)


def anchor(cid: str) -> str:
    """An HTML id for a paragraph of the reader ("sefton-2018#rec:1.2" -> "para-sefton-2018-rec-1-2")."""
    return "para-" + re.sub(r"[^A-Za-z0-9_-]+", "-", cid)


def report_html(title: str, paragraphs: list[dict], target: str | None = None,
                quotes: list[tuple[int, int]] = ()) -> str:
    """A whole report for reading: its section outline, then every paragraph in order under its
    section, each with its id; a finding lists the recommendations it led to and a recommendation
    the findings that point to it. The target paragraph is highlighted (its quoted spans marked)."""
    sections: list[str] = []
    for paragraph in paragraphs:
        if paragraph["section"] not in sections:
            sections.append(paragraph["section"])
    outline = "".join(f"<li><a href='#sec-{n}'>{html.escape(section or 'Front matter')}</a></li>"
                      for n, section in enumerate(sections))
    parts = [f"<div class='report-reader' role='document' aria-label='{html.escape(title)}'>",
             f"<h2>{html.escape(title)}</h2>", f"<nav aria-label='Sections'><ol class='outline'>{outline}</ol></nav>"]
    current = None
    for paragraph in paragraphs:
        if paragraph["section"] != current:
            current = paragraph["section"]
            parts.append(f"<h3 id='sec-{sections.index(current)}'>{html.escape(current or 'Front matter')}</h3>")
        cid = paragraph["citation_id"]
        is_target = cid == target
        body = _marked(paragraph["text"], quotes if is_target else ())
        links = ""
        if paragraph.get("recommendations"):
            links = "Led to " + ", ".join(f"<a href='#{anchor(r)}'>{html.escape(paragraph_words(r))}</a>"
                                          for r in paragraph["recommendations"])
        elif paragraph.get("pointed_by"):
            links = "Found in " + ", ".join(f"<a href='#{anchor(f)}'>{html.escape(paragraph_words(f))}</a>"
                                            for f in paragraph["pointed_by"])
        parts.append(f"<div class='para{' target' if is_target else ''}' id='{anchor(cid)}'>"
                     f"<span class='para-id'>{html.escape(cid)}</span> {body}"
                     + (f"<div class='para-links'>{links}</div>" if links else "") + "</div>")
    parts.append("</div>")
    return "".join(parts)


def _marked(text: str, quotes) -> str:
    pieces, cursor = [], 0
    for start, end in sorted(quotes):
        if start < cursor:
            continue
        pieces.append(html.escape(text[cursor:start]))
        pieces.append(f"<mark class='quote'>{html.escape(text[start:end])}</mark>")
        cursor = end
    pieces.append(html.escape(text[cursor:]))
    return "".join(pieces).replace("\n", "<br>")


def numbered_draft(draft: dict) -> tuple[str, str, list[str]]:
    """The finding and the recommendation with numbered markers ([1], [2] ...; the
    recommendation's sources numbered after the finding's), and the ids in number order."""
    text, ids = number_markers(draft["draft"])
    recommendation, ids = number_markers(draft["suggested_recommendation"], ids)
    return text, recommendation, ids


def draft_references(draft: dict, ids: list[str]) -> str:
    """The numbered reference list of a draft, with its check notes, as Markdown."""
    quotes = {}
    for citation in draft["citations"]:
        quotes.setdefault(citation["id"], (citation["report_title"], citation["quote"]))
    lines = ["### References"]
    for n, cid in enumerate(ids, start=1):
        title, quote = quotes.get(cid, ("", ""))
        lines.append(f"{n}. `{cid}` ({title}): \u201c{quote}\u201d")
    notes = check_notes(draft)
    return "\n".join(lines) + ("\n\n" + notes if notes else "")


def draft_markdown(draft: dict) -> str:
    text, recommendation, ids = numbered_draft(draft)
    references = draft_references(draft, ids)
    lines = ([f"> {draft['notice']}\n"] if draft.get("notice") else []) + [
        "### Draft finding", text, "", "### Suggested recommendation", recommendation or "_none_", "", references]
    return "\n".join(lines)


def edited_draft(draft: dict, finding: str, recommendation: str, ids: list[str]) -> dict:
    """The draft as the inspector edited it on the page: numbered markers that name one of its
    sources become [report#para] markers again, so the export numbers and lists only the sources
    the edited text still cites; any other bracketed number is the inspector's own text."""
    def unnumbered(text: str) -> str:
        return re.sub(r"\[(\d+)\]", lambda m: f"[{ids[int(m.group(1)) - 1]}]" if 0 < int(m.group(1)) <= len(ids)
                      else m.group(0), text or "")

    return dict(draft, draft=unnumbered(finding), suggested_recommendation=unnumbered(recommendation))


def precedents_html(draft: dict) -> str:
    """The precedents as a table with whole quotes and whole recommendations (cells wrap)."""
    if not draft["precedents"]:
        return "<p>No comparable finding in the stored reports.</p>"
    rows = ["<table class='precedents'><thead><tr><th>report</th><th>paragraph</th><th>quote</th>"
            "<th>recommendation it led to</th></tr></thead><tbody>"]
    for precedent in draft["precedents"]:
        recs = "".join(f"<p><strong>{html.escape(r['id'])}</strong>"
                       + (f" ({html.escape(r['addressees'])})" if r.get("addressees") else "")
                       + f": {html.escape(r['text'])}</p>" for r in precedent["recommendations"]) or "(none)"
        rows.append(f"<tr><td>{html.escape(precedent['report_title'])}</td><td><code>{html.escape(precedent['id'])}"
                    f"</code></td><td>\u201c{html.escape(precedent['quote'])}\u201d</td><td>{recs}</td></tr>")
    return "".join(rows) + "</tbody></table>"


def ingest_results_html(rows: list[list[str]]) -> str:
    """What happened to each uploaded file, errors in full (cells wrap)."""
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    return ("<table class='ingest-results'><thead><tr><th>file</th><th>report id</th><th>status</th><th>error</th>"
            f"</tr></thead><tbody>{body}</tbody></table>")


def report_rows(reports: list[dict]) -> list[list]:
    rows = []
    for record in reports:
        counts = record.get("counts", {})
        rows.append([record["report_id"], record.get("area", ""), f"{record.get('review_start')} to {record.get('review_end')}",
                     record.get("published") or "", counts.get("findings", 0), counts.get("recommendations", 0),
                     counts.get("paragraphs", 0), record.get("source_format", "")])
    return rows


def comparison_html(comparison: dict, describe: Callable[[str], str] | None = None) -> str:
    """The comparison as a matrix (a row per report, a column per theme) and, under it, each
    theme's summary. Every marker and finding id is a link that opens its paragraph (the page
    script sends it to the server); markers are numbered once across the whole view."""
    order: list[str] = []
    rows = {r["report_id"]: r for r in comparison["reports"]}
    cells = {(column["theme"], cell["report_id"]): cell for column in comparison["columns"] for cell in column["cells"]}
    themes = [column["theme"] for column in comparison["columns"]]
    parts = ["<div class='compare-matrix'><table class='compare-matrix'><thead><tr><th>Area (review)</th>"]
    parts += [f"<th scope='col'>{html.escape(theme)}</th>" for theme in themes]
    parts.append("</tr></thead><tbody>")
    for report_id, row in rows.items():
        label = f"{row.get('area') or report_id} {row.get('review_year') or ''}".strip()
        parts.append(f"<tr><th scope='row'>{html.escape(label)}<br><span class='para-id'>{html.escape(report_id)}"
                     "</span></th>")
        for theme in themes:
            parts.append(f"<td>{_cell_html(cells[(theme, report_id)], describe, order)}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    for column in comparison["columns"]:
        parts.append(f"<h4>{html.escape(column['theme'])}: what is common and what differs</h4>")
        parts.append(_text_html(column["summary"], column["summary_citations"], describe, order))
    parts.append("</div>")
    return "".join(parts)


def _cell_html(cell: dict, describe, order: list[str]) -> str:
    judgement = _text_html(cell["judgement"], cell["citations"], describe, order)
    if not cell["findings"]:
        return judgement
    items = []
    for finding in cell["findings"]:
        link = (f"<a class='cite finding-id' href='{marker_href(finding['id'], finding['start'], finding['end'])}'>"
                f"{html.escape(finding['id'])}</a>")
        led = ", ".join(html.escape(rec["id"].split("#", 1)[1].removeprefix("rec:")) for rec in finding["recommendations"])
        items.append(f"<li>{link}: {html.escape(finding['quote'])}"
                     + (f" <span class='para-links'>(led to recommendation {led})</span>" if led else "") + "</li>")
    count = len(cell["findings"])
    return (f"{judgement}<details><summary>{count} finding{'s' if count != 1 else ''}</summary>"
            f"<ul>{''.join(items)}</ul></details>")


def _text_html(text: str, citations: list[dict], describe, order: list[str]) -> str:
    """A checked text (lines, "- " items, headings ending ":") as HTML with linked markers."""
    blocks, items = [], []
    for line in text.splitlines():
        if not line.strip():
            continue
        linked, _ = linked_markers(html.escape(line.strip(), quote=False), citations, describe, order)
        if line.lstrip().startswith("- "):
            items.append(f"<li>{linked[2:]}</li>")
            continue
        if items:
            blocks.append(f"<ul>{''.join(items)}</ul>")
            items = []
        blocks.append(f"<p><strong>{linked}</strong></p>" if line.rstrip().endswith(":") else f"<p>{linked}</p>")
    if items:
        blocks.append(f"<ul>{''.join(items)}</ul>")
    return "".join(blocks)
