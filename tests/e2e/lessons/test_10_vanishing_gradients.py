"""Lesson 10, "Vanishing gradients": each try line, as a student does it."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import sel
from tests.e2e.lessons.driving import (
    EPOCH,
    HEALTH_RATIO,
    health_ratio,
    open_lesson,
    play_epochs,
    play_until,
    unit_shares,
    wait_config,
)


def sigmoid_ratio(page: Any) -> float:
    """The lesson as it opens, trained a little: the output layer's gradient over the first layer's."""
    play_until(page, f"{EPOCH} >= 10 && {HEALTH_RATIO} > 0")
    return health_ratio(page)


def test_the_first_layers_get_far_less_gradient_than_the_last(page: Any, server: str) -> None:
    open_lesson(page, server, "vanishing-gradients")
    page.wait_for_selector(f"{sel('health-norms')} .scatterlayer .trace")
    assert sigmoid_ratio(page) > 100


def test_with_relu_the_norms_are_alike(page: Any, server: str) -> None:
    open_lesson(page, server, "vanishing-gradients")
    sigmoid = sigmoid_ratio(page)
    page.select_option(sel("activation"), "relu")
    wait_config(page, "c.activation === 'relu'")
    page.wait_for_function(f"() => {EPOCH} === 0")
    play_until(page, f"{EPOCH} >= 10 && {HEALTH_RATIO} < 10")
    assert health_ratio(page) < sigmoid / 10


def test_with_relu_a_larger_learning_rate_kills_more_units(page: Any, server: str) -> None:
    open_lesson(page, server, "vanishing-gradients")
    page.select_option(sel("activation"), "relu")
    wait_config(page, "c.activation === 'relu'")
    page.wait_for_function(f"() => {EPOCH} === 0")
    page.select_option(sel("speed"), "20")  # the calm run's pause lands near epoch 20, busy machine or not
    play_epochs(page, 20)
    page.wait_for_selector(f"{sel('health-units')} .bars")
    # The bars are those of the epoch the run paused at, not of an earlier refresh.
    norms = "document.querySelector(\"[data-testid='health-norms']\").data[0].x"
    page.wait_for_function(f"() => {{ const x = {norms}; return x[x.length - 1] === {EPOCH}; }}")
    calm = sum(unit_shares(page))
    page.select_option(sel("speed"), "max")
    page.select_option(sel("learning-rate"), "1")
    wait_config(page, "c.optimizer.learning_rate === 1")
    page.click(sel("reset"))
    page.wait_for_function(f"() => {EPOCH} === 0")
    dead = "document.querySelector(\"[data-testid='health-units']\").data[0].y.reduce((a, b) => a + b, 0)"
    play_until(page, f"{EPOCH} >= 20 && {dead} > {calm} + 50")
    assert sum(unit_shares(page)) > calm + 50
