from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from app.outputs import frames, lean
from app.outputs.documents import network
from app.outputs.maps import session_map
from tests.conftest import make_session
from tests.lean_frames import decode, network_params

SPIRAL = {"dataset": {"name": "spiral", "samples": 500}, "hidden_layers": [8, 8], "batch_size": 10}


@pytest.mark.parametrize(
    ("config", "output"),
    [
        ({"dataset": {"name": "xor"}}, "sigmoid"),
        ({"dataset": {"name": "spiral", "classes": 3}}, "softmax"),
        ({"dataset": {"name": "plane"}, "loss": "mse"}, "linear"),
        ({"dataset": {"name": "xor"}, "loss": "mse"}, "sigmoid"),
        ({"dataset": {"name": "blobs", "classes": 4}, "loss": "mse"}, "softmax"),
        ({"dataset": {"name": "xor"}, "loss": "hinge"}, "sigmoid"),
    ],
)
def test_the_network_names_the_head_the_maps_apply(config: dict[str, Any], output: str) -> None:
    s = make_session(**config)
    header, _ = decode(lean.body(s, 0, 0, False).assemble([]))
    assert header["network"]["output"] == output == s.loss.head
    planes = session_map(s, 10).planes
    assert header["network"]["sizes"][-1] == planes or (planes == 1 and output == "sigmoid")


@pytest.mark.parametrize("hidden", [[], [3], [8, 8], [16, 5, 7]])
def test_params_are_the_weights_as_float32(hidden: list[int]) -> None:
    s = make_session(
        hidden_layers=hidden, features=["x1", "x2", "x1_times_x2"], dataset={"name": "spiral", "classes": 3}
    )
    s.step(2, "epoch")
    header, params = decode(lean.body(s, 3, 1, False).assemble([]))
    assert header["network"]["sizes"] == [3, *hidden, 3]
    assert header["network"]["features"] == ["x1", "x2", "x1_times_x2"]
    assert np.array_equal(params, network_params(network(s)))


def test_the_header_carries_what_a_full_frame_does() -> None:
    s = make_session(**SPIRAL, activation="leaky_relu", leaky_slope=0.2)
    s.step(3, "epoch")
    tail, config = s.history.records[-2:], s.config.model_dump(mode="json")
    full = json.loads(frames.assemble(frames.body(s, frames.MapSettings(), 7, 2, True), tail, config))
    header, _ = decode(lean.body(s, 7, 2, True).assemble(tail, config))
    assert set(header) == {"type", "version", "config_version", "state", "history_tail", "network", "config"}
    assert {k: header[k] for k in ("type", "version", "config_version", "state", "history_tail", "config")} == {
        k: full[k] for k in ("type", "version", "config_version", "state", "history_tail", "config")
    }
    assert header["network"]["activation"] == "leaky_relu" and header["network"]["leaky_slope"] == 0.2
    assert "config" not in decode(lean.body(s, 7, 2, True).assemble(tail))[0]


def test_a_spiral_frame_is_small() -> None:
    """2-8-8-1 on spiral, one new history point: about a kilobyte, not the 8 to 12 of a full frame."""
    s = make_session(**SPIRAL)
    s.step(5, "epoch")
    message = lean.body(s, 1, 0, True).assemble(s.history.records[-1:])
    assert len(message) <= 1500
