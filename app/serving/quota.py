"""A per-client rate limit: at most ``count`` events per ``window`` seconds for each client."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

from app.serving.session_store import CapacityError


class RateLimit:
    def __init__(self, count: int, window: float, clock: Callable[[], float]) -> None:
        self.count = count
        self.window = window
        self.clock = clock
        self._events: dict[str, deque[float]] = {}

    def take(self, client: str, what: str) -> None:
        """Count one event for ``client``, or raise CapacityError (429) when its window is full."""
        now = self.clock()
        for key in [k for k, events in self._events.items() if events[-1] <= now - self.window]:
            del self._events[key]  # clients gone quiet take no memory
        events = self._events.setdefault(client, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.count:
            wait = max(1, math.ceil(events[0] + self.window - now))
            raise CapacityError(f"too many {what}: at most {self.count} per {self.window:.0f} s from one address", wait)
        events.append(now)
