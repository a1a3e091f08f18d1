"""Unit tests, in Chromium, of what Compare's chart and the hovered output unit draw from."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import open_playground


def module(page: Any, name: str, script: str) -> Any:
    return page.evaluate(
        f"""async () => {{
            const m = await import(document.body.dataset.static + '/js/{name}');
            {script}
        }}"""
    )


def test_runs_with_one_loss_need_no_note_and_two_losses_do(page: Any, server: str) -> None:
    open_playground(page, server)
    assert module(page, "views/compare_curves.js", "return m.lossNote(['mse', 'mse']);") == ""
    note = module(page, "views/compare_curves.js", "return m.lossNote(['cross_entropy', 'mse']);")
    assert "cross_entropy in this run, mse in the comparison run" in note and "accuracy" in note


def test_history_rows_are_added_once_each_in_order(page: Any, server: str) -> None:
    open_playground(page, server)
    series = module(
        page,
        "views/compare_curves.js",
        """const s = m.noSeries();
        const row = (epoch) =>
            ({epoch, train_loss: epoch, test_loss: 2 * epoch, train_accuracy: 0.5, test_accuracy: 0.25});
        m.addRows(s, [row(1), row(2)]);
        m.addRows(s, [row(2), row(3)]);
        return s;""",
    )
    assert series == {
        "x": [1, 2, 3],
        "train": [1, 2, 3],
        "test": [2, 4, 6],
        "trainAccuracy": [0.5, 0.5, 0.5],
        "testAccuracy": [0.25, 0.25, 0.25],
    }


def test_a_class_plane_is_white_at_zero_and_the_class_colour_at_one(page: Any, server: str) -> None:
    open_playground(page, server)
    # Two classes on a 1 x 1 map: class 0 certain nowhere, class 1 everywhere.
    pixels = module(
        page,
        "network.js",
        """const map = {resolution: 1, planes: 2, data: new Uint8Array([0, 255])};
        return [Array.from(m.classPixels(map, 0, 'classic')), Array.from(m.classPixels(map, 1, 'classic'))];""",
    )
    colour = module(page, "colors.js", "return m.rgb(m.classColor(1, 'classic'));")
    assert pixels[0] == [255, 255, 255, 255]
    assert pixels[1][:3] == list(colour)[:3] and pixels[1][3] == 255
