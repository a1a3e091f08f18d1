"""States the page must handle: touch taps on the plot, rewinding, a saved run's view,
a presenter who left and a session that has gone."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx

from tests.e2e.conftest import Console, open_playground, save_artifact, sel
from tests.e2e.test_screens import PHONE
from tests.processes import ServerProcess

POINTS = "window.playground.data.train.points.length + window.playground.data.test.points.length"


def point_count(page: Any) -> int:
    return int(page.evaluate(f"() => {POINTS}"))


def tap_plot(page: Any) -> None:
    """A finger on the plot, a third of the way in from its top left corner, wherever the page has scrolled."""
    plot = page.locator(f"{sel('boundary')} .nsewdrag")
    plot.scroll_into_view_if_needed()
    area = plot.bounding_box()
    page.touchscreen.tap(area["x"] + area["width"] * 0.3, area["y"] + area["height"] * 0.3)


def test_touch_tap_adds_a_point_only_in_draw_mode(browser_context: Any, server: str) -> None:
    page = open_playground(browser_context(PHONE, has_touch=True, is_mobile=True), f"{server}/?dataset=xor&samples=100")
    page.wait_for_function("() => window.playground.boundary.ready && window.playground.data")
    before = point_count(page)
    tap_plot(page)
    page.wait_for_selector(f"{sel('status')}:has-text('Draw on plot')")
    assert point_count(page) == before
    assert page.evaluate("() => window.playground.config.dataset.name") == "xor"
    page.tap(sel("draw-mode"))
    assert page.get_attribute(sel("draw-mode"), "aria-pressed") == "true"
    tap_plot(page)
    page.wait_for_function("() => window.playground.config.dataset.name === 'custom'")
    page.wait_for_function(f"() => window.playground.config.dataset.samples === {before + 1}")
    page.wait_for_function(f"() => {POINTS} === {before + 1}")


def test_rewind_shows_the_checkpoint_in_the_header(page: Any, server: str) -> None:
    open_playground(page, f"{server}/?dataset=xor&hidden=4&lr=0.1")
    for epoch in range(1, 7):
        page.click(sel("step-epoch"))
        page.wait_for_selector(f"{sel('epoch')}:text-is('{epoch}')")
    live = page.text_content(sel("train-loss"))
    page.click(sel("view-rewind"))
    page.wait_for_selector(f"{sel('rewind-end')}:has-text('epoch 6')")
    assert page.text_content(sel("rewind-start")) == "epoch 0"
    assert page.text_content(sel("rewind-current")) == "epoch 6"
    assert page.locator(sel("rewind-slider")).bounding_box()["width"] >= 300
    page.fill(sel("rewind-slider"), "2")
    page.wait_for_selector(f"{sel('epoch')}:text-is('2')")
    assert page.text_content(sel("rewind-current")) == "epoch 2"
    assert "Rewound" in page.text_content(sel("epoch-caption"))
    sid = page.evaluate("() => window.playground.sessionId")
    checkpoint = httpx.get(f"{server}/api/sessions/{sid}/checkpoints/2").json()
    assert page.text_content(sel("train-loss")) == f"{checkpoint['metrics']['train_loss']:.4f}" != live
    assert "epoch 6" in page.text_content(sel("status"))
    save_artifact(page, "rewind-1280x800.png")
    page.click(sel("rewind-live"))
    page.wait_for_selector(f"{sel('epoch')}:text-is('6')")
    assert page.text_content(sel("train-loss")) == live
    assert page.text_content(sel("epoch-caption")) == "Epoch"


def test_saved_run_reopens_its_view_and_title(page: Any, server: str, browser: Any) -> None:
    open_playground(page, f"{server}/?dataset=xor&hidden=4")
    page.check(sel("palette"))
    page.check(sel("discretize"))
    page.select_option(sel("speed"), "50")
    page.click(sel("step-epoch"))
    page.wait_for_selector(f"{sel('epoch')}:text-is('1')")
    page.click(sel("save-run"))
    page.wait_for_function("() => document.querySelector(\"[data-testid='share-url']\").value.includes('/r/')")
    url = page.input_value(sel("share-url"))
    title = "xor, 4 tanh, epoch 1"
    other = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        other.goto(url)
        other.wait_for_selector(f"{sel('status')}:has-text('{title}')")
        other.wait_for_function("() => window.playground.drawn")
        assert other.is_checked(sel("palette")) and other.is_checked(sel("discretize"))
        assert other.input_value(sel("speed")) == "50"
        assert other.title().startswith(title)
        assert "/r/" in other.url and "palette=safe" in other.url
    finally:
        other.close()


def test_students_see_a_plain_sentence_and_the_presenter_leaving(page: Any, server: str, browser: Any) -> None:
    open_playground(page, f"{server}/?dataset=circle")
    page.click(sel("step-epoch"))
    page.wait_for_selector(f"{sel('epoch')}:text-is('1')")
    page.click(sel("present"))
    page.wait_for_function("() => document.querySelector(\"[data-testid='share-url']\").value.includes('/watch/')")
    url = page.input_value(sel("share-url"))
    student = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        student.goto(url)
        student.wait_for_function("() => window.playground.drawn && window.playground.boundary.source")
        student.wait_for_selector(f"{sel('epoch')}:text-is('1')")
        student.keyboard.press("Space")
        assert student.text_content(sel("status")).startswith("Only the presenter can play")
        picture = student.evaluate("() => window.playground.boundary.source")
        page.close()
        student.wait_for_selector(f"{sel('status')}:has-text('The presenter has left')")
        assert student.evaluate("() => window.playground.boundary.source") == picture
        assert student.text_content(sel("epoch")) == "1"
    finally:
        student.close()


def test_a_session_that_has_gone_offers_to_start_again(
    page: Any, server_process: ServerProcess, console: Console
) -> None:
    server = server_process.url
    console.expect("status of 404")  # the change made after the session went
    open_playground(page, f"{server}/?dataset=spiral&hidden=5,3")
    page.click(sel("step-epoch"))
    page.wait_for_selector(f"{sel('epoch')}:text-is('1')")
    sid = page.evaluate("() => window.playground.sessionId")
    log = server_process.log
    assert log is not None
    logged = log.stat().st_size
    assert httpx.delete(f"{server}/api/sessions/{sid}").status_code == 204
    page.wait_for_selector(f"{sel('start-again')}:visible")
    assert "session not found" not in page.text_content(sel("status"))
    assert "has ended" in page.text_content(sel("status"))
    page.select_option(sel("activation"), "relu")  # a request the server can only answer 404
    page.wait_for_selector(f"{sel('status')}:has-text('has ended')")
    with log.open() as lines:
        lines.seek(logged)
        said = lines.read()
    assert "Traceback" not in said and "Exception" not in said and "ERROR" not in said, said
    page.click(sel("start-again"))
    page.wait_for_function(f"() => window.playground.drawn && window.playground.sessionId !== {sid!r}")
    config = page.evaluate("() => window.playground.config")
    assert config["dataset"]["name"] == "spiral" and config["hidden_layers"] == [5, 3]
    assert page.is_hidden(sel("start-again"))
