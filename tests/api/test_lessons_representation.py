"""Lessons 13 and 14: their measurable claims hold with the lessons' own presets and seeds."""

from __future__ import annotations

import math

from fastapi.testclient import TestClient

from tests.api.test_lessons import lesson, train


def test_13_squared_features_make_the_circle_linear(client: TestClient) -> None:
    sid, _ = lesson(client, "features")
    assert 0.4 <= train(client, sid, 50)["test_accuracy"] <= 0.75
    sid, _ = lesson(client, "features", features=["x1_squared", "x2_squared"])
    assert train(client, sid, 50)["test_accuracy"] == 1.0
    (layer,) = client.get(f"/api/sessions/{sid}/network").json()["layers"]
    (w1,), (w2,) = layer["weights"]
    (b,) = layer["biases"]
    assert w1 < 0 and w2 < 0 and b > 0
    assert 0.8 <= w1 / w2 <= 1.25
    assert 2.5 <= math.sqrt(-b / ((w1 + w2) / 2)) <= 3.5


def test_14_the_step_gets_no_gradient_and_sigmoid_learns(client: TestClient) -> None:
    sid, _ = lesson(client, "perceptron")
    assert train(client, sid, 30)["test_accuracy"] <= 0.7
    first = client.get(f"/api/sessions/{sid}/health").json()["layers"][0]
    assert first["weight_grad_norm"] == 0.0 and first["bias_grad_norm"] == 0.0
    sid, _ = lesson(client, "perceptron", activation="sigmoid")
    assert train(client, sid, 30)["test_accuracy"] >= 0.9
    assert client.get(f"/api/sessions/{sid}/health").json()["layers"][0]["weight_grad_norm"] > 0
