"""Lesson 6, too small crawls, too large diverges: each "try" line, done on the page as a student would."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import sel
from tests.e2e.lessons.charts import COMPARISON_TRAIN, THIS_TRAIN, open_at_speed, play_to, rises, trace
from tests.e2e.test_compare import set_change


def test_a_large_rate_jumps_around_above_a_careful_one(page: Any, server: str) -> None:
    open_at_speed(page, server, "learning-rate", compare=True)
    assert "optimizer learning_rate = 3" in (page.text_content(sel("compare-summary")) or "")
    play_to(page, 20, compare=True)
    _, careful = trace(page, "compare-curves", THIS_TRAIN)
    _, large = trace(page, "compare-curves", COMPARISON_TRAIN)
    assert rises(large[:20]) >= 3
    assert min(large[:20]) > min(careful[:20]) and max(large[:20]) > max(careful[:20])


def test_rate_ten_diverges_and_says_so(page: Any, server: str) -> None:
    open_at_speed(page, server, "learning-rate", compare=True)
    set_change(page, "optimizer.learning_rate", "10")
    page.wait_for_selector(f"{sel('compare-summary')}:has-text('learning_rate = 10')")
    page.click(sel("play"))
    page.wait_for_selector(f"{sel('compare-metrics')}:has-text('(diverged)')", timeout=90_000)


def train_at(page: Any, rate: str) -> tuple[float, list[float]]:
    """Pick a rate for this run, start over and play 20 epochs: the loss it started at, then its curve."""
    page.select_option(sel("learning-rate"), rate)
    page.wait_for_function(f"() => window.playground.config.optimizer.learning_rate === {rate}")
    page.click(sel("reset"))
    page.wait_for_function("() => window.playground.latest.state.epoch === 0")
    started = float(page.text_content(sel("train-loss")) or "nan")
    play_to(page, 20)
    _, loss = trace(page, "loss-chart", 0)
    return started, loss[:20]


def test_the_largest_rate_that_still_trains(page: Any, server: str) -> None:
    open_at_speed(page, server, "learning-rate", compare=True)
    started, loss = train_at(page, "1")
    assert loss[-1] < started and max(loss) < started * 1.1
    started, loss = train_at(page, "3")
    assert max(loss) > started * 1.5
