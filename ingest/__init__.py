"""Report files in, Report and Paragraph records out."""

from ingest.models import Paragraph, ParsedReport, Report  # noqa: F401
