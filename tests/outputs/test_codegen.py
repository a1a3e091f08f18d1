"""The exported scripts say how the weights were trained: optimizer, schedule with its knobs, penalty."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.outputs.codegen import numpy_script, pytorch_script
from app.training.session import Session
from tests.conftest import make_session


@pytest.mark.parametrize("script", [numpy_script, pytorch_script])
def test_scripts_name_the_schedule_and_penalty(script: Callable[[Session], str]) -> None:
    s = make_session(
        optimizer={"name": "adam", "learning_rate": 0.01},
        schedule={"name": "plateau", "factor": 0.5, "patience": 3, "min_learning_rate": 0.001},
        regularization={"kind": "l1", "rate": 0.01},
    )
    text = script(s)
    assert "Trained with adam at learning rate 0.01," in text
    assert "reduce on plateau schedule (factor 0.5, patience 3, min_learning_rate 0.001)" in text
    assert "L1 at rate 0.01 (a proximal step: exact zeros)." in text


def test_a_plain_run_says_so() -> None:
    text = numpy_script(make_session())
    assert "constant schedule, no penalty." in text
