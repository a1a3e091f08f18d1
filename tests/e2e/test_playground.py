"""The playground page in a real headless Chromium."""

from __future__ import annotations

import json
from typing import Any

import httpx2 as httpx
import pytest

from tests.e2e.conftest import open_playground, save_artifact, sel


def text(page: Any, name: str) -> str:
    return str(page.text_content(sel(name))).strip()


def number(page: Any, name: str) -> float:
    return float(text(page, name))


def image(page: Any) -> str:
    return str(page.evaluate("() => window.playground.boundary.source"))


def config(page: Any) -> dict[str, Any]:
    return dict(page.evaluate("() => window.playground.config"))


def wait_config(page: Any, predicate_js: str) -> None:
    page.wait_for_function(f"() => {{ const c = window.playground.config; return {predicate_js}; }}")


def test_page_loads_with_every_control(page: Any, server: str) -> None:
    open_playground(page, server)
    for name in [
        "play",
        "pause",
        "step",
        "reset",
        "epoch",
        "train-loss",
        "test-loss",
        "train-accuracy",
        "test-accuracy",
        "boundary",
        "loss-chart",
        "network",
        "status",
        "activation",
        "learning-rate",
        "add-layer",
        "remove-layer",
        "share-link",
    ]:
        assert page.locator(sel(name)).count() == 1, name
    for dataset in [
        "and",
        "or",
        "xor",
        "circle",
        "gaussian",
        "spiral",
        "moons",
        "checkerboard",
        "blobs",
        "plane",
        "bumps",
        "sine",
        "custom",
    ]:
        assert page.locator(sel(f"dataset-{dataset}")).count() == 1, dataset
    assert text(page, "epoch") == "0"
    assert "Ready" in text(page, "status")
    assert image(page).startswith("data:image/png")
    assert page.locator(".node.hidden").count() == 6  # the default [4, 2]


def test_xor_learns_and_pause_stops(page: Any, server: str) -> None:
    open_playground(page, server)
    page.click(sel("dataset-xor"))
    wait_config(page, "c.dataset.name === 'xor'")
    page.click(sel("add-layer"))
    wait_config(page, "c.hidden_layers.length === 3")
    page.select_option(sel("learning-rate"), "0.1")
    wait_config(page, "c.optimizer.learning_rate === 0.1")
    page.select_option(sel("speed"), "max")
    before = image(page)
    page.click(sel("play"))
    page.wait_for_function("() => Number(document.querySelector(\"[data-testid='epoch']\").textContent) >= 20")
    page.wait_for_function(
        "() => Number(document.querySelector(\"[data-testid='train-loss']\").textContent) < 0.1", timeout=60_000
    )
    assert image(page) != before
    # The status line is a polite live region: while the run plays it says so once, and the
    # epoch counter, not the live region, carries the moving numbers.
    assert text(page, "status") == "Training…"
    epoch = int(text(page, "epoch"))
    page.wait_for_function(f"() => Number(document.querySelector(\"[data-testid='epoch']\").textContent) > {epoch}")
    assert text(page, "status") == "Training…"
    save_artifact(page, "playground-training.png")
    page.click(sel("pause"))
    page.wait_for_function("() => document.querySelector(\"[data-testid='status']\").textContent.includes('Paused')")
    stopped = text(page, "epoch")
    page.wait_for_timeout(600)
    assert text(page, "epoch") == stopped
    assert number(page, "test-accuracy".replace("accuracy", "loss")) < 0.2


