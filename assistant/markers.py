"""The citation-marker grammar: how a `[report#para]` marker looks in answer text.

One place for the pattern, shared by the citation checks, the conversation (which reads the ids
an earlier answer cited), the OpenAI-compatible footnotes and the UI.
"""

from __future__ import annotations

import re

# A citation id: `{report_id}#{para}`, e.g. sefton-2018#1.3, sefton-2018#rec:2.1, sefton-2018#front.3
CITATION_ID = r"[a-z0-9][a-z0-9-]*#(?:rec:)?[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?"
# The marker check_citations writes into a checked answer: [report#para].
CHECKED_MARKER = re.compile(rf"\[({CITATION_ID})\]")


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
