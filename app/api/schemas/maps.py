"""What a network looks like from outside: maps over the view, unit maps, rounded weights."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.outputs.wire import Wire


class MapOut(Wire):
    """A map over the view [-6, 6]^2: uint8 base64 ``data``, or nested ``values`` with format=json."""

    resolution: int
    extent: list[float]
    planes: int
    encoding: Literal["uint8", "json"]
    data: str | None = Field(None, description="base64 of planes*R*R bytes, plane-major, first row at y = -6.")
    values: list[list[list[float]]] | None = None
    range: tuple[float, float] | None = Field(None, description="[lo, hi] that bytes 0..255 span (regression).")


class NeuronLayer(Wire):
    units: int
    scales: list[float] = Field(description="Per unit: a byte b stands for (b / 127.5 - 1) * scale.")
    data: str = Field(description="base64 of units*R*R bytes.")


class NeuronMaps(Wire):
    resolution: int
    layers: list[NeuronLayer]


class LayerWeights(Wire):
    weights: list[list[float]]
    biases: list[float]


class WeightsView(Wire):
    layers: list[LayerWeights]
