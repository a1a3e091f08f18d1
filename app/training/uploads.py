"""Custom points from CSV text: columns x1, x2, label, with errors that name the line."""

from __future__ import annotations

import csv
import io
import math

from app.training.datasets import MAX_CLASSES, VIEW
from app.training.errors import FieldError

HEADER = ("x1", "x2", "label")


class TooLarge(Exception):
    """More rows or bytes than the server accepts (HTTP 413)."""


def parse_points_csv(text: str, max_rows: int) -> tuple[list[list[float]], list[int]]:
    """Rows ``x1,x2,label``; an optional header; blank lines skipped.

    Coordinates must be finite and inside [-6, 6]; labels whole numbers 0..5.
    Raises FieldError with loc ("body", "line", n) for the first bad row, and
    TooLarge past ``max_rows`` rows.
    """
    points: list[list[float]] = []
    labels: list[int] = []
    rows = csv.reader(io.StringIO(text))
    try:
        for row in rows:
            number = rows.line_num
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            if number == 1 and tuple(c.lower() for c in cells) == HEADER:
                continue
            if len(points) >= max_rows:
                raise TooLarge(f"more than {max_rows} rows")
            points.append(_point(cells, number))
            labels.append(_label(cells[2], number))
    except csv.Error as exc:
        raise FieldError(("body", "line", rows.line_num), f"line {rows.line_num}: not CSV ({exc})") from None
    if len(points) < 2:
        raise FieldError(("body",), "the CSV needs at least 2 rows of x1,x2,label")
    return points, labels


def _point(cells: list[str], number: int) -> list[float]:
    if len(cells) != 3:
        raise FieldError(("body", "line", number), f"line {number}: expected 3 columns x1,x2,label, got {len(cells)}")
    coords = []
    for name, cell in zip(HEADER[:2], cells[:2], strict=True):
        try:
            value = float(cell)
        except ValueError:
            raise FieldError(("body", "line", number), f"line {number}: {name} is not a number: {cell!r}") from None
        if not math.isfinite(value) or abs(value) > VIEW:
            raise FieldError(("body", "line", number), f"line {number}: {name} must be a finite number in [-6, 6]")
        coords.append(value)
    return coords


def _label(cell: str, number: int) -> int:
    try:
        value = float(cell)
    except ValueError:
        raise FieldError(("body", "line", number), f"line {number}: label is not a number: {cell!r}") from None
    if not value.is_integer() or not 0 <= value < MAX_CLASSES:
        raise FieldError(("body", "line", number), f"line {number}: label must be a class id 0..{MAX_CLASSES - 1}")
    return int(value)
