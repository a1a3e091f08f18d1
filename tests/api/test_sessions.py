"""Every session route and its errors, through the ASGI app."""

from __future__ import annotations

import base64
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from app.settings import Settings
from tests.api.conftest import FakeClock, create, locs


def test_create_with_empty_config_gets_defaults(client: TestClient) -> None:
    r = client.post("/api/sessions", json={})
    assert r.status_code == 201
    body = r.json()
    assert len(body["id"]) >= 22  # 128 random bits, url-safe
    assert body["config"]["dataset"]["name"] == "circle"
    assert body["state"]["epoch"] == 0 and body["state"]["status"] == "ready"
    assert client.post("/api/sessions").status_code == 201  # no body at all


def test_create_rejects_bad_configs_naming_the_field(client: TestClient) -> None:
    assert "body.hidden_layers" in locs(client.post("/api/sessions", json={"hidden_layers": [8] * 10000}))
    assert locs(client.post("/api/sessions", json={"dataset": {"samples": -5}})) == ["body.dataset.samples"]
    assert locs(client.post("/api/sessions", json={"batch_size": 10**12})) == ["body.batch_size"]
    bad_nan = client.post(
        "/api/sessions", content=b'{"optimizer": {"learning_rate": NaN}}', headers={"content-type": "application/json"}
    )
    assert locs(bad_nan) == ["body.optimizer.learning_rate"]
    assert (
        client.post("/api/sessions", content=b"{oops", headers={"content-type": "application/json"}).status_code == 422
    )
    assert client.get("/api/health").json()["sessions"] == 0


def test_get_step_reset_delete(client: TestClient, sid: str) -> None:
    assert client.get(f"/api/sessions/{sid}").json()["id"] == sid
    state = client.post(f"/api/sessions/{sid}/step", json={"steps": 30, "unit": "epoch"}).json()
    assert state["epoch"] == 30 and state["test_accuracy"] >= 0.97
    one = client.post(f"/api/sessions/{sid}/step").json()
    assert one["step"] == state["step"] + 1
    reset = client.post(f"/api/sessions/{sid}/reset").json()
    assert reset["state"]["epoch"] == 0 and reset["state"]["step"] == 0
    assert client.delete(f"/api/sessions/{sid}").status_code == 204
    assert client.get(f"/api/sessions/{sid}").status_code == 404
    assert client.delete(f"/api/sessions/{sid}").status_code == 404


def test_unknown_ids_are_404_everywhere(client: TestClient) -> None:
    for method, path in [
        ("get", ""),
        ("patch", ""),
        ("post", "/step"),
        ("post", "/reset"),
        ("delete", ""),
        ("get", "/data"),
        ("put", "/data"),
        ("get", "/network"),
        ("get", "/history"),
        ("get", "/boundary"),
        ("post", "/predict"),
        ("get", "/frame"),
        ("get", "/export"),
    ]:
        for bad in ("nope", "../../etc/passwd", "%00", "a" * 64):
            r = client.request(method, f"/api/sessions/{bad}{path}", json={})
            assert r.status_code in (404, 422), (method, path, bad, r.status_code)
            assert r.status_code != 500
    assert client.get("/api/sessions/" + "a" * 65).status_code in (404, 422)


def test_step_bounds(client: TestClient, sid: str) -> None:
    assert locs(client.post(f"/api/sessions/{sid}/step", json={"steps": 0})) == ["body.steps"]
    assert locs(client.post(f"/api/sessions/{sid}/step", json={"steps": 100_001})) == ["body.steps"]
    assert locs(client.post(f"/api/sessions/{sid}/step", json={"unit": "year"})) == ["body.unit"]
    assert client.get(f"/api/sessions/{sid}").json()["state"]["step"] == 0


def test_patch_live_and_rebuild(client: TestClient, sid: str) -> None:
    client.post(f"/api/sessions/{sid}/step", json={"steps": 5, "unit": "epoch"})
    live = client.patch(f"/api/sessions/{sid}", json={"optimizer": {"learning_rate": 0.05}, "batch_size": 5}).json()
    assert live["rebuilt"] is False and live["state"]["epoch"] == 5
    assert live["config"]["optimizer"]["learning_rate"] == 0.05 and live["config"]["hidden_layers"] == [4]
    rebuilt = client.patch(f"/api/sessions/{sid}", json={"hidden_layers": [3, 3]}).json()
    assert rebuilt["rebuilt"] is True and rebuilt["state"]["epoch"] == 0
    bad = client.patch(f"/api/sessions/{sid}", json={"hidden_layers": [3, 300], "activation": "relu"})
    assert locs(bad) == ["body.hidden_layers.1"]
    after = client.get(f"/api/sessions/{sid}").json()
    assert after["config"]["hidden_layers"] == [3, 3] and after["config"]["activation"] == "tanh"
    assert locs(client.patch(f"/api/sessions/{sid}", json={"dataset": {"name": "plane"}, "loss": "hinge"})) == [
        "body.loss"
    ]
    assert client.patch(f"/api/sessions/{sid}", json={"dataset": {"name": "plane"}}).json()["config"]["loss"] == "mse"


