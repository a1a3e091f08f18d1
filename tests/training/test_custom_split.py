"""Custom points split class by class, as evenly as their count allows."""

from __future__ import annotations

import numpy as np

from app.training.config import DatasetConfig
from app.training.split import load_split


def test_ten_points_at_half_split_each_class_evenly() -> None:
    points = [(i * 0.5 - 2.0, 1.0) for i in range(10)]
    labels = [0, 1] * 5
    for seed in range(20):
        split = load_split(DatasetConfig(name="custom", points=points, labels=labels, train_fraction=0.5), seed)
        per_class = np.bincount(split.train_labels.astype(np.int64), minlength=2)
        assert all(abs(int(n) - 2.5) < 1 for n in per_class), (seed, per_class)


def test_a_lone_class_still_trains() -> None:
    split = load_split(
        DatasetConfig(name="custom", points=[(0.0, 0.0), (1.0, 1.0)], labels=[0, 0], train_fraction=0.1), 0
    )
    assert len(split.train_points) >= 1
