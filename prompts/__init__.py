"""Prompt templates as files. Code asks for a prompt by name; nothing is buried in code."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def load_prompt(name: str) -> str:
    """The text of prompts/{name} (for example 'answer_system.md')."""
    try:
        return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"prompt file prompts/{name} is missing") from None


def cannot_answer_sentinel() -> str:
    """The fixed reply when the reports do not answer a question (tests and evals assert on it)."""
    return load_prompt("cannot_answer.txt").strip()


def templates(name: str) -> dict[str, str]:
    """'key: template' lines of a template file (lines starting with # are comments)."""
    found: dict[str, str] = {}
    for line in load_prompt(name).splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, template = line.partition(":")
            found[key.strip()] = template.strip()
    return found
