"""PDF reports -> hard source lines, so that a PDF parses to the same paragraphs as its text.

pypdf gives positioned text runs. From them we rebuild what the author wrote:
- repeated page headers and footers (and bare page numbers) are dropped;
- a vertical gap clearly wider than the line pitch is a blank line (paragraph break);
- inside a block, a line ends with a hard break only when the next line's first word would
  have fitted on it (browsers and typesetters wrap only words that do not fit);
- across a page break the same test decides whether the paragraph goes on.
"""

from __future__ import annotations

import io
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import IngestError
from ingest.font_metrics import text_width
from ingest.lines import FRONT_KEY, LoadedSource, SourceLine, sha256_of

_PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d+\s*(?:(?:of|/)\s*\d+)?\s*$", re.IGNORECASE)
_MIN_TEXT_CHARS = 200
# Lines that certainly open a new unit in the source even when the line before them ends at
# the margin: a bulleted or dotted number ("- 10.6 Work", "5.3.4 The named") or a front-matter key.
_STRONG_NEW_UNIT = re.compile(
    r"^(?:[-\u2022]\s+\d{1,2}(?:\.\d{1,2})*\.?|\d{1,2}(?:\.\d{1,3}){1,2})\s+[A-Z]"
)


@dataclass
class _Run:
    x: float
    text: str
    bold: bool
    size: float


@dataclass
class _PdfLine:
    page: int
    y: float
    runs: list[_Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(run.text for run in sorted(self.runs, key=lambda r: r.x))).strip()

    @property
    def left(self) -> float:
        return min(run.x for run in self.runs)

    @property
    def right(self) -> float:
        last = max(self.runs, key=lambda r: r.x)
        return last.x + text_width(last.text.rstrip(), last.bold) * last.size

    @property
    def size(self) -> float:
        return max(run.size for run in self.runs)


def _page_lines(page, page_number: int) -> list[_PdfLine]:
    lines: dict[float, _PdfLine] = {}

    def visit(text, cm, tm, font_dict, font_size):
        text = text.replace("\n", " ")
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
        font_name = str((font_dict or {}).get("/BaseFont", ""))
        key = round(y * 2) / 2
        for existing in lines:
            if abs(existing - y) <= 1.0:
                key = existing
                break
        line = lines.setdefault(key, _PdfLine(page_number, key))
        line.runs.append(_Run(x, text, "Bold" in font_name, font_size * (scale or 1.0)))

    page.extract_text(visitor_text=visit)
    return sorted(lines.values(), key=lambda line: -line.y)


def _drop_headers_and_footers(pages: list[list[_PdfLine]]) -> list[list[_PdfLine]]:
    """Lines that repeat (digits aside) at the top or bottom of most pages are furniture."""
    def shape(line: _PdfLine) -> str:
        return re.sub(r"\d+", "#", line.text)

    counts: dict[str, int] = {}
    for lines in pages:
        for candidate in {shape(line) for line in lines[:2] + lines[-2:]}:
            counts[candidate] = counts.get(candidate, 0) + 1
    threshold = max(2, len(pages) // 2)
    furniture = {text for text, count in counts.items() if count >= threshold and len(pages) >= 2}
    cleaned = []
    for lines in pages:
        edges = set(map(id, lines[:2] + lines[-2:]))
        cleaned.append([
            line for line in lines
            if not (id(line) in edges and (shape(line) in furniture or _PAGE_NUMBER.match(line.text)))
        ])
    return cleaned


def _first_word(text: str) -> str:
    """The shortest piece a line breaker could have kept on the line before: up to the first
    space, or up to and including a hyphen inside a word."""
    word = text.split(" ", 1)[0]
    match = re.match(r"[^-]+-", word)
    return match.group(0) if match and len(match.group(0)) < len(word) else word


def _join_wrapped(previous: str, following: str) -> str:
    if re.search(r"[A-Za-z]-$", previous) and re.match(r"[A-Za-z]", following):
        return previous + following  # the line broke at a hyphen inside a compound word
    return f"{previous} {following}"


def load_pdf(path: Path, data: bytes) -> LoadedSource:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError(str(path), "encrypted PDF; save an unencrypted copy and ingest that")
        pages = [_page_lines(page, number) for number, page in enumerate(reader.pages, start=1)]
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        raise IngestError(str(path), f"unreadable PDF ({type(exc).__name__}: {exc})") from None

    pages = _drop_headers_and_footers(pages)
    body = [line for lines in pages for line in lines if line.text]
    if sum(len(line.text) for line in body) < _MIN_TEXT_CHARS:
        raise IngestError(
            str(path), "PDF has no text layer (scanned images?); run OCR on it or ingest the text version"
        )

    gaps = [a.y - b.y for lines in pages for a, b in zip(lines, lines[1:]) if 0 < a.y - b.y < 3 * a.size]
    pitch = statistics.median(gaps) if gaps else 12.0
    right_margin = max(line.right for line in body)

    def fits_on(previous: _PdfLine, following: _PdfLine, slack: float) -> bool:
        """Would the next line's first word have fitted at the end of the previous line?"""
        room = right_margin * (1 + slack) - previous.right
        # Half a point of margin: a word that only just fits by our estimate was wrapped.
        return text_width(" " + _first_word(following.text)) * following.size <= room - 0.5

    def opens_unit(line: _PdfLine) -> bool:
        return bool(_STRONG_NEW_UNIT.match(line.text) or FRONT_KEY.match(line.text))

    hard_lines: list[tuple[str, int]] = []  # ("" = blank line, page)
    current: str | None = None
    current_page = 1
    previous: _PdfLine | None = None
    for lines in pages:
        for index, line in enumerate(lines):
            if previous is None:
                current, current_page = line.text, line.page
                previous = line
                continue
            if index == 0:
                # A page break: no gap to read. The paragraph ended if the next word would have
                # fitted, or if the next line opens a unit.
                ended = fits_on(previous, line, 0.0) or opens_unit(line)
                breaks = ["", ""] if ended else None
            elif previous.y - line.y > 1.35 * pitch:
                breaks = ["", ""]
            elif opens_unit(line) or (fits_on(previous, line, 0.0) and not re.search(r"[A-Za-z]-$", previous.text)):
                # A hard line break. Only matters for lines that open a unit (bullets, numbers,
                # keys): other hard lines are joined with a space by the block builder anyway.
                breaks = [""]
            else:
                breaks = None
            if breaks is None:
                current = _join_wrapped(current, line.text)
            else:
                hard_lines.append((current, current_page))
                if len(breaks) == 2:
                    hard_lines.append(("", line.page))
                current, current_page = line.text, line.page
            previous = line
    if current is not None:
        hard_lines.append((current, current_page))

    source_lines: list[SourceLine] = []
    offset = 0
    parts: list[str] = []
    for text, page in hard_lines:
        source_lines.append(SourceLine(text, offset, offset + len(text), page=page))
        parts.append(text)
        offset += len(text) + 1
    return LoadedSource(path, "pdf", "\n".join(parts), source_lines, sha256_of(data))