def test_data_json_and_csv(client: TestClient, sid: str) -> None:
    data = client.get(f"/api/sessions/{sid}/data").json()
    assert len(data["train"]["points"]) == 250 and len(data["test"]["labels"]) == 250
    points = [[-3, -3], [3, 3], [-3, 3], [3, -3], [-2.5, -3], [2.5, 3]]
    r = client.put(f"/api/sessions/{sid}/data", json={"points": points, "labels": [0, 0, 1, 1, 0, 0]})
    assert r.status_code == 200, r.text
    assert r.json()["config"]["dataset"]["name"] == "custom" and r.json()["config"]["dataset"]["samples"] == 6
    csv = "x1,x2,label\n1,1,0\n-1,-1,1\n2,2,2\n"
    r = client.put(f"/api/sessions/{sid}/data", content=csv, headers={"content-type": "text/csv"})
    assert r.status_code == 200 and r.json()["config"]["dataset"]["classes"] == 3
    r = client.put(f"/api/sessions/{sid}/data", files={"file": ("pts.csv", "1,1,0\n2,2,1\n", "text/csv")})
    assert r.status_code == 200 and r.json()["config"]["dataset"]["samples"] == 2


def test_data_errors_name_the_line_and_change_nothing(client: TestClient, sid: str) -> None:
    before = client.get(f"/api/sessions/{sid}").json()
    for text, line in [
        ("1,1,0\n2,x,1\n", 2),
        ("1,1,0\n2,2\n", 2),
        ("1,1,0\n1,1,9\n", 2),
        ("1,nan,0\n1,1,1\n", 1),
        ("1,1,0\n1,inf,1\n", 2),
        ("1,1,0\n1,99,1\n", 2),
        ("1,1,0.5\n1,1,1\n", 1),
    ]:
        r = client.put(f"/api/sessions/{sid}/data", content=text, headers={"content-type": "text/csv"})
        assert locs(r) == [f"body.line.{line}"], text
        assert f"line {line}" in r.json()["detail"][0]["msg"]
    assert locs(client.put(f"/api/sessions/{sid}/data", json={"points": [[0, 0], [1, 1]], "labels": [0]})) == [
        "body.labels"
    ]
    assert locs(client.put(f"/api/sessions/{sid}/data", json={"points": [[0, 7], [1, 1]], "labels": [0, 1]})) == [
        "body.points.0.1"
    ]
    assert client.get(f"/api/sessions/{sid}").json() == before


def test_oversized_uploads_are_413(client: TestClient, sid: str) -> None:
    big = "1,1,0\n" * 200_000  # 1.2 MB
    assert client.put(f"/api/sessions/{sid}/data", content=big, headers={"content-type": "text/csv"}).status_code == 413
    rows = "1,1,0\n" * 5001
    assert (
        client.put(f"/api/sessions/{sid}/data", content=rows, headers={"content-type": "text/csv"}).status_code == 413
    )
    many = {"points": [[0, 0]] * 5001, "labels": [0] * 5001}
    assert client.put(f"/api/sessions/{sid}/data", json=many).status_code == 413
    assert client.get(f"/api/sessions/{sid}").json()["config"]["dataset"]["name"] == "xor"


def test_network_shapes_and_gradients(client: TestClient, sid: str) -> None:
    net = client.get(f"/api/sessions/{sid}/network").json()
    assert net["features"] == ["x1", "x2"]
    first, out = net["layers"]
    assert np.array(first["weights"]).shape == (2, 4) and len(first["biases"]) == 4
    assert np.array(first["weight_gradients"]).shape == (2, 4) and len(out["bias_gradients"]) == 1
    assert first["activation"] == "tanh" and out["activation"] == "sigmoid"


def test_history(client: TestClient, sid: str) -> None:
    client.post(f"/api/sessions/{sid}/step", json={"steps": 12, "unit": "epoch"})
    history = client.get(f"/api/sessions/{sid}/history").json()
    assert [r["epoch"] for r in history] == list(range(1, 13))
    assert set(history[0]) >= {"train_loss", "test_loss", "train_accuracy", "test_accuracy", "learning_rate"}
    assert [r["epoch"] for r in client.get(f"/api/sessions/{sid}/history", params={"since": 10}).json()] == [11, 12]


