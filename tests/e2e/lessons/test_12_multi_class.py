"""Lesson 12, many classes with one softmax output each: each "try" line as a student performs it."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import sel
from tests.e2e.lessons.student import SLOW, open_lesson, output_units, readout, set_number, train

LESSON = "multi-class"
SOURCE = "() => window.playground.boundary.source"
# The map has caught up with the last frame: it is the same two animation frames apart.
SETTLED = f"""async () => {{
    const before = ({SOURCE})();
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    return before !== "" && before === ({SOURCE})();
}}"""


def test_train_the_spiral_then_five_classes(page: Any, server: str) -> None:
    open_lesson(page, server, LESSON)
    assert output_units(page) == 3
    train(page, 10)
    # The class count is in view beside the lesson, without opening anything first.
    set_number(page, "classes", 5)
    page.wait_for_function(f'() => document.querySelectorAll("{sel("network")} .node.output").length === 5')
    # The spiral grows five arms: the points come in five classes.
    page.wait_for_function("() => new Set(window.playground.data.train.labels).size === 5")
    assert page.locator(f"{sel('draw-classes')} button").count() == 5


def test_hovering_an_output_unit_shows_its_class_probability(page: Any, server: str) -> None:
    open_lesson(page, server, LESSON)
    train(page, 10)
    page.wait_for_function(SETTLED)
    output = page.evaluate(SOURCE)
    units = page.locator(f"{sel('network')} .node.output")
    maps: list[str] = []
    for k in range(3):
        units.nth(k).hover()
        page.wait_for_selector(f"{sel('boundary-label')}:has-text('P(class {k})')")
        page.wait_for_function(f"() => ![{output!r}, ...{maps!r}].includes(({SOURCE})())")
        maps.append(page.evaluate(SOURCE))
    # Leaving puts the output back, and the label goes.
    page.mouse.move(2, 2)
    page.wait_for_selector(sel("boundary-label"), state="hidden")
    page.wait_for_function(f"() => ({SOURCE})() === {output!r}")
    # While hovered during play, the class's map keeps up with training instead of freezing.
    page.click(sel("play"))
    units.nth(2).hover()
    page.wait_for_function(f"() => ![{output!r}, {maps[2]!r}].includes(({SOURCE})())", timeout=SLOW)
    moving = page.evaluate(SOURCE)
    page.wait_for_function(f"() => ({SOURCE})() !== {moving!r}", timeout=SLOW)
    assert page.text_content(sel("boundary-label")) == "P(class 2)"
    page.click(sel("pause"))
    # Hidden units still show their own maps.
    page.locator(f"{sel('network')} .node.hidden").first.hover()
    page.wait_for_selector(f"{sel('boundary-label')}:has-text('hidden layer 1, unit 1')")
    page.wait_for_function(f"() => ![{output!r}, ...{maps!r}].includes(({SOURCE})())", timeout=SLOW)


def test_blobs_with_six_classes(page: Any, server: str) -> None:
    open_lesson(page, server, LESSON)
    page.click(sel("dataset-blobs"))
    page.wait_for_function("() => window.playground.config.dataset.name === 'blobs'")
    set_number(page, "classes", 6)
    page.wait_for_function("() => window.playground.config.dataset.classes === 6")
    assert output_units(page) == 6
    train(page, 20)
    assert readout(page, "test-accuracy") >= 0.9
