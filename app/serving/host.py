"""SessionHost: runs training sessions in this process, off the event loop.

Every computation on a session (a training chunk, a frame, a read) runs on the
compute pool while holding that session's lock, so the event loop only schedules
and never computes; in a worker process (``inline``) it runs on the loop itself
(app/serving/compute.py). Mutating operations (steps, configuration, reset,
play ticks) also hold the session's *operation* lock for their whole duration:
two step requests never interleave, yet frames and reads still get in between
the chunks of a long request (app/serving/turns.py). Pause, reset, patch and
delete first preempt the steps under way or waiting, which answer with the state
they reached. Long reads (generator queries) hold the operation lock and run in
turns too.

Frames are built only when a watcher is ready for one (``next_frame``), and one
encoded body serves every watcher at that version (app/serving/slot.py).
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
from typing import Any

from app.outputs import frames
from app.outputs.documents import session_from_document
from app.outputs.frames import MapSettings
from app.serving.compute import ComputePool
from app.serving.protocol import FrameOut, SessionNotFound, StepState
from app.serving.queries import QUERIES
from app.serving.slot import Slot
from app.serving.turns import Trainer
from app.training.config import Config, merge
from app.training.session import Session, Unit


class SessionHost:
    def __init__(self, compute_threads: int = 2, chunk_seconds: float = 0.02, inline: bool = False) -> None:
        self._slots: dict[str, Slot] = {}
        self.inline = inline
        self._pool = ComputePool(compute_threads, inline)
        self._trainer = Trainer(self._pool, chunk_seconds)
        self._watcher_ids = itertools.count(1)

    def _slot(self, session_id: str) -> Slot:
        slot = self._slots.get(session_id)
        if slot is None:
            raise SessionNotFound(session_id)
        return slot

    def __contains__(self, session_id: str) -> bool:
        return session_id in self._slots

    def __len__(self) -> int:
        return len(self._slots)

    def ids(self) -> list[str]:
        return list(self._slots)

    async def close(self) -> None:
        for sid in list(self._slots):
            await self.delete(sid)
        self._pool.shutdown()

    # ---- lifecycle ------------------------------------------------------------------------

    async def create(self, session_id: str, config: Config) -> dict[str, Any]:
        session = await self._pool.run(lambda: Session(config))
        return self._add(session_id, session)

    async def create_from_document(self, session_id: str, document: dict[str, Any]) -> dict[str, Any]:
        session = await self._pool.run(lambda: session_from_document(document))
        return self._add(session_id, session)

    def _add(self, session_id: str, session: Session) -> dict[str, Any]:
        if session_id in self._slots:
            raise ValueError(f"session {session_id} exists")
        slot = self._slots[session_id] = Slot(session)
        return _view(session_id, session, slot)

    async def delete(self, session_id: str) -> None:
        slot = self._slots.pop(session_id, None)
        if slot is None:
            raise SessionNotFound(session_id)
        slot.end(session_id)

    # ---- reads ----------------------------------------------------------------------------

    async def view(self, session_id: str) -> dict[str, Any]:
        slot = self._slot(session_id)
        return await self._pool.on(slot, lambda s: _view(session_id, s, slot))

    async def query(self, session_id: str, name: str, **kwargs: Any) -> Any:
        read = QUERIES.get(name)
        if read is None:
            raise LookupError(f"no such query: {name}")
        slot = self._slot(session_id)
        if not inspect.isgeneratorfunction(read):
            return await self._pool.on(slot, lambda s: read(s, **kwargs))
        async with slot.op_lock:  # the weights must not move between its pieces
            return await self._trainer.advance(slot, read(slot.session, **kwargs))

    # ---- frames ---------------------------------------------------------------------------

    async def frame(self, session_id: str, since_epoch: int, maps: MapSettings, config_version: int) -> FrameOut:
        slot = self._slot(session_id)
        return await self._pool.on(slot, lambda s: slot.frame(since_epoch, maps, config_version))

    def ready_frame(
        self, session_id: str, after_version: int, since_epoch: int, maps: MapSettings, config_version: int
    ) -> FrameOut | None:
        """Inline hosts only: the frame now if the session is newer than ``after_version``, else None."""
        assert self.inline, "ready_frame computes on the caller's thread"
        slot = self._slot(session_id)
        if slot.version <= after_version:
            return None
        return slot.frame(since_epoch, maps, config_version)

    async def next_frame(
        self, session_id: str, after_version: int, since_epoch: int, maps: MapSettings, config_version: int
    ) -> FrameOut:
        slot = self._slot(session_id)
        while slot.version <= after_version:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            slot.waiters.append(waiter)
            await waiter
        return await self._pool.on(slot, lambda s: slot.frame(since_epoch, maps, config_version))

    async def add_watcher(self, session_id: str, fps: int) -> int:
        slot = self._slot(session_id)
        watcher = next(self._watcher_ids)
        slot.watchers[watcher] = fps
        return watcher

    async def set_watcher_fps(self, session_id: str, watcher: int, fps: int) -> None:
        slot = self._slots.get(session_id)
        if slot is not None and watcher in slot.watchers:
            slot.watchers[watcher] = fps

    async def remove_watcher(self, session_id: str, watcher: int) -> None:
        slot = self._slots.get(session_id)
        if slot is None:
            return
        slot.watchers.pop(watcher, None)
        if not slot.watchers:
            await self._stop_playing(slot)  # play, not a step someone else asked for

    # ---- changes --------------------------------------------------------------------------

    async def patch(self, session_id: str, patch: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        slot = self._slot(session_id)
        merge(slot.session.config, patch)  # an invalid change is refused before it interrupts a step
        slot.preempt("reconfigured")
        async with slot.op_lock:
            config = merge(slot.session.config, patch)
            rebuilt = await self._pool.on(slot, lambda s: s.reconfigure(config))
            slot.bump(config=True)
            return await self.view(session_id), rebuilt

    async def set_parameter(self, session_id: str, layer: int, unit: int, source: int | None, value: float) -> None:
        slot = self._slot(session_id)
        async with slot.op_lock:
            await self._pool.on(slot, lambda s: s.set_parameter(layer, unit, source, value))
            slot.bump()

    async def reset(self, session_id: str) -> dict[str, Any]:
        slot = self._slot(session_id)
        slot.preempt("reset")
        async with slot.op_lock:
            await self._pool.on(slot, lambda s: s.reset())
            slot.bump()
            return await self.view(session_id)

    async def go_back(self, session_id: str, epoch: int | None) -> dict[str, Any]:
        slot = self._slot(session_id)
        async with slot.op_lock:
            await self._pool.on(slot, lambda s: s.go_back(epoch))
            slot.bump()
            return await self.view(session_id)

    async def step(self, session_id: str, steps: int, unit: Unit) -> StepState:
        """Counters and metrics change only under the operation lock, which this holds,
        so reading them here needs no trip to a compute thread."""
        slot = self._slot(session_id)
        preemptions = slot.preemptions
        slot.stepping += 1
        try:
            async with slot.op_lock:
                batches = slot.session.batches_for_epochs(steps) if unit == "epoch" else steps
                interrupted = await self._trainer.train(slot, batches, preemptions)
                await self._pool.on(slot, lambda s: s.refresh())
                state = frames.state_view(slot.session, slot.playing)
        finally:
            slot.stepping -= 1
            slot.bump()
        if not interrupted:
            return StepState(**vars(state))
        why = f"stopped at epoch {state.epoch}, step {state.step}: the session was {slot.preempted_by}"
        return StepState(**vars(state), interrupted=True, interruption=why)

    async def play(self, session_id: str, speed: float) -> None:
        slot = self._slot(session_id)
        slot.speed = speed
        if slot.player is None:
            slot.player = asyncio.create_task(self._trainer.play(slot), name=f"play-{session_id[:6]}")
        slot.bump()

    async def pause(self, session_id: str) -> None:
        slot = self._slot(session_id)
        slot.preempt("paused")
        await self._stop_playing(slot)

    async def _stop_playing(self, slot: Slot) -> None:
        if not slot.playing:
            return
        slot.speed = None
        if slot.player is not None:
            await asyncio.shield(slot.player)
        slot.bump()


def _view(session_id: str, session: Session, slot: Slot) -> dict[str, Any]:
    return {
        "id": session_id,
        "config": session.config.model_dump(mode="json"),
        "state": frames.state_view(session, slot.busy).to_dict(),
    }
