from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.server import create_app
from app.settings import Settings
from tests.api.conftest import locs


def test_save_read_and_open_a_run(client: TestClient, sid: str) -> None:
    client.post(f"/api/sessions/{sid}/step", json={"steps": 30, "unit": "epoch"})
    r = client.post("/api/runs", json={"session_id": sid, "title": "  XOR with 4 units  "})
    assert r.status_code == 201
    slug, url = r.json()["slug"], r.json()["url"]
    assert url == f"/r/{slug}" and 6 <= len(slug) <= 32
    doc = client.get(f"/api/runs/{slug}").json()
    assert doc["run"]["title"] == "XOR with 4 units" and doc["run"]["slug"] == slug
    assert doc["layers"] == client.get(f"/api/sessions/{sid}/export").json()["layers"]
    opened = client.post(f"/api/runs/{slug}/open")
    assert opened.status_code == 201
    new = opened.json()
    assert new["id"] != sid and new["state"] == client.get(f"/api/sessions/{sid}").json()["state"]
    assert client.post("/api/sessions/import", json=doc).status_code == 201  # a run is a model document


def test_runs_survive_a_new_app_on_the_same_file(tmp_path: Path) -> None:
    db = tmp_path / "nested" / "runs.sqlite3"
    with TestClient(create_app(Settings(db=db))) as first:
        sid = first.post("/api/sessions", json={"hidden_layers": [3]}).json()["id"]
        first.post(f"/api/sessions/{sid}/step", json={"steps": 5, "unit": "epoch"})
        expected = first.get(f"/api/sessions/{sid}/export").json()
        slug = first.post("/api/runs", json={"session_id": sid, "title": "kept"}).json()["slug"]
    with TestClient(create_app(Settings(db=db))) as second:
        doc = second.get(f"/api/runs/{slug}").json()
        assert {k: doc[k] for k in expected} == expected
        opened = second.post(f"/api/runs/{slug}/open").json()
        assert opened["state"]["epoch"] == 5


def test_run_errors(client: TestClient, sid: str) -> None:
    assert locs(client.post("/api/runs", json={"session_id": "nope"})) == ["body.session_id"]
    assert locs(client.post("/api/runs", json={"session_id": sid, "title": "x" * 201})) == ["body.title"]
    for slug in ("nope-nope", "..%2F..%2Fetc", "a" * 65, "%00"):
        assert client.get(f"/api/runs/{slug}").status_code in (404, 422)
        assert client.post(f"/api/runs/{slug}/open").status_code in (404, 422)
    assert client.get("/api/runs/../../etc/passwd").status_code == 404


def test_save_with_the_session_in_the_path(client: TestClient, sid: str) -> None:
    client.post(f"/api/sessions/{sid}/step", json={"steps": 3, "unit": "epoch"})
    titled = client.post(f"/api/sessions/{sid}/runs", json={"title": " spiral "})
    untitled = client.post(f"/api/sessions/{sid}/runs")
    assert titled.status_code == untitled.status_code == 201
    for response, title in ((titled, "spiral"), (untitled, "")):
        doc = client.get(f"/api/runs/{response.json()['slug']}").json()
        assert doc["run"]["title"] == title and doc["history"][-1]["epoch"] == 3
    assert client.post("/api/sessions/nope/runs", json={"title": "x"}).status_code == 404
    assert locs(client.post(f"/api/sessions/{sid}/runs", json={"title": "x" * 201})) == ["body.title"]
    assert locs(client.post(f"/api/sessions/{sid}/runs", json={"session_id": sid})) == ["body.session_id"]


def test_an_instance_name_prefixes_ids_tokens_and_slugs(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(db=tmp_path / "runs.sqlite3", instance="b2", workers=0))) as client:
        sid = client.post("/api/sessions", json={"hidden_layers": [2]}).json()["id"]
        token = client.post(f"/api/sessions/{sid}/watch").json()["token"]
        slug = client.post(f"/api/sessions/{sid}/runs").json()["slug"]
        assert sid.startswith("b2-") and token.startswith("b2-") and slug.startswith("b2-")
        assert client.get(f"/api/watch/{token}").status_code == 200
        assert client.get(f"/r/{slug}").status_code == 200
        assert client.post(f"/api/runs/{slug}/open").json()["id"].startswith("b2-")
