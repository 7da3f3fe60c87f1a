"""Formatting marks are not content: strip them the same way for text and PDF sources."""

from __future__ import annotations

import re
import unicodedata

_EMPHASIS = re.compile(r"\*+")
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009]+")
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}


def clean_text(text: str) -> str:
    """Remove emphasis marks and fold runs of spaces: the stored, cited form of a paragraph."""
    for ligature, letters in _LIGATURES.items():
        text = text.replace(ligature, letters)
    text = unicodedata.normalize("NFC", text)
    text = _EMPHASIS.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    # Emphasis removal can leave a space before closing punctuation: "(Recommendation 2.1 )".
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"\s+\)", ")", text)
    return text.strip()


def slugify(text: str) -> str:
    """'The child's journey' -> 'the-childs-journey'."""
    text = clean_text(text).lower().replace("&", " and ")
    text = re.sub(r"['\u2019]", "", text)
    text = re.sub(r"[^a-z0-9]+", "-", text)
    return text.strip("-")
