"""Lesson 13, "Hand-made features make the circle linear": each try line, as a student does it."""

from __future__ import annotations

import math
import re
from typing import Any

from tests.e2e.conftest import sel
from tests.e2e.lessons.driving import EPOCH, TEST_ACCURACY, accuracy, open_lesson, play_epochs, play_until, wait_config

SQUARES = ["x1_squared", "x2_squared"]


def squared_features(page: Any) -> None:
    """In the Features panel: x₁² and x₂² on, then x₁ and x₂ off, one click at a time."""
    for feature, on in [*((f, True) for f in SQUARES), ("x1", False), ("x2", False)]:
        page.click(sel(f"feature-{feature}"))
        wait_config(page, f"c.features.includes({feature!r}) === {str(on).lower()}")
    page.wait_for_function(f"() => {EPOCH} === 0")
    assert page.evaluate("() => window.playground.config.features") == SQUARES


def weight_from(page: Any, label: str) -> float:
    """Hover the output's connection from the input ``label``: the tooltip gives its weight."""
    page.locator(f"path.link[aria-label^='output, weight from {label}:']").hover()
    page.wait_for_function(
        f"() => document.querySelector(\"[data-testid='tooltip']\").textContent.includes('from {label}')"
    )
    found = re.match(r"w = (-?[0-9.]+)", page.text_content(sel("tooltip")))
    assert found
    return float(found.group(1))


def test_with_x1_and_x2_alone_the_accuracy_stays_near_60_percent(page: Any, server: str) -> None:
    open_lesson(page, server, "features")
    play_epochs(page, 50)
    assert 40 <= accuracy(page) <= 75


def test_with_the_squared_features_the_accuracy_reaches_100_percent(page: Any, server: str) -> None:
    open_lesson(page, server, "features")
    squared_features(page)
    play_until(page, f"{TEST_ACCURACY} === 100")
    assert page.text_content(sel("test-accuracy")) == "100.0%"


def test_the_weights_read_as_the_circles_equation(page: Any, server: str) -> None:
    open_lesson(page, server, "features")
    squared_features(page)
    play_until(page, f"{TEST_ACCURACY} === 100 && {EPOCH} >= 50")
    w1, w2 = weight_from(page, "x₁²"), weight_from(page, "x₂²")
    page.click(".node.output")
    bias = float(page.input_value(sel("weight-editor")))
    page.press(sel("weight-editor"), "Escape")
    assert w1 < 0 and w2 < 0 and bias > 0
    assert 0.8 <= w1 / w2 <= 1.25
    assert 2.5 <= math.sqrt(-bias / ((w1 + w2) / 2)) <= 3.5