def test_boundary_formats(client: TestClient, sid: str) -> None:
    b = client.get(f"/api/sessions/{sid}/boundary").json()
    assert b["resolution"] == 100 and b["planes"] == 1 and b["extent"] == [-6, 6, -6, 6]
    assert len(base64.b64decode(b["data"])) == 100 * 100 and "values" not in b
    j = client.get(f"/api/sessions/{sid}/boundary", params={"resolution": 20, "format": "json"}).json()
    assert np.array(j["values"]).shape == (1, 20, 20) and "data" not in j
    unit = client.get(f"/api/sessions/{sid}/boundary", params={"resolution": 10, "layer": 0, "unit": 3}).json()
    assert len(base64.b64decode(unit["data"])) == 100 and len(unit["range"]) == 2
    assert locs(client.get(f"/api/sessions/{sid}/boundary", params={"layer": 0, "unit": 4})) == ["query.unit"]
    assert locs(client.get(f"/api/sessions/{sid}/boundary", params={"layer": 0})) == ["query.unit"]
    assert locs(client.get(f"/api/sessions/{sid}/boundary", params={"resolution": 100000})) == ["query.resolution"]


def test_multiclass_boundary_has_a_plane_per_class(client: TestClient) -> None:
    sid = create(client, dataset={"name": "spiral", "classes": 4})
    b = client.get(f"/api/sessions/{sid}/boundary", params={"resolution": 30}).json()
    assert b["planes"] == 4 and len(base64.b64decode(b["data"])) == 4 * 30 * 30


def test_predict(client: TestClient, sid: str) -> None:
    client.post(f"/api/sessions/{sid}/step", json={"steps": 40, "unit": "epoch"})
    out = client.post(f"/api/sessions/{sid}/predict", json={"points": [[3, 3], [-3, 3]]}).json()
    assert out["labels"] == [0, 1] and len(out["probabilities"]) == 2
    assert locs(client.post(f"/api/sessions/{sid}/predict", json={"points": []})) == ["body.points"]
    assert locs(client.post(f"/api/sessions/{sid}/predict", json={"points": [[1, 2, 3]]})) == ["body.points.0"]
    reg = create(client, dataset={"name": "plane"})
    assert "values" in client.post(f"/api/sessions/{reg}/predict", json={"points": [[0, 0]]}).json()


def test_frame_polling_shape(client: TestClient, sid: str) -> None:
    client.post(f"/api/sessions/{sid}/step", json={"steps": 3, "unit": "epoch"})
    frame = client.get(f"/api/sessions/{sid}/frame").json()
    assert frame["type"] == "frame" and frame["state"]["epoch"] == 3
    assert [r["epoch"] for r in frame["history_tail"]] == [1, 2, 3]
    assert frame["config"]["hidden_layers"] == [4]
    assert frame["neurons"]["layers"][0]["units"] == 4
    assert np.array(frame["weights"]["layers"][0]["weights"]).shape == (2, 4)
    later = client.get(f"/api/sessions/{sid}/frame", params={"since": 2, "config_version": frame["config_version"]})
    assert [r["epoch"] for r in later.json()["history_tail"]] == [3] and "config" not in later.json()


def test_export_import_round_trip(client: TestClient, sid: str) -> None:
    client.post(f"/api/sessions/{sid}/step", json={"steps": 20, "unit": "epoch"})
    doc = client.get(f"/api/sessions/{sid}/export").json()
    assert doc["format"] == "neural-playground/1"
    r = client.post("/api/sessions/import", json=doc)
    assert r.status_code == 201
    clone = r.json()["id"]
    assert client.get(f"/api/sessions/{clone}/export").json() == doc
    pts = {"points": [[x, y] for x in range(-6, 7, 2) for y in range(-6, 7, 3)]}
    assert (
        client.post(f"/api/sessions/{clone}/predict", json=pts).json()
        == client.post(f"/api/sessions/{sid}/predict", json=pts).json()
    )
    doc["layers"][0]["weights"] = [[1.0]]
    assert locs(client.post("/api/sessions/import", json=doc)) == ["body.layers.0.weights"]
    doc["layers"][0]["weights"] = [[12345.0] * 4] * 2
    overflowing = json.dumps(doc).replace("12345.0", "1e400")  # reads back as infinity
    r = client.post("/api/sessions/import", content=overflowing, headers={"content-type": "application/json"})
    assert "body.layers.0.weights.0.0" in locs(r)


