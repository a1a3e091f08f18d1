"""SessionStore directly: capacity, expiry on a fake clock, watch tokens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from app.serving.host import SessionHost
from app.serving.protocol import SessionNotFound
from app.serving.session_store import CapacityError, SessionStore, WatchNotFound
from app.training.config import Config
from tests import loops
from tests.api.conftest import FakeClock

CONFIG = Config.model_validate({"dataset": {"name": "xor", "samples": 100}, "hidden_layers": [2]})
TTL = 100.0

Stored = Callable[[Callable[[SessionStore, FakeClock], Awaitable[None]]], None]


@pytest.fixture
def stored() -> Stored:
    """Runs a test on a store of at most two sessions (over an in-process host) and closes it."""

    def run(test: Callable[[SessionStore, FakeClock], Awaitable[None]]) -> None:
        async def main() -> None:
            clock = FakeClock()
            host = SessionHost(compute_threads=1)
            try:
                await test(SessionStore(host, capacity=2, ttl=TTL, clock=clock, prefix="t-"), clock)
            finally:
                await host.close()

        loops.run(main())

    return run


def test_sessions_get_prefixed_unguessable_ids(stored: Stored) -> None:
    async def test(store: SessionStore, clock: FakeClock) -> None:
        a, b = [(await store.create(CONFIG))["id"] for _ in range(2)]
        assert a != b and a.startswith("t-") and len(a) > 20
        assert a in store and a in store.host and len(store) == 2
        await store.delete(a)
        assert a not in store and a not in store.host
        with pytest.raises(SessionNotFound):
            await store.delete(a)
        with pytest.raises(SessionNotFound):
            store.touch("t-nope")

    stored(test)


def test_a_full_store_refuses_with_the_wait_until_a_session_may_expire(stored: Stored) -> None:
    async def test(store: SessionStore, clock: FakeClock) -> None:
        first = (await store.create(CONFIG))["id"]
        clock.advance(30)
        await store.create(CONFIG)
        clock.advance(10)
        with pytest.raises(CapacityError) as refused:
            await store.create(CONFIG)
        assert refused.value.retry_after == 60
        assert len(store) == 2
        clock.advance(61)  # the first session has expired: a new one fits
        third = (await store.create(CONFIG))["id"]
        assert first not in store and first not in store.host and third in store

    stored(test)


def test_idle_sessions_expire_and_used_ones_live(stored: Stored) -> None:
    async def test(store: SessionStore, clock: FakeClock) -> None:
        idle, used = [(await store.create(CONFIG))["id"] for _ in range(2)]
        clock.advance(TTL - 1)
        store.touch(used)
        clock.advance(2)
        assert store.expired() == [idle]
        assert await store.sweep() == [idle]
        assert idle not in store.host and used in store.host
        with pytest.raises(SessionNotFound):
            store.touch(idle)

    stored(test)


def test_a_session_the_host_lost_is_forgotten(stored: Stored) -> None:
    async def test(store: SessionStore, clock: FakeClock) -> None:
        sid = (await store.create(CONFIG))["id"]
        await store.host.delete(sid)  # as when its worker process stops
        with pytest.raises(SessionNotFound):
            store.touch(sid)
        assert sid not in store

    stored(test)


def test_watch_tokens_follow_their_session_until_it_ends(stored: Stored) -> None:
    async def test(store: SessionStore, clock: FakeClock) -> None:
        sid = (await store.create(CONFIG))["id"]
        token = store.watch_token(sid)
        assert token != sid and token.startswith("t-")
        assert store.watch_token(sid) == token
        clock.advance(TTL - 1)
        assert store.watched_session(token) == sid  # following counts as use
        clock.advance(TTL - 1)
        assert await store.sweep() == []
        with pytest.raises(WatchNotFound):
            store.watched_session(sid)
        await store.delete(sid)
        with pytest.raises(WatchNotFound):
            store.watched_session(token)

    stored(test)


def test_watched_sessions_never_expire(stored: Stored) -> None:
    async def test(store: SessionStore, clock: FakeClock) -> None:
        sid = (await store.create(CONFIG))["id"]
        store.watching(sid, +1)
        store.watching(sid, +1)
        clock.advance(10 * TTL)
        assert await store.sweep() == []
        store.watching(sid, -1)
        clock.advance(10 * TTL)
        assert await store.sweep() == []
        store.watching(sid, -1)  # the last socket left: the clock starts now
        clock.advance(TTL - 1)
        assert await store.sweep() == []
        clock.advance(2)
        assert await store.sweep() == [sid]

    stored(test)
