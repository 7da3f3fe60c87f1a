"""Words mistyped in a question, read as the reports' word one slip away: "leicster" ->
"leicester", "safegaurding" -> "safeguarding", "waitng" -> "waiting". A slip costs more than the
word: the word ranker cannot match it, the embedders read it as noise, and the unknown-word
penalty of answerability counts it as a topic the reports never mention, so one typo could turn
an answer into "cannot answer", or hide the "how many" a question asks.

A typed word is left as it is when the reports write it or another form of it ("dentists",
"phoned": the word ranker reads stems), when it is a word of the language (one token of the
cl100k vocabulary, as "sitting" or "bosses" are, though the reports use neither), when it is
shorthand or a synonym-list term, when it is typed in capitals (an acronym), or when it is under
four letters. Otherwise it is read as the reports' word that one edit (a letter dropped, added,
changed, or two swapped; a four-letter word only gets one added or two swapped) makes of it, the
most frequent if several do. An American spelling is read as the British one the reports write
("center" -> "centre", "pediatric" -> "paediatric"; BRITISH_FORMS). With none of those, a word of
the language one edit away is read ("paagraph" -> "paragraph", which the reports never write, so "paragraph 3.9" is found;
"salarry" -> "salary", so the question is declined as asking what they never measure), the one
cl100k merged first (the commoner) if several are; with none of either, it stays."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Iterable

from assistant.retrieval.words import STOPWORDS
from vectorstore.chunking import encoding
from vectorstore.lexical import text_stems

LETTERS = "abcdefghijklmnopqrstuvwxyz"
MIN_TYPED = 4  # shorter words are mostly shorthand ("hvs", "cpp") and one edit makes too many words
# Below this, a typed word is read only as a word with its letters swapped or one added back
# ("cses" -> "cases"): a letter changed makes shorthand a word ("mhst" -> "most", "cpps" -> "cpis").
MIN_TYPED_FOR_CHANGES = 5
# A word neither the reports nor the language know, read as a word of the language only from this
# long: one edit from a short one makes too many words, and a short unknown is likelier shorthand.
MIN_TYPED_FOR_LANGUAGE = 5
# The words of the language a slip is read as: the commoner ones (cl100k's first merges), the
# everyday words of a question ("recommended", "paragraph", "salary"). A rarer word one edit away
# is likelier another word than the one meant ("inpatient" -> "impatient", "sendco" -> "sendo").
LANGUAGE_RANK_LIMIT = 30_000
# At most this many unknown words of one text are looked up (each costs up to a few milliseconds):
# a question with more is no question with a slip in it, and a long paste of unknown words must
# not cost seconds.
MAX_LOOKED_UP = 12
_TYPED = re.compile(r"(?<![\w&'])[A-Za-z]+(?![\w&])")
# American spellings and the British the reports use: "center", "pediatric", "behavior", "program",
# "organization", "counseling" are words of the language, so no slip, but the word ranker cannot
# match them to "centre", "paediatric", ... Each pair is (British, American, the endings that may
# follow it at the end of a word); a pair whose endings are None begins a word, after any of the
# given beginnings.
SPELLING_PAIRS = (
    ("is", "iz", "e|es|ed|ing|ation|ations"),
    ("ys", "yz", "e|es|ed|ing"),
    ("our", "or", "|s|al|ed|ing|hood|hoods|ful"),
    ("re", "er", "|s"),
    ("ell", "el", "ed|ing|or|ors"),
    ("gramme", "gram", "|s"),
    ("dgement", "dgment", "|s"),
    ("ence", "ense", "|s"),
    ("paed", "ped", None, "|ortho"),
    ("aem", "em", None, "an|h"),
    ("foetus", "fetus", None, ""),
)


def spelling_rules(to_british: bool = True) -> tuple[tuple[re.Pattern, str], ...]:
    """SPELLING_PAIRS as (pattern, replacement) rules from American to British spelling, or the
    other way round."""
    rules = []
    for british, american, endings, *beginnings in SPELLING_PAIRS:
        spelt, wanted = (american, british) if to_british else (british, american)
        if endings is not None:
            rules.append((re.compile(rf"{spelt}({endings})$"), rf"{wanted}\1"))
        else:
            rules.append((re.compile(rf"^({beginnings[0]}){spelt}"), rf"\1{wanted}"))
    return tuple(rules)


BRITISH_FORMS = spelling_rules(to_british=True)


def edits(word: str, all_kinds: bool = True) -> set[str]:
    """Every string one edit from `word`: two neighbours swapped or a letter added, and unless
    `all_kinds` is False, a letter dropped or changed."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    added = {a + c + b for a, b in splits for c in LETTERS}
    if not all_kinds:
        return (swapped | added) - {word}
    dropped = {a + b[1:] for a, b in splits if b}
    changed = {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    return (dropped | swapped | changed | added) - {word}


@lru_cache(maxsize=1)
def _language_words() -> dict[str, int]:
    """Each lower-case word cl100k holds whole as " word" -> its token, read once from the
    vocabulary (a dictionary lookup per candidate, not an encoding)."""
    vocabulary = encoding()
    words = {}
    for token in range(vocabulary.n_vocab):
        try:
            piece = vocabulary.decode_single_token_bytes(token)
        except KeyError:  # ids the vocabulary leaves unused
            continue
        if piece[:1] == b" " and piece[1:].isalpha() and piece[1:].islower():
            words.setdefault(piece[1:].decode("ascii"), token)
    return words


def language_rank(word: str) -> int | None:
    """The cl100k token of " word" when the vocabulary holds it whole (a word of the language:
    " sitting" is one token, " leicster" three), else None. Byte-pair merges are made commonest
    first, so a lower token is, roughly, a commoner word."""
    return _language_words().get(word)


def is_language_word(word: str) -> bool:
    """A word of the language, not a slip (language_rank)."""
    return language_rank(word) is not None


class Respeller:
    """`written`: how often the reports write each lower-cased word; `known`: other words to
    leave alone (synonym-list terms, acronyms, the vocabulary as folded); `stems`: the reports'
    words as the word ranker stems them (text_stems); `enabled`: False reads every word as typed."""

    def __init__(self, written: Counter, known: Iterable[str] = (), stems: Iterable[str] = (), enabled: bool = True):
        self._enabled = enabled
        self._written = Counter({w: n for w, n in written.items() if w.isalpha()})
        self._known = frozenset(written) | frozenset(known) | STOPWORDS
        self._stems = frozenset(stems)
        self.word_meant = lru_cache(maxsize=4096)(self._word_meant)
        _language_words()  # read once per process, with the corpus rather than at the first question

    def _unknown(self, word: str) -> bool:
        return len(word) >= MIN_TYPED and word not in self._known

    def _word_meant(self, word: str) -> str | None:
        """The reports' word `word` (lower case) is a slip for, or None (`word_meant`, cached)."""
        if not self._unknown(word):
            return None
        british = [form for pattern, replacement in BRITISH_FORMS
                   if (form := pattern.sub(replacement, word)) != word and form in self._written]
        if british:
            return self._most_written(british)
        if is_language_word(word) or self._a_form_of_theirs(word):
            return None
        nearby = edits(word, all_kinds=len(word) >= MIN_TYPED_FOR_CHANGES)
        candidates = [w for w in nearby if w in self._written and len(w) >= MIN_TYPED]
        if candidates:
            return self._most_written(candidates)
        if len(word) < MIN_TYPED_FOR_LANGUAGE:
            return None
        ranked = [(rank, w) for w in nearby if len(w) >= MIN_TYPED and (rank := language_rank(w)) is not None
                  and rank < LANGUAGE_RANK_LIMIT]
        return min(ranked)[1] if ranked else None

    def _most_written(self, words: list[str]) -> str:
        return max(words, key=lambda w: (self._written[w], w))

    def _a_form_of_theirs(self, word: str) -> bool:
        stemmed = text_stems([word])[0]
        return bool(stemmed) and all(stem in self._stems for stem in stemmed)

    def corrected(self, text: str) -> tuple[str, dict[str, str]]:
        """`text` with its slips respelt, and what was read as what (as typed -> as read); `text`
        as it is when respelling is off."""
        if not self._enabled:
            return text, {}
        read_as: dict[str, str] = {}
        looked_up: set[str] = set()

        def respell(match: re.Match) -> str:
            typed = match.group()
            if sum(c.isupper() for c in typed) > 1:  # "IHAs", "CiN": an acronym, as typed
                return typed
            lowered = typed.lower()
            if not self._unknown(lowered):
                return typed
            looked_up.add(lowered)
            if len(looked_up) > MAX_LOOKED_UP:
                return typed
            word = self.word_meant(lowered)
            if word is None:
                return typed
            if typed[0].isupper():
                word = word[0].upper() + word[1:]
            read_as[typed] = word
            return word

        return _TYPED.sub(respell, text), read_as
