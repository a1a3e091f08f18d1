"""Pydantic models for everything on the wire: documents, states, frames, requests."""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from app.training.config import Config, Point
from app.training.datasets import MAX_CLASSES

DOCUMENT_FORMAT: Final = "neural-playground/1"


class Wire(BaseModel):
    """Output shapes: no NaN or Infinity ever (diverged runs say so instead)."""

    model_config = ConfigDict(allow_inf_nan=False)


class WireIn(Wire):
    """Input shapes: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class State(Wire):
    epoch: int = Field(description="Completed epochs.")
    step: int = Field(description="Minibatch steps taken.")
    train_loss: float = Field(description="Mean data loss on the training set (no penalty).")
    test_loss: float | None = Field(description="Mean data loss on the test set; null without test points.")
    train_accuracy: float | None = Field(description="Share classified right; null for regression.")
    test_accuracy: float | None
    penalty: float = Field(description="The regularization term at the current weights.")
    total_loss: float = Field(description="train_loss + penalty: what training minimises.")
    learning_rate: float = Field(description="The scheduled learning rate now.")
    status: Literal["ready", "training", "diverged"]
    message: str = Field("", description="Why a run diverged, in plain words.")
    best_epoch: int | None = Field(None, description="The epoch with the lowest test loss so far (early stopping).")
    best_test_loss: float | None = None


class HistoryRecord(WireIn):
    epoch: int = Field(ge=0)
    step: int = Field(ge=0)
    train_loss: float
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    learning_rate: float
    penalty: float = 0.0


Parameter = Annotated[float, Field(ge=-1e6, le=1e6)]


class LayerParams(WireIn):
    """One Dense layer: weights are fan_in rows x fan_out columns, each value within ±1e6."""

    activation: str = Field(description="The layer's activation; the output layer names its head.")
    weights: list[list[Parameter]]
    biases: list[Parameter]


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


class DocumentState(WireIn):
    epoch: int = Field(0, ge=0)
    step: int = Field(0, ge=0)


class RunMeta(WireIn):
    slug: str
    title: str
    created_at: str


class ModelDocument(WireIn):
    """A trained model: config, weights and history. Import gives exactly these weights."""

    format: Literal["neural-playground/1"] = DOCUMENT_FORMAT
    config: Config
    layers: list[LayerParams]
    history: list[HistoryRecord] = Field(default_factory=list)
    state: DocumentState = Field(default_factory=DocumentState)
    run: RunMeta | None = Field(None, description="The saved run this document came from, if any.")


# ---- meta -------------------------------------------------------------------------------


class StoreHealth(Wire):
    kind: Literal["sqlite", "postgresql"] = Field(description="Where saved runs are kept.")
    reachable: bool = Field(description="Whether the database answered just now.")
    schema_version: int | None = Field(description="Null when the database does not answer.")


class Health(Wire):
    status: Literal["ok"] = "ok"
    version: str
    sessions: int = Field(description="Sessions held now.")
    store: StoreHealth = Field(description="The saved runs' database; sessions train without it.")


class DatasetInfo(Wire):
    name: str
    label: str
    task: Literal["classification", "regression"]
    classes: int | None = Field(description="Default class count; null for regression.")
    min_classes: int | None
    max_classes: int | None
    description: str
    noise: str = Field(description="What the noise setting (0..1) does to this set.")


class NamedChoice(Wire):
    name: str
    label: str
    knobs: list[str] = Field(default_factory=list, description="Config fields this choice uses.")


class Limits(Wire):
    max_hidden_layers: int
    max_units: int
    min_samples: int
    max_samples: int
    max_classes: int
    max_learning_rate: float
    max_regularization_rate: float
    max_steps: int
    max_batch_size: int
    min_resolution: int
    max_resolution: int
    min_fps: int
    max_fps: int
    max_upload_bytes: int
    max_upload_rows: int
    max_sessions: int
    max_predict_points: int


class Options(Wire):
    datasets: list[DatasetInfo]
    features: list[NamedChoice]
    activations: list[str]
    losses: list[NamedChoice]
    optimizers: list[NamedChoice]
    schedules: list[NamedChoice]
    regularization: list[str]
    inits: list[str]
    activation_choices: list[NamedChoice] = Field(description="activations with their labels and knobs")
    regularization_choices: list[NamedChoice] = Field(description="regularization kinds with labels and knobs")
    init_choices: list[NamedChoice] = Field(description="inits with their labels")
    limits: Limits
    defaults: Config


class DatasetPoints(Wire):
    name: str
    task: Literal["classification", "regression"]
    classes: int | None
    points: list[tuple[float, float]]
    labels: list[float]


# ---- sessions ---------------------------------------------------------------------------


class SessionOut(Wire):
    id: str = Field(description="The session's id: whoever holds it may drive the session.")
    config: Config
    state: State


class PatchOut(SessionOut):
    rebuilt: bool = Field(description="True when the change rebuilt the model (new weights, epoch 0).")


class StepIn(WireIn):
    steps: int = Field(1, ge=1, le=100_000)
    unit: Literal["batch", "epoch"] = "batch"


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


class MapOut(Wire):
    """A map over the view [-6, 6]^2: uint8 base64 ``data``, or nested ``values`` with format=json."""

    resolution: int
    extent: list[float]
    planes: int
    encoding: Literal["uint8", "json"]
    data: str | None = Field(None, description="base64 of planes*R*R bytes, plane-major, first row at y = -6.")
    values: list[list[list[float]]] | None = None
    range: tuple[float, float] | None = Field(None, description="[lo, hi] that bytes 0..255 span (regression).")


class PredictIn(WireIn):
    points: list[tuple[float, float]] = Field(min_length=1, max_length=10_000)


class PredictOut(Wire):
    task: Literal["classification", "regression"]
    probabilities: list[list[float]] | None = Field(None, description="Per point, per class (one column for 2).")
    labels: list[int] | None = Field(None, description="Predicted class per point.")
    values: list[float] | None = Field(None, description="Regression output per point.")


class NeuronLayer(Wire):
    units: int
    scales: list[float] = Field(description="Per unit: a byte b stands for (b / 127.5 - 1) * scale.")
    data: str = Field(description="base64 of units*R*R bytes.")


class NeuronMaps(Wire):
    resolution: int
    layers: list[NeuronLayer]


class LayerWeights(Wire):
    weights: list[list[float]]
    biases: list[float]


class WeightsView(Wire):
    layers: list[LayerWeights]


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


class NewRun(WireIn):
    title: str = Field("", max_length=200)


class RunIn(NewRun):
    session_id: str = Field(max_length=64)


class RunCreated(Wire):
    slug: str
    url: str = Field(description="The page that opens this run.")


class ErrorOut(Wire):
    detail: str | list[dict[str, object]]


# ---- stream messages (client -> server) -----------------------------------------------


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


# ---- inspecting a session ---------------------------------------------------------------


class GradRow(Wire):
    name: str = Field(description='The parameter, e.g. "W[0,3]" (input 0 to unit 3) or "b[3]".')
    analytic: float = Field(description="Backpropagation's derivative.")
    numeric: float = Field(description="(J(θ + ε) − J(θ − ε)) / 2ε")
    relative_error: float = Field(description="|a − n| / max(|a| + |n|, row_floor)")


class GradLayer(Wire):
    layer: int
    parameters: int
    checked: int
    relative_error: float = Field(description="||a − n|| / (||a|| + ||n||) over the checked parameters.")
    max_row_error: float
    rows: list[GradRow]


class GradCheck(Wire):
    epsilon: float
    row_floor: float
    relative_error: float = Field(description="The worst layer's relative error.")
    layers: list[GradLayer]


class Collapse(Wire):
    features: list[str]
    layers: int
    weights: list[list[float]] = Field(description="The product of every layer's W: features x outputs.")
    biases: list[float]
    max_difference: float = Field(description="Largest gap between the network and x W + b over the view.")


class LossSlice(Wire):
    axis: list[float] = Field(description="Steps along each direction, in units of the weights' own norms.")
    loss: list[list[float | None]] = Field(description="Rows follow the second direction; null where it overflowed.")
    centre: float = Field(description="The objective at the current weights.")
    epoch: int


class LayerHealthOut(Wire):
    layer: int
    units: int
    weight_grad_norm: float
    bias_grad_norm: float
    dead: float | None = Field(description="Share of ReLU units that are zero on every training point.")
    saturated: float | None = Field(description="Share of sigmoid/tanh units flat on 95% of the points.")


class HealthPoint(Wire):
    epoch: int
    layers: list[LayerHealthOut]


class GradientHealth(Wire):
    activation: str
    epoch: int
    layers: list[LayerHealthOut]
    history: list[HealthPoint] = Field(description="Every 10 epochs.")


class CheckpointInfo(Wire):
    epoch: int
    step: int
    train_loss: float
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    penalty: float


class CheckpointView(Wire):
    epoch: int
    step: int
    metrics: dict[str, float | None]
    boundary: MapOut
    neurons: NeuronMaps
    weights: WeightsView


Bound = Annotated[float, Field(ge=-100.0, le=100.0)]


class LandscapeIn(WireIn):
    samples: int = Field(100, ge=5, le=2000)
    noise: float = Field(0.2, ge=0.0, le=1.0)
    seed: int = Field(0, ge=0, le=2**32 - 1)
    learning_rate: float = Field(0.5, gt=0.0, le=100.0)
    steps: int = Field(60, ge=0, le=5000)
    start: tuple[Annotated[float, Field(ge=-50, le=50)], Annotated[float, Field(ge=-50, le=50)]] = Field(
        (-4.0, -3.0), description="(b, w) where descent starts."
    )
    resolution: int = Field(61, ge=5, le=201)
    extent: tuple[Bound, Bound, Bound, Bound] = Field(
        (-6.0, 6.0, -5.0, 7.0), description="b from, b to, w from, w to; each in -100..100."
    )


class LandscapeOut(Wire):
    kind: Literal["logistic", "linear"]
    b: list[float]
    w: list[float]
    loss: list[list[float]] = Field(description="Rows follow w, columns b.")
    path: list[tuple[float, float, float]] = Field(description="(b, w, loss) per step, the start first.")
    minimum: tuple[float, float, float] | None = Field(None, description="Linear only: the closed-form (b*, w*, L*).")
    points: list[tuple[float, float]] = Field(description="The 1-D data, (x, y).")


class WatchLink(Wire):
    token: str = Field(description="Lets its holder watch the session's frames, and nothing else.")
    url: str = Field(description="The page that follows the session.")
    stream: str


class WatchView(Wire):
    config: Config
    state: State


class LessonSummary(Wire):
    name: str
    number: int
    title: str
    view: str


class LessonOut(LessonSummary):
    text: str
    try_: list[str] = Field(alias="try", serialization_alias="try")
    config: Config
    compare: Config | None = Field(description="The second run of a compare lesson, resolved.")
    changes: dict[str, object] | None = Field(description="What the second run changes in the first.")
    flags: dict[str, object]
