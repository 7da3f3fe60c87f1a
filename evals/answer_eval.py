"""Answer eval: every citation checked against the stored paragraph (id stored, quote verbatim
at its offsets), gold paragraphs cited, asked-for figures kept, and the 'cannot answer'
sentinel on questions the reports do not answer; plus the relevance threshold these
questions support."""

from __future__ import annotations

import json
import time
from pathlib import Path

from rich.table import Table

from assistant.errors import NotFoundError
from evals.metrics import mean


def load_jsonl(path: Path, required: tuple[str, ...]) -> list[dict]:
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not valid JSON ({exc})") from None
        missing = [name for name in required if not row.get(name)]
        if missing:
            raise ValueError(f"{path}:{number}: missing {', '.join(missing)}")
        rows.append(row)
    return rows


def citation_errors(service, answer) -> list[str]:
    """Citations whose id is not stored or whose quote is not the stored text at its offsets."""
    problems = []
    for citation in answer.citations:
        try:
            text = service.paragraph(citation.id).text
        except NotFoundError:
            problems.append(f"{citation.id}: not stored")
            continue
        if text[citation.start:citation.end] != citation.quote or not citation.quote:
            problems.append(f"{citation.id}: quote not verbatim at {citation.start}-{citation.end}")
    return problems


def best_threshold(answerable: list[float], unanswerable: list[float]) -> tuple[float, float]:
    """The relevance cut that maximises balanced accuracy (mean of the two correct rates)."""
    candidates = sorted(set(answerable + unanswerable))
    best = (0.0, 0.0)
    for low, high in zip(candidates, candidates[1:] + [candidates[-1] + 0.02] if candidates else []):
        cut = (low + high) / 2
        accuracy = (mean([v >= cut for v in answerable]) + mean([v < cut for v in unanswerable])) / 2
        if accuracy > best[1]:
            best = (round(cut, 3), accuracy)
    return best


def run_answer_eval(service, questions_path: Path, unanswerable_path: Path, engine: str | None = None) -> dict:
    questions = load_jsonl(questions_path, ("question", "gold"))
    unanswerable = load_jsonl(unanswerable_path, ("question",))
    started = time.perf_counter()
    rows = []
    for question in questions:
        answer = service.ask(question["question"], engine=engine)
        cited = list(dict.fromkeys(c.id for c in answer.citations))
        must = question.get("must_include", [])
        rows.append({
            "id": question["id"], "answered": answer.answerable, "relevance": answer.relevance,
            "gold_cited": any(cid in question["gold"] for cid in cited),
            "precision": mean([cid in question["gold"] for cid in cited]) if cited else 0.0,
            "citations": len(answer.citations), "errors": citation_errors(service, answer),
            "unsupported": len(answer.unsupported),
            "figures_kept": all(term.lower() in answer.answer.lower() for term in must) if must else None,
            "missing_figures": [t for t in must if t.lower() not in answer.answer.lower()],
        })
    declined = []
    for question in unanswerable:
        answer = service.ask(question["question"], engine=engine)
        declined.append({"id": question["id"], "declined": not answer.answerable, "relevance": answer.relevance,
                         "cited": [c.id for c in answer.citations]})
    seconds = time.perf_counter() - started
    figure_rows = [r for r in rows if r["figures_kept"] is not None]
    threshold, balanced = best_threshold([r["relevance"] for r in rows], [d["relevance"] for d in declined])
    return {
        "questions": len(rows),
        "unanswerable_questions": len(declined),
        "answered": mean([r["answered"] for r in rows]),
        "gold_cited": mean([r["gold_cited"] for r in rows]),
        "citation_precision": mean([r["precision"] for r in rows if r["answered"]]),
        "citations_checked": sum(r["citations"] for r in rows),
        "citation_errors": sum(len(r["errors"]) for r in rows),
        "unsupported_sentences": sum(r["unsupported"] for r in rows),
        "figures_kept": mean([r["figures_kept"] for r in figure_rows]),
        "figure_questions": len(figure_rows),
        "declined_unanswerable": mean([d["declined"] for d in declined]),
        "min_relevance": service.settings.answer.min_relevance,
        "suggested_min_relevance": threshold,
        "balanced_accuracy_at_suggestion": balanced,
        "seconds_per_question": seconds / max(len(rows) + len(declined), 1),
        "rows": rows,
        "declined_rows": declined,
    }


def answer_table(result: dict) -> Table:
    table = Table(title=f"Answers ({result['questions']} answerable, {result['unanswerable_questions']} unanswerable questions)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name in ("answered", "gold_cited", "citation_precision", "figures_kept", "declined_unanswerable"):
        table.add_row(name, f"{result[name]:.3f}")
    for name in ("citations_checked", "citation_errors", "unsupported_sentences", "figure_questions"):
        table.add_row(name, str(result[name]))
    table.add_row("min_relevance (setting)", f"{result['min_relevance']:.3f}")
    table.add_row("suggested min_relevance", f"{result['suggested_min_relevance']:.3f} "
                  f"(balanced accuracy {result['balanced_accuracy_at_suggestion']:.3f})")
    table.add_row("seconds per question", f"{result['seconds_per_question']:.3f}")
    return table
