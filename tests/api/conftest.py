from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.server import create_app
from app.settings import Settings


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "runs.sqlite3", sweep_interval=3600)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(settings: Settings, clock: FakeClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock=clock)) as c:
        yield c


def create(client: TestClient, **config: Any) -> str:
    response = client.post("/api/sessions", json=config)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
def sid(client: TestClient) -> str:
    return create(client, dataset={"name": "xor"}, hidden_layers=[4], optimizer={"learning_rate": 0.1})


def locs(response: Any) -> list[str]:
    """The dotted field paths of a 422 response."""
    assert response.status_code == 422, response.text
    return [".".join(str(p) for p in e["loc"]) for e in response.json()["detail"]]
