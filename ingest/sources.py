"""Load a report file into hard lines, then into blocks (paragraph-sized pieces of source).

Text and PDF sources both become a list of SourceLine (a line as the author wrote it, with
blank lines kept); from there one block builder serves both, so a PDF gives the same
paragraphs as the text file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import IngestError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES

# A line that starts a new block even without a blank line before it.
_NEW_UNIT = re.compile(
    r"^(?:[-\u2022]\s"  # a bullet
    r"|\d{1,2}\.(?:\d{1,3}(?:\.\d{1,3})?)?\s"  # "1. Early help", "1.4 ...", "5.3.18 ...", "- 3.13 ..."
    r"|[^:\t]{2,80}:\t)"  # a front-matter "Key:<tab>value" line
)
FRONT_MATTER_KEYS = (
    "Date of review",
    "Date of publication",
    "Name(s) of CQC inspector",
    "Provider services included",
    "CCGs included",
    "NHS England area",
    "CQC region",
    "CQC Deputy Chief Inspector",
)
FRONT_KEY = re.compile(r"^(?:" + "|".join(re.escape(k) for k in FRONT_MATTER_KEYS) + r")[^:]*:\s")


@dataclass
class SourceLine:
    text: str  # "" for a blank line
    start: int  # offsets in LoadedSource.text
    end: int
    line: int | None = None
    page: int | None = None


@dataclass
class Block:
    text: str
    start: int
    end: int
    line: int | None = None
    page: int | None = None


@dataclass
class LoadedSource:
    path: Path
    format: str  # "text" | "pdf"
    text: str
    lines: list[SourceLine]
    sha256: str

    def blocks(self) -> list[Block]:
        return build_blocks(self.lines)


def starts_new_unit(line: str) -> bool:
    stripped = line.strip()
    return bool(_NEW_UNIT.match(stripped) or FRONT_KEY.match(stripped))


def build_blocks(lines: list[SourceLine]) -> list[Block]:
    """Join soft-wrapped lines into blocks; a blank line or a line that starts a new unit
    (bullet, number, front-matter key) starts a new block."""
    blocks: list[Block] = []
    current: Block | None = None
    for source_line in lines:
        text = source_line.text.strip()
        if not text:
            current = None
            continue
        if current is None or starts_new_unit(text):
            current = Block(text, source_line.start, source_line.end, source_line.line, source_line.page)
            blocks.append(current)
        else:
            current.text = f"{current.text} {text}"
            current.end = source_line.end
    return blocks


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_source(path: str | Path, max_bytes: int = 50_000_000) -> LoadedSource:
    """Read a report file (text, markdown or PDF). Raises IngestError naming the file."""
    path = Path(path)
    if not path.exists():
        raise IngestError(str(path), "file not found")
    if not path.is_file():
        raise IngestError(str(path), "not a regular file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            str(path), f"unsupported file type {suffix or '(none)'}; expected one of "
            + ", ".join(sorted(SUPPORTED_SUFFIXES))
        )
    size = path.stat().st_size
    if size == 0:
        raise IngestError(str(path), "empty file")
    if size > max_bytes:
        raise IngestError(str(path), f"file is {size} bytes, over the {max_bytes}-byte limit")
    data = path.read_bytes()
    if suffix in PDF_SUFFIXES:
        from ingest.pdf_source import load_pdf

        return load_pdf(path, data)
    return load_text(path, data)


def decode_text(path: Path, data: bytes) -> str:
    if data.startswith(b"%PDF"):
        raise IngestError(str(path), "this is a PDF file with a text file name; rename it to .pdf")
    if b"\x00" in data[:8192]:
        raise IngestError(str(path), "binary file (contains NUL bytes), not a text report")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            str(path), f"undecodable bytes: not UTF-8 text (byte {exc.start}: {data[exc.start:exc.start + 1]!r})"
        ) from None
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if control > max(10, len(text) // 100):
        raise IngestError(str(path), "binary file (too many control characters), not a text report")
    if not text.strip():
        raise IngestError(str(path), "empty file (only white space)")
    return text


def load_text(path: Path, data: bytes) -> LoadedSource:
    text = decode_text(path, data).replace("\r\n", "\n").replace("\r", "\n")
    lines: list[SourceLine] = []
    offset = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        lines.append(SourceLine(raw, offset, offset + len(raw), line=number))
        offset += len(raw) + 1
    return LoadedSource(path, "text", text, lines, sha256_of(data))
