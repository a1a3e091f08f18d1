"""Looking inside a session: gradient checks and the collapse of linear networks."""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import Any

import numpy as np

from app.nn import regularizers
from app.nn.arrays import Array
from app.nn.features import feature_matrix
from app.nn.gradcheck import norm_relative_error, relative_error
from app.nn.kinks import Sides, forward_with_sides, kinks_crossed
from app.outputs.maps import EXTENT
from app.training.errors import FieldError
from app.training.session import Session

ROW_FLOOR = 1e-4  # entries smaller than this are compared absolutely (central differences carry ~1e-11 noise)
MIN_CHECK_POINTS = 16  # fewer training points than this would check the gradient of too little data
OVERHEAD_POINTS = 64  # an evaluation costs about this many points' work besides its points (calls, penalty)
PART_WORK = 2e7  # weight x point products in one part of a long evaluation: about 10 ms of one core


def evaluation_cost(session: Session, points: int | None = None) -> int:
    """One evaluation of the objective (on ``points`` training points, default all), in weight x point products."""
    points = len(session.split.train_points) if points is None else points
    return session.model.params.size * (points + OVERHEAD_POINTS)


def slice_resolution(session: Session, resolution: int, work: float) -> int:
    """The finest loss slice (at least 3 x 3) that costs at most ``work``, up to ``resolution``."""
    return max(3, int(min(resolution, math.sqrt(work / evaluation_cost(session)))))


def check_size(session: Session, per_layer: int, work: float) -> tuple[int, int]:
    """Parameters per layer and training points for a gradient check costing at most ``work``:
    each checked parameter costs two evaluations, on the points only. The points give way first."""
    sizes = [layer.W.size + layer.b.size for layer in session.model.layers]
    train = len(session.split.train_points)
    floor = min(train, MIN_CHECK_POINTS)
    per_layer = max(1, int(min(per_layer, work / (2 * evaluation_cost(session, floor) * len(sizes)))))
    probes = sum(min(per_layer, size) for size in sizes)
    points = work / (2 * probes * session.model.params.size) - OVERHEAD_POINTS
    return per_layer, max(floor, int(min(train, points)))


def gradient_check(
    session: Session, per_layer: int = 60, eps: float = 1e-5, work: float = math.inf
) -> Generator[None, None, dict[str, Any]]:
    """Backpropagation against central differences of the training objective (loss + penalty).

    Checks up to ``per_layer`` parameters of each layer (all of a small layer;
    an even spread of a large one), on an even spread of the training points:
    as many of both as ``work`` allows (see check_size). Per layer: the relative
    error of the checked gradient as a whole, and a row per parameter.
    A parameter whose two nudges lie on both sides of a kink (see app.nn.kinks)
    has no derivative to agree with: its row says which kink, and the layer's
    errors leave it out.
    A generator, so that a caller can run it in pieces: it yields after each
    parameter, with the weights as they were.
    """
    model = session.model
    checked, points = check_size(session, per_layer, work)
    train = len(session.split.train_points)
    evaluate, gradient = _on_points(session, points)
    before = model.grads.copy()
    gradient()
    analytic = model.grads.copy()
    model.grads[:] = before  # the full gradient stays what others read; recomputing it would cost a long piece
    params = model.params
    reg = session.config.regularization
    penalty_kink = regularizers.REGULARIZERS[reg.kind].kink if reg.rate != 0.0 else ""
    layers: list[dict[str, object]] = []
    errors: list[float] = []
    for k, (layer, (w, b)) in enumerate(zip(model.layers, model.layer_slices(), strict=True)):
        fan_in, fan_out = layer.W.shape
        names = [f"W[{i},{j}]" for i in range(fan_in) for j in range(fan_out)] + [f"b[{j}]" for j in range(fan_out)]
        where = np.r_[w, b]
        pick = _spread(len(where), checked)
        numeric = np.empty(len(pick))
        kinks: list[str] = []
        for n, p in enumerate(pick):
            index = where[p]
            old = params[index]
            try:
                params[index] = old + eps
                up, above = evaluate()
                params[index] = old - eps
                down, below = evaluate()
            finally:
                params[index] = old
            numeric[n] = (up - down) / (2 * eps)
            on_penalty = penalty_kink if index < model.n_weights and abs(old) < eps else ""
            kink = kinks_crossed(model, session.loss, below, above) or on_penalty
            kinks.append(f"crosses {kink}: the finite difference straddles it" if kink else "")
            yield
        exact = analytic[where[pick]]
        rel = relative_error(exact, numeric, floor=ROW_FLOOR)
        smooth = np.array([not kink for kink in kinks], dtype=bool)
        errors.append(norm_relative_error(exact[smooth], numeric[smooth]))
        layers.append(
            {
                "layer": k,
                "parameters": len(where),
                "checked": len(pick),
                "relative_error": errors[-1],
                "max_row_error": float(rel[smooth].max(initial=0.0)),
                "kinks": int((~smooth).sum()),
                "rows": [
                    {
                        "name": names[p],
                        "analytic": float(a),
                        "numeric": float(b),
                        "relative_error": float(r),
                        "kink": kink or None,
                    }
                    for p, a, b, r, kink in zip(pick, exact, numeric, rel, kinks, strict=True)
                ],
            }
        )
    return {
        "epsilon": eps,
        "row_floor": ROW_FLOOR,
        "relative_error": max(errors),
        "layers": layers,
        "per_layer": checked,
        "points": points,
        "limited": [name for name, cut in (("per_layer", checked < per_layer), ("points", points < train)) if cut],
    }


