"""Lessons: a guided run, or two to compare, with text and things to try."""

from __future__ import annotations

from pydantic import Field

from app.outputs.wire import Wire
from app.training.config import Config


class LessonSummary(Wire):
    name: str
    number: int
    title: str
    view: str


class LessonOut(LessonSummary):
    text: str
    try_: list[str] = Field(alias="try", serialization_alias="try")
    config: Config
    compare: Config | None = Field(description="The second run of a compare lesson, resolved.")
    changes: dict[str, object] | None = Field(description="What the second run changes in the first.")
    flags: dict[str, object]
