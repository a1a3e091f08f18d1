"""Several servers share one PostgreSQL database of saved runs, and losing one loses no run.

A real PostgreSQL server (tests/postgres.py), two playground servers (``a`` and
``b``, both given its URL) and nginx with docs/nginx.conf run on 127.0.0.1:

- a run saved from a session on ``a`` has a slug with no instance prefix, and
  ``b`` opens it, directly and through the proxy;
- while threads save a sizeable network through ``a``, ``a`` is killed with
  SIGKILL; afterwards every run acknowledged with 201 reads back in full
  through ``b`` and through the proxy, and every row in the database is a whole,
  valid model document (none half-written).
"""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import psycopg
import pytest

from app.api.schemas import ModelDocument
from app.serving.runs_store import SLUG_PATTERN
from tests.deploy.nginx import running_proxy
from tests.deploy.saves import BIG_NETWORK, Saves
from tests.postgres import running_postgres
from tests.processes import ServerProcess

pytestmark = [
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
    pytest.mark.timeout(240),
]

THREADS = 6
KILL_AFTER = 10  # 201s before the kill (with more saves still in flight)


@dataclass
class Deployment:
    proxy: str
    database: str
    servers: dict[str, ServerProcess]


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    with running_postgres() as postgres:
        database = postgres.create_database()
        servers = {
            name: ServerProcess(
                tmp_path / f"{name}.sqlite3",
                tmp_path / f"{name}.log",
                env={
                    "NEURAL_PLAYGROUND_INSTANCE": name,
                    "NEURAL_PLAYGROUND_WORKERS": "0",
                    "NEURAL_PLAYGROUND_DATABASE_URL": database,
                },
            )
            for name in ("a", "b")
        }
        with running_proxy(tmp_path, servers) as url:
            yield Deployment(url, database, servers)


def _save_until_stopped(proxy: str, session_id: str, worker: int, saves: Saves) -> None:
    with httpx.Client(base_url=proxy, timeout=20) as http:
        for i in range(1000):
            if saves.stop.is_set():
                return
            title = f"worker {worker} save {i}"
            try:
                response = http.post(f"/api/sessions/{session_id}/runs", json={"title": title})
            except httpx.HTTPError as exc:
                saves.failed(title, exc)
                return
            saves.answered(
                title, response.status_code, response.json() if response.status_code == 201 else response.text
            )


def session_on(http: httpx.Client, instance: str) -> str:
    """A new session that the proxy placed on ``instance``."""
    for _ in range(10):
        sid = http.post("/api/sessions", json=BIG_NETWORK).json()["id"]
        if sid.startswith(f"{instance}-"):
            return str(sid)
    raise AssertionError(f"the proxy placed no session on {instance}")


def stored_rows(database: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """slug -> (title, document) for every row; a half-written document would not parse."""
    with psycopg.connect(database) as conn:
        rows = conn.execute("SELECT slug, title, created_at, document FROM runs").fetchall()
    stored = {}
    for slug, title, created_at, text in rows:
        assert SLUG_PATTERN.match(slug) and "-" not in slug, slug
        assert created_at, slug
        document = json.loads(text)
        ModelDocument.model_validate(document)
        stored[slug] = (title, document)
    return stored


def test_any_server_opens_any_run_and_a_killed_server_loses_none(deployment: Deployment) -> None:
    a, b = deployment.servers["a"], deployment.servers["b"]
    with httpx.Client(base_url=deployment.proxy, timeout=30) as http:
        sid = session_on(http, "a")
        assert http.post(f"/api/sessions/{sid}/step", json={"steps": 3, "unit": "epoch"}).status_code == 200
        layers = http.get(f"/api/sessions/{sid}/export").json()["layers"]

        slug = http.post(f"/api/sessions/{sid}/runs", json={"title": "first"}).json()["slug"]
        assert "-" not in slug
        status, document = b.request("GET", f"/api/runs/{slug}")
        assert status == 200 and document["layers"] == layers and document["run"]["title"] == "first"
        status, opened = b.request("POST", f"/api/runs/{slug}/open")
        assert status == 201 and opened["id"].startswith("b-")
        assert http.get(f"/r/{slug}").status_code == 200

        saves = Saves(KILL_AFTER)
        workers = [
            threading.Thread(target=_save_until_stopped, args=(deployment.proxy, sid, w, saves), daemon=True)
            for w in range(THREADS)
        ]
        for w in workers:
            w.start()
        assert saves.enough.wait(60), f"too few saves answered: {len(saves.acked)}, {saves.other[:5]}"
        with saves.lock:
            in_flight = sum(w.is_alive() for w in workers)
        a.kill()
        saves.stop.set()
        for w in workers:
            w.join(timeout=30)
            assert not w.is_alive(), "a saving thread hung"
        assert in_flight > 0

        stored = stored_rows(deployment.database)
        missing = {s: t for s, t in saves.acked.items() if s not in stored or stored[s][0] != t}
        assert not missing, f"runs acknowledged with 201 but not stored: {missing}"
        assert all(document["layers"] == layers for _, document in stored.values())
        for slug, title in saves.acked.items():
            status, document = b.request("GET", f"/api/runs/{slug}")
            assert status == 200 and document["run"]["title"] == title and document["layers"] == layers
            through_proxy = http.get(f"/api/runs/{slug}")
            assert through_proxy.status_code == 200 and through_proxy.json()["run"]["slug"] == slug
