"""Losses over raw network scores (logits), each with its gradient.

Every loss here takes the output layer's raw scores ``z`` (n, k) and prepared
targets ``t`` and returns the *mean* loss over the n rows together with
d(mean loss)/dz; gradients also take a stack of runs' batches, (runs, n, k).
The squashing function (sigmoid, softmax) lives in the loss, so that pairs
like softmax + cross-entropy use their fused gradient (p - y) / n.

``targets(labels)`` turns dataset labels (class ids, or values for
regression) into the array the loss wants, once per dataset rather than once
per batch. ``output(z)`` gives what a user sees: probabilities or values.

Two tables: ``HEADS`` (the output's squashing functions, each with its
backward product and its code for the exported scripts) and ``LOSSES`` (one
row per loss name: its label and which loss object a task gets).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from app.nn.activations import sigmoid
from app.nn.arrays import Array
from app.nn.tables import table

_sum = np.add.reduce  # over all axes with axis=None; far cheaper than np.mean on small arrays
Task = Literal["classification", "regression"]


def softmax(z: Array) -> Array:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


def _sigmoid_vjp(p: Array, g: Array) -> Array:
    return g * p * (1.0 - p)


def _softmax_vjp(p: Array, g: Array) -> Array:
    return p * (g - np.sum(g * p, axis=-1, keepdims=True))


@dataclass(frozen=True)
class Head:
    """The output's squashing function p = f(z), and vjp(p, dL/dp) = dL/dz.

    ``numpy`` is the body of ``head(z)`` in the exported NumPy script;
    ``torch`` the expression in ``z`` of the PyTorch one.
    """

    name: str
    f: Callable[[Array], Array]
    vjp: Callable[[Array, Array], Array]
    numpy: str
    torch: str


HEADS: dict[str, Head] = table(
    Head("linear", lambda z: z, lambda p, g: g, "return z", "z"),
    Head("sigmoid", sigmoid, _sigmoid_vjp, "return 0.5 * np.tanh(0.5 * z) + 0.5", "torch.sigmoid(z)"),
    Head(
        "softmax",
        softmax,
        _softmax_vjp,
        "e = np.exp(z - z.max(axis=1, keepdims=True))\n    return e / e.sum(axis=1, keepdims=True)",
        "torch.softmax(z, dim=1)",
    ),
)


def _one_hot(labels: NDArray[np.integer], classes: int) -> Array:
    out = np.zeros((labels.shape[0], classes))
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out


class Loss:
    """Base: a loss knows its output width, target encoding and output function."""

    name: str = ""
    outputs: int = 1
    head: str = "linear"  # the squashing function its output applies, for display
    kink: str = ""  # where the loss has no derivative in the scores, or "" for a smooth loss

    def targets(self, labels: NDArray[np.generic]) -> Array:
        return np.asarray(labels, dtype=np.float64).reshape(-1, 1)

    def output(self, z: Array) -> Array:
        return z

    def value(self, z: Array, t: Array) -> float:
        raise NotImplementedError

    def gradient(self, z: Array, t: Array) -> Array:
        raise NotImplementedError

    def kink_sides(self, z: Array, t: Array) -> NDArray[np.bool_]:
        """Which side of the kink each score lies on: one bool per score (none for a smooth loss)."""
        return np.empty(0, dtype=bool)

    def correct(self, z: Array, labels: NDArray[Any]) -> NDArray[np.bool_]:
        """Per-row bool: is the predicted class right (classification only)."""
        if self.outputs == 1:
            return (z[:, 0] > 0.0) == (labels > 0)
        return np.argmax(z, axis=1) == labels

    def accuracy(self, z: Array, labels: NDArray[np.generic]) -> float:
        return np.count_nonzero(self.correct(z, labels)) / z.shape[0]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(outputs={self.outputs})"


class SigmoidCrossEntropy(Loss):
    """Binary cross-entropy on one sigmoid unit; targets are 0/1 in a column."""

    name = "cross_entropy"
    head = "sigmoid"

    def output(self, z: Array) -> Array:
        return sigmoid(z)

    def value(self, z: Array, t: Array) -> float:
        # log(1 + e^z) - t z, written so that it never overflows.
        return float(_sum(np.logaddexp(0.0, z) - t * z, axis=None)) / z.shape[0]

    def gradient(self, z: Array, t: Array) -> Array:
        return (sigmoid(z) - t) * (1.0 / z.shape[-2])


class SoftmaxCrossEntropy(Loss):
    """Cross-entropy on a softmax over K units; targets are one-hot rows."""

    name = "cross_entropy"
    head = "softmax"

    def __init__(self, classes: int) -> None:
        self.outputs = classes

    def targets(self, labels: NDArray[np.generic]) -> Array:
        return _one_hot(np.asarray(labels, dtype=np.int64), self.outputs)

    def output(self, z: Array) -> Array:
        return softmax(z)

    def value(self, z: Array, t: Array) -> float:
        shifted = z - z.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -float(_sum(log_p * t, axis=None)) / z.shape[0]

    def gradient(self, z: Array, t: Array) -> Array:
        return (softmax(z) - t) * (1.0 / z.shape[-2])


class SquaredError(Loss):
    """Mean over rows of the summed squared error between output and target.

    The output is the identity for regression, a sigmoid for two classes and a
    softmax for K classes (so squared error can be compared with cross-entropy
    on the same classification data).
    """

    name = "mse"

    def __init__(self, squash: Literal["identity", "sigmoid", "softmax"], classes: int = 1) -> None:
        self.squash = squash
        self.outputs = classes if squash == "softmax" else 1
        self.head = "linear" if squash == "identity" else squash
        self._head = HEADS[self.head]

    def targets(self, labels: NDArray[np.generic]) -> Array:
        if self.squash == "softmax":
            return _one_hot(np.asarray(labels, dtype=np.int64), self.outputs)
        return super().targets(labels)

    def output(self, z: Array) -> Array:
        return self._head.f(z)

    def value(self, z: Array, t: Array) -> float:
        diff = self._head.f(z) - t
        return float(_sum(diff * diff, axis=None)) / z.shape[0]

    def gradient(self, z: Array, t: Array) -> Array:
        head = self._head
        p = head.f(z)
        return head.vjp(p, (p - t) * (2.0 / z.shape[-2]))

    def correct(self, z: Array, labels: NDArray[Any]) -> NDArray[np.bool_]:
        if self.squash == "identity":
            raise ValueError("accuracy is not defined for regression")
        return super().correct(z, labels)

    def __repr__(self) -> str:
        return f"SquaredError({self.squash}, outputs={self.outputs})"


class Hinge(Loss):
    """max(0, 1 - s z) on one raw score, with s = +1 / -1 for class 1 / 0.

    ``output`` reports sigmoid(z) so that maps share the [0, 1] scale with the
    other binary losses; the decision boundary z = 0 stays at 0.5.
    """

    name = "hinge"
    head = "sigmoid"
    kink = "the hinge's kink at margin 1"

    def targets(self, labels: NDArray[np.generic]) -> Array:
        return np.where(np.asarray(labels).reshape(-1, 1) > 0, 1.0, -1.0)

    def output(self, z: Array) -> Array:
        return sigmoid(z)

    def value(self, z: Array, t: Array) -> float:
        return float(_sum(np.maximum(0.0, 1.0 - t * z), axis=None)) / z.shape[0]

    def gradient(self, z: Array, t: Array) -> Array:
        return np.where(t * z < 1.0, -t, 0.0) * (1.0 / z.shape[-2])

    def kink_sides(self, z: Array, t: Array) -> NDArray[np.bool_]:
        return (t * z < 1.0).ravel()


@dataclass(frozen=True)
class LossChoice:
    """A loss name: the loss a classification task with k classes gets, and a regression task's (if any)."""

    name: str
    label: str
    classify: Callable[[int], Loss]
    regress: Callable[[], Loss] | None = None
    max_classes: int | None = None
    knobs: tuple[str, ...] = ()


