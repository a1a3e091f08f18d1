"""A runs database that goes down: saves and reads answer 503 with a message, sessions keep
training, /api/health says so, and everything works again once the database is back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.server import create_app
from app.serving.runs_store import SCHEMA_VERSION
from app.settings import Settings
from tests.postgres import PostgresServer, running_postgres


@pytest.fixture
def postgres() -> Iterator[PostgresServer]:
    with running_postgres() as server:
        yield server


def test_sessions_train_while_the_runs_database_is_down(postgres: PostgresServer, tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "unused.sqlite3", database_url=postgres.create_database(), workers=0)
    with TestClient(create_app(settings)) as client:
        sid = client.post("/api/sessions", json={"hidden_layers": [3]}).json()["id"]
        slug = client.post(f"/api/sessions/{sid}/runs", json={"title": "before"}).json()["slug"]
        store = client.get("/api/health").json()["store"]
        assert store == {"kind": "postgresql", "reachable": True, "schema_version": SCHEMA_VERSION, "writable": True}

        postgres.stop()
        try:
            saved = client.post(f"/api/sessions/{sid}/runs", json={"title": "during"})
            assert saved.status_code == 503 and "try again" in saved.json()["detail"]
            assert saved.headers["Retry-After"]
            assert client.get(f"/api/runs/{slug}").status_code == 503
            assert client.post(f"/api/runs/{slug}/open").status_code == 503
            step = client.post(f"/api/sessions/{sid}/step", json={"steps": 2, "unit": "epoch"})
            assert step.status_code == 200 and step.json()["epoch"] == 2
            health = client.get("/api/health")
            assert health.status_code == 200 and health.json()["store"]["reachable"] is False
        finally:
            postgres.start()

        again = client.post(f"/api/sessions/{sid}/runs", json={"title": "after"})
        assert again.status_code == 201
        assert client.get(f"/api/runs/{again.json()['slug']}").json()["history"][-1]["epoch"] == 2
        assert client.get(f"/api/runs/{slug}").json()["run"]["title"] == "before"
        assert client.get("/api/health").json()["store"]["reachable"] is True
