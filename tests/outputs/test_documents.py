from __future__ import annotations

import json

import numpy as np
import pytest
from pydantic import ValidationError

from app.outputs.documents import export_document, network, session_from_document
from tests.conftest import make_session


def test_export_import_export_is_identical_and_predicts_the_same() -> None:
    s = make_session(dataset={"name": "spiral", "classes": 3}, hidden_layers=[6, 5], optimizer={"name": "adam"})
    s.step(15, "epoch")
    doc = json.loads(json.dumps(export_document(s)))
    assert doc["format"] == "neural-playground/1"
    assert [len(layer["weights"]) for layer in doc["layers"]] == [2, 6, 5]
    assert [layer["activation"] for layer in doc["layers"]] == ["tanh", "tanh", "softmax"]
    clone = session_from_document(doc)
    grid = np.random.default_rng(0).uniform(-6, 6, (200, 2))
    assert np.array_equal(clone.predict(grid), s.predict(grid))
    assert json.loads(json.dumps(export_document(clone))) == doc
    assert clone.state() == s.state()


def test_import_rejects_weights_that_do_not_fit() -> None:
    doc = export_document(make_session(hidden_layers=[4]))
    doc["layers"][0]["weights"] = [[0.0] * 3] * 2
    with pytest.raises(ValueError, match=r"layers\.0\.weights"):
        session_from_document(doc)
    doc = export_document(make_session(hidden_layers=[4]))
    doc["layers"] = doc["layers"][:1]
    with pytest.raises(ValueError, match="layers"):
        session_from_document(doc)
    doc = export_document(make_session())
    doc["format"] = "other/2"
    with pytest.raises(ValidationError):
        session_from_document(doc)


def test_network_gradients_match_finite_differences() -> None:
    s = make_session(hidden_layers=[3], regularization={"kind": "l2", "rate": 0.05})
    s.step(3, "epoch")
    net = network(s, gradients=True)
    analytic = np.array(net["layers"][0]["weight_gradients"])
    eps = 1e-5
    numeric = np.zeros_like(analytic)
    w = s.model.layers[0].W
    for i in range(w.shape[0]):
        for j in range(w.shape[1]):
            old = w[i, j]
            w[i, j] = old + eps
            up = s.objective()
            w[i, j] = old - eps
            down = s.objective()
            w[i, j] = old
            numeric[i, j] = (up - down) / (2 * eps)
    assert np.abs(analytic - numeric).max() / np.abs(numeric).max() < 1e-6
