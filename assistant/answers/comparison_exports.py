"""A comparison (its `to_dict()` form) as .csv, .xlsx and .docx: one row per cell (report x
theme) with the ids and quotes in columns; the Word file as a table whose cells carry numbered
references, listed with their quotes under it."""

from __future__ import annotations

import csv
import io
import re

from assistant.markers import CHECKED_MARKER

EXPORT_FORMATS = {"csv": "text/csv; charset=utf-8",
                  "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
COLUMNS = ("theme", "report_id", "area", "review_year", "judgement", "finding_ids", "finding_quotes",
           "recommendation_ids", "recommendations")


def cell_rows(comparison: dict) -> list[dict]:
    """One row per cell, theme by theme, reports in row order. Several findings or
    recommendations in a cell are one per line, ids and quotes in the same order."""
    reports = {r["report_id"]: r for r in comparison["reports"]}
    rows = []
    for column in comparison["columns"]:
        for cell in column["cells"]:
            report = reports[cell["report_id"]]
            recommendations = {rec["id"]: rec["text"] for f in cell["findings"] for rec in f["recommendations"]}
            rows.append({
                "theme": column["theme"], "report_id": cell["report_id"], "area": report["area"],
                "review_year": report["review_year"] or "", "judgement": cell["judgement"],
                "finding_ids": "\n".join(f["id"] for f in cell["findings"]),
                "finding_quotes": "\n".join(f["quote"] for f in cell["findings"]),
                "recommendation_ids": "\n".join(recommendations),
                "recommendations": "\n".join(recommendations.values()),
            })
    return rows


def comparison_csv(comparison: dict) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(cell_rows(comparison))
    return out.getvalue().encode("utf-8")


def comparison_xlsx(comparison: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Comparison"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in cell_rows(comparison):
        sheet.append([row[c] for c in COLUMNS])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFGHI", (28, 22, 18, 10, 60, 26, 80, 22, 80)):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def comparison_docx(comparison: dict) -> bytes:
    """A table, reports down and themes across; each cell's judgement with [n] reference
    numbers; under the table, the references: id, quote and the recommendations it led to."""
    from docx import Document

    document = Document()
    document.add_heading("Comparison of areas: " + "; ".join(comparison["themes"]), level=1)
    references: dict[str, int] = {}
    notes: list[str] = []

    def reference(finding: dict) -> int:
        if finding["id"] not in references:
            references[finding["id"]] = len(references) + 1
            recs = "; ".join(f"{r['id']}: {r['text']}" for r in finding["recommendations"])
            notes.append(f"{finding['id']}: \u201c{finding['quote']}\u201d" + (f" Led to {recs}" if recs else ""))
        return references[finding["id"]]

    table = document.add_table(rows=1 + len(comparison["reports"]), cols=1 + len(comparison["columns"]))
    table.style = "Table Grid"
    table.cell(0, 0).text = "Area (review year)"
    for j, column in enumerate(comparison["columns"], start=1):
        table.cell(0, j).text = column["theme"]
    for i, report in enumerate(comparison["reports"], start=1):
        table.cell(i, 0).text = f"{report['area']} ({report['review_year'] or 'no date'})"
        for j, column in enumerate(comparison["columns"], start=1):
            cell = next(c for c in column["cells"] if c["report_id"] == report["report_id"])
            numbers = " ".join(f"[{reference(f)}]" for f in cell["findings"])
            table.cell(i, j).text = f"{_plain(cell['judgement'])} {numbers}".strip()
    for column in comparison["columns"]:
        document.add_heading(f"Summary: {column['theme']}", level=2)
        for line in column["summary"].splitlines():
            if line.strip():
                document.add_paragraph(line.strip())
    document.add_heading("References", level=2)
    for note in notes:
        document.add_paragraph(note, style="List Number")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _plain(judgement: str) -> str:
    """The judgement without its inline [report#para] markers: the cell's numbers replace them."""
    return re.sub(rf"\s*{CHECKED_MARKER.pattern}", "", judgement).strip()


def export_comparison(comparison: dict, fmt: str) -> bytes:
    exporters = {"csv": comparison_csv, "xlsx": comparison_xlsx, "docx": comparison_docx}
    if fmt not in exporters:
        raise ValueError(f"format is {fmt!r}; it must be one of {', '.join(exporters)}")
    return exporters[fmt](comparison)
