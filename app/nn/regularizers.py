"""Weight penalties, added to the mean data loss (biases are never penalised).

L1: rate * sum |w|, gradient rate * sign(w).
L2: rate / 2 * sum w^2, gradient rate * w (weight decay).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from app.nn.arrays import Array

RegularizationKind = Literal["none", "l1", "l2"]


def penalty(kind: RegularizationKind, rate: float, weights: Array) -> float:
    """The penalty term for a flat array of weights."""
    if kind == "none" or rate == 0.0:
        return 0.0
    if kind == "l1":
        return rate * float(np.abs(weights).sum())
    if kind == "l2":
        return 0.5 * rate * float(np.dot(weights, weights))
    raise ValueError(f"unknown regularization {kind!r}")


def add_gradient(kind: RegularizationKind, rate: float, weights: Array, grad: Array) -> None:
    """Add d(penalty)/d(weights) to ``grad`` in place."""
    if kind == "none" or rate == 0.0:
        return
    if kind == "l1":
        grad += rate * np.sign(weights)
    elif kind == "l2":
        grad += rate * weights
    else:
        raise ValueError(f"unknown regularization {kind!r}")
