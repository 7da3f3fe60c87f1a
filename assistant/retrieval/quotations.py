"""A quotation and the sentence introducing it are one thing said: "We also heard from two parents
at Ormskirk and District General Hospital Children's Emergency Department (ED). One parent told
us:" says who and where, the next paragraph ("I tried to book in to see my doctor ...") says
what. Either alone answers little ("One parent told us:"), so each brings the other into an
answer's context."""

from __future__ import annotations

import re
from typing import Iterable

from ingest.models import Paragraph

_INTRODUCES = re.compile(r":\s*$")  # "They told us:", "Another parent said:"
_QUOTES = re.compile(r"^\s*(?:[\"\u201c\u2018']|\.\.\.|\u2026)")  # '"I tried to ...', '"...they see her'


def introduces_a_quotation(text: str) -> bool:
    """Whether a sentence or paragraph ends introducing what follows ("One parent told us:")."""
    return bool(_INTRODUCES.search(text))


def quotation_groups(paragraphs: Iterable[Paragraph]) -> dict[str, tuple[str, ...]]:
    """citation id -> the group it belongs to: a paragraph of what people told us that ends
    introducing a quotation, with the quotations that follow it, in report order."""
    groups: dict[str, tuple[str, ...]] = {}
    by_report: dict[str, list[Paragraph]] = {}
    for paragraph in paragraphs:
        by_report.setdefault(paragraph.report_id, []).append(paragraph)
    for ordered in by_report.values():
        ordered.sort(key=lambda p: p.order)
        for i, paragraph in enumerate(ordered):
            if paragraph.kind != "told-us" or not introduces_a_quotation(paragraph.text):
                continue
            quotes = []
            for following in ordered[i + 1:]:
                if following.kind != "told-us" or not _QUOTES.match(following.text):
                    break
                quotes.append(following.citation_id)
            if quotes:
                group = (paragraph.citation_id, *quotes)
                groups.update((cid, group) for cid in group)
    return groups
