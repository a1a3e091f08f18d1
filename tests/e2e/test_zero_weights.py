"""The network view counts the weights that are exactly 0, and draws no line for them."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import open_playground, sel
from tests.e2e.lessons.charts import drawn_links, play_to

NOISY_CIRCLE = "dataset=circle&noise=0.6&samples=200&hidden=16,16&optimizer=adam&lr=0.01"


def test_l1_counts_exact_zeros_and_hides_their_lines(page: Any, server: str) -> None:
    open_playground(page, f"{server}/?{NOISY_CIRCLE}&reg=l1&regrate=0.01")
    count = page.locator(sel("zero-weights"))
    count.wait_for(state="visible")
    assert count.text_content() == "0 of 304 weights are exactly 0"
    page.select_option(sel("speed"), "50")
    play_to(page, 10)
    match = re.fullmatch(r"(\d+) of 304 weights are exactly 0", count.text_content() or "")
    assert match and int(match.group(1)) >= 100
    assert drawn_links(page, "network") == 304 - int(match.group(1))


def test_no_count_without_zeros_or_l1(page: Any, server: str) -> None:
    open_playground(page, f"{server}/?{NOISY_CIRCLE}&reg=l2&regrate=0.01")
    page.click(sel("step-epoch"))
    page.wait_for_function("() => window.playground.latest.state.epoch === 1")
    assert page.locator(sel("zero-weights")).is_hidden()
