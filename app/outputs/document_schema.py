"""The model document's schema: what export writes and import accepts."""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import Field

from app.outputs.wire import WireIn
from app.training.config import MAX_LAYERS, MAX_LEARNING_RATE, MAX_UNITS, Config
from app.training.history import Record
from app.training.metrics import MAX_COUNT

DOCUMENT_FORMAT: Final = "neural-playground/1"

Parameter = Annotated[float, Field(ge=-1e6, le=1e6)]


Share = Annotated[float, Field(ge=0.0, le=1.0)]


class HistoryRecord(WireIn, Record):
    # A document may leave out what a run did not measure (exports drop nulls): the test
    # numbers without test points, the validation numbers without a validation share,
    # accuracy for regression, the penalty without regularization.
    test_loss: float | None = None
    train_accuracy: Share | None = None
    test_accuracy: Share | None = None
    penalty: float = 0.0
    validation_loss: float | None = None
    validation_accuracy: Share | None = None
    learning_rate: float = Field(ge=0.0, le=MAX_LEARNING_RATE)


class LayerParams(WireIn):
    """One Dense layer: weights are fan_in rows x fan_out columns, each value within ±1e6."""

    activation: str = Field(description="The layer's activation; the output layer names its head.")
    weights: list[Annotated[list[Parameter], Field(max_length=MAX_UNITS)]] = Field(max_length=MAX_UNITS)
    biases: list[Parameter] = Field(max_length=MAX_UNITS)


class DocumentState(WireIn):
    epoch: int = Field(0, ge=0, le=MAX_COUNT)
    step: int = Field(0, ge=0, le=MAX_COUNT)


class RunMeta(WireIn):
    slug: str
    title: str
    created_at: str


class ModelDocument(WireIn):
    """A trained model: config, weights and history. Import gives exactly these weights."""

    format: Literal["neural-playground/1"] = DOCUMENT_FORMAT
    config: Config
    layers: list[LayerParams] = Field(max_length=MAX_LAYERS + 1)
    history: list[HistoryRecord] = Field(default_factory=list)
    state: DocumentState = Field(default_factory=DocumentState)
    run: RunMeta | None = Field(None, description="The saved run this document came from, if any.")
