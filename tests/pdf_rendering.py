"""Render a report's text into a real PDF with reportlab: page headers and footers, and
paragraphs that break across pages, as a publisher's PDF would have."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate


def render_report_pdf(text_path: Path, pdf_path: Path, header: str) -> Path:
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=12, spaceAfter=8)
    groups, current = [], []
    for line in text_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            current.append(escape(line.strip().replace("*", "")).replace("\t", " "))
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    story = [Paragraph("<br/>".join(lines), style) for lines in groups]

    def furniture(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(2 * cm, A4[1] - 1.2 * cm, header)
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Page {document.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(str(pdf_path), pagesize=A4, leftMargin=2.5 * cm, rightMargin=2.5 * cm,
                                 topMargin=2.2 * cm, bottomMargin=2.2 * cm)
    document.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return pdf_path


def render_image_only_pdf(pdf_path: Path) -> Path:
    """A PDF with drawings and no text layer, like a scan."""
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(pdf_path), pagesize=A4)
    for page in range(2):
        canvas.rect(2 * cm, 2 * cm, 10 * cm, 20 * cm, fill=1)
        canvas.showPage()
    canvas.save()
    return pdf_path
