"""A config's points, generated or given, split into training and test sets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.training.config import DatasetConfig
from app.training.datasets import Labels, make

Points = NDArray[np.float64]


@dataclass(frozen=True)
class Split:
    """Raw 2-D points and labels; labels are int64 classes or float64 values."""

    train_points: Points
    train_labels: NDArray[np.generic]
    test_points: Points
    test_labels: NDArray[np.generic]

    @property
    def points(self) -> Points:
        return np.concatenate([self.train_points, self.test_points])

    @property
    def labels(self) -> NDArray[np.generic]:
        return np.concatenate([self.train_labels, self.test_labels])


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, stream]))


def load_split(dataset: DatasetConfig, data_seed: int) -> Split:
    """Generate (or take) the points and split them by ``dataset.train_fraction``.

    Generated sets are cut exactly: the first round(fraction * n) of a seeded
    permutation train. Custom points instead train when a seeded uniform draw
    of their own is below the fraction; the draws form a prefix-stable stream,
    so adding a point never moves the points already placed between the sets.
    """
    if dataset.name == "custom":
        assert dataset.points is not None and dataset.labels is not None
        points = np.asarray(dataset.points, dtype=np.float64).reshape(-1, 2)
        labels: Labels = np.asarray(dataset.labels, dtype=np.int64)
        train = _rng(data_seed, 1).random(points.shape[0]) < dataset.train_fraction
        if not train.any():
            train[:] = True
    else:
        points, labels = make(dataset.name, dataset.samples, dataset.noise, _rng(data_seed, 0), dataset.classes)
        n = points.shape[0]
        train = np.zeros(n, dtype=bool)
        train[_rng(data_seed, 1).permutation(n)[: max(1, round(dataset.train_fraction * n))]] = True
    return Split(
        np.ascontiguousarray(points[train]),
        labels[train],
        np.ascontiguousarray(points[~train]),
        labels[~train],
    )
