"""The comparison eval: for each theme of evals/data/comparison_cases.jsonl, per report row,
the share of its gold findings the row shows, whether the row states the verdict the gold
paragraph states, and whether every citation of the comparison is stored and verbatim."""

from __future__ import annotations

import re
import time
from pathlib import Path

from rich.table import Table

from assistant.errors import NOT_FOUND_ERRORS
from assistant.markers import CHECKED_MARKER
from evals.metrics import copied_share, mean, share_found
from evals.runner import DATA, load_jsonl

COMPARISON_CASES = DATA / "comparison_cases.jsonl"
SPLITS = ("dev", "test", "all")


def comparison_citation_errors(service, comparison: dict) -> tuple[int, list[str]]:
    """(citations checked, problems): every cell's and every summary's citation must name a
    stored paragraph whose text at its offsets is its quote."""
    citations = [c for column in comparison["columns"]
                 for c in column["summary_citations"] + [c for cell in column["cells"] for c in cell["citations"]]]
    problems = []
    for citation in citations:
        try:
            text = service.paragraph(citation["id"]).text
        except NOT_FOUND_ERRORS:
            problems.append(f"{citation['id']}: not stored")
            continue
        if not citation["quote"] or text[citation["start"]:citation["end"]] != citation["quote"]:
            problems.append(f"{citation['id']}: quote not verbatim at {citation['start']}-{citation['end']}")
    return len(citations), problems


def judgement_copied_share(service, cell: dict) -> float:
    """The share of the judgement's sentences copied verbatim from the paragraphs it cites. An
    extractive judgement copies all but its count of findings; a written one should copy few."""
    sentences = re.split(r"(?<=[.!?])\s+", CHECKED_MARKER.sub("", cell["judgement"]))
    texts = [service.paragraph(cid).text for cid in {c["id"] for c in cell["citations"]}]
    return copied_share(sentences, texts)


def row_text(cell: dict) -> str:
    """What a reader of the row sees: the judgement and each finding's verdict and quote."""
    return " ".join([cell["judgement"]] + [f"{f['lead']} {f['quote']}" for f in cell["findings"]]).lower()


def run_comparison_eval(service, split: str = "all", cases_path: Path = COMPARISON_CASES,
                        engine: str | None = None) -> dict:
    if split not in SPLITS:
        raise ValueError(f"split is {split!r}; it must be one of {', '.join(SPLITS)}")
    cases = [c for c in load_jsonl(cases_path, ("id", "split", "theme", "rows")) if split in ("all", c["split"])]
    rows, checked, errors, engines = [], 0, [], set()
    started = time.perf_counter()
    for case in cases:
        comparison = service.compare(case["theme"], list(case["rows"]), engine).to_dict()
        engines.add(comparison["engine"])
        count, problems = comparison_citation_errors(service, comparison)
        checked += count
        errors += [f"{case['id']}: {p}" for p in problems]
        cells = {cell["report_id"]: cell for cell in comparison["columns"][0]["cells"]}
        for report_id, gold in case["rows"].items():
            cell = cells[report_id]
            shown = [f["id"] for f in cell["findings"]]
            rows.append({"case": case["id"], "report_id": report_id, "shown": shown, "gold": gold["gold"],
                         "recall": share_found(shown, gold["gold"]),
                         "verdict": any(v.lower() in row_text(cell) for v in gold["verdict"]),
                         "verdict_in_judgement": any(v.lower() in cell["judgement"].lower() for v in gold["verdict"]),
                         "written": cell["written_by"] != "extractive", "copied": judgement_copied_share(service, cell)})
    seconds = time.perf_counter() - started
    return {
        "split": split, "themes": len(cases), "rows": len(rows),
        "gold_recall": mean(r["recall"] for r in rows),
        "rows_with_a_gold_finding": mean(float(r["recall"] > 0) for r in rows),
        "verdict_in_row": mean(float(r["verdict"]) for r in rows),
        "verdict_in_judgement": mean(float(r["verdict_in_judgement"]) for r in rows),
        "judgements_written": mean(float(r["written"]) for r in rows),
        "judgement_copied_share": mean(r["copied"] for r in rows),
        "engine": ", ".join(sorted(engines)),
        "citations_checked": checked,
        "citation_validity": 1.0 - len(errors) / checked if checked else 1.0,
        "citation_errors": errors,
        "seconds_per_theme": round(seconds / max(len(cases), 1), 3),
        "misses": [f"{r['case']}:{r['report_id']}" for r in rows if r["recall"] < 1],
        "row_details": rows,
    }


def comparison_table(result: dict) -> Table:
    table = Table(title=f"Comparison eval ({result['split']}, engine {result['engine']}): {result['themes']} themes, "
                        f"{result['rows']} report rows")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, key in (("gold findings shown per row (recall)", "gold_recall"),
                      ("rows showing at least one gold finding", "rows_with_a_gold_finding"),
                      ("rows stating the gold verdict", "verdict_in_row"),
                      ("judgements stating the gold verdict", "verdict_in_judgement"),
                      ("judgements written by the engine", "judgements_written"),
                      ("judgement sentences copied verbatim", "judgement_copied_share"),
                      ("citation validity (id stored, quote verbatim)", "citation_validity"),
                      ("citations checked", "citations_checked"),
                      ("seconds per theme", "seconds_per_theme")):
        value = result[key]
        table.add_row(name, f"{value:.3f}" if isinstance(value, float) else str(value))
    return table
