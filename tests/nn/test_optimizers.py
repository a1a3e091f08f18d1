from __future__ import annotations

import numpy as np
import pytest

from app.nn.optimizers import OPTIMIZERS, make_optimizer


def run(name: str, grads: list[float], lr: float = 0.1, **hyper: float) -> list[float]:
    p = np.zeros(1)
    opt = make_optimizer(name, **hyper)
    out = []
    for g in grads:
        opt.step([(p, np.array([g]))], lr)
        out.append(float(p[0]))
    return out


def test_sgd() -> None:
    assert run("sgd", [1.0, 2.0]) == pytest.approx([-0.1, -0.3])


def test_momentum_accumulates_velocity() -> None:
    # v1 = 1, v2 = 0.9 + 1 = 1.9
    assert run("momentum", [1.0, 1.0], momentum=0.9) == pytest.approx([-0.1, -0.29])


def test_nesterov_looks_ahead() -> None:
    # v1 = 1, step g + mu v = 1.9; v2 = 1.9, step 1 + 0.9 * 1.9 = 2.71
    assert run("nesterov", [1.0, 1.0], momentum=0.9) == pytest.approx([-0.19, -0.19 - 0.271])


def test_rmsprop_normalises_by_gradient_scale() -> None:
    small = run("rmsprop", [1e-3], rho=0.9, epsilon=1e-12)
    large = run("rmsprop", [1e3], rho=0.9, epsilon=1e-12)
    expected = -0.1 / np.sqrt(0.1)
    assert small == pytest.approx([expected]) and large == pytest.approx([expected])


def test_adam_first_steps_move_by_the_learning_rate() -> None:
    # Bias correction makes every early step about lr * sign(g) for a steady gradient.
    out = run("adam", [5.0, 5.0, 5.0], lr=0.01)
    assert np.diff([0.0, *out]) == pytest.approx([-0.01] * 3, rel=1e-6)


def test_state_is_kept_per_parameter() -> None:
    a, b = np.zeros(2), np.zeros(3)
    opt = make_optimizer("momentum", momentum=0.5)
    for _ in range(2):
        opt.step([(a, np.ones(2)), (b, -np.ones(3))], 1.0)
    # v1 = g, v2 = 0.5 g + g: the parameter moves by -(1 + 1.5) g
    assert a == pytest.approx([-2.5, -2.5]) and b == pytest.approx([2.5, 2.5, 2.5])
    assert set(opt.state) == {0, 1}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_minimises_a_quadratic(name: str) -> None:
    target = np.array([1.0, -2.0, 3.0])
    p = np.zeros(3)
    opt = make_optimizer(name)
    for _ in range(2000):
        opt.step([(p, 2 * (p - target))], 0.01)
    assert p == pytest.approx(target, abs=1e-2)


def test_reset_forgets_state() -> None:
    opt = make_optimizer("adam")
    p = np.zeros(1)
    opt.step([(p, np.ones(1))], 0.1)
    opt.reset()
    assert opt.state == {} and opt.steps == 0


def test_unknown_optimizer() -> None:
    with pytest.raises(ValueError, match="unknown optimizer"):
        make_optimizer("lbfgs")


@pytest.mark.parametrize(
    ("name", "direction"), [("sgd", "g"), ("momentum", "velocity"), ("rmsprop", "g"), ("adam", "m")]
)
def test_step_size_is_what_the_step_multiplied(name: str, direction: str) -> None:
    rng = np.random.default_rng(0)
    opt = make_optimizer(name)
    p = rng.normal(size=6)
    for _ in range(3):
        g = rng.normal(size=6)
        before = p.copy()
        opt.step([(p, g)], 0.1)
    moved = before - p
    along = g if direction == "g" else opt.state[0][direction]
    part = slice(0, 4)
    assert np.allclose(moved[part], opt.step_size(0, 0.1, part) * along[part], rtol=1e-12, atol=0)
