"""A config's points, generated or given, split into training, validation and test sets.

The validation set is carved from the training points (never from the test
set), so with no validation share the split is exactly the train/test split.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.training.config import DatasetConfig, validation_count
from app.training.datasets import Labels, make

Points = NDArray[np.float64]


@dataclass(frozen=True)
class Split:
    """Raw 2-D points and labels; labels are int64 classes or float64 values."""

    train_points: Points
    train_labels: NDArray[np.generic]
    test_points: Points
    test_labels: NDArray[np.generic]
    validation_points: Points
    validation_labels: NDArray[np.generic]

    @property
    def points(self) -> Points:
        return np.concatenate([self.train_points, self.validation_points, self.test_points])

    @property
    def labels(self) -> NDArray[np.generic]:
        return np.concatenate([self.train_labels, self.validation_labels, self.test_labels])


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, stream]))


def load_split(dataset: DatasetConfig, data_seed: int) -> Split:
    """Generate (or take) the points and split them by ``dataset.train_fraction``, then hold
    ``dataset.validation_fraction`` of the training points out for validation.

    Generated sets are cut exactly: the first round(fraction * n) of a seeded
    permutation train, and of those the first round(validation_fraction * train) of
    another seeded permutation validate. Custom points are cut per class, so each
    class trains (and validates) within one point of its share however few points
    there are; the cut only looks at earlier points, so adding a point never moves
    the points already placed between the sets.
    """
    if dataset.name == "custom":
        assert dataset.points is not None and dataset.labels is not None
        points = np.asarray(dataset.points, dtype=np.float64).reshape(-1, 2)
        labels: Labels = np.asarray(dataset.labels, dtype=np.int64)
        train = _even_per_class(labels, dataset.train_fraction, _rng(data_seed, 1))
        if not train.any():
            train[:] = True
        held = np.zeros_like(train)
        if dataset.validation_fraction > 0.0:
            members = np.flatnonzero(train)
            held[members] = _even_per_class(labels[members], dataset.validation_fraction, _rng(data_seed, 2))
            if held[members].all():
                held[:] = False  # training needs a point of its own more than validation does
    else:
        points, labels = make(dataset.name, dataset.samples, dataset.noise, _rng(data_seed, 0), dataset.classes)
        n = points.shape[0]
        held_count, train_count = validation_count(n, dataset.train_fraction, dataset.validation_fraction)
        train = np.zeros(n, dtype=bool)
        train[_rng(data_seed, 1).permutation(n)[:train_count]] = True
        held = np.zeros(n, dtype=bool)
        if held_count > 0:
            members = np.flatnonzero(train)
            held[members[_rng(data_seed, 2).permutation(members.size)[:held_count]]] = True
    fit, test = train & ~held, ~train
    return Split(
        np.ascontiguousarray(points[fit]),
        labels[fit],
        np.ascontiguousarray(points[test]),
        labels[test],
        np.ascontiguousarray(points[held]),
        labels[held],
    )


def _even_per_class(labels: Labels, fraction: float, rng: np.random.Generator) -> NDArray[np.bool_]:
    """The k-th point of a class trains when floor((k + 1) * fraction + offset) steps up.

    A seeded offset per class decides where the odd point falls, so after n points a
    class holds floor(n * fraction + offset) training points: its share, give or take one.
    """
    offsets = rng.random(int(labels.max(initial=0)) + 1)
    train = np.zeros(labels.shape[0], dtype=bool)
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        ranks = np.arange(members.size + 1) * fraction + offsets[label]
        train[members] = np.diff(np.floor(ranks)) > 0
    return train
