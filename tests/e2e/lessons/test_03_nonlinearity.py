"""Lesson 3, "One nonlinearity fixes XOR": each try line, as a student does it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import sel
from tests.e2e.lessons.driving import (
    EPOCH,
    TEST_ACCURACY,
    accuracy,
    boundary_image,
    open_lesson,
    play_epochs,
    play_until,
    wait_config,
)

SOLVED = f"{TEST_ACCURACY} >= 90"


def test_play_each_hidden_unit_draws_a_line_the_output_combines_them(page: Any, server: str) -> None:
    open_lesson(page, server, "nonlinearity")
    play_until(page, SOLVED)
    output = boundary_image(page)
    maps: set[str] = set()
    for unit in page.locator(".node.hidden").all():
        unit.hover()
        page.wait_for_function(f"() => ![{output!r}, ...{sorted(maps)!r}].includes(window.playground.boundary.source)")
        maps.add(boundary_image(page))
    assert len(maps) == 4
    assert accuracy(page) >= 90


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "leaky_relu"])
def test_relu_sigmoid_and_leaky_relu_all_solve_it(page: Any, server: str, activation: str) -> None:
    open_lesson(page, server, "nonlinearity")
    play_until(page, SOLVED)
    tanh_regions = boundary_image(page)
    page.select_option(sel("activation"), activation)
    wait_config(page, f"c.activation === {activation!r}")
    page.wait_for_function(f"() => {EPOCH} === 0")
    play_until(page, SOLVED)
    assert accuracy(page) >= 90
    assert boundary_image(page) != tanh_regions


def test_removing_units_two_still_solve_xor_one_cannot(page: Any, server: str) -> None:
    open_lesson(page, server, "nonlinearity")
    for units in (3, 2):
        page.click(sel("remove-unit-0"))
        wait_config(page, f"c.hidden_layers[0] === {units}")
        page.wait_for_function(f"() => {EPOCH} === 0")
        play_until(page, SOLVED)
    page.click(sel("remove-unit-0"))
    wait_config(page, "c.hidden_layers[0] === 1")
    page.wait_for_function(f"() => {EPOCH} === 0")
    play_epochs(page, 150)
    assert accuracy(page) <= 80
