from __future__ import annotations

import pytest

from app.nn.schedules import Schedule


def test_constant() -> None:
    assert Schedule("constant")(0.1, 1234.5) == 0.1


def test_step_decay() -> None:
    s = Schedule("step", every=10, factor=0.5)
    assert [s(1.0, e) for e in (0, 9.9, 10, 25)] == [1.0, 1.0, 0.5, 0.25]


def test_exponential_decay_is_smooth() -> None:
    s = Schedule("exponential", every=10, factor=0.5)
    assert s(1.0, 5) == pytest.approx(0.5**0.5)
    assert s(1.0, 20) == pytest.approx(0.25)


def test_cosine_with_warm_restarts() -> None:
    s = Schedule("cosine", period=10, min_learning_rate=0.1)
    assert s(1.0, 0) == pytest.approx(1.0)
    assert s(1.0, 5) == pytest.approx(0.55)
    assert s(1.0, 9.999) == pytest.approx(0.1, abs=1e-6)
    assert s(1.0, 10) == pytest.approx(1.0)  # restart
    assert s(1.0, 15) == pytest.approx(0.55)


def test_plateau_drops_after_patience_epochs_without_improvement() -> None:
    s = Schedule("plateau", factor=0.5, patience=2, min_learning_rate=0.0)
    rates = []
    for loss in (1.0, 0.9, 0.9, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85):
        s.observe(loss)
        rates.append(s(1.0, 0))
    assert rates == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.125]


def test_plateau_never_goes_below_its_floor() -> None:
    s = Schedule("plateau", factor=0.1, patience=1, min_learning_rate=0.02)
    for _ in range(5):
        s.observe(1.0)
    assert s(1.0, 0) == 0.02
    assert s(0.01, 0) == 0.01  # a floor above the rate itself does not raise it


def test_plateau_replay_starts_over() -> None:
    s = Schedule("plateau", factor=0.5, patience=1)
    s.replay([1.0, 1.0, 1.0])
    assert s(1.0, 0) == 0.25
    s.replay([1.0])
    assert s(1.0, 0) == 1.0
