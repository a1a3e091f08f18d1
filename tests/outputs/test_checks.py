"""The gradient check sets apart the parameters whose nudges cross a kink."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.outputs.checks import gradient_check
from app.training.session import Session
from tests.conftest import make_session

LESSON = {"dataset": {"name": "spiral", "classes": 3}, "hidden_layers": [5, 4]}


def check(session: Session) -> dict[str, Any]:
    run = gradient_check(session)
    while True:
        try:
            next(run)
        except StopIteration as done:
            return dict(done.value)


def flagged(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for layer in result["layers"] for row in layer["rows"] if row["kink"]]


def test_a_smooth_network_flags_nothing() -> None:
    result = check(make_session(**LESSON, regularization={"kind": "l2", "rate": 0.01}))
    assert flagged(result) == [] and all(layer["kinks"] == 0 for layer in result["layers"])
    assert result["relative_error"] < 1e-6


def test_relu_biases_at_the_kink_are_flagged_and_left_out_of_the_verdict() -> None:
    """Biases start at 0: a point no first-layer unit fires on puts the next layer's z exactly at 0."""
    result = check(make_session(**LESSON, activation="relu"))
    rows = flagged(result)
    assert rows and all(row["kink"] == "crosses ReLU's kink at 0: the finite difference straddles it" for row in rows)
    assert max(row["relative_error"] for row in rows) > 1e-2
    assert sum(layer["kinks"] for layer in result["layers"]) == len(rows)
    assert result["relative_error"] < 1e-6
    assert all(layer["max_row_error"] < 1e-6 for layer in result["layers"])


def test_an_l1_weight_within_epsilon_of_zero_is_flagged() -> None:
    for rate in (0.01, 0.0):
        session = make_session(**LESSON, regularization={"kind": "l1", "rate": rate})
        session.model.layers[0].W[0, 1] = 4e-6
        rows = flagged(check(session))
        if rate == 0.0:  # no penalty, no kink
            assert rows == []
        else:
            assert [row["name"] for row in rows] == ["W[0,1]"]
            assert rows[0]["kink"] == "crosses L1's kink at w = 0: the finite difference straddles it"


def test_a_hinge_margin_at_one_is_flagged() -> None:
    session = make_session(dataset={"name": "gaussian"}, hidden_layers=[], loss="hinge")
    x = session.split.train_points[0]
    w = session.model.layers[0].W[:, 0]
    sign = 1.0 if session.split.train_labels[0] > 0 else -1.0
    session.model.layers[0].b[0] = sign - float(np.dot(x, w))  # that point's margin is exactly 1
    rows = flagged(check(session))
    assert "b[0]" in [row["name"] for row in rows]
    assert all("hinge's kink" in row["kink"] for row in rows)
