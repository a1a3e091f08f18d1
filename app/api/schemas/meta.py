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
    writable: bool = Field(description="Whether a run could be saved now (false: saves answer 503).")


class MemoryHealth(Wire):
    budget_mb: float = Field(description="Memory for sessions (the max_memory_mb setting).")
    used_mb: float = Field(description="The sessions' estimated sizes, added up; a new one must fit the rest.")
    rss_mb: float | None = Field(description="Resident memory of the server and its workers; null where unknown.")


class Health(Wire):
    status: Literal["ok"] = "ok"
    version: str
    sessions: int = Field(description="Sessions held now.")
    store: StoreHealth = Field(description="The saved runs' database; sessions train without it.")
    memory: MemoryHealth


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
    max_memory_mb: int = Field(description="Memory for sessions; each is admitted by its estimated size.")
    max_sessions_per_client: int
    max_saves_per_minute: int = Field(description="Runs one client address may save per minute.")
    max_run_bytes: int = Field(description="The largest saved run's document.")
    max_landscape_evaluations: int = Field(description="resolution^2 x samples of one 1-D loss landscape.")
    max_coordinate: float = Field(description="Points sent to the API lie within |x| <= this.")
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
