"""Looking inside a session: gradient check, linear collapse, loss slice, health, checkpoints, code."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, status
from fastapi.responses import PlainTextResponse

from app.api.deps import SESSION_NOT_FOUND, HostDep, SessionId, SettingsDep
from app.api.schemas import CheckpointInfo, CheckpointView, Collapse, GradCheck, GradientHealth, LossSlice, SessionOut
from app.outputs.frames import MapSettings
from app.training.errors import FieldError

router = APIRouter(prefix="/api/sessions", tags=["inspect"])
NOT_FOUND = SESSION_NOT_FOUND


@router.get("/{session_id}/gradcheck", response_model=GradCheck, responses=NOT_FOUND)
async def gradient_check(
    session_id: SessionId,
    host: HostDep,
    settings: SettingsDep,
    per_layer: Annotated[int, Query(ge=1, le=500, description="Parameters checked per layer (at most)")] = 60,
) -> dict[str, Any]:
    """Backpropagation against central finite differences of the training objective, layer by layer.
    On a big network the server's work limit checks fewer parameters or on fewer training points
    (``per_layer``, ``points`` and ``limited`` say so) rather than refusing."""
    return await host.query(session_id, "gradient_check", per_layer=per_layer, work=settings.inspect_work)


@router.get("/{session_id}/collapsed", response_model=Collapse, responses=NOT_FOUND)
async def collapsed(session_id: SessionId, host: HostDep) -> dict[str, Any]:
    """With the linear activation: the single affine map the whole network amounts to."""
    return await host.query(session_id, "collapse")


@router.get("/{session_id}/landscape", response_model=LossSlice, responses=NOT_FOUND)
async def loss_slice(
    session_id: SessionId,
    host: HostDep,
    settings: SettingsDep,
    resolution: Annotated[int, Query(ge=3, le=61)] = 25,
    span: Annotated[float, Query(gt=0.0, le=10.0, allow_inf_nan=False)] = 1.0,
    seed: Annotated[int, Query(ge=0, le=2**32 - 1)] = 0,
) -> dict[str, Any]:
    """The training objective on a plane through the current weights, spanned by two random
    filter-normalised directions (Li et al., 2018). On a big network the server's work limit
    makes the grid coarser (``resolution`` and ``limited`` say so) rather than refusing."""
    work = settings.inspect_work
    return await host.query(session_id, "loss_slice", resolution=resolution, span=span, seed=seed, work=work)


@router.get("/{session_id}/health", response_model=GradientHealth, responses=NOT_FOUND)
async def health(session_id: SessionId, host: HostDep) -> dict[str, Any]:
    """Per-layer gradient norms and dead or saturated units, now and every 10 epochs so far."""
    return await host.query(session_id, "health")


@router.get("/{session_id}/checkpoints", response_model=list[CheckpointInfo], responses=NOT_FOUND)
async def checkpoints(session_id: SessionId, host: HostDep) -> list[dict[str, Any]]:
    """The epochs the run can go back to (a bounded, evenly thinned set)."""
    return await host.query(session_id, "checkpoints")


@router.get("/{session_id}/checkpoints/{epoch}", response_model=CheckpointView, responses=NOT_FOUND)
async def checkpoint(
    session_id: SessionId,
    host: HostDep,
    epoch: Annotated[int, Path(ge=0)],
    resolution: Annotated[int, Query(ge=10, le=200)] = 100,
    neuron_resolution: Annotated[int, Query(ge=4, le=50)] = 12,
) -> dict[str, Any]:
    """The maps and weights at a checkpoint, for scrubbing back; the run itself is untouched."""
    maps = MapSettings(resolution, neuron_resolution)
    return await host.query(session_id, "checkpoint_view", epoch=epoch, maps=maps)


@router.post("/{session_id}/checkpoints/{epoch}/restore", response_model=SessionOut, responses=NOT_FOUND)
async def restore_checkpoint(session_id: SessionId, host: HostDep, epoch: Annotated[int, Path(ge=0)]) -> dict[str, Any]:
    """Branch: continue training from that checkpoint (later history is dropped)."""
    try:
        return await host.go_back(session_id, epoch)
    except FieldError as exc:
        raise FieldError(("path", "epoch"), exc.message) from None


@router.post("/{session_id}/restore-best", response_model=SessionOut, responses=NOT_FOUND)
async def restore_best(session_id: SessionId, host: HostDep) -> dict[str, Any]:
    """Early stopping: go back to the epoch with the lowest test loss."""
    return await host.go_back(session_id, None)


@router.get(
    "/{session_id}/export/{kind}",
    response_class=PlainTextResponse,
    responses={**NOT_FOUND, status.HTTP_200_OK: {"content": {"text/x-python": {}}}},
)
async def export_code(session_id: SessionId, host: HostDep, kind: Literal["numpy", "pytorch"]) -> PlainTextResponse:
    """The trained model as a short runnable Python script (NumPy, or a PyTorch snippet)."""
    text = await host.query(session_id, "code", kind=kind)
    name = f"model_{kind}.py"
    return PlainTextResponse(
        text, media_type="text/x-python", headers={"Content-Disposition": f'inline; filename="{name}"'}
    )
