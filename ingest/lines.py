"""Report text as lines and blocks, the shared form of text and PDF sources.

Text and PDF sources both become a list of SourceLine (a line as the author wrote it, with
blank lines kept); from there one block builder serves both, so a PDF gives the same
paragraphs as the text file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

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
