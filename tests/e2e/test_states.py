"""States the page must handle: touch taps on the plot, rewinding, a saved run's view,
a presenter who left and a session that has gone."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import open_playground, sel
from tests.e2e.test_screens import PHONE


def point_count(page: Any) -> int:
    data = "window.playground.data"
    return int(page.evaluate(f"() => {data}.train.points.length + {data}.test.points.length"))


def tap_plot(page: Any) -> None:
    """A finger on the plot, a third of the way in from its top left corner, wherever the page has scrolled."""
    plot = page.locator(f"{sel('boundary')} .nsewdrag")
    plot.scroll_into_view_if_needed()
    area = plot.bounding_box()
    page.touchscreen.tap(area["x"] + area["width"] * 0.3, area["y"] + area["height"] * 0.3)


def test_touch_tap_adds_a_point_only_in_draw_mode(browser_context: Any, server: str) -> None:
    page = open_playground(browser_context(PHONE, has_touch=True, is_mobile=True), f"{server}/?dataset=xor&samples=100")
    page.wait_for_function("() => window.playground.boundary.ready && window.playground.data")
    before = point_count(page)
    tap_plot(page)
    page.wait_for_selector(f"{sel('status')}:has-text('Draw on plot')")
    assert point_count(page) == before
    assert page.evaluate("() => window.playground.config.dataset.name") == "xor"
    page.tap(sel("draw-mode"))
    assert page.get_attribute(sel("draw-mode"), "aria-pressed") == "true"
    tap_plot(page)
    page.wait_for_function("() => window.playground.config.dataset.name === 'custom'")
    page.wait_for_function(f"() => window.playground.config.dataset.samples === {before + 1}")
    assert point_count(page) == before + 1
