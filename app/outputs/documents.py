"""The model document: a session's config, weights and history as plain data.

Export and import are inverse: importing a document gives a session that
predicts exactly what the exported one did, and exporting it again gives the
same document. JSON keeps float64 exactly (Python writes the shortest repr
that reads back to the same number).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from app.outputs.document_schema import DOCUMENT_FORMAT, ModelDocument
from app.training.errors import FieldError
from app.training.history import History
from app.training.session import Session


def layer_names(session: Session) -> list[str]:
    """Each layer's activation; the output layer names the loss's head."""
    hidden = session.model.activation.name
    return [hidden] * (len(session.model.layers) - 1) + [session.loss.head]


def network(session: Session, gradients: bool = False) -> dict[str, Any]:
    """Weights and biases per layer, and if asked the full-batch gradients."""
    if gradients:
        session.full_gradient()
    layers = []
    for name, layer in zip(layer_names(session), session.model.layers, strict=True):
        doc: dict[str, Any] = {"activation": name, "weights": layer.W.tolist(), "biases": layer.b.tolist()}
        if gradients:
            doc["weight_gradients"] = layer.dW.tolist()
            doc["bias_gradients"] = layer.db.tolist()
        layers.append(doc)
    return {"features": list(session.features), "layers": layers}


def export_document(session: Session) -> dict[str, Any]:
    return {
        "format": DOCUMENT_FORMAT,
        "config": session.config.model_dump(mode="json"),
        "layers": network(session)["layers"],
        "history": session.history.to_list(),
        "state": {"epoch": session.epoch, "step": session.step_count},
    }


def session_from_document(document: dict[str, Any] | ModelDocument) -> Session:
    """A new session with the document's config, weights, history and counters.

    Raises FieldError naming the layer when the weights do not fit the config.
    """
    doc = document if isinstance(document, ModelDocument) else ModelDocument.model_validate(document)
    session = Session(doc.config)
    model = session.model
    if len(doc.layers) != len(model.layers):
        raise FieldError(
            ("layers",), f"the config builds {len(model.layers)} layers, the document has {len(doc.layers)}"
        )
    params = np.empty_like(model.params)
    for k, (given, layer, (w, b)) in enumerate(zip(doc.layers, model.layers, model.layer_slices(), strict=True)):
        try:
            weights = np.asarray(given.weights, dtype=np.float64)
        except ValueError:
            raise FieldError(("layers", k, "weights"), "rows of different lengths") from None
        biases = np.asarray(given.biases, dtype=np.float64)
        if weights.shape != layer.W.shape:
            raise FieldError(("layers", k, "weights"), f"expected {layer.fan_in} rows of {layer.fan_out}")
        if biases.shape != layer.b.shape:
            raise FieldError(("layers", k, "biases"), f"expected {layer.fan_out} values")
        params[w] = weights.ravel()
        params[b] = biases
    history = History.from_list([r.model_dump() for r in doc.history])
    session.load_weights(params, history, epoch=doc.state.epoch, step=doc.state.step)
    return session
