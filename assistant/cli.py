"""`assistant` command line: short adapters over the ReportService."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.errors import AssistantError, NotFoundError
from assistant.service import ReportService, build_service
from assistant.settings import Settings

app = typer.Typer(help="Cited answers over CQC children's safeguarding inspection reports.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)


def _service() -> ReportService:
    return build_service(Settings())


def _fail(message: str, code: int = 1) -> None:
    errors.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def _print_json(value) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


@app.command()
def ingest(paths: Optional[List[Path]] = typer.Argument(None, help="Report files or folders (default: the reports dir).")):
    """Ingest report files (text, markdown or PDF) into the store."""
    try:
        service = _service()
    except AssistantError as exc:
        _fail(str(exc), 2)
    table = Table(title="Ingest")
    for column in ("file", "report id", "status", "findings", "recommendations", "paragraphs", "seconds"):
        table.add_column(column, justify="right" if column in ("findings", "recommendations", "paragraphs", "seconds") else "left")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=errors, transient=True) as progress:
        task = progress.add_task("starting", total=None)

        def on_progress(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        outcomes = service.ingest(paths or None, progress=on_progress)
    failed = 0
    for outcome in outcomes:
        counts = outcome.counts
        status = outcome.status if outcome.status != "failed" else "[red]failed[/red]"
        table.add_row(Path(outcome.path).name, outcome.report_id or "-", status,
                      str(counts.get("findings", "-")), str(counts.get("recommendations", "-")),
                      str(counts.get("paragraphs", "-")), f"{outcome.seconds:.2f}")
        failed += outcome.status == "failed"
    console.print(table)
    for outcome in outcomes:
        if outcome.error:
            errors.print(f"[red]error:[/red] {outcome.error}")
        for warning in outcome.warnings:
            errors.print(f"[yellow]warning:[/yellow] {warning}")
    if not outcomes:
        _fail("no report files found (expected .txt, .md or .pdf)", 1)
    if failed:
        raise typer.Exit(1)


@app.command()
def reports(as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """List stored reports with their metadata and counts."""
    records = _service().reports()
    if as_json:
        _print_json([_report_summary(r) for r in records])
        return
    table = Table(title="Stored reports")
    for column in ("report id", "area", "review", "published", "findings", "recommendations", "paragraphs"):
        table.add_column(column)
    for record in records:
        counts = record.get("counts", {})
        table.add_row(record["report_id"], record["area"], f"{record['review_start']} to {record['review_end']}",
                      str(record["published"]), str(counts.get("findings")), str(counts.get("recommendations")),
                      str(counts.get("paragraphs")))
    console.print(table)


def _report_summary(record: dict) -> dict:
    summary = {k: v for k, v in record.items() if k not in ("counts", "version", "embedding")}
    summary.update(record.get("counts", {}))
    return summary


@app.command()
def show(citation_id: str = typer.Argument(..., help="A citation id such as sefton-2018#1.3 or sefton-2018#rec:2.1."),
         as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Show one paragraph by citation id."""
    try:
        paragraph = _service().paragraph(citation_id)
    except NotFoundError as exc:
        _fail(str(exc), 1)
    if as_json:
        _print_json(paragraph.to_dict())
        return
    console.print(f"[bold]{paragraph.citation_id}[/bold]  ({paragraph.kind})")
    console.print(f"[dim]{paragraph.section}[/dim]")
    console.print(paragraph.text, highlight=False)
    if paragraph.recommendations:
        console.print(f"recommendations: {', '.join(paragraph.recommendations)}")
    if paragraph.unresolved_recommendations:
        console.print(f"[yellow]points to missing recommendations:[/yellow] {', '.join(paragraph.unresolved_recommendations)}")
    if paragraph.pointed_by:
        console.print(f"pointed to by: {', '.join(paragraph.pointed_by)}")
    where = f"line {paragraph.source_line}" if paragraph.source_line else f"page {paragraph.source_page}"
    console.print(f"[dim]source: {where}, characters {paragraph.source_start}-{paragraph.source_end}[/dim]")


@app.command()
def search(
    query: Optional[str] = typer.Argument(None, help="What to look for."),
    k: int = typer.Option(5, "-k", min=1, max=50, help="Number of paragraphs."),
    report: Optional[List[str]] = typer.Option(None, "--report", help="Only this report id (repeatable)."),
    kind: Optional[List[str]] = typer.Option(None, "--kind", help="Only this paragraph kind (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    jsonl: Optional[str] = typer.Option(None, "--jsonl", help="'-' to read one query per line from stdin and write JSON lines."),
):
    """Hybrid search over stored paragraphs."""
    service = _service()
    try:
        if jsonl is not None:
            if jsonl != "-":
                _fail("--jsonl takes '-' (read queries from standard input)", 2)
            for line in sys.stdin:
                line = line.strip()
                if not line:
                    continue
                results = service.search(line, k=k, report_ids=report, kinds=kind)
                sys.stdout.write(json.dumps({"query": line, "results": [r.to_dict() for r in results]}, ensure_ascii=False) + "\n")
                sys.stdout.flush()
            return
        if not query:
            _fail("give a query, or --jsonl - to read queries from standard input", 2)
        results = service.search(query, k=k, report_ids=report, kinds=kind)
    except ValueError as exc:
        _fail(str(exc), 2)
    if as_json:
        _print_json([r.to_dict() for r in results])
        return
    if not results:
        console.print("no paragraphs found (is anything ingested? `assistant reports`)")
    for rank, result in enumerate(results, start=1):
        console.print(f"[bold]{rank}. {result.id}[/bold] [dim]{result.kind} · {result.section} · {result.score:.4f}[/dim]")
        console.print(result.text if len(result.text) < 500 else result.text[:500] + "…", highlight=False)


@app.command("eval")
def evaluate(
    questions: Path = typer.Option(Path(__file__).resolve().parent.parent / "evals" / "data" / "retrieval_questions.jsonl",
                                   help="Questions with gold paragraph ids (JSON lines)."),
    baseline: bool = typer.Option(True, help="Also score the plain LangChain recipe."),
    as_json: Optional[Path] = typer.Option(None, "--json", help="Also write the figures to this file."),
):
    """Retrieval quality on the eval questions: recall@1/5/10 and MRR (and the plain baseline)."""
    from evals.retrieval_eval import print_table, run_retrieval_eval

    service = _service()
    figures = run_retrieval_eval(service, questions, with_baseline=baseline)
    print_table(figures, console)
    if as_json:
        as_json.write_text(json.dumps(figures, indent=2))


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
