"""Lean frames on the stream: subscribe with "maps": false and get binary frames without maps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from app.server import create_app
from app.settings import Settings
from tests.api.conftest import create
from tests.lean_frames import decode, network_params

LEAN = {"type": "subscribe", "fps": 30, "maps": False}


def stream(client: TestClient, sid: str) -> Any:
    return client.websocket_connect(f"/api/sessions/{sid}/stream")


def lean_frame(ws: WebSocketTestSession) -> tuple[dict[str, Any], np.ndarray]:
    """The next lean frame, skipping the full frames sent before the subscription took."""
    for _ in range(20):
        message = ws.receive()
        if message.get("bytes") is not None:
            return decode(message["bytes"])
        assert json.loads(message["text"])["type"] == "frame", message
    raise AssertionError("no lean frame")


def until_lean(ws: WebSocketTestSession, test: Any, limit: int = 500) -> tuple[dict[str, Any], np.ndarray]:
    for _ in range(limit):
        header, params = lean_frame(ws)
        if test(header):
            return header, params
    raise AssertionError("condition never met")


def two_epochs_watched(
    driver: WebSocketTestSession, watcher: WebSocketTestSession
) -> tuple[dict[str, Any], np.ndarray]:
    """The watcher subscribes lean, the driver steps two epochs: the watcher's frame at epoch 2."""
    driver.receive_json()
    watcher.receive_json()
    watcher.send_json(LEAN)
    lean_frame(watcher)
    driver.send_json({"type": "step", "steps": 2, "unit": "epoch"})
    return until_lean(watcher, lambda h: h["state"]["epoch"] == 2)


def test_a_paused_session_sends_a_lean_frame_at_once(client: TestClient, sid: str) -> None:
    with stream(client, sid) as ws:
        ws.receive_json()
        ws.send_json(LEAN)
        header, params = lean_frame(ws)
    assert header["type"] == "frame" and header["state"]["epoch"] == 0
    assert header["network"] == {
        "features": ["x1", "x2"],
        "activation": "tanh",
        "leaky_slope": 0.01,
        "sizes": [2, 4, 1],
        "output": "sigmoid",
    }
    assert "boundary" not in header and "neurons" not in header and "weights" not in header
    assert np.array_equal(params, network_params(client.get(f"/api/sessions/{sid}/network").json()))


def test_params_follow_training_and_equal_the_network(client: TestClient, sid: str) -> None:
    with stream(client, sid) as ws:
        ws.receive_json()
        ws.send_json(LEAN)
        ws.send_json({"type": "step", "steps": 3, "unit": "epoch"})
        header, params = until_lean(ws, lambda h: h["state"]["epoch"] == 3)
        assert [r["epoch"] for r in header["history_tail"]][-1] == 3
        network = client.get(f"/api/sessions/{sid}/network").json()
    assert np.array_equal(params, network_params(network))


def test_the_header_equals_a_full_frame_of_the_same_version(client: TestClient, sid: str) -> None:
    with stream(client, sid) as full, stream(client, sid) as thin:
        header, _ = two_epochs_watched(full, thin)
        for _ in range(500):
            frame = full.receive_json()
            if frame["version"] == header["version"]:
                break
    assert "boundary" in frame and "neurons" in frame and "weights" in frame  # the old subscription is unchanged
    for key in ("type", "version", "config_version", "state"):
        assert header[key] == frame[key], key


def test_a_lean_watcher_gets_the_config_when_it_changes(client: TestClient, sid: str) -> None:
    with stream(client, sid) as ws:
        ws.receive_json()
        ws.send_json(LEAN)
        lean_frame(ws)
        ws.send_json({"type": "configure", "config": {"hidden_layers": [5, 3], "activation": "relu"}})
        header, params = until_lean(ws, lambda h: "config" in h)
    assert header["config"]["hidden_layers"] == [5, 3]
    assert header["network"]["sizes"] == [2, 5, 3, 1] and header["network"]["activation"] == "relu"
    assert params.size == 2 * 5 + 5 + 5 * 3 + 3 + 3 * 1 + 1


def test_maps_true_goes_back_to_full_frames(client: TestClient, sid: str) -> None:
    with stream(client, sid) as ws:
        ws.receive_json()
        ws.send_json(LEAN)
        lean_frame(ws)
        ws.send_json({"type": "subscribe", "fps": 30, "maps": True})
        for _ in range(20):
            message = ws.receive()
            if message.get("text") is not None:
                break
    frame = json.loads(message["text"])
    assert frame["type"] == "frame" and frame["boundary"]["resolution"] == 100


def test_students_on_a_watch_link_get_lean_frames(client: TestClient, sid: str) -> None:
    token = client.post(f"/api/sessions/{sid}/watch").json()["token"]
    with stream(client, sid) as presenter, client.websocket_connect(f"/api/watch/{token}/stream") as student:
        _, params = two_epochs_watched(presenter, student)
        assert np.array_equal(params, network_params(client.get(f"/api/sessions/{sid}/network").json()))


@pytest.mark.parametrize("maps", ["no", 0, 1, None, "false", [False]])
def test_maps_must_be_a_bool(client: TestClient, sid: str, maps: Any) -> None:
    with stream(client, sid) as ws:
        ws.receive_json()
        ws.send_text(json.dumps({"type": "subscribe", "fps": 10, "maps": maps}))
        error = ws.receive_json()
        assert error["type"] == "error" and error["detail"].startswith("maps:")
        ws.send_json({"type": "step"})
        for _ in range(500):  # still full frames: the bad subscription changed nothing
            frame = ws.receive_json()
            if frame["state"]["step"] == 1:
                break
        assert "boundary" in frame


def test_the_address_can_ask_for_lean_frames_from_the_first(client: TestClient, sid: str) -> None:
    token = client.post(f"/api/sessions/{sid}/watch").json()["token"]
    for path in (f"/api/sessions/{sid}/stream", f"/api/watch/{token}/stream"):
        with client.websocket_connect(f"{path}?maps=false&fps=30") as ws:
            header, params = decode(ws.receive_bytes())  # no full frame first
            assert header["state"]["epoch"] == 0
            assert np.array_equal(params, network_params(client.get(f"/api/sessions/{sid}/network").json()))


@pytest.mark.parametrize(
    ("query", "field"), [("fps=500", "fps"), ("maps=maybe", "maps"), ("fps=x", "fps"), ("colour=red", "colour")]
)
def test_a_bad_address_subscription_is_named_and_changes_nothing(
    client: TestClient, sid: str, query: str, field: str
) -> None:
    with client.websocket_connect(f"/api/sessions/{sid}/stream?maps=false&{query}") as ws:
        error = ws.receive_json()
        assert error["type"] == "error" and error["detail"].startswith(f"{field}:"), error
        assert "boundary" in ws.receive_json()  # today's full frames, as without a query


def test_lean_frames_on_a_sharded_host(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "runs.sqlite3", sweep_interval=3600, workers=1)
    with TestClient(create_app(settings)) as client:
        sid = create(client, dataset={"name": "spiral"}, hidden_layers=[8, 8])
        with stream(client, sid) as ws:
            ws.receive_json()
            ws.send_json(LEAN)
            ws.send_json({"type": "step", "steps": 1, "unit": "epoch"})
            _, params = until_lean(ws, lambda h: h["state"]["epoch"] == 1)
            network = client.get(f"/api/sessions/{sid}/network").json()
    assert np.array_equal(params, network_params(network))
