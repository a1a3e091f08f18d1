"""The training-session core: convergence, reproducibility, divergence, counters."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from app.outputs.codegen import numpy_script, pytorch_script
from app.outputs.documents import export_document, network
from app.outputs.maps import session_map
from app.training.config import Config
from app.training.session import Session
from tests.conftest import make_session


def trained(epochs: int, **config: object) -> Session:
    session = make_session(**config)
    session.step(epochs, "epoch")
    return session


def number(value: float | None) -> float:
    """A metric that must be there (classification accuracy, a test loss)."""
    assert value is not None
    return value


@pytest.mark.parametrize("gate", ["and", "or"])
def test_linear_model_solves_and_or(gate: str) -> None:
    s = trained(100, dataset={"name": gate}, hidden_layers=[], optimizer={"learning_rate": 0.1})
    assert number(s.state().test_accuracy) >= 0.99


def test_linear_model_cannot_solve_xor() -> None:
    s = trained(200, dataset={"name": "xor"}, hidden_layers=[], optimizer={"learning_rate": 0.1})
    assert number(s.state().test_accuracy) <= 0.75


def test_one_hidden_layer_of_four_tanh_units_solves_xor() -> None:
    s = trained(300, dataset={"name": "xor"}, hidden_layers=[4], activation="tanh", optimizer={"learning_rate": 0.1})
    assert number(s.state().test_accuracy) >= 0.97


def test_three_arm_spiral_with_adam() -> None:
    s = make_session(
        dataset={"name": "spiral", "classes": 3},
        hidden_layers=[16, 16],
        activation="tanh",
        optimizer={"name": "adam", "learning_rate": 0.01},
    )
    for _ in range(10):
        s.step(50, "epoch")
        if number(s.state().train_accuracy) >= 0.95:
            break
    assert s.epoch <= 500
    assert number(s.state().train_accuracy) >= 0.95


def test_regression_plane() -> None:
    s = trained(100, dataset={"name": "plane"}, hidden_layers=[], optimizer={"learning_rate": 0.01})
    assert s.config.loss == "mse"
    assert number(s.state().test_loss) < 0.01
    assert s.state().train_accuracy is None


def test_same_config_and_seed_give_identical_history() -> None:
    cfg = dict(dataset={"name": "spiral"}, hidden_layers=[6, 6], optimizer={"name": "momentum"})
    a, b = trained(30, **cfg), trained(30, **cfg)
    assert a.history.to_list() == b.history.to_list()
    assert np.array_equal(a.model.params, b.model.params)


def test_another_seed_gives_other_data_and_weights() -> None:
    a, b = make_session(seed=1), make_session(seed=2)
    assert not np.array_equal(a.split.train_points, b.split.train_points)
    assert not np.array_equal(a.model.params, b.model.params)


def test_data_seed_pins_data_while_run_seed_varies() -> None:
    a = make_session(seed=1, dataset={"seed": 7})
    b = make_session(seed=2, dataset={"seed": 7})
    assert np.array_equal(a.split.train_points, b.split.train_points)
    assert not np.array_equal(a.model.params, b.model.params)


def _all_numbers(obj: object) -> list[float]:
    if isinstance(obj, float):
        return [obj]
    if isinstance(obj, dict):
        return [x for v in obj.values() for x in _all_numbers(v)]
    if isinstance(obj, list):
        return [x for v in obj for x in _all_numbers(v)]
    return []


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_learning_rate_ten_diverges_without_nan(activation: str) -> None:
    s = make_session(dataset={"name": "spiral"}, activation=activation, optimizer={"learning_rate": 10.0})
    s.step(200, "epoch")
    state = s.state()
    assert state.status == "diverged"
    assert "diverged" in state.message and "learning rate" in state.message
    everything = {
        "state": state.to_dict(),
        "history": s.history.to_list(),
        "document": export_document(s),
        "network": network(s, gradients=True),
    }
    assert all(math.isfinite(x) for x in _all_numbers(everything))
    json.dumps(everything, allow_nan=False)
    assert np.isfinite(s.predict(np.zeros((3, 2)))).all()
    assert np.isfinite(session_map(s, 20).values).all()


def test_non_finite_weights_roll_back_to_last_healthy_epoch() -> None:
    s = make_session(activation="relu", hidden_layers=[8, 8])
    s.step(2, "epoch")
    good = s.model.params.copy()
    s.model.layers[0].W[0, 0] = np.inf  # as if an update had overflowed
    s.step(1, "batch")
    assert s.status == "diverged"
    assert s.epoch == 2
    assert np.array_equal(s.model.params, good)


def test_training_resumes_after_divergence_with_a_smaller_rate() -> None:
    s = make_session(dataset={"name": "spiral"}, optimizer={"learning_rate": 10.0})
    s.step(50, "epoch")
    assert s.status == "diverged"
    s.reconfigure(Config.model_validate({"dataset": {"name": "spiral"}, "optimizer": {"learning_rate": 0.03}}))
    s.step(5, "epoch")
    assert s.status == "ready"


def test_epoch_is_ceil_of_train_size_over_batch() -> None:
    s = make_session(dataset={"samples": 100, "train_fraction": 0.5}, batch_size=15)
    assert s.n_train == 50 and s.steps_per_epoch == 4
    s.step(1, "epoch")
    assert (s.epoch, s.step_count) == (1, 4)
    s.step(5, "batch")
    assert (s.epoch, s.step_count) == (2, 9)
    s.step(1, "epoch")  # finishes the epoch under way
    assert (s.epoch, s.step_count) == (3, 12)


def test_full_batch_when_batch_exceeds_training_set() -> None:
    s = make_session(dataset={"samples": 40}, batch_size=40)
    assert s.batch_size == 20 and s.steps_per_epoch == 1


def test_batches_are_reshuffled_every_epoch() -> None:
    s = make_session(dataset={"samples": 60}, batch_size=5)
    s.step(1, "epoch")
    first = s._xs.copy()
    s.step(1, "epoch")
    assert not np.array_equal(first, s._xs)
    assert np.array_equal(np.sort(first, axis=0), np.sort(s._xs, axis=0))


def test_reset_restores_the_start_exactly() -> None:
    s = make_session(optimizer={"name": "adam"})
    start = s.model.params.copy()
    s.step(10, "epoch")
    s.reset()
    assert np.array_equal(s.model.params, start)
    assert (s.epoch, s.step_count, len(s.history)) == (0, 0, 0)
    s.step(3, "epoch")
    fresh = trained(3, optimizer={"name": "adam"})
    assert np.array_equal(s.model.params, fresh.model.params)


def test_live_changes_keep_weights_structural_changes_rebuild() -> None:
    s = trained(2)
    params = s.model.params.copy()
    live = Config.model_validate({"optimizer": {"learning_rate": 0.1}, "regularization": {"kind": "l2", "rate": 0.01}})
    assert s.reconfigure(live) is False
    assert np.array_equal(s.model.params, params) and s.epoch == 2
    assert s.state().learning_rate == 0.1 and s.state().penalty > 0
    assert s.reconfigure(Config.model_validate({"hidden_layers": [3]})) is True
    assert s.epoch == 0 and s.model.sizes == [2, 3, 1]


def test_penalty_is_reported_apart_and_summed() -> None:
    s = trained(5, regularization={"kind": "l1", "rate": 0.01})
    state = s.state()
    assert state.penalty > 0
    assert state.total_loss == pytest.approx(state.train_loss + state.penalty)


def test_l1_zeroes_more_weights_than_l2() -> None:
    common = dict(dataset={"name": "circle"}, hidden_layers=[8, 8], optimizer={"learning_rate": 0.03})
    l1 = trained(150, regularization={"kind": "l1", "rate": 0.01}, **common)
    l2 = trained(150, regularization={"kind": "l2", "rate": 0.01}, **common)
    near_zero = lambda s: float(np.mean(np.abs(s.model.weights) < 1e-2))  # noqa: E731
    assert near_zero(l1) > near_zero(l2)


def test_schedule_changes_the_learning_rate() -> None:
    s = trained(10, schedule={"name": "step", "every": 5, "factor": 0.5})
    assert s.state().learning_rate == pytest.approx(0.03 * 0.25)
    rates = [r.learning_rate for r in s.history.records]
    assert rates[0] == pytest.approx(0.03) and rates[-1] == pytest.approx(0.0075)


def test_zeros_init_keeps_units_symmetric() -> None:
    s = trained(20, init="zeros", hidden_layers=[4])
    w = s.model.layers[0].W
    assert np.allclose(w, w[:, :1])


def test_custom_points_train_and_split_stably() -> None:
    points = [[-3.0, -3.0], [3.0, 3.0], [-2.5, -3.5], [3.5, 2.0], [-3.0, -2.0], [2.0, 3.0]]
    labels = [0, 1, 0, 1, 0, 1]
    s = make_session(dataset={"name": "custom", "points": points, "labels": labels}, hidden_layers=[])
    grown = make_session(
        dataset={"name": "custom", "points": [*points, [0.0, 5.0]], "labels": [*labels, 1]}, hidden_layers=[]
    )
    assert s.config.dataset.samples == 6
    # Adding a point never moves the points already placed between the sets.
    assert np.array_equal(grown.split.train_points[: len(s.split.train_points)], s.split.train_points)
    s.step(50, "epoch")
    assert s.state().train_accuracy == 1.0


def test_multiclass_predictions_are_distributions() -> None:
    s = trained(5, dataset={"name": "blobs", "classes": 4}, hidden_layers=[6])
    p = s.predict(np.array([[0.0, 0.0], [3.0, 3.0]]))
    assert p.shape == (2, 4)
    assert np.allclose(p.sum(axis=1), 1.0)


def test_history_is_per_epoch() -> None:
    s = trained(7)
    assert [r.epoch for r in s.history.records] == list(range(1, 8))
    last = s.history.records[-1]
    assert last.train_loss == s.state().train_loss
    assert last.step == s.step_count


def test_step_bounds() -> None:
    s = make_session()
    with pytest.raises(ValueError, match="steps"):
        s.step(0)
    with pytest.raises(ValueError, match="steps"):
        s.step(100_001)


def test_branching_from_a_checkpoint_replays_the_run_exactly() -> None:
    s = make_session(dataset={"name": "spiral"}, hidden_layers=[6, 6], optimizer={"name": "momentum"})
    s.step(30, "epoch")
    at_30 = s.model.params.copy()
    history = s.history.to_list()
    s.go_back(10)
    assert s.epoch == 10 and len(s.history) == 10 and s.checkpoints.records[-1].epoch == 10
    s.step(20, "epoch")
    assert np.array_equal(s.model.params, at_30)
    assert s.history.to_list() == history


def test_checkpoints_stay_bounded_and_span_the_run() -> None:
    s = make_session(dataset={"samples": 40}, hidden_layers=[64, 64])
    s.step(2000, "epoch")
    epochs = [c.epoch for c in s.checkpoints.records]
    assert len(epochs) <= s.checkpoints.capacity and epochs[0] == 0
    assert epochs[-1] > 2000 - s.checkpoints.stride
    with pytest.raises(ValueError, match="checkpoint"):
        s.go_back(3)


def test_early_stopping_restores_the_lowest_test_loss() -> None:
    s = make_session(
        dataset={"name": "spiral", "noise": 0.6, "samples": 100},
        hidden_layers=[32, 32],
        optimizer={"name": "adam", "learning_rate": 0.03},
    )
    s.step(300, "epoch")
    lowest = min(number(r.test_loss) for r in s.history.records)
    state = s.state()
    assert state.best_test_loss == lowest and number(state.best_epoch) < 300
    assert number(s.state().test_loss) > lowest  # it overfitted
    s.go_back()
    assert s.state().test_loss == lowest and s.epoch == state.best_epoch


def test_health_is_logged_every_ten_epochs() -> None:
    s = trained(35, hidden_layers=[4, 4], activation="relu")
    assert [h.epoch for h in s.health.records] == [10, 20, 30]
    layers = s.health.records[-1].layers
    assert len(layers) == 3 and layers[0].dead is not None and layers[-1].dead is None


def test_adam_spike_that_recovers_is_not_divergence() -> None:
    # This run reaches 100% train, then its loss jumps to 4.16 at epoch 1418 and comes back down.
    s = make_session(
        dataset={"name": "spiral"}, hidden_layers=[8, 8, 8], optimizer={"name": "adam", "learning_rate": 0.01}
    )
    s.step(1430, "epoch")
    losses = [r["train_loss"] for r in s.history.to_list()]
    assert max(losses) > s._watch.ceiling  # the spike happened
    assert s.status == "ready" and s.message == "" and s.epoch == 1430
    assert losses[-1] < s._watch.ceiling


def test_loss_staying_high_diverges_and_says_so() -> None:
    s = make_session(dataset={"name": "spiral"}, optimizer={"learning_rate": 10.0})
    s.step(200, "epoch")
    assert s.status == "diverged"
    assert "the training loss" in s.message and "infinite" not in s.message
    assert s.epoch < 30  # caught quickly, at the last healthy epoch
    assert s.history.to_list()[-1]["epoch"] == s.epoch


def test_non_finite_values_diverge_at_once_and_say_so() -> None:
    s = make_session(hidden_layers=[8])
    s.step(3, "epoch")
    s.model.layers[-1].b[0] = np.nan  # as if the scores had overflowed
    s.step(1, "epoch")
    assert s.status == "diverged" and s.epoch == 3
    assert "infinite or NaN" in s.message


def test_divergence_is_reproducible_however_the_run_is_stepped() -> None:
    cfg = dict(dataset={"name": "spiral"}, activation="relu", optimizer={"learning_rate": 10.0})
    a = make_session(**cfg)
    a.step(200, "epoch")
    b = make_session(**cfg)
    while b.status != "diverged":
        b.step(7, "batch", evaluate=False)
    assert (a.epoch, a.message) == (b.epoch, b.message)
    assert np.array_equal(a.model.params, b.model.params)


def test_leaky_slope_reaches_the_model_and_the_scripts() -> None:
    s = make_session(activation="leaky_relu", leaky_slope=0.02)
    assert s.model.activation.f(np.array([-1.0])).tolist() == [-0.02]
    assert "0.02 * z" in numpy_script(s) and "nn.LeakyReLU(0.02)" in pytorch_script(s)
