"""Backpropagation, one point at a time: the chain rule's numbers for a point the user picks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.api.deps import SESSION_NOT_FOUND, HostDep, SessionId
from app.api.schemas import Backprop
from app.training.datasets import MAX_COORDINATE

router = APIRouter(prefix="/api/sessions", tags=["inspect"])
Coordinate = Annotated[float, Query(ge=-MAX_COORDINATE, le=MAX_COORDINATE, allow_inf_nan=False)]
Label = Annotated[
    float,
    Query(
        ge=-MAX_COORDINATE,
        le=MAX_COORDINATE,
        allow_inf_nan=False,
        description="A class index (0..classes-1) for classification, a value for regression.",
    ),
]


@router.get("/{session_id}/backprop", response_model=Backprop, responses=SESSION_NOT_FOUND)
async def backprop(
    session_id: SessionId, host: HostDep, x1: Coordinate, x2: Coordinate, label: Label
) -> dict[str, Any]:
    """One point's forward pass (z, a per unit) and backward pass (dL/da, dL/dz, dL/dW, dL/db per
    layer), from the engine on a batch of that point, and the plain gradient step it asks for.
    The gradients are of the data loss; the weight penalty is reported apart and not added in.
    Nothing in the session changes."""
    return await host.query(session_id, "backprop", x1=x1, x2=x2, label=label)
