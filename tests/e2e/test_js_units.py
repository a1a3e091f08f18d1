"""Unit tests of the page's logic that does not draw (URL state, frame decoding, maps from weights), run in Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import open_playground


@pytest.fixture
def modules(page: Any, server: str) -> Any:
    open_playground(page, server)

    def run(script: str, arg: Any = None) -> Any:
        return page.evaluate(
            f"""async (arg) => {{
                const base = document.body.dataset.static + '/js/';
                const state = await import(base + 'state.js');
                const frames = await import(base + 'frames.js');
                const colors = await import(base + 'colors.js');
                const api = await import(base + 'api.js');
                const transport = await import(base + 'transport.js');
                const forward = await import(base + 'forward.js');
                const helpers = await import(base + 'helpers.js');
                {script}
            }}""",
            arg,
        )

    return run


def test_live_readouts_fit_their_nine_character_boxes(modules: Any) -> None:
    values = [0, 0.07134, 12.5, 9999.99994, 9999.99996, 123456.7, 1e30, None]
    shown = modules("return arg.map((x) => helpers.formatNumber(x, 4, 'fixed'));", values)
    assert shown == ["0.0000", "0.0713", "12.5000", "9999.9999", "1.00e+4", "1.23e+5", "1.00e+30", "–"]
    assert max(map(len, shown)) <= 9  # .metrics output is 9ch wide


def test_defaults_encode_to_nothing(modules: Any) -> None:
    assert (
        modules("return state.encodeState(window.playground.options.defaults, {}, window.playground.defaults);") == ""
    )
    assert modules("return state.decodeState('');") == {
        "config": {},
        "flags": modules("return state.FLAG_DEFAULTS;"),
        "errors": [],
    }


def test_config_round_trips_through_the_query(modules: Any) -> None:
    config: dict[str, Any] = {
        "dataset": {
            "name": "custom",
            "samples": 3,
            "noise": 0.1,
            "train_fraction": 0.7,
            "classes": 3,
            "seed": 5,
            "points": [[1.25, -3.5], [0.0, 2.0], [-6.0, 6.0]],
            "labels": [0, 2, 1],
        },
        "features": ["x1", "x2", "x1_squared"],
        "hidden_layers": [],
        "activation": "relu",
        "loss": "mse",
        "optimizer": {
            "name": "adam",
            "learning_rate": 0.003,
            "momentum": 0.9,
            "beta1": 0.8,
            "beta2": 0.999,
            "rho": 0.9,
            "epsilon": 1e-08,
        },
        "schedule": {"name": "cosine", "every": 100, "factor": 0.5, "period": 40, "min_learning_rate": 0.0001},
        "regularization": {"kind": "l1", "rate": 0.01},
        "batch_size": 25,
        "init": "he",
        "seed": 42,
    }
    decoded = modules(
        "const d = window.playground.defaults;"
        "const q = state.encodeState(arg, {big: true, hide: ['data', 'share'], palette: 'safe'}, d);"
        "return [q, state.decodeState('?' + q)];",
        config,
    )
    query, result = decoded
    assert "hidden=none" in query and "points=1.25,-3.5,0,0,2,2,-6,6,1" in query and "momentum" not in query
    assert result["errors"] == []
    got = result["config"]
    assert got["dataset"]["points"] == config["dataset"]["points"] and got["dataset"]["labels"] == [0, 2, 1]
    assert got["hidden_layers"] == [] and got["features"] == ["x1", "x2", "x1_squared"]
    assert got["optimizer"] == {"name": "adam", "learning_rate": 0.003, "beta1": 0.8}
    assert got["schedule"] == {"name": "cosine", "period": 40, "min_learning_rate": 0.0001}
    assert got["seed"] == 42 and got["init"] == "he" and got["batch_size"] == 25
    assert result["flags"]["big"] is True and result["flags"]["hide"] == ["data", "share"]
    assert result["flags"]["palette"] == "safe"


def test_unreadable_values_are_reported_not_guessed(modules: Any) -> None:
    result = modules("return state.decodeState('lr=abc&hidden=8,x&seed=1.5&points=1,2&dataset=xor');")
    assert result["config"] == {"dataset": {"name": "xor"}}
    assert len(result["errors"]) == 4
    assert any(e.startswith("lr") for e in result["errors"])


def test_map_decoding(modules: Any) -> None:
    out = modules(
        "const map = frames.decodeMap({resolution: 2, planes: 1, data: btoa(String.fromCharCode(0, 85, 170, 255)),"
        " range: [-1, 1]});"
        "return [Array.from(map.data), frames.mapValue(255, map.range), frames.mapValue(0, null),"
        " frames.neuronValue(255, 2), frames.neuronValue(0, 1)];"
    )
    assert out == [[0, 85, 170, 255], 1, 0, 2, -1]
    error = modules(
        "try { frames.decodeMap({resolution: 3, planes: 1, data: btoa('ab')}); return null; }"
        " catch (e) { return e.message; }"
    )
    assert "expected 9" in error


def test_output_pixels_put_y_up(modules: Any) -> None:
    # Row 0 of a map is y = -6 (bottom); row 0 of a canvas is the top.
    pixels = modules(
        "const map = {resolution: 2, planes: 1, data: new Uint8Array([0, 0, 255, 255]), range: null};"
        "return Array.from(colors.boundaryPixels(map));"
    )
    top, bottom = pixels[0:3], pixels[8:11]
    positive, negative = modules("return [colors.rgb(colors.classColor(1)), colors.rgb(colors.classColor(0))];")
    assert top[2] > top[0]  # blue-ish: class 1 at the top
    assert bottom[0] > bottom[2]  # orange-ish: class 0 at the bottom
    assert positive[2] > positive[0] and negative[0] > negative[2]


def test_api_error_messages_name_the_field(modules: Any) -> None:
    text = modules(
        "return api.describeDetail(["
        "{loc: ['body', 'hidden_layers', 1], msg: 'too big'}, {loc: ['query', 'x'], msg: 'bad'}]);"
    )
    assert text == "hidden_layers.1: too big; query.x: bad"


def test_validation_share_and_early_stopping_round_trip_through_the_query(modules: Any) -> None:
    query, result = modules(
        "const d = window.playground.defaults;"
        "const c = {...d, dataset: {...d.dataset, validation_fraction: 0.25}, early_stopping: {patience: 7}};"
        "const q = state.encodeState(c, {}, d);"
        "return [q, state.decodeState('?' + q)];"
    )
    assert query == "val=0.25&patience=7"
    assert result["config"] == {"dataset": {"validation_fraction": 0.25}, "early_stopping": {"patience": 7}}
    off = modules(
        "const d = window.playground.defaults; return state.encodeState({...d, early_stopping: null}, {}, d);"
    )
    assert off == ""


# A lean frame for a 2-1 network: header length, header, zero padding to 4, float32 parameters.
LEAN_FRAME = """
    const header = new TextEncoder().encode(JSON.stringify({type: 'frame', version: 7, config_version: 1,
        state: {epoch: 3}, history_tail: [], network: {features: ['x1', 'x2'], activation: 'tanh',
        leaky_slope: 0.01, sizes: [2, 1], output: 'sigmoid'}}));
    const start = Math.ceil((4 + header.length) / 4) * 4;
    const params = [0.5, -0.25, 0.125];
    const buffer = new ArrayBuffer(start + 4 * (params.length + (arg || 0)));
    const view = new DataView(buffer);
    view.setUint32(0, header.length, true);
    new Uint8Array(buffer, 4).set(header);
    params.forEach((p, i) => view.setFloat32(start + 4 * i, p, true));
