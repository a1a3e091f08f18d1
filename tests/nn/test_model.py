from __future__ import annotations

import numpy as np
import pytest

from app.nn.diagnostics import layer_health
from app.nn.losses import SigmoidCrossEntropy
from app.nn.model import MLP


def test_layers_are_views_of_one_buffer() -> None:
    m = MLP([2, 3, 1], "tanh", "xavier", np.random.default_rng(0))
    m.params[:] = 0.0
    assert not m.layers[0].W.any() and not m.layers[1].b.any()
    m.layers[1].b[0] = 5.0
    assert m.params[-1] == 5.0
    assert m.weights.size == 2 * 3 + 3 * 1 and m.params.size == m.weights.size + 4


def test_repr_reads_like_a_sentence() -> None:
    assert repr(MLP([2, 8, 1], "relu")) == "MLP of [Dense(2 -> 8, relu), Dense(8 -> 1, output)]"


@pytest.mark.parametrize("init", ["xavier", "he", "uniform", "zeros"])
def test_inits(init: str) -> None:
    m = MLP([2, 16, 16, 1], "tanh", init, np.random.default_rng(0))
    w = m.layers[1].W
    limits = {"xavier": np.sqrt(6 / 32), "he": 10.0, "uniform": 0.5, "zeros": 0.0}
    assert np.abs(w).max() <= limits[init]
    assert not m.params[m.n_weights :].any()
    if init == "he":
        assert w.std() == pytest.approx(np.sqrt(2 / 16), rel=0.2)


def test_float32_activations_match_float64_forward() -> None:
    m = MLP([2, 5, 4, 3], "tanh", "xavier", np.random.default_rng(1))
    x = np.random.default_rng(2).normal(size=(50, 2))
    acts = m.activations(x)
    assert all(a.dtype == np.float32 for a in acts)
    assert acts[-1] == pytest.approx(m(x), abs=1e-5)
    assert [a.shape[1] for a in acts] == [5, 4, 3]


def test_health_finds_dead_relu_and_saturated_sigmoid_units() -> None:
    x = np.random.default_rng(3).normal(size=(200, 2))
    relu = MLP([2, 4, 1], "relu", "xavier", np.random.default_rng(0))
    relu.layers[0].b[:2] = -100.0  # two units never fire
    assert layer_health(relu, x)[0].dead == 0.5

    sig = MLP([2, 4, 1], "sigmoid", "xavier", np.random.default_rng(0))
    sig.layers[0].W[:, :] *= 200.0  # everything far out on the flat tails
    health = layer_health(sig, x)
    assert health[0].saturated == 1.0 and health[0].dead is None


def test_gradient_norms_come_from_the_last_backward() -> None:
    m = MLP([2, 4, 1], "tanh", "xavier", np.random.default_rng(0))
    x = np.random.default_rng(1).normal(size=(30, 2))
    loss = SigmoidCrossEntropy()
    m.backward(loss.gradient(m(x), loss.targets(np.arange(30) % 2)))
    health = layer_health(m, x)
    assert health[1].weight_grad_norm == pytest.approx(np.linalg.norm(m.layers[1].dW))
