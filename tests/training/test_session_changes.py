"""Every change to a session is all or nothing: a failure leaves it exactly as it was."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app.training import session as session_module
from app.training.config import Config, merge
from app.training.session import Session


def _trained() -> Session:
    s = Session(Config.model_validate({"dataset": {"name": "xor", "samples": 60}, "hidden_layers": [4]}))
    s.step(3, "epoch")
    return s


def _picture(s: Session) -> dict[str, Any]:
    return {
        "config": s.config.model_dump(),
        "params": s.model.params.copy(),
        "state": s.state(),
        "history": s.history.to_list(),
        "optimizer": s.optimizer.state_dict(),
        "schedule": s.schedule,
        "sizes": s.model.sizes,
    }


def _assert_same(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a.keys() == b.keys()
    for key in a:
        if key == "params":
            np.testing.assert_array_equal(a[key], b[key])
        elif key == "optimizer":
            assert a[key]["steps"] == b[key]["steps"]
        else:
            assert a[key] == b[key], key


def _fail(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("failed halfway")


@pytest.mark.parametrize(
    ("patch", "broken"),
    [
        ({"hidden_layers": [7, 7]}, "app.training.session.MLP"),
        ({"dataset": {"name": "spiral", "classes": 3}}, "app.training.session.make_loss"),
        ({"features": ["x1", "x2", "sin_x1"]}, "app.training.session.feature_matrix"),
        ({"schedule": {"name": "cosine"}}, "app.training.knobs.Schedule"),
        ({"optimizer": {"name": "adam", "learning_rate": 0.1}}, "app.training.knobs.make_optimizer"),
    ],
)
def test_a_change_that_fails_halfway_leaves_the_session_as_it_was(
    monkeypatch: pytest.MonkeyPatch, patch: dict[str, Any], broken: str
) -> None:
    s = _trained()
    before = _picture(s)
    config = merge(s.config, patch)
    with monkeypatch.context() as m:
        m.setattr(broken, _fail)
        with pytest.raises(RuntimeError):
            s.reconfigure(config)
    _assert_same(_picture(s), before)
    s.step(1, "epoch")
    assert s.epoch == 4


def test_a_live_change_whose_evaluation_fails_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    s = _trained()
    before = _picture(s)
    config = merge(s.config, {"regularization": {"kind": "l2", "rate": 0.1}, "optimizer": {"momentum": 0.5}})
    monkeypatch.setattr(session_module.regularizers, "penalty", _fail)
    with pytest.raises(RuntimeError):
        s.reconfigure(config)
    _assert_same(_picture(s), before)
    assert s.optimizer.momentum == 0.9


def test_a_weight_edit_whose_evaluation_fails_is_undone(monkeypatch: pytest.MonkeyPatch) -> None:
    s = _trained()
    before = _picture(s)
    monkeypatch.setattr(s, "evaluate", _fail)
    with pytest.raises(RuntimeError):
        s.set_parameter(0, 1, 0, 123.0)
    _assert_same(_picture(s), before)


def test_a_rebuild_replaces_every_part() -> None:
    s = _trained()
    assert s.reconfigure(merge(s.config, {"hidden_layers": [5, 3], "dataset": {"noise": -0.0}}))
    fresh = Session(s.config)
    _assert_same(_picture(s), _picture(fresh))
    assert s.config.dataset.noise == 0.0
