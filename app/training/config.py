"""The training config: one schema for the API, the CLI's --config, saved runs and URL state.

Every field has a default, so ``{}`` is a valid config (TensorFlow
Playground's defaults: circle data, [4, 2] tanh, sgd at 0.03, batch 10, half
the points for training). Validation errors name the field at fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.nn.activations import ACTIVATIONS, LEAKY_SLOPE
from app.nn.features import FEATURES
from app.nn.inits import INITS
from app.nn.losses import LOSSES, REGRESSION_LOSSES
from app.nn.optimizers import OPTIMIZERS
from app.nn.regularizers import REGULARIZERS
from app.nn.schedules import SCHEDULES
from app.training.datasets import DATASETS, MAX_CLASSES, MAX_SAMPLES, MIN_SAMPLES, VIEW


def _one_of(table: Mapping[str, object]) -> Any:
    """A Literal of the table's names: pydantic checks a value against it and lists them as an enum."""
    return Literal[tuple(table)]


if TYPE_CHECKING:
    DatasetName = str
    ActivationName = str
    FeatureName = str
    LossName = str
    InitName = str
    OptimizerName = str
    RegularizationKind = str
    ScheduleName = str
else:
    DatasetName = _one_of(DATASETS)
    ActivationName = _one_of(ACTIVATIONS)
    FeatureName = _one_of(FEATURES)
    LossName = _one_of(LOSSES)
    InitName = _one_of(INITS)
    OptimizerName = _one_of(OPTIMIZERS)
    RegularizationKind = _one_of(REGULARIZERS)
    ScheduleName = _one_of(SCHEDULES)
MAX_SEED = 2**32 - 1
MAX_LAYERS = 8
MAX_UNITS = 64
MAX_LEARNING_RATE = 10.0
MAX_REG_RATE = 10.0
MAX_PATIENCE = 100_000
DEFAULT_FEATURES: tuple[FeatureName, ...] = ("x1", "x2")

Coordinate = Annotated[float, Field(ge=-VIEW, le=VIEW)]
# Lax for the pair only: strict mode would take nothing but a Python tuple, never a JSON array.
Point = Annotated[tuple[Coordinate, Coordinate], Strict(False)]


