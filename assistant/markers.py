"""The citation-marker grammar: how a `[report#para]` marker looks in answer text.

One place for the pattern, shared by the citation checks, the conversation (which reads the ids
an earlier answer cited), the OpenAI-compatible footnotes and the UI; and one place that makes
sure the only square-bracket markers a reader sees are checked citations (`neutralise`), with the
hold-back a stream needs so that a marker is never split across two pieces (`HeldBackStream`).
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

# A citation id: `{report_id}#{para}`, e.g. sefton-2018#1.3, sefton-2018#rec:2.1, sefton-2018#front.3
CITATION_ID = r"[a-z0-9][a-z0-9-]*#(?:rec:)?[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?"
# The marker check_citations writes into a checked answer: [report#para].
CHECKED_MARKER = re.compile(rf"\[({CITATION_ID})\]")
# The mark check_citations writes after a sentence no checked citation supports.
UNSUPPORTED_MARK = "[unsupported]"


def number_markers(text: str, order: list[str] | None = None) -> tuple[str, list[str]]:
    """Replace the [report#para] markers of a checked text with [1], [2] ... in order of first
    use, continuing `order` when given; returns the text and the ids in number order."""
    order = [] if order is None else order

    def number(match: re.Match) -> str:
        cid = match.group(1)
        if cid not in order:
            order.append(cid)
        return f"[{order.index(cid) + 1}]"

    return CHECKED_MARKER.sub(number, text), order


def neutralise(text: str, allowed: Iterable[str] = ()) -> str:
    """Text in which every square bracket that is not part of a `[report#para]` marker for an
    `allowed` id is shown as a round bracket, so report text or model output that imitates a
    marker ("[sefton-2018#9.9]", "[a#1[b#2]]", "[sefton-2018#9 .9]") reads as plain text and can
    never be taken for a citation by a reader, the footnotes or the UI."""
    allowed = {a.lower() for a in allowed}
    kept: list[tuple[int, int]] = []
    for match in CHECKED_MARKER.finditer(text):
        if match.group(1).lower() in allowed:
            kept.append(match.span())
    out, last = [], 0
    for start, end in kept:
        out.append(_round(text[last:start]))
        out.append(text[start:end])
        last = end
    out.append(_round(text[last:]))
    return "".join(out)


def _round(text: str) -> str:
    return text.replace("[", "(").replace("]", ")")


class HeldBackStream:
    """Streamed text passed through `convert` piece by piece, holding back a piece that may be the
    start of a bracketed marker until the bracket closes (or `longest` characters show it is not
    a marker), so a marker is always converted whole."""

    def __init__(self, convert: Callable[[str], str], longest: int = 80):
        self._convert = convert
        self._longest = longest
        self._pending = ""

    def feed(self, piece: str) -> str:
        self._pending += piece
        cut = self._pending.rfind("[")
        if cut >= 0 and "]" not in self._pending[cut:] and len(self._pending) - cut < self._longest:
            ready, self._pending = self._pending[:cut], self._pending[cut:]
        else:
            ready, self._pending = self._pending, ""
        return self._convert(ready) if ready else ""

    def flush(self) -> str:
        ready, self._pending = self._pending, ""
        return self._convert(ready) if ready else ""
