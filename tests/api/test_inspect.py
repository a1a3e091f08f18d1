"""Checkpoints, code export, presenter links, landscapes."""

from __future__ import annotations

import base64
import runpy
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.api.conftest import create, locs


def test_checkpoints_scrub_and_branch(client: TestClient, sid: str) -> None:
    client.post(f"/api/sessions/{sid}/step", json={"steps": 30, "unit": "epoch"})
    points = client.get(f"/api/sessions/{sid}/checkpoints").json()
    epochs = [p["epoch"] for p in points]
    assert epochs[0] == 0 and epochs[-1] == 30
    now = client.get(f"/api/sessions/{sid}/boundary").json()["data"]
    view = client.get(f"/api/sessions/{sid}/checkpoints/0", params={"resolution": 100}).json()
    assert view["epoch"] == 0 and view["boundary"]["data"] != now
    assert len(base64.b64decode(view["neurons"]["layers"][0]["data"])) == 4 * 12 * 12
    assert client.get(f"/api/sessions/{sid}").json()["state"]["epoch"] == 30  # scrubbing changes nothing
    assert client.get(f"/api/sessions/{sid}/checkpoints/99").status_code == 422
    branched = client.post(f"/api/sessions/{sid}/checkpoints/10/restore").json()
    assert branched["state"]["epoch"] == 10
    assert [r["epoch"] for r in client.get(f"/api/sessions/{sid}/history").json()][-1] == 10
    assert locs(client.post(f"/api/sessions/{sid}/checkpoints/11/restore")) == ["path.epoch"]


def test_numpy_script_reproduces_predictions(client: TestClient, tmp_path: Path) -> None:
    for config in (
        {
            "dataset": {"name": "spiral", "classes": 3},
            "hidden_layers": [6, 5],
            "activation": "gelu",
            "features": ["x1", "x2", "sin_x1", "x1_times_x2"],
        },
        {"dataset": {"name": "xor"}, "hidden_layers": [4], "activation": "relu", "loss": "hinge"},
        {"dataset": {"name": "bumps"}, "hidden_layers": [5], "activation": "swish"},
        {"dataset": {"name": "moons"}, "hidden_layers": [], "features": ["x1_squared", "x2"]},
    ):
        sid = create(client, **config)
        client.post(f"/api/sessions/{sid}/step", json={"steps": 10, "unit": "epoch"})
        r = client.get(f"/api/sessions/{sid}/export/numpy")
        assert r.headers["content-type"].startswith("text/x-python")
        path = tmp_path / f"model_{sid}.py"
        path.write_text(r.text)
        module = runpy.run_path(str(path))
        points = np.random.default_rng(0).uniform(-6, 6, (300, 2)).tolist()
        expected = client.post(f"/api/sessions/{sid}/predict", json={"points": points}).json()
        got = np.asarray(module["predict"](points))
        want = np.asarray(expected.get("probabilities", expected.get("values")))
        assert np.abs(got.reshape(want.shape[0], -1) - want.reshape(want.shape[0], -1)).max() < 1e-9


def test_pytorch_snippet_reproduces_predictions(client: TestClient, tmp_path: Path) -> None:
    sid = create(client, dataset={"name": "blobs", "classes": 4}, hidden_layers=[5, 3], activation="elu")
    client.post(f"/api/sessions/{sid}/step", json={"steps": 5, "unit": "epoch"})
    text = client.get(f"/api/sessions/{sid}/export/pytorch").text
    compile(text, "model_pytorch.py", "exec")  # always: it is valid Python
    pytest.importorskip("torch", reason="torch is not installed (pip install '.[bench]')")
    path = tmp_path / "model_pytorch.py"
    path.write_text(text)
    module = runpy.run_path(str(path))
    points = np.random.default_rng(1).uniform(-6, 6, (100, 2)).tolist()
    want = np.asarray(client.post(f"/api/sessions/{sid}/predict", json={"points": points}).json()["probabilities"])
    assert np.abs(module["predict"](points).numpy() - want).max() < 1e-9