def test_diverged_run_never_sends_nan(client: TestClient) -> None:
    sid = create(client, dataset={"name": "spiral"}, activation="relu", optimizer={"learning_rate": 10})
    state = client.post(f"/api/sessions/{sid}/step", json={"steps": 100, "unit": "epoch"}).json()
    assert state["status"] == "diverged" and "learning rate" in state["message"]
    for path in ("", "/network", "/history", "/frame", "/export", "/boundary"):
        r = client.get(f"/api/sessions/{sid}{path}")
        assert r.status_code == 200
        assert "NaN" not in r.text and "Infinity" not in r.text


def test_capacity_gives_429_with_retry_after(tmp_path: Path, clock: FakeClock) -> None:
    from app.server import create_app
    from app.settings import Settings

    with TestClient(create_app(Settings(db=tmp_path / "r.db", max_sessions=2, session_ttl=60), clock=clock)) as c:
        create(c)
        clock.advance(20)
        create(c)
        r = c.post("/api/sessions", json={})
        assert r.status_code == 429 and int(r.headers["retry-after"]) == 40
        clock.advance(41)  # the first session has expired: a new one fits
        assert c.post("/api/sessions", json={}).status_code == 201


def test_idle_sessions_expire_but_used_ones_live(client: TestClient, clock: FakeClock, settings: Settings) -> None:
    idle, used = create(client), create(client)
    clock.advance(settings.session_ttl - 10)
    client.get(f"/api/sessions/{used}")
    clock.advance(20)
    store = client.app.state.store  # type: ignore[attr-defined]
    assert client.portal.call(store.sweep) == [idle]  # type: ignore[union-attr]
    assert client.get(f"/api/sessions/{idle}").status_code == 404
    assert client.get(f"/api/sessions/{used}").status_code == 200


def test_concurrent_steps_never_interleave(client: TestClient, sid: str) -> None:
    def step(_: int) -> int:
        return client.post(f"/api/sessions/{sid}/step", json={"steps": 37}).json()["step"]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(step, range(16)))
    assert client.get(f"/api/sessions/{sid}").json()["state"]["step"] == 16 * 37
    # Each request saw only its own 37 steps added after the ones before it.
    assert sorted(results) == [37 * k for k in range(1, 17)]


def test_a_long_step_does_not_stall_other_sessions(client: TestClient, sid: str) -> None:
    other = create(client)
    done = threading.Event()

    def long_request() -> None:
        client.post(f"/api/sessions/{sid}/step", json={"steps": 400, "unit": "epoch"})
        done.set()

    worker = threading.Thread(target=long_request)
    worker.start()
    try:
        served = 0
        while not done.is_set() and served < 20:
            assert client.post(f"/api/sessions/{other}/step").status_code == 200
            assert client.get("/api/health").status_code == 200
            served += 1
        assert served >= 3, "other requests waited for the long step"
    finally:
        worker.join()
    assert client.get(f"/api/sessions/{sid}").json()["state"]["epoch"] == 400


def test_edit_one_weight_and_one_bias(client: TestClient, sid: str) -> None:
    r = client.patch(f"/api/sessions/{sid}/network", json={"layer": 0, "unit": 2, "source": 1, "value": 0.75})
    assert r.status_code == 200 and r.json()["epoch"] == 0
    client.patch(f"/api/sessions/{sid}/network", json={"layer": 1, "unit": 0, "value": -1.5})
    net = client.get(f"/api/sessions/{sid}/network").json()
    assert net["layers"][0]["weights"][1][2] == 0.75 and net["layers"][1]["biases"] == [-1.5]
    for edit, loc in [
        ({"layer": 5, "unit": 0, "value": 1}, "body.layer"),
        ({"layer": 0, "unit": 4, "value": 1}, "body.unit"),
        ({"layer": 0, "unit": 0, "source": 2, "value": 1}, "body.source"),
        ({"layer": 0, "unit": 0, "value": 1e9}, "body.value"),
    ]:
        assert locs(client.patch(f"/api/sessions/{sid}/network", json=edit)) == [loc]
    assert client.get(f"/api/sessions/{sid}/network").json()["layers"][0]["weights"][1][2] == 0.75


def test_data_can_be_rounded(client: TestClient, sid: str) -> None:
    exact = client.get(f"/api/sessions/{sid}/data").json()
    rounded = client.get(f"/api/sessions/{sid}/data", params={"decimals": 2}).json()
    assert rounded["train"]["points"][0] == [round(v, 2) for v in exact["train"]["points"][0]]
    assert rounded["train"]["labels"] == exact["train"]["labels"]
    assert locs(client.get(f"/api/sessions/{sid}/data", params={"decimals": 40})) == ["query.decimals"]


def test_api_docs_need_no_internet(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "cdn." not in html and "swagger-ui-bundle.js" in html
    script = html.split('src="')[1].split('"')[0]
    assert client.get(script).status_code == 200
    assert "cdn." not in client.get("/redoc").text
