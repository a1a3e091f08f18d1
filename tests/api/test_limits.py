"""Limits one client cannot get past: landscape work, sessions per address, saves per minute, run size."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.routes.landscapes import compute
from app.api.schemas import LandscapeIn
from app.nn.landscape import MAX_EVALUATIONS
from app.server import create_app
from app.settings import Settings
from tests.api.conftest import FakeClock, create, locs

MB = 1_000_000


@pytest.fixture
def limited(tmp_path: Path, clock: FakeClock) -> Iterator[TestClient]:
    settings = Settings(
        db=tmp_path / "runs.sqlite3",
        max_sessions_per_client=2,
        trusted_proxies=["testclient"],
        max_saves_per_minute=2,
        session_ttl=100,
    )
    with TestClient(create_app(settings, clock=clock)) as c:
        yield c


def test_a_landscape_past_the_work_cap_is_refused_naming_the_field(client: TestClient) -> None:
    for kind in ("logistic", "linear"):
        r = client.post(f"/api/landscapes/{kind}", json={"samples": 2000, "resolution": 201, "steps": 0})
        assert locs(r) == ["body.resolution"] and "up to 63" in r.text
    assert client.get("/api/options").json()["limits"]["max_landscape_evaluations"] == MAX_EVALUATIONS


@pytest.mark.parametrize("kind", ["logistic", "linear"])
def test_the_largest_landscape_allowed_takes_little_memory(kind: Any) -> None:
    body = LandscapeIn(samples=2000, resolution=63, steps=0)
    assert body.resolution**2 * body.samples <= MAX_EVALUATIONS
    tracemalloc.start()
    try:
        out = compute(kind, body)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(out["loss"]) == 63 and len(out["loss"][0]) == 63
    assert peak < 30 * MB


def test_each_address_has_its_own_share_of_sessions(limited: TestClient, clock: FakeClock) -> None:
    def from_(address: str) -> Any:
        return limited.post("/api/sessions", json={}, headers={"X-Forwarded-For": f"6.6.6.6, {address}"})

    first = from_("10.0.0.1").json()["id"]
    clock.advance(30)
    assert from_("10.0.0.1").status_code == 201
    refused = from_("10.0.0.1")
    assert refused.status_code == 429 and "your address" in refused.json()["detail"]
    assert refused.headers["Retry-After"] == "70"  # when the first one expires
    assert from_("10.0.0.2").status_code == 201  # the next student's address is not held back
    assert limited.delete(f"/api/sessions/{first}").status_code == 204
    assert from_("10.0.0.1").status_code == 201
    assert limited.get("/api/options").json()["limits"]["max_sessions_per_client"] == 2


def test_forwarded_for_counts_only_from_a_trusted_proxy(client: TestClient) -> None:
    for n in range(3):  # the default cap is far away: the header alone changes nothing
        r = client.post("/api/sessions", json={}, headers={"X-Forwarded-For": f"10.0.0.{n}"})
        assert r.status_code == 201
    assert len({h.client for h in client.app.state.store._held.values()}) == 1  # type: ignore[attr-defined]


def test_saves_per_minute_are_limited_per_address(limited: TestClient, clock: FakeClock) -> None:
    sid = create(limited)
    assert limited.post("/api/runs", json={"session_id": sid}).status_code == 201
    clock.advance(20)
    assert limited.post(f"/api/sessions/{sid}/runs").status_code == 201
    refused = limited.post("/api/runs", json={"session_id": sid})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "40"
    assert "saved runs" in refused.json()["detail"]
    other = {"X-Forwarded-For": "10.0.0.9"}
    assert limited.post("/api/runs", json={"session_id": sid}, headers=other).status_code == 201
    clock.advance(41)
    assert limited.post("/api/runs", json={"session_id": sid}).status_code == 201


def test_a_run_larger_than_the_cap_is_413(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(db=tmp_path / "r.db", max_run_bytes=5000))) as c:
        small = create(c, dataset={"name": "xor", "samples": 10}, hidden_layers=[1])
        big = create(c, hidden_layers=[64, 64])
        assert c.post("/api/runs", json={"session_id": small}).status_code == 201
        r = c.post("/api/runs", json={"session_id": big})
        assert r.status_code == 413 and "5000" in r.json()["detail"]
        assert c.get("/api/options").json()["limits"]["max_run_bytes"] == 5000
