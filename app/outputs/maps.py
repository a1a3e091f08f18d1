"""Maps over the view [-6, 6]^2: the model's output and each hidden unit, as uint8.

Grid layout: R x R points, row-major, first row at y = -6, first column at
x = -6, both axes ``linspace(-6, 6, R)``. Maps are computed in float32,
which is several times faster than float64 for tanh and exp.
"""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from app.nn.features import feature_matrix
from app.nn.losses import Loss
from app.nn.model import MLP
from app.training.datasets import VIEW
from app.training.session import Session

EXTENT = [-VIEW, VIEW, -VIEW, VIEW]
MIN_RESOLUTION, MAX_RESOLUTION = 2, 200
# Map values saturate here: far beyond anything drawable, yet 64 units of weight 1e6 times it
# stay within float32, and so does the width of a regression map's range.
SATURATION = np.float32(1e30)


@lru_cache(maxsize=32)
def grid_features(features: tuple[str, ...], resolution: int) -> NDArray[np.float32]:
    """Feature matrix (R*R, len(features)) of the view grid; cached and read-only."""
    axis = np.linspace(-VIEW, VIEW, resolution)
    xx, yy = np.meshgrid(axis, axis)
    points = np.stack([xx.ravel(), yy.ravel()], axis=1)
    out = feature_matrix(features, points).astype(np.float32)
    out.flags.writeable = False
    return out


@lru_cache(maxsize=32)
def grid_features_t(features: tuple[str, ...], resolution: int) -> NDArray[np.float32]:
    """The same grid transposed: (len(features), R*R), C-contiguous and read-only."""
    out = np.ascontiguousarray(grid_features(features, resolution).T)
    out.flags.writeable = False
    return out


_workspace = threading.local()


def _buffer(shape: tuple[int, int], slot: int) -> NDArray[np.float32]:
    """A float32 scratch array reused by this thread (fresh big arrays cost page faults)."""
    buffers: dict[tuple[int, int, int], NDArray[np.float32]] = _workspace.__dict__.setdefault("buffers", {})
    key = (slot, *shape)
    buf = buffers.get(key)
    if buf is None:
        if len(buffers) > 64:
            buffers.clear()
        buf = buffers[key] = np.empty(shape, dtype=np.float32)
    return buf


def grid_layers(model: MLP, features: tuple[str, ...], resolution: int) -> list[NDArray[np.float32]]:
    """Every layer's output over the grid in float32, laid out (units, R*R): hidden activations,
    then the raw scores. The arrays are scratch space, valid until this thread's next call.

    Units-major layout keeps bias additions and activations on long contiguous rows, and is
    exactly the plane-major order the maps are sent in.
    """
    a = grid_features_t(features, resolution)
    bound = _grid_bound(features, resolution)  # no |value| on this layer's input exceeds it
    out: list[NDArray[np.float32]] = []
    last = len(model.layers) - 1
    with np.errstate(over="ignore", invalid="ignore"):  # float32 overflows on huge weights; saturate() mends it
        for k, layer in enumerate(model.layers):
            z = _buffer((layer.fan_out, a.shape[1]), k)
            np.matmul(layer.W.T.astype(np.float32), a, out=z)
            z += layer.b.astype(np.float32)[:, None]
            bound = bound * float(np.abs(layer.W).sum(axis=0).max()) + float(np.abs(layer.b).max())
            if not bound < SATURATION:  # only huge weights get here: the usual frame skips two passes
                saturate(z)
                bound = float(SATURATION)
            if k < last:
                model.activation.apply_inplace(z)
                bound += 1.0
            out.append(z)
            a = z
    return out


@lru_cache(maxsize=32)
def _grid_bound(features: tuple[str, ...], resolution: int) -> float:
    return float(np.abs(grid_features_t(features, resolution)).max())


def saturate(z: NDArray[np.float32]) -> None:
    """Clip to +-SATURATION in place; NaN (from inf - inf) goes to the low end, as fmax skips it.

    Every activation maps a finite input to a finite output no larger in size (plus one),
    so clipping each layer's pre-activations keeps every map finite."""
    np.fmax(z, -SATURATION, out=z)
    np.fmin(z, SATURATION, out=z)


def apply_head(head: str, scores: NDArray[np.float32]) -> None:
    """The output's squashing function, in place, on (outputs, n) scores."""
    if head == "sigmoid":
        scores *= 0.5
        np.tanh(scores, out=scores)
        scores *= 0.5
        scores += 0.5
    elif head == "softmax":
        scores -= scores.max(axis=0, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=0, keepdims=True)


