"""Staff feedback on answers and on single citations (right / wrong paragraph / unsupported
claim, with a note), kept beside the conversations, listed for administrators, and turned into
eval cases in the eval's question format so a wrong answer becomes a regression test."""

from __future__ import annotations

import json
import time
from pathlib import Path

from assistant.errors import InvalidInputError
from assistant.sqlite_db import SqliteDatabase

VERDICTS = ("right", "wrong paragraph", "unsupported claim")
MAX_NOTE_CHARS = 2000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, created REAL NOT NULL, question TEXT NOT NULL,
    answer TEXT NOT NULL, citation_id TEXT, verdict TEXT NOT NULL, note TEXT NOT NULL,
    conversation_id TEXT);
"""


class FeedbackStore:
    def __init__(self, path: Path):
        self.database = SqliteDatabase(path, _SCHEMA)

    def add(self, owner: str, question: str, answer: str, verdict: str, citation_id: str | None = None,
            note: str = "", conversation_id: str | None = None) -> dict:
        """Record one verdict, on the whole answer (no citation_id) or on one of its citations."""
        question, answer, note = (question or "").strip(), (answer or "").strip(), (note or "").strip()
        if verdict not in VERDICTS:
            raise InvalidInputError(f"verdict is {verdict!r}; it must be one of {', '.join(VERDICTS)}")
        if not question:
            raise InvalidInputError("question is empty: feedback is on the answer to a question")
        if len(note) > MAX_NOTE_CHARS:
            raise InvalidInputError(f"note is {len(note):,} characters; the limit is {MAX_NOTE_CHARS:,}")
        if citation_id is not None and f"[{citation_id}]".lower() not in answer.lower():
            raise InvalidInputError(f"citation_id {citation_id!r} is not cited in the answer")
        with self.database.transaction() as db:
            cursor = db.execute(
                "INSERT INTO feedback (owner, created, question, answer, citation_id, verdict, note, conversation_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (owner, time.time(), question, answer, citation_id, verdict, note, conversation_id))
            return self._row(db.execute("SELECT * FROM feedback WHERE id = ?", (cursor.lastrowid,)).fetchone())

    def list_all(self) -> list[dict]:
        """Every verdict, the newest first (for administrators)."""
        return [self._row(r) for r in self.database.read("SELECT * FROM feedback ORDER BY id DESC")]

    @staticmethod
    def _row(row) -> dict:
        return {key: row[key] for key in row.keys()}


def as_jsonl(cases: list[dict]) -> str:
    """Eval cases as the eval's question files hold them: one JSON object per line."""
    return "".join(json.dumps(case, ensure_ascii=False) + "\n" for case in cases)


def eval_cases(feedback: list[dict]) -> tuple[list[dict], list[dict]]:
    """Feedback as eval questions (evals/data format: id, kind, question, gold, key_terms), one
    per question asked: gold = the paragraphs staff marked right; `wrong` = those marked wrong
    or unsupported, with the notes. Questions with no paragraph marked right cannot be scored
    yet; they are returned second, for someone to add the right paragraph."""
    by_question: dict[str, list[dict]] = {}
    for item in sorted(feedback, key=lambda f: f["id"]):
        by_question.setdefault(" ".join(item["question"].lower().split()), []).append(item)
    cases, to_review = [], []
    for items in by_question.values():
        right = list(dict.fromkeys(i["citation_id"] for i in items if i["verdict"] == "right" and i["citation_id"]))
        wrong = list(dict.fromkeys(i["citation_id"] for i in items if i["verdict"] != "right" and i["citation_id"]))
        right = [cid for cid in right if cid not in wrong]  # a later "wrong" outweighs an earlier "right"
        case = {"id": f"fb{items[0]['id']}", "kind": "feedback", "question": items[0]["question"], "gold": right,
                "key_terms": [], "wrong": wrong, "notes": [i["note"] for i in items if i["note"]],
                "verdicts": [i["verdict"] + (f" on {i['citation_id']}" if i["citation_id"] else " on the answer")
                             for i in items]}
        (cases if right else to_review).append(case)
    return cases, to_review
