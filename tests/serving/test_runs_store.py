"""Both runs stores, SQLite and PostgreSQL, pass the same tests (PostgreSQL: a real server)."""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from app.serving.postgres_runs import PostgresRunStore
from app.serving.runs_store import (
    SCHEMA_VERSION,
    RunStore,
    SchemaTooNew,
    StoreStatus,
    StoreUnavailable,
    UnreadableRun,
)
from app.serving.sqlite_runs import SqliteRunStore
from tests.postgres import PostgresServer, running_postgres
from tests.serving.read_only import read_only_sqlite


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with running_postgres() as server:
        yield server


@dataclass
class Database:
    """One empty database: stores opened on it, and plain SQL run on it."""

    open: Callable[[], RunStore]
    execute: Callable[[str], list[tuple[object, ...]]]
    # From now on, stores opened on it may read but not write.
    make_read_only: Callable[[], None]


def sqlite_database(path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    def execute(sql: str) -> list[tuple[object, ...]]:
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path)) as conn, conn:
            return conn.execute(sql).fetchall()

    return Database(lambda: SqliteRunStore(path), execute, lambda: read_only_sqlite(monkeypatch, path))


def postgres_database(url: str) -> Database:
    def execute(sql: str) -> list[tuple[object, ...]]:
        with psycopg.connect(url, autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def make_read_only() -> None:
        execute(f"ALTER DATABASE {conninfo_to_dict(url)['dbname']} SET default_transaction_read_only = on")

    return Database(lambda: PostgresRunStore(url), execute, make_read_only)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    if request.param == "sqlite":
        return sqlite_database(tmp_path / "a" / "b" / "runs.sqlite3", monkeypatch)
    return postgres_database(request.getfixturevalue("postgres").create_database())


@pytest.fixture
def store(database: Database) -> Iterator[RunStore]:
    opened = database.open()
    try:
        yield opened
    finally:
        opened.close()


def test_save_and_get(store: RunStore) -> None:
    run = store.save("title", {"format": "x", "numbers": [1.5, 2]})
    assert store.get(run.slug) is not None
    assert store.get(run.slug).document == {"format": "x", "numbers": [1.5, 2]}  # type: ignore[union-attr]
    assert store.get("missing-slug") is None


def test_wal_mode(tmp_path: Path) -> None:
    SqliteRunStore(tmp_path / "runs.sqlite3")
    with sqlite3.connect(tmp_path / "runs.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_failed_save_leaves_nothing(store: RunStore) -> None:
    store.save("ok", {"a": 1})
    with pytest.raises(ValueError):
        store.save("bad", {"a": math.nan})
    assert store.count() == 1


@pytest.mark.parametrize("slug", ["../../etc/passwd", "a/b", "", "x" * 40, "with space", "%2e%2e"])
def test_odd_slugs_are_not_found(store: RunStore, slug: str) -> None:
    assert store.get(slug) is None


def test_only_a_store_of_one_server_prefixes_its_slugs(tmp_path: Path, store: RunStore) -> None:
    """A dash in a slug always ends an instance prefix, which a proxy routes on."""
    slug = store.save("", {}).slug
    assert "-" not in slug and slug.isalnum()
    prefixed = SqliteRunStore(tmp_path / "own.sqlite3", "a-").save("", {}).slug
    assert prefixed.startswith("a-") and prefixed[2:].isalnum()


def test_concurrent_saves_are_all_kept(store: RunStore) -> None:
    slugs: list[str] = []

    def save(worker: int) -> None:
        for i in range(10):
            slugs.append(store.save(f"{worker}.{i}", {"worker": worker, "i": i}).slug)

    threads = [threading.Thread(target=save, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(slugs)) == 80 and store.count() == 80
    assert all(store.get(slug) is not None for slug in slugs)


def test_status_names_the_store_and_its_schema_version(store: RunStore) -> None:
    assert store.status() == StoreStatus(store.kind, True, SCHEMA_VERSION, True)
    assert store.kind in ("sqlite", "postgresql")


def test_a_store_opened_again_keeps_its_runs_and_migrates_once(database: Database, store: RunStore) -> None:
    run = store.save("kept", {"a": [1, 2]})
    again = database.open()
    try:
        assert again.get(run.slug) == run
    finally:
        again.close()
    versions = database.execute("SELECT version FROM schema_version ORDER BY version")
    assert [v for (v,) in versions] == list(range(1, SCHEMA_VERSION + 1))


def test_a_database_from_a_newer_server_is_refused(database: Database, store: RunStore) -> None:
    database.execute(f"INSERT INTO schema_version (version, applied_at) VALUES ({SCHEMA_VERSION + 1}, 'later')")
    with pytest.raises(SchemaTooNew):
        database.open()


def test_a_runs_file_from_before_schema_versions_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "CREATE TABLE runs (slug TEXT PRIMARY KEY, title TEXT NOT NULL, created_at TEXT NOT NULL, "
            "document TEXT NOT NULL)"
        )
        conn.execute("INSERT INTO runs VALUES ('old-slug', 'old', '2025-01-01T00:00:00+00:00', '{\"a\":1}')")
    store = SqliteRunStore(path)
    assert store.get("old-slug") is not None and store.get("old-slug").document == {"a": 1}  # type: ignore[union-attr]
    assert store.status() == StoreStatus("sqlite", True, SCHEMA_VERSION, True)


def test_a_postgresql_server_that_stops_and_comes_back(postgres: PostgresServer) -> None:
    store = PostgresRunStore(postgres.create_database(), timeout=1.0)
    try:
        run = store.save("before", {"a": 1})
        postgres.stop()
        try:
            assert store.status() == StoreStatus("postgresql", False, None, False)
            with pytest.raises(StoreUnavailable):
                store.save("during", {"a": 2})
            with pytest.raises(StoreUnavailable):
                store.get(run.slug)
        finally:
            postgres.start()
        assert store.get(run.slug) == run
        assert store.save("after", {"a": 3}).title == "after"
        assert store.status().reachable
    finally:
        store.close()


def test_a_postgresql_store_starts_while_the_database_is_down(postgres: PostgresServer) -> None:
    url = postgres.create_database()
    postgres.stop()
    try:
        store = PostgresRunStore(url, timeout=1.0)
        assert store.status() == StoreStatus("postgresql", False, None, False)
    finally:
        postgres.start()
    try:
        assert store.get(store.save("migrated late", {}).slug) is not None
        assert store.status() == StoreStatus("postgresql", True, SCHEMA_VERSION, True)
    finally:
        store.close()


def test_a_runs_table_of_slug_and_document_only_is_migrated(database: Database) -> None:
    """The oldest layout: no title, no time, no version table."""
    database.execute("CREATE TABLE runs (slug TEXT, document TEXT)")
    database.execute("""INSERT INTO runs VALUES ('oldslug1', '{"a": 1}')""")
    store = database.open()
    try:
        old = store.get("oldslug1")
        assert old is not None and old.document == {"a": 1} and old.title == "" and old.created_at
        new = store.save("new", {"b": 2})
        assert store.get(new.slug) == new and store.count() == 2
        assert store.status() == StoreStatus(store.kind, True, SCHEMA_VERSION, True)
    finally:
        store.close()


def test_a_read_only_database_serves_its_runs_and_refuses_saves(database: Database, store: RunStore) -> None:
    run = store.save("kept", {"a": 1})
    database.make_read_only()
    read_only = database.open()
    try:
        assert read_only.get(run.slug) == run and read_only.count() == 1
        with pytest.raises(StoreUnavailable, match="runs"):
            read_only.save("refused", {"a": 2})
        assert read_only.status() == StoreStatus(store.kind, True, SCHEMA_VERSION, False)
    finally:
        read_only.close()


def test_a_read_only_file_system_without_the_database_still_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "missing" / "runs.sqlite3"
    read_only_sqlite(monkeypatch, path)
    store = SqliteRunStore(path)
    assert store.status() == StoreStatus("sqlite", False, None, False)
    with pytest.raises(StoreUnavailable):
        store.save("refused", {})
    with pytest.raises(StoreUnavailable):
        store.get("abcdefgh")


@pytest.mark.parametrize("text", ["not json", "[1, 2]"])
def test_a_stored_row_that_is_no_document_is_unreadable(database: Database, store: RunStore, text: str) -> None:
    database.execute(f"INSERT INTO runs VALUES ('badslug1', 'bad', 'then', '{text}')")
    with pytest.raises(UnreadableRun):
        store.get("badslug1")
