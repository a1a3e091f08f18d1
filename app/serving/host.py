"""SessionHost: runs training sessions in this process, off the event loop.

Every computation on a session (a training chunk, a frame, a read) runs in
a small pool of compute threads while holding that session's lock, so the
event loop only schedules and never computes. In a worker process (``inline``)
it runs on the loop itself, each piece after a yield so that sessions take
turns: there the loop has nothing else to do. Mutating operations (steps,
configuration, reset, play ticks) also hold the session's *operation* lock
for their whole duration: two step requests never interleave, yet frames
and reads still get in between the chunks of a long request.

Long work is cut into chunks of about ``chunk_seconds`` of compute; each
chunk re-queues behind the other sessions' work, so a 100,000-step request
on one session slows the others only by its fair share.

Every change bumps the session's version and wakes whoever waits for a
newer frame (``next_frame``): frames are built only when a watcher is ready
for one, and one encoded body serves every watcher at that version.

The host speaks plain data (dicts and JSON text), so that a host in another
process can stand in for it behind the same interface.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any, TypeVar

import numpy as np

from app.nn.landscape import random_slice
from app.outputs import checks, codegen, frames
from app.outputs.documents import export_document, network, session_from_document
from app.outputs.frames import MapSettings
from app.outputs.maps import OutputMap, session_map, session_neuron_maps, unit_map
from app.training.config import Config, merge
from app.training.errors import FieldError, NotFound
from app.training.session import MAX_STEPS, Session, SessionState, Unit

T = TypeVar("T")

MIN_TICK_FPS, MAX_TICK_FPS = 10, 60
TICKS_PER_FRAME = 1  # play ticks as often as the fastest watcher takes frames
MAX_LAG_SECONDS = 0.2


class SessionNotFound(NotFound):
    """No session with that id (never created, deleted or expired)."""

    def __init__(self, session_id: str) -> None:
        super().__init__("session not found: it never existed, was deleted, or expired")
        self.session_id = session_id


@dataclass
class Slot:
    session: Session
    lock: threading.Lock = field(default_factory=threading.Lock)
    op_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    version: int = 0
    config_version: int = 0
    waiters: list[asyncio.Future[None]] = field(default_factory=list)
    speed: float | None = None  # epochs per second while playing; inf for "max"
    player: asyncio.Task[None] | None = None
    watchers: dict[int, int] = field(default_factory=dict)  # watcher id -> frames per second
    bodies: dict[MapSettings, tuple[int, str]] = field(default_factory=dict)
    seconds_per_batch: float = 1e-4
    deleted: bool = False

    @property
    def playing(self) -> bool:
        """Training on its own: asked to play, or still finishing the chunk it was on."""
        return self.speed is not None or self.player is not None

    def tick_rate(self) -> int:
        fastest = max(self.watchers.values(), default=MIN_TICK_FPS)
        return min(max(TICKS_PER_FRAME * fastest, MIN_TICK_FPS), MAX_TICK_FPS)


@dataclass(frozen=True)
class FrameOut:
    text: str
    version: int
    epoch: int  # the newest history epoch this watcher has now seen
    config_version: int


class SessionHost:
    def __init__(self, compute_threads: int = 2, chunk_seconds: float = 0.02, inline: bool = False) -> None:
        self._slots: dict[str, Slot] = {}
        self.inline = inline
        self._executor = None if inline else ThreadPoolExecutor(compute_threads, thread_name_prefix="compute")
        self._watcher_ids = itertools.count(1)
        self.chunk_seconds = chunk_seconds
        self._training = 0  # sessions with training under way

    # ---- plumbing -------------------------------------------------------------------------

    def _slot(self, session_id: str) -> Slot:
        slot = self._slots.get(session_id)
        if slot is None:
            raise SessionNotFound(session_id)
        return slot

    async def _compute(self, slot: Slot, fn: Callable[[Session], T], turn: bool = False) -> T:
        """Run ``fn`` on the session. Inline, short work (frames, reads) runs at once, while
        training (``turn``) first lets everything else that is ready go: frames stay on time
        and, when there is too little CPU, it is training that slows down, evenly."""
        if self.inline:
            if turn:
                await asyncio.sleep(0)
            return fn(slot.session)

        def locked() -> T:
            with slot.lock:
                return fn(slot.session)

        return await asyncio.get_running_loop().run_in_executor(self._executor, locked)

    async def _run(self, fn: Callable[[], T]) -> T:
        if self.inline:
            return fn()
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    def _bump(self, slot: Slot, config: bool = False) -> None:
        slot.version += 1
        if config:
            slot.config_version += 1
        waiters, slot.waiters = slot.waiters, []
        for w in waiters:
            if not w.done():
                w.set_result(None)

    @staticmethod
    def _view(session_id: str, session: Session, slot: Slot) -> dict[str, Any]:
        return {
            "id": session_id,
            "config": session.config.model_dump(mode="json"),
            "state": frames.state_view(session, slot.playing),
        }

    def __contains__(self, session_id: str) -> bool:
        return session_id in self._slots

    def __len__(self) -> int:
        return len(self._slots)

    def ids(self) -> list[str]:
        return list(self._slots)

    # ---- lifecycle ------------------------------------------------------------------------

    async def create(self, session_id: str, config: Config) -> dict[str, Any]:
        session = await self._run(lambda: Session(config))
        return self._add(session_id, session)

    async def create_from_document(self, session_id: str, document: dict[str, Any]) -> dict[str, Any]:
        session = await self._run(lambda: session_from_document(document))
        return self._add(session_id, session)

    def _add(self, session_id: str, session: Session) -> dict[str, Any]:
        if session_id in self._slots:
            raise ValueError(f"session {session_id} exists")
        slot = self._slots[session_id] = Slot(session)
        return self._view(session_id, session, slot)

    async def delete(self, session_id: str) -> None:
        slot = self._slots.pop(session_id, None)
        if slot is None:
            raise SessionNotFound(session_id)
        slot.deleted = True
        slot.speed = None
        if slot.player is not None:
            slot.player.cancel()
        waiters, slot.waiters = slot.waiters, []
        for w in waiters:
            if not w.done():
                w.set_exception(SessionNotFound(session_id))

    async def close(self) -> None:
        for sid in list(self._slots):
            await self.delete(sid)
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    # ---- reads ----------------------------------------------------------------------------

    async def view(self, session_id: str) -> dict[str, Any]:
        slot = self._slot(session_id)
        return await self._compute(slot, lambda s: self._view(session_id, s, slot))

    async def data(self, session_id: str, decimals: int | None = None) -> dict[str, Any]:
        def read(s: Session) -> dict[str, Any]:
            sp = s.split

            def values(a: np.ndarray) -> list[Any]:
                return (a if decimals is None or a.dtype.kind == "i" else np.round(a, decimals)).tolist()

            return {
                "train": {"points": values(sp.train_points), "labels": values(sp.train_labels)},
                "test": {"points": values(sp.test_points), "labels": values(sp.test_labels)},
                "task": s.config.task,
                "classes": s.config.dataset.classes,
            }

        return await self._compute(self._slot(session_id), read)

    async def network(self, session_id: str) -> dict[str, Any]:
        return await self._compute(self._slot(session_id), lambda s: network(s, gradients=True))

    async def history(self, session_id: str, since: int = 0) -> list[dict[str, Any]]:
        return await self._compute(self._slot(session_id), lambda s: [r.to_dict() for r in s.history.since(since)])

    async def export(self, session_id: str) -> dict[str, Any]:
        return await self._compute(self._slot(session_id), export_document)

    async def boundary(
        self, session_id: str, resolution: int, fmt: str, layer: int | None = None, unit: int | None = None
    ) -> dict[str, Any]:
        def read(s: Session) -> dict[str, Any]:
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

        return await self._compute(self._slot(session_id), read)

    async def predict(self, session_id: str, points: list[list[float]]) -> dict[str, Any]:
        def read(s: Session) -> dict[str, Any]:
            p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
            out = s.predict(p)
            if s.config.task == "regression":
                return {"task": "regression", "values": out[:, 0].tolist()}
            labels = (out[:, 0] > 0.5).astype(int) if out.shape[1] == 1 else out.argmax(axis=1)
            return {"task": "classification", "probabilities": out.tolist(), "labels": labels.tolist()}

        return await self._compute(self._slot(session_id), read)

    async def gradient_check(self, session_id: str, per_layer: int) -> dict[str, Any]:
        return await self._compute(self._slot(session_id), lambda s: checks.gradient_check(s, per_layer))

    async def collapse(self, session_id: str) -> dict[str, Any]:
        return await self._compute(self._slot(session_id), checks.collapse)

    async def loss_slice(self, session_id: str, resolution: int, span: float, seed: int) -> dict[str, Any]:
        def read(s: Session) -> dict[str, Any]:
            axis, grid = random_slice(s.model, s.objective, resolution, span, np.random.default_rng(seed))
            finite = np.where(np.isfinite(grid), grid, np.nan)
            return {
                "axis": axis.tolist(),
                "loss": [[None if np.isnan(v) else float(v) for v in row] for row in finite],
                "centre": s.objective(),
                "epoch": s.epoch,
            }

        return await self._compute(self._slot(session_id), read)

    async def health(self, session_id: str) -> dict[str, Any]:
        def read(s: Session) -> dict[str, Any]:
            return {
                "activation": s.config.activation,
                "epoch": s.epoch,
                "layers": [asdict(h) for h in s.layer_health()],
                "history": [{"epoch": r.epoch, "layers": [asdict(h) for h in r.layers]} for r in s.health.records],
            }

        return await self._compute(self._slot(session_id), read)

    async def checkpoints(self, session_id: str) -> list[dict[str, Any]]:
        def read(s: Session) -> list[dict[str, Any]]:
            return [{"epoch": c.epoch, "step": c.step, **asdict(c.metrics)} for c in s.checkpoints.records]

        return await self._compute(self._slot(session_id), read)

    async def checkpoint_view(self, session_id: str, epoch: int, maps: MapSettings) -> dict[str, Any]:
        """The maps and weights of a checkpoint, without touching the run."""

        def read(s: Session) -> dict[str, Any]:
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

        return await self._compute(self._slot(session_id), read)

    async def go_back(self, session_id: str, epoch: int | None) -> dict[str, Any]:
        """Continue from a checkpoint, or (None) from the epoch with the lowest test loss."""
        slot = self._slot(session_id)
        async with slot.op_lock:
            await self._compute(slot, lambda s: s.go_back(epoch))
            self._bump(slot)
            return await self.view(session_id)

    async def code(self, session_id: str, kind: str) -> str:
        make = codegen.numpy_script if kind == "numpy" else codegen.pytorch_script
        return await self._compute(self._slot(session_id), make)

    # ---- frames ---------------------------------------------------------------------------

    def _frame(self, slot: Slot, since_epoch: int, maps: MapSettings, config_version: int) -> FrameOut:
        """Build (or reuse) the body and add this watcher's head. Runs under the session lock."""
        s = slot.session
        cached = slot.bodies.get(maps)
        if cached is None or cached[0] != slot.version:
            text = frames.body(s, maps, slot.version, slot.config_version, slot.playing)
            slot.bodies = {k: v for k, v in slot.bodies.items() if v[0] == slot.version}
            slot.bodies[maps] = cached = (slot.version, text)
        if since_epoch > s.epoch:
            since_epoch = 0  # the run went back (reset, rebuild or rollback): start its history afresh
        tail = frames.thin(s.history.since(since_epoch))
        config = s.config.model_dump(mode="json") if config_version != slot.config_version else None
        epoch = tail[-1].epoch if tail else min(since_epoch, s.epoch)
        return FrameOut(frames.assemble(cached[1], tail, config), slot.version, epoch, slot.config_version)

    async def frame(
        self, session_id: str, since_epoch: int = 0, maps: MapSettings | None = None, config_version: int = -1
    ) -> FrameOut:
        """The latest frame now, for polling clients."""
        slot = self._slot(session_id)
        m = maps or MapSettings()
        return await self._compute(slot, lambda s: self._frame(slot, since_epoch, m, config_version))

    def ready_frame(
        self, session_id: str, after_version: int, since_epoch: int, maps: MapSettings, config_version: int
    ) -> FrameOut | None:
        """Inline hosts only: the frame now if the session is newer than ``after_version``, else None."""
        assert self.inline, "ready_frame computes on the caller's thread"
        slot = self._slot(session_id)
        if slot.version <= after_version:
            return None
        return self._frame(slot, since_epoch, maps, config_version)

    async def next_frame(
        self, session_id: str, after_version: int, since_epoch: int, maps: MapSettings, config_version: int
    ) -> FrameOut:
        """Wait until the session is newer than ``after_version``, then return its frame."""
        slot = self._slot(session_id)
        while slot.version <= after_version:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            slot.waiters.append(waiter)
            await waiter
        return await self._compute(slot, lambda s: self._frame(slot, since_epoch, maps, config_version))

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
        """Forget a watcher; when the last one leaves, play pauses."""
        slot = self._slots.get(session_id)
        if slot is None:
            return
        slot.watchers.pop(watcher, None)
        if not slot.watchers:
            await self.pause(session_id)

    # ---- changes --------------------------------------------------------------------------

    async def patch(self, session_id: str, patch: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Merge a partial config. Raises pydantic's ValidationError (and changes nothing) if invalid."""
        slot = self._slot(session_id)
        async with slot.op_lock:
            config = merge(slot.session.config, patch)
            rebuilt = await self._compute(slot, lambda s: s.reconfigure(config))
            self._bump(slot, config=True)
            return await self.view(session_id), rebuilt

    async def set_parameter(self, session_id: str, layer: int, unit: int, source: int | None, value: float) -> None:
        slot = self._slot(session_id)
        async with slot.op_lock:
            await self._compute(slot, lambda s: s.set_parameter(layer, unit, source, value))
            self._bump(slot)

    async def put_data(self, session_id: str, points: list[list[float]], labels: list[int]) -> dict[str, Any]:
        """Replace the data with custom points; the model is rebuilt for them."""
        view, _ = await self.patch(session_id, {"dataset": {"name": "custom", "points": points, "labels": labels}})
        return view

    async def reset(self, session_id: str) -> dict[str, Any]:
        slot = self._slot(session_id)
        async with slot.op_lock:
            await self._compute(slot, lambda s: s.reset())
            self._bump(slot)
            return await self.view(session_id)

    async def step(self, session_id: str, steps: int, unit: Unit) -> SessionState:
        """Train ``steps`` batches or epochs, in fair chunks; returns the state after.

        Counters and metrics change only under the operation lock, which this holds,
        so reading them here needs no trip to a compute thread.
        """
        slot = self._slot(session_id)
        async with slot.op_lock:
            batches = slot.session.batches_for_epochs(steps) if unit == "epoch" else steps
            await self._train(slot, batches)
            await self._compute(slot, lambda s: s.refresh())
            return frames.state_view(slot.session, slot.playing)

    def _chunk(self, slot: Slot) -> int:
        """Batches in one piece of training. Inline, every training session gets a piece per turn
        of the loop, and the loop reads its sockets once per turn: the pieces share one budget,
        so frame requests are answered within about ``chunk_seconds`` however many train."""
        budget = self.chunk_seconds / max(1, self._training) if self.inline else self.chunk_seconds
        return min(MAX_STEPS, max(1, int(budget / max(slot.seconds_per_batch, 1e-7))))

    async def _train(self, slot: Slot, batches: int) -> None:
        """Run ``batches`` batches in chunks; the caller holds the operation lock.

        Metrics are refreshed at epoch ends only; callers that need them now ask.
        """
        remaining = batches
        self._training += 1
        try:
            while remaining > 0 and not slot.deleted:
                k = min(remaining, self._chunk(slot))
                seconds, diverged = await self._compute(slot, partial(_timed_step, batches=k), turn=True)
                slot.seconds_per_batch = 0.7 * slot.seconds_per_batch + 0.3 * (seconds / k)
                remaining -= k
                self._bump(slot)
                if diverged:
                    return
        finally:
            self._training -= 1

    async def play(self, session_id: str, speed: float) -> None:
        """Train continuously at ``speed`` epochs per second (math.inf: as fast as fair)."""
        slot = self._slot(session_id)
        slot.speed = speed
        if slot.player is None:
            slot.player = asyncio.create_task(self._play(slot), name=f"play-{session_id[:6]}")
        self._bump(slot)

    async def pause(self, session_id: str) -> None:
        """Stop playing; returns once the play loop has finished its last chunk."""
        slot = self._slot(session_id)
        if not slot.playing:
            return
        slot.speed = None
        if slot.player is not None:
            await asyncio.shield(slot.player)
        self._bump(slot)

    async def _play(self, slot: Slot) -> None:
        """Ticks on a fixed schedule (not a fixed pause after each chunk, which drifts)."""
        try:
            last = time.monotonic()
            tick_due = last
            owed = 0.0
            while slot.speed is not None and not slot.deleted:
                speed = slot.speed
                if math.isinf(speed):
                    k = self._chunk(slot)
                else:
                    now = time.monotonic()
                    per_second = speed * slot.session.steps_per_epoch
                    owed = min(owed + per_second * (now - last), per_second * MAX_LAG_SECONDS + 1.0)
                    last = now
                    k = int(owed)  # all of it: _train cuts it into chunks that take turns
                    owed -= k
                if k > 0:
                    async with slot.op_lock:
                        if slot.speed is None or slot.deleted:
                            break
                        await self._train(slot, k)
                    if slot.session.status == "diverged":
                        slot.speed = None
                        self._bump(slot)
                        break
                if math.isinf(speed):
                    await asyncio.sleep(0)
                    continue
                period = 1.0 / slot.tick_rate()
                tick_due = max(tick_due + period, time.monotonic() - period)
                delay = tick_due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)  # pause notices within a tick
        finally:
            slot.player = None


def _timed_step(session: Session, batches: int) -> tuple[float, bool]:
    # CPU time, not wall time: on a busy machine wall time includes other processes' turns,
    # and sessions measured in a bad moment would be given smaller (unfair) chunks.
    start = time.thread_time()
    session.step(batches, "batch", evaluate=False)
    return time.thread_time() - start, session.status == "diverged"
