"""The Compare view as the lessons use it: Set, the two runs in step, and curves that keep up."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx

from app.training.lessons import LESSONS
from tests.e2e.conftest import open_playground, sel

# The epoch the comparison run last showed, read from its metrics line ("Epoch 12: ...").
COMPARE_EPOCH = (
    "() => Number(((document.querySelector(\"[data-testid='compare-metrics']\")?.textContent ?? '')"
    ".match(/^Epoch (\\d+)/) || [])[1] ?? -1)"
)
MAIN_EPOCH = "() => window.playground.latest.state.epoch"


def open_lesson(page: Any, server: str, name: str) -> None:
    open_playground(page, f"{server}/lessons/{name}")
    # The comparison run's stream is open once its first frame is shown: only then do commands reach it.
    page.wait_for_function(f"() => ({COMPARE_EPOCH})() === 0")


def compare_config(page: Any, server: str) -> dict[str, Any]:
    sid = page.evaluate("() => window.playground.views.views.compare.sessionId")
    config: dict[str, Any] = httpx.get(f"{server}/api/sessions/{sid}").json()["config"]
    return config


def set_change(page: Any, field: str, value: str) -> None:
    page.select_option(sel("compare-field"), field)
    page.select_option(sel("compare-value"), value)
    page.click(sel("compare-apply"))


def both_at(page: Any, epoch: int) -> None:
    page.wait_for_function(f"() => ({MAIN_EPOCH})() === {epoch} && ({COMPARE_EPOCH})() === {epoch}")


def test_set_keeps_the_lessons_other_settings(page: Any, server: str) -> None:
    open_lesson(page, server, "regularization")
    lesson_rate = LESSONS["regularization"].compare["regularization"]["rate"]  # type: ignore[index]
    assert compare_config(page, server)["regularization"] == {"kind": "l2", "rate": lesson_rate}
    set_change(page, "regularization.kind", "l1")
    page.wait_for_selector(f"{sel('compare-summary')}:has-text('regularization kind = l1')")
    config = compare_config(page, server)
    assert config["regularization"] == {"kind": "l1", "rate": lesson_rate}
    main = page.evaluate("() => window.playground.config")
    assert {k: v for k, v in config.items() if k != "regularization"} == {
        k: v for k, v in main.items() if k != "regularization"
    }


def test_a_penalty_without_a_rate_gets_one(page: Any, server: str) -> None:
    open_lesson(page, server, "minibatches")
    set_change(page, "regularization.kind", "l2")
    page.wait_for_selector(f"{sel('compare-summary')}:has-text('regularization kind = l2')")
    config = compare_config(page, server)
    assert config["regularization"]["kind"] == "l2" and config["regularization"]["rate"] > 0
    assert config["batch_size"] == page.evaluate("() => window.playground.config.batch_size")


def test_set_restarts_both_runs_together(page: Any, server: str) -> None:
    open_lesson(page, server, "regularization")
    for _ in range(3):
        page.click(sel("step-epoch"))
    both_at(page, 3)
    set_change(page, "regularization.kind", "l1")
    both_at(page, 0)
    page.click(sel("step-epoch"))
    both_at(page, 1)


def test_curves_keep_up_while_playing(page: Any, server: str) -> None:
    open_lesson(page, server, "regularization")
    page.click(sel("play"))
    page.wait_for_function(f"() => ({MAIN_EPOCH})() >= 40 && ({COMPARE_EPOCH})() >= 40", timeout=90_000)
    page.click(sel("pause"))
    # Once paused, the chart catches up with both runs: one point per epoch, the x-axis out to the last.
    page.wait_for_function(
        f"""() => {{
            const plot = document.querySelector("[data-testid='compare-curves']");
            if (!plot || !plot.data || !plot._fullLayout) return false;
            const epochs = [({MAIN_EPOCH})(), ({MAIN_EPOCH})(), ({COMPARE_EPOCH})(), ({COMPARE_EPOCH})()];
            const longEnough = plot.data.every((trace, i) => trace.x.length >= epochs[i]);
            return plot.data.length === 4 && longEnough && plot._fullLayout.xaxis.range[1] >= Math.max(...epochs);
        }}"""
    )
    points = page.evaluate("() => document.querySelector(\"[data-testid='compare-curves']\").data.map((t) => t.x)")
    for x in points:
        assert x == sorted(set(x)), "one point per epoch, in order"


def test_summary_names_the_runs_by_what_they_are(page: Any, server: str) -> None:
    open_lesson(page, server, "minibatches")
    summary = page.text_content(sel("compare-summary")) or ""
    assert "The big view shows this run" in summary and "comparison run" in summary
    assert "left" not in summary.lower() and "right" not in summary.lower()
    for lesson in LESSONS.values():
        for line in [lesson.text, *lesson.try_]:
            assert "(left)" not in line and "(right)" not in line
