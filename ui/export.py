"""Export a draft finding with its reference list to Markdown and Word (.docx)."""

from __future__ import annotations

from pathlib import Path

from ui.render import draft_markdown


def draft_to_markdown(draft: dict) -> str:
    header = f"# Draft finding\n\nObservation: {draft['observation']}\n\n"
    return header + draft_markdown(draft).replace("### Draft finding\n", "", 1) + "\n"


def draft_to_docx(draft: dict, path: Path) -> Path:
    from docx import Document

    markdown = draft_markdown(draft)
    document = Document()
    document.add_heading("Draft finding", level=1)
    document.add_paragraph(f"Observation: {draft['observation']}")
    for block in markdown.split("\n### ")[0:]:
        title, _, body = block.partition("\n")
        title = title.replace("### ", "").strip()
        if title != "Draft finding":
            document.add_heading(title, level=2)
        for line in body.splitlines():
            line = line.strip()
            if not line:
                continue
            if line[:1].isdigit() and ". `" in line[:6]:
                document.add_paragraph(line.split(". ", 1)[1].replace("`", ""), style="List Number")
            else:
                document.add_paragraph(line.replace("`", "").replace("**", ""))
    document.save(path)
    return path
