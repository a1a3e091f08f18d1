"""Non-finite numbers never become a 500: extreme points, huge weights, and what an error logs."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.nn.activations import ACTIVATIONS
from app.nn.features import FEATURES
from app.server import create_app
from app.settings import Settings
from app.training.datasets import MAX_COORDINATE
from tests.api.conftest import FakeClock, create, locs

ALL_FEATURES = list(FEATURES)
FEATURE_SETS = {"x1x2": ["x1", "x2"], "all": ALL_FEATURES}


def finite_json(text: str) -> Any:
    """Parse JSON, refusing NaN and Infinity (which Python's json would accept)."""

    def refuse(name: str) -> Any:
        raise AssertionError(f"{name} in a response")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("features", FEATURE_SETS, ids=list(FEATURE_SETS))
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_predict_refuses_points_past_the_limit_and_stays_finite_within_it(
    client: TestClient, activation: str, features: str
) -> None:
    sid = create(client, activation=activation, features=FEATURE_SETS[features], hidden_layers=[8, 8])
    url = f"/api/sessions/{sid}/predict"
    for far in (1.7e308, 1e155, -1e155, MAX_COORDINATE * 1.5):
        assert locs(client.post(url, json={"points": [[0.0, 0.0], [far, far]]})) == [
            "body.points.1.0",
            "body.points.1.1",
        ]
    edge = [[MAX_COORDINATE, MAX_COORDINATE], [-MAX_COORDINATE, MAX_COORDINATE], [0.0, -MAX_COORDINATE]]
    r = client.post(url, json={"points": edge})
    assert r.status_code == 200, r.text
    assert len(finite_json(r.text)["probabilities"]) == 3


def test_options_list_the_coordinate_limit(client: TestClient) -> None:
    assert client.get("/api/options").json()["limits"]["max_coordinate"] == MAX_COORDINATE


def _huge_weights(client: TestClient, **config: Any) -> str:
    """A session imported with every weight and bias at the document's limit, 1e6."""
    sid = create(client, **config)
    doc = client.get(f"/api/sessions/{sid}/export").json()
    for layer in doc["layers"]:
        layer["weights"] = [[1e6] * len(row) for row in layer["weights"]]
        layer["biases"] = [1e6] * len(layer["biases"])
    r = client.post("/api/sessions/import", json=doc)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


HUGE = {
    "linear, two classes": {"activation": "linear"},
    "gelu, four classes": {"activation": "gelu", "dataset": {"name": "spiral", "classes": 4}},
    "softplus, regression": {"activation": "softplus", "dataset": {"name": "plane"}},
}


@pytest.mark.parametrize("config", HUGE.values(), ids=list(HUGE))
def test_a_network_of_huge_weights_can_be_shown(client: TestClient, config: dict[str, Any]) -> None:
    sid = _huge_weights(client, features=ALL_FEATURES, hidden_layers=[64] * 8, **config)
    base = f"/api/sessions/{sid}"
    for path in (
        "/boundary?format=json&resolution=200",
        "/boundary?format=uint8",
        "/boundary?format=json&layer=7&unit=0",
        "/frame",
        "/checkpoints/0",
        "",
    ):
        r = client.get(base + path)
        assert r.status_code == 200, (path, r.text[:300])
        finite_json(r.text)
    r = client.post(f"{base}/predict", json={"points": [[MAX_COORDINATE, -MAX_COORDINATE], [1.0, 2.0]]})
    assert r.status_code == 200, r.text
    finite_json(r.text)
    with client.websocket_connect(f"{base}/stream") as ws:
        ws.send_json({"type": "subscribe", "fps": 10})
        message = finite_json(ws.receive_text())
    assert message["type"] == "frame", message


def test_an_unexpected_error_is_answered_briefly_and_logged_once(
    settings: Settings, clock: FakeClock, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> None:
        raise ValueError("bad value: " + "1e999, " * 100_000)

    # The test client re-raises whatever escapes the app, as the server would log it a second time.
    with TestClient(create_app(settings, clock=clock)) as client:
        sid = create(client, hidden_layers=[2])
        monkeypatch.setattr(client.app.state.store, "touch", broken)  # type: ignore[attr-defined]
        with caplog.at_level(logging.ERROR):
            r = client.post(f"/api/sessions/{sid}/reset")
    assert r.status_code == 500 and len(r.content) < 200, r.text[:300]
    errors = [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert len(errors) == 1, [rec.getMessage()[:200] for rec in errors]
    assert "ValueError: bad value" in errors[0].getMessage()
    assert len(errors[0].getMessage()) < 20_000


def test_many_bad_points_get_a_small_answer(client: TestClient) -> None:
    sid = create(client, hidden_layers=[4])
    r = client.post(f"/api/sessions/{sid}/predict", json={"points": [[1e300, 1e300]] * 5_000})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert len(detail) == 21 and len(r.content) < 5_000
    assert detail[0]["loc"] == ["body", "points", 0, 0]
    assert detail[-1] == {"loc": ["body"], "msg": "and 9980 more errors", "type": "too_many_errors"}