class StrictModel(BaseModel):
    """Unknown fields and NaN/Infinity are errors, not silently accepted; -0.0 reads as 0.0.
    Strict: numbers are numbers, no "1" for 1 and no true for 1 (a whole number still does
    for a float field)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)

    @field_validator("*")
    @classmethod
    def _no_negative_zero(cls, v: Any) -> Any:
        # -0.0 passes "ge=0" yet numpy's samplers take it for a negative scale.
        return 0.0 if isinstance(v, float) and v == 0.0 else v


class DatasetConfig(StrictModel):
    name: DatasetName = Field("circle", description="Which 2-D dataset (see GET /api/datasets).")
    samples: int = Field(
        500, ge=2, le=MAX_SAMPLES, description="Number of points, 10..5000 (custom: the points given)."
    )
    noise: float = Field(0.1, ge=0.0, le=1.0, description="0..1; its meaning per dataset is in GET /api/datasets.")
    train_fraction: float = Field(0.5, ge=0.1, le=0.9, description="Share of points used for training.")
    validation_fraction: float = Field(
        0.0,
        ge=0.0,
        lt=1.0,
        description="Share of the training points held out for validation (never taken from the test set).",
    )
    classes: int | None = Field(
        None,
        ge=2,
        le=MAX_CLASSES,
        description="Class count: 2..6 for spiral, blobs and custom; fixed for the others; null for regression.",
        validate_default=True,
    )
    seed: int | None = Field(None, ge=0, le=MAX_SEED, description="Data seed; null derives it from the run's seed.")
    points: list[Point] | None = Field(
        None,
        max_length=MAX_SAMPLES,
        description="custom only: [x1, x2] pairs in [-6, 6].",
        validate_default=True,
    )
    labels: list[Annotated[int, Field(ge=0, lt=MAX_CLASSES)]] | None = Field(
        None,
        max_length=MAX_SAMPLES,
        description="custom only: a class id 0..5 per point.",
        validate_default=True,
    )

    @field_validator("samples")
    @classmethod
    def _enough_samples(cls, v: int, info: ValidationInfo) -> int:
        if info.data.get("name") != "custom" and v < MIN_SAMPLES:
            raise ValueError(f"generated datasets have at least {MIN_SAMPLES} points")
        return v

    @field_validator("validation_fraction")
    @classmethod
    def _training_points_left(cls, v: float, info: ValidationInfo) -> float:
        samples, fraction = info.data.get("samples"), info.data.get("train_fraction")
        if v == 0.0 or info.data.get("name") == "custom" or samples is None or fraction is None:
            return v
        held, train = validation_count(samples, fraction, v)
        if held < 1 or train - held < 1:
            raise ValueError(f"must hold out at least one of the {train} training points and leave one")
        return v

    @field_validator("classes")
    @classmethod
    def _classes_fit_dataset(cls, v: int | None, info: ValidationInfo) -> int | None:
        name = info.data.get("name")
        if name is None:
            return v
        spec = DATASETS[name]
        if spec.task == "regression":
            if v is not None:
                raise ValueError(f"{name} is a regression dataset and has no classes")
            return None
        if v is None:
            return spec.classes
        if not spec.min_classes <= v <= spec.max_classes:
            if spec.min_classes == spec.max_classes:
                raise ValueError(f"{name} has exactly {spec.classes} classes")
            raise ValueError(f"{name} takes {spec.min_classes}..{spec.max_classes} classes")
        return v

    @field_validator("points")
    @classmethod
    def _points_only_for_custom(cls, v: list[Point] | None, info: ValidationInfo) -> list[Point] | None:
        name = info.data.get("name")
        if name == "custom":
            if v is None or len(v) < 2:
                raise ValueError("the custom dataset needs at least 2 points")
        elif v is not None and name is not None:
            raise ValueError("points are only used with the custom dataset")
        return v

    @field_validator("labels")
    @classmethod
    def _labels_match_points(cls, v: list[int] | None, info: ValidationInfo) -> list[int] | None:
        name = info.data.get("name")
        if name == "custom":
            points = info.data.get("points")
            if v is None:
                raise ValueError("the custom dataset needs a label for every point")
            if points is not None and len(v) != len(points):
                raise ValueError(f"{len(v)} labels for {len(points)} points")
        elif v is not None and name is not None:
            raise ValueError("labels are only used with the custom dataset")
        return v

    @model_validator(mode="after")
    def _custom_counts(self) -> Self:
        if self.name == "custom" and self.points is not None and self.labels is not None:
            self.samples = len(self.points)
            self.classes = max(self.classes or 2, max(self.labels) + 1)
        return self

    @property
    def task(self) -> Literal["classification", "regression"]:
        return DATASETS[self.name].task


class OptimizerConfig(StrictModel):
    name: OptimizerName = "sgd"
    learning_rate: float = Field(0.03, gt=0.0, le=MAX_LEARNING_RATE)
    momentum: float = Field(0.9, ge=0.0, lt=1.0, description="momentum and nesterov")
    beta1: float = Field(0.9, ge=0.0, lt=1.0, description="adam")
    beta2: float = Field(0.999, ge=0.0, lt=1.0, description="adam")
    rho: float = Field(0.9, ge=0.0, lt=1.0, description="rmsprop: decay of the squared-gradient average")
    epsilon: float = Field(1e-8, gt=0.0, le=1.0, description="rmsprop and adam")


class ScheduleConfig(StrictModel):
    name: ScheduleName = "constant"
    every: int = Field(100, ge=1, le=100_000, description="step, exponential: epochs per decay by factor")
    factor: float = Field(0.5, gt=0.0, le=1.0, description="step, exponential, plateau")
    period: int = Field(100, ge=1, le=100_000, description="cosine: epochs between warm restarts")
    min_learning_rate: float = Field(0.0, ge=0.0, le=MAX_LEARNING_RATE, description="cosine, plateau: the floor")
    patience: int = Field(10, ge=1, le=100_000, description="plateau: epochs without improvement before a drop")


class RegularizationConfig(StrictModel):
    kind: RegularizationKind = "none"
    rate: float = Field(0.0, ge=0.0, le=MAX_REG_RATE)


class EarlyStoppingConfig(StrictModel):
    patience: int = Field(
        10, ge=1, le=MAX_PATIENCE, description="Epochs without a lower validation loss before training stops."
    )


class Config(StrictModel):
    dataset: DatasetConfig = Field(default_factory=DatasetConfig)
    features: list[FeatureName] = Field(
        default_factory=lambda: list(DEFAULT_FEATURES), min_length=1, max_length=len(FEATURES)
    )
    hidden_layers: list[Annotated[int, Field(ge=1, le=MAX_UNITS)]] = Field(
        default_factory=lambda: [4, 2],
        max_length=MAX_LAYERS,
        description="Units per hidden layer: 0..8 layers of 1..64 units.",
    )
    activation: ActivationName = Field("tanh", description="Hidden layers; the output follows the loss.")
    leaky_slope: float = Field(LEAKY_SLOPE, gt=0.0, lt=1.0, description="leaky_relu's slope for x < 0.")
    loss: LossName = Field(
        "cross_entropy",
        description=f"{' | '.join(LOSSES)}. Regression data uses {' or '.join(REGRESSION_LOSSES)}, "
        f"and {REGRESSION_LOSSES[0]} is the default there.",
    )
    optimizer: OptimizerConfig = Field(default_factory=OptimizerConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    regularization: RegularizationConfig = Field(default_factory=RegularizationConfig)
    early_stopping: EarlyStoppingConfig | None = Field(
        None,
        description="Stop when the validation loss has not improved for `patience` epochs, "
        "and go back to the best epoch; null is off. Needs dataset.validation_fraction > 0.",
    )
    batch_size: int = Field(
        10, ge=1, le=MAX_SAMPLES, description="Points per step; more than the training set means full batch."
    )
    init: InitName = "xavier"
    seed: int = Field(
        0, ge=0, le=MAX_SEED, description="Seeds weights and batch order (and data, unless dataset.seed is set)."
    )

    @model_validator(mode="before")
    @classmethod
    def _regression_defaults_to_mse(cls, data: Any) -> Any:
        if isinstance(data, dict) and "loss" not in data:
            dataset = data.get("dataset")
            name = dataset.get("name") if isinstance(dataset, dict) else getattr(dataset, "name", None)
            if isinstance(name, str) and name in DATASETS and DATASETS[name].task == "regression":
                data = {**data, "loss": REGRESSION_LOSSES[0]}
        return data

    @field_validator("features")
    @classmethod
    def _unique_features(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("each feature may appear once")
        return v

    @field_validator("early_stopping")
    @classmethod
    def _needs_validation(cls, v: EarlyStoppingConfig | None, info: ValidationInfo) -> EarlyStoppingConfig | None:
        dataset = info.data.get("dataset")
        if v is not None and dataset is not None and dataset.validation_fraction == 0.0:
            raise ValueError("early stopping watches the validation loss: set dataset.validation_fraction above 0")
        return v

    @field_validator("loss")
    @classmethod
    def _loss_fits_task(cls, v: str, info: ValidationInfo) -> str:
        dataset = info.data.get("dataset")
        if dataset is None:
            return v
        row = LOSSES[v]
        if dataset.task == "regression" and row.regress is None:
            raise ValueError(f"{dataset.name} is a regression dataset: use the {' or '.join(REGRESSION_LOSSES)} loss")
        if row.max_classes is not None and (dataset.classes or 2) > row.max_classes:
            others = [r.name for r in LOSSES.values() if r.max_classes is None]
            raise ValueError(f"the {v} loss is for {row.max_classes} classes; use {' or '.join(others)}")
        return v

    @property
    def task(self) -> Literal["classification", "regression"]:
        return self.dataset.task

    @property
    def classes(self) -> int:
        """Class count, or 1 for regression."""
        return self.dataset.classes or 1

    @property
    def data_seed(self) -> int:
        return self.seed if self.dataset.seed is None else self.dataset.seed


# Fields whose change keeps the model and its weights; the rest rebuild.
LIVE_FIELDS = frozenset({"optimizer", "schedule", "regularization", "early_stopping", "batch_size"})


def validation_count(samples: int, train_fraction: float, validation_fraction: float) -> tuple[int, int]:
    """(validation points, training points before they are held out) for a generated set."""
    train = max(1, round(train_fraction * samples))
    return round(validation_fraction * train), train


def merge(config: Config, patch: dict[str, Any]) -> Config:
    """Apply a partial config (nested dicts merge) and validate the result.

    A new dataset name drops the old set's classes and points unless the patch
    gives them, and a change of task drops the loss unless given, so that
    {"dataset": {"name": "plane"}} just works.
    """
    base = config.model_dump()
    new_dataset = patch.get("dataset") if isinstance(patch.get("dataset"), dict) else None
    if new_dataset and new_dataset.get("name", config.dataset.name) != config.dataset.name:
        for key in ("classes", "points", "labels"):
            base["dataset"].pop(key, None)
        new_name = new_dataset["name"]
        known = isinstance(new_name, str) and new_name in DATASETS
        if known and DATASETS[new_name].task != config.task and "loss" not in patch:
            base.pop("loss", None)
    return Config.model_validate(_deep_merge(base, patch))


def _deep_merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def rebuild_needed(old: Config, new: Config) -> bool:
    """Whether going from ``old`` to ``new`` needs a new model (and data)."""
    a, b = old.model_dump(), new.model_dump()
    return any(a[k] != b[k] for k in a if k not in LIVE_FIELDS)
