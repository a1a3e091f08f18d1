"""Saved runs: what every runs store offers, and the schema they all migrate to.

Two stores implement ``RunStore``: SQLite (``sqlite_runs``, the default: one
file, no setup) and PostgreSQL (``postgres_runs``, one database that several
servers share). Both apply ``MIGRATIONS`` in order and record each version in
a ``schema_version`` table, so a database made by an older server is brought
up to date when a newer one starts on it. A ``runs`` table from before schema
versions, whatever columns it lacks, is adopted as version 0.
"""

from __future__ import annotations

import json
import re
import secrets
import string
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

SLUG_PATTERN = re.compile(r"^[A-Za-z0-9_-]{6,32}$")
# No dash in the random part: a dash in a slug always ends an instance's prefix, which a proxy routes on.
_SLUG_ALPHABET = string.ascii_letters + string.digits
_SLUG_LENGTH = 10

VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
# MIGRATIONS[i] takes the schema from version i to i + 1, in the SQL both databases speak.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE IF NOT EXISTS runs (
            slug       TEXT PRIMARY KEY,
            title      TEXT NOT NULL,
            created_at TEXT NOT NULL,
            document   TEXT NOT NULL
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
# What a runs table from before schema versions may lack, and what its rows get instead.
LEGACY_COLUMNS = ("title", "created_at")

StoreKind = Literal["sqlite", "postgresql"]


class StoreUnavailable(Exception):
    """The database cannot be reached or written now; the request may succeed later (503)."""


class SchemaTooNew(Exception):
    """The database was migrated by a newer server than this one."""


class UnreadableRun(Exception):
    """A stored run that this server cannot read (not JSON, or not a model document it knows)."""


@dataclass(frozen=True)
class Run:
    slug: str
    title: str
    created_at: str
    document: dict[str, Any]


@dataclass(frozen=True)
class StoreStatus:
    kind: StoreKind
    reachable: bool
    schema_version: int | None
    writable: bool


class RunStore(Protocol):
    kind: StoreKind
    # True when every server of a deployment reads the same runs (slugs then need no instance prefix).
    shared: bool

    def save(self, title: str, document: dict[str, Any]) -> Run:
        """Store a run whole or not at all; ValueError for a document JSON cannot hold."""
        ...

    def get(self, slug: str) -> Run | None:
        """None for no such run; UnreadableRun for a stored row that is not a JSON object."""
        ...

    def count(self) -> int: ...

    def status(self) -> StoreStatus:
        """Whether the database answers now, its schema version, and whether a save could be
        written now; never raises."""
        ...

    def close(self) -> None: ...


def new_slug(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_SLUG_ALPHABET) for _ in range(_SLUG_LENGTH))


def document_text(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"), allow_nan=False)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def pending_migrations(current: int) -> list[tuple[int, tuple[str, ...]]]:
    """(version, statements) to apply, in order, to a database at schema version ``current``."""
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(f"the runs database is at schema version {current}; this server knows {SCHEMA_VERSION}")
    return [(version + 1, MIGRATIONS[version]) for version in range(current, SCHEMA_VERSION)]
