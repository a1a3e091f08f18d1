"""Central finite differences, as in cs231n's gradient_check.

relative error = |analytic - numeric| / max(|analytic| + |numeric|, tiny)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from app.nn.arrays import Array


def numerical_gradient(f: Callable[[], float], x: Array, eps: float = 1e-5) -> Array:
    """d f / d x by central differences, perturbing ``x`` in place (restored after).

    ``f`` takes no arguments and reads ``x`` (or a view of it) itself.
    """
    grad = np.zeros_like(x)
    flat_x = x.reshape(-1)
    flat_g = grad.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + eps
        up = f()
        flat_x[i] = old - eps
        down = f()
        flat_x[i] = old
        flat_g[i] = (up - down) / (2.0 * eps)
    return grad


def relative_error(analytic: Array, numeric: Array, floor: float = 1e-12) -> Array:
    """Elementwise relative error; entries where both are ~0 count as exact."""
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    scale = np.abs(analytic) + np.abs(numeric)
    return np.abs(analytic - numeric) / np.maximum(scale, floor)


def norm_relative_error(analytic: Array, numeric: Array, floor: float = 1e-5) -> float:
    """||a - n|| / max(||a|| + ||n||, floor) over a whole tensor.

    Unlike the elementwise error, entries that are zero up to rounding (a
    unit beyond the hinge margin, a saturated tail) cannot dominate it. The
    floor keeps an all-zero gradient from scoring 1.0: a central difference
    with eps = 1e-5 carries about 1e-11 of rounding noise, so tensors whose
    gradient norm is below the floor are in effect compared absolutely.
    """
    a = np.asarray(analytic, dtype=np.float64).ravel()
    n = np.asarray(numeric, dtype=np.float64).ravel()
    scale = float(np.linalg.norm(a) + np.linalg.norm(n))
    return float(np.linalg.norm(a - n)) / max(scale, floor)
