"""Lesson 1, a linear model draws a straight line: each "try" line as a student performs it."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import sel
from tests.e2e.lessons.student import open_lesson, readout, train

LESSON = "linear-model"


def test_play_leaves_about_half_of_xor_wrong(page: Any, server: str) -> None:
    open_lesson(page, server, LESSON)
    train(page, 60)
    assert 0.3 <= readout(page, "test-accuracy") <= 0.7
    assert 0.3 <= readout(page, "train-accuracy") <= 0.7


def test_and_and_or_are_separated_by_one_line(page: Any, server: str) -> None:
    open_lesson(page, server, LESSON)
    for name in ("and", "or"):
        # The datasets are in view beside the lesson, without opening anything first.
        page.click(sel(f"dataset-{name}"))
        page.wait_for_function(f"() => window.playground.config.dataset.name === '{name}'")
        train(page, 20)
        assert readout(page, "test-accuracy") >= 0.95
        assert page.locator(f"{sel('network')} .node.hidden").count() == 0


def test_a_hidden_layer_makes_xor_solvable(page: Any, server: str) -> None:
    open_lesson(page, server, LESSON)
    page.click(sel("add-layer"))
    page.wait_for_selector(f"{sel('network')} .node.hidden")
    train(page, 60)
    assert readout(page, "test-accuracy") >= 0.9