def to_uint8(unit: NDArray[np.floating], inplace: bool = False) -> NDArray[np.uint8]:
    """Values in [0, 1] to bytes 0..255 (clipped, rounded); ``inplace`` may overwrite ``unit``."""
    scaled = unit if inplace and unit.dtype == np.float32 else np.array(unit, dtype=np.float32)
    scaled *= 255.0
    np.clip(scaled, 0.0, 255.0, out=scaled)
    return np.rint(scaled, out=scaled).astype(np.uint8)


def b64(data: NDArray[np.uint8]) -> str:
    return base64.b64encode(data.tobytes()).decode("ascii")


@dataclass(frozen=True)
class OutputMap:
    """The output over the grid: ``planes`` x R x R values in [0, 1] (or ``range``).

    ``values`` may be scratch space (see grid_layers): encode the map before the
    next map is made in the same thread.
    """

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
            # unit() is a fresh array for regression; the probabilities themselves stay as they are.
            doc["data"] = b64(to_uint8(self.unit(), inplace=self.value_range is not None))
        else:
            r = self.resolution
            doc["values"] = np.round(self.values.astype(np.float64), 6).reshape(self.planes, r, r).tolist()
        return doc


def _output(scores: NDArray[np.float32], loss: Loss, resolution: int, regression: bool) -> OutputMap:
    apply_head(loss.head, scores)
    if regression:
        lo, hi = float(scores.min()), float(scores.max())
        return OutputMap(resolution, 1, scores, (round(lo, 6), round(hi, 6)))
    return OutputMap(resolution, scores.shape[0], scores, None)


def output_map(model: MLP, loss: Loss, features: tuple[str, ...], resolution: int, regression: bool) -> OutputMap:
    return _output(grid_layers(model, features, resolution)[-1], loss, resolution, regression)


def _encode_units(hidden: list[NDArray[np.float32]]) -> list[dict[str, object]]:
    """Per layer: {"units", "scales", "data"}; data is units x R x R bytes, and a byte b
    stands for the value (b / 127.5 - 1) * scale. Scales are at least 1, so bounded units
    (tanh, sigmoid) keep their absolute colouring. Overwrites ``hidden``."""
    layers: list[dict[str, object]] = []
    for a in hidden:
        scale = np.maximum(np.abs(a).max(axis=1), 1.0)
        a /= scale[:, None]
        a += 1.0
        a *= 0.5
        layers.append(
            {
                "units": int(a.shape[0]),
                "scales": [round(float(s), 4) for s in scale],
                "data": b64(to_uint8(a, inplace=True)),
            }
        )
    return layers


def neuron_maps(model: MLP, features: tuple[str, ...], resolution: int) -> list[dict[str, object]]:
    """Each hidden layer's units over an R x R grid of the view (see _encode_units)."""
    return _encode_units(grid_layers(model, features, resolution)[:-1])


@lru_cache(maxsize=16)
def _sample(fine: int, coarse: int) -> NDArray[np.intp]:
    """Flat indices of a coarse grid's points in a fine grid of the same view (nearest rows and columns)."""
    pick = np.rint(np.linspace(0, fine - 1, coarse)).astype(np.intp)
    return (pick[:, None] * fine + pick[None, :]).ravel()


def frame_maps(
    model: MLP, loss: Loss, features: tuple[str, ...], resolution: int, neuron_resolution: int, regression: bool
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """The encoded output map and hidden-unit maps from one pass over the grid.

    The units' coarse maps are read off the fine grid at its nearest points (at most half a
    fine cell away), instead of from a second pass.
    """
    layers = grid_layers(model, features, max(resolution, neuron_resolution))
    if neuron_resolution <= resolution:
        index = _sample(resolution, neuron_resolution)
        hidden = [np.take(a, index, axis=1) for a in layers[:-1]]
        output = _output(layers[-1], loss, resolution, regression).encode("uint8")
        return output, _encode_units(hidden)
    units = _encode_units(layers[:-1])
    return output_map(model, loss, features, resolution, regression).encode("uint8"), units


def unit_map(model: MLP, features: tuple[str, ...], resolution: int, layer: int, unit: int) -> NDArray[np.floating]:
    """One hidden unit's activation over the grid, (R*R,) float32."""
    return grid_layers(model, features, resolution)[layer][unit].copy()


def session_map(session: Session, resolution: int = 100) -> OutputMap:
    """The session's output over the view grid."""
    return output_map(session.model, session.loss, session.features, resolution, session.config.task == "regression")


def session_neuron_maps(session: Session, resolution: int = 12) -> list[dict[str, object]]:
    return neuron_maps(session.model, session.features, resolution)


def session_frame_maps(
    session: Session, resolution: int = 100, neuron_resolution: int = 12
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """The encoded output map and hidden-unit maps, from one pass over the view."""
    regression = session.config.task == "regression"
    return frame_maps(session.model, session.loss, session.features, resolution, neuron_resolution, regression)
