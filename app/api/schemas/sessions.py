"""Sessions: their state, training, data, predictions and network."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, Strict, ValidationInfo, field_validator

from app.outputs.wire import Wire, WireIn
from app.serving.protocol import StepState
from app.training.config import Config, Point
from app.training.datasets import MAX_CLASSES, MAX_COORDINATE
from app.training.metrics import SessionState


class State(Wire, SessionState):
    """Where a session stands: counters, the latest metrics and its status."""


class SessionOut(Wire):
    id: str = Field(description="The session's id: whoever holds it may drive the session.")
    config: Config
    state: State


class PatchOut(SessionOut):
    rebuilt: bool = Field(description="True when the change rebuilt the model (new weights, epoch 0).")


class StepIn(WireIn):
    steps: int = Field(1, ge=1, le=100_000)
    unit: Literal["batch", "epoch"] = "batch"


class StepOut(Wire, StepState):
    """The state a step reached; a step that something stopped early says so."""


class WeightEdit(WireIn):
    """One parameter: the weight from input ``source`` to ``unit`` of ``layer``, or its bias."""

    layer: int = Field(ge=0, description="0 is the first hidden layer (or the output, with none).")
    unit: int = Field(ge=0, description="The unit in that layer (a column of its weights).")
    source: int | None = Field(None, ge=0, description="The input (a row of its weights); null for the bias.")
    value: float = Field(ge=-1000.0, le=1000.0)


class PointSet(Wire):
    points: list[tuple[float, float]]
    labels: list[float]


class DataOut(Wire):
    train: PointSet
    test: PointSet
    validation: PointSet = Field(description="Training points held out for validation; empty without a share.")
    task: Literal["classification", "regression"]
    classes: int | None


class CustomDataIn(WireIn):
    points: list[Point] = Field(min_length=2, max_length=5000, description="[x1, x2] pairs in [-6, 6].")
    labels: list[Annotated[int, Field(ge=0, lt=MAX_CLASSES)]] = Field(
        max_length=5000, description="A class id 0..5 per point."
    )

    @field_validator("labels")
    @classmethod
    def _one_label_per_point(cls, v: list[int], info: ValidationInfo) -> list[int]:
        points = info.data.get("points")
        if points is not None and len(points) != len(v):
            raise ValueError(f"{len(v)} labels for {len(points)} points")
        return v


Coordinate = Annotated[float, Field(ge=-MAX_COORDINATE, le=MAX_COORDINATE)]


class PredictIn(WireIn):
    points: list[Annotated[tuple[Coordinate, Coordinate], Strict(False)]] = Field(
        min_length=1, max_length=10_000, description=f"[x1, x2] pairs, each within ±{MAX_COORDINATE:g}."
    )


class PredictOut(Wire):
    task: Literal["classification", "regression"]
    probabilities: list[list[float]] | None = Field(None, description="Per point, per class (one column for 2).")
    labels: list[int] | None = Field(None, description="Predicted class per point.")
    values: list[float] | None = Field(None, description="Regression output per point.")


class LayerWithGradients(Wire):
    activation: str
    weights: list[list[float]]
    biases: list[float]
    weight_gradients: list[list[float]] = Field(
        description="d(mean training loss + penalty)/d(weights) at the current weights."
    )
    bias_gradients: list[float]


class Network(Wire):
    features: list[str]
    layers: list[LayerWithGradients]
