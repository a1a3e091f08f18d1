"""The page on every screen a classroom has: projector, laptop, phone, keyboard."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import open_playground, save_artifact, sel

PROJECTOR = {"width": 1920, "height": 1080}
LAPTOPS = [{"width": 1280, "height": 800}, {"width": 1366, "height": 768}]
PHONE = {"width": 390, "height": 844}

# Every visible text node's font size, and the plots' SVG text, in px.
SMALLEST_TEXT = """() => {
  const sizes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || el.closest("[hidden], .hidden-by-link, option, .tooltip")) continue;
    const box = el.getBoundingClientRect();
    if (box.bottom <= 0 || box.top >= innerHeight || box.width === 0) continue;
    sizes.push([parseFloat(style.fontSize), node.textContent.trim().slice(0, 30)]);
  }
  return sizes.sort((a, b) => a[0] - b[0]).slice(0, 5);
}"""

# Labels, selects, buttons and inputs that cut their text, and pairs of them that overlap.
CLIPPED = """() => {
  const shown = (el) =>
    el.getClientRects().length && !el.closest("[hidden], .hidden-by-link")
    && getComputedStyle(el).visibility !== "hidden";
  const named = "label, select, button, output, .thumb span, h2 > span";
  const controls = [...document.querySelectorAll(named)].filter(shown);
  const clipped = controls.filter((el) => el.scrollWidth > el.clientWidth + 1)
    .map((el) => el.textContent.trim().slice(0, 30));
  // An input's scrollWidth says nothing of its value: measure the value's text against the box.
  const canvas = document.createElement("canvas").getContext("2d");
  for (const el of [...document.querySelectorAll("input[type=number], input[type=text]")].filter(shown)) {
    const style = getComputedStyle(el);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const spinner = el.type === "number" ? 15 : 0;
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - spinner;
    if (canvas.measureText(el.value).width > room + 0.5) clipped.push(`${el.dataset.testid || el.type}=${el.value}`);
  }
  const leaves = [...document.querySelectorAll("select, button, input:not([type=file]), output")].filter(shown);
  const boxes = leaves.map((el) => [el, el.getBoundingClientRect()]);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, ra] = boxes[i];
      const [b, rb] = boxes[j];
      if (a.contains(b) || b.contains(a)) continue;
      const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      const name = (el) => el.dataset.testid || el.textContent.trim().slice(0, 20);
      if (x > 1 && y > 1) overlaps.push([name(a), name(b)]);
    }
  }
  return { clipped, overlaps };
}"""


def box(page: Any, name: str) -> dict[str, float]:
    return dict(page.locator(sel(name)).bounding_box())


def no_scroll(page: Any) -> None:
    size = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size[0] <= page.viewport_size["width"] and size[1] <= page.viewport_size["height"], size


def test_projector_big_view_and_text(browser_context: Any, server: str) -> None:
    page = open_playground(browser_context(PROJECTOR), f"{server}/?big=1")
    page.wait_for_selector(f"{sel('loss-chart')} .main-svg")
    plot = box(page, "boundary")
    assert plot["width"] >= 700 and plot["height"] >= 700, plot
    no_scroll(page)
    smallest = page.evaluate(SMALLEST_TEXT)
    assert smallest[0][0] >= 18, smallest
    svg_text = page.evaluate(
        "() => Math.min(...[...document.querySelectorAll('.main-svg text')].filter((t) => t.textContent.trim())"
        ".map((t) => parseFloat(getComputedStyle(t).fontSize)))"
    )
    assert svg_text >= 18
    accuracy = page.locator(".metrics > div").nth(2).bounding_box()
    assert accuracy["height"] < 40, "Train accuracy wraps onto two lines"
    save_artifact(page, "projector-1920x1080-big.png")


def test_projector_hidden_parts_leave_no_gaps(browser_context: Any, server: str) -> None:
    page = open_playground(browser_context(PROJECTOR), f"{server}/?big=1&hide=hyper,data")
    no_scroll(page)
    assert page.locator(".panel.data").is_hidden()
    grid = page.locator("main.grid").bounding_box()
    first = page.locator(".centre").bounding_box()
    assert first["x"] - grid["x"] < 30, "a hidden panel left its room empty"
    assert box(page, "boundary")["width"] >= 700
    save_artifact(page, "projector-1920x1080-hide.png")


@pytest.mark.parametrize("viewport", LAPTOPS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_laptop_nothing_clipped_for_any_optimizer_or_schedule(
    browser_context: Any, server: str, viewport: dict[str, int]
) -> None:
    page = open_playground(browser_context(viewport), server)
    no_scroll(page)
    optimizers = page.locator(f"{sel('optimizer')} option").evaluate_all("os => os.map((o) => o.value)")
    schedules = page.locator(f"{sel('schedule')} option").evaluate_all("os => os.map((o) => o.value)")
    pairs = [(o, schedules[0]) for o in optimizers] + [(optimizers[0], s) for s in schedules]
    for optimizer, schedule in pairs:
        page.select_option(sel("optimizer"), optimizer)
        page.wait_for_function(f"() => window.playground.config.optimizer.name === '{optimizer}'")
        page.select_option(sel("schedule"), schedule)
        page.wait_for_function(f"() => window.playground.config.schedule.name === '{schedule}'")
        found = page.evaluate(CLIPPED)
        assert found == {"clipped": [], "overlaps": []}, (optimizer, schedule, found)
        no_scroll(page)
    assert min(size for size, _ in page.evaluate(SMALLEST_TEXT)) >= 11
    page.select_option(sel("optimizer"), "adam")
    save_artifact(page, f"laptop-{viewport['width']}x{viewport['height']}.png")


def test_phone_one_column_no_sideways_scroll_and_big_targets(browser_context: Any, server: str) -> None:
    page = open_playground(browser_context(PHONE, has_touch=True, is_mobile=True), server)
    for width in (390, 360):
        page.set_viewport_size({"width": width, "height": 844})
        page.wait_for_function(
            f"() => document.documentElement.scrollWidth <= {width}"
        )  # the plots resize a moment later
    small = page.evaluate(
        """() => [...document.querySelectorAll("button, select, input, a, [role=button]")]
          .filter((el) => el.getClientRects().length && !el.closest("[hidden], .hidden-by-link, svg"))
          .map((el) => [el.dataset.testid || el.textContent.trim().slice(0, 20) || el.type, el.getBoundingClientRect()])
          .filter(([, r]) => r.width < 24 || r.height < 24).map(([name, r]) => `${name} ${r.width}x${r.height}`)"""
    )
    assert small == []
    order = [box(page, n)["y"] for n in ("boundary", "datasets", "network", "loss-chart")]
    assert order == sorted(order), order
    save_artifact(page, "phone-390x844.png")


def test_keyboard_space_escape_units_and_weights(browser_context: Any, server: str) -> None:
    page = open_playground(browser_context(LAPTOPS[0]), server)
    layers = page.evaluate("() => window.playground.config.hidden_layers.length")
    page.focus(sel("add-layer"))
    page.keyboard.press("Space")
    page.wait_for_function(f"() => window.playground.config.hidden_layers.length === {layers + 1}")
    assert page.evaluate("() => window.playground.display.playing") is False
    page.focus(sel("share-link"))
    page.keyboard.press("Space")
    page.wait_for_selector(f"{sel('popover')}:not([hidden])")
    page.keyboard.press("Escape")
    page.wait_for_selector(sel("popover"), state="hidden")
    page.locator("body").focus()
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("Space")
    page.wait_for_function("() => window.playground.display.playing")
    page.keyboard.press("Space")
    page.wait_for_function("() => !window.playground.display.playing")

    link = page.locator(".network .link").first
    label = str(link.get_attribute("aria-label"))
    assert label.startswith("hidden layer 1, unit ") and ", weight from " in label, label
    link.focus()
    page.wait_for_selector(f"{sel('tooltip')}:not([hidden])")
    page.keyboard.press("Enter")
    editor = page.locator(sel("weight-editor"))
    assert "weight from" in str(editor.get_attribute("aria-label"))
    editor.fill("0.5")
    editor.press("Enter")
    page.wait_for_function("() => window.playground.latest.weights.layers[0].weights.flat().includes(0.5)")
    unit = page.locator(".node.hidden").first
    assert unit.get_attribute("aria-label") == "hidden layer 1, unit 1"
    unit.focus()
    page.keyboard.press("Enter")
    assert "bias" in str(page.locator(sel("weight-editor")).get_attribute("aria-label"))
    page.keyboard.press("Escape")

    page.click(sel("clear-points"))
    for x, cls in ((-3, 0), (3, 1)):
        page.click(sel(f"draw-class-{cls}"))
        page.fill(sel("point-x1"), str(x))
        page.fill(sel("point-x2"), "1")
        page.focus(sel("add-point"))
        page.keyboard.press("Enter")
    page.wait_for_function(
        "() => window.playground.config.dataset.name === 'custom' && window.playground.config.dataset.samples === 2"
    )
