"""Lesson 2, stacked linear layers collapse to one: each "try" line as a student performs it."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import sel
from tests.e2e.lessons.student import open_lesson, readout, train

LESSON = "linear-collapse"
GAP = "collapse-difference"


def open_collapse(page: Any, server: str) -> None:
    open_lesson(page, server, LESSON)
    page.wait_for_selector(sel("collapse-matrix"))


def test_training_draws_a_line_like_the_linear_model(page: Any, server: str) -> None:
    open_collapse(page, server)
    train(page, 40)
    page.click(sel("view-collapse"))
    page.wait_for_selector(sel(GAP))
    # The network is exactly one x W + b, whose boundary is a line: XOR stays about half wrong.
    assert readout(page, GAP) < 0.01
    assert readout(page, "test-accuracy") <= 0.7


def test_more_layers_and_units_still_collapse_exactly(page: Any, server: str) -> None:
    open_collapse(page, server)
    page.click(sel("add-layer"))
    page.wait_for_selector(f"{sel('collapse-layers')}:has-text('5 layers')")
    for _ in range(2):
        page.click(sel("collapse-add-unit-0"))
    page.wait_for_selector(f"{sel('collapse-units-0')}:has-text('6')")
    assert page.text_content(sel("layer-count")) == "4 layers"
    train(page, 5)
    page.click(sel("view-collapse"))
    page.wait_for_selector(f"{sel('collapse-layers')}:has-text('5 layers')")
    assert page.locator(f"{sel('collapse-matrix')} tbody tr").count() == 3
    assert readout(page, GAP) < 0.01


def test_tanh_breaks_the_collapse_and_bends_the_line(page: Any, server: str) -> None:
    open_collapse(page, server)
    page.select_option(sel("activation"), "tanh")
    page.wait_for_selector(f"{sel('collapse-result')}:has-text('nothing to collapse')")
    train(page, 40)
    assert readout(page, "test-accuracy") >= 0.9
