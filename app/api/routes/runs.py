"""Saved runs: store a session's config, weights and history under a short slug."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Request, status
from pydantic import ValidationError

from app.api.clients import ClientDep
from app.api.deps import SESSION_NOT_FOUND, HostDep, Responses, RunsDep, SessionId, SettingsDep, StoreDep
from app.api.schemas import ModelDocument, NewRun, RunCreated, RunIn, SessionOut
from app.serving.protocol import Host, SessionNotFound
from app.serving.runs_store import Run, RunStore, StoreUnavailable, UnreadableRun, document_text
from app.training.errors import FieldError, NotFound, PayloadTooLarge

log = logging.getLogger("neural_playground")

router = APIRouter(prefix="/api/runs", tags=["runs"])
session_router = APIRouter(prefix="/api/sessions", tags=["runs"])

Slug = Annotated[str, Path(max_length=64, description="The slug returned when the run was saved")]
UNAVAILABLE: Responses = {503: {"description": "The runs database does not answer; sessions go on training"}}
UNREADABLE = "the saved run cannot be read by this server: it is not a model document this version knows"
NOT_FOUND: Responses = {
    404: {"description": "No saved run with that slug"},
    409: {"description": "The saved run is stored, but this server cannot read it"},
    **UNAVAILABLE,
}
SAVE_LIMITS: Responses = {
    413: {"description": "The run's document is larger than the server keeps"},
    429: {"description": "This address saved its most runs per minute (see Retry-After)"},
    **UNAVAILABLE,
}
RETRY_SECONDS = 5
T = TypeVar("T")


async def in_store(call: Callable[..., T], *args: Any) -> T:
    """``call`` on a thread, off the event loop; a database that does not answer is a 503."""
    try:
        return await asyncio.to_thread(call, *args)
    except StoreUnavailable as exc:
        raise HTTPException(503, str(exc), headers={"Retry-After": str(RETRY_SECONDS)}) from None


def unreadable(slug: str, reason: object) -> HTTPException:
    """One log line (no stack trace), and a 409 that blames the stored run, not the request."""
    log.warning("saved run %s cannot be read: %s", slug, str(reason).splitlines()[0])
    return HTTPException(409, UNREADABLE)


def _checked(run: Run) -> Run:
    ModelDocument.model_validate(run.document)
    return run


def save_quota(request: Request, client: ClientDep) -> None:
    """One save from this client address, or 429 when it saved its most this minute."""
    request.app.state.saves.take(client, "saved runs")


async def load_run(runs: RunStore, slug: str) -> Run:
    """The run, checked against the model document schema (off the event loop)."""
    try:
        run = await in_store(runs.get, slug)
        if run is None:
            raise NotFound("no saved run with that slug")
        return await asyncio.to_thread(_checked, run)
    except (UnreadableRun, ValidationError) as exc:
        raise unreadable(slug, exc) from None


def run_document(run: Run) -> dict[str, Any]:
    return {**run.document, "run": {"slug": run.slug, "title": run.title, "created_at": run.created_at}}


@router.post(
    "",
    response_model=RunCreated,
    status_code=status.HTTP_201_CREATED,
    responses=SAVE_LIMITS,
    dependencies=[Depends(save_quota)],
)
async def save_run(body: RunIn, store: StoreDep, host: HostDep, runs: RunsDep, settings: SettingsDep) -> dict[str, str]:
    """Store the session's config, weights and history; the url opens it in the playground."""
    try:
        store.touch(body.session_id)
    except SessionNotFound:
        raise FieldError(("body", "session_id"), "no session with that id") from None
    return await save(host, runs, body.session_id, body.title, settings.max_run_bytes)


@session_router.post(
    "/{session_id}/runs",
    response_model=RunCreated,
    status_code=status.HTTP_201_CREATED,
    responses={**SESSION_NOT_FOUND, **SAVE_LIMITS},
    dependencies=[Depends(save_quota)],
)
async def save_session_run(
    session_id: SessionId,
    host: HostDep,
    runs: RunsDep,
    settings: SettingsDep,
    body: Annotated[NewRun | None, Body()] = None,
) -> dict[str, str]:
    """The same as ``POST /api/runs``, with the session in the path, where a proxy that routes
    by session id can see it. The body (a title) is optional."""
    return await save(host, runs, session_id, body.title if body else "", settings.max_run_bytes)


async def save(host: Host, runs: RunStore, session_id: str, title: str, max_bytes: int) -> dict[str, str]:
    document = await host.query(session_id, "export")
    size = len(await asyncio.to_thread(document_text, document))
    if size > max_bytes:
        raise PayloadTooLarge(
            f"this run's document is {size} bytes, more than the {max_bytes} a saved run may hold: "
            "a long history or many points make it large; export it to a file instead"
        )
    run = await in_store(runs.save, title.strip(), document)
    return {"slug": run.slug, "url": f"/r/{run.slug}"}


@router.get("/{slug}", response_model=ModelDocument, response_model_exclude_none=True, responses=NOT_FOUND)
async def get_run(slug: Slug, runs: RunsDep) -> dict[str, Any]:
    """The saved model document, with the run's slug, title and time."""
    return run_document(await load_run(runs, slug))


@router.post("/{slug}/open", response_model=SessionOut, status_code=status.HTTP_201_CREATED, responses=NOT_FOUND)
async def open_run(slug: Slug, runs: RunsDep, store: StoreDep, client: ClientDep) -> dict[str, Any]:
    """A new session with the run's config and trained weights."""
    run = await load_run(runs, slug)
    try:
        return await store.create_from_document(run.document, client)
    except (FieldError, ValidationError) as exc:
        raise unreadable(slug, exc) from None
