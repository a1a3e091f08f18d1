"""Weight penalties, added to the mean data loss (biases are never penalised).

L1: rate * sum |w|, gradient rate * sign(w).
L2: rate / 2 * sum w^2, gradient rate * w (weight decay).

``REGULARIZERS`` has one row per kind: the penalty beside its gradient, the
label and the knobs (config fields) it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.nn.arrays import Array
from app.nn.tables import table


def _l1_gradient(rate: float, weights: Array, grad: Array) -> None:
    grad += rate * np.sign(weights)


def _l2_gradient(rate: float, weights: Array, grad: Array) -> None:
    grad += rate * weights


@dataclass(frozen=True)
class Regularizer:
    """penalty(rate, w) for a flat array of weights; gradient(rate, w, grad) adds its derivative to grad.

    ``kink`` names where the penalty of one weight has no derivative, or is "" for a smooth one.
    """

    name: str
    label: str
    penalty: Callable[[float, Array], float]
    gradient: Callable[[float, Array, Array], None]
    knobs: tuple[str, ...] = ("rate",)
    kink: str = ""


REGULARIZERS: dict[str, Regularizer] = table(
    Regularizer("none", "None", lambda rate, w: 0.0, lambda rate, w, g: None, knobs=()),
    Regularizer("l1", "L1", lambda rate, w: rate * float(np.abs(w).sum()), _l1_gradient, kink="L1's kink at w = 0"),
    Regularizer("l2", "L2", lambda rate, w: 0.5 * rate * float(np.dot(w, w)), _l2_gradient),
)


def penalty(kind: str, rate: float, weights: Array) -> float:
    """The penalty term for a flat array of weights."""
    return 0.0 if rate == 0.0 else _row(kind).penalty(rate, weights)


def add_gradient(kind: str, rate: float, weights: Array, grad: Array) -> None:
    """Add d(penalty)/d(weights) to ``grad`` in place."""
    if rate != 0.0:
        _row(kind).gradient(rate, weights, grad)


def _row(kind: str) -> Regularizer:
    try:
        return REGULARIZERS[kind]
    except KeyError:
        raise ValueError(f"unknown regularization {kind!r}") from None
