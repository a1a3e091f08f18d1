"""Validation share and early stopping through the API: fields, errors, history, frames, documents."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import create, locs

OVERFITS: dict[str, Any] = {
    "dataset": {"name": "circle", "noise": 0.6, "samples": 200, "validation_fraction": 0.3},
    "hidden_layers": [16, 16],
    "optimizer": {"name": "adam", "learning_rate": 0.01},
}


def test_bad_validation_settings_name_their_field(client: TestClient) -> None:
    assert locs(client.post("/api/sessions", json={"dataset": {"validation_fraction": 1.0}})) == [
        "body.dataset.validation_fraction"
    ]
    no_share = client.post("/api/sessions", json={"early_stopping": {"patience": 5}})
    assert locs(no_share) == ["body.early_stopping"]
    assert "validation_fraction" in no_share.json()["detail"][0]["msg"]
    assert locs(client.post("/api/sessions", json={**OVERFITS, "early_stopping": {"patience": 0}})) == [
        "body.early_stopping.patience"
    ]


def test_state_history_and_frames_carry_validation_numbers(client: TestClient) -> None:
    plain = create(client, dataset={"name": "xor"}, hidden_layers=[4])
    held = create(client, **OVERFITS)
    for sid in (plain, held):
        client.post(f"/api/sessions/{sid}/step", json={"steps": 2, "unit": "epoch"})
    state = client.get(f"/api/sessions/{plain}").json()["state"]
    assert state["validation_loss"] is None and state["validation_accuracy"] is None
    assert state["best_by"] == "test"
    history = client.get(f"/api/sessions/{held}/history").json()
    assert all(r["validation_loss"] is not None and r["validation_accuracy"] is not None for r in history)
    frame = client.get(f"/api/sessions/{held}/frame").json()
    assert frame["state"]["validation_loss"] == history[-1]["validation_loss"]
    assert frame["state"]["best_by"] == "validation"


def test_early_stopping_stops_restores_and_survives_export(client: TestClient) -> None:
    sid = create(client, **OVERFITS, early_stopping={"patience": 20})
    state = client.post(f"/api/sessions/{sid}/step", json={"steps": 300, "unit": "epoch"}).json()
    assert state["status"] == "stopped" and state["epoch"] < 300
    assert state["message"].endswith(f"restored epoch {state['epoch']}")
    doc = client.get(f"/api/sessions/{sid}/export").json()
    assert doc["config"]["early_stopping"] == {"patience": 20}
    again = client.post("/api/sessions/import", json=doc)
    assert again.status_code == 201, again.text
    assert client.get(f"/api/sessions/{again.json()['id']}/export").json() == doc


def test_restore_best_says_which_set_it_used(client: TestClient) -> None:
    sid = create(client, **OVERFITS)
    client.post(f"/api/sessions/{sid}/step", json={"steps": 120, "unit": "epoch"})
    back = client.post(f"/api/sessions/{sid}/restore-best").json()["state"]
    assert back["best_by"] == "validation" and back["message"].endswith("the lowest validation loss")
    assert back["validation_loss"] == back["best_loss"]


def test_early_stopping_turns_on_and_off_live(client: TestClient) -> None:
    sid = create(client, **OVERFITS)
    client.post(f"/api/sessions/{sid}/step", json={"steps": 3, "unit": "epoch"})
    on = client.patch(f"/api/sessions/{sid}", json={"early_stopping": {"patience": 4}}).json()
    assert on["rebuilt"] is False and on["config"]["early_stopping"] == {"patience": 4}
    off = client.patch(f"/api/sessions/{sid}", json={"early_stopping": None}).json()
    assert off["rebuilt"] is False and off["state"]["epoch"] == 3


def test_data_lists_the_validation_points_apart(client: TestClient) -> None:
    sid = create(client, **OVERFITS)
    data = client.get(f"/api/sessions/{sid}/data").json()
    sizes = {name: len(data[name]["points"]) for name in ("train", "validation", "test")}
    assert sizes == {"train": 70, "validation": 30, "test": 100}
    plain = client.get(f"/api/sessions/{create(client)}/data").json()
    assert plain["validation"] == {"points": [], "labels": []}