def test_shared_link_opens_the_same_demo(page: Any, server: str, browser: Any) -> None:
    open_playground(page, server)
    page.click(sel("dataset-spiral"))
    wait_config(page, "c.dataset.name === 'spiral'")
    page.select_option(sel("activation"), "relu")
    wait_config(page, "c.activation === 'relu'")
    page.fill(sel("seed"), "7")
    page.press(sel("seed"), "Enter")
    wait_config(page, "c.seed === 7")
    page.click(sel("share-link"))
    page.wait_for_selector(f"{sel('popover')}:not([hidden])")
    url = page.input_value(sel("share-url"))
    assert "dataset=spiral" in url and "activation=relu" in url and "seed=7" in url
    page.wait_for_function("() => window.playground.dataCurrent")
    data = page.evaluate("() => window.playground.data")
    other = browser.new_page()
    open_playground(other, url)
    other.wait_for_function("() => window.playground.dataCurrent")
    assert config(other) == config(page)
    assert other.evaluate("() => window.playground.data") == data
    assert other.input_value(sel("activation")) == "relu"
    other.close()


def test_saved_run_link_opens_trained_weights(page: Any, server: str, browser: Any) -> None:
    open_playground(page, f"{server}/?dataset=xor&hidden=4&lr=0.1")
    for _ in range(3):
        page.click(sel("step-epoch"))
    page.wait_for_function("() => document.querySelector(\"[data-testid='epoch']\").textContent === '3'")
    page.click(sel("save-run"))
    page.wait_for_function("() => document.querySelector(\"[data-testid='share-url']\").value.includes('/r/')")
    url = page.input_value(sel("share-url"))
    assert "/r/" in url
    sid = page.evaluate("() => window.playground.sessionId")
    expected = httpx.get(f"{server}/api/sessions/{sid}/network").json()["layers"]
    other = browser.new_page()
    open_playground(other, url)
    assert text(other, "epoch") == "3"
    opened = other.evaluate("() => window.playground.sessionId")
    got = httpx.get(f"{server}/api/sessions/{opened}/network").json()["layers"]
    assert [layer["weights"] for layer in got] == [layer["weights"] for layer in expected]
    other.close()


def test_clicking_the_plot_adds_a_point(page: Any, server: str) -> None:
    open_playground(page, f"{server}/?dataset=gaussian&samples=100")
    box = page.locator(sel("boundary")).bounding_box()
    page.click(sel("draw-class-1"))
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    wait_config(page, "c.dataset.name === 'custom' && c.dataset.samples === 101")
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    wait_config(page, "c.dataset.samples === 102")
    labels = config(page)["dataset"]["labels"]
    assert labels[-2:] == [1, 1]
    assert "points=" in page.url  # the drawn points live in the link too


def test_eraser_removes_the_nearest_point(page: Any, server: str) -> None:
    pts = "points=-3,-3,0,3,3,1,-3,3,0,3,-3,1"
    open_playground(page, f"{server}/?dataset=custom&{pts}")
    page.check(sel("eraser"))
    box = page.locator(sel("boundary")).bounding_box()
    full = page.evaluate(
        "() => { const l = document.querySelector(\"[data-testid='boundary']\")._fullLayout;"
        " return [l.xaxis._offset, l.xaxis._length, l.yaxis._offset, l.yaxis._length]; }"
    )
    x = box["x"] + full[0] + full[1] * (3 + 6) / 12
    y = box["y"] + full[2] + full[3] * (6 - 3) / 12
    page.mouse.click(x, y)
    wait_config(page, "c.dataset.samples === 3")
    assert [3.0, 3.0] not in config(page)["dataset"]["points"]


def test_diverging_learning_rate_says_so(page: Any, server: str) -> None:
    open_playground(page, f"{server}/?dataset=spiral")
    page.select_option(sel("learning-rate"), "10")
    wait_config(page, "c.optimizer.learning_rate === 10")
    page.select_option(sel("speed"), "max")
    page.click(sel("play"))
    page.wait_for_function("() => document.querySelector(\"[data-testid='status']\").textContent.includes('diverged')")
    status = text(page, "status")
    assert "smaller learning rate" in status
    assert "NaN" not in page.content()
    assert page.get_attribute(sel("status"), "class").endswith("error")


