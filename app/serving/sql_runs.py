"""The runs store in SQL both SQLite and PostgreSQL speak; a subclass says how to connect.

Connections run in autocommit: a save is one INSERT, so a run is stored whole
or not at all, even if the process is killed mid-save. Migrations run in one
transaction that only one server at a time may hold, and only when the
database is behind: a database at the current version is only read at start,
so a read-only one still serves its runs.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from typing import Any, Protocol

from app.serving.runs_store import (
    LEGACY_COLUMNS,
    SLUG_PATTERN,
    VERSION_TABLE,
    Run,
    StoreKind,
    StoreStatus,
    StoreUnavailable,
    UnreadableRun,
    document_text,
    new_slug,
    now,
    pending_migrations,
)

# Long enough for a healthy database, short enough for a health check that asks it.
STATUS_TIMEOUT = 1.0
_SLUG_TRIES = 5


class Rows(Protocol):
    @property
    def rowcount(self) -> int: ...

    @property
    def description(self) -> Any: ...

    def fetchone(self) -> Any: ...


class Database(Protocol):
    def execute(self, sql: str, parameters: Any = ..., /) -> Rows: ...


class SqlRunStore(ABC):
    kind: StoreKind
    shared: bool
    placeholder: str  # what the driver writes for a parameter; the SQL here writes "?"

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix  # in front of every new slug

    @abstractmethod
    def _connection(self, timeout: float | None = None) -> AbstractContextManager[Database]:
        """A connection in autocommit; the driver's errors of reach raise StoreUnavailable."""

    @abstractmethod
    def _exclusive(self, db: Database) -> AbstractContextManager[None]:
        """A transaction no other server runs at the same time."""

    @abstractmethod
    def _has_table(self, db: Database, name: str) -> bool: ...

    @abstractmethod
    def _can_write(self, db: Database) -> bool:
        """Whether a save would be allowed now, found without writing."""

    def _sql(self, text: str) -> str:
        return text.replace("?", self.placeholder)

    def _version(self, db: Database) -> int:
        if not self._has_table(db, "schema_version"):
            return 0
        return int(db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0])

    def migrate(self, db: Database) -> None:
        with self._exclusive(db):
            current = self._version(db)
            pending = pending_migrations(current)
            if not pending:
                return
            db.execute(VERSION_TABLE)
            if current == 0 and self._has_table(db, "runs"):
                self._adopt_legacy_runs(db)
            record = self._sql("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)")
            for version, statements in pending:
                for statement in statements:
                    db.execute(statement)
                db.execute(record, (version, now()))

    def _adopt_legacy_runs(self, db: Database) -> None:
        """Give a runs table from before schema versions the columns version 1 has."""
        columns = {column[0] for column in db.execute("SELECT * FROM runs WHERE 1 = 0").description}
        missing = [name for name in LEGACY_COLUMNS if name not in columns]
        for name in missing:
            db.execute(f"ALTER TABLE runs ADD COLUMN {name} TEXT NOT NULL DEFAULT ''")
        if missing:
            # Saves insert with ON CONFLICT (slug), which needs the slug to be unique.
            db.execute("CREATE UNIQUE INDEX IF NOT EXISTS runs_slug ON runs (slug)")
            db.execute(self._sql("UPDATE runs SET created_at = ? WHERE created_at = ''"), (now(),))

    def save(self, title: str, document: dict[str, Any]) -> Run:
        text = document_text(document)
        created = now()
        insert = self._sql(
            "INSERT INTO runs (slug, title, created_at, document) VALUES (?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING"
        )
        with self._connection() as db:
            for _ in range(_SLUG_TRIES):
                slug = new_slug(self.prefix)
                if db.execute(insert, (slug, title, created, text)).rowcount == 1:
                    return Run(slug, title, created, document)
        raise RuntimeError("could not find a free slug")

    def get(self, slug: str) -> Run | None:
        if not SLUG_PATTERN.match(slug):
            return None
        select = self._sql("SELECT slug, title, created_at, document FROM runs WHERE slug = ?")
        with self._connection() as db:
            row = db.execute(select, (slug,)).fetchone()
        if row is None:
            return None
        try:
            document = json.loads(row[3])
        except (TypeError, ValueError) as exc:
            raise UnreadableRun(f"the stored document is not JSON: {exc}") from None
        if not isinstance(document, dict):
            raise UnreadableRun("the stored document is not a JSON object")
        return Run(row[0], row[1], row[2], document)

    def count(self) -> int:
        with self._connection() as db:
            return int(db.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    def status(self) -> StoreStatus:
        try:
            with self._connection(STATUS_TIMEOUT) as db:
                version = self._version(db)
                writable = self._can_write(db)
        except StoreUnavailable:
            return StoreStatus(self.kind, False, None, False)
        return StoreStatus(self.kind, True, version, writable)
