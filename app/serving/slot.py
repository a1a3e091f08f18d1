"""A hosted session's slot: the session with its locks, version, watchers and cached frame bodies.

Every change bumps the version and wakes whoever waits for a newer frame; a frame is
built only when a watcher is ready for one, and one encoded body serves every
watcher at that version (one per map resolution, and one for lean frames).
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

from app.outputs import frames, lean
from app.outputs.frames import MapSettings
from app.outputs.lean import LeanBody
from app.serving.protocol import FrameOut, SessionNotFound
from app.training.session import Session

MIN_TICK_FPS, MAX_TICK_FPS = 10, 60
TICKS_PER_FRAME = 1  # play ticks as often as the fastest watcher takes frames
# Training ends a chunk (and moves the version) at least twice per frame of the fastest watcher:
# a frame due on the stream's own schedule then always finds a newer version waiting.
CHUNKS_PER_FRAME = 2


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
    bodies: dict[MapSettings, tuple[int, str | LeanBody]] = field(default_factory=dict)
    seconds_per_batch: float = 1e-4
    deleted: bool = False
    stepping: int = 0  # step requests under way
    preemptions: int = 0  # a step stops when this moves on from the count it started at
    preempted_by: str = ""

    @property
    def playing(self) -> bool:
        """Training on its own: asked to play, or still finishing the chunk it was on."""
        return self.speed is not None or self.player is not None

    @property
    def busy(self) -> bool:
        """Training, on its own or for a step request: its state reads as training."""
        return self.playing or self.stepping > 0

    def preempt(self, why: str) -> None:
        """Stop the steps under way or waiting for their turn (not those asked for later)."""
        self.preemptions += 1
        self.preempted_by = why

    def tick_rate(self) -> int:
        fastest = max(self.watchers.values(), default=MIN_TICK_FPS)
        return min(max(TICKS_PER_FRAME * fastest, MIN_TICK_FPS), MAX_TICK_FPS)

    def frame_seconds(self) -> float:
        """The longest piece of training between two versions, so that every frame shows new weights."""
        return 1.0 / (CHUNKS_PER_FRAME * self.tick_rate())

    def bump(self, config: bool = False) -> None:
        """A new version: wake everyone waiting for a newer frame."""
        self.version += 1
        if config:
            self.config_version += 1
        self._wake(None)

    def end(self, session_id: str) -> None:
        """The session is gone: stop playing, and tell everyone waiting for a frame."""
        self.deleted = True
        self.preempt("deleted")
        self.speed = None
        if self.player is not None:
            self.player.cancel()
        self._wake(SessionNotFound(session_id))

    def _wake(self, error: Exception | None) -> None:
        waiters, self.waiters = self.waiters, []
        for w in waiters:
            if w.done():
                continue
            if error is None:
                w.set_result(None)
            else:
                w.set_exception(error)

    def frame(self, since_epoch: int, maps: MapSettings, config_version: int) -> FrameOut:
        """Build (or reuse) the body and add this watcher's head. Runs under the session lock."""
        s = self.session
        version = self.version  # first: the loop may bump it (after changing busy) while this builds
        cached = self.bodies.get(maps)
        if cached is None or cached[0] != version:
            shared = self._body(maps, version)
            self.bodies = {k: v for k, v in self.bodies.items() if v[0] == version}
            self.bodies[maps] = cached = (version, shared)
        if since_epoch > s.epoch:
            since_epoch = 0  # the run went back (reset, rebuild or rollback): start its history afresh
        tail = frames.thin(s.history.since(since_epoch))
        config = s.config.model_dump(mode="json") if config_version != self.config_version else None
        epoch = tail[-1].epoch if tail else min(since_epoch, s.epoch)
        body = cached[1]
        message = body.assemble(tail, config) if isinstance(body, LeanBody) else frames.assemble(body, tail, config)
        return FrameOut(message, version, epoch, self.config_version)

    def _body(self, maps: MapSettings, version: int) -> str | LeanBody:
        if maps.lean:
            return lean.body(self.session, version, self.config_version, self.busy)
        return frames.body(self.session, maps, version, self.config_version, self.busy)
