"""Losses over raw network scores (logits), each with its gradient.

Every loss here takes the output layer's raw scores ``z`` (n, k) and prepared
targets ``t`` and returns the *mean* loss over the n rows together with
d(mean loss)/dz. The squashing function (sigmoid, softmax) lives in the loss,
so that pairs like softmax + cross-entropy use their fused gradient (p - y) / n.

``targets(labels)`` turns dataset labels (class ids, or values for
regression) into the array the loss wants, once per dataset rather than once
per batch. ``output(z)`` gives what a user sees: probabilities or values.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from app.nn.activations import sigmoid
from app.nn.arrays import Array

_sum = np.add.reduce  # over all axes with axis=None; far cheaper than np.mean on small arrays
LossName = Literal["cross_entropy", "mse", "hinge"]
Task = Literal["classification", "regression"]


def softmax(z: Array) -> Array:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    e /= e.sum(axis=1, keepdims=True)
    return e


def _one_hot(labels: NDArray[np.integer], classes: int) -> Array:
    out = np.zeros((labels.shape[0], classes))
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out


class Loss:
    """Base: a loss knows its output width, target encoding and output function."""

    name: str = ""
    outputs: int = 1
    head: str = "linear"  # the squashing function its output applies, for display

    def targets(self, labels: NDArray[np.generic]) -> Array:
        return np.asarray(labels, dtype=np.float64).reshape(-1, 1)

    def output(self, z: Array) -> Array:
        return z

    def value(self, z: Array, t: Array) -> float:
        raise NotImplementedError

    def gradient(self, z: Array, t: Array) -> Array:
        raise NotImplementedError

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
        return (sigmoid(z) - t) * (1.0 / z.shape[0])


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
        return (softmax(z) - t) * (1.0 / z.shape[0])


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

    def targets(self, labels: NDArray[np.generic]) -> Array:
        if self.squash == "softmax":
            return _one_hot(np.asarray(labels, dtype=np.int64), self.outputs)
        return super().targets(labels)

    def output(self, z: Array) -> Array:
        if self.squash == "sigmoid":
            return sigmoid(z)
        if self.squash == "softmax":
            return softmax(z)
        return z

    def value(self, z: Array, t: Array) -> float:
        diff = self.output(z) - t
        return float(_sum(diff * diff, axis=None)) / z.shape[0]

    def gradient(self, z: Array, t: Array) -> Array:
        p = self.output(z)
        g = (p - t) * (2.0 / z.shape[0])
        if self.squash == "sigmoid":
            return g * p * (1.0 - p)
        if self.squash == "softmax":
            return p * (g - np.sum(g * p, axis=1, keepdims=True))
        return g

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

    def targets(self, labels: NDArray[np.generic]) -> Array:
        return np.where(np.asarray(labels).reshape(-1, 1) > 0, 1.0, -1.0)

    def output(self, z: Array) -> Array:
        return sigmoid(z)

    def value(self, z: Array, t: Array) -> float:
        return float(_sum(np.maximum(0.0, 1.0 - t * z), axis=None)) / z.shape[0]

    def gradient(self, z: Array, t: Array) -> Array:
        return np.where(t * z < 1.0, -t, 0.0) * (1.0 / z.shape[0])


def make_loss(name: LossName, task: Task, classes: int) -> Loss:
    """The loss and output head for a loss name on a task with ``classes`` classes."""
    if task == "regression":
        if name != "mse":
            raise ValueError(f"regression data needs the mse loss, not {name!r}")
        return SquaredError("identity")
    if classes < 2:
        raise ValueError("classification needs at least 2 classes")
    if name == "cross_entropy":
        return SigmoidCrossEntropy() if classes == 2 else SoftmaxCrossEntropy(classes)
    if name == "mse":
        return SquaredError("sigmoid") if classes == 2 else SquaredError("softmax", classes)
    if name == "hinge":
        if classes != 2:
            raise ValueError("the hinge loss is for 2 classes")
        return Hinge()
    raise ValueError(f"unknown loss {name!r}")
