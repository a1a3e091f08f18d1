"""SessionStore: which sessions exist, how many may, and when they expire.

Ids come from ``secrets`` (128 bits) and act as bearer capabilities. The
store counts sessions against a capacity (one more raises CapacityError,
which the API turns into 429 with Retry-After) and forgets sessions idle for
longer than the TTL; a session counts as used while any socket watches it and
whenever a request names it. The sessions themselves live in a Host.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from app.serving.protocol import Host, SessionNotFound
from app.training.config import Config
from app.training.errors import NotFound


class WatchNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("no session follows that link: it ended or expired")


class CapacityError(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"the server holds its maximum number of sessions; retry in {retry_after} s")
        self.retry_after = retry_after


class SessionStore:
    def __init__(
        self,
        host: Host,
        capacity: int = 200,
        ttl: float = 1800.0,
        clock: Callable[[], float] = time.monotonic,
        prefix: str = "",
    ) -> None:
        self.host = host
        self.prefix = prefix  # in front of every session id and watch token
        self.capacity = capacity
        self.ttl = ttl
        self.clock = clock
        self._last_used: dict[str, float] = {}
        self._watchers: dict[str, int] = {}  # session id -> open sockets
        self._watch_tokens: dict[str, str] = {}  # watch token -> session id

    def __len__(self) -> int:
        return len(self._last_used)

    def __contains__(self, session_id: str) -> bool:
        return session_id in self._last_used

    async def _reserve(self) -> str:
        if len(self._last_used) >= self.capacity:
            await self.sweep()
        # Check and insert with no await between them, so concurrent creates cannot overshoot.
        if len(self._last_used) >= self.capacity:
            raise CapacityError(self.retry_after())
        session_id = self.prefix + secrets.token_urlsafe(16)
        self._last_used[session_id] = self.clock()
        return session_id

    async def create(self, config: Config) -> dict[str, Any]:
        return await self._create(lambda sid: self.host.create(sid, config))

    async def create_from_document(self, document: dict[str, Any]) -> dict[str, Any]:
        return await self._create(lambda sid: self.host.create_from_document(sid, document))

    async def _create(self, make: Callable[[str], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
        session_id = await self._reserve()
        try:
            return await make(session_id)
        except BaseException:
            self._last_used.pop(session_id, None)
            raise

    def touch(self, session_id: str) -> str:
        """Mark a session used now; raises SessionNotFound for unknown ids."""
        if session_id not in self.host:
            self._last_used.pop(session_id, None)  # lost with a worker process, say
            raise SessionNotFound(session_id)
        if session_id not in self._last_used:
            raise SessionNotFound(session_id)
        self._last_used[session_id] = self.clock()
        return session_id

    async def delete(self, session_id: str) -> None:
        if self._last_used.pop(session_id, None) is None:
            raise SessionNotFound(session_id)
        self._forget_tokens(session_id)
        await self.host.delete(session_id)

    def watch_token(self, session_id: str) -> str:
        """The session's watch token (made on first use): it can only receive frames."""
        self.touch(session_id)
        for token, sid in self._watch_tokens.items():
            if sid == session_id:
                return token
        token = self.prefix + secrets.token_urlsafe(16)
        self._watch_tokens[token] = session_id
        return token

    def watched_session(self, token: str) -> str:
        """The session a watch token follows; raises WatchNotFound for unknown tokens."""
        session_id = self._watch_tokens.get(token)
        if session_id is None or session_id not in self._last_used:
            raise WatchNotFound()
        self._last_used[session_id] = self.clock()
        return session_id

    def _forget_tokens(self, session_id: str) -> None:
        for token in [t for t, sid in self._watch_tokens.items() if sid == session_id]:
            del self._watch_tokens[token]

    def watching(self, session_id: str, change: int) -> None:
        """A socket started (+1) or stopped (-1) watching: watched sessions never expire."""
        count = self._watchers.get(session_id, 0) + change
        if count > 0:
            self._watchers[session_id] = count
        else:
            self._watchers.pop(session_id, None)
        if session_id in self._last_used:
            self._last_used[session_id] = self.clock()

    def expired(self) -> list[str]:
        now = self.clock()
        return [sid for sid, t in self._last_used.items() if now - t > self.ttl and sid not in self._watchers]

    async def sweep(self) -> list[str]:
        """Delete every expired session; returns their ids."""
        gone = self.expired()
        for sid in gone:
            self._last_used.pop(sid, None)
            self._forget_tokens(sid)
        for sid in gone:
            if sid in self.host:
                await self.host.delete(sid)
        return gone

    def retry_after(self) -> int:
        """Seconds until the first idle session may expire (at least 1)."""
        due = [t + self.ttl for sid, t in self._last_used.items() if sid not in self._watchers]
        wait = (min(due) - self.clock()) if due else self.ttl
        return max(1, math.ceil(wait))
