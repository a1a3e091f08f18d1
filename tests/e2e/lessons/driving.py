"""What a student does on a lesson's page, as the lesson tests do it: open it, play, pause, read."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import open_playground, sel

# Training waits are generous: the machine running the tests may be busy.
TRAINING = 90_000
EPOCH = "Number(document.querySelector(\"[data-testid='epoch']\").textContent)"
TEST_ACCURACY = "parseFloat(document.querySelector(\"[data-testid='test-accuracy']\").textContent)"


def open_lesson(page: Any, server: str, name: str) -> Any:
    """The lesson's page, its first frame shown, set to train as fast as it can."""
    open_playground(page, f"{server}/lessons/{name}")
    page.select_option(sel("speed"), "max")
    return page


def wait_config(page: Any, predicate_js: str) -> None:
    """Until the session's config (``c``) satisfies the predicate: a change has landed."""
    page.wait_for_function(f"() => {{ const c = window.playground.config; return {predicate_js}; }}")


def play_until(page: Any, condition_js: str) -> None:
    """Press Play, wait for the condition (a JS expression), press Pause."""
    page.click(sel("play"))
    page.wait_for_function(f"() => {condition_js}", timeout=TRAINING)
    page.click(sel("pause"))
    page.wait_for_function("() => document.querySelector(\"[data-testid='status']\").textContent.includes('Paused')")


def play_epochs(page: Any, epochs: int) -> None:
    play_until(page, f"{EPOCH} >= {epochs}")


def accuracy(page: Any) -> float:
    """The test accuracy the page shows, in percent."""
    return float(page.text_content(sel("test-accuracy")).rstrip("%"))


def boundary_image(page: Any) -> str:
    return str(page.evaluate("() => window.playground.boundary.source"))


# The health view's note: how many times the first layer's gradient the output layer's is (NaN if not said).
HEALTH_RATIO = (
    "Number((/gradient is ([0-9.e+]+)× the first/.exec("
    "document.querySelector(\"[data-testid='health-note']\")?.textContent ?? '') ?? [])[1])"
)
HEALTH_NOTE = "(document.querySelector(\"[data-testid='health-note']\")?.textContent ?? '')"


def health_ratio(page: Any) -> float:
    note = page.text_content(sel("health-note"))
    found = re.search(r"gradient is ([0-9.e+]+)× the first", note)
    assert found, note
    return float(found.group(1))


def unit_shares(page: Any) -> list[float]:
    """The health view's bars: per hidden layer, the percentage of dead (or saturated) units."""
    return [float(y) for y in page.evaluate("() => document.querySelector(\"[data-testid='health-units']\").data[0].y")]
