"""Lesson 5, gradient descent on a loss landscape: each "what to try" line, done as a student would."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import open_playground, sel

WAIT = 90_000  # a loaded machine; these waits end as soon as the page is ready


def open_lesson(page: Any, server: str) -> Any:
    """The lesson's page with the landscape drawn at the lesson's rate."""
    page.set_default_timeout(WAIT)
    open_playground(page, f"{server}/lessons/gradient-descent")
    page.wait_for_selector(f"{sel('landscape-plot')} .contour")
    page.wait_for_function("() => document.querySelector(\"[data-testid='landscape-rate']\").textContent === '0.1'")
    page.wait_for_selector(f"{sel('landscape-note')}:has-text('Start (b, w)')")
    return page


def start_shown(page: Any) -> tuple[float, float]:
    found = re.search(r"Start \(b, w\) = \((-?[\d.]+), (-?[\d.]+)\)", page.text_content(sel("landscape-note")))
    assert found, page.text_content(sel("landscape-note"))
    return float(found[1]), float(found[2])


def switch_to_linear(page: Any) -> None:
    page.select_option(sel("landscape-mode"), "linear")
    page.wait_for_selector(f"{sel('landscape-minimum')}:has-text('marked minimum')")


def set_rate(page: Any, rate: str) -> None:
    """Pick a rate in the top bar and wait for the landscape to be drawn with it."""
    page.select_option(sel("learning-rate"), rate)
    page.wait_for_function(f"() => document.querySelector(\"[data-testid='landscape-rate']\").textContent === '{rate}'")


def test_click_the_surface_to_start_elsewhere(page: Any, server: str) -> None:
    open_lesson(page, server)
    assert start_shown(page) == (-4.0, -3.0)
    box = page.locator(f"{sel('landscape-plot')} .nsewdrag").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2)
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2)
    page.wait_for_function(
        "() => !document.querySelector(\"[data-testid='landscape-note']\").textContent"
        ".includes('Start (b, w) = (-4.00, -3.00)')"
    )
    b, w = start_shown(page)
    assert b > 2 and w > 3  # the upper right of b in [-6, 6], w in [-5, 7]
    path = page.evaluate("() => document.querySelector(\"[data-testid='landscape-plot']\").data[1]")
    assert (round(path["x"][0], 2), round(path["y"][0], 2)) == (b, w)


def test_linear_regression_reaches_the_marked_minimum(page: Any, server: str) -> None:
    open_lesson(page, server)
    switch_to_linear(page)
    gap = re.search(r"ends (\S+) away", page.text_content(sel("landscape-minimum")))
    assert gap and float(gap[1]) < 1e-3
    assert "Converging" in page.text_content(sel("landscape-verdict"))
    assert page.evaluate("() => document.querySelector(\"[data-testid='landscape-plot']\").data.length") == 3


def test_raise_the_rate_until_it_zig_zags_then_flies_off(page: Any, server: str) -> None:
    open_lesson(page, server)
    switch_to_linear(page)
    assert "zig-zags" not in page.text_content(sel("landscape-note"))
    set_rate(page, "0.3")
    turns = re.search(r"zig-zags: (\d+) of its (\d+) steps", page.text_content(sel("landscape-note")))
    assert turns and int(turns[1]) > 10
    set_rate(page, "1")
    verdict = page.text_content(sel("landscape-verdict"))
    assert verdict.startswith("Diverged: the loss grew past") and "2/λmax = 0.386" in verdict
    # The axes stay on the surface: b in [-6, 6] and w in [-5, 7], however far the path flew.
    ranges = page.evaluate(
        "() => { const l = document.querySelector(\"[data-testid='landscape-plot']\")._fullLayout;"
        " return [l.xaxis.range, l.yaxis.range]; }"
    )
    assert ranges == [[-6, 6], [-5, 7]]