def test_keyboard_shortcuts(page: Any, server: str) -> None:
    open_playground(page, server)
    page.keyboard.press("s")
    page.wait_for_function("() => window.playground.latest.state.step === 1")
    page.keyboard.press("Space")
    page.wait_for_function("() => window.playground.latest.state.status === 'training'")
    page.keyboard.press("Space")
    page.wait_for_function("() => window.playground.latest.state.status === 'ready'")
    page.keyboard.press("r")
    page.wait_for_function("() => window.playground.latest.state.step === 0")


def test_falls_back_to_polling_without_websockets(page: Any, server: str) -> None:
    page.add_init_script("window.WebSocket = function () { throw new Error('blocked by a proxy'); };")
    open_playground(page, server)
    assert "polling" in text(page, "status")
    page.click(sel("play"))
    page.wait_for_function("() => Number(document.querySelector(\"[data-testid='epoch']\").textContent) >= 3")
    page.click(sel("pause"))


def test_hovering_a_unit_shows_its_map(page: Any, server: str) -> None:
    open_playground(page, server)
    output = image(page)
    page.hover(".node.hidden >> nth=0")
    page.wait_for_function(f"() => window.playground.boundary.source !== {json.dumps(output)}")
    page.mouse.move(5, 5)
    page.wait_for_function(f"() => window.playground.boundary.source === {json.dumps(output)}")


def test_clicking_a_connection_edits_its_weight(page: Any, server: str) -> None:
    open_playground(page, f"{server}/?hidden=2")
    page.locator(".network .link").first.click(force=True)
    editor = page.locator(sel("weight-editor"))
    editor.fill("2.5")
    editor.press("Enter")
    sid = page.evaluate("() => window.playground.sessionId")

    def has_weight() -> bool:
        layers = httpx.get(f"{server}/api/sessions/{sid}/network").json()["layers"]
        return any(2.5 in row for layer in layers for row in layer["weights"])

    for _ in range(50):
        if has_weight():
            break
        page.wait_for_timeout(100)
    assert has_weight()


def test_classroom_flags_hide_controls_and_enlarge_text(page: Any, server: str) -> None:
    open_playground(page, f"{server}/?hide=data,hyper,share&big=1&autoplay=1&speed=5")
    assert not page.is_visible(sel("datasets"))
    assert not page.is_visible(sel("activation"))
    assert not page.is_visible(sel("share-link"))
    assert page.is_visible(sel("boundary"))
    assert page.evaluate("() => document.documentElement.classList.contains('big')")
    page.wait_for_function("() => window.playground.latest.state.status === 'training'")


def test_bad_link_settings_get_a_clear_message(page: Any, server: str, console: Any) -> None:
    console.expect("status of 422")
    open_playground(page, f"{server}/?hidden=8,500&lr=abc")
    status = text(page, "status")
    assert "lr" in status or "hidden_layers" in status
    assert config(page)["hidden_layers"] == [4, 2]


def test_fits_a_laptop_and_a_projector_without_scrolling(browser: Any, server: str) -> None:
    for width, height in [(1280, 800), (1920, 1080)]:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        open_playground(page, server)
        sizes = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        assert sizes[0] <= width and sizes[1] <= height, (width, height, sizes)
        context.close()
    tablet = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    page = tablet.new_page()
    open_playground(page, server)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1024
    page.tap(sel("step"))
    page.wait_for_function("() => window.playground.latest.state.step === 1")
    tablet.close()


def test_first_load_stays_under_one_and_a_half_megabytes(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, float] = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    open_playground(page, server)
    page.wait_for_timeout(1500)  # thumbnails and the first data
    total = sum(sizes.values())
    context.close()
    assert total < 1_500_000, f"{total} bytes on the wire"


