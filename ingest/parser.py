"""Blocks of a CQC children's safeguarding report -> a Report and its cited Paragraphs.

Citation ids follow DESIGN.md: `{report_id}#{para}` where para is the printed number
("1.4", "5.3.18"), `rec:N.M` for recommendations, and `{section-slug}.{n}` for unnumbered
paragraphs (front matter uses `front`, "Context of the review" uses `context`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date

from ingest.errors import IngestError
from ingest.lines import Block, LoadedSource
from ingest.markup import clean_text, slugify
from ingest.models import Paragraph, ParsedReport, Report
from ingest.recommendation_links import link_recommendations

PARSER_VERSION = "1"

_TITLE = re.compile(
    r"^Review of health services for Children Looked After and Safeguarding in (?P<area>.+?)\s*$",
    re.IGNORECASE,
)
# Top-level unnumbered sections: heading (lower case, '&' as 'and') -> (slug, paragraph kind)
_TOP_SECTIONS = {
    "contents": ("contents", None),
    "summary of the review": ("summary-of-the-review", "summary"),
    "about the review": ("about-the-review", "summary"),
    "how we carried out the review": ("how-we-carried-out-the-review", "summary"),
    "context of the review": ("context", "context"),
    "the report": ("the-report", "summary"),
    "what people told us": ("what-people-told-us", "told-us"),
    "the child's journey": ("the-childs-journey", "summary"),
    "management": ("management", "summary"),
    "recommendations": ("recommendations", "recommendation"),
    "next steps": ("next-steps", "summary"),
}
_JOURNEY_SECTIONS = {"the-childs-journey", "management"}
_SECTION_HEADING = re.compile(r"^(?P<number>\d{1,2})\.\s+(?P<title>[A-Z][^.]{1,60})$")
_SUBSECTION_HEADING = re.compile(r"^(?P<number>\d{1,2}\.\d{1,2})\s+(?P<title>[A-Z][^.]{1,60})$")
_NUMBERED_PARAGRAPH = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,3}){1,2})\.?\s+(?P<text>\S.*)$", re.S)
_CASE_EXAMPLE = re.compile(r"^case example\b", re.IGNORECASE)
_POINTER_BLOCK = re.compile(r"^\(?\s*Recommendations?\s+\d+\.\d+", re.IGNORECASE)
_BULLET = re.compile(r"^[-\u2022]\s*")
_REC_HEADING = re.compile(r"^(?P<number>\d{1,2})\.\s+(?P<addressees>\D.*)$", re.S)
_REC_ITEM = re.compile(r"^(?P<number>\d{1,2}\.\d{1,2})\.?\s+(?P<text>\S.*)$", re.S)
_FRONT_FIELD = re.compile(r"^(?P<key>[^:\t]{2,90}?):\s*(?P<value>.*)$", re.S)
_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_DATE = re.compile(r"(\d{1,2})\s*(?:st|nd|rd|th)?\s+([A-Za-z]+)(?:\s+(\d{4}))?")


@dataclass
class _Section:
    slug: str
    kind: str | None
    path: str  # "The child's journey > 3. Child protection"
    journey: bool = False
    recommendations: bool = False


def heading_key(text: str) -> str:
    return clean_text(text).lower().replace("&", "and").replace("\u2019", "'").rstrip(":").strip()


def parse_dates(value: str) -> list[str]:
    """'23 rd July - 27 th July 2018' -> ['2018-07-23', '2018-07-27'] (a missing year is taken
    from the date after it)."""
    found = [(int(d), m.lower(), y) for d, m, y in _DATE.findall(value) if m.lower() in _MONTHS]
    result: list[str] = []
    year = None
    for day, month, y in reversed(found):
        year = int(y) if y else year
        if year is None:
            continue
        try:
            result.append(date(year, _MONTHS[month], day).isoformat())
        except ValueError:
            continue
    return list(reversed(result))


def split_names(value: str) -> list[str]:
    """Inspector names: comma-separated, or (as in the Sefton report) a run of 'First Last' pairs."""
    value = clean_text(value)
    if "," in value:
        return [name.strip() for name in value.split(",") if name.strip()]
    words = value.split()
    return [" ".join(words[i:i + 2]) for i in range(0, len(words), 2)]


class _ReportParser:
    def __init__(self, source: LoadedSource):
        self.source = source
        self.paragraphs: list[Paragraph] = []
        self.front_fields: dict[str, str] = {}
        self.counters: dict[str, int] = {}
        self.report_id = ""
        self.area = ""
        self.title = ""
        self.section: _Section | None = None
        self.case_example: str | None = None
        self.addressees: str | None = None
        self.rec_group: str | None = None

    # -- helpers --------------------------------------------------------------------------
    def _error(self, reason: str) -> IngestError:
        return IngestError(str(self.source.path), reason)

    def _add(self, block: Block, para: str, kind: str, section: str, text: str, **extra) -> Paragraph:
        paragraph = Paragraph(
            citation_id=f"{self.report_id}#{para}",
            report_id=self.report_id,
            para=para,
            kind=kind,
            section=section,
            text=clean_text(text),
            order=len(self.paragraphs),
            source_line=block.line,
            source_page=block.page,
            source_start=block.start,
            source_end=block.end,
            **extra,
        )
        self.paragraphs.append(paragraph)
        return paragraph

    def _add_unnumbered(self, block: Block, slug: str, kind: str, section: str) -> Paragraph:
        self.counters[slug] = self.counters.get(slug, 0) + 1
        return self._add(block, f"{slug}.{self.counters[slug]}", kind, section, _BULLET.sub("", block.text))

    def _extend_last(self, block: Block, separator: str) -> None:
        last = self.paragraphs[-1]
        last.text = clean_text(last.text + separator + block.text)
        last.source_end = block.end

    # -- the walk -------------------------------------------------------------------------
    def parse(self) -> ParsedReport:
        first = self.source.first_blocks(5)  # is this a report at all? decided before the rest is read
        if not first:
            raise self._error("no text found")
        title_index = next(
            (i for i, b in enumerate(first) if len(b.text) < 1000 and _TITLE.match(clean_text(b.text))), None
        )
        if title_index is None:
            raise self._error(
                "not a CQC children's safeguarding report: the first lines have no title "
                "'Review of health services for Children Looked After and Safeguarding in <area>'"
            )
        blocks = self.source.blocks()
        title_block = blocks[title_index]
        self.title = clean_text(title_block.text)
        self.area = _TITLE.match(self.title).group("area")
        front_blocks, body_blocks = self._split_front_matter(blocks[title_index:])
        self._read_front_fields(front_blocks)
        review_dates = parse_dates(self.front_fields.get("date of review", ""))
        year = (review_dates[0][:4] if review_dates else None) or self._year_from_publication()
        if not year:
            raise self._error("front matter has no 'Date of review' with a year, so no report id can be made")
        self.report_id = f"{slugify(self.area)}-{year}"

        for block in front_blocks:
            self._add_unnumbered(block, "front", "front", "Front matter")
        for block in body_blocks:
            self._take(block)

        findings = [p for p in self.paragraphs if p.kind == "finding" and p.number]
        recommendations = [p for p in self.paragraphs if p.kind == "recommendation"]
        if not findings:
            raise self._error("no numbered findings (paragraphs like '1.4 ...') were found; is this a full report?")
        warnings = link_recommendations(self.paragraphs)

        published = parse_dates(self.front_fields.get("date of publication", ""))
        report = Report(
            report_id=self.report_id,
            title=self.title,
            area=self.area,
            review_start=review_dates[0] if review_dates else None,
            review_end=review_dates[-1] if review_dates else None,
            published=published[0] if published else None,
            inspectors=split_names(self.front_fields.get("name(s) of cqc inspector", "")),
            provider_services=clean_text(self.front_fields.get("provider services included", "")),
            ccgs=clean_text(self.front_fields.get("ccgs included", "")),
            nhs_england_area=clean_text(self.front_fields.get("nhs england area", "")),
            cqc_region=clean_text(self.front_fields.get("cqc region", "")),
            source_file=str(self.source.path),
            source_sha256=self.source.sha256,
            source_format=self.source.format,
            counts={
                "findings": len(findings),
                "recommendations": len(recommendations),
                "paragraphs": len(self.paragraphs),
            },
            warnings=warnings,
        )
        report.content_hash = content_hash(report, self.paragraphs)
        return ParsedReport(report, self.paragraphs)

    def _year_from_publication(self) -> str | None:
        dates = parse_dates(self.front_fields.get("date of publication", ""))
        return dates[0][:4] if dates else None

    def _split_front_matter(self, blocks: list[Block]) -> tuple[list[Block], list[Block]]:
        for index, block in enumerate(blocks):
            if heading_key(block.text) in _TOP_SECTIONS:
                return blocks[:index], blocks[index:]
        raise self._error("no section headings ('Summary of the review', 'The child's journey', ...) found")

    def _read_front_fields(self, blocks: list[Block]) -> None:
        for block in blocks:
            match = _FRONT_FIELD.match(block.text.replace("\t", " "))
            if match:
                self.front_fields[heading_key(match.group("key"))] = match.group("value").strip()

    def _take(self, block: Block) -> None:
        text = clean_text(block.text)
        key = heading_key(text)
        if key in _TOP_SECTIONS:
            slug, kind = _TOP_SECTIONS[key]
            self.section = _Section(slug, kind, text, journey=slug in _JOURNEY_SECTIONS,
                                    recommendations=slug == "recommendations")
            self.case_example = None
            return
        section = self.section
        if section is None or section.slug == "contents":
            return
        if section.recommendations:
            self._take_recommendation(block, text)
        elif section.journey:
            self._take_journey(block, text)
        else:
            self._add_unnumbered(block, section.slug, section.kind, section.path)

    def _take_journey(self, block: Block, text: str) -> None:
        section = self.section
        top = section.path.split(" > ")[0]
        heading = _SECTION_HEADING.match(text)
        if heading and not _NUMBERED_PARAGRAPH.match(text):
            self._enter_subsection(f"{top} > {text}", heading.group("title"))
            return
        subheading = _SUBSECTION_HEADING.match(text)
        if subheading and len(text.split()) <= 8 and section.slug != "the-childs-journey":
            self._enter_subsection(f"{top} > {text}", subheading.group("title"))
            return
        if _POINTER_BLOCK.match(text) and self.paragraphs and self.paragraphs[-1].kind != "front":
            self._extend_last(block, " ")  # a pointer line belongs to the paragraph before it
            return
        numbered = _NUMBERED_PARAGRAPH.match(text)
        if numbered:
            self.case_example = None
            self._add(block, numbered.group("number"), "finding", section.path,
                      numbered.group("text"), number=numbered.group("number"))
            return
        if _CASE_EXAMPLE.match(text) and len(text) <= 120:
            self.case_example = text
            return
        if self.case_example is not None:
            self._add_unnumbered(block, section.slug, "case-example", f"{section.path} > {self.case_example}")
            return
        last = self.paragraphs[-1] if self.paragraphs else None
        if last is not None and last.kind == "finding" and last.number and last.section == section.path:
            self._extend_last(block, "\n\n")  # a finding that runs over several paragraphs
            return
        self._add_unnumbered(block, section.slug, "summary" if section.slug in _JOURNEY_SECTIONS else "finding",
                             section.path)

    def _enter_subsection(self, path: str, title: str) -> None:
        self.section = _Section(slugify(title), "finding", path, journey=True)
        self.case_example = None

    def _take_recommendation(self, block: Block, text: str) -> None:
        body = _BULLET.sub("", text)
        item = _REC_ITEM.match(body)
        if item:
            number = item.group("number")
            self._add(block, f"rec:{number}", "recommendation",
                      f"Recommendations > {self.rec_group or number.split('.')[0] + '.'}",
                      item.group("text"), number=number, addressees=self.addressees)
            return
        heading = _REC_HEADING.match(body)
        if heading:
            addressees = clean_text(heading.group("addressees"))
            addressees = re.sub(r"\s*should:?\s*$", "", addressees).rstrip(":").strip()
            self.addressees = addressees
            self.rec_group = f"{heading.group('number')}. {addressees}"
            return
        last = self.paragraphs[-1] if self.paragraphs else None
        if last is not None and last.kind == "recommendation":
            self._extend_last(block, "\n\n")
        else:
            self._add_unnumbered(block, "recommendations", "summary", "Recommendations")


def content_hash(report: Report, paragraphs: list[Paragraph]) -> str:
    """Fingerprint of what gets stored: equal for a text file and the PDF of the same report."""
    payload = {
        "parser": PARSER_VERSION,
        "report": {k: v for k, v in report.to_dict().items()
                   if k not in {"source_file", "source_sha256", "source_format", "content_hash"}},
        "paragraphs": [
            [p.citation_id, p.kind, p.section, p.text, p.recommendations, p.addressees] for p in paragraphs
        ],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def parse_report(source: LoadedSource) -> ParsedReport:
    """Parse a loaded source into a report and its paragraphs. Raises IngestError."""
    return _ReportParser(source).parse()
