"""Input features computed from the two coordinates (x1, x2): one row per feature.

The table drives the page's feature toggles, the config, the maps and the
exported scripts (each row carries its NumPy and PyTorch expression in x1, x2).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from app.nn.arrays import Array
from app.nn.tables import table


@dataclass(frozen=True)
class Feature:
    """One input column: f maps points (n, 2) to (n,)."""

    name: str
    label: str
    f: Callable[[Array], Array]
    numpy: str
    torch: str
    knobs: tuple[str, ...] = ()


FEATURES: dict[str, Feature] = table(
    Feature("x1", "x₁", lambda p: p[:, 0], "x1", "x1"),
    Feature("x2", "x₂", lambda p: p[:, 1], "x2", "x2"),
    Feature("x1_squared", "x₁²", lambda p: p[:, 0] * p[:, 0], "x1 * x1", "x1 * x1"),
    Feature("x2_squared", "x₂²", lambda p: p[:, 1] * p[:, 1], "x2 * x2", "x2 * x2"),
    Feature("x1_times_x2", "x₁x₂", lambda p: p[:, 0] * p[:, 1], "x1 * x2", "x1 * x2"),
    Feature("sin_x1", "sin x₁", lambda p: np.sin(p[:, 0]), "np.sin(x1)", "torch.sin(x1)"),
    Feature("sin_x2", "sin x₂", lambda p: np.sin(p[:, 1]), "np.sin(x2)", "torch.sin(x2)"),
)


def feature_matrix(names: Sequence[str], points: Array) -> Array:
    """Map points (n, 2) to the feature matrix (n, len(names)), same dtype."""
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"unknown features {unknown}; choose from {sorted(FEATURES)}")
    out = np.empty((points.shape[0], len(names)), dtype=points.dtype)
    for j, name in enumerate(names):
        out[:, j] = FEATURES[name].f(points)
    return out
