"""Kinks: where the training objective has no derivative in a parameter.

ReLU and leaky ReLU bend at z = 0, the step jumps there, the hinge loss bends at
margin 1 and an L1 penalty at w = 0. A central difference whose two nudges land
on both sides of a kink averages two slopes (or measures a jump), so it need not
match backpropagation there; a gradient check asks which side of every kink the
network stands on at each nudge, and sets the parameters that crossed one apart.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from app.nn.arrays import Array
from app.nn.losses import Loss
from app.nn.model import MLP

Sides = tuple[NDArray[np.bool_], NDArray[np.bool_]]  # (hidden pre-activations, loss margins): above the kink or not


def forward_with_sides(model: MLP, x: Array) -> tuple[Array, NDArray[np.bool_]]:
    """model(x), leaving the layers' caches alone, and whether each hidden pre-activation lies
    above the activation's kink: scores (n, n_outputs) and a flat bool array (empty for a smooth
    activation)."""
    act = model.activation
    sides: list[NDArray[np.bool_]] = []
    a = x
    for layer in model.layers[:-1]:
        z = np.dot(a, layer.W)
        z += layer.b
        if act.kink:
            sides.append((z > 0.0).ravel())
        a = act.f(z)
    last = model.layers[-1]
    scores = np.dot(a, last.W)
    scores += last.b
    return scores, np.concatenate(sides) if sides else np.empty(0, dtype=bool)


def kinks_crossed(model: MLP, loss: Loss, below: Sides, above: Sides) -> str:
    """The kink of the network or its loss that two nudges lie on both sides of ("" for none)."""
    if not np.array_equal(below[0], above[0]):
        return model.activation.kink
    if not np.array_equal(below[1], above[1]):
        return loss.kink
    return ""
