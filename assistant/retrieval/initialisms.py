"""Shorthand the reports use in full but never define: "CPP" for "child protection plan", "CSC"
for "children's social care", "LWH" for "Liverpool Women's Hospital". Staff type these; the
reports spell them out. A question's unknown short word is read as the initials of a phrase the
reports use often, when one phrase clearly outnumbers every other phrase with those initials.

Acronyms the reports define ("(IHA)") are learned elsewhere (ingest/acronyms.py) and
come first; so do the everyday synonyms (data/synonyms.tsv)."""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Iterable, Iterator

from assistant.retrieval.words import FRAMING_WORDS, STOPWORDS, content_words, stems

# Joining words an initialism skips ("children and young people" -> CYP).
_MINOR_WORDS = ("and", "of", "the", "for", "in", "to", "on", "with", "at", "by")
# A word of a question that may be shorthand: letters, possibly joined by "&" ("S&O"), with a
# plural "s" after capitals ("CPPs").
_SHORT_WORD = re.compile(r"(?<![\w&'\u2019-])([A-Za-z](?:&?[A-Za-z]){1,5})(?![\w&'\u2019-])")
_PHRASE_WORD = re.compile(r"[a-z][\w'\u2019-]*")

# The phrase must be used at least this often, and this many times as often as the next phrase
# with the same initials ("EH": "early help" 18, "emotional health" 13: no guess).
MIN_USES = 5
MIN_LEAD = 3.0
MAX_REMEMBERED = 10_000  # guesses kept per corpus


def _looks_like_shorthand(word: str) -> bool:
    """Typed in capitals ("CPP", "AH"), with "&" ("s&o"), or without a vowel ("cpp", "lwh"): an
    everyday word the reports do not use ("jabs", "lately") is not worth a scan of the reports."""
    return "&" in word or word[:2].isupper() or not re.search(r"[aeiou]", word, re.I)


def _letters(word: str) -> str | None:
    """The initials a typed word stands for ("CPPs" -> "cpp"; "S&O" -> "s&o", "&" for "and"), or
    None when it does not look like shorthand."""
    if len(word) >= 3 and word[:-1].replace("&", "").isupper() and word.endswith("s"):
        word = word[:-1]
    return word.lower() if 2 <= len(word.replace("&", "")) <= 5 else None


class InitialismGuesser:
    """Guesses, from the stored paragraphs, what undefined shorthand in a question stands for.
    Guesses are worked out once per word and corpus (a scan of the paragraphs for that word's
    initials), so questions without shorthand cost nothing."""

    def __init__(self, texts: Iterable[str], known_words: Iterable[str], handled: Iterable[str] = ()):
        """`handled`: shorthand read elsewhere (acronyms the reports define, synonym terms)."""
        texts = list(texts)
        self._cased = "\n".join(texts)
        self._text = self._cased.lower()
        self._known = frozenset(known_words)
        self._handled = frozenset(word.lower() for word in handled)
        self._guesses: dict[tuple[str, bool], str | None] = {}
        self._lock = threading.Lock()

    def expansions(self, question: str) -> dict[str, str]:
        """Each shorthand word of the question (as typed) -> the phrase it stands for. Handled
        shorthand and words the reports use are left alone."""
        handled = self._handled
        found: dict[str, str] = {}
        for match in _SHORT_WORD.finditer(question):
            word = match.group(1)
            lowered = word.lower()
            if lowered in handled or lowered.rstrip("s") in handled or word in found:
                continue
            if lowered in STOPWORDS or lowered in FRAMING_WORDS or not _looks_like_shorthand(word):
                continue
            if self._known.issuperset(content_words(lowered) or {lowered}):  # a word the reports use ("nurses")
                continue
            # Typed in lower case, a final "s" may be a plural ("cpps") or an initial ("lwh", "cps").
            plural = word.islower() and len(word) >= 3 and word.endswith("s")
            named = _typed_as_a_name(word)
            for letters in (_letters(word), _letters(word[:-1]) if plural else None):
                phrase = self._guess(letters, named) if letters else None
                if phrase:
                    found[word] = phrase
                    break
        return found

    def _guess(self, letters: str, named: bool = False) -> str | None:
        key = (letters, named)
        with self._lock:
            if key in self._guesses:
                return self._guesses[key]
        guess = _most_used_phrase(self._text, letters)
        if guess is None and named:
            guess = _named_phrase(self._cased, letters)
        with self._lock:
            if len(self._guesses) >= MAX_REMEMBERED:
                self._guesses.clear()
            self._guesses[key] = guess
        return guess


_JOINER = r"(?:\s+(?:" + "|".join(_MINOR_WORDS) + r"))*\s+"


def _initials_pattern(letters: str, capitals: bool = False) -> re.Pattern:
    """Phrases with these initials, minor words between them ("s&o" wants "and" where the "&" is);
    with `capitals`, each initial a capital letter ("Health and Social Care Act")."""
    pattern = ""
    for position, letter in enumerate(letters):
        if letter == "&":
            continue
        if pattern:
            pattern += r"\s+and\s+" if letters[position - 1] == "&" else _JOINER
        pattern += rf"{re.escape(letter.upper() if capitals else letter)}[\w'\u2019-]*"
    return re.compile(r"(?<![\w'\u2019-])" + pattern + r"(?![\w'\u2019-])")


def _phrases_with_initials(text: str, letters: str, capitals: bool = False) -> Iterator[tuple[tuple, str]]:
    """(stems of the phrase, the phrase as written) for each phrase of the text with these
    initials; phrases with a stop word ("did not") are no names."""
    for match in _initials_pattern(letters, capitals).finditer(text):
        phrase = re.sub(r"\s+", " ", match.group(0))
        words = [w for w in _PHRASE_WORD.findall(phrase.lower()) if w not in _MINOR_WORDS]
        if len(words) == len(letters.replace("&", "")) and not any(w in STOPWORDS for w in words):
            yield stems(" ".join(words)), phrase


def _typed_as_a_name(word: str) -> bool:
    """Three or more capitals ("HSCA", "IMD", "PRUs"): the initials of a name."""
    letters = (word[:-1] if len(word) > 3 and word.endswith("s") else word).replace("&", "")
    return len(letters) >= 3 and letters.isupper()


def _named_phrase(text: str, letters: str) -> str | None:
    """The name with these initials the text writes with capitals ("Health and Social Care Act",
    "Index of Multiple Deprivation"), however rarely: a name is what capitals stand for. Only when
    no other capitalised phrase has the same initials."""
    names = dict(_phrases_with_initials(text, letters, capitals=True))
    return next(iter(names.values())).lower() if len(names) == 1 else None


def _most_used_phrase(text: str, letters: str) -> str | None:
    """The phrase with these initials the text uses most, when it uses it at least MIN_USES times
    and MIN_LEAD times as often as the next (forms of one phrase count together: "child
    protection plan" and "plans"); phrases with a stop word ("did not") are no names."""
    uses: Counter = Counter()
    forms: dict[tuple, Counter] = {}
    for key, phrase in _phrases_with_initials(text, letters):
        uses[key] += 1
        forms.setdefault(key, Counter())[phrase] += 1
    ranked = uses.most_common(2)
    if not ranked or ranked[0][1] < MIN_USES:
        return None
    if len(ranked) > 1 and ranked[0][1] < MIN_LEAD * ranked[1][1]:
        return None
    return forms[ranked[0][0]].most_common(1)[0][0]
