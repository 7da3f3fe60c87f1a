"""The acronyms a report defines: "child and adolescent mental health services (CAMHS)" ->
{"CAMHS": "child and adolescent mental health services"}. Read at ingest (the companion
embedder's text spells out the acronyms a paragraph uses, vectorstore/passages.py) and by
retrieval (a question's acronyms in the reports' words)."""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.models import Paragraph

_BRACKETED_ACRONYM = re.compile(r"\(([A-Z][A-Za-z&]{1,8})\)")
# A list of names is one long form too: "Leicester, Leicestershire and Rutland (LLR)"; so are
# words joined by "/" ("special educational needs and/or disabilities (SEND)").
_WORDS_BEFORE = re.compile(r"(?<![\w'\u2019/-])((?:[\w'\u2019/-]+,?\s+){0,9}[\w'\u2019/-]+)\s*$")
_MINOR_WORDS = {"and", "or", "of", "the", "for", "in", "to", "a", "on", "with", "at", "by"}


def initials_match(words: list[str], acronym: str, free_words: int = 0) -> bool:
    """Whether `words` spell `acronym`: each word gives its first letter, in order. A joining word
    ("and", "in", "or") may give its letter or none ("child in need (CiN)", "walk in centre (WIC)",
    "not in education, employment or training (NEET)"); so may the second part of a joined word
    ("multi-agency safeguarding hub (MASH)", "multi-agency public protection arrangements
    (MAPPA)"); up to `free_words` other words may give none ("specific, measurable, achievable,
    realistic and time limited (SMART)"). The first word gives the first letter."""
    letters = [c.lower() for c in acronym if c.isupper()]
    parts: list[tuple[str, bool]] = []  # (initial, may give none)
    for word in words:
        pieces = [p for p in re.split(r"[-/]", word.strip("'\u2018\u2019\"\u201c\u201d()")) if p]
        parts += [(piece[0].lower(), i > 0 or piece.lower() in _MINOR_WORDS) for i, piece in enumerate(pieces)]
    if not parts or not letters or parts[0][0] != letters[0]:
        return False

    @lru_cache(maxsize=None)
    def spells(part: int, letter: int, free: int) -> bool:
        if part == len(parts):
            return letter == len(letters)
        initial, optional = parts[part]
        if letter < len(letters) and initial == letters[letter] and spells(part + 1, letter + 1, free):
            return True
        if optional:
            return spells(part + 1, letter, free)
        return free > 0 and spells(part + 1, letter, free - 1)

    return spells(0, 0, free_words)


def learn_acronyms(paragraphs: list[Paragraph]) -> dict[str, str]:
    """'child and adolescent mental health services (CAMHS)' -> {'CAMHS': 'child and adolescent
    mental health services'}, from the reports' own definitions (the first one wins)."""
    acronyms: dict[str, str] = {}
    for paragraph in paragraphs:
        text = paragraph.text
        if "(" not in text:
            continue
        for bracketed in _BRACKETED_ACRONYM.finditer(text):
            acronym = bracketed.group(1)
            if acronym in acronyms or len(acronym) < 2:
                continue
            # The run of up to 10 words just before the bracket (the expansion ends there).
            before = _WORDS_BEFORE.search(text, max(0, bracketed.start() - 300), bracketed.start())
            if before is None:
                continue
            words = before.group(1).replace(",", " ").split()
            # The shortest run that spells the acronym; a word left out only when none does, and
            # only in a long acronym.
            for free_words in (0, 1) if len(acronym) >= 4 else (0,):
                spelled = next((words[-size:] for size in range(1, len(words) + 1)
                                if initials_match(words[-size:], acronym, free_words)), None)
                if spelled:
                    acronyms[acronym] = " ".join(spelled).lower()
                    break
    return acronyms
