"""Content words: the words of a text that carry meaning (stop words dropped, plurals folded).
Used to compare questions, sentences and paragraphs by vocabulary."""

from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = frozenset(
    "a an the and or but of to in on at by for with from as is are was were be been being it its this "
    "that these those there their they them he she his her we our you your i not no do does did has have "
    "had can could may might will would should which who whom what when where how than then so such "
    "also all any some into about over under more most very re regarding concerning vs versus "
    # contractions typed without their apostrophe ("whats", "doesnt"): "whats" folded to "what"
    # counted as a topic word the reports never use
    "whats hows whos wheres whens whys thats theres dont doesnt didnt isnt arent wasnt werent cant wont "
    "hasnt havent hadnt shouldnt wouldnt couldnt im ive youre theyre weve".split()
)


# Words that frame a question rather than say what it is about ("what did they recommend about";
# "did CQC ask for ...": the reviewer, named), and the fillers staff type in place of a topic
# ("do they pass stuff to the MASH", "CAMHS etc"), content_words' folded forms ("things" -> "thing").
FRAMING_WORDS = frozenset(
    "recommend recommended recommendation recommendations rec recs inspector inspectors review report reports say said cqc "
    "find found ask asked want wanted done tell told happen happened area areas anything something made make "
    "need needed must action actions get got given "
    "stuff thing etc whatever everything kind sort lot bit basically actually really".split())


WORD = re.compile(r"[a-z0-9%]+")  # a word of lower-cased text, as content_words reads it


def folded(word: str) -> str:
    """A word with a plural's last "s" dropped, as content_words compares words ("bosses" ->
    "bosse": a form for matching, not for reading)."""
    return word[:-1] if len(word) > 4 and word.endswith("s") else word


def content_words(text: str) -> set[str]:
    return {folded(w) for w in WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1}


def containment(part: str, whole: str) -> float:
    """Share of the content words of `part` found in `whole`."""
    return share_in(content_words(part), whole)


def share_in(words: set[str], whole: str) -> float:
    """Share of `words` (content words, read once by the caller) found in `whole`."""
    return len(words & content_words(whole)) / len(words) if words else 0.0


def lower_first(text: str) -> str:
    """A sentence's or a heading's first letter in lower case, to run it on inside a sentence
    ("Ensure that ..." -> "ensure that ..."); an acronym or initialism ("CAMHS", "GPs") is kept."""
    return text[0].lower() + text[1:] if text and text[:2] != text[:2].upper() else text


# "one" is left out: it is a pronoun as often as a figure ("no one", "one of the GPs").
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero _ two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split()) if w != "_"}
_NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
                      "ninety": "90", "hundred": "100"})
# The number words, "one" left out, for patterns that read figures written in words.
NUMBER_WORDS = tuple(_NUMBER_WORDS)
_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)*%?|\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.I)


def figures_in(text: str) -> set[str]:
    """The figures a text states (numbers, percentages, years, days of dates), as digits: "five
    weeks" and "5 weeks" give the same figure, "52 weeks" another."""
    found = set()
    for match in _FIGURE.findall(text):
        figure = _NUMBER_WORDS.get(match.lower(), match)
        figure = figure.replace(",", "").rstrip(".")
        if figure and figure != "%":
            found.add(figure)
    return found


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer  # PyStemmer, which the word ranker uses too

    return Stemmer.Stemmer("english")


def stems(text: str) -> tuple[str, ...]:
    """The text's words, lower-cased and stemmed ("waiting times" -> ("wait", "time"))."""
    return tuple(_stemmer().stemWords(re.findall(r"[\w&'\u2019]+", text.lower())))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer().stemWord(word.lower())
