"""Retrieval eval: recall@1/5/10 and MRR of the hybrid retriever against gold paragraph ids,
beside the plain LangChain recipe on the same questions."""

from __future__ import annotations

import json
import time
from pathlib import Path

from rich.table import Table

from evals.metrics import hit_at_k, mean, reciprocal_rank


def load_questions(path: Path) -> list[dict]:
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                question = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON ({exc})") from None
            if not question.get("question") or not question.get("gold"):
                raise ValueError(f"{path}:{number}: needs 'question' and 'gold'")
            questions.append(question)
    return questions


def run_retrieval_eval(service, questions_path: Path, with_baseline: bool = True) -> dict:
    questions = load_questions(questions_path)
    rows = []
    started = time.perf_counter()
    for question in questions:
        ranked = [r.id for r in service.search(question["question"], k=10)]
        rows.append({
            "id": question["id"], "gold": question["gold"], "ranked": ranked,
            "r@1": hit_at_k(ranked, question["gold"], 1), "r@5": hit_at_k(ranked, question["gold"], 5),
            "r@10": hit_at_k(ranked, question["gold"], 10), "rr": reciprocal_rank(ranked, question["gold"]),
        })
    seconds = time.perf_counter() - started
    figures = {
        "questions": len(questions),
        "hybrid": {
            "recall@1": mean(r["r@1"] for r in rows), "recall@5": mean(r["r@5"] for r in rows),
            "recall@10": mean(r["r@10"] for r in rows), "mrr": mean(r["rr"] for r in rows),
            "seconds_per_question": seconds / max(1, len(questions)),
        },
        "misses@5": [{"id": r["id"], "gold": r["gold"], "top5": r["ranked"][:5]} for r in rows if not r["r@5"]],
    }
    if with_baseline:
        from evals.baseline import PlainRecipeBaseline

        baseline = PlainRecipeBaseline(service)
        ranks = [baseline.found_rank(q["question"], q["gold"], 10) for q in questions]
        figures["baseline"] = {
            "recall@1": mean(1.0 if r and r <= 1 else 0.0 for r in ranks),
            "recall@5": mean(1.0 if r and r <= 5 else 0.0 for r in ranks),
            "recall@10": mean(1.0 if r else 0.0 for r in ranks),
            "mrr": mean(1.0 / r if r else 0.0 for r in ranks),
        }
    return figures


def print_table(figures: dict, console) -> None:
    table = Table(title=f"Retrieval on {figures['questions']} questions")
    table.add_column("system")
    for column in ("recall@1", "recall@5", "recall@10", "MRR"):
        table.add_column(column, justify="right")
    for name, label in (("hybrid", "hybrid (this project)"), ("baseline", "plain recipe (1000/200 chunks, dense top-k)")):
        if name in figures:
            f = figures[name]
            table.add_row(label, f"{f['recall@1']:.3f}", f"{f['recall@5']:.3f}", f"{f['recall@10']:.3f}", f"{f['mrr']:.3f}")
    console.print(table)
    for miss in figures["misses@5"]:
        console.print(f"[yellow]miss@5[/yellow] {miss['id']}: gold {miss['gold']} top5 {miss['top5']}")
