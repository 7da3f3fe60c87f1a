"""Findings point to recommendations ("(Recommendation 3.1)", "Recommendation 15.6 and 15.7");
link both ways and keep pointers to recommendations that do not exist, flagged."""

from __future__ import annotations

import re

from ingest.models import Paragraph

_POINTER = re.compile(
    r"Recommendations?\s+(?P<numbers>\d{1,2}\.\d{1,2}(?:\s*(?:,|and|&)\s*\d{1,2}\.\d{1,2})*)",
    re.IGNORECASE,
)


def only_points_to_recommendations(text: str) -> bool:
    """Whether a sentence is nothing but a pointer: "Recommendation 1.6", "(Recommendations 3.1 and 3.4)."."""
    return re.fullmatch(rf"\(?\s*(?:{_POINTER.pattern})\s*\)?\.?", text.strip(), re.IGNORECASE) is not None


def recommendation_pointers(text: str) -> list[str]:
    """Recommendation numbers a paragraph points to, in order, without repeats."""
    numbers: list[str] = []
    for match in _POINTER.finditer(text):
        for number in re.findall(r"\d{1,2}\.\d{1,2}", match.group("numbers")):
            if number not in numbers:
                numbers.append(number)
    return numbers


def link_recommendations(paragraphs: list[Paragraph]) -> list[str]:
    """Fill `recommendations`, `unresolved_recommendations` and `pointed_by`. Returns warnings
    for pointers whose recommendation is missing."""
    by_number = {p.number: p for p in paragraphs if p.kind == "recommendation" and p.number}
    warnings: list[str] = []
    for paragraph in paragraphs:
        if paragraph.kind in ("recommendation", "front"):
            continue
        for number in recommendation_pointers(paragraph.text):
            target = by_number.get(number)
            rec_id = f"{paragraph.report_id}#rec:{number}"
            if rec_id not in paragraph.recommendations:
                paragraph.recommendations.append(rec_id)
            if target is None:
                paragraph.unresolved_recommendations.append(rec_id)
                warnings.append(
                    f"{paragraph.citation_id} points to recommendation {number}, which the report does not contain"
                )
            elif paragraph.citation_id not in target.pointed_by:
                target.pointed_by.append(paragraph.citation_id)
    return warnings
