"""The same API with sessions in worker processes."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.server import create_app
from app.settings import Settings
from tests.api.conftest import locs


@pytest.fixture
def sharded(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=tmp_path / "runs.sqlite3", workers=2))) as client:
        yield client


def test_sessions_spread_over_workers_and_work(sharded: TestClient) -> None:
    host = sharded.app.state.store.host  # type: ignore[attr-defined]
    ids = [
        sharded.post("/api/sessions", json={"dataset": {"name": "xor"}, "hidden_layers": [4]}).json()["id"]
        for _ in range(4)
    ]
    assert {host._where[sid].index for sid in ids} == {0, 1}
    for sid in ids:
        state = sharded.post(f"/api/sessions/{sid}/step", json={"steps": 20, "unit": "epoch"}).json()
        assert state["epoch"] == 20
    assert len(sharded.get(f"/api/sessions/{ids[0]}/history").json()) == 20
    doc = sharded.get(f"/api/sessions/{ids[0]}/export").json()
    clone = sharded.post("/api/sessions/import", json=doc).json()["id"]
    assert sharded.get(f"/api/sessions/{clone}/export").json() == doc
    assert sharded.delete(f"/api/sessions/{ids[1]}").status_code == 204
    assert sharded.get(f"/api/sessions/{ids[1]}").status_code == 404


def test_errors_cross_the_process_boundary_intact(sharded: TestClient) -> None:
    sid = sharded.post("/api/sessions", json={}).json()["id"]
    assert locs(sharded.patch(f"/api/sessions/{sid}", json={"hidden_layers": [500]})) == ["body.hidden_layers.0"]
    assert locs(sharded.get(f"/api/sessions/{sid}/boundary", params={"layer": 5, "unit": 0})) == ["query.layer"]
    assert locs(sharded.post(f"/api/sessions/{sid}/checkpoints/9/restore")) == ["path.epoch"]
    assert sharded.get(f"/api/sessions/{sid}/collapsed").status_code == 422
    assert sharded.get("/api/sessions/nope/frame").status_code == 404


def test_stream_and_watchers_through_workers(sharded: TestClient) -> None:
    sid = sharded.post("/api/sessions", json={"dataset": {"name": "xor"}, "hidden_layers": [4]}).json()["id"]
    link = sharded.post(f"/api/sessions/{sid}/watch").json()
    with (
        sharded.websocket_connect(f"/api/sessions/{sid}/stream") as ws,
        sharded.websocket_connect(link["stream"]) as student,
    ):
        assert ws.receive_json()["type"] == "frame"
        student.receive_json()
        ws.send_json({"type": "play", "speed": "max"})
        for _ in range(200):
            frame = student.receive_json()
            if frame["state"]["epoch"] >= 5:
                break
        assert frame["state"]["status"] == "training"
        ws.send_json({"type": "pause"})
    # Both sockets gone (the server notices a moment later): play stops.
    for _ in range(200):
        state = sharded.get(f"/api/sessions/{sid}").json()["state"]
        if state["status"] == "ready":
            break
    assert state["status"] == "ready"
    assert sharded.post(f"/api/sessions/{sid}/step").json()["step"] == state["step"] + 1


def test_a_lost_worker_loses_only_its_sessions(sharded: TestClient) -> None:
    host = sharded.app.state.store.host  # type: ignore[attr-defined]
    ids = [sharded.post("/api/sessions", json={}).json()["id"] for _ in range(2)]
    doomed, kept = ids if host._where[ids[0]].index == 0 else ids[::-1]
    os.kill(host.workers[0].process.pid, signal.SIGKILL)
    for _ in range(100):
        if sharded.get(f"/api/sessions/{doomed}").status_code == 404:
            break
    assert sharded.get(f"/api/sessions/{doomed}").status_code == 404
    assert sharded.post(f"/api/sessions/{kept}/step").status_code == 200
    for _ in range(3):  # the replacement worker takes new sessions again
        sid = sharded.post("/api/sessions", json={}).json()["id"]
        assert sharded.post(f"/api/sessions/{sid}/step").status_code == 200


def test_a_lost_workers_sessions_free_their_places_at_once(sharded: TestClient) -> None:
    store = sharded.app.state.store  # type: ignore[attr-defined]
    ids = [sharded.post("/api/sessions", json={}).json()["id"] for _ in range(4)]
    doomed = [sid for sid in ids if store.host._where[sid].index == 0]
    used = store.used
    os.kill(store.host.workers[0].process.pid, signal.SIGKILL)
    for _ in range(200):  # nobody asks for the lost sessions: health alone must see them go
        if sharded.get("/api/health").json()["sessions"] == len(ids) - len(doomed):
            break
        time.sleep(0.01)
    assert sharded.get("/api/health").json()["sessions"] == len(ids) - len(doomed) == 2
    assert all(sid not in store for sid in doomed) and store.used < used
