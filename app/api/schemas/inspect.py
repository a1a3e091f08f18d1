"""Looking inside a session: gradient check, collapse, loss slice, health, checkpoints."""

from __future__ import annotations

from pydantic import Field

from app.api.schemas.maps import MapOut, NeuronMaps, WeightsView
from app.outputs.wire import Wire
from app.training.metrics import Progress


class GradRow(Wire):
    name: str = Field(description='The parameter, e.g. "W[0,3]" (input 0 to unit 3) or "b[3]".')
    analytic: float = Field(description="Backpropagation's derivative.")
    numeric: float = Field(description="(J(θ + ε) − J(θ − ε)) / 2ε")
    relative_error: float = Field(description="|a − n| / max(|a| + |n|, row_floor)")
    kink: str | None = Field(
        None,
        description="Why the two nudges need not agree with backpropagation: the kink (ReLU's at 0, the hinge's, "
        "L1's at w = 0) they lie on both sides of; null when they lie on one side of every kink.",
    )


class GradLayer(Wire):
    layer: int
    parameters: int
    checked: int
    relative_error: float = Field(
        description="||a − n|| / (||a|| + ||n||) over the checked parameters, those across a kink left out."
    )
    max_row_error: float = Field(description="The worst single relative error, those across a kink left out.")
    kinks: int = Field(0, description="Checked parameters whose nudges crossed a kink (rows with a kink).")
    rows: list[GradRow]


class GradCheck(Wire):
    epsilon: float
    row_floor: float
    relative_error: float = Field(description="The worst layer's relative error.")
    layers: list[GradLayer]
    per_layer: int = Field(description="Parameters checked per layer at most: per_layer, or fewer on a big network.")
    points: int = Field(description="Training points the check used: all, or an even spread on a big network.")
    limited: list[str] = Field(description="What the server's work limit cut short: per_layer and/or points.")


class Collapse(Wire):
    features: list[str]
    layers: int
    weights: list[list[float]] = Field(description="The product of every layer's W: features x outputs.")
    biases: list[float]
    max_difference: float = Field(description="Largest gap between the network and x W + b over the view.")


class LossSlice(Wire):
    axis: list[float] = Field(description="Steps along each direction, in units of the weights' own norms.")
    loss: list[list[float | None]] = Field(description="Rows follow the second direction; null where it overflowed.")
    centre: float = Field(description="The objective at the current weights.")
    epoch: int
    resolution: int = Field(description="Points along each axis: the resolution asked, or fewer on a big network.")
    limited: list[str] = Field(description='["resolution"] when the server\'s work limit made the grid coarser.')


class LayerHealthOut(Wire):
    layer: int
    units: int
    weight_grad_norm: float
    bias_grad_norm: float
    dead: float | None = Field(description="Share of ReLU units that are zero on every training point.")
    saturated: float | None = Field(description="Share of sigmoid/tanh units flat on 95% of the points.")


class HealthPoint(Wire):
    epoch: int
    layers: list[LayerHealthOut]


class GradientHealth(Wire):
    activation: str
    epoch: int
    layers: list[LayerHealthOut]
    history: list[HealthPoint] = Field(description="Every 10 epochs.")


class CheckpointInfo(Wire, Progress):
    """An epoch the run can go back to, with its metrics."""


class CheckpointView(Wire):
    epoch: int
    step: int
    metrics: dict[str, float | None]
    boundary: MapOut
    neurons: NeuronMaps
    weights: WeightsView
