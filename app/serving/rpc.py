"""Messages between the server and its worker processes: length-prefixed pickles over a stream.

Only ever used over a socket pair the server made itself, between processes it started:
the pickles come from our own code, never from the network.
"""

from __future__ import annotations

import asyncio
import inspect
import pickle
import struct
from typing import Any

from app.serving.protocol import Host

HEADER = struct.Struct("!I")

# Everything a worker answers: the Host's calls on sessions (``query`` runs any of its QUERIES).
CALLS = frozenset(name for name, member in vars(Host).items() if inspect.iscoroutinefunction(member)) - {"close"}


async def read(reader: asyncio.StreamReader) -> Any:
    """The next message; raises asyncio.IncompleteReadError when the other side has gone."""
    (size,) = HEADER.unpack(await reader.readexactly(HEADER.size))
    return pickle.loads(await reader.readexactly(size))


def write(writer: asyncio.StreamWriter, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    writer.write(HEADER.pack(len(data)) + data)
