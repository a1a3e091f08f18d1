"""Long work in turns: steps that others can stop, long reads that let other sessions step.

Every case runs on a host with compute threads, inline (as a worker runs it) and
through a worker process, where stopping a step has to cross the process boundary.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from app.outputs.checks import evaluation_cost
from app.serving.host import SessionHost
from app.serving.protocol import Host
from app.serving.shards import ShardedHost
from app.training.config import Config
from app.training.session import Session
from tests.serving.hosting import run_hosted

SMALL = Config.model_validate({"dataset": {"name": "xor", "samples": 100}, "hidden_layers": [3]})
SLOW = Config.model_validate({"dataset": {"name": "spiral", "samples": 1000}, "hidden_layers": [16, 16]})
LARGEST = Config.model_validate(
    {
        "dataset": {"name": "blobs", "samples": 5000, "classes": 6},
        "features": ["x1", "x2", "x1_squared", "x2_squared", "x1_times_x2", "sin_x1", "sin_x2"],
        "hidden_layers": [64] * 8,
    }
)
WORK = 3e9
Hosted = Callable[[Callable[[Host], Awaitable[None]]], None]


@pytest.fixture(params=["threads", "inline", "worker"])
def hosted(request: pytest.FixtureRequest) -> Hosted:
    """Runs a test on a fresh host of each kind (one worker process for "worker") and closes it."""

    async def start() -> Host:
        if request.param == "worker":
            return await ShardedHost.start(1, 0.02)
        return SessionHost(compute_threads=1, inline=request.param == "inline")

    return lambda test: run_hosted(start, test)


async def training(host: Host, sid: str, past_epoch: int = 0) -> dict[str, Any]:
    """Once the session has trained past ``past_epoch``: its state, which must say it is training."""
    while True:
        state = (await host.view(sid))["state"]
        if state["epoch"] > past_epoch:
            assert state["status"] == "training"
            return state
        await asyncio.sleep(0.01)


ACTIONS: dict[str, tuple[Callable[[Host], Awaitable[Any]], str]] = {
    "reset": (lambda host: host.reset("a"), "reset"),
    "patch": (lambda host: host.patch("a", {"optimizer": {"learning_rate": 0.01}}), "reconfigured"),
    "pause": (lambda host: host.pause("a"), "paused"),
    "delete": (lambda host: host.delete("a"), "deleted"),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_long_step_stops_for_reset_patch_pause_and_delete(hosted: Hosted, action: str) -> None:
    change, word = ACTIONS[action]

    async def test(host: Host) -> None:
        await host.create("a", SLOW)
        step = asyncio.create_task(host.step("a", 100_000, "epoch"))
        await training(host, "a")
        await change(host)
        state = await step
        assert state.interrupted and word in state.interruption
        assert state.epoch >= 1 and f"epoch {state.epoch}," in state.interruption
        if action in ("pause", "patch"):
            assert (await host.view("a"))["state"]["status"] == "ready"

    hosted(test)


def test_a_step_asked_for_after_a_reset_runs_in_full(hosted: Hosted) -> None:
    async def test(host: Host) -> None:
        await host.create("a", SMALL)
        await host.reset("a")
        state = await host.step("a", 3, "epoch")
        assert not state.interrupted and state.interruption == "" and state.epoch == 3

    hosted(test)


def test_a_cancelled_step_stops_training(hosted: Hosted) -> None:
    """What a client hanging up does: the route cancels the step."""

    async def test(host: Host) -> None:
        await host.create("a", SLOW)
        step = asyncio.create_task(host.step("a", 100_000, "epoch"))
        await training(host, "a")
        step.cancel()
        with pytest.raises(asyncio.CancelledError):
            await step
        while (await host.view("a"))["state"]["status"] != "ready":
            await asyncio.sleep(0.01)
        stopped = (await host.view("a"))["state"]["step"]
        await asyncio.sleep(0.3)
        assert (await host.view("a"))["state"]["step"] == stopped

    hosted(test)


def test_a_gradient_check_on_the_largest_network_is_bounded_and_takes_turns(hosted: Hosted) -> None:
    async def test(host: Host) -> None:
        await host.create("big", LARGEST)
        await host.create("a", SMALL)
        check = asyncio.create_task(host.query("big", "gradient_check", per_layer=500, work=WORK))
        await host.step("a", 1, "batch")
        assert not check.done()  # the other session stepped while the check was under way
        result = await check
        session = Session(LARGEST)
        checked = sum(layer["checked"] for layer in result["layers"])
        assert 2 * checked * evaluation_cost(session, result["points"]) <= WORK
        assert result["limited"] == ["per_layer", "points"] and result["per_layer"] < 500
        assert result["relative_error"] < 1e-6

    hosted(test)


def test_a_loss_slice_on_the_largest_network_is_coarser_and_takes_turns(hosted: Hosted) -> None:
    async def test(host: Host) -> None:
        await host.create("big", LARGEST)
        await host.create("a", SMALL)
        work = WORK / 3  # a coarse grid is enough to show it
        plane = asyncio.create_task(host.query("big", "loss_slice", resolution=61, span=1.0, seed=0, work=work))
        await host.step("a", 1, "batch")
        assert not plane.done()
        result = await plane
        n = result["resolution"]
        assert result["limited"] == ["resolution"] and len(result["loss"]) == len(result["axis"]) == n
        assert n * n * evaluation_cost(Session(LARGEST)) <= work

    hosted(test)
