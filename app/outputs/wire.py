"""Pydantic bases for everything that crosses the wire, and how its errors read."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Wire(BaseModel):
    """Output shapes: no NaN or Infinity ever (diverged runs say so instead)."""

    model_config = ConfigDict(allow_inf_nan=False)


class WireIn(Wire):
    """Input shapes: unknown fields are errors, and numbers are numbers (strict: no "1" for 1,
    no true for 1; a whole number still does for a float field, as JSON writes 1.0 as 1)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


# A 422 lists this many errors and counts the rest: 10,000 bad points would otherwise answer megabytes.
MAX_REPORTED_ERRORS = 20
TOO_MANY_ERRORS = "too_many_errors"


def error_message(error: Any) -> str:
    """A validation error's message in our validators' own words (pydantic prefixes them)."""
    return str(error["msg"]).removeprefix("Value error, ")
