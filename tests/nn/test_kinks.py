"""Kinks: a central difference across one disagrees with backpropagation, and the check can tell."""

from __future__ import annotations

import numpy as np
import pytest

from app.nn.activations import ACTIVATIONS, get_activation
from app.nn.gradcheck import relative_error
from app.nn.kinks import forward_with_sides, kinks_crossed
from app.nn.losses import Hinge, Loss, SigmoidCrossEntropy
from app.nn.model import MLP
from app.nn.regularizers import REGULARIZERS

EPS = 1e-5


def test_the_kinked_rows_say_where() -> None:
    kinked = {name for name, row in ACTIVATIONS.items() if row.kink}
    assert kinked == {"relu", "leaky_relu", "step"}
    assert get_activation("leaky_relu", 0.2).kink == ACTIVATIONS["leaky_relu"].kink
    assert {name for name, row in REGULARIZERS.items() if row.kink} == {"l1"}
    assert Hinge().kink and not SigmoidCrossEntropy().kink


@pytest.mark.parametrize("activation", ["relu", "tanh", "step"])
def test_forward_with_sides_is_the_forward_pass(activation: str) -> None:
    rng = np.random.default_rng(0)
    model = MLP([2, 5, 3, 1], activation, "xavier", rng)
    model.params[model.n_weights :] = rng.normal(0.0, 0.3, model.params.size - model.n_weights)
    x = rng.normal(size=(20, 2))
    scores, sides = forward_with_sides(model, x)
    assert np.array_equal(scores, model(x))
    if activation == "tanh":
        assert sides.size == 0
    else:
        first = x @ model.layers[0].W + model.layers[0].b
        assert sides.size == 20 * (5 + 3) and np.array_equal(sides[: 20 * 5], (first > 0).ravel())


def _nudged(model: MLP, loss: Loss, x: np.ndarray, t: np.ndarray, index: int) -> tuple[np.ndarray, str]:
    """The central difference of the loss in params[index], and the kink its nudges crossed."""
    old = model.params[index]
    model.params[index] = old + EPS
    up, above = forward_with_sides(model, x)
    model.params[index] = old - EPS
    down, below = forward_with_sides(model, x)
    model.params[index] = old
    margins = (loss.kink_sides(down, t), loss.kink_sides(up, t))
    numeric = np.array((loss.value(up, t) - loss.value(down, t)) / (2 * EPS))
    return numeric, kinks_crossed(model, loss, (below, margins[0]), (above, margins[1]))


def _analytic(model: MLP, loss: Loss, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    model.backward(loss.gradient(model(x), t))
    return model.grads.copy()


def test_a_bias_at_relus_kink_is_flagged_and_disagrees() -> None:
    """A hidden unit whose pre-activation is exactly 0 on a point: its bias nudge straddles the kink."""
    loss = SigmoidCrossEntropy()
    model = MLP([2, 2, 1], "relu", "xavier", np.random.default_rng(1))
    x = np.array([[0.0, 0.0], [1.0, 2.0]])
    t = loss.targets(np.array([1, 0]))
    model.layers[0].W[:] = [[1.0, -0.5], [0.5, 1.0]]
    model.layers[1].W[:] = [[1.0], [2.0]]
    analytic = _analytic(model, loss, x, t)
    bias = model.n_weights  # b[0] of the hidden layer: z = 0 at the origin
    numeric, kink = _nudged(model, loss, x, t, bias)
    assert kink == "ReLU's kink at 0"
    assert relative_error(analytic[bias], numeric) > 1e-3
    model.params[bias] = 0.3  # away from the kink, both agree and nothing is flagged
    analytic = _analytic(model, loss, x, t)
    numeric, kink = _nudged(model, loss, x, t, bias)
    assert kink == "" and relative_error(analytic[bias], numeric) < 1e-6


def test_a_margin_at_the_hinge_is_flagged() -> None:
    loss = Hinge()
    model = MLP([2, 1], "tanh", "xavier", np.random.default_rng(2))
    model.layers[0].W[:] = [[0.5], [0.5]]
    x, t = np.array([[1.0, 1.0], [-3.0, 1.0]]), loss.targets(np.array([1, 0]))  # margins exactly 1 and 1
    analytic = _analytic(model, loss, x, t)
    numeric, kink = _nudged(model, loss, x, t, 0)
    assert kink == "the hinge's kink at margin 1"
    assert relative_error(analytic[0], numeric) > 1e-3
