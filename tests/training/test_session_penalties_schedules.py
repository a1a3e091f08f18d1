"""A session's L1 (proximal: exact zeros, biases untouched) and its plateau schedule."""

from __future__ import annotations

import itertools

import numpy as np

from app.training.config import Config
from tests.conftest import make_session

LESSON_11 = dict(
    dataset={"name": "circle", "noise": 0.6, "samples": 200},
    hidden_layers=[16, 16],
    optimizer={"name": "adam", "learning_rate": 0.01},
)


def test_l1_sets_weights_to_exactly_zero_and_keeps_biases() -> None:
    s = make_session(**LESSON_11, regularization={"kind": "l1", "rate": 0.01})
    s.step(40, "epoch")
    weights = s.model.weights
    assert np.count_nonzero(weights == 0.0) >= weights.size // 2
    assert np.count_nonzero(s.model.params[s.model.n_weights :] == 0.0) == 0
    assert s.state().penalty == 0.01 * float(np.abs(weights).sum())
    assert (s.state().test_accuracy or 0.0) >= 0.8


def test_l1_with_sgd_shrinks_by_learning_rate_times_rate() -> None:
    s = make_session(dataset={"name": "xor"}, regularization={"kind": "l1", "rate": 0.01})
    before = s.model.weights.copy()
    s.step(1)
    data_only = make_session(dataset={"name": "xor"})
    data_only.step(1)
    expected = data_only.model.weights - np.clip(data_only.model.weights, -0.03 * 0.01, 0.03 * 0.01)
    assert np.array_equal(s.model.weights, expected) and not np.array_equal(before, expected)


def test_l1_runs_repeat_exactly() -> None:
    runs = [make_session(**LESSON_11, regularization={"kind": "l1", "rate": 0.01}) for _ in range(2)]
    for run in runs:
        run.step(20, "epoch")
    assert np.array_equal(runs[0].model.params, runs[1].model.params)


PLATEAU = dict(dataset={"name": "circle"}, optimizer={"learning_rate": 1.0})


def test_plateau_lowers_the_rate_when_the_loss_stalls() -> None:
    s = make_session(**PLATEAU, schedule={"name": "plateau", "factor": 0.5, "patience": 2, "min_learning_rate": 0.1})
    s.step(60, "epoch")
    rates = [r.learning_rate for r in s.history.records]
    assert rates[0] == 1.0 and min(rates) == 0.1
    assert all(b <= a for a, b in itertools.pairwise(rates))
    assert s.state().learning_rate == rates[-1]


def test_plateau_replays_exactly_after_going_back_and_live_changes() -> None:
    config = dict(**PLATEAU, schedule={"name": "plateau", "factor": 0.5, "patience": 2})
    s = make_session(**config)
    s.step(60, "epoch")
    at_60, history = s.model.params.copy(), s.history.to_list()
    s.go_back(20)
    s.reconfigure(Config.model_validate(config))
    s.step(40, "epoch")
    assert np.array_equal(s.model.params, at_60)
    assert s.history.to_list() == history
    assert min(r["learning_rate"] for r in history) < 1.0
    s.reset()
    assert s.state().learning_rate == 1.0
