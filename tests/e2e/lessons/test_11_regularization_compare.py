"""Lesson 11, regularization, its Compare lines: each "try" line, done on the page as a student would."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import sel
from tests.e2e.lessons.charts import drawn_links, open_at_speed, play_to
from tests.e2e.test_compare import set_change

# Boundary length in view widths: class changes between neighbouring pixels of a boundary image, per row.
BOUNDARY_LENGTHS = """async () => {
    const length = async (source) => {
        const image = new Image();
        image.src = source;
        await image.decode();
        const r = image.width;
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = r;
        const context = canvas.getContext("2d");
        context.drawImage(image, 0, 0);
        const d = context.getImageData(0, 0, r, r).data;
        const orange = (i) => d[4 * i] > d[4 * i + 2];
        let changes = 0;
        for (let y = 0; y < r; y++) {
            for (let x = 0; x < r; x++) {
                if (x + 1 < r && orange(y * r + x) !== orange(y * r + x + 1)) changes++;
                if (y + 1 < r && orange(y * r + x) !== orange((y + 1) * r + x)) changes++;
            }
        }
        return changes / r;
    };
    return [await length(window.playground.boundary.source),
            await length(window.playground.views.views.compare.boundary.source)];
}"""


def line_widths(page: Any, diagram: str) -> list[float]:
    return [
        float(w)
        for w in page.eval_on_selector_all(
            f"{sel(diagram)} path.link", "(paths) => paths.map((p) => p.getAttribute('stroke-width'))"
        )
    ]


def test_l2_draws_thinner_lines_and_a_smoother_boundary(page: Any, server: str) -> None:
    open_at_speed(page, server, "regularization", compare=True)
    assert "regularization kind = l2" in (page.text_content(sel("compare-summary")) or "")
    # Long enough for the plain run to bend round the noise: before about epoch 150 the two
    # boundaries are alike (either may be the longer), from about 200 on L2's is a third shorter.
    play_to(page, 250, compare=True)
    plain_length, l2_length = page.evaluate(BOUNDARY_LENGTHS)
    assert l2_length < plain_length
    l2 = line_widths(page, "compare-network")
    page.click(sel("view-network"))
    plain = line_widths(page, "network")
    assert len(plain) == len(l2) == 304
    assert sum(l2) / len(l2) < 0.8 * sum(plain) / len(plain)


def test_l1_makes_connections_vanish_and_counts_them(page: Any, server: str) -> None:
    open_at_speed(page, server, "regularization", compare=True)
    set_change(page, "regularization.kind", "l1")
    page.wait_for_selector(f"{sel('compare-summary')}:has-text('regularization kind = l1')")
    count = page.locator(sel("compare-zero-weights"))
    count.wait_for(state="visible")
    play_to(page, 20, compare=True)
    page.wait_for_function(
        "() => document.querySelector(\"[data-testid='compare-zero-weights']\").textContent.startsWith('0 ') === false"
    )
    text = count.text_content() or ""
    match = re.fullmatch(r"(\d+) of 304 weights are exactly 0", text)
    assert match, text
    zeros = int(match.group(1))
    assert zeros >= 100
    assert drawn_links(page, "compare-network") == 304 - zeros
