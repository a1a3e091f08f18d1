"""Health and the options a form or client can choose from."""

from __future__ import annotations

import asyncio
from dataclasses import asdict

from fastapi import APIRouter

from app import __version__
from app.api.deps import RunsDep, SettingsDep, StoreDep
from app.api.schemas import DatasetInfo, Health, Limits, NamedChoice, Options, StoreHealth
from app.nn.activations import ACTIVATIONS
from app.nn.features import LABELS
from app.outputs.maps import MAX_RESOLUTION, MIN_RESOLUTION
from app.training.config import MAX_LAYERS, MAX_LEARNING_RATE, MAX_REG_RATE, MAX_UNITS, Config
from app.training.datasets import DATASETS, MAX_CLASSES, MAX_SAMPLES, MIN_SAMPLES
from app.training.session import MAX_STEPS

router = APIRouter(prefix="/api", tags=["meta"])

OPTIMIZERS = [
    NamedChoice(name="sgd", label="SGD", knobs=["learning_rate"]),
    NamedChoice(name="momentum", label="Momentum", knobs=["learning_rate", "momentum"]),
    NamedChoice(name="nesterov", label="Nesterov", knobs=["learning_rate", "momentum"]),
    NamedChoice(name="rmsprop", label="RMSprop", knobs=["learning_rate", "rho", "epsilon"]),
    NamedChoice(name="adam", label="Adam", knobs=["learning_rate", "beta1", "beta2", "epsilon"]),
]
SCHEDULES = [
    NamedChoice(name="constant", label="Constant"),
    NamedChoice(name="step", label="Step decay", knobs=["every", "factor"]),
    NamedChoice(name="exponential", label="Exponential", knobs=["every", "factor"]),
    NamedChoice(name="cosine", label="Cosine restarts", knobs=["period", "min_learning_rate"]),
]
LOSSES = [
    NamedChoice(name="cross_entropy", label="Cross-entropy"),
    NamedChoice(name="mse", label="Squared error"),
    NamedChoice(name="hinge", label="Hinge (2 classes)"),
]


def dataset_info() -> list[DatasetInfo]:
    out = []
    for spec in DATASETS.values():
        regression = spec.task == "regression"
        out.append(
            DatasetInfo(
                name=spec.name,
                task=spec.task,
                classes=None if regression else spec.classes,
                min_classes=None if regression else spec.min_classes,
                max_classes=None if regression else spec.max_classes,
                description=spec.description,
                noise=spec.noise,
            )
        )
    return out


@router.get("/health", response_model=Health, summary="Is the server up, and does its runs database answer")
async def health(store: StoreDep, runs: RunsDep) -> Health:
    status = await asyncio.to_thread(runs.status)
    return Health(version=__version__, sessions=len(store), store=StoreHealth(**asdict(status)))


@router.get("/options", response_model=Options, summary="Every choice and limit, for forms and clients")
async def options(settings: SettingsDep) -> Options:
    return Options(
        datasets=dataset_info(),
        features=[NamedChoice(name=k, label=v) for k, v in LABELS.items()],
        activations=list(ACTIVATIONS),
        losses=LOSSES,
        optimizers=OPTIMIZERS,
        schedules=SCHEDULES,
        regularization=["none", "l1", "l2"],
        inits=["xavier", "he", "uniform", "zeros"],
        limits=Limits(
            max_hidden_layers=MAX_LAYERS,
            max_units=MAX_UNITS,
            min_samples=MIN_SAMPLES,
            max_samples=MAX_SAMPLES,
            max_classes=MAX_CLASSES,
            max_learning_rate=MAX_LEARNING_RATE,
            max_regularization_rate=MAX_REG_RATE,
            max_steps=MAX_STEPS,
            max_batch_size=MAX_SAMPLES,
            min_resolution=MIN_RESOLUTION,
            max_resolution=MAX_RESOLUTION,
            min_fps=1,
            max_fps=60,
            max_upload_bytes=settings.max_upload_bytes,
            max_upload_rows=settings.max_upload_rows,
            max_sessions=settings.max_sessions,
            max_predict_points=10_000,
        ),
        defaults=Config(),
    )
