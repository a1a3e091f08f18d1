"""Lessons: presets for the ideas an introductory course teaches.

The record is in ``model``; the lessons themselves live in one module per
group, and ``LESSONS`` lists them all in their numbered order.
"""

from __future__ import annotations

from app.training.lessons import backprop, generalization, inspection, models, optimization, representation
from app.training.lessons.model import Lesson, View

__all__ = ["LESSONS", "Lesson", "View"]

_GROUPS = (models, optimization, inspection, representation, backprop, generalization)

LESSONS: dict[str, Lesson] = {
    item.name: item for item in sorted((x for group in _GROUPS for x in group.LESSONS), key=lambda x: x.number)
}
