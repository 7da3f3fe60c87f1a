"""What `assistant serve` runs: the HTTP API with the staff UI mounted at /ui.

The one place where the two adapters meet; uvicorn's worker processes import
`create_served_app` by name (`assistant serve --workers N`).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

from assistant.api import create_app
from assistant.api.limits import client_address
from assistant.api.problems import problem
from assistant.service import ReportService
from assistant.settings import Settings
from ui.app import mount_ui


def create_served_app(service: ReportService | None = None, settings: Settings | None = None) -> FastAPI:
    """The API app (built from settings when no service is given) with the UI at /ui (and `/`
    redirecting there); wrong UI passwords count against the same per-address backoff as wrong
    API keys."""
    app = create_app(service, settings)
    backoff = app.state.auth_backoff

    @app.middleware("http")
    async def slow_down_password_guessing(request: Request, call_next):
        if request.method != "POST" or not request.url.path.rstrip("/").endswith("/ui/login"):
            return await call_next(request)
        client = client_address(request)
        wait = backoff.retry_after(client)
        if wait:
            return problem(429, "Too many failed logins", f"too many wrong passwords; try again in {wait} s",
                           {"Retry-After": str(wait)})
        response = await call_next(request)
        if response.status_code in (400, 401):
            backoff.failed(client)
        elif response.status_code < 400:
            backoff.succeeded(client)
        return response

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        """People who open the server's address land on the staff UI."""
        return RedirectResponse("/ui/", status_code=307)

    return mount_ui(app, app.state.service)