LOSSES: dict[str, LossChoice] = {
    r.name: r
    for r in (
        LossChoice(
            "cross_entropy",
            "Cross-entropy",
            lambda k: SigmoidCrossEntropy() if k == 2 else SoftmaxCrossEntropy(k),
        ),
        LossChoice(
            "mse",
            "Squared error",
            lambda k: SquaredError("sigmoid") if k == 2 else SquaredError("softmax", k),
            regress=lambda: SquaredError("identity"),
        ),
        LossChoice("hinge", "Hinge (2 classes)", lambda k: Hinge(), max_classes=2),
    )
}
REGRESSION_LOSSES = [r.name for r in LOSSES.values() if r.regress is not None]


def make_loss(name: str, task: Task, classes: int) -> Loss:
    """The loss and output head for a loss name on a task with ``classes`` classes."""
    row = LOSSES.get(name)
    if row is None:
        raise ValueError(f"unknown loss {name!r}")
    if task == "regression":
        if row.regress is None:
            raise ValueError(f"regression data needs the {' or '.join(REGRESSION_LOSSES)} loss, not {name!r}")
        return row.regress()
    if classes < 2:
        raise ValueError("classification needs at least 2 classes")
    if row.max_classes is not None and classes > row.max_classes:
        raise ValueError(f"the {name} loss is for {row.max_classes} classes")
    return row.classify(classes)