"""


def test_lean_frame_decoding(modules: Any) -> None:
    frame = modules(
        LEAN_FRAME + "const f = frames.decodeLeanFrame(buffer);"
        "return {version: f.version, state: f.state, sizes: f.network.sizes, params: Array.from(f.params),"
        " weights: f.weights};"
    )
    assert frame == {
        "version": 7,
        "state": {"epoch": 3},
        "sizes": [2, 1],
        "params": [0.5, -0.25, 0.125],
        "weights": {"layers": [{"weights": [[0.5], [-0.25]], "biases": [0.125]}]},
    }
    error = modules(LEAN_FRAME + "try { frames.decodeLeanFrame(buffer); } catch (e) { return e.message; }", 1)
    assert "expected 12" in error


def test_a_server_without_lean_frames_gets_a_plain_subscription(modules: Any) -> None:
    sent, errors = modules(
        "const errors = [];"
        "const t = new transport.StreamTransport('s', {onFrame: () => {}, onError: (d) => errors.push(d),"
        " subscribe: {fps: 20, lean: {maps: false, fps: 60}}});"
        "const sent = [];"
        "t.socket = {readyState: WebSocket.OPEN, send: (m) => sent.push(JSON.parse(m))};"
        "t.subscribe();"
        "t.receive(JSON.stringify({type: 'error', detail: 'maps: Extra inputs are not permitted'}));"
        "t.receive(JSON.stringify({type: 'error', detail: 'maps: Extra inputs are not permitted'}));"
        "return [sent, errors];"
    )
    assert sent == [{"type": "subscribe", "fps": 60, "maps": False}, {"type": "subscribe", "fps": 20}]
    assert errors == ["maps: Extra inputs are not permitted"]


def test_maps_from_weights_lay_out_like_the_server(modules: Any) -> None:
    # Output = x1 over a 3 x 3 grid: columns run x = -6, 0, 6 in every row; regression spans its own range.
    out = modules(
        "const f = new forward.GridForward(3, 2);"
        "const net = {features: ['x1'], activation: 'tanh', leaky_slope: 0.01, sizes: [1, 2, 1], output: 'linear'};"
        "const m = f.maps(net, new Float32Array([1, -1, 0, 0, 1, 0, 0]));"
        "return [Array.from(m.output.data), m.output.range, m.neurons[0].units, m.neurons[0].resolution];"
    )
    data, value_range, units, resolution = out
    assert value_range == [round(-0.999988, 6), round(0.999988, 6)]
    assert data == [0, 128, 255] * 3
    assert units == 2 and resolution == 2


def test_frames_that_land_together_are_painted_one_per_animation_frame(page: Any, server: str) -> None:
    open_playground(page, server)
    drawn = page.evaluate(
        """async () => {
            const d = window.playground.display;
            const base = d.latest;
            const frame = (n, status) => ({
                ...base, config: undefined, history_tail: [], version: base.version + n,
                state: { ...base.state, status },
            });
            const animationFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
            const seen = [];
            d.onFrame(frame(1, 'training'));
            d.onFrame(frame(2, 'training'));
            d.onFrame(frame(3, 'training'));
            d.onFrame(frame(4, 'training'));  // four in one display frame: the oldest is dropped
            await animationFrame();
            seen.push(d.drawn.version - base.version);
            await animationFrame();
            seen.push(d.drawn.version - base.version);
            d.onFrame(frame(5, 'paused'));  // a paused run shows its last frame at once
            await animationFrame();
            seen.push(d.drawn.version - base.version, d.unpainted.length);
            return seen;
        }"""
    )
    assert drawn == [2, 3, 5, 0]


def test_curves_keep_their_margins_while_a_run_plays_and_find_them_again_on_pause(page: Any, server: str) -> None:
    open_playground(page, server)
    page.select_option("[data-testid='speed']", "max")
    page.click("[data-testid='play']")
    page.wait_for_function("() => window.playground.display.curves.frozen !== null")
    curves = "window.playground.display.curves"
    kept = page.evaluate(f"() => {{ const c = {curves}; return [c.frozen, c.length, c.el.layout.yaxis.automargin]; }}")
    frozen, length, automargin = kept
    assert automargin is False
    full = page.evaluate(f"() => {curves}.el._fullLayout.margin")
    assert [full[side] for side in "lrtb"] == [frozen[side] for side in "lrtb"]
    page.wait_for_function(f"() => {curves}.length > {length}")  # the curves go on growing
    page.click("[data-testid='pause']")
    page.wait_for_function(f"() => {curves}.frozen === null && {curves}.el.layout.yaxis.automargin === true")


def test_the_lowest_loss_and_its_line_on_the_curves_move_together_in_the_curves_redraw(page: Any, server: str) -> None:
    # The spiral's test loss reaches new lows every few epochs.
    open_playground(page, f"{server}/?dataset=spiral&hidden=8,8&activation=tanh&lr=0.03&batch=10&speed=max")
    page.click("[data-testid='play']")
    curves = "window.playground.display.curves"
    page.wait_for_function(f"() => {curves}.frozen !== null")
    # Every Plotly.relayout of the curves from here on, while the run plays.
    page.evaluate(
        f"""() => {{
            const c = {curves};
            const plotly = c.Plotly;
            window.relayouts = 0;
            const relayout = (...args) => {{
                window.relayouts += 1;
                return plotly.relayout(...args);
            }};
            c.Plotly = {{ ...plotly, relayout }};
        }}"""
    )
    seen = set()
    for _ in range(30):
        shown = page.evaluate(
            f"""() => {{
                const button = document.querySelector("[data-testid='restore-best']");
                const text = document.querySelector("[data-testid='best-epoch']").textContent;
                const lines = {curves}.el._fullLayout.shapes.map((s) => s.x0);
                return [button.hidden ? null : Number(button.textContent.replace('Restore epoch ', '')), text, lines];
            }}"""
        )
        restore, text, lines = shown
        assert lines == ([] if restore is None else [restore]), shown
        if restore is not None:
            assert text.endswith(f"at epoch {restore}")
        seen.add(text)
        page.wait_for_timeout(150)
    assert len(seen) >= 2  # the lowest loss did move while we looked
    assert page.evaluate("() => window.relayouts") == 0
