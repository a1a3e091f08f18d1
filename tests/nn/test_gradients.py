"""Backpropagation against central finite differences (float64, relative error < 1e-6)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from app.nn import regularizers
from app.nn.activations import ACTIVATIONS, get_activation
from app.nn.gradcheck import norm_relative_error, numerical_gradient, relative_error
from app.nn.losses import Hinge, Loss, SigmoidCrossEntropy, SoftmaxCrossEntropy, SquaredError
from app.nn.model import MLP

TOLERANCE = 1e-6


def max_rel(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """Largest elementwise relative error (cs231n's rel_error)."""
    return float(relative_error(analytic, numeric, floor=1e-8).max())


def away_from_kinks(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Points with |z| >= 0.05, so no finite difference straddles a ReLU kink at 0."""
    z = rng.normal(0.0, 2.0, shape)
    return np.where(np.abs(z) < 0.05, z + np.sign(z + 1e-12) * 0.1, z)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivative(name: str) -> None:
    act = ACTIVATIONS[name]
    z = away_from_kinks(np.random.default_rng(1), (40,))
    analytic = act.df(z, act.f(z))
    # f is elementwise, so one central difference over the whole array is exact per entry.
    eps = 1e-5
    numeric = (act.f(z + eps) - act.f(z - eps)) / (2 * eps)
    assert max_rel(analytic, numeric) < TOLERANCE


@pytest.mark.parametrize("slope", [0.01, 0.02])
def test_leaky_relu_uses_the_configured_slope(slope: float) -> None:
    act = get_activation("leaky_relu", slope)
    z = away_from_kinks(np.random.default_rng(2), (40,))
    assert act.f(np.array([-2.0, 3.0])).tolist() == [-2.0 * slope, 3.0]
    eps = 1e-5
    numeric = (act.f(z + eps) - act.f(z - eps)) / (2 * eps)
    assert max_rel(act.df(z, act.f(z)), numeric) < TOLERANCE
    assert f"nn.LeakyReLU({slope})" == act.torch and f"{slope} * z" in act.numpy


def test_step_passes_no_gradient_to_the_layers_below() -> None:
    """The perceptron's step: f' is 0 on both sides of the jump, so descent cannot move hidden weights."""
    step = ACTIVATIONS["step"]
    z = away_from_kinks(np.random.default_rng(8), (40,))
    assert set(step.f(z)) == {0.0, 1.0}
    assert not step.df(z, step.f(z)).any()
    rng = np.random.default_rng(9)
    model = MLP([2, 4, 1], "step", "xavier", rng)
    x, t = rng.normal(size=(16, 2)), SigmoidCrossEntropy().targets(rng.integers(0, 2, 16))
    model.backward(SigmoidCrossEntropy().gradient(model(x), t))
    hidden, output = model.layers
    assert not hidden.dW.any() and not hidden.db.any()
    assert output.db.any()


def _loss_cases() -> list[tuple[str, Loss, np.ndarray]]:
    rng = np.random.default_rng(2)
    binary = rng.integers(0, 2, 12)
    cases: list[tuple[str, Loss, np.ndarray]] = [
        ("sigmoid_ce", SigmoidCrossEntropy(), binary),
        ("mse_identity", SquaredError("identity"), rng.normal(size=12)),
        ("mse_sigmoid", SquaredError("sigmoid"), binary),
        ("hinge", Hinge(), binary),
    ]
    for k in range(3, 7):
        labels = rng.integers(0, k, 12)
        cases.append((f"softmax_ce_{k}", SoftmaxCrossEntropy(k), labels))
        cases.append((f"mse_softmax_{k}", SquaredError("softmax", k), labels))
    return cases


@pytest.mark.parametrize(("name", "loss", "labels"), _loss_cases(), ids=[c[0] for c in _loss_cases()])
def test_loss_gradient(name: str, loss: Loss, labels: np.ndarray) -> None:
    rng = np.random.default_rng(3)
    z = rng.normal(0.0, 1.5, (labels.shape[0], loss.outputs))
    t = loss.targets(labels)
    if isinstance(loss, Hinge):
        # Keep every margin away from the hinge's kink at t z = 1.
        margin = t * z
        z = np.where(np.abs(margin - 1.0) < 0.05, z + 0.2 * t, z)
    analytic = loss.gradient(z, t)
    numeric = numerical_gradient(lambda: loss.value(z, t), z)
    assert norm_relative_error(analytic, numeric) < TOLERANCE


def test_softmax_cross_entropy_uses_fused_gradient() -> None:
    loss = SoftmaxCrossEntropy(4)
    z = np.random.default_rng(4).normal(size=(5, 4))
    t = loss.targets(np.array([0, 1, 2, 3, 0]))
    assert np.allclose(loss.gradient(z, t), (loss.output(z) - t) / 5)


@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_regularizer_gradient(kind: str) -> None:
    w = away_from_kinks(np.random.default_rng(5), (30,))
    grad = np.zeros_like(w)
    regularizers.add_gradient(kind, 0.3, w, grad)
    numeric = numerical_gradient(lambda: regularizers.penalty(kind, 0.3, w), w)
    assert max_rel(grad, numeric) < TOLERANCE


NETWORK_CASES = [
    (hidden, activation, loss_name)
    for hidden in ([], [5], [6, 4], [5, 4, 3])
    for activation in ("tanh", "relu", "sigmoid", "gelu")
    for loss_name in ("sigmoid_ce", "softmax_ce", "mse", "hinge")
]


def _network_loss(name: str) -> tuple[Loss, np.ndarray]:
    rng = np.random.default_rng(6)
    if name == "softmax_ce":
        return SoftmaxCrossEntropy(3), rng.integers(0, 3, 16)
    if name == "mse":
        return SquaredError("identity"), rng.normal(size=16)
    if name == "hinge":
        return Hinge(), rng.integers(0, 2, 16)
    return SigmoidCrossEntropy(), rng.integers(0, 2, 16)


@pytest.mark.parametrize("slope", [0.01, 0.02])
def test_leaky_network_gradient(slope: float) -> None:
    rng = np.random.default_rng(8)
    loss, labels = _network_loss("sigmoid_ce")
    model = MLP([3, 6, 4, loss.outputs], "leaky_relu", "xavier", rng, leaky_slope=slope)
    x, t = rng.normal(0.0, 1.0, (16, 3)), loss.targets(labels)
    model.backward(loss.gradient(model(x), t))
    numeric = numerical_gradient(lambda: loss.value(model(x), t), model.params)
    assert norm_relative_error(model.grads, numeric) < TOLERANCE


@pytest.mark.parametrize(("hidden", "activation", "loss_name"), NETWORK_CASES)
def test_network_gradient(hidden: list[int], activation: str, loss_name: str) -> None:
    rng = np.random.default_rng(7)
    loss, labels = _network_loss(loss_name)
    model = MLP([3, *hidden, loss.outputs], activation, "xavier", rng)
    model.params[model.n_weights :] = rng.normal(0.0, 0.3, model.params.size - model.n_weights)
    x = rng.normal(0.0, 1.0, (16, 3))
    t = loss.targets(labels)
    model.backward(loss.gradient(model(x), t))
    regularizers.add_gradient("l2", 0.01, model.weights, model.weight_grads)
    analytic = model.grads.copy()

    def objective() -> float:
        return loss.value(model(x), t) + regularizers.penalty("l2", 0.01, model.weights)

    numeric = numerical_gradient(objective, model.params)
    for layer_w, layer_b, an_w, an_b in _per_layer(model, analytic, numeric):
        assert norm_relative_error(an_w, layer_w) < TOLERANCE
        assert norm_relative_error(an_b, layer_b) < TOLERANCE


def _per_layer(model: MLP, analytic: np.ndarray, numeric: np.ndarray) -> Iterator[tuple[np.ndarray, ...]]:
    w_at, b_at = 0, model.n_weights
    for layer in model.layers:
        nw, nb = layer.W.size, layer.b.size
        yield (
            numeric[w_at : w_at + nw],
            numeric[b_at : b_at + nb],
            analytic[w_at : w_at + nw],
            analytic[b_at : b_at + nb],
        )
        w_at, b_at = w_at + nw, b_at + nb
