"""Unit tests of the page's logic that does not draw (URL state, frame decoding), run in Chromium."""

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
                {script}
            }}""",
            arg,
        )

    return run


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