def test_uploading_a_csv(page: Any, server: str, tmp_path: Any, console: Any) -> None:
    open_playground(page, server)
    good = tmp_path / "points.csv"
    good.write_text("x1,x2,label\n-3,-3,0\n3,3,1\n-3,3,2\n3,-3,0\n")
    page.set_input_files(sel("upload"), str(good))
    wait_config(page, "c.dataset.name === 'custom' && c.dataset.samples === 4 && c.dataset.classes === 3")
    assert "Loaded 4 points" in text(page, "status")
    console.expect("status of 422")
    bad = tmp_path / "bad.csv"
    bad.write_text("1,1,0\n2,oops,1\n")
    page.set_input_files(sel("upload"), str(bad))
    page.wait_for_function("() => document.querySelector(\"[data-testid='status']\").textContent.includes('line 2')")
    assert config(page)["dataset"]["samples"] == 4


def test_view_toggles_redraw(page: Any, server: str) -> None:
    open_playground(page, f"{server}/?dataset=circle")
    for _ in range(5):
        page.click(sel("step-epoch"))
    page.wait_for_function("() => window.playground.latest.state.epoch === 5")
    soft = image(page)
    page.check(sel("discretize"))
    page.wait_for_function(f"() => window.playground.boundary.source !== {json.dumps(soft)}")
    assert "discretize=1" in page.url
    page.uncheck(sel("show-test"))
    page.wait_for_function("() => document.querySelector(\"[data-testid='boundary']\").data[1].visible === false")
    page.check(sel("palette"))
    assert "palette=safe" in page.url


def test_units_and_layers_change_the_diagram(page: Any, server: str) -> None:
    open_playground(page, server)
    page.click(sel("add-unit-0"))
    wait_config(page, "JSON.stringify(c.hidden_layers) === '[5,2]'")
    page.wait_for_function("() => document.querySelectorAll('.node.hidden').length === 7")
    page.click(sel("remove-layer"))
    page.click(sel("remove-layer"))
    wait_config(page, "c.hidden_layers.length === 0")
    assert page.is_disabled(sel("remove-layer"))
    page.click(sel("step-epoch"))
    page.wait_for_function("() => window.playground.latest.state.epoch === 1")
    assert "hidden=none" in page.url


def test_hovering_a_connection_shows_its_weight(page: Any, server: str) -> None:
    open_playground(page, f"{server}/?hidden=2")
    page.locator(".network .link").first.hover(force=True)
    page.wait_for_selector(f"{sel('tooltip')}:not([hidden])")
    assert text(page, "tooltip").startswith("w = ")


# Every layout shift (Layout Instability API) up or down for three seconds, with the element that
# moved. (A right-aligned button whose number gains a digit moves sideways, which is no jump.)
LAYOUT_SHIFTS = """() => new Promise((resolve) => {
  const moved = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      for (const source of entry.sources || []) {
        const node = source.node;
        const name = node ? node.dataset?.testid || node.className || node.nodeName : "?";
        const [before, after] = [source.previousRect, source.currentRect];
        if (before.y !== after.y || before.height !== after.height) moved.push(`${name}: ${before.y} -> ${after.y}`);
      }
    }
  });
  observer.observe({ type: "layout-shift" });
  setTimeout(() => { observer.disconnect(); resolve(moved); }, 3000);
})"""


@pytest.mark.parametrize(
    ("width", "height", "flags"),
    [(1280, 800, ""), (1920, 1080, "&big=1"), (390, 844, "")],
    ids=["laptop", "projector", "phone"],
)
def test_nothing_moves_while_a_run_plays(page: Any, server: str, width: int, height: int, flags: str) -> None:
    # The spiral's test loss reaches a new low every few epochs, so the line with the lowest loss
    # and its Restore button keep changing; the numbers change ten times a second.
    page.set_viewport_size({"width": width, "height": height})
    open_playground(page, f"{server}/?dataset=spiral&hidden=8,8&activation=tanh&lr=0.03&batch=10&speed=max{flags}")
    page.click(sel("play"))
    page.wait_for_function("() => Number(document.querySelector('[data-testid=epoch]').textContent) > 20")
    assert page.evaluate(LAYOUT_SHIFTS) == []
    assert int(text(page, "epoch")) > 100
    assert text(page, "best-epoch").startswith("Lowest test loss")
