"""Pydantic bases for everything that crosses the wire, and how its errors read."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Wire(BaseModel):
    """Output shapes: no NaN or Infinity ever (diverged runs say so instead)."""

    model_config = ConfigDict(allow_inf_nan=False)


class WireIn(Wire):
    """Input shapes: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def error_message(error: Any) -> str:
    """A validation error's message in our validators' own words (pydantic prefixes them)."""
    return str(error["msg"]).removeprefix("Value error, ")
