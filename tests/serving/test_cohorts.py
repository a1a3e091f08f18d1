"""Training in cohorts on an inline host (as a worker runs it): who trains together, and that
each session gets exactly the numbers it would get training alone."""

from __future__ import annotations

import asyncio
import itertools
import math
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pytest

from app.outputs.documents import export_document, session_from_document
from app.serving import cohorts
from app.serving.cohorts import Cohorts
from app.serving.host import SessionHost
from app.serving.slot import Slot
from app.training.cohort import train_together
from app.training.config import Config
from app.training.session import MAX_STEPS, Session
from tests import loops
from tests.serving.hosting import run_hosted

XOR = {"dataset": {"name": "xor", "samples": 100}, "hidden_layers": [3]}
SPIRAL = {"dataset": {"name": "spiral"}}


def config(base: dict[str, Any], seed: int, **changes: Any) -> Config:
    return Config.model_validate({**base, **changes, "seed": seed})


def inline(test: Callable[[SessionHost], Awaitable[None]]) -> None:
    async def start() -> SessionHost:
        return SessionHost(inline=True)

    run_hosted(start, test)


@pytest.fixture
def together(monkeypatch: pytest.MonkeyPatch) -> list[list[Session]]:
    """The sessions of every train_together call, in order."""
    calls: list[list[Session]] = []

    def recording(sessions: Sequence[Session], batches: Sequence[int]) -> None:
        calls.append(list(sessions))
        train_together(sessions, batches)

    monkeypatch.setattr(cohorts, "train_together", recording)
    return calls


def alone(config: Config, batches: int) -> Session:
    session = Session(config)
    while batches > 0:
        session.step(min(batches, MAX_STEPS), "batch")
        batches -= min(batches, MAX_STEPS)
    return session


async def assert_as_alone(host: SessionHost, sid: str, config: Config) -> None:
    """The hosted session's weights (bit for bit), history and counters are those of the
    same config trained alone for as many batches."""
    document = await host.query(sid, "export")
    reference = alone(config, document["state"]["step"])
    assert document == export_document(reference)
    assert session_from_document(document).model.params.tobytes() == reference.model.params.tobytes()


async def until(host: SessionHost, sid: str, done: Callable[[dict[str, Any]], bool]) -> None:
    while not done((await host.view(sid))["state"]):
        await asyncio.sleep(0.01)


def test_sessions_of_one_shape_train_together_and_other_shapes_apart(together: list[list[Session]]) -> None:
    configs = {f"three{i}": config(XOR, i) for i in range(3)}
    configs |= {f"four{i}": config(XOR, i, hidden_layers=[4]) for i in range(3)}
    configs["lone"] = config(XOR, 0, hidden_layers=[5])

    async def test(host: SessionHost) -> None:
        for sid, c in configs.items():
            await host.create(sid, c)
        states = await asyncio.gather(*(host.step(sid, 3, "epoch") for sid in configs))
        assert all(state.epoch == 3 and not state.interrupted for state in states)

    inline(test)
    shapes = [{tuple(s.config.hidden_layers) for s in call} for call in together]
    assert {(3,), (4,)} <= {shape for group in shapes for shape in group}
    assert all(len(group) == 1 for group in shapes)  # never mixed
    assert all(len(call) == 3 for call in together)  # all of a shape, each turn
    assert all(s.config.hidden_layers != [5] for call in together for s in call)


def test_stepped_together_each_gets_the_numbers_it_gets_alone(together: list[list[Session]]) -> None:
    configs = {f"s{i}": config(XOR, i) for i in range(4)} | {"other": config(XOR, 9, hidden_layers=[4])}

    async def test(host: SessionHost) -> None:
        for sid, c in configs.items():
            await host.create(sid, c)
        await asyncio.gather(*(host.step(sid, 5, "epoch") for sid in configs))
        for sid, c in configs.items():
            await assert_as_alone(host, sid, c)

    inline(test)
    assert together


