"""Weight penalties, added to the mean data loss (biases are never penalised).

L1: rate * sum |w|, subgradient rate * sign(w). Training takes it as a
    proximal step instead: after the optimizer's update on the data loss,
    w <- sign(w) * max(|w| - lr * rate, 0) (soft thresholding), which lands
    weights on exactly zero, as a subgradient step never does. For an adaptive
    optimizer lr is its step size per weight (the proximal step in the
    optimizer's own scaling, as adaptive proximal methods such as ProxGen take it).
L2: rate / 2 * sum w^2, gradient rate * w (weight decay).

``REGULARIZERS`` has one row per kind: the penalty beside its gradient, the
proximal step if training uses one, the label and the knobs (config fields)
it reads.
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


def soft_threshold(threshold: float | Array, weights: Array) -> None:
    """w <- sign(w) * max(|w| - threshold, 0) in place: L1's proximal operator.

    Written as w - clip(w, -t, t), which is the same number and never makes a -0.0.
    """
    weights -= np.clip(weights, -threshold, threshold)


@dataclass(frozen=True)
class Regularizer:
    """penalty(rate, w) for a flat array of weights; gradient(rate, w, grad) adds its derivative to grad.

    ``kink`` names where the penalty of one weight has no derivative, or is "" for a smooth one.
    proximal(threshold, w), when given, is how training applies the penalty: after each
    optimizer step, with threshold = learning rate * rate, and no gradient term.
    """

    name: str
    label: str
    penalty: Callable[[float, Array], float]
    gradient: Callable[[float, Array, Array], None]
    knobs: tuple[str, ...] = ("rate",)
    kink: str = ""
    proximal: Callable[[float | Array, Array], None] | None = None


REGULARIZERS: dict[str, Regularizer] = table(
    Regularizer("none", "None", lambda rate, w: 0.0, lambda rate, w, g: None, knobs=()),
    Regularizer(
        "l1",
        "L1",
        lambda rate, w: rate * float(np.abs(w).sum()),
        _l1_gradient,
        kink="L1's kink at w = 0",
        proximal=soft_threshold,
    ),
    Regularizer("l2", "L2", lambda rate, w: 0.5 * rate * float(np.dot(w, w)), _l2_gradient),
)


def penalty(kind: str, rate: float, weights: Array) -> float:
    """The penalty term for a flat array of weights."""
    return 0.0 if rate == 0.0 else _row(kind).penalty(rate, weights)


def add_gradient(kind: str, rate: float, weights: Array, grad: Array) -> None:
    """Add d(penalty)/d(weights) to ``grad`` in place."""
    if rate != 0.0:
        _row(kind).gradient(rate, weights, grad)


def add_descent_gradient(kind: str, rate: float, weights: Array, grad: Array) -> None:
    """Add the part of the penalty's gradient an optimizer descends: none for a proximal kind."""
    if rate != 0.0 and _row(kind).proximal is None:
        _row(kind).gradient(rate, weights, grad)


def is_proximal(kind: str) -> bool:
    """Whether training applies this penalty by a proximal step rather than by its gradient."""
    return _row(kind).proximal is not None


def proximal_step(kind: str, rate: float, step_size: float | Array, weights: Array) -> None:
    """After an optimizer step of ``step_size`` (a number, or one per weight): the penalty's proximal step."""
    prox = _row(kind).proximal
    if rate != 0.0 and prox is not None:
        prox(step_size * rate, weights)


def _row(kind: str) -> Regularizer:
    try:
        return REGULARIZERS[kind]
    except KeyError:
        raise ValueError(f"unknown regularization {kind!r}") from None
