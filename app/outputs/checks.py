"""Looking inside a session: gradient checks and the collapse of linear networks."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.nn.features import feature_matrix
from app.nn.gradcheck import norm_relative_error, relative_error
from app.outputs.maps import EXTENT
from app.training.errors import FieldError
from app.training.session import Session

ROW_FLOOR = 1e-4  # entries smaller than this are compared absolutely (central differences carry ~1e-11 noise)


def gradient_check(session: Session, per_layer: int = 60, eps: float = 1e-5) -> dict[str, Any]:
    """Backpropagation against central differences of the training objective (loss + penalty).

    Checks up to ``per_layer`` parameters of each layer (all of a small layer;
    an even spread of a large one). Per layer: the relative error of the
    checked gradient as a whole, and a row per parameter.
    """
    model = session.model
    session.full_gradient()
    analytic = model.grads.copy()
    params = model.params
    layers: list[dict[str, object]] = []
    errors: list[float] = []
    for k, (layer, (w, b)) in enumerate(zip(model.layers, model.layer_slices(), strict=True)):
        fan_in, fan_out = layer.W.shape
        names = [f"W[{i},{j}]" for i in range(fan_in) for j in range(fan_out)] + [f"b[{j}]" for j in range(fan_out)]
        where = np.r_[w, b]
        pick = np.unique(np.linspace(0, len(where) - 1, min(per_layer, len(where))).round().astype(int))
        numeric = np.empty(len(pick))
        for n, p in enumerate(pick):
            index = where[p]
            old = params[index]
            params[index] = old + eps
            up = session.objective()
            params[index] = old - eps
            down = session.objective()
            params[index] = old
            numeric[n] = (up - down) / (2 * eps)
        exact = analytic[where[pick]]
        rel = relative_error(exact, numeric, floor=ROW_FLOOR)
        errors.append(norm_relative_error(exact, numeric))
        layers.append(
            {
                "layer": k,
                "parameters": len(where),
                "checked": len(pick),
                "relative_error": errors[-1],
                "max_row_error": float(rel.max()),
                "rows": [
                    {"name": names[p], "analytic": float(a), "numeric": float(b), "relative_error": float(r)}
                    for p, a, b, r in zip(pick, exact, numeric, rel, strict=True)
                ],
            }
        )
    session.full_gradient()  # leave the analytic gradient in place, not the last probe's
    return {
        "epsilon": eps,
        "row_floor": ROW_FLOOR,
        "relative_error": max(errors),
        "layers": layers,
    }


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
