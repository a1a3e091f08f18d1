"""Maps over the view [-6, 6]^2: the model's output and each hidden unit, as uint8.

Grid layout: R x R points, row-major, first row at y = -6, first column at
x = -6, both axes ``linspace(-6, 6, R)``. Maps are computed in float32,
which is several times faster than float64 for tanh and exp.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from app.datasets import VIEW
from app.nn.features import feature_matrix
from app.nn.losses import Loss
from app.nn.model import MLP

EXTENT = [-VIEW, VIEW, -VIEW, VIEW]
MIN_RESOLUTION, MAX_RESOLUTION = 2, 200


@lru_cache(maxsize=32)
def grid_features(features: tuple[str, ...], resolution: int) -> NDArray[np.float32]:
    """Feature matrix (R*R, len(features)) of the view grid; cached and read-only."""
    axis = np.linspace(-VIEW, VIEW, resolution)
    xx, yy = np.meshgrid(axis, axis)
    points = np.stack([xx.ravel(), yy.ravel()], axis=1)
    out = feature_matrix(features, points).astype(np.float32)
    out.flags.writeable = False
    return out


def to_uint8(unit: NDArray[np.floating]) -> NDArray[np.uint8]:
    """Values in [0, 1] to bytes 0..255 (clipped)."""
    scaled = np.multiply(unit, 255.0, dtype=np.float32)
    np.clip(scaled, 0.0, 255.0, out=scaled)
    return np.rint(scaled, out=scaled).astype(np.uint8)


def b64(data: NDArray[np.uint8]) -> str:
    return base64.b64encode(data.tobytes()).decode("ascii")


@dataclass(frozen=True)
class OutputMap:
    """The output over the grid: ``planes`` x R x R values in [0, 1] (or ``range``)."""

    resolution: int
    planes: int
    values: NDArray[np.floating]  # (planes, R*R), probabilities, or raw values for regression
    value_range: tuple[float, float] | None

    def unit(self) -> NDArray[np.floating]:
        if self.value_range is None:
            return self.values
        lo, hi = self.value_range
        return (self.values - lo) / (hi - lo if hi > lo else 1.0)

    def encode(self, fmt: str = "uint8") -> dict[str, object]:
        doc: dict[str, object] = {
            "resolution": self.resolution,
            "extent": EXTENT,
            "planes": self.planes,
            "encoding": fmt,
        }
        if self.value_range is not None:
            doc["range"] = list(self.value_range)
        if fmt == "uint8":
            doc["data"] = b64(to_uint8(self.unit()))
        else:
            r = self.resolution
            doc["values"] = np.round(self.values.astype(np.float64), 6).reshape(self.planes, r, r).tolist()
        return doc


def output_map(model: MLP, loss: Loss, features: tuple[str, ...], resolution: int, regression: bool) -> OutputMap:
    scores = model.activations(grid_features(features, resolution))[-1]
    out = loss.output(scores)  # (R*R, k)
    if regression:
        lo, hi = float(out.min()), float(out.max())
        if not (np.isfinite(lo) and np.isfinite(hi)):
            lo, hi = 0.0, 0.0
        return OutputMap(resolution, 1, out.T, (round(lo, 6), round(hi, 6)))
    return OutputMap(resolution, out.shape[1], out.T, None)


def neuron_maps(model: MLP, features: tuple[str, ...], resolution: int) -> list[dict[str, object]]:
    """Each hidden layer's units over the grid.

    Per layer: {"units", "scales", "data"}; data is units x R x R bytes, and a
    byte b stands for the value (b / 127.5 - 1) * scale. Scales are at least 1,
    so bounded units (tanh, sigmoid) keep their absolute colouring.
    """
    acts = model.activations(grid_features(features, resolution))[:-1]
    layers: list[dict[str, object]] = []
    for a in acts:
        scale = np.maximum(np.abs(a).max(axis=0), 1.0)
        unit = (a / scale + 1.0) * 0.5
        layers.append(
            {
                "units": int(a.shape[1]),
                "scales": [round(float(s), 4) for s in scale],
                "data": b64(to_uint8(unit.T)),
            }
        )
    return layers


def unit_map(model: MLP, features: tuple[str, ...], resolution: int, layer: int, unit: int) -> NDArray[np.floating]:
    """One hidden unit's activation over the grid, (R*R,) float32."""
    acts = model.activations(grid_features(features, resolution))
    return acts[layer][:, unit]
