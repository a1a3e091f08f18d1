"""Saved runs in a SQLite file (standard library): the default, embedded, no setup.

The database runs in WAL mode, so readers never block the writer. One server
owns the file: its run slugs carry the server's instance prefix.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from app.serving.runs_store import StoreKind, StoreUnavailable
from app.serving.sql_runs import Database, SqlRunStore

BUSY_TIMEOUT = 10.0


class SqliteRunStore(SqlRunStore):
    kind: StoreKind = "sqlite"
    shared = False
    placeholder = "?"

    def __init__(self, path: Path | str, prefix: str = "") -> None:
        super().__init__(prefix)
        self.path = Path(path)
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as db:
            db.execute("PRAGMA journal_mode=WAL")
            self.migrate(db)

    @contextmanager
    def _connection(self, timeout: float | None = None) -> Iterator[sqlite3.Connection]:
        try:
            wait = BUSY_TIMEOUT if timeout is None else timeout
            with closing(sqlite3.connect(self.path, timeout=wait, isolation_level=None)) as conn:
                conn.execute("PRAGMA synchronous=NORMAL")
                yield conn
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(f"the runs database cannot be used now: {exc}") from exc

    @contextmanager
    def _exclusive(self, db: Database) -> Iterator[None]:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Nothing is held open between calls."""
