"""Divergence: when a run has gone wrong, and the healthy point it goes back to.

After every step the parameters are checked to be finite (one sum over the flat
buffer), and every evaluation checks the losses. A loss or weight that is not
finite has diverged at once. A finite training loss above the ceiling
(DIVERGENCE_FACTOR times the larger of its starting value and the loss of an
all-zero output, so far above the best the run has had) has diverged only once
it has stayed there for HIGH_LOSS_EPOCHS epoch ends in a row, or has gone
back above it RISES times without CALM_EPOCHS epochs below in between: a
too-large learning rate saturates tanh units (the loss sits far above chance
without ever overflowing) or makes the loss bounce up again and again, while
a good run with Adam can spike once for a few epochs and come back down. On a failure the session goes back to
its last healthy evaluation (weights, counters and numbers), clears the
optimizer's state and reports "diverged"; nothing non-finite ever leaves it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.nn.arrays import Array
from app.training.metrics import Metrics

DIVERGENCE_FACTOR = 3.0
HIGH_LOSS_EPOCHS = 5
RISES = 3
CALM_EPOCHS = 100
WEIGHTS_NOT_FINITE = "a weight became infinite or NaN"
LOSS_NOT_FINITE = "the loss became infinite or NaN"


@dataclass(frozen=True)
class Snapshot:
    """The last healthy evaluation: where a diverging run goes back to."""

    params: Array
    metrics: Metrics
    epoch: int
    step: int
    cursor: int


def loss_ceiling(start_loss: float, zero_output_loss: float) -> float:
    """The training loss above which a run is in trouble."""
    reference = max(start_loss, zero_output_loss)
    return DIVERGENCE_FACTOR * reference if math.isfinite(reference) else math.inf


class Watch:
    """Follows the training loss at epoch ends: how long it has been above the ceiling, and how often."""

    def __init__(self, ceiling: float) -> None:
        self.ceiling = ceiling
        self.clear()

    def clear(self) -> None:
        self.high_epochs = 0  # in a row, up to now
        self.rises = 0  # times it went above, with fewer than CALM_EPOCHS epochs below in between
        self.calm_epochs = 0  # in a row below the ceiling, up to now

    def healthy(self, metrics: Metrics) -> bool:
        """Finite and under the ceiling: a state worth going back to."""
        return metrics.finite and metrics.train_loss <= self.ceiling

    def failure(self, metrics: Metrics, epoch_end: bool) -> str | None:
        """Why ``metrics`` mean the run diverged, or None while it may still recover.

        Only epoch ends move the counts, so how a run is cut into calls never
        changes when it is stopped.
        """
        if not metrics.finite:
            return LOSS_NOT_FINITE
        if not epoch_end:
            return None
        if metrics.train_loss <= self.ceiling:
            self.high_epochs, self.calm_epochs = 0, self.calm_epochs + 1
            if self.calm_epochs >= CALM_EPOCHS:
                self.rises = 0
            return None
        if self.high_epochs == 0:
            self.rises += 1
        self.high_epochs, self.calm_epochs = self.high_epochs + 1, 0
        if self.high_epochs >= HIGH_LOSS_EPOCHS:
            return f"the training loss stayed above {self.ceiling:.3g} for {HIGH_LOSS_EPOCHS} epochs"
        if self.rises >= RISES:
            return (
                f"the training loss rose above {self.ceiling:.3g} {RISES} times, "
                f"never staying below it for {CALM_EPOCHS} epochs in between"
            )
        return None


def diverged_message(epoch: int, step: int, why: str, restored_epoch: int) -> str:
    return (
        f"Training diverged at epoch {epoch} (step {step}): {why}. "
        f"The weights were restored from epoch {restored_epoch}. Try a smaller learning rate."
    )
