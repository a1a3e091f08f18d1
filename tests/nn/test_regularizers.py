"""L1's proximal step: soft thresholding lands weights on exactly zero."""

from __future__ import annotations

import numpy as np

from app.nn import regularizers


def test_proximal_step_is_soft_thresholding() -> None:
    w = np.random.default_rng(0).normal(0.0, 0.1, 200)
    expected = np.sign(w) * np.maximum(np.abs(w) - 0.05, 0.0)
    got = w.copy()
    regularizers.proximal_step("l1", 0.5, 0.1, got)
    assert np.array_equal(got, expected)
    assert np.count_nonzero(got == 0.0) == np.count_nonzero(np.abs(w) <= 0.05) > 0


def test_proximal_step_leaves_weights_above_the_threshold_their_sign() -> None:
    w = np.array([-1.0, -0.01, 0.0, 0.01, 1.0])
    regularizers.proximal_step("l1", 0.1, 0.2, w)
    assert w.tolist() == [-0.98, 0.0, 0.0, 0.0, 0.98]


def test_only_l1_has_a_proximal_step() -> None:
    w = np.array([0.5, -0.001, 0.002])
    for kind in ("none", "l2"):
        moved = w.copy()
        regularizers.proximal_step(kind, 0.3, 1.0, moved)
        assert np.array_equal(moved, w)


def test_optimizer_sees_no_l1_gradient_and_all_of_l2() -> None:
    w = np.array([0.5, -0.25, 2.0])
    for kind, expected in (("l1", np.zeros(3)), ("l2", 0.1 * w)):
        grad = np.zeros(3)
        regularizers.add_descent_gradient(kind, 0.1, w, grad)
        assert np.array_equal(grad, expected)


def test_proximal_zeros_are_plain_zeros() -> None:
    w = np.array([-0.001, 0.001])
    regularizers.proximal_step("l1", 1.0, 1.0, w)
    assert not np.signbit(w).any()
