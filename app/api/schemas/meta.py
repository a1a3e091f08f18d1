"""About the server and its choices: health, options, limits, datasets; the error shape."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.outputs.wire import Wire
from app.training.config import Config


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
    inspect_work: float = Field(
        description="Weight x training point products one gradient check or loss slice may compute: "
        "past it they check fewer points or draw a coarser grid."
    )


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


class ErrorOut(Wire):
    detail: str | list[dict[str, object]]
