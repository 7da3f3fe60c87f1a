"""Conversations kept on the server (SQLite in the data dir), per user, so a reload or a restart
loses nothing: each turn keeps the question, the checked answer with its [report#para] markers
(what a follow-up is resolved against), the answer as shown, and its citations.

One writer at a time per database (SQLite's own lock, with a wait), each change in one
transaction, so concurrent requests never lose a turn."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

from assistant.errors import InvalidInputError, NotFoundError
from assistant.sqlite_db import SqliteDatabase

MAX_TITLE_CHARS = 120
_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);
CREATE INDEX IF NOT EXISTS conversations_by_owner ON conversations (owner, updated);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE, position INTEGER NOT NULL,
    question TEXT NOT NULL, answer TEXT NOT NULL, shown TEXT NOT NULL, citations TEXT NOT NULL, created REAL NOT NULL,
    PRIMARY KEY (conversation_id, position));
"""

_SUMMARY = ("SELECT c.id, c.title, c.created, c.updated, "
            "(SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id) AS turns FROM conversations c")


def title_from(question: str) -> str:
    """A first question, shortened at a word, as the conversation's title."""
    text = " ".join(question.split())
    if len(text) <= 60:
        return text or "Untitled conversation"
    return text[:60].rsplit(" ", 1)[0] + "\u2026"


class ConversationStore:
    """Conversations of each owner (a user name, or "local" when the server has no logins)."""

    def __init__(self, path: Path):
        self.database = SqliteDatabase(path, _SCHEMA)
        self.path = self.database.path
        self._transaction = self.database.transaction
        self._read = self.database.read

    # -- write -------------------------------------------------------------------------------
    def create(self, owner: str, title: str) -> dict:
        now = time.time()
        record = {"id": uuid.uuid4().hex[:16], "title": _valid_title(title), "created": now, "updated": now, "turns": 0}
        with self._transaction() as db:
            db.execute("INSERT INTO conversations VALUES (?, ?, ?, ?, ?)",
                       (record["id"], owner, record["title"], now, now))
        return record

    def add_turn(self, owner: str, conversation_id: str, question: str, answer: str, shown: str,
                 citations: list[dict]) -> int:
        """Append a turn; returns its position (from 0)."""
        now = time.time()
        with self._transaction() as db:
            self._owned(db, owner, conversation_id)
            position = db.execute("SELECT COUNT(*) FROM turns WHERE conversation_id = ?", (conversation_id,)).fetchone()[0]
            db.execute("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (conversation_id, position, question, answer, shown, json.dumps(citations), now))
            db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (now, conversation_id))
        return position

    def rename(self, owner: str, conversation_id: str, title: str) -> dict:
        with self._transaction() as db:
            self._owned(db, owner, conversation_id)
            db.execute("UPDATE conversations SET title = ? WHERE id = ?", (_valid_title(title), conversation_id))
        return self.summary(owner, conversation_id)

    def delete(self, owner: str, conversation_id: str) -> None:
        with self._transaction() as db:
            self._owned(db, owner, conversation_id)
            db.execute("DELETE FROM turns WHERE conversation_id = ?", (conversation_id,))
            db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))

    # -- read --------------------------------------------------------------------------------
    def list_for(self, owner: str) -> list[dict]:
        """The owner's conversations, the most recently used first."""
        rows = self._read(f"{_SUMMARY} WHERE owner = ? ORDER BY updated DESC, created DESC", (owner,))
        return [dict(row) for row in rows]

    def summary(self, owner: str, conversation_id: str) -> dict:
        rows = self._read(f"{_SUMMARY} WHERE owner = ? AND id = ?", (owner, conversation_id))
        return dict(rows[0]) if rows else self._missing(conversation_id)

    def get(self, owner: str, conversation_id: str) -> dict:
        """The conversation with its turns in order."""
        summary = self.summary(owner, conversation_id)
        rows = self._read(
            "SELECT question, answer, shown, citations, created FROM turns WHERE conversation_id = ? ORDER BY position",
            (conversation_id,))
        summary["messages"] = [{"question": r["question"], "answer": r["answer"], "shown": r["shown"],
                                "citations": json.loads(r["citations"]), "created": r["created"]} for r in rows]
        return summary

    @staticmethod
    def history(conversation: dict) -> list[dict]:
        """The conversation as the chat history ask() reads (questions and checked answers)."""
        messages: list[dict] = []
        for turn in conversation["messages"]:
            messages += [{"role": "user", "content": turn["question"]}, {"role": "assistant", "content": turn["answer"]}]
        return messages

    def _owned(self, db, owner: str, conversation_id: str) -> None:
        row = db.execute("SELECT owner FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        if row is None or row["owner"] != owner:
            self._missing(conversation_id)

    @staticmethod
    def _missing(conversation_id: str):
        # Another user's conversation is reported as missing, not as forbidden: ids are not disclosed.
        raise NotFoundError(f"no conversation {conversation_id!r}")


def _valid_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise InvalidInputError("title is empty")
    if len(title) > MAX_TITLE_CHARS:
        raise InvalidInputError(f"title is {len(title)} characters; the limit is {MAX_TITLE_CHARS}")
    return title


def conversation_markdown(conversation: dict) -> str:
    """The conversation as Markdown: each question and answer, then the references it cited
    (id, report, quote), numbered once each."""
    lines = [f"# {conversation['title']}", ""]
    references: dict[str, dict] = {}
    for turn in conversation["messages"]:
        lines += [f"**Question:** {turn['question']}", "", turn["answer"], ""]
        for citation in turn["citations"]:
            references.setdefault(citation["id"], citation)
    if references:
        lines += ["## References", ""]
        for number, (cid, citation) in enumerate(references.items(), start=1):
            quote = citation.get("quote", "").replace("\n", " ")
            lines.append(f"{number}. `{cid}` {citation.get('report_title', '')}: \u201c{quote}\u201d")
    return "\n".join(lines).rstrip() + "\n"


def conversation_docx(conversation: dict, path: Path) -> Path:
    from docx import Document

    document = Document()
    document.add_heading(conversation["title"], level=1)
    references: dict[str, dict] = {}
    for turn in conversation["messages"]:
        document.add_paragraph().add_run(f"Question: {turn['question']}").bold = True
        document.add_paragraph(turn["answer"])
        for citation in turn["citations"]:
            references.setdefault(citation["id"], citation)
    if references:
        document.add_heading("References", level=2)
        for cid, citation in references.items():
            quote = citation.get("quote", "").replace("\n", " ")
            document.add_paragraph(f"{cid} {citation.get('report_title', '')}: \u201c{quote}\u201d", style="List Number")
    document.save(path)
    return path