def test_gradcheck_collapse_slice_health_shapes(client: TestClient) -> None:
    sid = create(client, hidden_layers=[3, 3], activation="linear")
    check = client.get(f"/api/sessions/{sid}/gradcheck", params={"per_layer": 5}).json()
    assert [layer["checked"] for layer in check["layers"]] == [5, 5, 4]
    assert client.get(f"/api/sessions/{sid}/collapsed").json()["layers"] == 3
    plane = client.get(f"/api/sessions/{sid}/landscape", params={"resolution": 5, "span": 0.5}).json()
    assert len(plane["loss"]) == 5 and plane["loss"][2][2] == pytest.approx(plane["centre"])
    assert locs(client.get(f"/api/sessions/{sid}/landscape", params={"resolution": 1000})) == ["query.resolution"]
    health = client.get(f"/api/sessions/{sid}/health").json()
    assert len(health["layers"]) == 3 and health["layers"][0]["saturated"] is None


def test_presenter_link_watches_read_only(client: TestClient, sid: str) -> None:
    link = client.post(f"/api/sessions/{sid}/watch").json()
    assert client.post(f"/api/sessions/{sid}/watch").json() == link
    assert link["url"] == f"/watch/{link['token']}" and link["token"] != sid
    view = client.get(f"/api/watch/{link['token']}").json()
    assert "id" not in view and view["config"]["hidden_layers"] == [4]
    assert len(client.get(f"/api/watch/{link['token']}/data").json()["train"]["points"]) == 250
    assert client.get(f"/watch/{link['token']}").status_code == 200
    with (
        client.websocket_connect(link["stream"]) as watcher,
        client.websocket_connect(f"/api/sessions/{sid}/stream") as teacher,
    ):
        assert watcher.receive_json()["type"] == "frame"
        teacher.receive_json()
        watcher.send_json({"type": "play", "speed": "max"})
        error = watcher.receive_json()
        assert error["type"] == "error" and "only watch" in error["detail"]
        teacher.send_json({"type": "step", "steps": 2, "unit": "epoch"})
        for _ in range(50):
            frame = watcher.receive_json()
            if frame["state"]["epoch"] == 2:
                break
        assert frame["state"]["epoch"] == 2
    assert client.get(f"/api/sessions/{sid}").json()["state"]["status"] == "ready"
    client.delete(f"/api/sessions/{sid}")
    assert client.get(f"/api/watch/{link['token']}").status_code == 404
    with client.websocket_connect(link["stream"]) as gone:
        assert gone.receive_json()["type"] == "error"
        with pytest.raises(WebSocketDisconnect):
            gone.receive_json()


def test_landscape_validation(client: TestClient) -> None:
    assert locs(client.post("/api/landscapes/linear", json={"extent": [1, 0, 0, 1]})) == ["body.extent"]
    assert locs(client.post("/api/landscapes/linear", json={"learning_rate": 0})) == ["body.learning_rate"]
    assert client.post("/api/landscapes/cubic", json={}).status_code == 422
    body = client.post("/api/landscapes/logistic").json()
    assert len(body["loss"]) == 61 and body["minimum"] is None and len(body["points"]) == 100


def test_landscape_says_where_descent_diverges_and_keeps_the_path_near_the_surface(client: TestClient) -> None:
    calm = client.post("/api/landscapes/linear", json={"learning_rate": 0.1, "steps": 60}).json()
    b, w, _ = calm["minimum"]
    assert calm["path"][-1][:2] == pytest.approx([b, w], abs=1e-4)
    assert calm["uphill_step"] is None and calm["turns"] == 0 and calm["stable_rate"] == pytest.approx(0.386, abs=5e-3)
    wild = client.post("/api/landscapes/linear", json={"learning_rate": 1.0, "steps": 60}).json()
    assert wild["uphill_step"] == 1 and len(wild["path"]) < 61
    assert all(abs(p[0]) <= 18 and -17 <= p[1] <= 19 for p in wild["path"][:-1])
    flung = client.post("/api/landscapes/logistic", json={"learning_rate": 100.0, "steps": 60}).json()
    assert flung["uphill_step"] is not None
