"""SessionStore directly: capacity, memory budget, per-client caps, expiry on a fake clock, watch tokens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from app.serving.footprint import MB, session_bytes
from app.serving.host import SessionHost
from app.serving.protocol import SessionNotFound
from app.serving.session_store import CapacityError, SessionStore, WatchNotFound
from app.settings import Settings
from app.training.config import Config
from app.training.errors import FieldError
from app.training.lessons import LESSONS
from tests import loops
from tests.api.conftest import FakeClock

CONFIG = Config.model_validate({"dataset": {"name": "xor", "samples": 100}, "hidden_layers": [2]})
BIG = Config.model_validate({"dataset": {"name": "circle", "samples": 5000}, "hidden_layers": [64] * 4})
TTL = 100.0
ALL_FEATURES = ["x1", "x2", "x1_squared", "x2_squared", "x1_times_x2", "sin_x1", "sin_x2"]
LARGEST = Config.model_validate(
    {"dataset": {"name": "spiral", "samples": 5000, "classes": 6}, "features": ALL_FEATURES, "hidden_layers": [64] * 8}
)

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


def on_store(
    test: Callable[[SessionStore, FakeClock], Awaitable[None]],
    budget: int | None = None,
    per_client: int | None = None,
    client_budget: int | None = None,
) -> None:
    async def main() -> None:
        clock = FakeClock()
        host = SessionHost(compute_threads=1)
        try:
            store = SessionStore(
                host,
                capacity=100,
                ttl=TTL,
                clock=clock,
                budget=budget,
                per_client=per_client,
                client_budget=client_budget,
            )
            await test(store, clock)
        finally:
            await host.close()

    loops.run(main())


def test_sessions_are_admitted_against_the_memory_budget_by_size() -> None:
    small, big = session_bytes(CONFIG), session_bytes(BIG)
    assert big > 2 * small  # a second big one cannot fit where three small ones already are

    async def test(store: SessionStore, clock: FakeClock) -> None:
        first = (await store.create(BIG))["id"]
        clock.advance(30)
        for _ in range(3):
            await store.create(CONFIG)
        assert store.used == big + 3 * small
        with pytest.raises(CapacityError) as refused:
            await store.create(BIG)  # small ones still fit, a second big one does not
        assert refused.value.retry_after == TTL - 30 and "memory" in str(refused.value)
        await store.create(CONFIG)
        clock.advance(TTL - 29)
        await store.create(BIG)  # the first has expired and made room
        assert first not in store

    on_store(test, budget=big + 5 * small)


def test_a_session_larger_than_the_whole_budget_is_a_field_error() -> None:
    async def test(store: SessionStore, clock: FakeClock) -> None:
        with pytest.raises(FieldError, match="memory budget"):
            await store.create(BIG)
        assert len(store) == 0

    on_store(test, budget=session_bytes(BIG) - 1)


def test_each_client_address_has_its_own_cap() -> None:
    async def test(store: SessionStore, clock: FakeClock) -> None:
        a = [(await store.create(CONFIG, "10.0.0.1"))["id"] for _ in range(2)]
        clock.advance(10)
        with pytest.raises(CapacityError) as refused:
            await store.create(CONFIG, "10.0.0.1")
        assert refused.value.retry_after == TTL - 10 and "your address" in str(refused.value)
        await store.create(CONFIG, "10.0.0.2")  # another address is not held back
        await store.delete(a[0])
        await store.create(CONFIG, "10.0.0.1")

    on_store(test, per_client=2)


def test_each_client_address_has_its_share_of_the_memory() -> None:
    small, big = session_bytes(CONFIG), session_bytes(BIG)

    async def test(store: SessionStore, clock: FakeClock) -> None:
        first = (await store.create(BIG, "10.0.0.1"))["id"]
        clock.advance(10)
        await store.create(BIG, "10.0.0.1")
        with pytest.raises(CapacityError) as refused:
            await store.create(BIG, "10.0.0.1")
        assert refused.value.retry_after == TTL - 10 and "your address's share of the memory" in str(refused.value)
        await store.create(BIG, "10.0.0.2")  # another address is not held back
        await store.create(CONFIG, "10.0.0.1")  # a small one still fits in the share
        await store.delete(first)
        await store.create(BIG, "10.0.0.1")

    on_store(test, client_budget=2 * big + small)


def test_a_class_of_any_lesson_fits_one_address_share() -> None:
    share = Settings().max_memory_per_client_mb * MB
    for lesson in LESSONS.values():
        assert 50 * session_bytes(lesson.resolved()) <= share, lesson.name
    assert 20 * session_bytes(LARGEST) <= share < 25 * session_bytes(LARGEST)


def test_a_session_larger_than_an_address_share_is_a_field_error() -> None:
    async def test(store: SessionStore, clock: FakeClock) -> None:
        with pytest.raises(FieldError, match="one address's share"):
            await store.create(BIG, "10.0.0.1")
        assert len(store) == 0

    on_store(test, client_budget=session_bytes(BIG) - 1)


def test_when_every_session_is_watched_retry_after_says_none_expires_soon() -> None:
    async def test(store: SessionStore, clock: FakeClock) -> None:
        ids = [(await store.create(CONFIG, "10.0.0.1"))["id"] for _ in range(2)]
        for sid in ids:
            store.watching(sid, +1)
        clock.advance(10 * TTL)
        with pytest.raises(CapacityError) as refused:
            await store.create(CONFIG, "10.0.0.1")
        assert refused.value.retry_after == TTL and "open in pages" in str(refused.value)
        store.watching(ids[0], -1)  # left: it expires a whole TTL from now
        clock.advance(TTL / 2)
        with pytest.raises(CapacityError) as refused:
            await store.create(CONFIG, "10.0.0.1")
        assert refused.value.retry_after == TTL / 2

    on_store(test, per_client=2)


def test_sessions_a_host_lost_are_forgotten_at_once(stored: Stored) -> None:
    async def test(store: SessionStore, clock: FakeClock) -> None:
        lost, kept = [(await store.create(CONFIG))["id"] for _ in range(2)]
        token = store.watch_token(lost)
        store.watching(lost, +1)
        await store.host.delete(lost)  # as when its worker process stops
        store.forget([lost])
        assert lost not in store and kept in store and len(store) == 1
        assert store.used == session_bytes(CONFIG)
        with pytest.raises(WatchNotFound):
            store.watched_session(token)
        await store.create(CONFIG)  # its place is free

    stored(test)
