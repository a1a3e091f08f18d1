"""Pydantic models for everything on the wire: documents, states, frames, requests."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.config import Config

DOCUMENT_FORMAT = "neural-playground/1"


class Wire(BaseModel):
    """Output shapes: no NaN or Infinity ever (diverged runs say so instead)."""

    model_config = ConfigDict(allow_inf_nan=False)


class WireIn(Wire):
    """Input shapes: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class State(Wire):
    epoch: int = Field(description="Completed epochs.")
    step: int = Field(description="Minibatch steps taken.")
    train_loss: float = Field(description="Mean data loss on the training set (no penalty).")
    test_loss: float | None = Field(description="Mean data loss on the test set; null without test points.")
    train_accuracy: float | None = Field(description="Share classified right; null for regression.")
    test_accuracy: float | None
    penalty: float = Field(description="The regularization term at the current weights.")
    total_loss: float = Field(description="train_loss + penalty: what training minimises.")
    learning_rate: float = Field(description="The scheduled learning rate now.")
    status: Literal["ready", "training", "diverged"]
    message: str = Field("", description="Why a run diverged, in plain words.")


class HistoryRecord(WireIn):
    epoch: int = Field(ge=0)
    step: int = Field(ge=0)
    train_loss: float
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    learning_rate: float
    penalty: float = 0.0


class LayerParams(WireIn):
    """One Dense layer: weights are fan_in rows x fan_out columns."""

    activation: str = Field(description="The layer's activation; the output layer names its head.")
    weights: list[list[float]]
    biases: list[float]


class LayerWithGradients(LayerParams):
    weight_gradients: list[list[float]] = Field(
        description="d(mean training loss + penalty)/d(weights) at the current weights."
    )
    bias_gradients: list[float]


class Network(Wire):
    features: list[str]
    layers: list[LayerWithGradients]


class DocumentState(WireIn):
    epoch: int = Field(0, ge=0)
    step: int = Field(0, ge=0)


class ModelDocument(WireIn):
    """A trained model: config, weights and history. Import gives exactly these weights."""

    format: Literal["neural-playground/1"] = DOCUMENT_FORMAT
    config: Config
    layers: list[LayerParams]
    history: list[HistoryRecord] = Field(default_factory=list)
    state: DocumentState = Field(default_factory=DocumentState)
