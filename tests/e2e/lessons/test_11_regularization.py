"""Lesson 11, regularization and early stopping: its "try" lines performed on the page."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import open_playground, sel

WAIT = 90_000  # ms: the machine may be busy


def test_try_3_restore_best_goes_back_to_the_lowest_validation_loss(page: Any, server: str) -> None:
    open_playground(page, f"{server}/lessons/regularization")
    page.select_option(sel("speed"), "max")
    page.click(sel("play"))
    # The validation loss has turned up once Restore best offers an earlier epoch; train on past it.
    page.wait_for_selector(f"{sel('restore-best')}:not([hidden])", timeout=WAIT)
    page.wait_for_function(f'() => Number(document.querySelector("{sel("epoch")}").textContent) >= 100', timeout=WAIT)
    page.click(sel("pause"))
    page.wait_for_selector(f"{sel('play')}:not(.active)", timeout=WAIT)
    found = re.fullmatch(r"Lowest validation loss ([\d.]+) at epoch (\d+)", str(page.text_content(sel("best-epoch"))))
    assert found is not None, page.text_content(sel("best-epoch"))
    lowest, best = float(found.group(1)), found.group(2)
    assert float(str(page.text_content(sel("validation-loss")))) > lowest
    page.click(sel("restore-best"))
    page.wait_for_function(f"() => document.querySelector(\"{sel('epoch')}\").textContent === '{best}'", timeout=WAIT)
    assert float(str(page.text_content(sel("validation-loss")))) == lowest
    assert "the lowest validation loss" in str(page.text_content(sel("status")))
