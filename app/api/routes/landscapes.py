"""The 1-D loss landscapes of the gradient-descent lesson (no session needed)."""

from __future__ import annotations

import asyncio
import math
from typing import Any, Literal

import numpy as np
from fastapi import APIRouter, Request

from app.api.schemas import LandscapeIn, LandscapeOut
from app.nn import landscape
from app.training.errors import FieldError

router = APIRouter(prefix="/api/landscapes", tags=["landscapes"])


def compute(kind: Literal["logistic", "linear"], body: LandscapeIn) -> dict[str, Any]:
    b0, b1, w0, w1 = body.extent
    if not (b0 < b1 and w0 < w1):
        raise FieldError(("body", "extent"), "give b from < b to and w from < w to")
    if body.resolution**2 * body.samples > landscape.MAX_EVALUATIONS:
        raise FieldError(
            ("body", "resolution"),
            f"resolution^2 x samples is at most {landscape.MAX_EVALUATIONS:,}: with {body.samples} samples the "
            f"resolution can be up to {math.isqrt(landscape.MAX_EVALUATIONS // body.samples)}",
        )
    rng = np.random.default_rng(np.random.SeedSequence([body.seed, 5]))
    x, y = landscape.one_d_data(kind, body.samples, body.noise, rng)
    b_axis = np.linspace(b0, b1, body.resolution)
    w_axis = np.linspace(w0, w1, body.resolution)
    grid = landscape.surface(kind, x, y, b_axis, w_axis)
    # Past a surface's width beyond its edges a path only runs off the plot: it stops there.
    bounds = (2 * b0 - b1, 2 * b1 - b0, 2 * w0 - w1, 2 * w1 - w0)
    path = landscape.descend(kind, x, y, body.start, body.learning_rate, body.steps, bounds)
    minimum = None
    if kind == "linear":
        b, w = landscape.least_squares(x, y)
        minimum = (b, w, landscape.loss_and_gradient(kind, x, y, b, w)[0])
    return {
        "kind": kind,
        "b": b_axis.tolist(),
        "w": w_axis.tolist(),
        "loss": grid.tolist(),
        "path": path.tolist(),
        "uphill_step": landscape.uphill_step(path),
        "turns": landscape.turns(path),
        "stable_rate": landscape.stable_rate(kind, x),
        "minimum": minimum,
        "points": np.stack([x, y], axis=1).round(4).tolist(),
    }


@router.post("/{kind}", response_model=LandscapeOut)
async def loss_landscape(
    kind: Literal["logistic", "linear"], request: Request, body: LandscapeIn | None = None
) -> dict[str, Any]:
    """The mean loss over (b, w) for o = sigmoid(b + w x) (logistic) or o = b + w x with squared
    error (linear), and the path full-batch gradient descent takes from ``start``.
    ``resolution``^2 x ``samples`` is at most ``limits.max_landscape_evaluations``."""
    # One surface at a time: many at once would take every core from the sessions' workers.
    async with request.app.state.landscape_turns:
        return await asyncio.to_thread(compute, kind, body or LandscapeIn())
