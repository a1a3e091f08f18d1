"""Lesson 16, early stopping: each "try" line performed on the page as a student would."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import open_playground, sel

WAIT = 90_000  # ms: the machine may be busy


def text(page: Any, name: str) -> str:
    return str(page.text_content(sel(name)))


def number(page: Any, name: str) -> float:
    return float(text(page, name))


def status_says(page: Any, fragment: str) -> None:
    page.wait_for_function(
        f'() => document.querySelector("{sel("status")}").textContent.includes({fragment!r})', timeout=WAIT
    )


def play_until_stopped(page: Any, server: str) -> int:
    """Open the lesson and press Play; returns the epoch early stopping went back to."""
    open_playground(page, f"{server}/lessons/early-stopping")
    page.click(sel("play"))
    status_says(page, "early stopping")
    page.wait_for_selector(f"{sel('play')}:not(.active)", timeout=WAIT)
    found = re.search(r"restored epoch (\d+)", text(page, "status"))
    assert found is not None, text(page, "status")
    return int(found.group(1))


def play_on_without_early_stopping(page: Any, server: str) -> tuple[int, float, float]:
    """Stop early, then switch early stopping off and train well past that epoch.
    Returns the restored epoch and its validation and training losses as the page showed them."""
    stopped = play_until_stopped(page, server)
    validation, train = number(page, "validation-loss"), number(page, "train-loss")
    if not page.is_visible(sel("early-stopping")):
        page.click(sel("toggle-data"))
    page.uncheck(sel("early-stopping"))
    page.wait_for_function("() => window.playground.config.early_stopping === null", timeout=WAIT)
    # At 50 epochs a second the pause lands within a few epochs of the mark, busy machine or not: far past
    # it, Adam's training loss spikes now and then.
    page.select_option(sel("speed"), "50")
    page.click(sel("play"))
    page.wait_for_function(
        f'() => Number(document.querySelector("{sel("epoch")}").textContent) >= {stopped + 60}', timeout=WAIT
    )
    page.click(sel("pause"))
    page.wait_for_selector(f"{sel('play')}:not(.active)", timeout=WAIT)
    return stopped, validation, train


def test_try_1_training_stops_by_itself_at_the_epoch_it_names(page: Any, server: str) -> None:
    stopped = play_until_stopped(page, server)
    assert text(page, "epoch") == str(stopped)
    assert "validation loss has not improved for 20 epochs" in text(page, "status")
    assert number(page, "validation-loss") > 0.0 and page.is_visible(sel("validation-loss"))


def test_try_2_without_early_stopping_validation_loss_climbs_as_training_loss_falls(page: Any, server: str) -> None:
    stopped, validation, train = play_on_without_early_stopping(page, server)
    assert int(text(page, "epoch")) >= stopped + 60
    assert number(page, "validation-loss") > validation
    assert number(page, "train-loss") < train


def test_try_3_restore_best_goes_back_to_the_lowest_validation_loss(page: Any, server: str) -> None:
    stopped, validation, _ = play_on_without_early_stopping(page, server)
    best = text(page, "best-epoch")
    assert best == f"Lowest validation loss {validation:.4f} at epoch {stopped}"
    page.click(sel("restore-best"))
    page.wait_for_function(
        f"() => document.querySelector(\"{sel('epoch')}\").textContent === '{stopped}'", timeout=WAIT
    )
    status_says(page, "the lowest validation loss")
    assert number(page, "validation-loss") == float(f"{validation:.4f}")
