"""One client address cannot take the whole memory budget: past its share, creating a session is a 429."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.server import create_app
from app.serving.footprint import MB, session_bytes
from app.settings import Settings
from app.training.config import Config
from app.training.lessons import LESSONS

LARGEST = {
    "dataset": {"name": "spiral", "samples": 5000, "classes": 6},
    "features": ["x1", "x2", "x1_squared", "x2_squared", "x1_times_x2", "sin_x1", "sin_x2"],
    "hidden_layers": [64] * 8,
}


def test_past_its_share_an_address_gets_429_with_retry_after(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "runs.sqlite3", sweep_interval=3600, workers=0)
    with TestClient(create_app(settings)) as client:
        fits = settings.max_memory_per_client_mb * MB // session_bytes(Config.model_validate(LARGEST))
        statuses = [client.post("/api/sessions", json=LARGEST).status_code for _ in range(fits)]
        refused = client.post("/api/sessions", json=LARGEST)
        assert statuses == [201] * fits
        assert refused.status_code == 429
        assert "your address's share" in refused.json()["detail"]
        assert int(refused.headers["retry-after"]) > 0
        assert client.post("/api/sessions", json={}).status_code == 201  # a default one still fits


def test_a_class_of_fifty_fits_behind_one_address_on_the_largest_lesson(tmp_path: Path) -> None:
    largest = max(LESSONS.values(), key=lambda lesson: session_bytes(lesson.resolved()))
    settings = Settings(db=tmp_path / "runs.sqlite3", sweep_interval=3600, workers=0)
    with TestClient(create_app(settings)) as client:
        created = [client.post("/api/sessions", json=largest.config).status_code for _ in range(50)]
        assert created == [201] * 50
