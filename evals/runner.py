"""The eval runner: retrieval, citation validity and ALCE-style precision/recall, key terms,
abstention, follow-ups and drafting, in one run and one table, with the CI gates."""

from __future__ import annotations

import json
import time
from pathlib import Path

from rich.table import Table

from assistant.engines.local import QUOTED_HEADING
from assistant.errors import NOT_FOUND_ERRORS
from evals.check_data import DATA, DRAFTING_SET_FILES, QUESTION_SET_FILES
from evals.metrics import (
    Statement,
    best_threshold,
    citation_precision,
    citation_recall,
    copied_share,
    hit_at_k,
    key_term_coverage,
    mean,
    reciprocal_rank,
    share_found,
)

QUESTION_SETS = {name: DATA / file for name, file in QUESTION_SET_FILES.items()}
DRAFTING_SETS = {name: DATA / file for name, file in DRAFTING_SET_FILES.items()}
QUESTIONS = QUESTION_SETS["main"]
DRAFTING_CASES = DRAFTING_SETS["main"]
GATES = Path(__file__).resolve().parent / "gates.json"


def question_set(name: str) -> Path:
    """A named question set (main, dev, test, dev2, ... test7) or a path to one."""
    return _named_set(name, QUESTION_SETS, "question set")


def drafting_set(name: str) -> Path:
    """A named drafting set (main, test) or a path to one."""
    return _named_set(name, DRAFTING_SETS, "drafting set")


def _named_set(name: str, sets: dict[str, Path], what: str) -> Path:
    path = sets.get(name, Path(name))
    if not path.is_file():
        raise FileNotFoundError(f"no {what} {name!r}: give one of {', '.join(sets)} or a .jsonl file")
    return path


def load_jsonl(path: Path, required: tuple[str, ...] = ()) -> list[dict]:
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not valid JSON ({exc})") from None
        missing = [name for name in required if name not in row]
        if missing:
            raise ValueError(f"{path}:{number}: missing {', '.join(missing)}")
        rows.append(row)
    return rows


def citation_errors(service, result) -> list[str]:
    """Citations whose id is not stored or whose quote is not the stored text at its offsets."""
    problems = []
    for citation in result.citations:
        try:
            text = service.paragraph(citation.id).text
        except NOT_FOUND_ERRORS:
            problems.append(f"{citation.id}: not stored")
            continue
        if not citation.quote or text[citation.start:citation.end] != citation.quote:
            problems.append(f"{citation.id}: quote not verbatim at {citation.start}-{citation.end}")
    return problems


def statements(service, answer) -> list[Statement]:
    """Answer sentences with the stored texts of the paragraphs each cites."""
    cited: dict[str, list[str]] = {}
    for citation in answer.citations:
        ids = cited.setdefault(citation.sentence, [])
        if citation.id not in ids:
            ids.append(citation.id)
    texts = {}
    for ids in cited.values():
        for cid in ids:
            if cid not in texts:
                try:
                    texts[cid] = service.paragraph(cid).text
                except NOT_FOUND_ERRORS:
                    texts[cid] = ""
    found = [Statement(sentence, [texts[cid] for cid in ids]) for sentence, ids in cited.items()]
    return found + [Statement(sentence, []) for sentence in answer.unsupported]


def written_part(answer_text: str) -> str:
    """The answer before the evidence a writing engine quotes after its prose ("From the reports:")."""
    return answer_text.split(f"\n{QUOTED_HEADING}:", 1)[0]


def quoted_count(answer_text: str) -> int:
    """How many report sentences are quoted after the written answer."""
    _, _, quoted = answer_text.partition(f"\n{QUOTED_HEADING}:")
    return sum(1 for line in quoted.splitlines() if line.startswith("- "))


def _history(service, earlier: list[str], engine) -> list[dict]:
    messages: list[dict] = []
    for question in earlier:
        answer = service.ask(question, messages, engine=engine)
        messages += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]
    return messages


