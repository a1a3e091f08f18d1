"""README's lesson table says what the lessons are: number, title and the tab each opens."""

from __future__ import annotations

import re
from pathlib import Path

from app.training.lessons import LESSONS

ROOT = Path(__file__).resolve().parents[2]


def readme_rows() -> list[tuple[int, str, str]]:
    section = (ROOT / "README.md").read_text().split("| # | lesson | view |\n|---|---|---|\n", 1)[1]
    lines = section.split("\n\n", 1)[0].splitlines()
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    return [(int(number), title, view) for number, title, view in cells]


def tab_labels() -> dict[str, str]:
    """Each view's tab as the page names it."""
    page = (ROOT / "templates" / "index.html").read_text()
    return {view: label.strip().lower() for view, label in re.findall(r'data-view="(\w+)"[^>]*>([^<]+)<', page)}


def test_readme_lesson_table_matches_the_lessons() -> None:
    tabs = tab_labels()
    expected = [(lesson.number, lesson.title, tabs[lesson.view]) for lesson in LESSONS.values()]
    assert readme_rows() == expected
