"""Where work on sessions runs: a small pool of compute threads, or (in a worker) the loop itself.

On the pool, work on a session holds that session's lock, so the event loop only
schedules and never computes. Inline there is no lock to take: the loop runs
one piece at a time, and long work first yields so that sessions take turns
(training pieces gather in cohorts instead: app/serving/cohorts.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from app.serving.slot import Slot
from app.training.session import Session

T = TypeVar("T")


class ComputePool:
    def __init__(self, threads: int, inline: bool) -> None:
        self.inline = inline
        self._executor = None if inline else ThreadPoolExecutor(threads, thread_name_prefix="compute")

    async def on(self, slot: Slot, fn: Callable[[Session], T], turn: bool = False) -> T:
        """Run ``fn`` on the session. Inline, short work (frames, reads) runs at once, while
        long work (``turn``) first lets everything else that is ready go: frames stay on time
        and, when there is too little CPU, it is training that slows down, evenly."""
        if self.inline:
            if turn:
                await asyncio.sleep(0)
            return fn(slot.session)

        def locked() -> T:
            with slot.lock:
                return fn(slot.session)

        return await asyncio.get_running_loop().run_in_executor(self._executor, locked)

    async def run(self, fn: Callable[[], T]) -> T:
        if self.inline:
            return fn()
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
