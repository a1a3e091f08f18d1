"""Following a session: frames, the messages a client sends on the stream, watch links."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from app.api.schemas.maps import MapOut, NeuronMaps, WeightsView
from app.api.schemas.sessions import State
from app.outputs.document_schema import HistoryRecord
from app.outputs.wire import Wire, WireIn
from app.training.config import Config


class Frame(Wire):
    type: Literal["frame"] = "frame"
    history_tail: list[HistoryRecord] = Field(description="History points new since the watcher's last frame.")
    config: Config | None = Field(None, description="Present when the config changed since the last frame.")
    version: int
    config_version: int
    state: State
    boundary: MapOut
    neurons: NeuronMaps
    weights: WeightsView


class PlayMessage(WireIn):
    type: Literal["play"]
    speed: Annotated[float, Field(gt=0, le=100_000)] | Literal["max"] = Field(
        20.0, description="Epochs per second, or max."
    )

    @property
    def epochs_per_second(self) -> float:
        return float("inf") if self.speed == "max" else float(self.speed)


class PauseMessage(WireIn):
    type: Literal["pause"]


class StepMessage(WireIn):
    type: Literal["step"]
    steps: int = Field(1, ge=1, le=100_000)
    unit: Literal["batch", "epoch"] = "batch"


class ResetMessage(WireIn):
    type: Literal["reset"]


class ConfigureMessage(WireIn):
    type: Literal["configure"]
    config: dict[str, object]


class SubscribeMessage(WireIn):
    type: Literal["subscribe"]
    fps: int = Field(20, ge=1, le=60)
    boundary_resolution: int = Field(100, ge=10, le=200)
    neuron_resolution: int = Field(12, ge=4, le=50)
    maps: bool = Field(
        True,
        description="false: lean frames, one binary message each with no maps (the page draws them from the weights)",
    )


class WatchLink(Wire):
    token: str = Field(description="Lets its holder watch the session's frames, and nothing else.")
    url: str = Field(description="The page that follows the session.")
    stream: str


class WatchView(Wire):
    config: Config
    state: State
