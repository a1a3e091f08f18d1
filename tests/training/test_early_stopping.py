"""Early stopping: stop when the validation loss stops improving, and go back to its best epoch."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from app.training.config import Config, merge, rebuild_needed
from tests.conftest import make_session

# A noisy circle that a wide network overfits within a few dozen epochs.
OVERFITS: dict[str, Any] = {
    "dataset": {"name": "circle", "noise": 0.6, "samples": 200, "validation_fraction": 0.3},
    "hidden_layers": [16, 16],
    "optimizer": {"name": "adam", "learning_rate": 0.01},
}


def test_training_stops_and_restores_the_best_validation_epoch() -> None:
    s = make_session(**OVERFITS, early_stopping={"patience": 20})
    s.step(300, "epoch")
    state = s.state()
    lowest = min(r.validation_loss or 0.0 for r in s.history.records)
    assert state.status == "stopped" and s.halted
    assert state.message == (
        f"early stopping: validation loss has not improved for 20 epochs; restored epoch {state.epoch}"
    )
    assert state.epoch < 300 and state.validation_loss == lowest and state.best_by == "validation"


def test_a_stopped_run_steps_again_from_its_best_epoch() -> None:
    s = make_session(**OVERFITS, early_stopping={"patience": 20})
    s.step(300, "epoch")
    stopped_at = s.epoch
    s.reconfigure(merge(s.config, {"early_stopping": None}))
    s.step(5, "epoch")
    assert s.status == "ready" and s.epoch == stopped_at + 5


def test_without_early_stopping_the_run_goes_on() -> None:
    s = make_session(**OVERFITS)
    s.step(150, "epoch")
    assert s.status == "ready" and s.epoch == 150


def test_restore_best_ranks_by_validation_loss_and_says_so() -> None:
    s = make_session(**OVERFITS)
    s.step(150, "epoch")
    lowest = min(r.validation_loss or 0.0 for r in s.history.records)
    assert s.state().best_loss == lowest and s.state().best_by == "validation"
    s.go_back()
    assert s.state().validation_loss == lowest
    assert s.message == f"restored epoch {s.epoch}, the lowest validation loss"


def test_restore_best_without_validation_uses_the_test_loss() -> None:
    s = make_session(**{**OVERFITS, "dataset": {**OVERFITS["dataset"], "validation_fraction": 0.0}})
    s.step(100, "epoch")
    s.go_back()
    assert s.state().best_by == "test" and "the lowest test loss" in s.message


def test_early_stopping_needs_a_validation_share() -> None:
    with pytest.raises(ValidationError) as info:
        Config.model_validate({"early_stopping": {"patience": 5}})
    (error,) = info.value.errors()
    assert error["loc"] == ("early_stopping",) and "validation_fraction" in error["msg"]


@pytest.mark.parametrize("patience", [0, -1, 1.5])
def test_patience_is_a_positive_whole_number(patience: object) -> None:
    with pytest.raises(ValidationError) as info:
        Config.model_validate({**OVERFITS, "early_stopping": {"patience": patience}})
    assert info.value.errors()[0]["loc"] == ("early_stopping", "patience")


def test_early_stopping_applies_live() -> None:
    old = Config.model_validate(OVERFITS)
    assert not rebuild_needed(old, merge(old, {"early_stopping": {"patience": 3}}))
    assert Config.model_validate({}).early_stopping is None
