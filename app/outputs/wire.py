"""Pydantic bases for everything that crosses the wire."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Wire(BaseModel):
    """Output shapes: no NaN or Infinity ever (diverged runs say so instead)."""

    model_config = ConfigDict(allow_inf_nan=False)


class WireIn(Wire):
    """Input shapes: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

