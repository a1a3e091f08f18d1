"""Saved runs in a SQLite file (standard library): the default, embedded, no setup.

The database runs in WAL mode, so readers never block the writer. One server
owns the file: its run slugs carry the server's instance prefix.

A file (or file system) the server cannot write does not stop the server: it
logs one line naming the path, opens the file read-only, serves the runs it
holds, and answers saves with StoreUnavailable (503) until it is restarted
with a database it can write.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from app.serving.runs_store import Run, StoreKind, StoreUnavailable
from app.serving.sql_runs import Database, SqlRunStore

log = logging.getLogger("neural_playground")

BUSY_TIMEOUT = 10.0
MEMORY = ":memory:"
# Result codes that mean "this process may not write here".
_CANNOT_WRITE = {sqlite3.SQLITE_PERM, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN}
READ_ONLY = "the runs database is read-only: saved runs open, but new ones cannot be saved"


def _cannot_write(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return True
    cause = exc.__cause__
    return isinstance(cause, sqlite3.Error) and (cause.sqlite_errorcode & 0xFF) in _CANNOT_WRITE


class SqliteRunStore(SqlRunStore):
    kind: StoreKind = "sqlite"
    shared = False
    placeholder = "?"

    def __init__(self, path: Path | str, prefix: str = "") -> None:
        super().__init__(prefix)
        self.path = Path(path)
        self.read_only = False
        self._uri = ""
        try:
            self._create()
        except (OSError, StoreUnavailable) as exc:
            if not _cannot_write(exc):
                raise
            self.read_only = True
            self._uri = self._read_only_uri()
            log.warning("cannot write the runs database %s (%s): serving its runs read-only", self.path, exc)

    def _create(self) -> None:
        if str(self.path) != MEMORY:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as db:
            db.execute("PRAGMA journal_mode=WAL")
            self.migrate(db)

    def _read_only_uri(self) -> str:
        uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
        try:
            with closing(sqlite3.connect(uri, uri=True)) as conn:
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # A WAL database on a read-only file system, without its -shm file: nothing can change it.
            return uri + "&immutable=1"
        return uri

    def _connect(self, wait: float) -> sqlite3.Connection:
        if self.read_only:
            return sqlite3.connect(self._uri, timeout=wait, isolation_level=None, uri=True)
        return sqlite3.connect(self.path, timeout=wait, isolation_level=None)

    @contextmanager
    def _connection(self, timeout: float | None = None) -> Iterator[sqlite3.Connection]:
        try:
            wait = BUSY_TIMEOUT if timeout is None else timeout
            with closing(self._connect(wait)) as conn:
                if not self.read_only:
                    conn.execute("PRAGMA synchronous=NORMAL")
                yield conn
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_READONLY:
                raise StoreUnavailable(READ_ONLY) from exc
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

    def _has_table(self, db: Database, name: str) -> bool:
        found = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return found.fetchone() is not None

    def _can_write(self, db: Database) -> bool:
        if self.read_only:
            return False
        if str(self.path) == MEMORY:
            return True
        # os.access also says no for root on a file system mounted read-only.
        return os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)

    def save(self, title: str, document: dict[str, Any]) -> Run:
        if self.read_only:
            raise StoreUnavailable(READ_ONLY)
        return super().save(title, document)

    def close(self) -> None:
        """Nothing is held open between calls."""
