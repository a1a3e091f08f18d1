"""The WebSocket stream: frames, play and pause, several watchers, bad messages."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from app.settings import Settings
from tests.api.conftest import FakeClock, create


def frame(ws: WebSocketTestSession) -> dict[str, Any]:
    """The next frame; errors fail the test."""
    message = ws.receive_json()
    assert message["type"] == "frame", message
    return message


def until(ws: WebSocketTestSession, test: Any, limit: int = 500) -> dict[str, Any]:
    for _ in range(limit):
        f = frame(ws)
        if test(f):
            return f
    raise AssertionError("condition never met")


def stream(client: TestClient, sid: str) -> Any:
    return client.websocket_connect(f"/api/sessions/{sid}/stream")


def test_first_frame_arrives_at_once_with_everything(client: TestClient, sid: str) -> None:
    with stream(client, sid) as ws:
        f = frame(ws)
    assert f["state"]["epoch"] == 0 and f["state"]["status"] == "ready"
    assert f["config"]["hidden_layers"] == [4]  # a new watcher gets the config
    b = f["boundary"]
    assert b["resolution"] == 100 and b["planes"] == 1 and len(base64.b64decode(b["data"])) == 10_000
    layer = f["neurons"]["layers"][0]
    assert layer["units"] == 4 and len(base64.b64decode(layer["data"])) == 4 * 12 * 12
    assert len(f["weights"]["layers"]) == 2


def test_play_gives_frames_and_pause_stops_training(client: TestClient, sid: str) -> None:
    with stream(client, sid) as ws:
        frame(ws)
        ws.send_json({"type": "play", "speed": "max"})
        seen = [until(ws, lambda f: f["state"]["status"] == "training")]
        seen += [frame(ws) for _ in range(5)]
        epochs = [f["state"]["epoch"] for f in seen]
        assert epochs == sorted(epochs) and epochs[-1] > epochs[0]
        tail = [r["epoch"] for f in seen for r in f["history_tail"]]
        assert tail == sorted(tail) and len(set(tail)) == len(tail)  # each point sent once
        ws.send_json({"type": "pause"})
        until(ws, lambda f: f["state"]["status"] == "ready")
        # Nothing trains any more: each single REST step adds exactly one.
        before = client.get(f"/api/sessions/{sid}").json()["state"]["step"]
        for k in range(1, 4):
            assert client.post(f"/api/sessions/{sid}/step").json()["step"] == before + k


def test_play_at_a_set_speed(client: TestClient, sid: str) -> None:
    with stream(client, sid) as ws:
        frame(ws)
        ws.send_json({"type": "subscribe", "fps": 30})
        ws.send_json({"type": "play", "speed": 50})
        f = until(ws, lambda f: f["state"]["epoch"] >= 10)
        assert f["state"]["status"] == "training"
        ws.send_json({"type": "pause"})


def test_step_reset_configure_over_the_socket(client: TestClient, sid: str) -> None:
    with stream(client, sid) as ws:
        frame(ws)
        ws.send_json({"type": "step", "steps": 3, "unit": "epoch"})
        assert until(ws, lambda f: f["state"]["epoch"] == 3)["state"]["step"] == 75
        ws.send_json({"type": "reset"})
        until(ws, lambda f: f["state"]["epoch"] == 0)
        ws.send_json({"type": "configure", "config": {"hidden_layers": [5, 5]}})
        f = until(ws, lambda f: "config" in f)
        assert f["config"]["hidden_layers"] == [5, 5]
        assert [layer["units"] for layer in f["neurons"]["layers"]] == [5, 5]
        ws.send_json({"type": "configure", "config": {"hidden_layers": [500]}})
        error = ws.receive_json()
        assert error["type"] == "error" and "config.hidden_layers.0" in error["detail"]
    assert client.get(f"/api/sessions/{sid}").json()["config"]["hidden_layers"] == [5, 5]


def test_subscribe_sets_map_resolutions(client: TestClient, sid: str) -> None:
    with stream(client, sid) as ws:
        frame(ws)
        ws.send_json({"type": "subscribe", "fps": 10, "boundary_resolution": 40, "neuron_resolution": 8})
        ws.send_json({"type": "step"})
        f = until(ws, lambda f: f["boundary"]["resolution"] == 40)
        assert f["neurons"]["resolution"] == 8
        assert len(base64.b64decode(f["neurons"]["layers"][0]["data"])) == 4 * 8 * 8


def test_two_watchers_see_the_same_frames(client: TestClient, sid: str) -> None:
    with stream(client, sid) as a, stream(client, sid) as b:
        frame(a)
        frame(b)
        a.send_json({"type": "step", "steps": 2, "unit": "epoch"})
        fa = until(a, lambda f: f["state"]["epoch"] == 2)
        fb = until(b, lambda f: f["state"]["epoch"] == 2)
        assert fa["version"] == fb["version"]
        assert {k: fa[k] for k in ("state", "boundary", "neurons", "weights")} == {
            k: fb[k] for k in ("state", "boundary", "neurons", "weights")
        }


def test_last_watcher_leaving_pauses_play(client: TestClient, sid: str) -> None:
    with stream(client, sid) as ws:
        frame(ws)
        ws.send_json({"type": "play", "speed": "max"})
        until(ws, lambda f: f["state"]["status"] == "training")
    for _ in range(200):  # the server notices the socket has gone a moment later
        state = client.get(f"/api/sessions/{sid}").json()["state"]
        if state["status"] == "ready":
            break
    assert state["status"] == "ready"
    assert client.post(f"/api/sessions/{sid}/step").json()["step"] == state["step"] + 1


@pytest.mark.parametrize(
    ("message", "needle"),
    [
        ("{not json", "JSON"),
        (json.dumps({"type": "dance"}), "type"),
        (json.dumps(["play"]), "type"),
        (json.dumps({"type": "play", "speed": -1}), "speed"),
        (json.dumps({"type": "play", "speed": "fast"}), "speed"),
        (json.dumps({"type": "step", "steps": 10**9}), "steps"),
        (json.dumps({"type": "subscribe", "fps": 1000}), "fps"),
        (json.dumps({"type": "configure"}), "config"),
        (json.dumps({"type": "pause", "extra": 1}), "extra"),
        ('{"type": "play", "speed": NaN}', "speed"),
    ],
)
def test_bad_messages_get_errors_and_the_socket_stays_open(
    client: TestClient, sid: str, message: str, needle: str
) -> None:
    with stream(client, sid) as ws:
        frame(ws)
        ws.send_text(message)
        error = ws.receive_json()
        assert error["type"] == "error" and needle in error["detail"]
        ws.send_json({"type": "step"})
        assert until(ws, lambda f: f["state"]["step"] == 1)


def test_binary_messages_are_refused_politely(client: TestClient, sid: str) -> None:
    with stream(client, sid) as ws:
        frame(ws)
        ws.send_bytes(b"\x00\x01\x02")
        assert "binary" in ws.receive_json()["detail"]
        ws.send_json({"type": "step"})
        until(ws, lambda f: f["state"]["step"] == 1)


def test_unknown_session_is_told_and_closed(client: TestClient) -> None:
    with stream(client, "no-such-session") as ws:
        assert ws.receive_json()["type"] == "error"
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_json()
    assert info.value.code == 4404


def test_deleting_a_watched_session_closes_its_sockets(client: TestClient) -> None:
    sid = create(client)
    with stream(client, sid) as ws:
        frame(ws)
        assert client.delete(f"/api/sessions/{sid}").status_code == 204
        assert ws.receive_json()["type"] == "error"
        with pytest.raises(WebSocketDisconnect):
            ws.receive_json()


def test_watched_sessions_do_not_expire(client: TestClient, sid: str, clock: FakeClock, settings: Settings) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    with stream(client, sid) as ws:
        frame(ws)
        clock.advance(settings.session_ttl * 2)
        assert client.portal.call(store.sweep) == []  # type: ignore[union-attr]
    clock.advance(settings.session_ttl / 2)
    assert client.portal.call(store.sweep) == []  # type: ignore[union-attr]
    clock.advance(settings.session_ttl)
    assert client.portal.call(store.sweep) == [sid]  # type: ignore[union-attr]


def test_diverging_play_stops_and_says_so(client: TestClient) -> None:
    sid = create(client, dataset={"name": "spiral"}, optimizer={"learning_rate": 10})
    with stream(client, sid) as ws:
        frame(ws)
        ws.send_json({"type": "play", "speed": "max"})
        f = until(ws, lambda f: f["state"]["status"] == "diverged")
    assert "learning rate" in f["state"]["message"]


def test_history_restarts_after_a_reset(client: TestClient, sid: str) -> None:
    with stream(client, sid) as ws:
        frame(ws)
        ws.send_json({"type": "step", "steps": 5, "unit": "epoch"})
        until(ws, lambda f: f["state"]["epoch"] == 5)
        ws.send_json({"type": "reset"})
        until(ws, lambda f: f["state"]["epoch"] == 0)
        ws.send_json({"type": "step", "steps": 2, "unit": "epoch"})
        f = until(ws, lambda f: f["state"]["epoch"] == 2)
        assert [r["epoch"] for r in f["history_tail"]][-1] == 2


def test_students_are_told_when_the_presenter_leaves(client: TestClient, sid: str) -> None:
    token = client.post(f"/api/sessions/{sid}/watch").json()["token"]
    with client.websocket_connect(f"/api/watch/{token}/stream") as student:
        frame(student)
        with stream(client, sid) as presenter:
            frame(presenter)
        with pytest.raises(WebSocketDisconnect) as info:
            until(student, lambda f: False)
    assert info.value.code == 4410
    assert info.value.reason == "the presenter has left"
