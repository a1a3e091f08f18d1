"""Lessons: presets for the ideas an introductory course teaches.

The record is in ``model``; the lessons themselves live in one module per
group, and ``LESSONS`` lists them all in their numbered order.
"""

from __future__ import annotations

from app.training.lessons import generalization, inspection, models, optimization
from app.training.lessons.model import Lesson, View

__all__ = ["LESSONS", "Lesson", "View"]

LESSONS: dict[str, Lesson] = {
    item.name: item
    for item in sorted(
        (*models.LESSONS, *optimization.LESSONS, *inspection.LESSONS, *generalization.LESSONS), key=lambda x: x.number
    )
}
