"""Report text as lines and blocks, the shared form of text and PDF sources.

Text and PDF sources both become a list of SourceLine (a line as the author wrote it, with
blank lines kept); from there one block builder serves both, so a PDF gives the same
paragraphs as the text file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Iterator

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

    def first_blocks(self, count: int) -> list[Block]:
        """The first blocks only (the "is this a report" check needs no more)."""
        return list(islice(iter_blocks(self.lines), count))


def starts_new_unit(line: str) -> bool:
    stripped = line.strip()
    return bool(_NEW_UNIT.match(stripped) or FRONT_KEY.match(stripped))


def iter_blocks(lines: list[SourceLine]) -> Iterator[Block]:
    """Join soft-wrapped lines into blocks, yielding each block as soon as it is complete; a
    blank line or a line that starts a new unit (bullet, number, front-matter key) starts a new
    block. Linear in the input: a block's lines are joined once, not added one by one."""
    current: Block | None = None
    parts: list[str] = []

    def finished() -> Block:
        current.text = " ".join(parts)
        return current

    for source_line in lines:
        text = source_line.text.strip()
        if not text:
            if current is not None:
                yield finished()
            current = None
            continue
        if current is None or starts_new_unit(text):
            if current is not None:
                yield finished()
            current = Block(text, source_line.start, source_line.end, source_line.line, source_line.page)
            parts = [text]
        else:
            parts.append(text)
            current.end = source_line.end
    if current is not None:
        yield finished()


def build_blocks(lines: list[SourceLine]) -> list[Block]:
    return list(iter_blocks(lines))


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
