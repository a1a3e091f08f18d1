from __future__ import annotations

import numpy as np
import pytest

from app.training.datasets import DATASETS, MAX_SAMPLES, VIEW, make


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


GENERATED = [name for name, spec in DATASETS.items() if spec.generate is not None]


@pytest.mark.parametrize("name", GENERATED)
def test_shapes_labels_and_view(name: str) -> None:
    spec = DATASETS[name]
    points, labels = make(name, 300, 0.1, rng())
    assert points.shape == (300, 2) and points.dtype == np.float64
    assert labels.shape == (300,)
    # Almost every point lies in the view (noise may push a few out).
    assert np.mean(np.abs(points) <= VIEW) > 0.97
    if spec.task == "classification":
        assert labels.dtype == np.int64
        assert set(np.unique(labels)) == set(range(spec.classes))
    else:
        assert labels.dtype == np.float64
        assert np.all(np.abs(labels) <= 1.5)


@pytest.mark.parametrize("name", ["spiral", "blobs"])
@pytest.mark.parametrize("classes", [2, 3, 4, 5, 6])
def test_variable_class_counts(name: str, classes: int) -> None:
    _, labels = make(name, 600, 0.0, rng(), classes)
    assert set(np.unique(labels)) == set(range(classes))
    assert np.bincount(labels).min() >= 600 // classes


@pytest.mark.parametrize("name", GENERATED)
def test_same_seed_same_points_other_seed_other_points(name: str) -> None:
    a, la = make(name, 100, 0.2, rng(1))
    b, lb = make(name, 100, 0.2, rng(1))
    c, _ = make(name, 100, 0.2, rng(2))
    assert np.array_equal(a, b) and np.array_equal(la, lb)
    assert not np.array_equal(a, c)


def test_gates_label_the_truth_table_corners() -> None:
    points, _ = make("xor", 400, 0.0, rng())
    for gate, truth in {"and": np.logical_and, "or": np.logical_or, "xor": np.logical_xor}.items():
        points, labels = make(gate, 400, 0.0, rng())
        a, b = points[:, 0] > 0, points[:, 1] > 0
        assert np.array_equal(labels, truth(a, b).astype(np.int64))
        assert np.allclose(np.abs(points).mean(), 3.0, atol=0.5)


def test_noise_spreads_points() -> None:
    quiet, _ = make("gaussian", 2000, 0.0, rng())
    loud, _ = make("gaussian", 2000, 1.0, rng())
    assert loud.std() > quiet.std()


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="classes"):
        make("circle", 100, 0.0, rng(), 3)
    with pytest.raises(ValueError, match="samples"):
        make("circle", MAX_SAMPLES + 1, 0.0, rng())
    with pytest.raises(ValueError, match="noise"):
        make("circle", 100, 1.5, rng())
    with pytest.raises(ValueError, match="unknown dataset"):
        make("nope", 100, 0.0, rng())
    with pytest.raises(ValueError, match="from the user"):
        make("custom", 100, 0.0, rng())


def test_registry_documents_every_set() -> None:
    for spec in DATASETS.values():
        assert spec.description and spec.noise
        assert spec.min_classes <= spec.classes <= spec.max_classes
