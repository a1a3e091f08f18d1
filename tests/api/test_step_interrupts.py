"""A long step over REST or the socket ends when someone else changes the session or its client leaves."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import create
from tests.api.test_stream import stream, until
from tests.processes import HOST, ServerProcess

SLOW = {"dataset": {"name": "spiral", "samples": 1000}, "hidden_layers": [16, 16]}
LONG_STEP = {"steps": 100_000, "unit": "epoch"}


def training(get: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Poll the session's state until it has trained an epoch; it must say it is training."""
    for _ in range(1000):
        state = get()["state"]
        if state["epoch"] >= 1:
            assert state["status"] == "training"
            return state
        time.sleep(0.01)
    raise AssertionError("the step never got going")


def still(get: Callable[[], dict[str, Any]]) -> int:
    """Once the session is no longer training: its step count, which must then stay put."""
    for _ in range(1000):
        state = get()["state"]
        if state["status"] == "ready":
            break
        time.sleep(0.01)
    assert state["status"] == "ready"
    time.sleep(0.3)
    assert get()["state"]["step"] == state["step"]
    return int(state["step"])


@pytest.mark.parametrize(
    ("method", "path", "body", "word"),
    [
        ("POST", "/reset", None, "reset"),
        ("PATCH", "", {"optimizer": {"learning_rate": 0.01}}, "reconfigured"),
        ("DELETE", "", None, "deleted"),
    ],
)
def test_a_rest_step_answers_interrupted_with_the_epoch_it_reached(
    client: TestClient, method: str, path: str, body: Any, word: str
) -> None:
    sid = create(client, **SLOW)
    with ThreadPoolExecutor(1) as pool:
        stepping = pool.submit(client.post, f"/api/sessions/{sid}/step", json=LONG_STEP)
        try:
            reached = training(lambda: client.get(f"/api/sessions/{sid}").json())
            assert client.request(method, f"/api/sessions/{sid}{path}", json=body).status_code in (200, 204)
            response = stepping.result()
        finally:
            client.delete(f"/api/sessions/{sid}")  # a failing case must not leave the step running
    assert response.status_code == 200
    state = response.json()
    assert state["interrupted"] is True and word in state["interruption"]
    assert state["epoch"] >= reached["epoch"] and f"epoch {state['epoch']}," in state["interruption"]


def test_a_step_that_runs_to_the_end_is_not_interrupted(client: TestClient, sid: str) -> None:
    state = client.post(f"/api/sessions/{sid}/step", json={"steps": 2, "unit": "epoch"}).json()
    assert state["interrupted"] is False and state["interruption"] == "" and state["epoch"] == 2


def test_pause_over_the_socket_stops_a_step_sent_over_it(client: TestClient) -> None:
    sid = create(client, **SLOW)
    with stream(client, sid) as ws:
        ws.send_json({"type": "step", **LONG_STEP})
        until(ws, lambda f: f["state"]["epoch"] >= 1 and f["state"]["status"] == "training")
        ws.send_json({"type": "pause"})
        until(ws, lambda f: f["state"]["status"] == "ready")
        still(lambda: client.get(f"/api/sessions/{sid}").json())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path / "runs.sqlite3", log=tmp_path / "server.log", env={"NEURAL_PLAYGROUND_WORKERS": "2"}
    )
    process.start()
    try:
        yield process
    finally:
        process.stop()


def test_a_step_stops_when_its_client_hangs_up(server: ServerProcess) -> None:
    status, view = server.request("POST", "/api/sessions", SLOW)
    assert status == 201
    sid = view["id"]
    body = json.dumps(LONG_STEP).encode()
    with socket.create_connection((HOST, server.port)) as client:
        client.sendall(
            f"POST /api/sessions/{sid}/step HTTP/1.1\r\nHost: {HOST}:{server.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        training(lambda: server.request("GET", f"/api/sessions/{sid}")[1])
    stopped = still(lambda: server.request("GET", f"/api/sessions/{sid}")[1])
    status, state = server.request("POST", f"/api/sessions/{sid}/step")
    assert status == 200 and state["step"] == stopped + 1
