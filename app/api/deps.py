"""What routes ask for, as Annotated dependencies."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Request

from app.serving.protocol import Host
from app.serving.runs_store import RunStore
from app.serving.session_store import SessionStore
from app.settings import Settings


def get_store(request: Request) -> SessionStore:
    return request.app.state.store


def get_host(request: Request) -> Host:
    return request.app.state.store.host


def get_runs(request: Request) -> RunStore:
    return request.app.state.runs


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


Responses = dict[int | str, dict[str, Any]]
SESSION_NOT_FOUND: Responses = {404: {"description": "No session with that id"}}

StoreDep = Annotated[SessionStore, Depends(get_store)]
HostDep = Annotated[Host, Depends(get_host)]
RunsDep = Annotated[RunStore, Depends(get_runs)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def session_id(
    store: StoreDep,
    session_id: Annotated[str, Path(max_length=64, description="The id returned when the session was created.")],
) -> str:
    """The path's session id, marked as used; unknown ids raise SessionNotFound (404)."""
    return store.touch(session_id)


SessionId = Annotated[str, Depends(session_id)]
