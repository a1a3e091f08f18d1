"""Divergence: when a run has gone wrong, and the healthy point it goes back to.

After every step the parameters are checked to be finite (one sum over the flat
buffer), and every evaluation checks the losses: a loss that is not finite, or
that climbs above DIVERGENCE_FACTOR times the larger of its starting value and
the loss of an all-zero output, has diverged (with tanh or sigmoid units a
too-large learning rate saturates the network and the loss jumps far above
chance without ever overflowing). On a failure the session goes back to its
last healthy evaluation (weights, counters and numbers), clears the optimizer's
state and reports "diverged"; nothing non-finite ever leaves it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.nn.arrays import Array
from app.training.metrics import Metrics

DIVERGENCE_FACTOR = 3.0
WEIGHTS_NOT_FINITE = "a weight became infinite or NaN"


@dataclass(frozen=True)
class Snapshot:
    """The last healthy evaluation: where a diverging run goes back to."""

    params: Array
    metrics: Metrics
    epoch: int
    step: int
    cursor: int


def loss_ceiling(start_loss: float, zero_output_loss: float) -> float:
    """The training loss above which a run has diverged."""
    reference = max(start_loss, zero_output_loss)
    return DIVERGENCE_FACTOR * reference if math.isfinite(reference) else math.inf


def failure(metrics: Metrics, ceiling: float) -> str | None:
    """Why ``metrics`` mean the run diverged, or None while it is healthy."""
    if not metrics.finite:
        return "the loss became infinite or NaN"
    if metrics.train_loss > ceiling:
        return (
            f"the training loss rose to {metrics.train_loss:.3g}, over {DIVERGENCE_FACTOR:g} times its starting level"
        )
    return None


def diverged_message(epoch: int, step: int, why: str, restored_epoch: int) -> str:
    return (
        f"Training diverged at epoch {epoch} (step {step}): {why}. "
        f"The weights were restored from epoch {restored_epoch}. Try a smaller learning rate."
    )
