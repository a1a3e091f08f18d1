"""Lesson 15, backpropagation: each "what to try" line, performed on the page as a student would."""

from __future__ import annotations

import math
import re
from typing import Any

from tests.e2e.conftest import open_playground, sel

NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")
ROUNDING = 1e-4  # the page writes four decimals
STEPS = 5  # a 2-4-1 network: inputs, two layers forward, two back, the update


def numbers(text: str) -> list[float]:
    return [float(n) for n in NUMBER.findall(text)]


def unit(page: Any, column: int, j: int) -> dict[str, float]:
    """The numbers a unit's box shows, by name: z, a, p, dL/da, dL/dz."""
    text = page.text_content(sel(f"backprop-unit-{column}-{j}"))
    return {name: float(value) for name, value in re.findall(rf"(z|a|p|dL/da|dL/dz) = ({NUMBER.pattern})", text)}


def equation(page: Any, key: str) -> str:
    return str(page.text_content(f"{sel('backprop-equations')} li[data-key='{key}']"))


def open_lesson(page: Any, server: str, point: int = 3) -> None:
    """The lesson's page with its view open and the training point ``point`` picked from the list."""
    open_playground(page, f"{server}/lessons/backpropagation")
    page.wait_for_selector(sel("backprop-diagram"))
    page.select_option(sel("backprop-point"), str(point))
    page.wait_for_selector(f"{sel('backprop-forward')}:enabled")
    page.wait_for_selector(f"{sel('backprop-step')}:has-text('Step 0 of {STEPS}')")


def forward(page: Any, to_step: int) -> None:
    """Press Forward until the caption says ``to_step``."""
    while not page.text_content(sel("backprop-step")).startswith(f"Step {to_step} "):
        page.click(sel("backprop-forward"))
    page.wait_for_selector(f"{sel('backprop-step')}:has-text('Step {to_step} of')")


def test_forward_shows_z_and_tanh_of_z_for_the_first_layer(page: Any, server: str) -> None:
    open_lesson(page, server)
    page.click(sel("backprop-forward"))
    page.wait_for_selector(f"{sel('backprop-step')}:has-text('forward through hidden layer 1')")
    for j in range(4):
        shown = unit(page, 1, j)
        z, a = shown["z"], shown["a"]
        assert abs(math.tanh(z) - a) < 2 * ROUNDING
        # z = x1 w1 + x2 w2 + b, written with the numbers it adds up.
        *terms, bias, total = numbers(equation(page, f"z-0-{j}"))
        assert total == z and abs(terms[0] * terms[1] + terms[2] * terms[3] + bias - z) < 10 * ROUNDING
    # A point clicked on the plot is the nearest training point.
    where = page.evaluate(
        """() => {
          const el = document.querySelector("[data-testid='boundary']");
          const full = el._fullLayout, rect = el.getBoundingClientRect();
          const [x, y] = [2.5, -3.5];
          return [rect.left + full.xaxis._offset + (x + 6) / 12 * full.xaxis._length,
                  rect.top + full.yaxis._offset + (6 - y) / 12 * full.yaxis._length];
        }"""
    )
    page.mouse.click(*where)
    page.wait_for_selector(f"{sel('backprop-step')}:has-text('Step 0 of')")
    chosen = str(page.text_content(f"{sel('backprop-point')} option:checked"))
    x, y = map(float, re.findall(r"\((-?[\d.]+), (-?[\d.]+)\)", chosen)[0])
    assert math.hypot(x - 2.5, y + 3.5) < 2.5, chosen
    assert not chosen.startswith("#4 ")
    # The chosen point is ringed on the plot.
    ring = page.evaluate("() => document.querySelector(\"[data-testid='boundary']\").layout.shapes[0]")
    centre = ((ring["x0"] + ring["x1"]) / 2, (ring["y0"] + ring["y1"]) / 2)
    assert abs(centre[0] - x) < 0.01 and abs(centre[1] - y) < 0.01


def test_the_output_and_its_gradient_p_minus_y(page: Any, server: str) -> None:
    open_lesson(page, server)
    forward(page, 2)
    p = unit(page, 2, 0)["p"]
    assert 0 < p < 1
    assert "L = " in equation(page, "loss")
    forward(page, 3)
    text = equation(page, "dz-1-0")
    assert "dL/dz = p − y" in text
    shown_p, y, gradient = numbers(text)
    assert shown_p == p and y in (0.0, 1.0) and abs(p - y - gradient) < 2 * ROUNDING
    assert unit(page, 2, 0)["dL/dz"] == gradient


def test_hidden_units_show_the_chain_rule_products_and_edges_their_gradients(page: Any, server: str) -> None:
    open_lesson(page, server)
    forward(page, 4)
    assert "backward through hidden layer 1" in page.text_content(sel("backprop-step"))
    for j in range(4):
        dL_da, slope, dL_dz = numbers(equation(page, f"dz-0-{j}"))
        assert abs(dL_da * slope - dL_dz) < 2 * ROUNDING
        assert unit(page, 1, j)["dL/dz"] == dL_dz and unit(page, 1, j)["dL/da"] == dL_da
        for i in range(2):
            a, d, dw = numbers(equation(page, f"dw-0-{i}-{j}"))
            assert d == dL_dz and abs(a * d - dw) < 2 * ROUNDING
            assert numbers(page.text_content(sel(f"backprop-edge-0-{i}-{j}"))) == [dw]


def test_the_update_moves_every_weight_against_its_gradient(page: Any, server: str) -> None:
    open_lesson(page, server)
    forward(page, STEPS)
    assert page.is_disabled(sel("backprop-forward"))
    moved = 0
    for key in ("w-0-0-0", "w-0-1-2", "w-1-0-0", "w-1-3-0"):
        w, lr, gradient, after = numbers(equation(page, key))
        assert lr == 0.1 and abs(w - lr * gradient - after) < 2 * ROUNDING
        moved += gradient != 0 and (after - w) * gradient < 0
    assert moved >= 2
    assert numbers(page.text_content(sel("backprop-edge-1-0-0")))[0] == numbers(equation(page, "w-1-0-0"))[-1]


def test_sigmoid_slopes_are_at_most_a_quarter(page: Any, server: str) -> None:
    open_lesson(page, server)
    page.select_option(sel("activation"), "sigmoid")
    # The new network starts the walk again from the first point.
    page.wait_for_function("() => document.querySelector(\"[data-testid='backprop-point']\").value === '0'")
    page.wait_for_selector(f"{sel('backprop-forward')}:enabled")
    forward(page, 1)
    assert "sigmoid(" in equation(page, "a-0-0")
    forward(page, 4)
    for j in range(4):
        text = equation(page, f"dz-0-{j}")
        dL_da, slope, dL_dz = numbers(text)
        assert 0 < slope <= 0.25 and abs(dL_dz) <= abs(dL_da) / 4 + ROUNDING
