"""The estimate sessions are admitted by stays close to what they measure."""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

import pytest

from app.serving.footprint import MB, session_bytes
from app.training.config import Config
from app.training.session import Session

ALL_FEATURES = ["x1", "x2", "x1_squared", "x2_squared", "x1_times_x2", "sin_x1", "sin_x2"]
LARGEST = {"dataset": {"name": "spiral", "samples": 5000, "classes": 6}, "features": ALL_FEATURES}


def measured(config: Config) -> int:
    """Bytes a session holds once made and trained for a few epochs (its largest state)."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        session = Session(config)
        session.step(3, "epoch")
        gc.collect()
        size = tracemalloc.get_traced_memory()[0] - base
        del session
        return size
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"dataset": {"name": "xor", "samples": 100}, "hidden_layers": [2]},
        {"dataset": {"name": "sine", "samples": 5000}, "hidden_layers": [64, 64], "optimizer": {"name": "rmsprop"}},
        {**LARGEST, "hidden_layers": [64] * 8, "optimizer": {"name": "adam"}},
        {**LARGEST, "hidden_layers": [64] * 8},
    ],
)
def test_the_estimate_bounds_the_measured_size_without_overcounting(config: dict[str, Any]) -> None:
    cfg = Config.model_validate(config)
    size, estimate = measured(cfg), session_bytes(cfg)
    assert 0.9 * size <= estimate <= 2 * size + 2 * MB, (size, estimate)
