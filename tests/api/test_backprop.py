"""GET /api/sessions/{id}/backprop: one point's forward and backward pass over the wire."""

from __future__ import annotations

import math

import numpy as np
from fastapi.testclient import TestClient

from tests.api.conftest import create, locs


def test_one_points_pass_layer_by_layer(client: TestClient, sid: str) -> None:
    r = client.get(f"/api/sessions/{sid}/backprop", params={"x1": 1.0, "x2": -2.0, "label": 1})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [len(layer["z"]) for layer in body["layers"]] == [4, 1]
    assert set(body["layers"][0]) >= {"z", "a", "dL_da", "dL_dz", "dL_dW", "dL_db"}
    assert np.shape(body["update"]["weights_after"][0]) == (2, 4)
    assert body["update"]["learning_rate"] == 0.1 and body["penalty"]["kind"] == "none"
    assert math.isfinite(body["loss"]) and body["target"] == [1.0]


def test_regression_labels_are_values_and_many_classes_are_indices(client: TestClient) -> None:
    sid = create(client, dataset={"name": "sine"}, hidden_layers=[3])
    r = client.get(f"/api/sessions/{sid}/backprop", params={"x1": 0.5, "x2": 0.5, "label": -0.25})
    assert r.status_code == 200 and r.json()["target"] == [-0.25]
    sid = create(client, dataset={"name": "spiral", "classes": 6}, hidden_layers=[64] * 8)
    r = client.get(f"/api/sessions/{sid}/backprop", params={"x1": 0.5, "x2": 0.5, "label": 5})
    assert r.status_code == 200 and len(r.json()["layers"][-1]["a"]) == 6
    assert locs(client.get(f"/api/sessions/{sid}/backprop", params={"x1": 0, "x2": 0, "label": 6})) == ["query.label"]


def test_bad_input_names_the_field(client: TestClient, sid: str) -> None:
    url = f"/api/sessions/{sid}/backprop"
    assert locs(client.get(url, params={"x1": 1e7, "x2": 0, "label": 0})) == ["query.x1"]
    assert locs(client.get(url, params={"x1": 0, "x2": "nan", "label": 0})) == ["query.x2"]
    assert locs(client.get(url, params={"x1": 0, "x2": "inf", "label": 0})) == ["query.x2"]
    assert locs(client.get(url, params={"x1": 0, "x2": 0, "label": 2})) == ["query.label"]
    assert locs(client.get(url, params={"x1": 0, "x2": 0, "label": 0.5})) == ["query.label"]
    assert locs(client.get(url, params={"x1": 0, "x2": 0, "label": "one"})) == ["query.label"]
    assert locs(client.get(url, params={"x2": 0, "label": 0})) == ["query.x1"]
    assert client.get("/api/sessions/nope/backprop", params={"x1": 0, "x2": 0, "label": 0}).status_code == 404


def test_the_farthest_points_answer_finite_numbers(client: TestClient) -> None:
    sid = create(client, dataset={"name": "circle"}, features=["x1_squared", "x2_squared"], activation="relu")
    r = client.get(f"/api/sessions/{sid}/backprop", params={"x1": 1e6, "x2": -1e6, "label": 1})
    assert r.status_code == 200, r.text
    assert all(math.isfinite(v) for layer in r.json()["layers"] for v in np.ravel(layer["dL_dW"]))
