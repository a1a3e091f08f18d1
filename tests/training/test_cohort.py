"""Sessions trained together in a stack get exactly the numbers each gets trained alone."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app.nn.activations import ACTIVATIONS
from app.nn.features import FEATURES
from app.nn.inits import INITS
from app.nn.losses import LOSSES
from app.nn.optimizers import OPTIMIZERS
from app.nn.regularizers import REGULARIZERS
from app.nn.schedules import SCHEDULES
from app.training.cohort import cohort_key, train_together
from app.training.config import Config
from app.training.session import Session

BASE: dict[str, Any] = {
    "dataset": {"name": "spiral", "samples": 200},
    "hidden_layers": [8, 8],
    "activation": "tanh",
    "batch_size": 10,
}
SEEDS = (1, 2, 3, 4)
LR_FACTORS = (1.0, 0.5, 2.0, 1.0)  # runs of one cohort may differ in learning rate
WARMUP = (0, 3, 7, 0)  # and be at different points of their epochs
COUNTS = (137, 150, 25, 161)

CASES: dict[str, dict[str, Any]] = {
    "sgd": {},
    "momentum": {"optimizer": {"name": "momentum", "learning_rate": 0.05}},
    "nesterov": {"optimizer": {"name": "nesterov", "learning_rate": 0.05}},
    "rmsprop": {"optimizer": {"name": "rmsprop", "learning_rate": 0.01}},
    "adam": {"optimizer": {"name": "adam", "learning_rate": 0.01}},
    "relu-l1": {"activation": "relu", "regularization": {"kind": "l1", "rate": 0.001}},
    "adam-l1": {"optimizer": {"name": "adam", "learning_rate": 0.01}, "regularization": {"kind": "l1", "rate": 0.003}},
    "sigmoid-l2": {"activation": "sigmoid", "regularization": {"kind": "l2", "rate": 0.01}},
    "softmax-3": {"dataset": {"name": "spiral", "samples": 200, "classes": 3}},
    "mse-4": {"dataset": {"name": "spiral", "samples": 200, "classes": 4}, "loss": "mse"},
    "hinge": {"loss": "hinge", "activation": "leaky_relu"},
    "regression": {"dataset": {"name": "sine", "samples": 200}, "loss": "mse", "activation": "gelu"},
    "features": {"features": ["x1", "x2", "x1_squared", "x2_squared", "sin_x1"], "activation": "swish"},
    "cosine": {"schedule": {"name": "cosine", "period": 3}},
    "plateau": {
        "schedule": {"name": "plateau", "patience": 1},
        "dataset": {"name": "spiral", "samples": 200, "validation_fraction": 0.2},
    },
    "early-stopping": {
        "dataset": {"name": "spiral", "samples": 200, "validation_fraction": 0.3},
        "early_stopping": {"patience": 2},
        "optimizer": {"name": "adam", "learning_rate": 0.05},
    },
    "diverging-sgd": {"optimizer": {"name": "sgd", "learning_rate": 10.0}},
    "diverging-adam": {"optimizer": {"name": "adam", "learning_rate": 3.0}},
}

# Every row of every table, so that a new activation, loss, optimizer... is checked here too.
ROWS: dict[str, dict[str, Any]] = {
    **{f"activation-{n}": {"activation": n} for n in ACTIVATIONS},
    **{f"loss-{n}": {"loss": n} for n in LOSSES},
    **{f"optimizer-{n}": {"optimizer": {"name": n, "learning_rate": 0.02}} for n in OPTIMIZERS},
    **{f"schedule-{n}": {"schedule": {"name": n, "every": 1, "period": 2}} for n in SCHEDULES},
    **{f"regularization-{n}": {"regularization": {"kind": n, "rate": 0.01}} for n in REGULARIZERS},
    **{f"feature-{n}": {"features": [n]} for n in FEATURES},
    **{f"init-{n}": {"init": n} for n in INITS},
}


def _sessions(extra: dict[str, Any]) -> list[Session]:
    out = []
    for seed, factor, warmup in zip(SEEDS, LR_FACTORS, WARMUP, strict=True):
        raw = {**BASE, **extra, "seed": seed}
        config = Config.model_validate(raw)
        lr = min(10.0, config.optimizer.learning_rate * factor)
        config = config.model_copy(update={"optimizer": config.optimizer.model_copy(update={"learning_rate": lr})})
        session = Session(config)
        if warmup:
            session.step(warmup, "batch", evaluate=False)
        out.append(session)
    return out


def _assert_same(alone: Session, together: Session) -> None:
    assert np.array_equal(alone.model.params, together.model.params)
    assert np.array_equal(alone.model.grads, together.model.grads)
    assert (alone.epoch, alone.step_count, alone._cursor) == (together.epoch, together.step_count, together._cursor)
    assert (alone.status, alone.message) == (together.status, together.message)
    assert alone.history.records == together.history.records
    assert alone.metrics == together.metrics
    a, b = alone.optimizer.state_dict(), together.optimizer.state_dict()
    assert a["steps"] == b["steps"]
    slots_a, slots_b = a["slots"], b["slots"]
    assert isinstance(slots_a, dict) and isinstance(slots_b, dict)
    assert slots_a.keys() == slots_b.keys()
    for i, slots in slots_a.items():
        for name, value in slots.items():
            assert np.array_equal(value, slots_b[i][name]), name
    assert [c.epoch for c in alone.checkpoints.records] == [c.epoch for c in together.checkpoints.records]


@pytest.mark.parametrize("name", [*CASES, *ROWS])
def test_together_equals_alone(name: str) -> None:
    extra = CASES[name] if name in CASES else ROWS[name]
    alone, together = _sessions(extra), _sessions(extra)
    assert len({cohort_key(s) for s in together}) == 1
    for session, count in zip(alone, COUNTS, strict=True):
        session.step(count, "batch", evaluate=False)
    train_together(together, COUNTS)
    for a, b in zip(alone, together, strict=True):
        _assert_same(a, b)
    # and they carry on as one: alone afterwards, still the same
    for a, b in zip(alone, together, strict=True):
        a.step(12, "batch")
        b.step(12, "batch")
        _assert_same(a, b)


def test_halted_runs_start_again_as_a_step_does() -> None:
    alone, together = _sessions(CASES["diverging-sgd"]), _sessions(CASES["diverging-sgd"])
    for session in alone:
        session.step(100, "batch", evaluate=False)
    train_together(together, [100] * 4)
    assert sum(s.status == "diverged" for s in together) >= 2
    for session in alone:
        session.step(3, "batch", evaluate=False)
    train_together(together, [3] * 4)
    for a, b in zip(alone, together, strict=True):
        _assert_same(a, b)


def test_keys_part_what_cannot_share_a_stack() -> None:
    def key(**extra: Any) -> object:
        return cohort_key(Session(Config.model_validate({**BASE, **extra})))

    same = key()
    assert key(seed=9) == same
    assert key(optimizer={"name": "sgd", "learning_rate": 0.3}) == same
    assert key(regularization={"kind": "l2", "rate": 0.0}) == same  # rate 0 trains as none
    assert key(hidden_layers=[8, 4]) != same
    assert key(activation="relu") != same
    assert key(optimizer={"name": "adam"}) != same
    assert key(optimizer={"name": "momentum", "momentum": 0.5}) != key(optimizer={"name": "momentum"})
    assert key(regularization={"kind": "l2", "rate": 0.01}) != same
    assert key(batch_size=20) != same
    assert key(batch_size=30) is None  # 100 training points end each epoch on a batch of 10


def test_counts_are_checked() -> None:
    sessions = _sessions({})[:2]
    with pytest.raises(ValueError, match="steps"):
        train_together(sessions, [1, 0])
