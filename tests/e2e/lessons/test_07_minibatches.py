"""Lesson 7, batch, mini-batch and stochastic descent: each "try" line, done on the page as a student would."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import sel
from tests.e2e.lessons.charts import COMPARISON_TRAIN, THIS_TRAIN, open_at_speed, play_to, rises, trace
from tests.e2e.test_compare import both_at, set_change


def loss_at(page: Any, index: int, epoch: int) -> float:
    epochs, loss = trace(page, "compare-curves", index)
    return loss[epochs.index(epoch)]


def test_both_runs_go_epoch_for_epoch(page: Any, server: str) -> None:
    open_at_speed(page, server, "minibatches", compare=True)
    assert "batch_size = 500" in (page.text_content(sel("compare-summary")) or "")
    assert page.evaluate("() => window.playground.config.batch_size") == 1
    for epoch in (1, 2, 3):
        page.click(sel("step-epoch"))
        both_at(page, epoch)


def test_the_small_batch_is_noisier_but_gets_further(page: Any, server: str) -> None:
    open_at_speed(page, server, "minibatches", compare=True)
    play_to(page, 20, compare=True)
    _, small = trace(page, "compare-curves", THIS_TRAIN)
    _, full = trace(page, "compare-curves", COMPARISON_TRAIN)
    assert rises(small[:20]) >= 1 and rises(full[:20]) == 0
    assert small[19] < full[19]


def test_a_batch_size_in_between_lands_in_between(page: Any, server: str) -> None:
    open_at_speed(page, server, "minibatches", compare=True)
    play_to(page, 10, compare=True)
    full = loss_at(page, COMPARISON_TRAIN, 10)
    set_change(page, "batch_size", "10")
    both_at(page, 0)
    play_to(page, 10, compare=True)
    one, ten = loss_at(page, THIS_TRAIN, 10), loss_at(page, COMPARISON_TRAIN, 10)
    assert one < ten < full
