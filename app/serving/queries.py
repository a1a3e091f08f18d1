"""Reads of a session, by name: each a function of the session and keyword arguments.

A host runs any of them with ``await host.query(session_id, name, **kwargs)``
wherever the session lives, under its lock; results are plain data (dicts, lists,
text), so they cross to another process unchanged. A new read is one function
and one row in QUERIES. A long read is a generator function: it yields between
small pieces of work and returns its result, and the host runs it in turns
(app/serving/turns.py) while no one else changes the session.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import asdict
from typing import Any, Concatenate, Literal

import numpy as np

from app.nn.landscape import random_slice
from app.outputs import checks, codegen, frames
from app.outputs.backprop import backprop
from app.outputs.documents import export_document, network
from app.outputs.frames import MapSettings
from app.outputs.maps import OutputMap, session_map, session_neuron_maps, unit_map
from app.training.errors import FieldError
from app.training.session import Session

Query = Callable[Concatenate[Session, ...], Any]


def data(s: Session, decimals: int | None = None) -> dict[str, Any]:
    sp = s.split

    def values(a: np.ndarray) -> list[Any]:
        return (a if decimals is None or a.dtype.kind == "i" else np.round(a, decimals)).tolist()

    return {
        "train": {"points": values(sp.train_points), "labels": values(sp.train_labels)},
        "test": {"points": values(sp.test_points), "labels": values(sp.test_labels)},
        "validation": {"points": values(sp.validation_points), "labels": values(sp.validation_labels)},
        "task": s.config.task,
        "classes": s.config.dataset.classes,
    }


def history(s: Session, since: int = 0) -> list[dict[str, Any]]:
    return [r.to_dict() for r in s.history.since(since)]


def boundary(
    s: Session, resolution: int, fmt: str, layer: int | None = None, unit: int | None = None
) -> dict[str, Any]:
    if layer is None or unit is None:
        return session_map(s, resolution).encode(fmt)
    hidden = s.config.hidden_layers
    if not 0 <= layer < len(hidden):
        raise FieldError(("query", "layer"), f"the network has {len(hidden)} hidden layers")
    if not 0 <= unit < hidden[layer]:
        raise FieldError(("query", "unit"), f"hidden layer {layer} has {hidden[layer]} units")
    values = unit_map(s.model, s.features, resolution, layer, unit)
    lo, hi = float(values.min()), float(values.max())
    return OutputMap(resolution, 1, values[None, :], (round(lo, 6), round(hi, 6))).encode(fmt)


def predict(s: Session, points: list[list[float]]) -> dict[str, Any]:
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    out = s.predict(p)
    if s.config.task == "regression":
        return {"task": "regression", "values": out[:, 0].tolist()}
    labels = (out[:, 0] > 0.5).astype(int) if out.shape[1] == 1 else out.argmax(axis=1)
    return {"task": "classification", "probabilities": out.tolist(), "labels": labels.tolist()}


def loss_slice(
    s: Session, resolution: int, span: float, seed: int, work: float = math.inf
) -> Generator[None, None, dict[str, Any]]:
    """A generator, run in pieces by the host (see random_slice); as fine as ``work`` allows."""
    used = checks.slice_resolution(s, resolution, work)
    parts = checks.objective_parts(s)
    axis, grid = yield from random_slice(s.model, parts, used, span, np.random.default_rng(seed))
    centre = 0.0
    for part in parts:
        centre += part()
        yield
    finite = np.where(np.isfinite(grid), grid, np.nan)
    return {
        "axis": axis.tolist(),
        "loss": [[None if np.isnan(v) else float(v) for v in row] for row in finite],
        "centre": centre,
        "epoch": s.epoch,
        "resolution": used,
        "limited": ["resolution"] if used < resolution else [],
    }


def health(s: Session) -> dict[str, Any]:
    return {
        "activation": s.config.activation,
        "epoch": s.epoch,
        "layers": [asdict(h) for h in s.layer_health()],
        "history": [{"epoch": r.epoch, "layers": [asdict(h) for h in r.layers]} for r in s.health.records],
    }


def checkpoints(s: Session) -> list[dict[str, Any]]:
    return [{"epoch": c.epoch, "step": c.step, **asdict(c.metrics)} for c in s.checkpoints.records]


def checkpoint_view(s: Session, epoch: int, maps: MapSettings) -> dict[str, Any]:
    """The maps and weights of a checkpoint, without touching the run: its weights are lent
    to the model and given back before the session's lock is released."""
    checkpoint = s.checkpoints.at(epoch)
    if checkpoint is None:
        raise FieldError(("path", "epoch"), f"no checkpoint at epoch {epoch}")
    current = s.model.params.copy()
    s.model.params[:] = checkpoint.params
    try:
        return {
            "epoch": checkpoint.epoch,
            "step": checkpoint.step,
            "metrics": asdict(checkpoint.metrics),
            "boundary": session_map(s, maps.boundary).encode("uint8"),
            "neurons": {"resolution": maps.neurons, "layers": session_neuron_maps(s, maps.neurons)},
            "weights": frames.weights_view(s),
        }
    finally:
        s.model.params[:] = current


def code(s: Session, kind: Literal["numpy", "pytorch"]) -> str:
    return codegen.numpy_script(s) if kind == "numpy" else codegen.pytorch_script(s)


def network_with_gradients(s: Session) -> dict[str, Any]:
    return network(s, gradients=True)


QUERIES: dict[str, Query] = {
    "data": data,
    "network": network_with_gradients,
    "history": history,
    "export": export_document,
    "boundary": boundary,
    "predict": predict,
    "gradient_check": checks.gradient_check,
    "collapse": checks.collapse,
    "loss_slice": loss_slice,
    "health": health,
    "checkpoints": checkpoints,
    "checkpoint_view": checkpoint_view,
    "code": code,
    "backprop": backprop,
}
