"""Input features computed from the two coordinates (x1, x2).

The table drives the page's feature toggles, the config and the maps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np

from app.nn.arrays import Array

FeatureName = Literal["x1", "x2", "x1_squared", "x2_squared", "x1_times_x2", "sin_x1", "sin_x2"]

FEATURES: dict[str, Callable[[Array], Array]] = {
    "x1": lambda p: p[:, 0],
    "x2": lambda p: p[:, 1],
    "x1_squared": lambda p: p[:, 0] * p[:, 0],
    "x2_squared": lambda p: p[:, 1] * p[:, 1],
    "x1_times_x2": lambda p: p[:, 0] * p[:, 1],
    "sin_x1": lambda p: np.sin(p[:, 0]),
    "sin_x2": lambda p: np.sin(p[:, 1]),
}

LABELS: dict[str, str] = {
    "x1": "x1",
    "x2": "x2",
    "x1_squared": "x1²",
    "x2_squared": "x2²",
    "x1_times_x2": "x1·x2",
    "sin_x1": "sin(x1)",
    "sin_x2": "sin(x2)",
}


def feature_matrix(names: Sequence[str], points: Array) -> Array:
    """Map points (n, 2) to the feature matrix (n, len(names)), same dtype."""
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"unknown features {unknown}; choose from {sorted(FEATURES)}")
    out = np.empty((points.shape[0], len(names)), dtype=points.dtype)
    for j, name in enumerate(names):
        out[:, j] = FEATURES[name](points)
    return out
