"""The maps the page computes from the weights match the server's GET /boundary to one uint8 level:
the output map, and the last hidden layer's first unit (the big view shows it when the unit is hovered).
Each test runs twice: with the page's JavaScript loops, and with its WebAssembly kernel (which a
playing run loads)."""

from __future__ import annotations

from typing import Any

import pytest

from app.nn.activations import ACTIVATIONS
from app.nn.features import FEATURES
from tests.e2e.conftest import open_playground

ALL_FEATURES = list(FEATURES)
KERNEL = "() => window.playground.display.loadKernel()"

# Applies a config change as the page's controls do, trains a few epochs, waits until the page has
# drawn that step, and compares its computed output map with the server's.
COMPARE = """async (patch) => {
    const base = document.body.dataset.static + '/js/';
    const { api } = await import(base + 'api.js');
    const frames = await import(base + 'frames.js');
    const pg = window.playground;
    const before = pg.latest.version;
    await pg.run.patch(patch);
    const state = await api.step(pg.sessionId, 3, 'epoch');
    const drawn = () =>
        pg.drawn && pg.drawn === pg.latest && pg.drawn.version > before && pg.drawn.state.step === state.step;
    for (let i = 0; i < 900 && !drawn(); i++) await new Promise((r) => setTimeout(r, 100));
    if (!drawn()) return { error: 'the page did not draw step ' + state.step };
    const ref = frames.decodeMap(await api.boundary(pg.sessionId, { resolution: 100, format: 'uint8' }));
    const mine = pg.outputMap;
    if (mine.data.length !== ref.data.length) return { error: `${mine.data.length} bytes, not ${ref.data.length}` };
    let worst = 0;
    for (let i = 0; i < ref.data.length; i++) worst = Math.max(worst, Math.abs(ref.data[i] - mine.data[i]));
    const layer = pg.drawn.weights.layers.length - 2;
    let unitWorst = 0;
    if (layer >= 0) {
        const unit = pg.display.forward.unitMap(layer, 0);
        const query = { resolution: 100, format: 'uint8', layer, unit: 0 };
        const refUnit = frames.decodeMap(await api.boundary(pg.sessionId, query));
        for (let i = 0; i < refUnit.data.length; i++) {
            unitWorst = Math.max(unitWorst, Math.abs(refUnit.data[i] - unit.data[i]));
        }
    }
    return { worst, unitWorst, planes: [mine.planes, ref.planes], range: [mine.range, ref.range] };
}"""


@pytest.fixture(params=["js", "wasm"])
def forward(request: Any) -> str:
    return str(request.param)


def opened(page: Any, url: str, forward: str) -> None:
    open_playground(page, url)
    if forward == "wasm":
        assert page.evaluate(KERNEL), "the WebAssembly kernel did not load"
    assert page.evaluate("() => window.playground.display.forward.kernel !== null") == (forward == "wasm")


def check(page: Any, patch: dict[str, Any]) -> None:
    result = page.evaluate(COMPARE, patch)
    assert "error" not in result, (patch, result)
    assert result["worst"] <= 1 and result["unitWorst"] <= 1, (patch, result)
    assert result["planes"][0] == result["planes"][1], (patch, result)
    mine, ref = result["range"]
    if ref is None:
        assert mine is None, (patch, result)
    else:
        width = ref[1] - ref[0]
        assert abs(mine[0] - ref[0]) <= 1e-3 * width and abs(mine[1] - ref[1]) <= 1e-3 * width, (patch, result)


def test_every_activation_on_every_feature(page: Any, server: str, forward: str) -> None:
    opened(page, f"{server}/?dataset=spiral", forward)
    check(page, {"features": ALL_FEATURES, "hidden_layers": [6, 4]})
    for name in ACTIVATIONS:
        check(page, {"activation": name})
    check(page, {"activation": "leaky_relu", "leaky_slope": 0.3})


def test_each_feature_alone_and_every_class_count(page: Any, server: str, forward: str) -> None:
    opened(page, f"{server}/?dataset=blobs", forward)
    for name in ALL_FEATURES:
        check(page, {"features": [name]})
    check(page, {"features": ["x1", "x2"]})
    for classes in range(2, 7):
        check(page, {"dataset": {"classes": classes}})
    check(page, {"loss": "mse"})
    check(page, {"dataset": {"classes": 2}, "loss": "hinge"})


def test_regression_maps_and_their_range(page: Any, server: str, forward: str) -> None:
    opened(page, f"{server}/?dataset=plane&loss=mse", forward)
    check(page, {"features": ALL_FEATURES, "activation": "tanh"})
    check(page, {"dataset": {"name": "bumps"}, "activation": "gelu"})
    check(page, {"dataset": {"name": "sine"}, "activation": "sine", "hidden_layers": [8, 8, 8]})


# Every map canvas: opaque (alpha false, which spares the compositor the page under it), and every
# pixel it was given opaque too, so that nothing the page meant to show through is lost.
OPAQUE = """() => [...document.querySelectorAll('canvas')].filter((c) => c.image).map((c) => {
    const data = c.image.data;
    let clear = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) clear += 1;
    return { alpha: c.getContext('2d').getContextAttributes().alpha, clear, size: c.width };
})"""


@pytest.mark.parametrize(
    "query",
    ["dataset=xor", "dataset=spiral&classes=6&discretize=1", "dataset=plane&loss=mse&palette=safe"],
)
def test_every_map_canvas_is_opaque(page: Any, server: str, query: str) -> None:
    open_playground(page, f"{server}/?{query}")
    shown = str(page.evaluate("() => window.playground.boundary.source"))
    page.hover(".node.hidden >> nth=0")  # the big view shows a hidden unit's map
    page.wait_for_function(f"() => window.playground.boundary.source !== {shown!r}")
    canvases = page.evaluate(OPAQUE)
    sizes = sorted({c["size"] for c in canvases})
    assert 100 in sizes and len(canvases) >= 5, canvases  # the big view, inputs, units, outputs
    assert all(c["alpha"] is False and c["clear"] == 0 for c in canvases), canvases
