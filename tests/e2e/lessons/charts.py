"""What the lessons' charts show, read as a student reads them, and playing a run to an epoch.

The main chart (loss-chart) has traces train, test and validation loss, train,
test and validation accuracy, learning rate, then the rate-drop markers; the Compare panel's
chart (compare-curves) has this run's train and test loss, then the comparison
run's.
"""

from __future__ import annotations

import itertools
from typing import Any

from tests.e2e.conftest import open_playground, sel
from tests.e2e.test_compare import COMPARE_EPOCH, MAIN_EPOCH, open_lesson

TRAIN_ACCURACY, RATE, RATE_DROPS = 3, 6, 7
THIS_TRAIN, COMPARISON_TRAIN = 0, 2


def open_at_speed(page: Any, server: str, lesson: str, compare: bool = False) -> None:
    """Open a lesson (and wait for its comparison run, if it has one), then pick 50 epochs a second."""
    if compare:
        open_lesson(page, server, lesson)
    else:
        open_playground(page, f"{server}/lessons/{lesson}")
    page.select_option(sel("speed"), "50")


def trace(page: Any, chart: str, index: int) -> tuple[list[float], list[float]]:
    """The (epochs, values) a chart's trace shows."""
    x, y = page.evaluate(
        "([chart, index]) => { const t = document.querySelector(`[data-testid='${chart}']`).data[index];"
        " return [Array.from(t.x), Array.from(t.y)]; }",
        [chart, index],
    )
    return x, y


def rises(values: list[float]) -> int:
    """How often a curve goes up from one point to the next."""
    return sum(b > a for a, b in itertools.pairwise(values))


def drawn_links(page: Any, diagram: str) -> int:
    """Connections a network diagram draws a line for (a zero weight's is transparent)."""
    count: int = page.eval_on_selector_all(
        f"{sel(diagram)} path.link", "(paths) => paths.filter((p) => p.getAttribute('stroke') !== 'transparent').length"
    )
    return count


def caught_up(page: Any, chart: str, index: int, epoch_js: str) -> None:
    """Wait until a chart's trace reaches the epoch a run is at."""
    page.wait_for_function(
        f"""() => {{
            const plot = document.querySelector("[data-testid='{chart}']");
            const x = plot && plot.data ? plot.data[{index}].x : [];
            return x.length > 0 && x[x.length - 1] === ({epoch_js})();
        }}"""
    )


def play_to(page: Any, epochs: int, compare: bool = False) -> None:
    """Play until this run (and the comparison run) pass ``epochs``, pause, and let the charts catch up."""
    done = f"({MAIN_EPOCH})() >= {epochs}" + (f" && ({COMPARE_EPOCH})() >= {epochs}" if compare else "")
    page.click(sel("play"))
    page.wait_for_function(f"() => {done}", timeout=90_000)
    page.click(sel("pause"))
    page.wait_for_function("() => !window.playground.display.playing")
    if compare:
        caught_up(page, "compare-curves", THIS_TRAIN, MAIN_EPOCH)
        caught_up(page, "compare-curves", COMPARISON_TRAIN, COMPARE_EPOCH)
    else:
        caught_up(page, "loss-chart", RATE, MAIN_EPOCH)
