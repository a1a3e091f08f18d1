"""One point's trip through the network: the forward pass, the backward pass, the update.

Every number is the engine's own (app/nn): the model's Dense layers run forward
and backward on a batch of that one point, so the mean loss is the point's loss
and each layer's gradients are the chain rule's products for it. The gradients
are of the data loss only, as the chain rule in the notes derives it; the weight
penalty, if the session has one, comes beside them and is not added in. The
update is one plain gradient step, w - learning_rate * dL/dw, worked out on a
copy: the session's weights, gradients and optimizer are left as they were.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from app.nn import regularizers
from app.nn.arrays import Array
from app.nn.features import feature_matrix
from app.nn.layers import Dense
from app.training.errors import FieldError
from app.training.session import Session

# dL/dz of the output layer, as each loss and its output function give it together (y: the target).
OUTPUT_GRADIENTS = {
    ("cross_entropy", "sigmoid"): "dL/dz = p − y (sigmoid and cross-entropy together)",
    ("cross_entropy", "softmax"): "dL/dz = p − y (softmax and cross-entropy together)",
    ("mse", "linear"): "dL/dz = 2 (ŷ − y)",
    ("mse", "sigmoid"): "dL/dz = 2 (p − y) × p (1 − p)",
    ("mse", "softmax"): "dL/dz = the softmax's Jacobian times 2 (p − y)",
    ("hinge", "sigmoid"): "dL/dz = −y where y z < 1, else 0 (y = ±1)",
}


def target(session: Session, label: float) -> Array:
    """The loss's target row for ``label``: a class index, or a value for regression."""
    if session.config.task == "regression":
        return session.loss.targets(np.array([label]))
    classes = session.loss.outputs if session.loss.outputs > 1 else 2
    if label != int(label) or not 0 <= label < classes:
        raise FieldError(("query", "label"), f"must be a class index, 0..{classes - 1}")
    return session.loss.targets(np.array([int(label)]))


def backprop(session: Session, x1: float, x2: float, label: float) -> dict[str, Any]:
    """Forward and backward pass of the point (x1, x2) with ``label``, layer by layer.

    Per layer k (fan_in -> fan_out): its weights (fan_in x fan_out) and biases, z and a
    (fan_out,), dL_da (null for the output layer, whose dL/dz the loss gives directly),
    f'(z) (null for the output layer), dL_dz (fan_out,), dL_dW (fan_in x fan_out), dL_db.
    """
    model, loss = session.model, session.loss
    t = target(session, label)
    x = feature_matrix(session.features, np.array([[x1, x2]], dtype=np.float64))
    saved = model.grads.copy()
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            scores = model(x)
            value = loss.value(scores, t)
            d = loss.gradient(scores, t)
            layers = [_layer(layer) for layer in model.layers]
            for k in range(len(model.layers) - 1, -1, -1):
                layers[k]["dL_da"] = None if k == len(model.layers) - 1 else d[0].tolist()
                d = model.layers[k].backward(d, input_grad=k > 0)  # type: ignore[assignment]
                layers[k]["dL_dW"] = model.layers[k].dW.tolist()
                # One point: the bias gradient is dL/dz itself (a sum over a batch of one).
                layers[k]["dL_dz"] = layers[k]["dL_db"] = model.layers[k].db.tolist()
        gradient = model.grads.copy()
    finally:
        model.grads[:] = saved
    output = layers[-1]
    output["a"] = loss.output(scores)[0].tolist()
    if not (math.isfinite(value) and np.isfinite(gradient).all() and all(map(_finite, layers))):
        raise FieldError(("query", "x1"), "the point is so far out that the network's numbers overflow")
    lr = session.learning_rate
    after = model.params - lr * gradient
    reg = session.config.regularization
    return {
        "features": list(session.features),
        "inputs": x[0].tolist(),
        "target": t[0].tolist(),
        "loss": value,
        "loss_name": session.config.loss,
        "output_function": loss.head,
        "output_gradient": OUTPUT_GRADIENTS[(session.config.loss, loss.head)],
        "activation": session.config.activation,
        "layers": layers,
        "penalty": _penalty(session, reg.kind, reg.rate),
        "update": {
            "learning_rate": lr,
            "rule": "w − learning_rate × dL/dw, with this point's data-loss gradient alone",
            "weights_after": [after[w].reshape(layer.W.shape).tolist() for layer, (w, _) in _slices(session)],
            "biases_after": [after[b].tolist() for _, (_, b) in _slices(session)],
        },
    }


def _layer(layer: Dense) -> dict[str, Any]:
    """The forward half of a layer's row: its parameters, z, a and f'(z)."""
    _, z, a = layer.seen
    act = layer.activation
    slope = None if act is None else act.df(z, a)[0].tolist()
    return {
        "weights": layer.W.tolist(),
        "biases": layer.b.tolist(),
        "z": z[0].tolist(),
        "a": a[0].tolist(),
        "df_dz": slope,
    }


def _finite(layer: dict[str, Any]) -> bool:
    return all(
        np.isfinite(layer[key]).all() for key in ("z", "a", "dL_dz") + (() if layer["dL_da"] is None else ("dL_da",))
    )


def _slices(session: Session) -> list[tuple[Dense, tuple[slice, slice]]]:
    model = session.model
    return list(zip(model.layers, model.layer_slices(), strict=True))


def _penalty(session: Session, kind: str, rate: float) -> dict[str, Any]:
    """The weight penalty's value and gradient per layer (null without one): never in dL_dW."""
    model = session.model
    if kind == "none" or rate == 0.0:
        return {"kind": kind, "rate": rate, "value": 0.0, "weight_gradients": None}
    grad = np.zeros(model.n_weights)
    regularizers.add_gradient(kind, rate, model.weights, grad)
    return {
        "kind": kind,
        "rate": rate,
        "value": regularizers.penalty(kind, rate, model.weights),
        "weight_gradients": [grad[w].reshape(layer.W.shape).tolist() for layer, (w, _) in _slices(session)],
    }
