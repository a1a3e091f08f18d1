"""Messages between the server and its worker processes: length-prefixed pickles over a stream.

Only ever used over a socket pair the server made itself, between processes it started:
the pickles come from our own code, never from the network.
"""

from __future__ import annotations

import asyncio
import pickle
import struct
from typing import Any

HEADER = struct.Struct("!I")

# SessionHost calls that name a session first: forwarded to the worker that holds it.
ROUTED = (
    "view",
    "data",
    "network",
    "history",
    "export",
    "boundary",
    "predict",
    "gradient_check",
    "collapse",
    "loss_slice",
    "health",
    "checkpoints",
    "checkpoint_view",
    "go_back",
    "code",
    "frame",
    "next_frame",
    "add_watcher",
    "set_watcher_fps",
    "remove_watcher",
    "patch",
    "set_parameter",
    "put_data",
    "reset",
    "step",
    "play",
    "pause",
)

# Everything a worker answers: the routed calls, and the ones that place or remove a session.
CALLS = frozenset({"create", "create_from_document", "delete", *ROUTED})


async def read(reader: asyncio.StreamReader) -> Any:
    """The next message; raises asyncio.IncompleteReadError when the other side has gone."""
    (size,) = HEADER.unpack(await reader.readexactly(HEADER.size))
    return pickle.loads(await reader.readexactly(size))


def write(writer: asyncio.StreamWriter, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    writer.write(HEADER.pack(len(data)) + data)
