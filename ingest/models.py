"""The records ingest produces: one Report and its Paragraphs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

PARAGRAPH_KINDS = (
    "front",
    "summary",
    "context",
    "told-us",
    "finding",
    "case-example",
    "recommendation",
)


@dataclass
class Report:
    report_id: str
    title: str
    area: str
    review_start: str | None  # ISO dates
    review_end: str | None
    published: str | None
    inspectors: list[str]
    provider_services: str
    ccgs: str
    nhs_england_area: str
    cqc_region: str
    source_file: str
    source_sha256: str
    source_format: str  # "text" | "pdf"
    content_hash: str = ""  # hash of the parsed paragraphs: the idempotency key
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Paragraph:
    citation_id: str  # "{report_id}#{para}"
    report_id: str
    para: str  # "1.4", "5.3.18", "rec:3.13", "context.2"
    kind: str  # one of PARAGRAPH_KINDS
    section: str  # "The child's journey > 3. Child protection"
    text: str  # source text with formatting marks removed
    number: str | None = None  # the printed number ("1.4", "3.13") or None
    recommendations: list[str] = field(default_factory=list)  # citation ids it points to
    unresolved_recommendations: list[str] = field(default_factory=list)  # pointers with no target
    pointed_by: list[str] = field(default_factory=list)  # for recommendations: findings pointing here
    addressees: str | None = None  # for recommendations
    order: int = 0  # position among the report's paragraphs
    source_line: int | None = None  # first line (text sources)
    source_page: int | None = None  # first page (PDF sources)
    source_start: int = 0  # character offsets in the loaded source text
    source_end: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ParsedReport:
    report: Report
    paragraphs: list[Paragraph]

    def paragraph(self, para: str) -> Paragraph:
        for paragraph in self.paragraphs:
            if paragraph.para == para:
                return paragraph
        raise KeyError(para)
