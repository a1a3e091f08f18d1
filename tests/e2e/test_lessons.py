"""Every lesson link opens without console errors and shows its view."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
import pytest

from app.training.lessons import LESSONS
from tests.e2e.conftest import open_playground, sel

# What each lesson's view puts on the page once it has rendered.
RENDERED = {
    "network": ".node.hidden, .node.output",
    "landscape": "[data-testid='landscape-plot'] .contour",
    "gradcheck": "[data-testid='gradcheck-table']",
    "health": "[data-testid='health-norms'] .scatterlayer .trace",
    "collapse": "[data-testid='collapse-matrix']",
    "compare": "[data-testid='compare-boundary'] .main-svg",
    "rewind": "[data-testid='rewind-slider']",
    "code": "[data-testid='code-text']",
    "backprop": "[data-testid='backprop-diagram']",
}


def test_lesson_index_lists_every_lesson(page: Any, server: str) -> None:
    page.goto(f"{server}/lessons")
    for name in LESSONS:
        assert page.locator(f"[data-testid='lesson-{name}'] a").get_attribute("href") == f"/lessons/{name}"


@pytest.mark.parametrize("name", list(LESSONS))
def test_lesson_opens_with_its_view(page: Any, server: str, name: str) -> None:
    lesson = LESSONS[name]
    open_playground(page, f"{server}/lessons/{name}")
    assert page.text_content(sel("lesson-title")) == lesson.title
    assert page.locator(f"{sel('lesson-try')} li").count() == len(lesson.try_)
    page.wait_for_selector(RENDERED[lesson.view])
    config = page.evaluate("() => window.playground.config")
    assert config["hidden_layers"] == lesson.resolved().hidden_layers
    assert config["dataset"]["name"] == lesson.resolved().dataset.name
    page.click(sel("step-epoch"))
    page.wait_for_function("() => window.playground.latest.state.epoch === 1")
    assert f"/lessons/{name}" in page.url


@pytest.mark.parametrize(
    "view", ["landscape", "gradcheck", "health", "collapse", "compare", "rewind", "code", "backprop"]
)
def test_every_view_renders_from_its_tab(page: Any, server: str, view: str) -> None:
    open_playground(page, f"{server}/?activation=linear&hidden=3")
    page.click(sel(f"view-{view}"))
    page.wait_for_selector(RENDERED[view])
    page.click(sel("view-network"))
    assert page.is_visible(sel("network"))


def test_compare_runs_side_by_side(page: Any, server: str) -> None:
    open_playground(page, f"{server}/lessons/minibatches")
    page.wait_for_selector(RENDERED["compare"])
    # The second run's stream is open once its first frame is shown: only then does a step reach it.
    page.wait_for_selector(f"{sel('compare-metrics')}:has-text('Epoch 0')")
    page.click(sel("step-epoch"))
    page.wait_for_function(
        "() => document.querySelector(\"[data-testid='compare-metrics']\").textContent.startsWith('Epoch 1')"
    )
    assert "batch_size = 500" in page.text_content(sel("compare-summary"))


def test_rewind_scrubs_and_branches(page: Any, server: str) -> None:
    open_playground(page, f"{server}/?dataset=xor&hidden=4&lr=0.1")
    for _ in range(6):
        page.click(sel("step-epoch"))
    page.wait_for_function("() => window.playground.latest.state.epoch === 6")
    page.click(sel("view-rewind"))
    page.wait_for_function("() => document.querySelector(\"[data-testid='rewind-slider']\")?.max === '6'")
    live = page.evaluate("() => window.playground.boundary.source")
    page.fill(sel("rewind-slider"), "0")
    page.wait_for_function("() => window.playground.scrubbing")
    page.wait_for_function(f"() => window.playground.boundary.source !== {live!r}")
    page.fill(sel("rewind-slider"), "2")
    page.click(sel("rewind-branch"))
    page.wait_for_function("() => window.playground.latest.state.epoch === 2")
    assert not page.evaluate("() => window.playground.scrubbing")


def test_presenter_link_follows_live_and_read_only(page: Any, server: str, browser: Any) -> None:
    open_playground(page, f"{server}/?dataset=circle")
    page.click(sel("present"))
    page.wait_for_function("() => document.querySelector(\"[data-testid='share-url']\").value.includes('/watch/')")
    url = page.input_value(sel("share-url"))
    student = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    student.on("pageerror", lambda e: errors.append(str(e)))
    student.goto(url)
    student.wait_for_function("() => window.playground && window.playground.drawn")
    assert not student.is_visible(sel("play")) and not student.is_visible(sel("activation"))
    assert "Watching" in student.text_content(sel("status"))
    page.click(sel("step-epoch"))
    page.click(sel("step-epoch"))
    student.wait_for_function("() => window.playground.latest.state.epoch === 2")
    page.select_option(sel("activation"), "relu")
    student.wait_for_function("() => window.playground.config.activation === 'relu'")
    student.close()
    assert errors == []


def test_restore_best_after_overfitting(page: Any, server: str) -> None:
    open_playground(page, f"{server}/lessons/regularization")
    page.click(sel("view-network"))
    page.select_option(sel("speed"), "max")
    page.click(sel("play"))
    page.wait_for_function("() => window.playground.latest.state.epoch >= 150", timeout=60_000)
    page.click(sel("pause"))
    page.wait_for_selector(f"{sel('restore-best')}:not([hidden])")
    best = page.evaluate("() => window.playground.latest.state.best_epoch")
    page.click(sel("restore-best"))
    page.wait_for_function(f"() => window.playground.latest.state.epoch === {best}")
    sid = page.evaluate("() => window.playground.sessionId")
    assert httpx.get(f"{server}/api/sessions/{sid}").json()["state"]["epoch"] == best
