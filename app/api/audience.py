"""Who is on each session's sockets, so that presenter mode can tell students the presenter left.

A session's driving sockets are its presenter's page; its read-only sockets are students
on the watch link. When the last driving socket closes, every read-only one is told to
close (with CLOSE_PRESENTER_LEFT): the students keep the last picture, and a session
nobody drives any more can expire.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict

from starlette.datastructures import State

CLOSE_PRESENTER_LEFT = 4410


class Audience:
    def __init__(self) -> None:
        self.drivers: Counter[str] = Counter()
        self.students: defaultdict[str, set[asyncio.Event]] = defaultdict(set)

    def join(self, session_id: str, read_only: bool) -> asyncio.Event:
        """A socket opened; the event is set when it should close because the presenter left."""
        left = asyncio.Event()
        if read_only:
            self.students[session_id].add(left)
        else:
            self.drivers[session_id] += 1
        return left

    def leave(self, session_id: str, read_only: bool, left: asyncio.Event) -> None:
        if read_only:
            self.students[session_id].discard(left)
            if not self.students[session_id]:
                del self.students[session_id]
            return
        self.drivers[session_id] -= 1
        if self.drivers[session_id] > 0:
            return
        del self.drivers[session_id]
        for student in self.students.pop(session_id, set()):
            student.set()


def audience(state: State) -> Audience:
    """The app's audience, made on first use."""
    if not hasattr(state, "audience"):
        state.audience = Audience()
    found: Audience = state.audience
    return found
