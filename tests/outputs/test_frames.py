from __future__ import annotations

import json

import pytest

from app.outputs.frames import weights_json, weights_view
from tests.conftest import make_session


@pytest.mark.parametrize("hidden", [[], [4], [8, 8], [16, 16, 16]])
def test_weights_json_is_the_weights_view(hidden: list[int]) -> None:
    s = make_session(hidden_layers=hidden, dataset={"name": "spiral", "classes": 3})
    s.step(3, "epoch")
    assert json.loads(weights_json(s)) == weights_view(s)
