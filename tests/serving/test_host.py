"""SessionHost directly: lifecycle, the named queries, changes, frames and their versions."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pydantic import ValidationError

from app.outputs.frames import MapSettings
from app.serving.host import SessionHost
from app.serving.protocol import SessionNotFound
from app.serving.queries import QUERIES
from app.training.config import Config
from tests.serving.hosting import run_hosted

CONFIG = Config.model_validate(
    {"dataset": {"name": "xor", "samples": 100}, "hidden_layers": [3], "activation": "linear"}
)
MAPS = MapSettings(10, 4)

# One call of every query; a new query needs a line here.
EXAMPLES: dict[str, dict[str, Any]] = {
    "data": {"decimals": 2},
    "network": {},
    "history": {"since": 1},
    "export": {},
    "boundary": {"resolution": 10, "fmt": "json"},
    "predict": {"points": [[0.0, 0.0], [1.0, -1.0]]},
    "gradient_check": {"per_layer": 5},
    "collapse": {},
    "loss_slice": {"resolution": 3, "span": 1.0, "seed": 0},
    "health": {},
    "checkpoints": {},
    "checkpoint_view": {"epoch": 2, "maps": MAPS},
    "code": {"kind": "numpy"},
    "backprop": {"x1": 0.5, "x2": -1.0, "label": 1},
}


@pytest.fixture(params=[False, True], ids=["threads", "inline"])
def hosted(request: pytest.FixtureRequest) -> Callable[[Callable[[SessionHost], Awaitable[None]]], None]:
    """Runs a test on a fresh host (on compute threads, or inline as in a worker) and closes it."""

    async def start() -> SessionHost:
        return SessionHost(compute_threads=1, inline=request.param)

    return lambda test: run_hosted(start, test)


Hosted = Callable[[Callable[[SessionHost], Awaitable[None]]], None]


def test_every_query_has_an_example() -> None:
    assert set(EXAMPLES) == set(QUERIES)


def test_create_view_and_delete(hosted: Hosted) -> None:
    async def test(host: SessionHost) -> None:
        view = await host.create("a", CONFIG)
        assert view["id"] == "a"
        assert view["state"]["epoch"] == 0
        assert view["config"] == CONFIG.model_dump(mode="json")
        assert "a" in host and len(host) == 1 and host.ids() == ["a"]
        assert await host.view("a") == view
        with pytest.raises(ValueError, match="exists"):
            await host.create("a", CONFIG)
        await host.delete("a")
        assert "a" not in host and len(host) == 0
        with pytest.raises(SessionNotFound):
            await host.view("a")
        with pytest.raises(SessionNotFound):
            await host.delete("a")

    hosted(test)


def test_a_document_makes_an_identical_session(hosted: Hosted) -> None:
    async def test(host: SessionHost) -> None:
        await host.create("a", CONFIG)
        await host.step("a", 2, "epoch")
        document = await host.query("a", "export")
        await host.create_from_document("b", document)
        assert await host.query("b", "export") == document

    hosted(test)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_query_answers_plain_data(hosted: Hosted, name: str) -> None:
    async def test(host: SessionHost) -> None:
        await host.create("a", CONFIG)
        await host.step("a", 3, "epoch")
        result = await host.query("a", name, **EXAMPLES[name])
        assert json.loads(json.dumps(result)) == result

    hosted(test)


def test_queries_read_the_session_they_name(hosted: Hosted) -> None:
    async def test(host: SessionHost) -> None:
        await host.create("a", CONFIG)
        await host.step("a", 3, "epoch")
        assert [r["epoch"] for r in await host.query("a", "history", since=1)] == [2, 3]
        assert [c["epoch"] for c in await host.query("a", "checkpoints")] == [0, 1, 2, 3]
        assert (await host.query("a", "checkpoint_view", epoch=1, maps=MAPS))["epoch"] == 1
        assert len((await host.query("a", "predict", points=[[0.0, 0.0]] * 3))["labels"]) == 3
        assert "torch" in await host.query("a", "code", kind="pytorch")

    hosted(test)


def test_unknown_queries_and_sessions_are_refused(hosted: Hosted) -> None:
    async def test(host: SessionHost) -> None:
        await host.create("a", CONFIG)
        with pytest.raises(LookupError, match="no such query: nope"):
            await host.query("a", "nope")
        with pytest.raises(SessionNotFound):
            await host.query("b", "history")

    hosted(test)


def test_step_trains_and_reset_goes_back(hosted: Hosted) -> None:
    async def test(host: SessionHost) -> None:
        await host.create("a", CONFIG)
        state = await host.step("a", 2, "epoch")
        assert state.epoch == 2
        state = await host.step("a", 1, "batch")
        assert state.step == 2 * 5 + 1
        assert (await host.reset("a"))["state"]["step"] == 0
        await host.step("a", 3, "epoch")
        assert (await host.go_back("a", 1))["state"]["epoch"] == 1

    hosted(test)


def test_patch_applies_live_or_rebuilds_and_refuses_invalid(hosted: Hosted) -> None:
    async def test(host: SessionHost) -> None:
        await host.create("a", CONFIG)
        await host.step("a", 1, "epoch")
        view, rebuilt = await host.patch("a", {"optimizer": {"learning_rate": 0.5}})
        assert not rebuilt and view["state"]["epoch"] == 1
        assert view["config"]["optimizer"]["learning_rate"] == 0.5
        view, rebuilt = await host.patch("a", {"hidden_layers": [5]})
        assert rebuilt and view["state"]["epoch"] == 0
        with pytest.raises(ValidationError):
            await host.patch("a", {"hidden_layers": [500]})
        assert (await host.view("a"))["config"]["hidden_layers"] == [5]

    hosted(test)


def test_frames_carry_versions_and_wait_for_a_newer_one(hosted: Hosted) -> None:
    async def test(host: SessionHost) -> None:
        await host.create("a", CONFIG)
        first = await host.frame("a", 0, MAPS, -1)
        assert (first.version, first.config_version, first.epoch) == (0, 0, 0)
        assert json.loads(first.text)["config"]["hidden_layers"] == [3]
        assert "config" not in json.loads((await host.frame("a", 0, MAPS, 0)).text)

        waiting = asyncio.create_task(host.next_frame("a", first.version, 0, MAPS, first.config_version))
        for _ in range(5):
            await asyncio.sleep(0)
        assert not waiting.done()
        await host.set_parameter("a", 0, 0, 0, 1.5)
        second = await waiting
        assert second.version == first.version + 1
        assert (await host.query("a", "network"))["layers"][0]["weights"][0][0] == 1.5

        await host.step("a", 2, "epoch")
        third = await host.next_frame("a", second.version, 0, MAPS, second.config_version)
        assert third.version > second.version and third.epoch == 2
        assert [r["epoch"] for r in json.loads(third.text)["history_tail"]] == [1, 2]
        await host.patch("a", {"hidden_layers": [4]})
        fourth = await host.next_frame("a", third.version, third.epoch, MAPS, third.config_version)
        assert fourth.config_version == third.config_version + 1 and fourth.epoch == 0

    hosted(test)


def test_a_deleted_session_ends_its_waiting_watchers(hosted: Hosted) -> None:
    async def test(host: SessionHost) -> None:
        await host.create("a", CONFIG)
        waiting = asyncio.create_task(host.next_frame("a", 0, 0, MAPS, 0))
        await asyncio.sleep(0)
        await host.delete("a")
        with pytest.raises(SessionNotFound):
            await waiting

    hosted(test)


def test_play_trains_until_paused_or_the_last_watcher_leaves(hosted: Hosted) -> None:
    async def test(host: SessionHost) -> None:
        await host.create("a", CONFIG)
        watcher = await host.add_watcher("a", 30)
        await host.play("a", math.inf)
        frame = await host.frame("a", 0, MAPS, 0)
        while frame.epoch < 2:
            frame = await host.next_frame("a", frame.version, frame.epoch, MAPS, 0)
        assert (await host.view("a"))["state"]["status"] == "training"
        await host.pause("a")
        assert (await host.view("a"))["state"]["status"] == "ready"
        await host.play("a", 50.0)
        await host.remove_watcher("a", watcher)
        step = (await host.view("a"))["state"]["step"]
        assert (await host.view("a"))["state"]["status"] == "ready"
        await asyncio.sleep(0.05)
        assert (await host.view("a"))["state"]["step"] == step

    hosted(test)
