"""Per-layer health: gradient norms and the share of dead or saturated units.

A unit counts as inactive on a point when its slope f'(z) there is below
``SLOPE_FLOOR`` of the activation's peak slope (exactly zero for a ReLU that
is off). A *dead* ReLU is inactive on every point; a *saturated* sigmoid or
tanh unit is inactive on at least ``SATURATED_SHARE`` of the points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.nn.arrays import Array
from app.nn.model import MLP

SLOPE_FLOOR = 0.05
SATURATED_SHARE = 0.95


@dataclass(frozen=True)
class LayerHealth:
    layer: int
    units: int
    weight_grad_norm: float
    bias_grad_norm: float
    dead: float | None
    saturated: float | None


def layer_health(model: MLP, points: Array) -> list[LayerHealth]:
    """Health of every layer; uses the gradients currently in ``model.grads``.

    ``points`` are model inputs (features), usually the training set.
    """
    act = model.activation
    outs = model.activations(points, dtype=np.float64)
    report: list[LayerHealth] = []
    x = points
    for k, layer in enumerate(model.layers):
        z = np.dot(x, layer.W) + layer.b
        dead = saturated = None
        hidden = k < len(model.layers) - 1
        if hidden and act.inactive is not None:
            flat = act.df(z, outs[k]) < SLOPE_FLOOR * act.peak_slope
            share = flat.mean(axis=0)
            if act.inactive == "dead":
                dead = float(np.mean(share >= 1.0))
            else:
                saturated = float(np.mean(share >= SATURATED_SHARE))
        report.append(
            LayerHealth(
                layer=k,
                units=layer.fan_out,
                weight_grad_norm=float(np.linalg.norm(layer.dW)),
                bias_grad_norm=float(np.linalg.norm(layer.db)),
                dead=dead,
                saturated=saturated,
            )
        )
        x = outs[k]
    return report
