"""Saved runs in SQLite (standard library): one row per run, one transaction per save.

The database runs in WAL mode, so readers never block the writer, and each
save is a single INSERT inside a transaction: a run is stored whole or not
at all, even if the process is killed mid-save.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SLUG_PATTERN = re.compile(r"^[A-Za-z0-9_-]{6,32}$")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    slug       TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    document   TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class Run:
    slug: str
    title: str
    created_at: str
    document: dict[str, Any]


class RunStore:
    def __init__(self, path: Path | str, prefix: str = "") -> None:
        self.path = Path(path)
        self.prefix = prefix  # in front of every new slug
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            with conn:
                conn.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10.0)
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def save(self, title: str, document: dict[str, Any]) -> Run:
        text = json.dumps(document, separators=(",", ":"), allow_nan=False)
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with closing(self._connect()) as conn:
            for _ in range(5):
                slug = self.prefix + secrets.token_urlsafe(6)
                try:
                    with conn:
                        conn.execute(
                            "INSERT INTO runs (slug, title, created_at, document) VALUES (?, ?, ?, ?)",
                            (slug, title, created, text),
                        )
                    return Run(slug, title, created, document)
                except sqlite3.IntegrityError:
                    continue
        raise RuntimeError("could not find a free slug")

    def get(self, slug: str) -> Run | None:
        if not SLUG_PATTERN.match(slug):
            return None
        with closing(self._connect()) as conn:
            row = conn.execute("SELECT slug, title, created_at, document FROM runs WHERE slug = ?", (slug,)).fetchone()
        if row is None:
            return None
        return Run(row[0], row[1], row[2], json.loads(row[3]))

    def count(self) -> int:
        with closing(self._connect()) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0])
