"""The validation share: carved from the training points only, seeded, and measured every epoch."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from app.training.config import Config, DatasetConfig
from app.training.early_stopping import monitored_loss
from app.training.split import load_split
from tests.conftest import make_session


def _rows(points: np.ndarray) -> set[tuple[float, float]]:
    return {(float(x), float(y)) for x, y in points}


def test_validation_points_come_from_the_training_points_only() -> None:
    plain = load_split(DatasetConfig(name="spiral", samples=200), 7)
    held = load_split(DatasetConfig(name="spiral", samples=200, validation_fraction=0.25), 7)
    assert _rows(held.test_points) == _rows(plain.test_points)
    assert len(held.validation_points) == 25 and len(held.train_points) == 75
    assert _rows(held.train_points) | _rows(held.validation_points) == _rows(plain.train_points)
    again = load_split(DatasetConfig(name="spiral", samples=200, validation_fraction=0.25), 7)
    np.testing.assert_array_equal(again.validation_points, held.validation_points)


def test_custom_points_hold_out_a_share_of_each_class() -> None:
    points = [(i * 0.1 - 3.0, (i % 7) * 0.5) for i in range(40)]
    labels = [0, 1] * 20
    plain = load_split(DatasetConfig(name="custom", points=points, labels=labels), 3)
    held = load_split(DatasetConfig(name="custom", points=points, labels=labels, validation_fraction=0.5), 3)
    assert _rows(held.test_points) == _rows(plain.test_points)
    assert _rows(held.train_points) | _rows(held.validation_points) == _rows(plain.train_points)
    per_class = np.bincount(held.validation_labels.astype(np.int64), minlength=2)
    assert all(4 <= n <= 6 for n in per_class), per_class


def test_no_validation_share_changes_nothing() -> None:
    a = make_session(dataset={"name": "spiral"}, hidden_layers=[6])
    b = make_session(dataset={"name": "spiral", "validation_fraction": 0.0}, hidden_layers=[6])
    for s in (a, b):
        s.step(5, "epoch")
    assert a.state() == b.state()
    assert a.state().validation_loss is None and a.state().validation_accuracy is None


def test_validation_numbers_are_reported_every_epoch() -> None:
    s = make_session(dataset={"name": "xor", "validation_fraction": 0.2}, hidden_layers=[4])
    s.step(3, "epoch")
    assert all(r.validation_loss is not None and r.validation_accuracy is not None for r in s.history.records)
    state = s.state()
    assert state.validation_loss is not None and 0.0 <= (state.validation_accuracy or -1) <= 1.0
    assert monitored_loss(s.metrics) == state.validation_loss
    plain = make_session()
    assert monitored_loss(plain.metrics) == plain.metrics.train_loss


@pytest.mark.parametrize("fraction", [-0.1, 1.0, 0.999])
def test_a_validation_share_that_leaves_no_training_point_names_the_field(fraction: float) -> None:
    with pytest.raises(ValidationError) as info:
        Config.model_validate({"dataset": {"samples": 20, "validation_fraction": fraction}})
    assert [e["loc"] for e in info.value.errors()] == [("dataset", "validation_fraction")]
