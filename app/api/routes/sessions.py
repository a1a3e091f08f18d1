"""Training sessions over REST: create, configure, step, read, export and import."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from app.api.bodies import OffLoopBody
from app.api.clients import ClientDep
from app.api.deps import SESSION_NOT_FOUND, HostDep, Responses, SessionId, SettingsDep, StoreDep
from app.api.schemas import (
    CustomDataIn,
    DataOut,
    Frame,
    HistoryRecord,
    MapOut,
    ModelDocument,
    Network,
    PatchOut,
    PredictIn,
    PredictOut,
    SessionOut,
    State,
    StepIn,
    StepOut,
    WeightEdit,
)
from app.outputs.frames import MapSettings
from app.outputs.maps import MAX_RESOLUTION, MIN_RESOLUTION
from app.serving.protocol import StepState
from app.training.config import Config
from app.training.errors import FieldError, PayloadTooLarge
from app.training.uploads import TooLarge, parse_points_csv

router = APIRouter(prefix="/api/sessions", tags=["sessions"], route_class=OffLoopBody)

NOT_FOUND = SESSION_NOT_FOUND
CLIENT_GONE = 499  # nginx's code for a request whose client left: no one reads the response
FULL: Responses = {
    429: {"description": "The server's sessions, their memory or this address's share are in use (see Retry-After)"}
}


@router.post("", response_model=SessionOut, status_code=status.HTTP_201_CREATED, responses=FULL)
async def create_session(
    store: StoreDep, client: ClientDep, config: Annotated[Config | None, Body()] = None
) -> dict[str, Any]:
    """Start a session from a config; every field is optional (``{}`` gives the defaults)."""
    return await store.create(config or Config(), client)


@router.post("/import", response_model=SessionOut, status_code=status.HTTP_201_CREATED, responses=FULL)
async def import_session(store: StoreDep, client: ClientDep, document: ModelDocument) -> dict[str, Any]:
    """A new session with exactly the document's weights (an export, or a saved run)."""
    return await store.create_from_document(await run_in_threadpool(document.model_dump), client)


@router.get("/{session_id}", response_model=SessionOut, responses=NOT_FOUND)
async def get_session(session_id: SessionId, host: HostDep) -> dict[str, Any]:
    return await host.view(session_id)


@router.patch("/{session_id}", response_model=PatchOut, responses=NOT_FOUND)
async def patch_session(
    session_id: SessionId,
    host: HostDep,
    patch: Annotated[dict[str, Any], Body(description="Any part of a config; nested objects merge.")],
) -> dict[str, Any]:
    """Change the config. Learning rate and optimizer knobs, schedule, regularization and batch
    size apply live and keep the weights; anything else rebuilds the model (``rebuilt`` says so)."""
    view, rebuilt = await host.patch(session_id, patch)
    return {**view, "rebuilt": rebuilt}


