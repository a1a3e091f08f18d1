"""Lean frames: a frame without maps, as one binary message; the page draws the maps itself.

Layout (little-endian throughout):

- 4 bytes: H, the header's length in bytes (unsigned 32-bit);
- H bytes: the header, UTF-8 JSON: type, version, config_version, state, history_tail,
  network ({"features", "activation", "leaky_slope", "sizes", "output"}) and config when
  the watcher has not seen it, the same values a full frame carries;
- zero bytes up to the next multiple of 4 from the start of the message;
- float32 parameters: per layer, its weights row-major (fan_in x fan_out) then its biases.

As with full frames, the shared part (everything but the history tail and the config)
is encoded once per session version and joined with each watcher's head.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson

from app.outputs import frames
from app.training.history import Record
from app.training.session import Session

LENGTH = struct.Struct("<I")
ALIGN = 4


@dataclass(frozen=True)
class LeanBody:
    """What every watcher of one session version shares: the header's JSON and the parameters."""

    header: str  # a JSON object without the watcher's head
    params: bytes

    def assemble(self, tail: list[Record], config: dict[str, Any] | None = None) -> bytes:
        """One watcher's lean frame: its head spliced into the shared header, then the parameters."""
        header = frames.assemble(self.header, tail, config).encode()
        pad = -(LENGTH.size + len(header)) % ALIGN
        return b"".join((LENGTH.pack(len(header)), header, bytes(pad), self.params))


def network(session: Session) -> dict[str, Any]:
    """What the page needs to run the net over its own grid, besides the parameters."""
    config = session.config
    return {
        "features": list(session.features),
        "activation": config.activation,
        "leaky_slope": config.leaky_slope,
        "sizes": session.model.sizes,
        "output": session.loss.head,
    }


def params(session: Session) -> bytes:
    """Every layer's weights (row-major) then biases, layer by layer, as little-endian float32."""
    parts = [part for layer in session.model.layers for part in (layer.W.ravel(), layer.b)]
    return np.concatenate(parts).astype("<f4").tobytes()


def body(session: Session, version: int, config_version: int, playing: bool) -> LeanBody:
    """The shared part of a lean frame, encoded once per version."""
    header = (
        f'{{"version":{version},"config_version":{config_version},'
        f'"state":{frames.state_json(session, playing)},"network":{orjson.dumps(network(session)).decode()}}}'
    )
    return LeanBody(header, params(session))