def run_eval(service, engine: str | None = None, with_baseline: bool = True,
             questions_path: Path = QUESTIONS, drafting_path: Path | None = DRAFTING_CASES) -> dict:
    """Every figure of one run; `drafting_path` None leaves the drafting cases out (they are the
    same for every question set, and with the local model they take about half a minute each)."""
    questions = load_jsonl(questions_path, ("id", "kind", "question", "gold", "key_terms"))
    cases = load_jsonl(drafting_path, ("id", "observation", "expected")) if drafting_path else None
    started = time.perf_counter()
    report_texts = [p.text for p in service.retriever.corpus().paragraphs.values()]
    rows = []
    for question in questions:
        history = _history(service, question.get("history", []), engine)
        began = time.perf_counter()
        answer = service.ask(question["question"], history, engine=engine)
        seconds = time.perf_counter() - began
        gold = question["gold"]
        ranked = [r.id for r in service.search(answer.resolved.text, k=10)] if gold else []
        cited = list(dict.fromkeys(c.id for c in answer.citations))
        said = statements(service, answer)
        rows.append({
            "id": question["id"], "kind": question["kind"], "question": question["question"],
            "resolved": answer.resolved.text, "gold": gold, "ranked": ranked,
            "r@1": hit_at_k(ranked, gold, 1), "r@5": hit_at_k(ranked, gold, 5), "r@10": hit_at_k(ranked, gold, 10),
            "rr": reciprocal_rank(ranked, gold), "answered": answer.answerable, "relevance": answer.relevance,
            "cited": cited,
            "gold_cited": any(cid in gold for cid in cited),
            "citations": len(answer.citations), "errors": citation_errors(service, answer),
            "statements": said, "key_terms": key_term_coverage(answer.answer, question["key_terms"]) if gold else None,
            "copied": copied_share([s.sentence for s in said], report_texts) if answer.answerable else None,
            "copied_written": (copied_share([s.sentence for s in said if s.sentence in written_part(answer.answer)],
                                            report_texts) if answer.answerable else None),
            "quoted_after": quoted_count(answer.answer),
            "seconds": seconds, "answer": answer.answer, "engine": answer.engine, "notice": answer.notice,
        })
    answerable = [r for r in rows if r["gold"]]
    unanswerable = [r for r in rows if not r["gold"]]
    all_statements = [s for r in rows for s in r["statements"]]
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "question_set": Path(questions_path).name,
        "engine": engine or service.settings.llm.engine,
        "questions": len(rows), "answerable": len(answerable), "unanswerable": len(unanswerable),
        "retrieval": _retrieval(answerable),
        "citation_validity": 1.0 - (sum(len(r["errors"]) for r in rows) / max(1, sum(r["citations"] for r in rows))),
        "citations_checked": sum(r["citations"] for r in rows),
        "citation_precision": citation_precision(all_statements),
        "citation_recall": citation_recall(all_statements),
        "key_term_coverage": mean(r["key_terms"] for r in answerable),
        "gold_cited": mean(r["gold_cited"] for r in answerable),
        "answered_answerable": mean(r["answered"] for r in answerable),
        "abstention_accuracy": mean(not r["answered"] for r in unanswerable),
        "follow_up_accuracy": mean(r["gold_cited"] for r in answerable if r["kind"] == "follow-up"),
        "copied_share": mean(r["copied"] for r in rows if r["copied"] is not None),
        "copied_share_written": mean(r["copied_written"] for r in rows if r["copied_written"] is not None),
        "answers_quoting_evidence": mean(r["quoted_after"] > 0 for r in rows if r["answered"]),
        "seconds_per_question": mean(r["seconds"] for r in rows),
        "by_kind": _by_kind(rows),
        "min_relevance": service.settings.answer.min_relevance,
        "suggested_min_relevance": best_threshold([r["relevance"] for r in answerable if r["kind"] != "named-paragraph"],
                                                  [r["relevance"] for r in unanswerable]),
    }
    if with_baseline:
        result["baseline_retrieval"] = _baseline(service, answerable)
    result["drafting"] = _drafting(service, cases, engine) if cases is not None else None
    result["seconds_total"] = time.perf_counter() - started
    result["misses"] = {
        "retrieval@5": [r["id"] for r in answerable if not r["r@5"]],
        "gold_not_cited": [r["id"] for r in answerable if not r["gold_cited"]],
        "declined_answerable": [r["id"] for r in answerable if not r["answered"]],
        "answered_unanswerable": [r["id"] for r in unanswerable if r["answered"]],
    }
    for row in rows:
        row["statements"] = len(row["statements"])
    result["rows"] = rows
    return result


def _retrieval(rows: list[dict]) -> dict:
    return {"recall@1": mean(r["r@1"] for r in rows), "recall@5": mean(r["r@5"] for r in rows),
            "recall@10": mean(r["r@10"] for r in rows), "mrr": mean(r["rr"] for r in rows)}


def _baseline(service, rows: list[dict]) -> dict:
    from evals.baseline import PlainRecipeBaseline

    baseline = PlainRecipeBaseline(service)
    ranks = [baseline.found_rank(r["resolved"], r["gold"], 10) for r in rows]
    return {"recall@1": mean(1.0 if r and r <= 1 else 0.0 for r in ranks),
            "recall@5": mean(1.0 if r and r <= 5 else 0.0 for r in ranks),
            "recall@10": mean(1.0 if r else 0.0 for r in ranks), "mrr": mean(1.0 / r if r else 0.0 for r in ranks)}


def _by_kind(rows: list[dict]) -> dict:
    kinds: dict[str, dict] = {}
    for kind in sorted({r["kind"] for r in rows}):
        group = [r for r in rows if r["kind"] == kind]
        if kind == "unanswerable":
            kinds[kind] = {"n": len(group), "abstention": mean(not r["answered"] for r in group)}
        else:
            kinds[kind] = {"n": len(group), "recall@5": mean(r["r@5"] for r in group),
                           "gold_cited": mean(r["gold_cited"] for r in group),
                           "key_terms": mean(r["key_terms"] for r in group)}
    return kinds


