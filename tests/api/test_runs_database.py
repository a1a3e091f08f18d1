"""The runs database through the API: a read-only file, an old table layout, rows it cannot read."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.server import create_app
from app.settings import Settings
from tests.api.conftest import create
from tests.serving.read_only import read_only_sqlite


def _sql(path: Path, statement: str) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(statement)


def test_a_read_only_database_opens_runs_answers_saves_503_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(db=tmp_path / "runs.sqlite3", sweep_interval=3600, workers=0)
    with TestClient(create_app(settings)) as client:
        slug = client.post(f"/api/sessions/{create(client)}/runs", json={"title": "kept"}).json()["slug"]
    read_only_sqlite(monkeypatch, settings.db)
    with TestClient(create_app(settings)) as client:
        store = client.get("/api/health").json()["store"]
        assert store["reachable"] is True and store["writable"] is False
        assert client.get(f"/api/runs/{slug}").json()["run"]["title"] == "kept"
        assert client.post(f"/api/runs/{slug}/open").status_code == 201
        refused = client.post(f"/api/sessions/{create(client)}/runs", json={"title": "new"})
        assert refused.status_code == 503 and "read-only" in refused.json()["detail"]


def test_a_server_starts_on_a_read_only_file_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(db=tmp_path / "gone" / "runs.sqlite3", sweep_interval=3600, workers=0)
    read_only_sqlite(monkeypatch, settings.db)
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/health").json()["store"] == {
            "kind": "sqlite",
            "reachable": False,
            "schema_version": None,
            "writable": False,
        }
        assert client.post(f"/api/sessions/{create(client)}/runs").status_code == 503
        assert client.get("/api/runs/abcdefgh").status_code == 503


def test_the_oldest_table_layout_is_migrated_on_start(tmp_path: Path) -> None:
    db = tmp_path / "runs.sqlite3"
    _sql(db, "CREATE TABLE runs (slug TEXT, document TEXT)")
    with TestClient(create_app(Settings(db=db, sweep_interval=3600, workers=0))) as client:
        saved = client.post(f"/api/sessions/{create(client)}/runs", json={"title": "new"})
        assert saved.status_code == 201
        slug = saved.json()["slug"]
        assert client.get(f"/api/runs/{slug}").json()["run"]["title"] == "new"
        assert client.post(f"/api/runs/{slug}/open").status_code == 201


@pytest.mark.parametrize("document", ["not json", '{"format": "something else"}', "[]"])
def test_a_stored_run_the_schema_rejects_is_one_clear_409(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, document: str
) -> None:
    db = tmp_path / "runs.sqlite3"
    with TestClient(create_app(Settings(db=db, sweep_interval=3600, workers=0))) as client:
        _sql(db, f"INSERT INTO runs VALUES ('badslug1', 'bad', '2025-01-01T00:00:00+00:00', '{document}')")
        for method, path in (("GET", "/api/runs/badslug1"), ("POST", "/api/runs/badslug1/open")):
            caplog.clear()
            with caplog.at_level(logging.WARNING, logger="neural_playground"):
                response = client.request(method, path)
            assert response.status_code == 409, response.text
            assert "saved run cannot be read" in response.json()["detail"]
            lines = [r for r in caplog.records if r.name == "neural_playground"]
            assert len(lines) == 1 and "badslug1" in lines[0].getMessage() and lines[0].exc_info is None