def _spread(n: int, k: int) -> Array:
    """Up to ``k`` of ``range(n)``, evenly spread, first and last included."""
    return np.unique(np.linspace(0, n - 1, min(k, n)).round().astype(int))


def _check_rows(session: Session, points: int | None) -> tuple[Array, Array, list[tuple[int, int]]]:
    """Features and targets of an even spread of ``points`` training points (default all), and
    the blocks of rows (each about PART_WORK) the objective takes them in."""
    train = len(session.split.train_points)
    rows = _spread(train, train if points is None else points)
    x = feature_matrix(session.features, session.split.train_points[rows])
    t = session.loss.targets(session.split.train_labels[rows])
    block = max(OVERHEAD_POINTS, int(PART_WORK / session.model.params.size))
    return x, t, [(lo, min(lo + block, len(rows))) for lo in range(0, len(rows), block)]


def objective_parts(session: Session, points: int | None = None) -> list[Callable[[], float]]:
    """The training objective on an even spread of ``points`` training points (default all), as
    parts that sum to it: the data loss a block of points at a time (each about PART_WORK), then
    the penalty. Session.objective, cut so that a caller can yield between the parts."""
    model, loss, reg = session.model, session.loss, session.config.regularization
    x, t, blocks = _check_rows(session, points)

    def part(lo: int, hi: int) -> Callable[[], float]:
        return lambda: loss.value(model(x[lo:hi]), t[lo:hi]) * (hi - lo) / len(x)

    return [*(part(lo, hi) for lo, hi in blocks), lambda: regularizers.penalty(reg.kind, reg.rate, model.weights)]


def _on_points(session: Session, points: int) -> tuple[Callable[[], tuple[float, Sides]], Callable[[], None]]:
    """The training objective, with the sides of every kink it saw, and its gradient (into
    model.grads) on an even spread of ``points`` training points: Session.objective and
    full_gradient on fewer rows."""
    model, loss, reg = session.model, session.loss, session.config.regularization
    x, t, blocks = _check_rows(session, points)

    def evaluate() -> tuple[float, Sides]:
        total = 0.0
        hidden, margins = [], []
        for lo, hi in blocks:
            scores, sides = forward_with_sides(model, x[lo:hi])
            total += loss.value(scores, t[lo:hi]) * (hi - lo) / len(x)
            hidden.append(sides)
            margins.append(loss.kink_sides(scores, t[lo:hi]))
        total += regularizers.penalty(reg.kind, reg.rate, model.weights)
        return total, (np.concatenate(hidden), np.concatenate(margins))

    def gradient() -> None:
        model.backward(loss.gradient(model(x), t))
        model.forget()
        regularizers.add_gradient(reg.kind, reg.rate, model.weights, model.weight_grads)

    return evaluate, gradient


def collapse(session: Session, resolution: int = 50) -> dict[str, Any]:
    """With the linear activation the network is one affine map x W + b: its W, b and proof.

    ``max_difference`` is the largest gap between the network's raw output and
    x W + b over a grid of the view.
    """
    if session.config.activation != "linear":
        raise FieldError(
            ("config", "activation"), "a network collapses to one affine map only with the linear activation"
        )
    model = session.model
    weights = np.eye(model.sizes[0])
    biases = np.zeros(model.sizes[0])
    for layer in model.layers:
        biases = biases @ layer.W + layer.b
        weights = weights @ layer.W
    axis = np.linspace(EXTENT[0], EXTENT[1], resolution)
    xx, yy = np.meshgrid(axis, axis)
    x = feature_matrix(session.features, np.stack([xx.ravel(), yy.ravel()], axis=1))
    network = model.activations(x, dtype=np.float64)[-1]
    collapsed = x @ weights + biases
    return {
        "features": list(session.features),
        "layers": len(model.layers),
        "weights": weights.tolist(),
        "biases": biases.tolist(),
        "max_difference": float(np.abs(network - collapsed).max()),
    }
