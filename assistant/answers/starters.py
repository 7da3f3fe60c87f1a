"""Starter questions for an empty chat, drawn from the stored reports: their areas, the themes
their findings are organised under, and the front-matter facts every review states. Nothing here
names a particular report; with no reports stored there are no starters."""

from __future__ import annotations

import re
from collections import Counter

from assistant.retrieval.words import lower_first
from ingest.models import Paragraph


def finding_themes(paragraphs: list[Paragraph]) -> list[str]:
    """The sections a report's findings sit under, in report order, as words ("The child's
    journey > 4. Looked after children" -> "Looked after children")."""
    themes: list[str] = []
    for paragraph in paragraphs:
        if paragraph.kind != "finding" or not paragraph.section:
            continue
        theme = re.sub(r"^[\d.]+\s*", "", paragraph.section.split(">")[-1].strip())
        if theme and theme not in themes:
            themes.append(theme)
    return themes


def starter_questions(reports: list[dict], themes: dict[str, list[str]], limit: int = 4) -> list[str]:
    """Up to `limit` questions staff might start with: what the most recent review found on one
    of its themes, how two areas compare on a theme both report on, what a review recommended,
    and when a review took place."""
    dated = sorted((r for r in reports if r.get("area")),
                   key=lambda r: (r.get("review_end") or r.get("published") or "", r["report_id"]), reverse=True)
    if not dated:
        return []
    latest, earlier = dated[0], dated[1:]
    latest_themes = themes.get(latest["report_id"]) or []
    questions = []
    if latest_themes:
        questions.append(f"What did the {latest['area']} review find about {lower_first(latest_themes[0])}?")
    if earlier:
        shared = Counter(t for r in dated[:2] for t in themes.get(r["report_id"]) or [])
        common = [t for t in latest_themes if shared[t] == 2]
        if common:
            theme = common[len(common) // 2]
            questions.append(f"How do {latest['area']} and {earlier[0]['area']} compare on {lower_first(theme)}?")
    other = earlier[0] if earlier else latest
    other_themes = themes.get(other["report_id"]) or []
    if other_themes:
        questions.append(f"What did the {other['area']} review recommend about {lower_first(other_themes[-1])}?")
    questions.append(f"When did the {(earlier[-1] if earlier else latest)['area']} review take place?")
    return questions[:limit]

