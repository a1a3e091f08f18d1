"""SessionStore: which sessions exist, how many may, and when they expire.

Ids come from ``secrets`` (128 bits) and act as bearer capabilities. The
store admits sessions against four limits: a count, a memory budget (each
session by its estimated size, app/serving/footprint.py), and per client
address a count and a share of that memory, so that one client cannot fill
it. One more raises CapacityError, which the API turns into 429 with
Retry-After: the time until enough idle sessions expire, or the TTL when
every session that would have to go is being watched. Sessions idle for longer
than the TTL are forgotten; a session counts as used while any socket watches
it and whenever a request names it. The sessions themselves live in a Host.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from app.serving.footprint import MB, session_bytes
from app.serving.protocol import Host, SessionNotFound
from app.training.config import Config
from app.training.errors import FieldError, NotFound


class WatchNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("no session follows that link: it ended or expired")


class CapacityError(Exception):
    def __init__(self, why: str, retry_after: int) -> None:
        super().__init__(f"{why}; retry in {retry_after} s")
        self.retry_after = retry_after


@dataclass
class Held:
    """What the store knows of a session: when it was last used, whose it is, its size."""

    last_used: float
    client: str
    size: int


@dataclass(frozen=True)
class Budget:
    """How a memory budget is named in refusals."""

    whole: str
    in_use: str


SERVER_BUDGET = Budget("the server's memory budget", "the memory for sessions is in use")
CLIENT_BUDGET = Budget("one address's share of the memory", "your address's share of the memory for sessions is in use")


def _one(held: Held) -> int:
    return 1


def _size(held: Held) -> int:
    return held.size


class SessionStore:
    def __init__(
        self,
        host: Host,
        capacity: int = 200,
        ttl: float = 1800.0,
        clock: Callable[[], float] = time.monotonic,
        prefix: str = "",
        budget: int | None = None,
        per_client: int | None = None,
        client_budget: int | None = None,
    ) -> None:
        self.host = host
        self.prefix = prefix  # in front of every session id and watch token
        self.capacity = capacity
        self.budget = budget  # bytes of estimated session size; None: no limit
        self.per_client = per_client  # live sessions one client address may hold; None: no limit
        self.client_budget = client_budget  # bytes of estimated size one client address may hold; None: no limit
        self.ttl = ttl
        self.clock = clock
        self._held: dict[str, Held] = {}
        self._watchers: dict[str, int] = {}  # session id -> open sockets
        self._watch_tokens: dict[str, str] = {}  # watch token -> session id

    def __len__(self) -> int:
        return len(self._held)

    def __contains__(self, session_id: str) -> bool:
        return session_id in self._held

    @property
    def used(self) -> int:
        """Estimated bytes of every session held."""
        return sum(h.size for h in self._held.values())

    def _refusal(self, client: str, size: int) -> CapacityError | None:
        """Why one more session of ``size`` bytes for ``client`` would not fit, if it would not."""
        if len(self._held) >= self.capacity:
            return self._full("the server holds its maximum number of sessions", self._held, _one, 1)
        if self.budget is not None:
            refused = self._over_budget(self._held, size, self.budget, SERVER_BUDGET)
            if refused is not None:
                return refused
        mine = {sid: h for sid, h in self._held.items() if h.client == client}
        if self.per_client is not None and len(mine) >= self.per_client:
            why = f"your address holds {len(mine)} live sessions, the most one address may: delete one"
            return self._full(why, mine, _one, 1)
        if self.client_budget is not None:
            return self._over_budget(mine, size, self.client_budget, CLIENT_BUDGET)
        return None

    def _over_budget(self, among: dict[str, Held], size: int, budget: int, names: Budget) -> CapacityError | None:
        """Refused when the sessions ``among`` and one more of ``size`` bytes would exceed ``budget``."""
        used = sum(h.size for h in among.values())
        if used + size <= budget:
            return None
        if size > budget:
            raise FieldError(
                ("body",),
                f"a session this size needs about {size / MB:.0f} MB, more than {names.whole} "
                f"of {budget / MB:.0f} MB: use fewer points or smaller layers",
            )
        why = f"{names.in_use} ({used / MB:.0f} of {budget / MB:.0f} MB)"
        return self._full(why, among, _size, used + size - budget)

    def _full(self, why: str, among: dict[str, Held], weight: Callable[[Held], int], need: int) -> CapacityError:
        """Refused until idle sessions ``among`` free ``need`` (each weighing ``weight``) by expiring.

        Watched sessions do not expire: when the idle ones cannot free enough, a watched one must
        first be left and then idle a whole TTL, so the honest wait is the TTL.
        """
        now, freed = self.clock(), 0
        for held in sorted((h for sid, h in among.items() if sid not in self._watchers), key=lambda h: h.last_used):
            freed += weight(held)
            if freed >= need:
                return CapacityError(why, max(1, math.ceil(held.last_used + self.ttl - now)))
        return CapacityError(
            f"{why}; the others are open in pages, so none expires sooner", max(1, math.ceil(self.ttl))
        )

    async def _reserve(self, client: str, size: int) -> str:
        if self._refusal(client, size) is not None:
            await self.sweep()
        # Check and insert with no await between them, so concurrent creates cannot overshoot.
        refused = self._refusal(client, size)
        if refused is not None:
            raise refused
        session_id = self.prefix + secrets.token_urlsafe(16)
        self._held[session_id] = Held(self.clock(), client, size)
        return session_id

    async def create(self, config: Config, client: str = "") -> dict[str, Any]:
        return await self._create(client, session_bytes(config), lambda sid: self.host.create(sid, config))

    async def create_from_document(self, document: dict[str, Any], client: str = "") -> dict[str, Any]:
        size = session_bytes(Config.model_validate(document["config"]))
        return await self._create(client, size, lambda sid: self.host.create_from_document(sid, document))

    async def _create(self, client: str, size: int, make: Callable[[str], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
        session_id = await self._reserve(client, size)
        try:
            return await make(session_id)
        except BaseException:
            self._held.pop(session_id, None)
            raise

    def touch(self, session_id: str) -> str:
        """Mark a session used now; raises SessionNotFound for unknown ids."""
        if session_id not in self.host:
            self._held.pop(session_id, None)  # lost with a worker process, say
            raise SessionNotFound(session_id)
        held = self._held.get(session_id)
        if held is None:
            raise SessionNotFound(session_id)
        held.last_used = self.clock()
        return session_id

    async def delete(self, session_id: str) -> None:
        if self._held.pop(session_id, None) is None:
            raise SessionNotFound(session_id)
        self._forget_tokens(session_id)
        await self.host.delete(session_id)

    def forget(self, session_ids: Iterable[str]) -> None:
        """The host lost these sessions (their worker process stopped): free their places now."""
        for sid in session_ids:
            self._held.pop(sid, None)
            self._watchers.pop(sid, None)
            self._forget_tokens(sid)

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
        held = self._held.get(session_id) if session_id is not None else None
        if session_id is None or held is None:
            raise WatchNotFound()
        held.last_used = self.clock()
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
        held = self._held.get(session_id)
        if held is not None:
            held.last_used = self.clock()

    def expired(self) -> list[str]:
        now = self.clock()
        return [sid for sid, h in self._held.items() if now - h.last_used > self.ttl and sid not in self._watchers]

    async def sweep(self) -> list[str]:
        """Delete every expired session; returns their ids."""
        gone = self.expired()
        for sid in gone:
            self._held.pop(sid, None)
            self._forget_tokens(sid)
        for sid in gone:
            if sid in self.host:
                await self.host.delete(sid)
        return gone
