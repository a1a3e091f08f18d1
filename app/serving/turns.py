"""Training in fair turns: long work is cut into chunks of about ``chunk_seconds`` of compute.

Each chunk re-queues behind the other sessions' work, so a 100,000-step request on
one session slows the others only by its fair share, and a step stops between two
chunks when something preempts it (Slot.preempt). Long reads (a gradient check, a
loss slice) are generators that take turns the same way. Playing trains on a fixed
schedule of ticks, as fast as the fastest watcher takes frames. In a worker the
pieces of all sessions that are ready in one turn train in cohorts (app/serving/cohorts.py).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Generator
from functools import partial
from typing import TypeVar, cast

from app.serving.cohorts import RUN_SECONDS, Cohorts, Outcome
from app.serving.compute import ComputePool
from app.serving.slot import Slot
from app.training.session import MAX_STEPS, Session

# A playing session catches up on at most this much time it could not train: a tick that waits
# behind a whole class's turn loses nothing, and one held up for long does not come back as a burst.
MAX_LAG_SECONDS = 0.5
T = TypeVar("T")


class Trainer:
    def __init__(self, pool: ComputePool, chunk_seconds: float) -> None:
        self.pool = pool
        self.chunk_seconds = chunk_seconds
        self._training = 0  # sessions with training under way
        self._cohorts = Cohorts(max(RUN_SECONDS, chunk_seconds)) if pool.inline else None

    def chunk(self, slot: Slot) -> int:
        """Batches in one piece of training. Inline, every training session gets a piece per turn
        of the loop, and the loop reads its sockets once per turn: the pieces share one budget,
        so frame requests are answered within about ``chunk_seconds`` however many train. A piece
        is also short enough that the fastest watcher's every frame shows new weights."""
        budget = self.chunk_seconds / max(1, self._training) if self.pool.inline else self.chunk_seconds
        budget = min(budget, slot.frame_seconds())
        return min(MAX_STEPS, max(1, int(budget / max(slot.seconds_per_batch, 1e-7))))

    async def train(self, slot: Slot, batches: int, preemptions: int | None = None) -> bool:
        """Run ``batches`` batches in chunks; the caller holds the operation lock.

        Given the slot's ``preemptions`` count when it was asked for, the training stops
        early (and says True) once that count moves on. Metrics are refreshed at epoch
        ends only; callers that need them now ask.
        """
        remaining = batches
        self._training += 1
        try:
            while remaining > 0 and not slot.deleted:
                if preemptions is not None and slot.preemptions != preemptions:
                    return True
                k = min(remaining, self.chunk(slot))
                outcome = await self._train_piece(slot, k, preemptions)
                if outcome is None:
                    continue  # deleted or preempted before its turn: the loop's head says which
                seconds, halted = outcome
                slot.seconds_per_batch = 0.7 * slot.seconds_per_batch + 0.3 * (seconds / k)
                remaining -= k
                slot.bump()
                if halted:
                    break
        finally:
            self._training -= 1
        return slot.deleted

    async def _train_piece(self, slot: Slot, batches: int, preemptions: int | None) -> Outcome:
        if self._cohorts is not None:
            return await self._cohorts.train(slot, batches, preemptions)
        return await self.pool.on(slot, partial(_timed_step, batches=batches), turn=True)

    async def advance(self, slot: Slot, work: Generator[None, None, T]) -> T:
        """Run a generator on the session in pieces of about ``chunk_seconds``, taking turns
        like training; the caller holds the operation lock. Returns what it returns."""
        self._training += 1
        try:
            piece = partial(_piece, work=work, seconds=self.chunk_seconds)
            while True:
                done, value = await self.pool.on(slot, piece, turn=True)
                if done:
                    return cast(T, value)
        finally:
            self._training -= 1

    async def play(self, slot: Slot) -> None:
        """Ticks on a fixed schedule (not a fixed pause after each chunk, which drifts)."""
        try:
            last = time.monotonic()
            tick_due = last
            owed = 0.0
            while slot.speed is not None and not slot.deleted:
                speed = slot.speed
                if math.isinf(speed):
                    k = self.chunk(slot)
                else:
                    now = time.monotonic()
                    per_second = speed * slot.session.steps_per_epoch
                    owed = min(owed + per_second * (now - last), per_second * MAX_LAG_SECONDS + 1.0)
                    last = now
                    k = int(owed)  # all of it: train cuts it into chunks that take turns
                    owed -= k
                if k > 0:
                    async with slot.op_lock:
                        if slot.speed is None or slot.deleted:
                            break
                        await self.train(slot, k)
                    if slot.session.halted:
                        slot.speed = None
                        slot.bump()
                        break
                if math.isinf(speed):
                    await asyncio.sleep(0)
                    continue
                period = 1.0 / slot.tick_rate()
                if self._cohorts is not None:  # on a grid shared by all: ticks due together train together
                    tick_due = (math.floor(time.monotonic() / period) + 1) * period
                else:
                    tick_due = max(tick_due + period, time.monotonic() - period)
                delay = tick_due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)  # pause notices within a tick
        finally:
            slot.player = None


def _piece(session: Session, work: Generator[None, None, T], seconds: float) -> tuple[bool, T | None]:
    """Advance ``work`` for about ``seconds``: (finished, its value). Wall time, not CPU time: NumPy
    may compute on threads of its own, and what matters here is how long the others wait."""
    deadline = time.perf_counter() + seconds
    try:
        while time.perf_counter() < deadline:
            next(work)
    except StopIteration as stop:
        return True, stop.value
    return False, None


def _timed_step(session: Session, batches: int) -> tuple[float, bool]:
    # CPU time, not wall time: on a busy machine wall time includes other processes' turns,
    # and sessions measured in a bad moment would be given smaller (unfair) chunks.
    start = time.thread_time()
    session.step(batches, "batch", evaluate=False)
    return time.thread_time() - start, session.halted
