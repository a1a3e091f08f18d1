"""A worker process: a SessionHost serving calls from the server over an inherited socket.

    python -m app.worker --fd 5 [--chunk-seconds 0.015]

Each call is (id, method, args, kwargs) and gets (id, ok, result or exception);
(id, "cancel") cancels a call (a watcher that left stops waiting for frames).
Computation runs inline on this process's event loop: with one process per core
there is no thread hand-off and no lock contention, only fair turns between sessions.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
from typing import Any

from app import rpc
from app.host import SessionHost

CALLABLE = frozenset(
    {
        "create",
        "create_from_document",
        "delete",
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
    }
)


async def serve(sock: socket.socket, chunk_seconds: float) -> None:
    host = SessionHost(chunk_seconds=chunk_seconds, inline=True)
    reader, writer = await asyncio.open_connection(sock=sock)
    calls: dict[int, asyncio.Task[None]] = {}

    async def run(call_id: int, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        try:
            if method not in CALLABLE:
                raise AttributeError(f"no such call: {method}")
            result = await getattr(host, method)(*args, **kwargs)
            rpc.write(writer, (call_id, True, result))
        except asyncio.CancelledError:
            return
        except Exception as exc:
            rpc.write(writer, (call_id, False, exc))
        finally:
            calls.pop(call_id, None)

    try:
        while True:
            message = await rpc.read(reader)
            if message[1] == "cancel":
                task = calls.get(message[0])
                if task is not None:
                    task.cancel()
                continue
            call_id, method, args, kwargs = message
            calls[call_id] = asyncio.create_task(run(call_id, method, args, kwargs))
    except asyncio.IncompleteReadError:
        pass  # the server has gone: so do we
    finally:
        for task in calls.values():
            task.cancel()
        await host.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--chunk-seconds", type=float, default=0.015)
    args = parser.parse_args()
    # Ctrl-C goes to the whole process group; the server shuts its workers down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.socket(fileno=args.fd)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(sock, args.chunk_seconds))
    os._exit(0)


if __name__ == "__main__":
    main()
