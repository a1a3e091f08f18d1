"""A SQLite database the tests may read but not write, without root's power to write anyway.

Tests often run as root, who may write any file whatever its mode: so the file
is opened as SQLite opens a read-only file (``mode=ro``, which fails the same
way, with SQLITE_READONLY or SQLITE_CANTOPEN), and the file system answers as a
read-only one does (EROFS on mkdir, no write access).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest


def read_only_sqlite(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """From now on, until the test ends, ``path`` and its folder cannot be written."""
    path = path.resolve()
    protected = {path, path.parent}
    connect = sqlite3.connect
    access = os.access
    mkdir = Path.mkdir

    def read_only_connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if not kwargs.get("uri") and Path(database).resolve() == path:
            return connect(f"file:{path}?mode=ro", *args, **{**kwargs, "uri": True})
        return connect(database, *args, **kwargs)

    def no_write_access(target: Any, mode: int, **kwargs: Any) -> bool:
        if mode & os.W_OK and Path(target).resolve() in protected:
            return False
        return access(target, mode, **kwargs)

    def no_new_folder(self: Path, *args: Any, **kwargs: Any) -> None:
        if self.resolve() in protected and not self.exists():
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        mkdir(self, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only_connect)
    monkeypatch.setattr(os, "access", no_write_access)
    monkeypatch.setattr(Path, "mkdir", no_new_folder)
