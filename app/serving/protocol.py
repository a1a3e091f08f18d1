"""Host: what the server asks of whoever holds the sessions.

Two implementations: SessionHost runs sessions in this process, ShardedHost
forwards to the worker process that holds each one. Both speak plain data
(dicts, JSON text, FrameOut), so either can stand behind the same routes.
Every async call but ``close`` names a session first; unknown ids raise SessionNotFound.
A worker answers exactly these calls: app/serving/rpc.py reads them from this class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from pydantic import Field

from app.outputs.frames import MapSettings
from app.training.config import Config
from app.training.errors import NotFound
from app.training.session import SessionState, Unit


class SessionNotFound(NotFound):
    """No session with that id (never created, deleted or expired)."""

    def __init__(self, session_id: str) -> None:
        super().__init__("session not found: it never existed, was deleted, or expired")
        self.session_id = session_id


@dataclass(frozen=True)
class FrameOut:
    text: str | bytes  # a JSON frame, or a lean frame's binary message
    version: int
    epoch: int  # the newest history epoch this watcher has now seen
    config_version: int


@dataclass(frozen=True)
class StepState(SessionState):
    """The state a step reached, and whether something stopped it before the end."""

    interrupted: Annotated[
        bool, Field(description="True when a pause, reset, change or delete stopped the step before the end.")
    ] = False
    interruption: Annotated[str, Field(description="What stopped it and where, in plain words.")] = ""


class Host(Protocol):
    def __contains__(self, session_id: str) -> bool: ...

    def __len__(self) -> int: ...

    def ids(self) -> list[str]: ...

    async def close(self) -> None:
        """End every session and release the compute (threads or worker processes)."""

    # ---- lifecycle ------------------------------------------------------------------------

    async def create(self, session_id: str, config: Config) -> dict[str, Any]:
        """A new session under ``session_id``; returns its view."""

    async def create_from_document(self, session_id: str, document: dict[str, Any]) -> dict[str, Any]:
        """A new session with exactly a model document's weights; returns its view."""

    async def delete(self, session_id: str) -> None: ...

    # ---- reads ----------------------------------------------------------------------------

    async def view(self, session_id: str) -> dict[str, Any]:
        """Id, config and state (a session playing or taking a step reads as training)."""

    async def query(self, session_id: str, name: str, **kwargs: Any) -> Any:
        """Run the read ``queries.QUERIES[name]`` on the session with ``kwargs``."""

    # ---- frames ---------------------------------------------------------------------------

    async def frame(self, session_id: str, since_epoch: int, maps: MapSettings, config_version: int) -> FrameOut:
        """The latest frame now, for polling clients."""

    async def next_frame(
        self, session_id: str, after_version: int, since_epoch: int, maps: MapSettings, config_version: int
    ) -> FrameOut:
        """Wait until the session is newer than ``after_version``, then return its frame."""

    async def add_watcher(self, session_id: str, fps: int) -> int:
        """A new watcher taking ``fps`` frames a second; returns its id. Play ticks at the fastest's rate."""

    async def set_watcher_fps(self, session_id: str, watcher: int, fps: int) -> None: ...

    async def remove_watcher(self, session_id: str, watcher: int) -> None:
        """Forget a watcher; when the last one leaves, play pauses."""

    # ---- changes --------------------------------------------------------------------------

    async def patch(self, session_id: str, patch: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Merge a partial config; returns the view and whether the model was rebuilt.
        Raises pydantic's ValidationError (and changes nothing) if invalid."""

    async def set_parameter(self, session_id: str, layer: int, unit: int, source: int | None, value: float) -> None:
        """Set one weight (or, without ``source``, one bias)."""

    async def reset(self, session_id: str) -> dict[str, Any]:
        """Back to the initial weights with the same data; returns the view."""

    async def go_back(self, session_id: str, epoch: int | None) -> dict[str, Any]:
        """Continue from a checkpoint, or (None) from the epoch with the lowest test loss."""

    async def step(self, session_id: str, steps: int, unit: Unit) -> StepState:
        """Train ``steps`` batches or epochs, in fair chunks; returns the state after.
        Pause, reset, patch and delete stop a step under way (it says it was interrupted)."""

    async def play(self, session_id: str, speed: float) -> None:
        """Train continuously at ``speed`` epochs per second (math.inf: as fast as fair)."""

    async def pause(self, session_id: str) -> None:
        """Stop playing, and any step under way; returns once the last chunk of training has finished."""
