"""A question set as staff might mistype it: one word of each question misspelt by a seeded edit
(two letters swapped, one dropped, one doubled, or one struck on the key beside it). The gold
paragraphs, key terms and ids stay as written, so `assistant eval --questions FILE` scores how
much a slip of the keyboard costs.

`python -m evals.typos SET [--seed S] > FILE` (SET: a question set's name, as `assistant eval
--questions` takes, or a path). A question's misspelt word and edit depend only on the seed and
its id, so a set grown later keeps its earlier rows' typos.

`python -m evals.typos SET --american > FILE` instead writes the questions that have a British
spelling ("centre", "paediatric", "behaviour", "programme", "organisation"), each such word in
its American spelling (one cl100k holds whole, so a real word: "centre" -> "center", never
"advise" -> "advize"); the other questions are left out."""

from __future__ import annotations

import argparse
import json
import random
import re
import sys

from assistant.retrieval.spelling import is_language_word, spelling_rules
from evals.check_data import read_jsonl
from evals.runner import question_set

SEED = 20261207
MIN_LETTERS = 5  # short words are mostly acronyms and shorthand, mistyped less and read otherwise
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
TYPED_WORD = re.compile(r"\b[a-z]+\b")


def neighbouring_keys(letter: str) -> str:
    """The letters beside `letter` on its row of a QWERTY keyboard."""
    for row in KEYBOARD_ROWS:
        at = row.find(letter)
        if at >= 0:
            return row[max(0, at - 1):at] + row[at + 1:at + 2]
    return ""


def misspelt_word(word: str, rng: random.Random) -> str:
    """`word` with one slip; its first letter is kept (readers and typists both anchor on it)."""
    for _ in range(20):
        at = rng.randrange(1, len(word) - 1)
        edit = rng.choice(("swap", "drop", "double", "neighbour"))
        if edit == "swap":
            typo = word[:at] + word[at + 1] + word[at] + word[at + 2:]
        elif edit == "drop":
            typo = word[:at] + word[at + 1:]
        elif edit == "double":
            typo = word[:at] + word[at] + word[at:]
        else:
            keys = neighbouring_keys(word[at])
            typo = word[:at] + rng.choice(keys) + word[at + 1:] if keys else word
        if typo != word:
            return typo
    return word


def mistyped(question: str, rng: random.Random) -> str:
    """`question` with one of its longer lower-case words misspelt (an acronym typed in capitals
    is left alone); unchanged when it has none."""
    words = [m for m in TYPED_WORD.finditer(question) if len(m.group()) >= MIN_LETTERS]
    if not words:
        return question
    chosen = rng.choice(words)
    return question[:chosen.start()] + misspelt_word(chosen.group(), rng) + question[chosen.end():]


# British spellings in American (spelling.SPELLING_PAIRS); a word changes only when the result is a
# word of the language (cl100k holds " word" whole) and the word has six letters or more ("hour"
# stays).
AMERICAN_FORMS = spelling_rules(to_british=False)
MIN_AMERICANISED = 6


def american_spelling(word: str) -> str:
    """`word` (lower case) in its American spelling, or as it is."""
    if len(word) < MIN_AMERICANISED:
        return word
    for pattern, american in AMERICAN_FORMS:
        spelt = pattern.sub(american, word)
        if spelt != word and is_language_word(spelt):
            return spelt
    return word


def americanised(question: str) -> str:
    """`question` with each of its lower-case British spellings in American."""
    return TYPED_WORD.sub(lambda m: american_spelling(m.group()), question)


def with_american_spelling(rows: list[dict]) -> list[dict]:
    """The rows whose question has a British spelling, with it in American."""
    return [{**row, "question": spelt} for row in rows if (spelt := americanised(row["question"])) != row["question"]]


def with_typos(rows: list[dict], seed: int = SEED) -> list[dict]:
    """Each row with its question mistyped; a follow-up's history is left as it was asked."""
    return [{**row, "question": mistyped(row["question"], random.Random(f"{seed}:{row['id']}"))} for row in rows]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", help="a question set's name (main, dev, test, ...) or a JSONL path")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--american", action="store_true",
                        help="the questions with a British spelling, in American spelling, instead of slips")
    args = parser.parse_args(argv)
    try:
        rows = read_jsonl(question_set(args.questions))
    except FileNotFoundError as exc:
        parser.error(str(exc))
    for row in with_american_spelling(rows) if args.american else with_typos(rows, args.seed):
        sys.stdout.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
