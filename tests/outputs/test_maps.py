from __future__ import annotations

import base64
from typing import cast

import numpy as np
import pytest

from app.outputs.maps import grid_features, session_map, session_neuron_maps
from tests.conftest import make_session


def decode(doc: dict) -> np.ndarray:
    raw = np.frombuffer(base64.b64decode(doc["data"]), dtype=np.uint8)
    r = doc["resolution"]
    return raw.reshape(doc["planes"], r, r)


def test_grid_layout_first_row_at_bottom() -> None:
    g = grid_features(("x1", "x2"), 3)
    assert g.tolist() == [[-6, -6], [0, -6], [6, -6], [-6, 0], [0, 0], [6, 0], [-6, 6], [0, 6], [6, 6]]
    assert not g.flags.writeable


def test_binary_output_map_is_positive_class_probability() -> None:
    s = make_session(dataset={"name": "gaussian"}, hidden_layers=[])
    s.step(20, "epoch")
    doc = session_map(s, 50).encode()
    planes = decode(doc)
    assert doc["extent"] == [-6, 6, -6, 6] and doc["encoding"] == "uint8" and planes.shape == (1, 50, 50)
    # Class 1 sits at (2, 2): top-right of the grid is class 1, bottom-left class 0.
    assert planes[0, -1, -1] > 200 and planes[0, 0, 0] < 55
    expected = s.predict(np.array([[6.0, 6.0]]))[0, 0]
    assert planes[0, -1, -1] == pytest.approx(expected * 255, abs=1.5)


def test_multiclass_has_a_plane_per_class() -> None:
    s = make_session(dataset={"name": "blobs", "classes": 4})
    planes = decode(session_map(s, 20).encode())
    assert planes.shape == (4, 20, 20)
    assert np.all(np.abs(planes.astype(int).sum(axis=0) - 255) <= 4)


def test_regression_map_carries_its_range() -> None:
    s = make_session(dataset={"name": "plane"}, hidden_layers=[])
    s.step(30, "epoch")
    doc = session_map(s, 30).encode()
    lo, hi = cast(list[float], doc["range"])
    assert lo < -0.5 and hi > 0.5
    json_doc = session_map(s, 30).encode("json")
    assert np.array(json_doc["values"]).shape == (1, 30, 30)


def test_neuron_maps_cover_every_hidden_unit() -> None:
    s = make_session(hidden_layers=[5, 3])
    layers = session_neuron_maps(s, 10)
    assert [layer["units"] for layer in layers] == [5, 3]
    raw = base64.b64decode(str(layers[0]["data"]))
    assert len(raw) == 5 * 10 * 10
    assert all(scale >= 1.0 for scale in cast(list[float], layers[0]["scales"]))
