"""A small SQLite database in the data dir shared by the stores of staff data (conversations,
feedback): one connection per thread, each change in one IMMEDIATE transaction (writers wait
for each other rather than lose a row), every SQLite failure reported as a ConversationStoreError
naming the file."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import ConversationStoreError


class SqliteDatabase:
    def __init__(self, path: Path, schema: str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self.transaction() as db:
            for statement in filter(str.strip, schema.split(";")):
                db.execute(statement)

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA journal_mode = WAL")
            self._local.connection = connection
        return connection

    @contextmanager
    def transaction(self):
        with self._sqlite_errors():
            db = self._connection()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def read(self, sql: str, parameters: tuple = ()) -> list[sqlite3.Row]:
        with self._sqlite_errors():
            return self._connection().execute(sql, parameters).fetchall()

    @contextmanager
    def _sqlite_errors(self):
        try:
            yield
        except sqlite3.Error as exc:
            raise ConversationStoreError(f"the staff database {self.path} failed: {exc}") from exc