@pytest.mark.parametrize("speed", [math.inf, 100.0])
def test_played_together_each_gets_the_numbers_it_gets_alone(together: list[list[Session]], speed: float) -> None:
    configs = {f"s{i}": config(XOR, i) for i in range(4)}

    async def test(host: SessionHost) -> None:
        for sid, c in configs.items():
            await host.create(sid, c)
            await host.play(sid, speed)
            await asyncio.sleep(0.013)  # out of step: ticks on a shared grid still come due together
        for sid in configs:
            await until(host, sid, lambda state: state["epoch"] >= 3)
        for sid in configs:
            await host.pause(sid)
        for sid, c in configs.items():
            await assert_as_alone(host, sid, c)

    inline(test)
    assert any(len(call) >= 2 for call in together)


def test_a_member_that_diverges_stops_playing_and_the_others_go_on(together: list[list[Session]]) -> None:
    configs = {
        "wild": config(SPIRAL, 0, optimizer={"learning_rate": 10.0}),
        "calm": config(SPIRAL, 1),
        "also": config(SPIRAL, 2),
    }

    async def test(host: SessionHost) -> None:
        for sid, c in configs.items():
            await host.create(sid, c)
            await host.play(sid, math.inf)
        await until(host, "wild", lambda state: state["status"] == "diverged")
        diverged_at = (await host.view("calm"))["state"]["epoch"]
        await until(host, "calm", lambda state: state["epoch"] > diverged_at + 2)
        for sid in configs:
            await host.pause(sid)
        for sid, c in configs.items():
            await assert_as_alone(host, sid, c)

    inline(test)
    assert any(len(call) == 3 for call in together)


def test_a_member_deleted_or_preempted_before_its_turn_is_not_trained(together: list[list[Session]]) -> None:
    configs = {sid: config(XOR, i) for i, sid in enumerate("abcd")}

    async def test(host: SessionHost) -> None:
        for sid, c in configs.items():
            await host.create(sid, c)
        steps = {sid: asyncio.create_task(host.step(sid, 100_000, "epoch")) for sid in configs}
        await asyncio.sleep(0)  # every step has asked for its first piece; none has trained
        await host.delete("b")
        await host.pause("c")
        assert "deleted" in (await steps["b"]).interruption
        paused = await steps["c"]
        assert "paused" in paused.interruption and paused.step == 0
        await until(host, "a", lambda state: state["epoch"] >= 3)
        for sid in "ad":
            await host.pause(sid)
            assert (await steps[sid]).interrupted
            await assert_as_alone(host, sid, configs[sid])
        await assert_as_alone(host, "c", configs["c"])

    inline(test)
    assert [s.config.seed for s in together[0]] == [0, 3]
    assert all(s.config.seed in (0, 3) for call in together for s in call)


def test_a_turn_over_its_budget_leaves_the_rest_for_the_next_turns(together: list[list[Session]]) -> None:
    async def main() -> None:
        queue = Cohorts(run_seconds=0.0)  # every piece is over budget: one run per turn
        slots = [Slot(Session(config(XOR, i))) for i in range(3)]
        pieces = [asyncio.create_task(queue.train(slot, 2, None)) for slot in slots]
        trained: list[int] = []
        while not all(piece.done() for piece in pieces):
            await asyncio.sleep(0)
            trained.append(sum(slot.session.step_count == 2 for slot in slots))
        assert trained[-1] == 3
        assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(trained))
        assert all(piece.result() is not None for piece in pieces)

    loops.run(main())
    assert together == []


def test_time_is_shared_in_proportion_to_batches_and_errors_reach_every_member(
    together: list[list[Session]], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def main() -> None:
        queue = Cohorts()
        slots = [Slot(Session(config(XOR, i))) for i in range(2)]
        one, three = await asyncio.gather(queue.train(slots[0], 1, None), queue.train(slots[1], 3, None))
        assert one is not None and three is not None
        assert math.isclose(three[0], 3 * one[0]) and not one[1] and not three[1]

        def failing(sessions: Sequence[Session], batches: Sequence[int]) -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr(cohorts, "train_together", failing)
        outcomes = await asyncio.gather(*(queue.train(slot, 1, None) for slot in slots), return_exceptions=True)
        assert all(isinstance(outcome, RuntimeError) for outcome in outcomes)

    loops.run(main())
    assert len(together) == 1
