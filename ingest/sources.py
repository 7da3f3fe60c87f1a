"""Read report files (text, markdown or PDF) into lines (ingest/lines.py): the file checks that
name the file and the reason, and the folder walk."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ingest.errors import IngestError
from ingest.lines import LoadedSource, SourceLine, sha256_of
from ingest.pdf_source import load_pdf

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES


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


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the report files inside folders (sorted, hidden files skipped)."""
    expanded: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            expanded.extend(
                sorted(p for p in path.iterdir()
                       if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith("."))
            )
        else:
            expanded.append(path)
    return expanded
