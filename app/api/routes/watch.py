"""Presenter mode: a read-only link that follows a session (its stream is in api/stream.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from app.api.deps import HostDep, Responses, SessionId, StoreDep
from app.api.schemas import DataOut, WatchLink, WatchView

router = APIRouter(tags=["watch"])

Token = Annotated[str, Path(max_length=64, description="A watch token from POST /api/sessions/{id}/watch")]
NOT_FOUND: Responses = {404: {"description": "No session follows that token"}}


@router.post("/api/sessions/{session_id}/watch", response_model=WatchLink, responses=NOT_FOUND)
async def watch_link(session_id: SessionId, store: StoreDep) -> dict[str, str]:
    """A link students can open to watch this session live, read-only: it can receive frames
    and nothing else. The same session always gives the same link."""
    token = store.watch_token(session_id)
    return {"token": token, "url": f"/watch/{token}", "stream": f"/api/watch/{token}/stream"}


@router.get("/api/watch/{token}", response_model=WatchView, responses=NOT_FOUND)
async def watched(token: Token, store: StoreDep, host: HostDep) -> dict[str, Any]:
    view = await host.view(store.watched_session(token))
    return {"config": view["config"], "state": view["state"]}


@router.get("/api/watch/{token}/data", response_model=DataOut, responses=NOT_FOUND)
async def watched_data(
    token: Token,
    store: StoreDep,
    host: HostDep,
    decimals: Annotated[int | None, Query(ge=0, le=17)] = None,
) -> dict[str, Any]:
    return await host.query(store.watched_session(token), "data", decimals=decimals)
