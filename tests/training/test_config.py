from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.training.config import Config, merge, rebuild_needed


def error_locs(data: object) -> list[str]:
    with pytest.raises(ValidationError) as info:
        Config.model_validate(data)
    return [".".join(str(p) for p in e["loc"]) for e in info.value.errors()]


def test_empty_config_has_playground_defaults() -> None:
    c = Config.model_validate({})
    assert (c.dataset.name, c.hidden_layers, c.activation) == ("circle", [4, 2], "tanh")
    assert (c.optimizer.learning_rate, c.batch_size, c.dataset.train_fraction) == (0.03, 10, 0.5)
    assert c.dataset.classes == 2 and c.loss == "cross_entropy"


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        ({"hidden_layers": [8] * 9}, "hidden_layers"),
        ({"hidden_layers": [65]}, "hidden_layers.0"),
        ({"dataset": {"samples": 5}}, "dataset.samples"),
        ({"dataset": {"noise": 2}}, "dataset.noise"),
        ({"dataset": {"name": "circle", "classes": 3}}, "dataset.classes"),
        ({"dataset": {"name": "spiral", "classes": 7}}, "dataset.classes"),
        ({"dataset": {"name": "plane"}, "loss": "cross_entropy"}, "loss"),
        ({"dataset": {"name": "spiral", "classes": 3}, "loss": "hinge"}, "loss"),
        ({"optimizer": {"learning_rate": 0}}, "optimizer.learning_rate"),
        ({"optimizer": {"learning_rate": float("nan")}}, "optimizer.learning_rate"),
        ({"optimizer": {"learning_rate": float("inf")}}, "optimizer.learning_rate"),
        ({"activation": "nope"}, "activation"),
        ({"features": ["x1", "x1"]}, "features"),
        ({"features": []}, "features"),
        ({"batch_size": 0}, "batch_size"),
        ({"seed": -1}, "seed"),
        ({"colour": "red"}, "colour"),
        ({"dataset": {"name": "custom"}}, "dataset.points"),
        ({"dataset": {"name": "spiral", "points": [[0, 0], [1, 1]]}}, "dataset.points"),
        ({"dataset": {"name": "custom", "points": [[0, 0], [1, 1]], "labels": [0]}}, "dataset.labels"),
        ({"dataset": {"name": "custom", "points": [[0, 0], [9, 1]], "labels": [0, 1]}}, "dataset.points.1.0"),
    ],
)
def test_errors_name_the_field(data: object, loc: str) -> None:
    assert loc in error_locs(data)


def test_regression_defaults_to_mse_and_has_no_classes() -> None:
    c = Config.model_validate({"dataset": {"name": "sine"}})
    assert c.loss == "mse" and c.dataset.classes is None and c.classes == 1


def test_custom_counts_come_from_the_points() -> None:
    c = Config.model_validate({"dataset": {"name": "custom", "points": [[0, 0], [1, 1], [2, 2]], "labels": [0, 2, 1]}})
    assert c.dataset.samples == 3 and c.dataset.classes == 3


def test_resolved_config_round_trips() -> None:
    c = Config.model_validate({"dataset": {"name": "blobs"}})
    assert Config.model_validate(c.model_dump()) == c
    assert Config.model_validate_json(c.model_dump_json()) == c


def test_merge_is_deep_and_switching_datasets_just_works() -> None:
    c = Config.model_validate({"dataset": {"name": "spiral", "classes": 4}, "optimizer": {"name": "adam"}})
    m = merge(c, {"optimizer": {"learning_rate": 0.1}})
    assert m.optimizer.name == "adam" and m.optimizer.learning_rate == 0.1
    plane = merge(c, {"dataset": {"name": "plane"}})
    assert plane.dataset.classes is None and plane.loss == "mse"
    back = merge(plane, {"dataset": {"name": "xor"}})
    assert back.loss == "cross_entropy" and back.dataset.classes == 2


def test_rebuild_needed_only_for_structural_changes() -> None:
    c = Config.model_validate({})
    assert not rebuild_needed(c, merge(c, {"optimizer": {"learning_rate": 1.0}, "batch_size": 3}))
    assert not rebuild_needed(c, merge(c, {"regularization": {"kind": "l2", "rate": 0.1}}))
    for patch in ({"hidden_layers": [3]}, {"activation": "relu"}, {"seed": 4}, {"dataset": {"noise": 0.3}}):
        assert rebuild_needed(c, merge(c, patch))


@pytest.mark.parametrize("slope", [0.0, 1.0, -0.1, "steep"])
def test_leaky_slope_out_of_range_names_the_field(slope: object) -> None:
    with pytest.raises(ValidationError) as err:
        Config.model_validate({"leaky_slope": slope})
    assert err.value.errors()[0]["loc"] == ("leaky_slope",)


def test_leaky_slope_defaults_to_the_old_fixed_slope_and_rebuilds() -> None:
    old = Config.model_validate({"activation": "leaky_relu"})
    assert old.leaky_slope == 0.01
    assert rebuild_needed(old, Config.model_validate({"activation": "leaky_relu", "leaky_slope": 0.02}))
