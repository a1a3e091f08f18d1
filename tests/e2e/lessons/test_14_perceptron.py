"""Lesson 14, "The perceptron's step cannot learn by gradient descent": each try line, as a student does it."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import sel
from tests.e2e.lessons.driving import (
    EPOCH,
    HEALTH_NOTE,
    HEALTH_RATIO,
    TEST_ACCURACY,
    accuracy,
    open_lesson,
    play_until,
    wait_config,
)

NO_GRADIENT = "The first layer's gradient is exactly 0"


def test_the_step_gets_no_gradient_and_stays_near_50_percent(page: Any, server: str) -> None:
    open_lesson(page, server, "perceptron")
    play_until(page, f"{EPOCH} >= 50 && {HEALTH_NOTE}.includes({NO_GRADIENT!r})")
    assert NO_GRADIENT in page.text_content(sel("health-note"))
    assert accuracy(page) <= 70


def test_with_sigmoid_the_same_network_learns(page: Any, server: str) -> None:
    open_lesson(page, server, "perceptron")
    page.select_option(sel("activation"), "sigmoid")
    wait_config(page, "c.activation === 'sigmoid'")
    page.wait_for_function(f"() => {EPOCH} === 0")
    play_until(page, f"{TEST_ACCURACY} >= 90 && {HEALTH_RATIO} > 0")
    assert NO_GRADIENT not in page.text_content(sel("health-note"))
    assert accuracy(page) >= 90
