"""Model documents round-trip and are bounded; wire inputs are strict; -0.0 is a plain zero."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.training.datasets import DATASETS
from tests.api.conftest import create, locs

GENERATED = [name for name, spec in DATASETS.items() if spec.generate is not None]
JSON = {"content-type": "application/json"}


@pytest.mark.parametrize("name", GENERATED)
def test_negative_zero_noise_is_zero_noise(client: TestClient, name: str) -> None:
    r = client.post("/api/sessions", json={"dataset": {"name": name, "noise": -0.0}, "hidden_layers": [2]})
    assert r.status_code == 201, r.text
    assert r.json()["config"]["dataset"]["noise"] == 0.0
    sid = r.json()["id"]
    assert client.get(f"/api/datasets/{name}", params={"noise": "-0.0"}).status_code == 200
    r = client.patch(f"/api/sessions/{sid}", json={"hidden_layers": [3], "dataset": {"noise": -0.0, "samples": 60}})
    assert r.status_code == 200, r.text
    assert client.post(f"/api/sessions/{sid}/step", json={"steps": 1}).status_code == 200


def _export_import(client: TestClient, sid: str) -> dict[str, Any]:
    doc = client.get(f"/api/sessions/{sid}/export").json()
    r = client.post("/api/sessions/import", json=doc)
    assert r.status_code == 201, r.text
    again = client.get(f"/api/sessions/{r.json()['id']}/export").json()
    assert again == doc
    return doc


@pytest.mark.parametrize("name", [n for n in DATASETS if n != "custom"])
def test_every_dataset_round_trips_through_export_and_import(client: TestClient, name: str) -> None:
    sid = create(client, dataset={"name": name, "samples": 40}, hidden_layers=[3])
    assert client.post(f"/api/sessions/{sid}/step", json={"steps": 2, "unit": "epoch"}).status_code == 200
    doc = _export_import(client, sid)
    assert len(doc["history"]) == 2


def test_a_run_without_test_points_round_trips(client: TestClient) -> None:
    points = [[1.0, 1.0], [-1.0, -1.0], [2.0, 0.5]]
    custom = {"name": "custom", "points": points, "labels": [0, 1, 0], "train_fraction": 0.9, "seed": 3}
    sid = create(client, dataset=custom, hidden_layers=[2])
    assert client.get(f"/api/sessions/{sid}/data").json()["test"]["points"] == []
    assert client.post(f"/api/sessions/{sid}/step", json={"steps": 2, "unit": "epoch"}).status_code == 200
    doc = _export_import(client, sid)
    assert "test_loss" not in doc["history"][0]
    assert locs(client.post("/api/sessions", json={"dataset": {"train_fraction": 1.0}})) == [
        "body.dataset.train_fraction"
    ]


@pytest.mark.parametrize("epoch", ["1" + "0" * 400, str(2**63), "1e30", "1.0", "true", '"5"'])
def test_import_refuses_counters_out_of_bounds(client: TestClient, sid: str, epoch: str) -> None:
    doc = client.get(f"/api/sessions/{sid}/export").json()
    text = json.dumps({**doc, "state": {"epoch": 0, "step": 0}}).replace('"epoch": 0,', f'"epoch": {epoch},', 1)
    assert '"epoch": 0, "step"' not in text
    assert locs(client.post("/api/sessions/import", content=text, headers=JSON)) == ["body.state.epoch"]


def test_import_refuses_history_out_of_bounds(client: TestClient, sid: str) -> None:
    assert client.post(f"/api/sessions/{sid}/step", json={"steps": 1, "unit": "epoch"}).status_code == 200
    doc = client.get(f"/api/sessions/{sid}/export").json()
    for field, value in (("epoch", 2**60), ("train_accuracy", 1.5), ("learning_rate", -1.0)):
        record = {**doc["history"][0], field: value}
        r = client.post("/api/sessions/import", json={**doc, "history": [record]})
        assert locs(r) == [f"body.history.0.{field}"]


@pytest.mark.parametrize(
    ("method", "route", "body", "where"),
    [
        ("PATCH", "/network", {"layer": True, "unit": 0, "value": 0.5}, "body.layer"),
        ("PATCH", "/network", {"layer": 0, "unit": 0, "value": "1"}, "body.value"),
        ("PATCH", "/network", {"layer": 0, "unit": 0.0, "value": 1}, "body.unit"),
        ("POST", "/step", {"steps": "3"}, "body.steps"),
        ("POST", "/step", {"steps": True}, "body.steps"),
        ("PUT", "/data", {"points": [[0, 0], [1, 1]], "labels": [True, False]}, "body.labels.0"),
        ("PUT", "/data", {"points": [["0", 0], [1, 1]], "labels": [0, 1]}, "body.points.0.0"),
        ("POST", "/predict", {"points": [["1", 2]]}, "body.points.0.0"),
        ("PATCH", "", {"batch_size": "5"}, "body.batch_size"),
        ("PATCH", "", {"optimizer": {"learning_rate": "0.1"}}, "body.optimizer.learning_rate"),
        ("PATCH", "", {"dataset": {"samples": True}}, "body.dataset.samples"),
    ],
)
def test_numbers_are_numbers(client: TestClient, sid: str, method: str, route: str, body: Any, where: str) -> None:
    r = client.request(method, f"/api/sessions/{sid}{route}", json=body)
    assert where in locs(r), r.text


def test_whole_numbers_still_do_for_floats(client: TestClient, sid: str) -> None:
    r = client.patch(f"/api/sessions/{sid}/network", json={"layer": 0, "unit": 0, "value": 1})
    assert r.status_code == 200, r.text
    r = client.patch(f"/api/sessions/{sid}", json={"optimizer": {"learning_rate": 1}, "dataset": {"noise": 0}})
    assert r.status_code == 200, r.text
    r = client.put(f"/api/sessions/{sid}/data", json={"points": [[0, 0], [1, 1]], "labels": [0, 1]})
    assert r.status_code == 200, r.text
    r = client.post(f"/api/sessions/{sid}/predict", json={"points": [[1, 2]]})
    assert r.status_code == 200, r.text
