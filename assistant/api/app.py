"""The FastAPI app: a thin adapter over the same ReportService the CLI uses."""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, File, Query, Request, UploadFile
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response, StreamingResponse

from assistant.access import key_matches
from assistant.answers.comparing import column_dict, report_row
from assistant.answers.comparison_exports import EXPORT_FORMATS, export_comparison
from assistant.api.jobs import IngestJobs
from assistant.api.models import (AskRequest, ChatCompletionRequest, CompareRequest, DraftRequest, FeedbackRequest,
                                  RecurringRequest, RenameRequest, SearchRequest)
from assistant.api.openai_compat import MODEL_ID, completion, models_list, question_and_history, streamed_chunks
from assistant.api.limits import BodyLimit, FailureBackoff, client_address
from assistant.api.problems import ApiProblem, install_problem_handlers, presented_key, problem
from assistant.conversations import conversation_docx, conversation_markdown, title_from
from assistant.errors import SERVICE_ERRORS, http_status
from assistant.feedback import as_jsonl, eval_cases
from assistant.service import ReportService, build_service
from assistant.settings import Settings

UPLOAD_TYPES = {".txt": "text", ".md": "text", ".pdf": "pdf"}
WARM_UP_RETRY_SECONDS = 2.0
log = logging.getLogger(__name__)
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def create_app(service: ReportService | None = None, settings: Settings | None = None) -> FastAPI:
    """The HTTP API over one service (built from settings when not given). `assistant serve`
    mounts the staff UI on it (assistant/serving.py); this factory never imports the UI."""
    service = service or build_service(settings or Settings())
    settings = service.settings
    jobs = IngestJobs(service, settings.api.jobs_kept)
    ready, stopping = threading.Event(), threading.Event()
    warm_up_error: list[str] = []  # the last reason warm-up failed, for /readyz

    def warm_up() -> None:
        # Load the embedding model and the lexical index before the first query needs them;
        # while the store is unreachable, try again (/readyz says why it is not ready).
        while True:
            try:
                service.embedder()
                service.retriever.corpus()
                ready.set()
                return
            except Exception as exc:  # noqa: BLE001
                warm_up_error[:] = [f"{type(exc).__name__}: {exc}"]
                log.warning("warm-up failed, retrying in %.0f s: %s", WARM_UP_RETRY_SECONDS, exc)
                if stopping.wait(WARM_UP_RETRY_SECONDS):
                    return

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
        yield
        stopping.set()
        jobs.shutdown()

    app = FastAPI(
        title="Report Assistant API",
        version="1.0.0",
        description="Cited answers and draft findings over CQC children's safeguarding inspection reports. "
                    "Every citation id (`sefton-2018#1.3`) resolves to one stored paragraph.",
        lifespan=lifespan,
    )
    app.state.service, app.state.jobs = service, jobs
    install_problem_handlers(app)
    if settings.api.origins():
        app.add_middleware(CORSMiddleware, allow_origins=settings.api.origins(), allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"])

    upload_limit = settings.api.max_upload_bytes * settings.api.max_upload_files + 1_000_000
    app.add_middleware(BodyLimit, json_limit=settings.api.max_json_bytes, upload_limit=upload_limit)

    keys = settings.api.keys()
    backoff = FailureBackoff(settings.api.auth_failures_allowed, settings.api.auth_backoff_seconds)
    app.state.auth_backoff = backoff  # the UI login (assistant/serving.py) counts its failures here too

    def require_key(request: Request) -> None:
        if not keys:
            return
        client = client_address(request)
        wait = backoff.retry_after(client)
        if wait:
            raise ApiProblem(429, "Too many failed keys", f"{client} sent too many wrong keys; try again in {wait} s",
                             {"Retry-After": str(wait)})
        if not key_matches(presented_key(request), keys):
            backoff.failed(client)
            raise ApiProblem(401, "Unauthorized", "send a valid API key as `Authorization: Bearer KEY` or `X-API-Key: KEY`",
                             {"WWW-Authenticate": "Bearer"})
        backoff.succeeded(client)

    admin_keys = settings.api.admin()

    def require_admin(request: Request) -> None:
        """Uploads, deletes and rollbacks: with keys set, only an admin key (after require_key)."""
        if keys and not key_matches(presented_key(request), admin_keys):
            detail = ("this route changes the stored reports and needs an admin key (ASSISTANT_ADMIN_KEYS)"
                      if admin_keys else "no admin keys are set (ASSISTANT_ADMIN_KEYS), so reports cannot be "
                      "changed through the API while API keys are on")
            raise ApiProblem(403, "Forbidden", detail)

    # -- health (no key) ---------------------------------------------------------------------
    @app.get("/healthz", tags=["health"], summary="The process is up")
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"], summary="Store reachable and models loaded",
             responses={503: {"description": "Not ready yet"}})
    def readyz():
        try:
            reports = len(service.store.active_versions())
        except Exception as exc:  # noqa: BLE001
            return problem(503, "Not ready", f"the store is unreachable: {exc}")
        if not ready.is_set():
            reason = f" (last attempt: {warm_up_error[0]})" if warm_up_error else ""
            return problem(503, "Not ready", f"the embedding model and the index are still loading{reason}")
        return {"status": "ready", "reports": reports}

    api = APIRouter(prefix="/v1", dependencies=[Depends(require_key)],
                    responses={401: {"description": "Missing or wrong API key"},
                               422: {"description": "Invalid input (problem details)"}})

    # -- ask, draft, search --------------------------------------------------------------------
    def owner(request: Request) -> str:
        """Whose conversations: one owner per API key (never the key itself), "local" without keys."""
        key = presented_key(request) if keys else None
        return f"key:{hashlib.sha256(key.encode()).hexdigest()[:16]}" if key else "local"

    @api.post("/ask", tags=["answers"], summary="Answer a question with verified citations")
    def ask(body: AskRequest, request: Request) -> dict:
        filters = body.filters.to_core() if body.filters else None
        history = [m.model_dump() for m in body.history]
        if body.conversation_id is None:
            return service.ask(body.question, history, filters, body.engine, body.k).to_dict()
        if history:
            raise ApiProblem(422, "Invalid input", "give either history or conversation_id: a stored conversation's "
                             "turns are its history")
        conversations, who = service.conversations, owner(request)
        stored = None if body.conversation_id == "new" else conversations.get(who, body.conversation_id)
        answer = service.ask(body.question, conversations.history(stored) if stored else [], filters, body.engine,
                             body.k).to_dict()
        conversation_id = stored["id"] if stored else conversations.create(who, title_from(body.question))["id"]
        conversations.add_turn(who, conversation_id, body.question, answer["answer"], answer["answer"],
                               answer["citations"])
        return answer | {"conversation_id": conversation_id}

    @api.post("/ask/stream", tags=["answers"], summary="Server-sent events: token..., citations, done",
              response_class=StreamingResponse,
              responses={200: {"content": {"text/event-stream": {}},
                               "description": "`event: token` {text}; `event: citations` (the /v1/ask JSON); "
                                              "`event: done`; `event: error` (problem details)"}})
    def ask_stream(body: AskRequest):
        events = service.ask_stream(body.question, [m.model_dump() for m in body.history],
                                    body.filters.to_core() if body.filters else None, body.engine, body.k)
        first = next(events)  # bad input raises here, before the 200 is sent

        def stream():
            try:
                for kind, value in _chain(first, events):
                    if kind == "token":
                        yield _sse("token", {"text": value})
                    else:
                        yield _sse("citations", value.to_dict())
                yield _sse("done", {})
            except SERVICE_ERRORS as exc:
                status, title = http_status(exc)
                yield _sse("error", {"type": "about:blank", "title": title, "status": status, "detail": str(exc)})

        return StreamingResponse(stream(), media_type="text/event-stream", headers=SSE_HEADERS)

    @api.post("/draft", tags=["drafts"], summary="Draft a finding with cited precedents")
    def draft(body: DraftRequest) -> dict:
        return service.draft(body.observation, body.area, body.provider, body.exclude_report, body.engine).to_dict()

    @api.post("/compare", tags=["compare"], summary="Compare areas on themes: a cited matrix and summaries")
    def compare(body: CompareRequest) -> dict:
        return service.compare(body.themes, body.report_ids, body.engine).to_dict()

    @api.post("/compare/stream", tags=["compare"], summary="Server-sent events: reports, then a column per theme",
              response_class=StreamingResponse,
              responses={200: {"content": {"text/event-stream": {}},
                               "description": "`event: reports` [rows]; `event: column` (one theme, as in "
                                              "/v1/compare); `event: done` {engine, notice}; `event: error` "
                                              "(problem details)"}})
    def compare_stream(body: CompareRequest):
        judges, columns = service.compare_stream(body.themes, body.report_ids, body.engine)
        rows = {r["report_id"]: r for r in service.comparer.rows(body.report_ids)}  # bad input raises before the 200
        paragraphs = service.retriever.corpus().paragraphs

        def stream():
            yield _sse("reports", [report_row(r) for r in rows.values()])
            written = False
            try:
                for column in columns:
                    written = written or any(cell.written_by != "extractive" for cell in column.cells)
                    yield _sse("column", column_dict(column, rows, paragraphs))
                yield _sse("done", {"engine": judges.name if written else "extractive", "notice": judges.notice})
            except SERVICE_ERRORS as exc:
                status, title = http_status(exc)
                yield _sse("error", {"type": "about:blank", "title": title, "status": status, "detail": str(exc)})

        return StreamingResponse(stream(), media_type="text/event-stream", headers=SSE_HEADERS)

    @api.post("/compare/export", tags=["compare"], summary="The comparison as a .csv, .xlsx or .docx file",
              response_class=Response)
    def compare_export(body: CompareRequest, format: str = Query("xlsx", pattern="^(csv|xlsx|docx)$")) -> Response:
        content = export_comparison(service.compare(body.themes, body.report_ids, body.engine).to_dict(), format)
        return Response(content, media_type=EXPORT_FORMATS[format],
                        headers={"Content-Disposition": f'attachment; filename="comparison.{format}"'})

    @api.post("/recurring", tags=["compare"], summary="Findings that recur across reports, with what each was told")
    def recurring(body: RecurringRequest) -> list[dict]:
        paragraphs = service.retriever.corpus().paragraphs
        return [group.to_dict(paragraphs) for group in service.recurring(body.text, body.report_ids)]

    @api.post("/search", tags=["search"], summary="Hybrid search over stored paragraphs")
    def search(body: SearchRequest) -> list[dict]:
        try:
            results = service.search(body.query, body.k, body.report_ids, body.kinds)
        except ValueError as exc:
            raise ApiProblem(422, "Invalid input", str(exc)) from None
        return [r.to_dict() for r in results]

    # -- conversations ---------------------------------------------------------------------------
    missing = {404: {"description": "No such conversation (of this key)"}}

    @api.get("/conversations", tags=["conversations"], summary="This key's stored conversations, latest first")
    def conversations(request: Request) -> list[dict]:
        return service.conversations.list_for(owner(request))

    @api.get("/conversations/{conversation_id}", tags=["conversations"], responses=missing)
    def conversation(conversation_id: str, request: Request) -> dict:
        return service.conversations.get(owner(request), conversation_id)

    @api.patch("/conversations/{conversation_id}", tags=["conversations"], responses=missing)
    def rename_conversation(conversation_id: str, body: RenameRequest, request: Request) -> dict:
        return service.conversations.rename(owner(request), conversation_id, body.title)

    @api.delete("/conversations/{conversation_id}", tags=["conversations"], responses=missing)
    def delete_conversation(conversation_id: str, request: Request) -> dict:
        service.conversations.delete(owner(request), conversation_id)
        return {"deleted": conversation_id}

    @api.get("/conversations/{conversation_id}/export", tags=["conversations"], response_class=Response,
             responses=missing | {200: {"content": {"text/markdown": {}, DOCX: {}},
                                        "description": "The conversation with its references"}})
    def export_conversation(conversation_id: str, request: Request,
                            format: str = Query("md", pattern="^(md|docx)$")) -> Response:
        stored = service.conversations.get(owner(request), conversation_id)
        filename = f"conversation-{conversation_id}.{format}"
        headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
        if format == "md":
            return Response(conversation_markdown(stored), media_type="text/markdown; charset=utf-8", headers=headers)
        with tempfile.TemporaryDirectory() as folder:
            content = conversation_docx(stored, Path(folder) / filename).read_bytes()
        return Response(content, media_type=DOCX, headers=headers)

    # -- feedback --------------------------------------------------------------------------------
    @api.post("/feedback", tags=["feedback"], status_code=201, summary="Mark an answer or one of its citations")
    def give_feedback(body: FeedbackRequest, request: Request) -> dict:
        return service.feedback.add(owner(request), body.question, body.answer, body.verdict, body.citation_id,
                                    body.note, body.conversation_id)

    admin_route = {"dependencies": [Depends(require_admin)], "responses": {403: {"description": "Needs an admin key"}}}

    @api.get("/feedback", tags=["feedback"], summary="Every verdict, newest first (admin)", **admin_route)
    def list_feedback() -> list[dict]:
        return service.feedback.list_all()

    @api.get("/feedback/eval-cases", tags=["feedback"], response_class=Response, **admin_route,
             summary="Feedback as eval questions, one JSON line each (`assistant eval --questions FILE`)")
    def feedback_eval_cases() -> Response:
        cases, to_review = eval_cases(service.feedback.list_all())
        return Response(as_jsonl(cases), media_type="application/x-ndjson",
                        headers={"X-Questions-Without-Gold": str(len(to_review)),
                                 "Content-Disposition": 'attachment; filename="feedback-eval-cases.jsonl"'})

    # -- reports, jobs, paragraphs -------------------------------------------------------------
    @api.get("/reports", tags=["reports"], summary="Stored reports with metadata and counts")
    def reports() -> list[dict]:
        return service.reports()

    @api.get("/reports/{report_id}", tags=["reports"], responses={404: {"description": "No such report"}})
    def report(report_id: str) -> dict:
        return service.report(report_id)

    admin_only = {"dependencies": [Depends(require_admin)],
                  "responses": {403: {"description": "Needs an admin key"}, 404: {"description": "No such report"}}}

    @api.delete("/reports/{report_id}", tags=["reports"], summary="Delete a report and every kept version",
                **admin_only)
    def delete_report(report_id: str) -> dict:
        service.report(report_id)  # 404 when absent
        service.delete_report(report_id)
        return {"deleted": report_id}

    @api.post("/reports/{report_id}/rollback", tags=["reports"], **admin_only,
              summary="Make the previous kept version (or ?version=) of a report active again")
    def rollback_report(report_id: str, version: str | None = Query(None, max_length=64)) -> dict:
        return service.rollback_report(report_id, version)

    @api.post("/reports", tags=["reports"], status_code=202, dependencies=[Depends(require_admin)],
              summary="Upload report files (.txt, .md, .pdf); ingested in the background",
              responses={403: {"description": "Needs an admin key"},
                         413: {"description": "Too many or too large files"},
                         415: {"description": "Not a .txt, .md or .pdf report"}})
    async def upload(files: list[UploadFile] = File(..., description="Report files"),
                     replace: bool = Query(False, description="Allow a replacement that removes more than "
                                           "ASSISTANT_INGEST__MAX_LOSS_SHARE of a stored report's paragraphs")) -> dict:
        if len(files) > settings.api.max_upload_files:
            raise ApiProblem(413, "Too many files", f"{len(files)} files; the limit is {settings.api.max_upload_files}")
        uploads = []
        for upload_file in files:
            name = Path(upload_file.filename or "upload").name
            suffix = Path(name).suffix.lower()
            if suffix not in UPLOAD_TYPES:
                raise ApiProblem(415, "Unsupported file type", f"{name}: only .txt, .md and .pdf reports are accepted")
            content = await upload_file.read(settings.api.max_upload_bytes + 1)
            if len(content) > settings.api.max_upload_bytes:
                raise ApiProblem(413, "File too large", f"{name} is over the limit of {settings.api.max_upload_bytes:,} bytes")
            if UPLOAD_TYPES[suffix] == "pdf" and not content.startswith(b"%PDF"):
                raise ApiProblem(415, "Unsupported file type", f"{name} is named .pdf but is not a PDF")
            uploads.append((name, content, suffix))
        job = jobs.submit(uploads, replace=replace)
        return {"job_id": job.id, "status": job.status, "files": job.files}

    @api.get("/jobs/{job_id}", tags=["reports"], summary="Status and progress of an ingest job",
             responses={404: {"description": "No such job"}})
    def job(job_id: str) -> dict:
        found = jobs.get(job_id)
        if found is None:
            raise ApiProblem(404, "Not found", f"no ingest job {job_id!r}")
        return found.to_dict()

    @api.get("/paragraphs/{citation_id:path}", tags=["reports"], summary="One paragraph by citation id (URL-encoded)",
             responses={404: {"description": "No such paragraph"}})
    def paragraph(citation_id: str) -> dict:
        return service.paragraph(citation_id).to_dict()

    # -- OpenAI-compatible -------------------------------------------------------------------
    @api.get("/models", tags=["openai-compatible"])
    def models() -> dict:
        return models_list()

    @api.post("/chat/completions", tags=["openai-compatible"],
              summary="OpenAI-compatible chat: citations as numbered footnotes and a `citations` field",
              responses={200: {"content": {"text/event-stream": {}}}, 404: {"description": "Unknown model"}})
    def chat_completions(body: ChatCompletionRequest):
        if body.model != MODEL_ID:
            raise ApiProblem(404, "Model not found", f"model {body.model!r} does not exist; use {MODEL_ID!r}")
        question, history = question_and_history(body.messages)
        if body.stream:
            events = service.ask_stream(question, history)
            first = next(events)  # bad input raises here, before the 200 is sent
            return StreamingResponse(streamed_chunks(_chain(first, events), body.model),
                                     media_type="text/event-stream", headers=SSE_HEADERS)
        return JSONResponse(completion(service.ask(question, history).to_dict(), body.model))

    app.include_router(api)
    return app


def _chain(first, rest):
    yield first
    yield from rest


def _sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
