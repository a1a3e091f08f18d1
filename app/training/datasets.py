"""2-D toy datasets in the view [-6, 6]^2, all with one generator signature.

    generate(n, noise, rng, classes) -> (points (n, 2) float64, labels (n,))

Labels are class ids 0..K-1 (int64) for classification and real values in
about [-1, 1] (float64) for regression. ``noise`` runs from 0 to 1; what it
means for each set is written in the set's ``noise`` text. Points come out in
random order. ``make`` looks a set up by name in ``DATASETS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from app.nn.tables import table

Points = NDArray[np.float64]
Labels = NDArray[np.int64] | NDArray[np.float64]
Generator = Callable[[int, float, np.random.Generator, int], tuple[Points, Labels]]
Task = Literal["classification", "regression"]

VIEW = 6.0
# Points sent to the API (predictions) lie within |x| <= MAX_COORDINATE: far outside the view,
# yet small enough that squared features and the largest weights stay finite in float64.
MAX_COORDINATE = 1e6
MIN_SAMPLES, MAX_SAMPLES = 10, 5000
MIN_CLASSES, MAX_CLASSES = 2, 6


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    label: str
    task: Task
    generate: Generator | None
    description: str
    noise: str
    classes: int = 2
    min_classes: int = 2
    max_classes: int = 2

    @property
    def variable_classes(self) -> bool:
        return self.max_classes > self.min_classes


def _counts(n: int, k: int) -> list[int]:
    """Split n into k near-equal parts."""
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def _shuffled(points: Points, labels: Labels, rng: np.random.Generator) -> tuple[Points, Labels]:
    order = rng.permutation(points.shape[0])
    return np.ascontiguousarray(points[order]), labels[order]


def _gate(truth: Callable[[NDArray[np.bool_], NDArray[np.bool_]], NDArray[np.bool_]]) -> Generator:
    """Four Gaussian clusters at (+-3, +-3), the corners of a truth table."""

    def generate(n: int, noise: float, rng: np.random.Generator, classes: int) -> tuple[Points, Labels]:
        corner = rng.integers(0, 4, size=n)
        a, b = (corner & 1).astype(bool), (corner & 2).astype(bool)
        centres = np.stack([np.where(a, 3.0, -3.0), np.where(b, 3.0, -3.0)], axis=1)
        points = centres + rng.normal(0.0, 0.4 + 1.6 * noise, size=(n, 2))
        return points, truth(a, b).astype(np.int64)

    return generate


def _circle(n: int, noise: float, rng: np.random.Generator, classes: int) -> tuple[Points, Labels]:
    inner, outer = _counts(n, 2)
    r = np.concatenate([rng.uniform(0.0, 2.5, inner), rng.uniform(3.5, 5.0, outer)])
    t = rng.uniform(0.0, 2 * np.pi, n)
    points = np.stack([r * np.cos(t), r * np.sin(t)], axis=1) + rng.normal(0.0, 1.5 * noise, (n, 2))
    labels = np.concatenate([np.ones(inner, np.int64), np.zeros(outer, np.int64)])
    return _shuffled(points, labels, rng)


def _gaussian(n: int, noise: float, rng: np.random.Generator, classes: int) -> tuple[Points, Labels]:
    pos, neg = _counts(n, 2)
    std = 0.5 + 2.0 * noise
    points = np.concatenate([rng.normal(2.0, std, (pos, 2)), rng.normal(-2.0, std, (neg, 2))])
    labels = np.concatenate([np.ones(pos, np.int64), np.zeros(neg, np.int64)])
    return _shuffled(points, labels, rng)


def _spiral(n: int, noise: float, rng: np.random.Generator, classes: int) -> tuple[Points, Labels]:
    parts, labels = [], []
    for k, m in enumerate(_counts(n, classes)):
        s = np.arange(m) / max(m, 1)
        r = 0.3 + 4.7 * s
        t = 1.75 * 2 * np.pi * s + 2 * np.pi * k / classes
        parts.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        labels.append(np.full(m, k, np.int64))
    points = np.concatenate(parts) + rng.normal(0.0, noise, (n, 2))
    return _shuffled(points, np.concatenate(labels), rng)


def _moons(n: int, noise: float, rng: np.random.Generator, classes: int) -> tuple[Points, Labels]:
    top, bottom = _counts(n, 2)
    t_top, t_bottom = rng.uniform(0, np.pi, top), rng.uniform(0, np.pi, bottom)
    upper = np.stack([np.cos(t_top), np.sin(t_top)], axis=1)
    lower = np.stack([1.0 - np.cos(t_bottom), 0.5 - np.sin(t_bottom)], axis=1)
    points = (np.concatenate([upper, lower]) - [0.5, 0.25]) * 3.5
    points += rng.normal(0.0, 1.2 * noise, (n, 2))
    labels = np.concatenate([np.zeros(top, np.int64), np.ones(bottom, np.int64)])
    return _shuffled(points, labels, rng)


def _checkerboard(n: int, noise: float, rng: np.random.Generator, classes: int) -> tuple[Points, Labels]:
    points = rng.uniform(-VIEW, VIEW, (n, 2))
    cells = np.floor(points / 3.0).astype(np.int64)
    labels = ((cells[:, 0] + cells[:, 1]) % 2).astype(np.int64)
    return points + rng.normal(0.0, 1.0 * noise, (n, 2)), labels


def _blobs(n: int, noise: float, rng: np.random.Generator, classes: int) -> tuple[Points, Labels]:
    angles = 2 * np.pi * np.arange(classes) / classes + np.pi / 4
    centres = 3.5 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    labels = np.repeat(np.arange(classes, dtype=np.int64), _counts(n, classes))
    points = centres[labels] + rng.normal(0.0, 0.4 + 2.0 * noise, (n, 2))
    return _shuffled(points, labels, rng)


def _regression(value: Callable[[Points], NDArray[np.float64]]) -> Generator:
    def generate(n: int, noise: float, rng: np.random.Generator, classes: int) -> tuple[Points, Labels]:
        points = rng.uniform(-VIEW, VIEW, (n, 2))
        return points, value(points) + rng.normal(0.0, 0.5 * noise, n)

    return generate


def _bumps(p: Points) -> NDArray[np.float64]:
    centres = np.array([[-3.0, 2.5], [2.5, 3.0], [3.0, -2.5], [-2.0, -3.0], [0.0, 0.0]])
    signs = np.array([1.0, -1.0, 1.0, -1.0, 0.8])
    d2 = ((p[:, None, :] - centres[None]) ** 2).sum(axis=2)
    return np.clip((signs * np.exp(-d2 / 4.0)).sum(axis=1), -1.0, 1.0)


_JITTER = "standard deviation of a Gaussian jitter of the points"
DATASETS: dict[str, DatasetSpec] = table(
    DatasetSpec(
        "and",
        "AND",
        "classification",
        _gate(lambda a, b: a & b),
        "Four clusters at the corners of the AND truth table; linearly separable.",
        "cluster spread: standard deviation 0.4 + 1.6 * noise",
    ),
    DatasetSpec(
        "or",
        "OR",
        "classification",
        _gate(lambda a, b: a | b),
        "Four clusters at the corners of the OR truth table; linearly separable.",
        "cluster spread: standard deviation 0.4 + 1.6 * noise",
    ),
    DatasetSpec(
        "xor",
        "XOR",
        "classification",
        _gate(lambda a, b: a ^ b),
        "Four clusters at the corners of the XOR truth table; not linearly separable.",
        "cluster spread: standard deviation 0.4 + 1.6 * noise",
    ),
    DatasetSpec(
        "circle",
        "Circle",
        "classification",
        _circle,
        "A disc of one class inside a ring of the other.",
        f"{_JITTER}, 1.5 * noise",
    ),
    DatasetSpec(
        "gaussian",
        "Gaussian",
        "classification",
        _gaussian,
        "Two Gaussian clouds, at (2, 2) and (-2, -2).",
        "cloud spread: standard deviation 0.5 + 2 * noise",
    ),
    DatasetSpec(
        "spiral",
        "Spiral",
        "classification",
        _spiral,
        "Interleaved spiral arms, one class each.",
        f"{_JITTER}, equal to noise",
        classes=2,
        min_classes=2,
        max_classes=6,
    ),
    DatasetSpec(
        "moons", "Moons", "classification", _moons, "Two interleaving half circles.", f"{_JITTER}, 1.2 * noise"
    ),
    DatasetSpec(
        "checkerboard",
        "Checkerboard",
        "classification",
        _checkerboard,
        "A 4 x 4 checkerboard of 3 x 3 squares.",
        f"{_JITTER} (labels stay with their square), equal to noise",
    ),
    DatasetSpec(
        "blobs",
        "Blobs",
        "classification",
        _blobs,
        "Gaussian blobs on a circle, one class each.",
        "blob spread: standard deviation 0.4 + 2 * noise",
        classes=3,
        min_classes=2,
        max_classes=6,
    ),
    DatasetSpec(
        "plane",
        "Plane",
        "regression",
        _regression(lambda p: (p[:, 0] + p[:, 1]) / 12.0),
        "A tilted plane: value (x1 + x2) / 12.",
        "value noise: standard deviation 0.5 * noise",
    ),
    DatasetSpec(
        "bumps",
        "Bumps",
        "regression",
        _regression(_bumps),
        "A sum of five Gaussian bumps and dips.",
        "value noise: standard deviation 0.5 * noise",
    ),
    DatasetSpec(
        "sine",
        "Sine",
        "regression",
        _regression(lambda p: np.sin(p[:, 0])),
        "A sine wave along x1: value sin(x1).",
        "value noise: standard deviation 0.5 * noise",
    ),
    DatasetSpec(
        "custom",
        "Custom",
        "classification",
        None,
        "Points you place or upload, labelled 0..5.",
        "not used",
        classes=2,
        min_classes=2,
        max_classes=6,
    ),
)


def get_spec(name: str) -> DatasetSpec:
    try:
        return DATASETS[name]
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}; choose one of {sorted(DATASETS)}") from None


def make(
    name: str, n: int, noise: float, rng: np.random.Generator, classes: int | None = None
) -> tuple[Points, Labels]:
    """Generate ``n`` points of a named set (not "custom", which has no generator)."""
    spec = get_spec(name)
    if spec.generate is None:
        raise ValueError(f"dataset {name!r} has no generator: its points come from the user")
    k = spec.classes if classes is None else classes
    if not spec.min_classes <= k <= spec.max_classes:
        raise ValueError(f"dataset {name!r} takes {spec.min_classes}..{spec.max_classes} classes, not {k}")
    if not MIN_SAMPLES <= n <= MAX_SAMPLES:
        raise ValueError(f"samples must be in {MIN_SAMPLES}..{MAX_SAMPLES}, not {n}")
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise must be in 0..1, not {noise}")
    # + 0.0 turns -0.0 into 0.0, which numpy's samplers refuse as a negative scale.
    return spec.generate(n, noise + 0.0, rng, k)
