"""A worker process gives the memory of deleted sessions back to the system."""

from __future__ import annotations

import asyncio

from app.serving.allocator import resident_bytes
from app.serving.shards import ShardedHost
from app.training.config import Config
from tests import loops

BIG = Config.model_validate(
    {"dataset": {"name": "circle", "samples": 5000}, "hidden_layers": [64] * 8, "optimizer": {"name": "adam"}}
)
MB = 1_000_000


def test_a_worker_trims_its_heap_after_sessions_are_deleted() -> None:
    async def main() -> tuple[int, int, int]:
        host = await ShardedHost.start(1, 0.02)
        try:
            pid = host.workers[0].process.pid
            await host.create("warm-up", Config())  # the worker has imported everything it needs
            await host.delete("warm-up")
            before = resident_bytes(pid) or 0
            ids = [f"s{i}" for i in range(24)]
            for sid in ids:
                await host.create(sid, BIG)
                await host.step(sid, 1, "epoch")
            full = resident_bytes(pid) or 0
            for sid in ids:
                await host.delete(sid)
            after = full
            for _ in range(300):  # the worker trims within a few seconds of the deletes (more on a busy machine)
                await asyncio.sleep(0.1)
                after = resident_bytes(pid) or 0
                if after < before + (full - before) // 3:
                    break
            return before, full, after
        finally:
            await host.close()

    before, full, after = loops.run(main())
    assert full - before > 60 * MB  # the large sessions really took memory
    assert after < before + (full - before) // 3
