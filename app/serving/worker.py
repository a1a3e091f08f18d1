"""A worker process: a SessionHost serving calls from the server over an inherited socket.

    python -m app.serving.worker --fd 5 [--chunk-seconds 0.03]

Each call is (id, method, args, kwargs) and gets (id, ok, result or exception);
(id, "cancel") cancels a call (a watcher that left stops waiting for frames).
Computation runs inline on this process's event loop: with one process per core
there is no thread hand-off and no lock contention, only fair turns between sessions.

Calls are read in the event loop's I/O callback, and a frame that is ready is
answered there and then: a task would first wait for a whole turn of every
session's training, twice.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import pickle
import signal
import socket
from typing import Any

from app.serving import allocator, rpc
from app.serving.host import SessionHost


class WorkerProtocol(asyncio.Protocol):
    def __init__(self, host: SessionHost, closed: asyncio.Future[None]) -> None:
        self.host = host
        self.closed = closed
        self.buffer = bytearray()
        self.calls: dict[int, asyncio.Task[None]] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        size = rpc.HEADER.size
        while len(self.buffer) >= size:
            (length,) = rpc.HEADER.unpack_from(self.buffer)
            if len(self.buffer) < size + length:
                return
            message = pickle.loads(self.buffer[size : size + length])
            del self.buffer[: size + length]
            self.dispatch(message)

    def reply(self, call_id: int, ok: bool, value: Any) -> None:
        data = pickle.dumps((call_id, ok, value), protocol=pickle.HIGHEST_PROTOCOL)
        self.transport.write(rpc.HEADER.pack(len(data)) + data)

    def dispatch(self, message: tuple[Any, ...]) -> None:
        if message[1] == "cancel":
            task = self.calls.get(message[0])
            if task is not None:
                task.cancel()
            return
        call_id, method, args, kwargs = message
        if method == "next_frame":
            try:
                frame = self.host.ready_frame(*args, **kwargs)
            except Exception as exc:
                self.reply(call_id, False, exc)
                return
            if frame is not None:
                self.reply(call_id, True, frame)
                return
        self.calls[call_id] = asyncio.get_running_loop().create_task(self.run(call_id, method, args, kwargs))

    async def run(self, call_id: int, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        try:
            if method not in rpc.CALLS:
                raise AttributeError(f"no such call: {method}")
            result = await getattr(self.host, method)(*args, **kwargs)
            self.reply(call_id, True, result)
        except asyncio.CancelledError:
            return
        except Exception as exc:
            self.reply(call_id, False, exc)
        finally:
            self.calls.pop(call_id, None)


async def trim_heap(host: SessionHost, check_seconds: float = 1.0, every_seconds: float = 30.0) -> None:
    """Give free heap memory back soon after sessions go, and every ``every_seconds`` anyway.

    A deleted large session leaves tens of MB of free holes that malloc would otherwise keep.
    """
    held, since = len(host), 0.0
    while True:
        await asyncio.sleep(check_seconds)
        since += check_seconds
        if len(host) < held or since >= every_seconds:
            await asyncio.to_thread(allocator.release_free_memory)
            since = 0.0
        held = len(host)


async def serve(sock: socket.socket, chunk_seconds: float) -> None:
    host = SessionHost(chunk_seconds=chunk_seconds, inline=True)
    loop = asyncio.get_running_loop()
    closed: asyncio.Future[None] = loop.create_future()
    transport, protocol = await loop.create_connection(lambda: WorkerProtocol(host, closed), sock=sock)
    trimmer = loop.create_task(trim_heap(host))
    try:
        await closed  # the server has gone: so do we
    finally:
        trimmer.cancel()
        for task in protocol.calls.values():
            task.cancel()
        transport.close()
        await host.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--chunk-seconds", type=float, default=0.02)
    args = parser.parse_args()
    # Ctrl-C goes to the whole process group; the server shuts its workers down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.socket(fileno=args.fd)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(sock, args.chunk_seconds))
    os._exit(0)


if __name__ == "__main__":
    main()
