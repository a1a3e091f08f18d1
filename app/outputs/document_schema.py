"""The model document's schema: what export writes and import accepts."""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import Field

from app.outputs.wire import WireIn
from app.training.config import Config
from app.training.history import Record

DOCUMENT_FORMAT: Final = "neural-playground/1"

Parameter = Annotated[float, Field(ge=-1e6, le=1e6)]


class HistoryRecord(WireIn, Record):
    # A document may leave the penalty out: zero, as for a run without regularization.
    penalty: float = 0.0


class LayerParams(WireIn):
    """One Dense layer: weights are fan_in rows x fan_out columns, each value within ±1e6."""

    activation: str = Field(description="The layer's activation; the output layer names its head.")
    weights: list[list[Parameter]]
    biases: list[Parameter]


class DocumentState(WireIn):
    epoch: int = Field(0, ge=0)
    step: int = Field(0, ge=0)


class RunMeta(WireIn):
    slug: str
    title: str
    created_at: str


class ModelDocument(WireIn):
    """A trained model: config, weights and history. Import gives exactly these weights."""

    format: Literal["neural-playground/1"] = DOCUMENT_FORMAT
    config: Config
    layers: list[LayerParams]
    history: list[HistoryRecord] = Field(default_factory=list)
    state: DocumentState = Field(default_factory=DocumentState)
    run: RunMeta | None = Field(None, description="The saved run this document came from, if any.")
