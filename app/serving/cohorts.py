"""Inline training in cohorts: the pieces ready in one turn of a worker's loop train together.

In a worker every training session hands its next piece of training here. Once per
turn of the loop the pieces gathered so far are grouped by ``cohort_key``; a group
of two or more trains in one ``train_together`` call, which costs far less than
stepping its members one by one, and the rest train alone. Each caller gets its
own share of the measured time, in proportion to its batches, so chunk sizing
(Trainer.chunk) keeps working.

Trainer.chunk sizes the pieces so that a turn's training adds up to about its
``chunk_seconds``. As a backstop against estimates gone stale, a turn trains for
about ``run_seconds`` at most (50 ms, or ``chunk_seconds`` if larger), so that
frames are answered in between: a group estimated to take longer is split into
runs, and the runs that do not fit wait for the next turn, first in line. A piece
whose slot was deleted or preempted since it was asked for is not trained.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Hashable
from dataclasses import dataclass

from app.serving.slot import Slot
from app.training.cohort import cohort_key, train_together

RUN_SECONDS = 0.05
Outcome = tuple[float, bool] | None  # (seconds, halted); None: not trained


@dataclass(eq=False)
class _Piece:
    slot: Slot
    batches: int
    preemptions: int | None  # the slot's count when asked for; None: only deletion stops it
    outcome: asyncio.Future[Outcome]

    @property
    def dropped(self) -> bool:
        slot = self.slot
        return slot.deleted or (self.preemptions is not None and slot.preemptions != self.preemptions)

    @property
    def estimate(self) -> float:
        return self.batches * self.slot.seconds_per_batch


class Cohorts:
    def __init__(self, run_seconds: float = RUN_SECONDS) -> None:
        self.run_seconds = run_seconds
        self._waiting: list[_Piece] = []
        self._turn: asyncio.Handle | None = None

    async def train(self, slot: Slot, batches: int, preemptions: int | None) -> Outcome:
        """Train ``batches`` batches on the slot's session in the next turn of the loop:
        (CPU seconds, halted), or None if the slot was deleted or preempted meanwhile."""
        loop = asyncio.get_running_loop()
        piece = _Piece(slot, batches, preemptions, loop.create_future())
        self._waiting.append(piece)
        if self._turn is None:
            self._turn = loop.call_soon(self._run)
        return await piece.outcome

    def _run(self) -> None:
        self._turn = None
        waiting, self._waiting = self._waiting, []
        pieces = []
        for piece in waiting:
            if piece.outcome.done():  # its caller was cancelled
                continue
            if piece.dropped:
                piece.outcome.set_result(None)
            else:
                pieces.append(piece)
        runs = _runs(pieces, self.run_seconds)
        deadline = time.perf_counter() + self.run_seconds
        for i, run in enumerate(runs):
            if i > 0 and time.perf_counter() + sum(p.estimate for p in run) > deadline:
                self._waiting = [p for later in runs[i:] for p in later]
                self._turn = asyncio.get_running_loop().call_soon(self._run)
                return
            _train(run)


def _runs(pieces: list[_Piece], run_seconds: float) -> list[list[_Piece]]:
    """Pieces grouped by cohort key, in order of first arrival, each group cut into runs
    of about ``run_seconds``; a piece with no key runs alone."""
    groups: dict[Hashable, list[_Piece]] = {}
    for piece in pieces:
        key = cohort_key(piece.slot.session)
        groups.setdefault(object() if key is None else key, []).append(piece)
    runs: list[list[_Piece]] = []
    for group in groups.values():
        run: list[_Piece] = []
        cost = 0.0
        for piece in group:
            if run and cost + piece.estimate > run_seconds:
                runs.append(run)
                run, cost = [], 0.0
            run.append(piece)
            cost += piece.estimate
        runs.append(run)
    return runs


def _train(run: list[_Piece]) -> None:
    """One run: its members alone or together; CPU time, not wall time, as Trainer measures it."""
    sessions = [p.slot.session for p in run]
    batches = [p.batches for p in run]
    start = time.thread_time()
    try:
        if len(run) == 1:
            sessions[0].step(batches[0], "batch", evaluate=False)
        else:
            train_together(sessions, batches)
    except Exception as error:
        for piece in run:
            piece.outcome.set_exception(error)
        return
    seconds = time.thread_time() - start
    total = sum(batches)
    for piece, session in zip(run, sessions, strict=True):
        piece.outcome.set_result((seconds * piece.batches / total, session.halted))
