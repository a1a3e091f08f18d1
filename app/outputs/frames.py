"""Frames: what a watcher of a session receives, as JSON text.

A frame is built in two parts. The *body* (state, output map, hidden-unit
maps, weights) is the same for every watcher of a session at a given
version and map resolution, so it is encoded once and cached. The *head*
(the history points new to this watcher, and the config when it changed)
is per watcher and tiny. ``assemble`` joins them without re-encoding the body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import orjson

from app.outputs.maps import session_frame_maps
from app.training.history import Record
from app.training.metrics import SessionState
from app.training.session import Session

TAIL_LIMIT = 64


@dataclass(frozen=True)
class MapSettings:
    """Resolutions a watcher asked for: the output map and each hidden unit's map; or
    ``lean``: no maps at all, the binary lean frame (app/outputs/lean.py) instead."""

    boundary: int = 100
    neurons: int = 12
    lean: bool = False


def _rounded_layers(session: Session) -> dict[str, list[dict[str, np.ndarray]]]:
    """Weights and biases rounded to 4 decimals for drawing (the full values are at /network)."""
    layers = session.model.layers
    return {"layers": [{"weights": _drawn(layer.W), "biases": np.round(layer.b, 4)} for layer in layers]}


def _drawn(weights: np.ndarray) -> np.ndarray:
    """Rounded, except that a weight too small to round keeps its value: the page counts exact zeros."""
    rounded = np.round(weights, 4)
    return np.where(rounded == 0.0, weights, rounded)


def weights_view(session: Session) -> dict[str, Any]:
    """The rounded weights and biases as nested lists."""
    rounded = _rounded_layers(session)
    return {"layers": [{k: a.tolist() for k, a in layer.items()} for layer in rounded["layers"]]}


def weights_json(session: Session) -> str:
    """``weights_view`` as JSON text. orjson writes these hundred-odd floats about fifteen
    times faster than json, and every frame carries them. The engine's weights are always
    finite (a diverging step is rolled back), so orjson's null for NaN never applies."""
    return orjson.dumps(_rounded_layers(session), option=orjson.OPT_SERIALIZE_NUMPY).decode()


def state_view(session: Session, playing: bool) -> SessionState:
    state = session.state()
    return replace(state, status="training") if playing and state.status == "ready" else state


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def state_json(session: Session, playing: bool) -> str:
    return _dumps(state_view(session, playing).to_dict())


def _with_data(doc: dict[str, object]) -> str:
    """A map document as JSON, its base64 "data" spliced in: base64 never needs escaping,
    and escaping-checking kilobytes of it is most of what json.dumps would spend."""
    data = doc.pop("data")
    return f'{_dumps(doc)[:-1]},"data":"{data}"}}'


def body(session: Session, maps: MapSettings, version: int, config_version: int, playing: bool) -> str:
    """The shared part of a frame, encoded once per version and resolution."""
    boundary, units = session_frame_maps(session, maps.boundary, maps.neurons)
    layers = ",".join(_with_data(layer) for layer in units)
    return (
        f'{{"version":{version},"config_version":{config_version},'
        f'"state":{state_json(session, playing)},'
        f'"boundary":{_with_data(boundary)},'
        f'"neurons":{{"resolution":{maps.neurons},"layers":[{layers}]}},'
        f'"weights":{weights_json(session)}}}'
    )


def thin(records: list[Record], limit: int = TAIL_LIMIT) -> list[Record]:
    """At most ``limit`` records, evenly spaced, always keeping the newest."""
    if len(records) <= limit:
        return records
    idx = np.linspace(0, len(records) - 1, limit).round().astype(int)
    return [records[i] for i in np.unique(idx)]


def compact(record: Record) -> dict[str, Any]:
    """A history record with 6 significant digits, plenty for a chart (GET /history has them all)."""
    return {k: float(f"{v:.6g}") if isinstance(v, float) else v for k, v in record.to_dict().items()}


def assemble(body_text: str, tail: list[Record], config: dict[str, Any] | None = None) -> str:
    """A complete frame message: the per-watcher head spliced in front of the shared body."""
    head: dict[str, Any] = {"type": "frame", "history_tail": [compact(r) for r in tail]}
    if config is not None:
        head["config"] = config
    head_text = json.dumps(head, separators=(",", ":"), allow_nan=False)
    return head_text[:-1] + "," + body_text[1:]
