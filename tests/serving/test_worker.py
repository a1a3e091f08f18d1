"""The worker protocol: a real worker process, called through WorkerClient and ShardedHost."""

from __future__ import annotations

import asyncio
import inspect

import pytest

from app.outputs.frames import MapSettings
from app.serving import rpc
from app.serving.host import SessionHost
from app.serving.protocol import Host, SessionNotFound
from app.serving.shards import ShardedHost, WorkerClient, WorkerLost
from app.training.config import Config
from app.training.errors import FieldError, NotFound
from tests import loops

CONFIG = Config.model_validate({"dataset": {"name": "xor", "samples": 100}, "hidden_layers": [3]})
MAPS = MapSettings(10, 4)


def never_lost(worker: WorkerClient) -> None:
    raise AssertionError(f"worker {worker.index} stopped")


def test_the_worker_answers_the_hosts_calls_and_nothing_else() -> None:
    session_calls = {n for n, f in vars(Host).items() if inspect.iscoroutinefunction(f)} - {"close"}
    assert session_calls == rpc.CALLS
    assert {"query", "step", "next_frame"} <= rpc.CALLS
    assert all(inspect.iscoroutinefunction(getattr(SessionHost, name)) for name in rpc.CALLS)


def test_calls_and_queries_through_a_worker_client() -> None:
    async def main() -> None:
        worker = await WorkerClient(0, 0.02, never_lost).start()
        try:
            view = await worker.call("create", "a", CONFIG)
            assert view["id"] == "a" and view["state"]["epoch"] == 0
            assert (await worker.call("step", "a", 3, "epoch")).epoch == 3
            history = await worker.call("query", "a", "history", since=1)
            assert [r["epoch"] for r in history] == [2, 3]
            frame = await worker.call("next_frame", "a", -1, 0, MAPS, -1)
            assert frame.epoch == 3

            for refused in ("close", "ready_frame", "_slot", "nope"):
                with pytest.raises(AttributeError, match=f"no such call: {refused}"):
                    await worker.call(refused, "a")
            with pytest.raises(LookupError, match="no such query: nope"):
                await worker.call("query", "a", "nope")
            with pytest.raises(FieldError) as bad:
                await worker.call("query", "a", "boundary", resolution=10, fmt="json", layer=4, unit=0)
            assert bad.value.loc == ("query", "layer")
            with pytest.raises(NotFound):
                await worker.call("view", "b")
            assert (await worker.call("view", "a"))["state"]["epoch"] == 3  # still answering
        finally:
            await worker.close()
        with pytest.raises(WorkerLost):
            await worker.call("view", "a")

    loops.run(main())


def test_a_cancelled_call_stops_waiting_in_the_worker() -> None:
    async def main() -> None:
        worker = await WorkerClient(0, 0.02, never_lost).start()
        try:
            await worker.call("create", "a", CONFIG)
            waiting = asyncio.create_task(worker.call("next_frame", "a", 0, 0, MAPS, 0))
            await asyncio.sleep(0.1)
            assert not waiting.done()
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            assert not worker.pending
            assert (await worker.call("step", "a", 1, "batch")).step == 1
        finally:
            await worker.close()

    loops.run(main())


def test_a_sharded_host_with_one_worker_is_a_host() -> None:
    async def main() -> None:
        host: Host = await ShardedHost.start(1, 0.02)
        try:
            await host.create("a", CONFIG)
            assert "a" in host and len(host) == 1 and host.ids() == ["a"]
            await host.step("a", 2, "epoch")
            assert [c["epoch"] for c in await host.query("a", "checkpoints")] == [0, 1, 2]
            view, rebuilt = await host.patch("a", {"optimizer": {"learning_rate": 0.1}})
            assert not rebuilt and view["state"]["epoch"] == 2
            frame = await host.frame("a", 0, MAPS, -1)
            assert frame.version > 0 and frame.epoch == 2
            await host.delete("a")
            with pytest.raises(SessionNotFound):
                await host.query("a", "history")
        finally:
            await host.close()

    loops.run(main())
