"""What a student does in a lesson, through the page's own controls, and what the page then shows."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import open_playground, sel

EPOCH = "() => window.playground.latest.state.epoch"
# Training on a machine shared with other test runs can be slow: waits are generous.
SLOW = 90_000


def open_lesson(page: Any, server: str, name: str) -> None:
    open_playground(page, f"{server}/lessons/{name}")


def train(page: Any, epochs: int) -> None:
    """Press Play at full speed, and Pause once the run has trained ``epochs`` more epochs."""
    start = page.evaluate(EPOCH)
    page.select_option(sel("speed"), "max")
    page.click(sel("play"))
    page.wait_for_function(f"() => ({EPOCH})() >= {start + epochs}", timeout=SLOW)
    page.click(sel("pause"))
    page.wait_for_function("() => window.playground.latest.state.status !== 'training'", timeout=SLOW)


def number(text: str) -> float:
    """The first number in a readout ("53.0%", "0.6931", "Epoch 12: train loss 0.1"), percentages as shares."""
    found = re.search(r"-?\d+(?:\.\d+)?(?:e-?\d+)?(%?)", text)
    assert found, f"no number in {text!r}"
    value = float(found.group(0).rstrip("%"))
    return value / 100 if found.group(1) else value


def readout(page: Any, testid: str) -> float:
    return number(page.text_content(sel(testid)) or "")


def set_number(page: Any, testid: str, value: int) -> None:
    """Type a value into a number box and leave it, as a student does."""
    page.fill(sel(testid), str(value))
    page.press(sel(testid), "Tab")


def output_units(page: Any) -> int:
    count: int = page.locator(f"{sel('network')} .node.output").count()
    return count
