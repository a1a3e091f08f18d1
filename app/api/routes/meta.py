"""Health and the options a form or client can choose from."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import asdict
from typing import Protocol

from fastapi import APIRouter

from app import __version__
from app.api.deps import RunsDep, SettingsDep, StoreDep
from app.api.schemas import DatasetInfo, Health, Limits, NamedChoice, Options, StoreHealth
from app.api.schemas.meta import MemoryHealth
from app.nn import landscape
from app.nn.activations import ACTIVATIONS
from app.nn.features import FEATURES
from app.nn.inits import INITS
from app.nn.losses import LOSSES
from app.nn.optimizers import OPTIMIZERS
from app.nn.regularizers import REGULARIZERS
from app.nn.schedules import SCHEDULES
from app.outputs.maps import MAX_RESOLUTION, MIN_RESOLUTION
from app.serving import allocator
from app.serving.footprint import MB
from app.serving.session_store import SessionStore
from app.serving.shards import ShardedHost
from app.training.config import MAX_LAYERS, MAX_LEARNING_RATE, MAX_REG_RATE, MAX_UNITS, Config
from app.training.datasets import DATASETS, MAX_CLASSES, MAX_COORDINATE, MAX_SAMPLES, MIN_SAMPLES
from app.training.session import MAX_STEPS

router = APIRouter(prefix="/api", tags=["meta"])


class Choice(Protocol):
    """A row of one of the engine's tables, as a form shows it."""

    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def knobs(self) -> tuple[str, ...]: ...


def named_choices(table: Mapping[str, Choice]) -> list[NamedChoice]:
    return [NamedChoice(name=r.name, label=r.label, knobs=list(r.knobs)) for r in table.values()]


def dataset_info() -> list[DatasetInfo]:
    out = []
    for spec in DATASETS.values():
        regression = spec.task == "regression"
        out.append(
            DatasetInfo(
                name=spec.name,
                label=spec.label,
                task=spec.task,
                classes=None if regression else spec.classes,
                min_classes=None if regression else spec.min_classes,
                max_classes=None if regression else spec.max_classes,
                description=spec.description,
                noise=spec.noise,
            )
        )
    return out


def memory(store: SessionStore) -> MemoryHealth:
    """The sessions' budget and estimated use, and what this server's processes really hold."""
    host = store.host
    workers = [w.process.pid for w in host.workers if w.alive] if isinstance(host, ShardedHost) else []
    sizes = [allocator.resident_bytes(pid) for pid in [os.getpid(), *workers]]
    known = [size for size in sizes if size is not None]
    return MemoryHealth(
        budget_mb=round((store.budget or 0) / MB, 1),
        used_mb=round(store.used / MB, 1),
        rss_mb=round(sum(known) / MB, 1) if known else None,
    )


@router.get("/health", response_model=Health, summary="Is the server up, and does its runs database answer")
async def health(store: StoreDep, runs: RunsDep) -> Health:
    status = await asyncio.to_thread(runs.status)
    return Health(version=__version__, sessions=len(store), store=StoreHealth(**asdict(status)), memory=memory(store))


@router.get("/options", response_model=Options, summary="Every choice and limit, for forms and clients")
async def options(settings: SettingsDep) -> Options:
    return Options(
        datasets=dataset_info(),
        features=named_choices(FEATURES),
        activations=list(ACTIVATIONS),
        losses=named_choices(LOSSES),
        optimizers=named_choices(OPTIMIZERS),
        schedules=named_choices(SCHEDULES),
        regularization=list(REGULARIZERS),
        inits=list(INITS),
        activation_choices=named_choices(ACTIVATIONS),
        regularization_choices=named_choices(REGULARIZERS),
        init_choices=named_choices(INITS),
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
            max_memory_mb=settings.max_memory_mb,
            max_sessions_per_client=settings.max_sessions_per_client,
            max_saves_per_minute=settings.max_saves_per_minute,
            max_run_bytes=settings.max_run_bytes,
            max_landscape_evaluations=landscape.MAX_EVALUATIONS,
            max_coordinate=MAX_COORDINATE,
            inspect_work=settings.inspect_work,
        ),
        defaults=Config(),
    )
