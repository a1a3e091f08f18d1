"""Lesson 8, learning-rate schedules: each "try" line, done on the page as a student would."""

from __future__ import annotations

import itertools
from typing import Any

from tests.e2e.conftest import sel
from tests.e2e.lessons.charts import RATE, RATE_DROPS, TRAIN_ACCURACY, open_at_speed, play_to, rises, trace

ORANGE = "#c26a00"


def boxes_overlap(a: dict[str, list[float]], b: dict[str, list[float]]) -> bool:
    """Whether two panels (x and y domains, as fractions of the chart) share any area."""
    return all(a[k][0] < b[k][1] and b[k][0] < a[k][1] for k in ("x", "y"))


def test_the_rate_curve_has_its_own_chart(page: Any, server: str) -> None:
    open_at_speed(page, server, "schedules")
    play_to(page, 10)
    chart = page.evaluate(
        """([rate, accuracy]) => {
            const plot = document.querySelector("[data-testid='loss-chart']");
            const panel = (n) => ({ x: plot._fullLayout[`xaxis${n}`].domain, y: plot._fullLayout[`yaxis${n}`].domain });
            return { rate: plot.data[rate], accuracy: plot.data[accuracy], ratePanel: panel(3), accuracyPanel: panel(2),
                     titles: plot._fullLayout.annotations.map((a) => a.text) };
        }""",
        [RATE, TRAIN_ACCURACY],
    )
    assert chart["rate"]["yaxis"] == "y3" and chart["accuracy"]["yaxis"] == "y2"
    assert chart["rate"]["line"]["color"] == ORANGE
    assert not boxes_overlap(chart["ratePanel"], chart["accuracyPanel"])
    assert "learning rate" in chart["titles"]
    _, rates = trace(page, "loss-chart", RATE)
    assert len(rates) >= 10 and rates[-1] < rates[0] <= 0.1  # cosine sweeps the rate down


def run_schedule(page: Any, name: str, epochs: int) -> tuple[list[float], list[float], list[float]]:
    """Pick a schedule in the menu, start over, play; the rates and the epochs of drop markers."""
    page.select_option(sel("schedule"), name)
    page.wait_for_function(f"() => window.playground.config.schedule.name === '{name}'")
    page.click(sel("reset"))
    page.wait_for_function("() => window.playground.latest.state.epoch === 0")
    play_to(page, epochs)
    epochs_shown, rates = trace(page, "loss-chart", RATE)
    drops, _ = trace(page, "loss-chart", RATE_DROPS)
    return epochs_shown, rates, drops


def test_switching_schedules_changes_the_rate_curve(page: Any, server: str) -> None:
    open_at_speed(page, server, "schedules")
    labels = {
        o["value"]: o["label"]
        for o in page.eval_on_selector_all(
            f"{sel('schedule')} option", "(os) => os.map((o) => ({ value: o.value, label: o.textContent }))"
        )
    }
    assert labels["plateau"] == "Reduce on plateau"

    epochs, rates, drops = run_schedule(page, "step", 25)
    assert drops and all(e % 20 == 0 for e in drops)  # halved every 20 epochs
    assert rates[epochs.index(19)] == 0.1 and rates[epochs.index(20)] == 0.05

    epochs, rates, drops = run_schedule(page, "exponential", 25)
    assert drops == [] and all(b < a for a, b in itertools.pairwise(rates))

    epochs, rates, drops = run_schedule(page, "cosine", 25)
    assert drops == [] and rates[epochs.index(25)] < rates[epochs.index(1)]

    epochs, rates, drops = run_schedule(page, "plateau", 30)
    assert drops, "the loss stalled for 5 epochs, so the rate dropped"
    assert rates[0] == 0.1 and set(rates) <= {0.1 * 0.5**k for k in range(8)}
    assert all(rates[epochs.index(e)] < rates[epochs.index(e) - 1] for e in drops)


def test_a_short_cosine_period_restarts_and_shakes_the_loss(page: Any, server: str) -> None:
    open_at_speed(page, server, "schedules")
    page.fill(sel("schedule-period"), "10")
    page.press(sel("schedule-period"), "Tab")
    page.wait_for_function("() => window.playground.config.schedule.period === 10")
    play_to(page, 35)
    epochs, rates = trace(page, "loss-chart", RATE)
    _, loss = trace(page, "loss-chart", 0)
    restarts = [i for i in range(1, len(rates)) if rates[i] > rates[i - 1]]
    assert [epochs[i] for i in restarts][:3] == [10, 20, 30]
    shaken = [i for i in restarts if max(loss[i : i + 3]) > loss[i - 1]]
    assert len(shaken) >= 2, "the loss jumps after the restarts"
    assert rises(loss) >= len(shaken)
