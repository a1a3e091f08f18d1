"""The toy datasets, for thumbnails and for clients that want the raw points."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from fastapi import APIRouter, Query

from app.api.routes.meta import dataset_info
from app.api.schemas import DatasetInfo, DatasetPoints
from app.training.config import MAX_SEED
from app.training.datasets import DATASETS, MAX_CLASSES, MAX_SAMPLES, MIN_SAMPLES, make
from app.training.errors import FieldError, NotFound

router = APIRouter(prefix="/api/datasets", tags=["datasets"])


@router.get("", response_model=list[DatasetInfo], summary="Every dataset with its task and classes")
async def list_datasets() -> list[DatasetInfo]:
    return dataset_info()


@router.get(
    "/{name}",
    response_model=DatasetPoints,
    summary="Generate a dataset's points",
    responses={404: {"description": "No such dataset"}},
)
async def get_dataset(
    name: str,
    samples: Annotated[int, Query(ge=MIN_SAMPLES, le=MAX_SAMPLES)] = 200,
    noise: Annotated[float, Query(ge=0.0, le=1.0, allow_inf_nan=False)] = 0.1,
    seed: Annotated[int, Query(ge=0, le=MAX_SEED)] = 0,
    classes: Annotated[int | None, Query(ge=2, le=MAX_CLASSES)] = None,
    decimals: Annotated[int, Query(ge=0, le=4, description="Round values (a 64-pixel thumbnail needs 1)")] = 4,
) -> DatasetPoints:
    spec = DATASETS.get(name)
    if spec is None:
        raise NotFound(f"no dataset named {name!r}; GET /api/datasets lists them")
    if spec.generate is None:
        raise FieldError(("path", "name"), "the custom dataset has no generator: its points come from the user")
    k = classes if classes is not None else spec.classes
    if spec.task == "regression" and classes is not None:
        raise FieldError(("query", "classes"), f"{name} is a regression dataset and has no classes")
    if not spec.min_classes <= k <= spec.max_classes:
        raise FieldError(("query", "classes"), f"{name} takes {spec.min_classes}..{spec.max_classes} classes")
    points, labels = make(name, samples, noise, np.random.default_rng(np.random.SeedSequence([seed, 0])), k)
    return DatasetPoints(
        name=name,
        task=spec.task,
        classes=None if spec.task == "regression" else k,
        points=np.round(points, decimals).tolist(),
        labels=np.round(labels, decimals).tolist(),
    )
