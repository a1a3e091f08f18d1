"""Loss landscapes: what gradient descent walks across.

Two 1-D models small enough to draw the whole surface over their two
parameters (b, w):

    logistic   o = sigmoid(b + w x), mean binary cross-entropy
    linear     o = b + w x,          mean squared error (a quadratic bowl,
                                     with a closed-form minimum)

and, for any network, a 2-D slice of the real loss through the current
weights along two random directions, filter-normalised as in Li et al.,
"Visualizing the Loss Landscape of Neural Nets" (2018).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import Literal

import numpy as np

from app.nn.arrays import Array
from app.nn.model import MLP

Kind = Literal["logistic", "linear"]
CHUNK = 500_000  # floats of scratch per block of the surface (4 MB)
MAX_EVALUATIONS = 8_000_000  # loss terms (grid points x samples) one surface may take: under a second of a core


def one_d_data(kind: Kind, samples: int, noise: float, rng: np.random.Generator) -> tuple[Array, Array]:
    """x in about [-3, 3]; labels 0/1 (logistic, split near x = 0.5) or values 1.5 x - 1 (linear)."""
    x = rng.uniform(-3.0, 3.0, samples)
    if kind == "logistic":
        y = (x + rng.normal(0.0, 0.3 + 2.0 * noise, samples) > 0.5).astype(np.float64)
    else:
        y = 1.5 * x - 1.0 + rng.normal(0.0, 0.2 + 2.0 * noise, samples)
    return x, y


def loss_and_gradient(kind: Kind, x: Array, y: Array, b: float, w: float) -> tuple[float, float, float]:
    """Mean loss and its gradient (dL/db, dL/dw) at one point."""
    z = b + w * x
    if kind == "logistic":
        loss = float(np.mean(np.logaddexp(0.0, z) - y * z))
        r = 0.5 * np.tanh(0.5 * z) + 0.5 - y
        return loss, float(r.mean()), float((r * x).mean())
    r = z - y
    return float(np.mean(r * r)), float(2 * r.mean()), float(2 * (r * x).mean())


def surface(kind: Kind, x: Array, y: Array, b_axis: Array, w_axis: Array) -> Array:
    """The mean loss over a grid: rows follow w, columns follow b.

    Computed a few rows at a time, so the scratch space stays near ``CHUNK`` floats
    however large the grid and the data are.
    """
    grid = np.empty((w_axis.size, b_axis.size))
    rows = max(1, CHUNK // max(1, b_axis.size * x.size))
    for start in range(0, w_axis.size, rows):
        w = w_axis[start : start + rows]
        z = b_axis[None, :, None] + w[:, None, None] * x[None, None, :]
        if kind == "logistic":
            loss = np.logaddexp(0.0, z)
            loss -= y * z
        else:
            loss = z
            loss -= y
            loss *= loss
        grid[start : start + rows] = loss.mean(axis=2)
    return grid


def descend(
    kind: Kind,
    x: Array,
    y: Array,
    start: tuple[float, float],
    learning_rate: float,
    steps: int,
    bounds: tuple[float, float, float, float] | None = None,
) -> Array:
    """Full-batch gradient descent from ``start``: rows of (b, w, loss), the start included.

    Stops early when the parameters stop being finite (a rate too large diverges), or
    at the first point outside ``bounds`` (b from, b to, w from, w to), which is kept.
    """
    b, w = start
    path = []
    with np.errstate(all="ignore"):  # a diverging path overflows on its way out; it stops there
        for _ in range(steps + 1):
            loss, db, dw = loss_and_gradient(kind, x, y, b, w)
            if not np.isfinite([b, w, loss]).all():
                break
            path.append((b, w, loss))
            if bounds is not None and not (bounds[0] <= b <= bounds[1] and bounds[2] <= w <= bounds[3]):
                break
            b, w = b - learning_rate * db, w - learning_rate * dw
    return np.array(path)


def uphill_step(path: Array) -> int | None:
    """The first step whose loss is above the start's (descent that climbs has diverged), or None."""
    above = np.flatnonzero(path[1:, 2] > path[0, 2])
    return int(above[0]) + 1 if above.size else None


def turns(path: Array) -> int:
    """How many steps turn back against the step before them (the path zig-zags)."""
    moves = np.diff(path[:, :2], axis=0)
    return int(np.count_nonzero(np.sum(moves[1:] * moves[:-1], axis=1) < 0))


def stable_rate(kind: Kind, x: Array) -> float:
    """2 / (the largest curvature of the loss over (b, w)).

    Linear: the Hessian is 2 E[(1, x)(1, x)^T] everywhere, and descent converges exactly
    for rates below this. Logistic: the Hessian is at most E[(1, x)(1, x)^T] / 4, so
    below this rate every step goes downhill (and above it a step may not).
    """
    design = np.stack([np.ones_like(x), x], axis=1)
    scale = 2.0 if kind == "linear" else 0.25
    return float(2.0 / (scale * np.linalg.eigvalsh(design.T @ design / x.size)[-1]))


def least_squares(x: Array, y: Array) -> tuple[float, float]:
    """The closed-form minimum (b*, w*) of the mean squared error."""
    design = np.stack([np.ones_like(x), x], axis=1)
    (b, w), *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(b), float(w)


def filter_normalised_direction(model: MLP, rng: np.random.Generator) -> Array:
    """A random direction in parameter space, each unit's incoming weights scaled to that unit's norm.

    Biases get no component (as in Li et al.).
    """
    direction = np.zeros_like(model.params)
    at = 0
    for layer in model.layers:
        d = rng.normal(size=layer.W.shape)
        d *= np.linalg.norm(layer.W, axis=0) / np.maximum(np.linalg.norm(d, axis=0), 1e-12)
        direction[at : at + layer.W.size] = d.ravel()
        at += layer.W.size
    return direction


def random_slice(
    model: MLP, parts: Sequence[Callable[[], float]], resolution: int, span: float, rng: np.random.Generator
) -> Generator[None, None, tuple[Array, Array]]:
    """The objective (the sum of ``parts``) at params + a d1 + b d2 for a, b in [-span, span].

    A generator, so that a caller can run it in pieces: it yields after each part, with the
    params back as they were, and returns the axis and a (resolution x resolution) grid, rows
    following b.
    """
    d1 = filter_normalised_direction(model, rng)
    d2 = filter_normalised_direction(model, rng)
    centre = model.params.copy()
    axis = np.linspace(-span, span, resolution)
    grid = np.zeros((resolution, resolution))
    for i, beta in enumerate(axis):
        for j, alpha in enumerate(axis):
            point = centre + alpha * d1 + beta * d2
            for part in parts:
                try:
                    with np.errstate(all="ignore"):
                        model.params[:] = point
                        grid[i, j] += part()
                finally:
                    model.params[:] = centre
                yield
    return axis, grid
