"""What a session measures its weights on: the training, validation and test sets.

The three sets' feature matrices are stacked once, so one forward pass gives
every set's scores; an evaluation slices them apart. Without a validation
share the validation rows are empty and the numbers are exactly those of the
training and test sets alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.nn import regularizers
from app.nn.arrays import Array
from app.nn.losses import Loss
from app.nn.model import MLP
from app.training.config import RegularizationConfig
from app.training.metrics import Metrics
from app.training.split import Points, Split


@dataclass(frozen=True)
class EvaluationSets:
    """Features (n, f) and loss targets of each set; ``x_all`` stacks train, validation, test."""

    x_train: Array
    t_train: Array
    t_validation: Array
    t_test: Array
    x_all: Array
    split: Split

    @classmethod
    def of(cls, split: Split, featurize: Callable[[Points], Array], loss: Loss) -> EvaluationSets:
        """``featurize`` maps raw points (n, 2) to the model's inputs (n, f)."""
        parts = [featurize(p) for p in (split.train_points, split.validation_points, split.test_points)]
        return cls(
            x_train=parts[0],
            t_train=loss.targets(split.train_labels),
            t_validation=loss.targets(split.validation_labels),
            t_test=loss.targets(split.test_labels),
            x_all=np.concatenate(parts),
            split=split,
        )

    @property
    def n_train(self) -> int:
        return int(self.x_train.shape[0])


def measure(model: MLP, loss: Loss, sets: EvaluationSets, classification: bool, reg: RegularizationConfig) -> Metrics:
    """Loss, accuracy and penalty on each set at the model's current weights."""
    split, n = sets.split, sets.n_train
    v = n + split.validation_points.shape[0]
    with np.errstate(all="ignore"):
        scores = model.scores(sets.x_all)
        train, validation, test = scores[:n], scores[n:v], scores[v:]

        def accuracy(part: Array, labels: NDArray[np.generic]) -> float | None:
            return loss.accuracy(part, labels) if classification and part.shape[0] > 0 else None

        def value(part: Array, targets: Array) -> float | None:
            return loss.value(part, targets) if part.shape[0] > 0 else None

        return Metrics(
            train_loss=loss.value(train, sets.t_train),
            test_loss=value(test, sets.t_test),
            train_accuracy=loss.accuracy(train, split.train_labels) if classification else None,
            test_accuracy=accuracy(test, split.test_labels),
            penalty=regularizers.penalty(reg.kind, reg.rate, model.weights),
            validation_loss=value(validation, sets.t_validation),
            validation_accuracy=accuracy(validation, split.validation_labels),
        )
