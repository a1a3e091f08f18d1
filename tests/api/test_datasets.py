from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import locs


def test_list(client: TestClient) -> None:
    sets = {d["name"]: d for d in client.get("/api/datasets").json()}
    assert sets["spiral"]["task"] == "classification" and sets["spiral"]["max_classes"] == 6
    assert sets["plane"]["task"] == "regression" and sets["plane"]["classes"] is None


def test_points(client: TestClient) -> None:
    body = client.get("/api/datasets/blobs", params={"samples": 90, "classes": 3, "seed": 4}).json()
    assert len(body["points"]) == 90 == len(body["labels"])
    assert set(body["labels"]) == {0, 1, 2} and body["classes"] == 3
    again = client.get("/api/datasets/blobs", params={"samples": 90, "classes": 3, "seed": 4}).json()
    assert again == body


def test_errors(client: TestClient) -> None:
    assert client.get("/api/datasets/nope").status_code == 404
    assert locs(client.get("/api/datasets/circle", params={"classes": 3})) == ["query.classes"]
    assert locs(client.get("/api/datasets/circle", params={"samples": 1})) == ["query.samples"]
    assert locs(client.get("/api/datasets/circle", params={"noise": "nan"})) == ["query.noise"]
    assert locs(client.get("/api/datasets/custom")) == ["path.name"]


def test_points_rounded_for_a_thumbnail(client: TestClient) -> None:
    exact = client.get("/api/datasets/spiral", params={"samples": 80}).json()
    coarse = client.get("/api/datasets/spiral", params={"samples": 80, "decimals": 2}).json()
    assert coarse["points"] == [[round(x, 2), round(y, 2)] for x, y in exact["points"]]
    assert coarse["points"] != exact["points"] and coarse["labels"] == exact["labels"]
    assert locs(client.get("/api/datasets/spiral", params={"decimals": 5})) == ["query.decimals"]
