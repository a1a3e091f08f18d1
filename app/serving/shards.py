"""Sessions sharded across worker processes, one per core.

Python runs one thread of Python at a time per process, so one process holds
about one core's worth of training and frames. A ShardedHost starts worker
processes (app/serving/worker.py), places each new session on the least busy one and
forwards every call for it there: it is a Host (app/serving/protocol.py), like
a SessionHost.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import socket
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from app.outputs.frames import MapSettings
from app.serving import rpc
from app.serving.protocol import FrameOut, SessionNotFound, StepState
from app.training.config import Config
from app.training.session import Unit

log = logging.getLogger("neural_playground")


class WorkerLost(SessionNotFound):
    """The worker process holding a session stopped; its sessions are gone."""


class WorkerClient:
    """Calls into one worker process over a socket pair."""

    def __init__(self, index: int, chunk_seconds: float, on_lost: Callable[[WorkerClient], None]) -> None:
        self.index = index
        self.chunk_seconds = chunk_seconds
        self.on_lost = on_lost
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self.ids = itertools.count(1)
        self.alive = False
        self.closing = False

    async def start(self) -> WorkerClient:
        parent, child = socket.socketpair()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app.serving.worker",
                "--fd",
                str(child.fileno()),
                "--chunk-seconds",
                str(self.chunk_seconds),
            ],
            pass_fds=[child.fileno()],
        )
        child.close()
        self.reader, self.writer = await asyncio.open_connection(sock=parent)
        self.alive = True
        self.reading = asyncio.create_task(self._read(), name=f"worker-{self.index}")
        return self

    async def _read(self) -> None:
        try:
            while True:
                call_id, ok, value = await rpc.read(self.reader)
                future = self.pending.pop(call_id, None)
                if future is None or future.done():
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.alive = False
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(WorkerLost("worker stopped"))
            self.pending.clear()
            if not self.closing:
                log.error("worker %d (pid %d) stopped; its sessions are lost", self.index, self.process.pid)
                self.on_lost(self)

    async def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if not self.alive:
            raise WorkerLost("worker stopped")
        call_id = next(self.ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending[call_id] = future
        rpc.write(self.writer, (call_id, method, args, kwargs))
        try:
            return await future
        except asyncio.CancelledError:
            if self.pending.pop(call_id, None) is not None and self.alive:
                rpc.write(self.writer, (call_id, "cancel"))
            raise

    async def close(self) -> None:
        self.closing = True
        if self.alive:
            self.writer.close()
        try:
            await asyncio.wait_for(asyncio.to_thread(self.process.wait), 5)
        except TimeoutError:
            self.process.kill()
        self.reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.reading


class ShardedHost:
    def __init__(self, workers: list[WorkerClient]) -> None:
        self.workers = workers
        self._where: dict[str, WorkerClient] = {}
        self.on_lost: Callable[[list[str]], None] = lambda session_ids: None  # the session store frees them

    @classmethod
    async def start(cls, count: int, chunk_seconds: float) -> ShardedHost:
        host = cls([])
        host.workers = [await WorkerClient(i, chunk_seconds, host._lost).start() for i in range(count)]
        return host

    def _lost(self, worker: WorkerClient) -> None:
        lost = [s for s, w in self._where.items() if w is worker]
        for sid in lost:
            del self._where[sid]
        self.on_lost(lost)
        replacement = WorkerClient(worker.index, worker.chunk_seconds, self._lost)
        self.workers[worker.index] = replacement
        asyncio.get_running_loop().create_task(replacement.start())

    def __contains__(self, session_id: str) -> bool:
        return session_id in self._where

    def __len__(self) -> int:
        return len(self._where)

    def ids(self) -> list[str]:
        return list(self._where)

    def _worker(self, session_id: str) -> WorkerClient:
        worker = self._where.get(session_id)
        if worker is None:
            raise SessionNotFound(session_id)
        return worker

    def _least_busy(self) -> WorkerClient:
        load = {id(w): 0 for w in self.workers}
        for w in self._where.values():
            load[id(w)] = load.get(id(w), 0) + 1
        return min((w for w in self.workers if w.alive), key=lambda w: load[id(w)])

    async def _place(self, session_id: str, method: str, *args: Any) -> dict[str, Any]:
        worker = self._least_busy()
        self._where[session_id] = worker
        try:
            return await worker.call(method, session_id, *args)
        except BaseException:
            self._where.pop(session_id, None)
            raise

    async def create(self, session_id: str, config: Config) -> dict[str, Any]:
        return await self._place(session_id, "create", config)

    async def create_from_document(self, session_id: str, document: dict[str, Any]) -> dict[str, Any]:
        return await self._place(session_id, "create_from_document", document)

    async def delete(self, session_id: str) -> None:
        worker = self._where.pop(session_id, None)
        if worker is None:
            raise SessionNotFound(session_id)
        with contextlib.suppress(SessionNotFound):
            await worker.call("delete", session_id)

    async def close(self) -> None:
        await asyncio.gather(*(w.close() for w in self.workers))

    async def _call(self, session_id: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """The host's ``method``, in the worker that holds the session."""
        return await self._worker(session_id).call(method, session_id, *args, **kwargs)

    async def view(self, session_id: str) -> dict[str, Any]:
        return await self._call(session_id, "view")

    async def query(self, session_id: str, name: str, **kwargs: Any) -> Any:
        return await self._call(session_id, "query", name, **kwargs)

    async def frame(self, session_id: str, since_epoch: int, maps: MapSettings, config_version: int) -> FrameOut:
        return await self._call(session_id, "frame", since_epoch, maps, config_version)

    async def next_frame(
        self, session_id: str, after_version: int, since_epoch: int, maps: MapSettings, config_version: int
    ) -> FrameOut:
        return await self._call(session_id, "next_frame", after_version, since_epoch, maps, config_version)

    async def add_watcher(self, session_id: str, fps: int) -> int:
        return await self._call(session_id, "add_watcher", fps)

    async def set_watcher_fps(self, session_id: str, watcher: int, fps: int) -> None:
        await self._call(session_id, "set_watcher_fps", watcher, fps)

    async def remove_watcher(self, session_id: str, watcher: int) -> None:
        await self._call(session_id, "remove_watcher", watcher)

    async def patch(self, session_id: str, patch: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        return await self._call(session_id, "patch", patch)

    async def set_parameter(self, session_id: str, layer: int, unit: int, source: int | None, value: float) -> None:
        await self._call(session_id, "set_parameter", layer, unit, source, value)

    async def reset(self, session_id: str) -> dict[str, Any]:
        return await self._call(session_id, "reset")

    async def go_back(self, session_id: str, epoch: int | None) -> dict[str, Any]:
        return await self._call(session_id, "go_back", epoch)

    async def step(self, session_id: str, steps: int, unit: Unit) -> StepState:
        return await self._call(session_id, "step", steps, unit)

    async def play(self, session_id: str, speed: float) -> None:
        await self._call(session_id, "play", speed)

    async def pause(self, session_id: str) -> None:
        await self._call(session_id, "pause")
