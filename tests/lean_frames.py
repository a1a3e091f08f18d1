"""Reading lean frames (app/outputs/lean.py) the way a client does, for tests."""

from __future__ import annotations

import json
import struct
from typing import Any

import numpy as np
from numpy.typing import NDArray


def decode(message: bytes) -> tuple[dict[str, Any], NDArray[np.float32]]:
    """The header and the float32 parameters; checks the length prefix and the zero padding."""
    (size,) = struct.unpack_from("<I", message)
    end = 4 + size
    start = end + -end % 4
    assert message[end:start] == bytes(start - end), "padding is zero bytes"
    assert (len(message) - start) % 4 == 0
    return json.loads(message[4:end].decode("utf-8")), np.frombuffer(message, dtype="<f4", offset=start)


def network_params(network: dict[str, Any]) -> NDArray[np.float32]:
    """GET /network's weights as the lean frame lays them out: per layer, weights row-major then biases."""
    parts = [
        np.asarray(part, dtype=np.float64).ravel()
        for layer in network["layers"]
        for part in (layer["weights"], layer["biases"])
    ]
    return np.concatenate(parts).astype(np.float32)
