"""Compare offers only what applies to the data, and drops a change the data no longer allows."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import sel
from tests.e2e.lessons.student import SLOW, open_lesson, set_number

METRICS = "(document.querySelector(\"[data-testid='compare-metrics']\")?.textContent ?? '')"


def test_hinge_goes_when_the_data_gets_a_third_class(page: Any, server: str) -> None:
    open_lesson(page, server, "losses")
    page.wait_for_function(f"() => {METRICS}.startsWith('Epoch')", timeout=SLOW)
    set_number(page, "classes", 2)
    page.wait_for_selector(f"{sel('compare-value')} option[value='hinge']", state="attached")
    page.select_option(sel("compare-field"), "loss")
    page.select_option(sel("compare-value"), "hinge")
    page.click(sel("compare-apply"))
    page.wait_for_selector(f"{sel('compare-summary')}:has-text('loss = hinge')")
    set_number(page, "classes", 3)
    page.wait_for_selector(f"{sel('compare-summary')}:has-text('nothing changed')")
    assert "now uses this run's loss" in (page.text_content(sel("compare-hint")) or "")
    assert page.locator(f"{sel('compare-value')} option[value='hinge']").count() == 0
    # The comparison run still runs, on the three classes.
    page.click(sel("step-epoch"))
    page.wait_for_function(f"() => {METRICS}.startsWith('Epoch 1')", timeout=SLOW)