def _drafting(service, cases: list[dict], engine) -> dict:
    rows = []
    for case in cases:
        draft = service.draft(case["observation"], exclude_report=case.get("exclude_report"), engine=engine)
        top = draft.precedents[:5]
        attached = [rec["id"] for p in top for rec in p.recommendations]
        rows.append({"id": case["id"], "precedents": [p.id for p in top],
                     "hit@5": hit_at_k([p.id for p in top], case["expected"], 5),
                     "precedent_recall@5": share_found([p.id for p in top], case["expected"]),
                     "recommendation_recall": share_found(attached, case.get("recommendations", [])),
                     "errors": citation_errors(service, draft), "draft": draft.draft,
                     "suggested_recommendation": draft.suggested_recommendation, "unsupported": len(draft.unsupported)})
    return {"cases": len(rows), "precedent_hit@5": mean(r["hit@5"] for r in rows),
            "precedent_recall@5": mean(r["precedent_recall@5"] for r in rows),
            "recommendation_recall": mean(r["recommendation_recall"] for r in rows),
            "citation_errors": sum(len(r["errors"]) for r in rows),
            "misses": [r["id"] for r in rows if not r["hit@5"]], "rows": rows}


# -- gates and the table ---------------------------------------------------------------------
def gate_values(result: dict) -> dict[str, float]:
    values = {
        "citation_validity": result["citation_validity"],
        "recall@5": result["retrieval"]["recall@5"],
        "abstention_accuracy": result["abstention_accuracy"],
        "citation_recall": result["citation_recall"],
        "key_term_coverage": result["key_term_coverage"],
    }
    if result["drafting"] is not None:
        values["precedent_recall@5"] = result["drafting"]["precedent_recall@5"]
    return values


def check_gates(result: dict, gates_path: Path = GATES) -> list[str]:
    """The gates the result falls below (empty: all passed)."""
    gates = json.loads(Path(gates_path).read_text(encoding="utf-8"))["minimum"]
    values = gate_values(result)
    return [f"{name} {values[name]:.3f} < {minimum:.3f}" if name in values else f"{name} was not measured"
            for name, minimum in gates.items() if name not in values or values[name] < minimum]


def eval_table(result: dict, gates_path: Path = GATES) -> Table:
    gates = json.loads(Path(gates_path).read_text(encoding="utf-8"))["minimum"]
    table = Table(title=f"Eval {result['date']} ({result.get('question_set', QUESTIONS.name)}): {result['answerable']} answerable + {result['unanswerable']} "
                        f"unanswerable questions, {(result['drafting'] or {}).get('cases', 'no')} drafting cases, engine {result['engine']}")
    for column in ("metric", "value", "CI gate"):
        table.add_column(column, justify="left" if column == "metric" else "right")

    def row(name: str, value, gate_key: str | None = None) -> None:
        text = f"{value:.3f}" if isinstance(value, float) else str(value)
        table.add_row(name, text, f"\u2265 {gates[gate_key]:.3f}" if gate_key in gates else "")

    retrieval = result["retrieval"]
    for key in ("recall@1", "recall@5", "recall@10", "mrr"):
        row(f"retrieval {key} (hybrid)", retrieval[key], "recall@5" if key == "recall@5" else None)
    for key, value in result.get("baseline_retrieval", {}).items():
        row(f"retrieval {key} (plain recipe)", value)
    row("citation validity (id stored, quote verbatim)", result["citation_validity"], "citation_validity")
    row("citations checked", result["citations_checked"])
    row("citation precision (ALCE)", result["citation_precision"])
    row("citation recall (ALCE)", result["citation_recall"], "citation_recall")
    row("key-term coverage", result["key_term_coverage"], "key_term_coverage")
    row("answer sentences copied verbatim from a report", result["copied_share"])
    row("  of the written part (before any quoted evidence)", result.get("copied_share_written", 0.0))
    row("answers quoting evidence the written part left out", result.get("answers_quoting_evidence", 0.0))
    row("answers citing a gold paragraph", result["gold_cited"])
    row("answerable questions answered", result["answered_answerable"])
    row("abstention accuracy (unanswerable)", result["abstention_accuracy"], "abstention_accuracy")
    row("follow-up accuracy", result["follow_up_accuracy"])
    drafting = result["drafting"]
    if drafting is not None:
        row("drafting precedent recall@5", drafting["precedent_recall@5"], "precedent_recall@5")
        row("drafting precedent hit@5", drafting["precedent_hit@5"])
        row("drafting recommendation recall", drafting["recommendation_recall"])
        row("drafting citation errors", drafting["citation_errors"])
    row("relevance threshold: setting / best cut (balanced accuracy)",
        f"{result['min_relevance']:.3f} / {result['suggested_min_relevance'][0]:.3f} "
        f"({result['suggested_min_relevance'][1]:.3f})")
    for kind, figures in result["by_kind"].items():
        row(f"by kind: {kind} (n={figures['n']}) " + ("abstention" if kind == "unanswerable" else
                                                     "recall@5 / gold cited / key terms"),
            " / ".join(f"{v:.2f}" for k, v in figures.items() if k != "n"))
    row("seconds per question", result["seconds_per_question"])
    return table