@router.post("/{session_id}/step", response_model=StepOut, responses=NOT_FOUND)
async def step_session(
    session_id: SessionId, host: HostDep, request: Request, body: StepIn | None = None
) -> StepState | Response:
    """Train ``steps`` minibatches (or epochs); returns the state after. A diverging run stops
    early; pause, reset, a config change or delete stop it too (``interrupted`` says so), and so
    does the client hanging up."""
    body = body or StepIn()
    stepping = asyncio.ensure_future(host.step(session_id, body.steps, body.unit))
    hang_up = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({stepping, hang_up}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        hang_up.cancel()
    if stepping.done():
        return stepping.result()
    stepping.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await stepping
    return Response(status_code=CLIENT_GONE)


async def _disconnected(request: Request) -> None:
    """Returns when the client hangs up (after the body, the server only has that to tell)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


@router.post("/{session_id}/reset", response_model=SessionOut, responses=NOT_FOUND)
async def reset_session(session_id: SessionId, host: HostDep) -> dict[str, Any]:
    """Back to the initial weights with the same data: as if just created."""
    return await host.reset(session_id)


@router.delete("/{session_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND)
async def delete_session(session_id: SessionId, store: StoreDep) -> Response:
    await store.delete(session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{session_id}/data", response_model=DataOut, responses=NOT_FOUND)
async def get_data(
    session_id: SessionId,
    host: HostDep,
    decimals: Annotated[int | None, Query(ge=0, le=17, description="Round values (default: exact)")] = None,
) -> dict[str, Any]:
    """The training and test points with their labels (class ids, or values for regression)."""
    return await host.query(session_id, "data", decimals=decimals)


CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": CustomDataIn.model_json_schema()},
            "text/csv": {"schema": {"type": "string", "description": "rows x1,x2,label; optional header"}},
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
            },
        },
    }
}


@router.put(
    "/{session_id}/data",
    response_model=SessionOut,
    responses={**NOT_FOUND, 413: {"description": "More than the upload limit (bytes or rows)"}},
    openapi_extra=CSV_BODY,
)
async def put_data(session_id: SessionId, host: HostDep, settings: SettingsDep, request: Request) -> dict[str, Any]:
    """Replace the data with your own points: JSON ``{"points", "labels"}``, a CSV body
    (``text/csv``) or a CSV file upload (multipart field ``file``). The model is rebuilt."""
    raw = await _read_limited(request, settings.max_upload_bytes)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        raw = await _uploaded_file(request, raw)
        kind = "text/csv"
    if kind in ("application/json", ""):
        points, labels = await run_in_threadpool(_json_points, raw, settings.max_upload_rows)
    elif kind in ("text/csv", "text/plain", "application/vnd.ms-excel"):
        points, labels = await run_in_threadpool(_csv_points, raw, settings.max_upload_rows)
    else:
        raise FieldError(("header", "content-type"), "send application/json, text/csv or multipart/form-data")
    view, _ = await host.patch(session_id, {"dataset": {"name": "custom", "points": points, "labels": labels}})
    return view


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the upload is larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"the upload is larger than {limit} bytes")
    return bytes(body)


async def _uploaded_file(request: Request, raw: bytes) -> bytes:
    async def replay() -> dict[str, Any]:
        return {"type": "http.request", "body": raw, "more_body": False}

    form = await Request(request.scope, replay).form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise FieldError(("body", "file"), "attach the CSV as the form field 'file'")
    return await upload.read()


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FieldError(("body",), "the CSV must be UTF-8 text") from None


def _csv_points(raw: bytes, max_rows: int) -> tuple[list[list[float]], list[int]]:
    try:
        return parse_points_csv(_text(raw), max_rows)
    except TooLarge as exc:
        raise PayloadTooLarge(str(exc)) from None


def _json_points(raw: bytes, max_rows: int) -> tuple[list[list[float]], list[int]]:
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise FieldError(("body",), "not valid JSON") from None
    if isinstance(data, dict) and isinstance(data.get("points"), list) and len(data["points"]) > max_rows:
        raise PayloadTooLarge(f"more than {max_rows} points")
    parsed = CustomDataIn.model_validate(data)
    return [list(p) for p in parsed.points], parsed.labels


@router.get("/{session_id}/network", response_model=Network, responses=NOT_FOUND)
async def get_network(session_id: SessionId, host: HostDep) -> dict[str, Any]:
    """Weights and biases per layer (fan_in rows x fan_out columns), with the gradient of the
    mean training loss plus penalty at the current weights."""
    return await host.query(session_id, "network")


@router.patch("/{session_id}/network", response_model=State, responses=NOT_FOUND)
async def edit_network(session_id: SessionId, host: HostDep, edit: WeightEdit) -> dict[str, Any]:
    """Set one weight (or, without ``source``, one bias) by hand; returns the state after."""
    await host.set_parameter(session_id, edit.layer, edit.unit, edit.source, edit.value)
    return (await host.view(session_id))["state"]


@router.get("/{session_id}/history", response_model=list[HistoryRecord], responses=NOT_FOUND)
async def get_history(
    session_id: SessionId,
    host: HostDep,
    since: Annotated[int, Query(ge=0, description="Only epochs after this one")] = 0,
) -> list[dict[str, Any]]:
    """Per epoch: train and test loss and accuracy, learning rate. Long runs keep every k-th epoch."""
    return await host.query(session_id, "history", since=since)


@router.get("/{session_id}/boundary", response_model=MapOut, response_model_exclude_none=True, responses=NOT_FOUND)
async def get_boundary(
    session_id: SessionId,
    host: HostDep,
    resolution: Annotated[int, Query(ge=MIN_RESOLUTION, le=MAX_RESOLUTION)] = 100,
    format: Annotated[Literal["uint8", "json"], Query()] = "uint8",
    layer: Annotated[int | None, Query(ge=0, description="A hidden layer: map one unit instead")] = None,
    unit: Annotated[int | None, Query(ge=0, description="The unit within ``layer``")] = None,
) -> dict[str, Any]:
    """The output over the view [-6, 6]^2: one plane per class for K > 2 classes, else the
    positive-class probability or, for regression, the value (with its range). With
    ``layer`` and ``unit``: that hidden unit's activation instead."""
    if (layer is None) != (unit is None):
        raise FieldError(("query", "unit" if unit is None else "layer"), "give both layer and unit, or neither")
    return await host.query(session_id, "boundary", resolution=resolution, fmt=format, layer=layer, unit=unit)


@router.post("/{session_id}/predict", response_model=PredictOut, response_model_exclude_none=True, responses=NOT_FOUND)
async def predict(session_id: SessionId, host: HostDep, body: PredictIn) -> dict[str, Any]:
    """Class probabilities (and predicted classes), or regression values, for any points."""
    return await host.query(session_id, "predict", points=[list(p) for p in body.points])


@router.get("/{session_id}/frame", response_model=Frame, responses=NOT_FOUND)
async def get_frame(
    session_id: SessionId,
    host: HostDep,
    since: Annotated[int, Query(ge=0, description="History epochs after this one go in history_tail")] = 0,
    config_version: Annotated[int, Query(description="The config is included unless this is current")] = -1,
    resolution: Annotated[int, Query(ge=10, le=200)] = 100,
    neuron_resolution: Annotated[int, Query(ge=4, le=50)] = 12,
) -> Response:
    """The latest frame, the same shape as the stream's: for clients that poll."""
    frame = await host.frame(session_id, since, MapSettings(resolution, neuron_resolution), config_version)
    return Response(frame.text, media_type="application/json")


@router.get("/{session_id}/export", response_model=ModelDocument, response_model_exclude_none=True, responses=NOT_FOUND)
async def export_session(session_id: SessionId, host: HostDep) -> dict[str, Any]:
    """The model document: config, weights and history. POST it to /api/sessions/import."""
    return await host.query(session_id, "export")
