"""Drafting eval: for observations reworded from a finding in one report, is a comparable
finding of the other report among the top precedents, with its recommendation attached; and
does every citation in the draft check out against the store."""

from __future__ import annotations

import time
from pathlib import Path

from rich.table import Table

from evals.answer_eval import citation_errors, load_jsonl
from evals.metrics import hit_at_k, mean, reciprocal_rank


def run_draft_eval(service, cases_path: Path, engine: str | None = None, k: int = 5) -> dict:
    cases = load_jsonl(cases_path, ("observation", "expected"))
    rows = []
    started = time.perf_counter()
    for case in cases:
        draft = service.draft(case["observation"], exclude_report=case.get("exclude_report"), engine=engine)
        ranked = [p.id for p in draft.precedents]
        with_recommendation = [p.id for p in draft.precedents if p.recommendations]
        rows.append({
            "id": case["id"], "ranked": ranked,
            "hit": hit_at_k(ranked, case["expected"], k),
            "hit_with_recommendation": hit_at_k(with_recommendation, case["expected"], k),
            "rr": reciprocal_rank(ranked, case["expected"]),
            "excluded_report_used": any(p.report_id == case.get("exclude_report") for p in draft.precedents),
            "citations": len(draft.citations), "errors": citation_errors(service, draft),
            "unsupported": len(draft.unsupported), "has_recommendation": bool(draft.suggested_recommendation),
        })
    return {
        "cases": len(rows),
        f"precedent_hit@{k}": mean([r["hit"] for r in rows]),
        "precedent_hit_with_recommendation": mean([r["hit_with_recommendation"] for r in rows]),
        "precedent_mrr": mean([r["rr"] for r in rows]),
        "excluded_report_leaks": sum(r["excluded_report_used"] for r in rows),
        "citations_checked": sum(r["citations"] for r in rows),
        "citation_errors": sum(len(r["errors"]) for r in rows),
        "unsupported_sentences": sum(r["unsupported"] for r in rows),
        "drafts_with_recommendation": mean([r["has_recommendation"] for r in rows]),
        "seconds_per_case": (time.perf_counter() - started) / max(len(rows), 1),
        "k": k,
        "rows": rows,
    }


def draft_table(result: dict) -> Table:
    table = Table(title=f"Drafting ({result['cases']} observations)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, value in result.items():
        if name in ("rows", "cases", "k"):
            continue
        table.add_row(name, f"{value:.3f}" if isinstance(value, float) else str(value))
    return table
