"""Every measurable lesson claim holds with the lesson's own preset and seed."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.training.lessons import LESSONS


def lesson(client: TestClient, name: str, **changes: Any) -> tuple[str, dict[str, Any]]:
    body = client.get(f"/api/lessons/{name}").json()
    config = body["config"]
    for key, value in changes.items():
        config[key] = (
            {**config[key], **value} if isinstance(value, dict) and isinstance(config.get(key), dict) else value
        )
    r = client.post("/api/sessions", json=config)
    assert r.status_code == 201, r.text
    return r.json()["id"], body


def train(client: TestClient, sid: str, epochs: int) -> dict[str, Any]:
    return client.post(f"/api/sessions/{sid}/step", json={"steps": epochs, "unit": "epoch"}).json()


def test_lessons_api_and_pages(client: TestClient) -> None:
    listed = client.get("/api/lessons").json()
    assert [x["number"] for x in listed] == list(range(1, len(LESSONS) + 1))
    for item in listed:
        body = client.get(f"/api/lessons/{item['name']}").json()
        assert body["text"] and body["try"] and body["config"]["dataset"]["name"]
        if body["view"] == "compare":
            assert body["compare"] is not None
        assert client.get(f"/lessons/{item['name']}").status_code == 200
    index = client.get("/lessons").text
    assert all(f"/lessons/{name}" in index for name in LESSONS)
    assert client.get("/api/lessons/nope").status_code == 404
    assert client.get("/lessons/nope").status_code == 404


def test_1_a_linear_model_fails_xor_but_solves_and_or(client: TestClient) -> None:
    sid, _ = lesson(client, "linear-model")
    assert train(client, sid, 200)["test_accuracy"] <= 0.75
    for gate in ("and", "or"):
        sid, _ = lesson(client, "linear-model", dataset={"name": gate})
        assert train(client, sid, 200)["test_accuracy"] >= 0.99


def test_2_stacked_linear_layers_are_one_affine_map(client: TestClient) -> None:
    sid, _ = lesson(client, "linear-collapse")
    train(client, sid, 30)
    collapsed = client.get(f"/api/sessions/{sid}/collapsed").json()
    layers = client.get(f"/api/sessions/{sid}/network").json()["layers"]
    product = np.eye(2)
    bias = np.zeros(2)
    for layer in layers:
        bias = bias @ np.array(layer["weights"]) + np.array(layer["biases"])
        product = product @ np.array(layer["weights"])
    assert np.allclose(collapsed["weights"], product, rtol=0, atol=1e-12)
    assert np.allclose(collapsed["biases"], bias, rtol=0, atol=1e-12)
    assert collapsed["max_difference"] < 1e-9
    assert train(client, sid, 170)["test_accuracy"] <= 0.75  # still a line: XOR stays unsolved
    client.patch(f"/api/sessions/{sid}", json={"activation": "tanh"})
    assert client.get(f"/api/sessions/{sid}/collapsed").status_code == 422


def test_3_a_nonlinearity_solves_xor(client: TestClient) -> None:
    sid, _ = lesson(client, "nonlinearity")
    assert train(client, sid, 300)["test_accuracy"] >= 0.97


def test_4_cross_entropy_is_the_negative_log_probability_of_the_true_class(client: TestClient) -> None:
    sid, body = lesson(client, "losses")
    state = train(client, sid, 30)
    data = client.get(f"/api/sessions/{sid}/data").json()["train"]
    probs = client.post(f"/api/sessions/{sid}/predict", json={"points": data["points"]}).json()["probabilities"]
    nll = -np.mean([math.log(p[int(k)]) for p, k in zip(probs, data["labels"], strict=True)])
    assert nll == pytest.approx(state["train_loss"], rel=1e-9)
    assert all(abs(sum(p) - 1) < 1e-12 for p in probs)
    other = client.post("/api/sessions", json=body["compare"]).json()["id"]
    assert train(client, other, 30)["train_accuracy"] > 0.5  # squared error learns too, differently


def test_5_descent_walks_to_the_closed_form_minimum(client: TestClient) -> None:
    linear = client.post("/api/landscapes/linear", json={"learning_rate": 0.1, "steps": 500}).json()
    b, w, loss = linear["minimum"]
    end = linear["path"][-1]
    assert end[0] == pytest.approx(b, abs=1e-4) and end[1] == pytest.approx(w, abs=1e-4)
    assert end[2] == pytest.approx(loss, rel=1e-6)
    assert min(min(row) for row in linear["loss"]) >= loss - 1e-12
    logistic = client.post("/api/landscapes/logistic", json={"learning_rate": 0.5, "steps": 100}).json()
    losses = [p[2] for p in logistic["path"]]
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(losses))
    too_big = client.post("/api/landscapes/linear", json={"learning_rate": 5.0, "steps": 200}).json()
    assert too_big["path"][-1][2] > too_big["path"][0][2] or len(too_big["path"]) < 201


def test_6_too_small_crawls_too_large_diverges(client: TestClient) -> None:
    sid, _ = lesson(client, "learning-rate", optimizer={"learning_rate": 10.0})
    state = train(client, sid, 100)
    assert state["status"] == "diverged" and "learning rate" in state["message"]
    slow, _ = lesson(client, "learning-rate", optimizer={"learning_rate": 0.00001})
    start = client.get(f"/api/sessions/{slow}").json()["state"]["train_loss"]
    crawled = train(client, slow, 50)["train_loss"]
    good, _ = lesson(client, "learning-rate")
    learned = train(client, good, 50)["train_loss"]
    assert abs(start - crawled) < 0.01 * start and learned < start - 0.02


def test_8_cosine_schedule_restarts(client: TestClient) -> None:
    sid, body = lesson(client, "schedules")
    train(client, sid, 101)
    rates = {r["epoch"]: r["learning_rate"] for r in client.get(f"/api/sessions/{sid}/history").json()}
    base = body["config"]["optimizer"]["learning_rate"]
    low = body["config"]["schedule"]["min_learning_rate"]
    assert rates[25] == pytest.approx((base + low) / 2)
    assert rates[50] == pytest.approx(base) and rates[100] == pytest.approx(base)
    assert rates[49] < 0.01 * base + low


def test_9_gradients_match_finite_differences(client: TestClient) -> None:
    sid, _ = lesson(client, "gradient-check")
    for epochs in (0, 20):
        if epochs:
            train(client, sid, epochs)
        check = client.get(f"/api/sessions/{sid}/gradcheck").json()
        assert len(check["layers"]) == 3
        for layer in check["layers"]:
            assert layer["relative_error"] < 1e-6
            assert layer["max_row_error"] < 1e-6
            assert layer["checked"] == min(60, layer["parameters"])


def test_10_deep_sigmoid_gradients_vanish(client: TestClient) -> None:
    sid, _ = lesson(client, "vanishing-gradients")
    train(client, sid, 20)
    health = client.get(f"/api/sessions/{sid}/health").json()
    norms = [layer["weight_grad_norm"] for layer in health["layers"]]
    assert norms[-1] >= 10 * norms[0]
    assert [h["epoch"] for h in health["history"]] == [10, 20]
    relu, _ = lesson(client, "vanishing-gradients", activation="relu", init="he")
    train(client, relu, 20)
    relu_norms = [layer["weight_grad_norm"] for layer in client.get(f"/api/sessions/{relu}/health").json()["layers"]]
    assert relu_norms[-1] / relu_norms[0] < norms[-1] / norms[0]


def test_11_penalties_and_early_stopping(client: TestClient) -> None:
    plain, body = lesson(client, "regularization")
    l2 = client.post("/api/sessions", json=body["compare"]).json()["id"]
    l1, _ = lesson(client, "regularization", regularization={"kind": "l1", "rate": 0.01})
    for sid in (plain, l2, l1):
        train(client, sid, 150)

    def weights(sid: str) -> np.ndarray:
        layers = client.get(f"/api/sessions/{sid}/network").json()["layers"]
        return np.concatenate([np.ravel(layer["weights"]) for layer in layers])

    assert np.linalg.norm(weights(l2)) < np.linalg.norm(weights(plain))
    assert np.mean(np.abs(weights(l1)) < 1e-2) > np.mean(np.abs(weights(l2)) < 1e-2)
    state = client.get(f"/api/sessions/{plain}").json()["state"]
    history = client.get(f"/api/sessions/{plain}/history").json()
    # The lesson holds out a validation share: the best epoch is chosen by it, never by the test set.
    lowest = min(r["validation_loss"] for r in history)
    assert state["best_by"] == "validation" and state["validation_loss"] > lowest
    back = client.post(f"/api/sessions/{plain}/restore-best").json()
    assert back["state"]["validation_loss"] == lowest and back["state"]["epoch"] == state["best_epoch"]
    assert "lowest validation loss" in back["state"]["message"]


def test_12_spirals_with_three_arms(client: TestClient) -> None:
    sid, _ = lesson(client, "multi-class")
    state = train(client, sid, 500)
    assert state["train_accuracy"] >= 0.95
    assert client.get(f"/api/sessions/{sid}/boundary", params={"resolution": 10}).json()["planes"] == 3


def test_11_l2_keeps_the_test_loss_down_where_the_plain_run_overfits(client: TestClient) -> None:
    plain, body = lesson(client, "regularization")
    l2 = client.post("/api/sessions", json=body["compare"]).json()["id"]
    final = {sid: train(client, sid, 300) for sid in (plain, l2)}
    assert final[l2]["test_loss"] < final[plain]["test_loss"]
    assert final[plain]["best_epoch"] < 100  # the plain run's test loss turned up long ago
