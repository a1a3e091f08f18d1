"""The lessons: presets for the ideas of an introductory course."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.schemas import LessonOut, LessonSummary
from app.training.errors import NotFound
from app.training.lessons import LESSONS

router = APIRouter(prefix="/api/lessons", tags=["lessons"])


@router.get("", response_model=list[LessonSummary])
async def list_lessons() -> list[LessonSummary]:
    return [LessonSummary(name=x.name, number=x.number, title=x.title, view=x.view) for x in LESSONS.values()]


@router.get("/{name}", response_model=LessonOut, response_model_by_alias=True, responses={404: {}})
async def get_lesson(name: str) -> LessonOut:
    """A lesson: its explanation, what to try, the view that shows it, and its config (resolved)."""
    lesson = LESSONS.get(name)
    if lesson is None:
        raise NotFound(f"no lesson named {name!r}; GET /api/lessons lists them")
    return LessonOut.model_validate(
        {
            "name": lesson.name,
            "number": lesson.number,
            "title": lesson.title,
            "view": lesson.view,
            "text": lesson.text,
            "try": lesson.try_,
            "config": lesson.resolved(),
            "compare": lesson.compared(),
            "changes": lesson.compare,
            "flags": lesson.flags,
        }
    )
