"""Lesson 4, softmax, cross-entropy and other losses: each "try" line as a student performs it."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import sel
from tests.e2e.lessons.student import SLOW, number, open_lesson, output_units, readout, set_number, train

LESSON = "losses"
# The comparison run's epoch, from its metrics line ("Epoch 12: ...").
COMPARE_EPOCH = (
    "() => Number(((document.querySelector(\"[data-testid='compare-metrics']\")?.textContent ?? '')"
    ".match(/^Epoch (\\d+)/) || [])[1] ?? -1)"
)
CURVES = "document.querySelector(\"[data-testid='compare-curves']\")"


def open_compare(page: Any, server: str) -> None:
    open_lesson(page, server, LESSON)
    # Commands reach the comparison run once its stream shows its first frame.
    page.wait_for_function(f"() => ({COMPARE_EPOCH})() === 0", timeout=SLOW)


def compare_values(page: Any) -> list[str]:
    values: list[str] = page.eval_on_selector_all(f"{sel('compare-value')} option", "(os) => os.map((o) => o.value)")
    return values


def test_cross_entropy_against_squared_error_on_three_blobs(page: Any, server: str) -> None:
    open_compare(page, server)
    assert page.input_value(sel("loss")) == "cross_entropy"
    assert "loss = mse" in (page.text_content(sel("compare-summary")) or "")
    assert output_units(page) == 3
    train(page, 10)
    page.wait_for_function(f"() => ({COMPARE_EPOCH})() >= 10", timeout=SLOW)
    # Different losses are not one scale: the chart compares accuracy, each loss on its own axis, and says why.
    note = page.text_content(sel("compare-note")) or ""
    assert page.is_visible(sel("compare-note")) and "different losses" in note
    page.wait_for_function(f"() => {CURVES}.data?.length === 8 && {CURVES}.data.every((t) => t.x.length >= 10)")
    axes = page.evaluate(f"() => ['yaxis', 'yaxis2', 'yaxis3'].map((a) => {CURVES}._fullLayout[a].title.text)")
    assert axes == ["accuracy", "cross_entropy", "mse"]


def test_hinge_on_two_class_data(page: Any, server: str) -> None:
    open_compare(page, server)
    page.select_option(sel("compare-field"), "loss")
    # On three blobs the menu leaves hinge out, and says why.
    assert "hinge" not in compare_values(page)
    assert "two classes" in (page.text_content(sel("compare-hint")) or "")
    set_number(page, "classes", 2)
    page.wait_for_function("() => window.playground.config.dataset.classes === 2")
    page.wait_for_selector(f"{sel('compare-value')} option[value='hinge']", state="attached")
    assert page.is_hidden(sel("compare-hint"))
    page.select_option(sel("compare-value"), "hinge")
    page.click(sel("compare-apply"))
    page.wait_for_selector(f"{sel('compare-summary')}:has-text('loss = hinge')")
    page.wait_for_function(f"() => ({COMPARE_EPOCH})() === 0", timeout=SLOW)
    train(page, 5)
    page.wait_for_function(f"() => ({COMPARE_EPOCH})() >= 5", timeout=SLOW)
    assert readout(page, "test-accuracy") >= 0.9
    assert "test accuracy" in (page.text_content(sel("compare-metrics")) or "")


def test_cross_entropy_reads_larger_at_the_same_accuracy(page: Any, server: str) -> None:
    open_compare(page, server)
    page.click(sel("toggle-data"))
    page.fill(sel("noise"), "1")
    page.wait_for_function("() => window.playground.config.dataset.noise === 1")
    page.wait_for_function(f"() => ({COMPARE_EPOCH})() === 0", timeout=SLOW)
    train(page, 40)
    page.wait_for_function(f"() => ({COMPARE_EPOCH})() >= 40", timeout=SLOW)
    theirs = page.text_content(sel("compare-metrics")) or ""
    their_loss = number(theirs.split("test loss", 1)[1])
    their_accuracy = number(theirs.split("test accuracy", 1)[1])
    assert abs(readout(page, "test-accuracy") - their_accuracy) <= 0.06
    assert readout(page, "test-loss") > 1.4 * their_loss
