from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pytest

from app.serving.runs_store import RunStore


def test_save_and_get(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "a" / "b" / "runs.sqlite3")
    run = store.save("title", {"format": "x", "numbers": [1.5, 2]})
    assert store.get(run.slug) is not None
    assert store.get(run.slug).document == {"format": "x", "numbers": [1.5, 2]}  # type: ignore[union-attr]
    assert store.get("missing-slug") is None


def test_wal_mode(tmp_path: Path) -> None:
    RunStore(tmp_path / "runs.sqlite3")
    with sqlite3.connect(tmp_path / "runs.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_failed_save_leaves_nothing(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.sqlite3")
    store.save("ok", {"a": 1})
    with pytest.raises(ValueError):
        store.save("bad", {"a": math.nan})
    assert store.count() == 1


@pytest.mark.parametrize("slug", ["../../etc/passwd", "a/b", "", "x" * 40, "with space", "%2e%2e"])
def test_odd_slugs_are_not_found(tmp_path: Path, slug: str) -> None:
    assert RunStore(tmp_path / "runs.sqlite3").get(slug) is None
