"""Lesson 9, checking gradients by finite differences: each "what to try" line, done as a student would."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import open_playground, sel

WAIT = 90_000  # a loaded machine; these waits end as soon as the page is ready
GOOD = 1e-6


def open_lesson(page: Any, server: str) -> Any:
    """The lesson's page with its first gradient check on screen."""
    page.set_default_timeout(WAIT)
    open_playground(page, f"{server}/lessons/gradient-check")
    page.wait_for_selector(sel("gradcheck-table"))
    return page


def check_again(page: Any) -> None:
    """Press the view's button and wait for the new table."""
    old = page.query_selector(sel("gradcheck-table"))
    page.click(sel("run-gradcheck"))
    if old is not None:
        page.wait_for_function("table => !table.isConnected", arg=old)
    page.wait_for_selector(sel("gradcheck-table"))


def layer_errors(page: Any) -> list[float]:
    cells = page.locator(f"{sel('gradcheck-table')} [data-testid^='gradcheck-error-']")
    return [float(cells.nth(k).text_content()) for k in range(cells.count())]


def kink_rows(page: Any) -> list[str]:
    return page.locator(f"{sel('gradcheck-kink-rows')} tbody tr.kink").all_text_contents()


def configured(page: Any, condition: str) -> None:
    """Wait until the session runs with the new settings (``condition`` on its config)."""
    page.wait_for_function(f"() => (config => {condition})(window.playground.config)")


def train_epochs(page: Any, epochs: int) -> None:
    start = page.evaluate("() => window.playground.latest.state.epoch")
    page.click(sel("play"))
    page.wait_for_function(f"() => window.playground.latest.state.epoch >= {start + epochs}")
    page.click(sel("pause"))


def test_check_before_and_after_training(page: Any, server: str) -> None:
    open_lesson(page, server)
    before = layer_errors(page)
    assert len(before) == 3 and all(e < GOOD for e in before)
    for _ in range(3):
        page.click(sel("step-epoch"))
    page.wait_for_function("() => window.playground.latest.state.epoch === 3")
    check_again(page)
    after = layer_errors(page)
    assert len(after) == 3 and all(e < GOOD for e in after) and after != before
    assert page.locator(f"{sel('gradcheck-table')} td.good").count() == 3


def test_relu_kinks_are_listed_apart_with_the_reason(page: Any, server: str) -> None:
    open_lesson(page, server)
    assert kink_rows(page) == []
    page.select_option(sel("activation"), "relu")
    configured(page, "config.activation === 'relu'")
    check_again(page)
    rows = kink_rows(page)
    assert rows and all("crosses ReLU's kink at 0: the finite difference straddles it" in row for row in rows)
    assert sum(int(page.text_content(sel(f"gradcheck-kinks-{k}"))) for k in range(3)) == len(rows)
    assert all(e < GOOD for e in layer_errors(page))
    assert page.locator(f"{sel('gradcheck-table')} td.good").count() == 3


def test_l1_weights_within_epsilon_of_zero_are_listed_apart(page: Any, server: str) -> None:
    open_lesson(page, server)
    page.select_option(sel("regularization"), "l1")
    configured(page, "config.regularization.kind === 'l1'")
    # 50 epochs a second: a check lands within a few epochs of where it is asked for, busy machine or not.
    page.select_option(sel("speed"), "50")
    train_epochs(page, 40)
    rows: list[str] = []
    for _ in range(40):  # L1 keeps weights jittering about 0: now and then one sits within ε of it
        train_epochs(page, 10)
        check_again(page)
        assert all(e < GOOD for e in layer_errors(page))
        rows = kink_rows(page)
        if rows:
            break
    assert rows and all("crosses L1's kink at w = 0" in row and row.startswith("layer") for row in rows)
    assert all(" W[" in row for row in rows)


def test_add_a_layer_and_every_layer_is_checked(page: Any, server: str) -> None:
    open_lesson(page, server)
    page.click(sel("add-layer"))
    configured(page, "config.hidden_layers.length === 3")
    check_again(page)
    table = page.locator(f"{sel('gradcheck-table')} tbody tr")
    assert table.count() == 4
    assert table.nth(3).locator("td").first.text_content() == "layer 3 (output)"
    assert len(layer_errors(page)) == 4 and all(e < GOOD for e in layer_errors(page))
