"""Saved runs: saving a session under a slug and opening it again."""

from __future__ import annotations

from pydantic import Field

from app.outputs.wire import Wire, WireIn


class NewRun(WireIn):
    title: str = Field("", max_length=200)


class RunIn(NewRun):
    session_id: str = Field(max_length=64)


class RunCreated(Wire):
    slug: str
    url: str = Field(description="The page that opens this run.")
