"""What `assistant serve` runs: the HTTP API with the staff UI mounted at /ui.

The one place where the two adapters meet; uvicorn's worker processes import
`create_served_app` by name (`assistant serve --workers N`).
"""

from __future__ import annotations

from fastapi import FastAPI

from assistant.api import create_app
from assistant.service import ReportService
from assistant.settings import Settings
from ui.app import mount_ui


def create_served_app(service: ReportService | None = None, settings: Settings | None = None) -> FastAPI:
    """The API app (built from settings when no service is given) with the UI at /ui."""
    app = create_app(service, settings)
    return mount_ui(app, app.state.service)
