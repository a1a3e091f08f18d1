"""Checkpoints: the epochs a run can go back to, the best of them, and gradient health.

A checkpoint holds everything needed to continue from its epoch exactly as the
run went on: weights, counters, metrics, optimizer state and batch order.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.nn.arrays import Array
from app.nn.diagnostics import LayerHealth
from app.training.history import Thinned
from app.training.metrics import BestBy, Metrics

HEALTH_EVERY = 10  # epochs between gradient-health records
CHECKPOINT_BYTES = 1_000_000  # per session, for rewinding


@dataclass(frozen=True)
class Checkpoint:
    """Everything needed to continue a run from an epoch exactly as it went on."""

    epoch: int
    step: int
    params: Array
    metrics: Metrics
    optimizer: dict[str, object]
    batch_rng: dict[str, object]


@dataclass(frozen=True)
class HealthRecord:
    epoch: int
    layers: list[LayerHealth]


def ranking_loss(metrics: Metrics) -> float | None:
    """The loss that picks the best epoch: validation when the run has a validation set, else test."""
    return metrics.test_loss if metrics.validation_loss is None else metrics.validation_loss


def ranked_by(metrics: Metrics) -> BestBy:
    return "test" if metrics.validation_loss is None else "validation"


class Checkpoints(Thinned[Checkpoint]):
    """A bounded, evenly thinned set of checkpoints, and the one with the lowest ranking loss."""

    def __init__(self, start: Checkpoint) -> None:
        # Each checkpoint holds the weights and up to two optimizer buffers of the same size.
        super().__init__(max(4, min(200, CHECKPOINT_BYTES // (3 * start.params.nbytes))))
        self.records = [start]
        self.best: Checkpoint | None = start if ranking_loss(start.metrics) is not None else None

    def epoch_ended(self, epoch: int, metrics: Metrics, make: Callable[[], Checkpoint]) -> None:
        """Keep the epoch if it is the best so far or the thinning wants it; ``make`` at most once."""
        best, loss = self.best, ranking_loss(metrics)
        if loss is not None and (best is None or loss < (ranking_loss(best.metrics) or math.inf)):
            self.best = best = make()
        if self.wants(epoch):
            self.add(best if best is not None and best.epoch == epoch else make())

    def best_summary(self) -> dict[str, Any]:
        """The state's best_* fields: the best epoch, its test loss, and its loss on the set that ranked it."""
        best = self.best
        if best is None:
            return {"best_epoch": None, "best_test_loss": None, "best_by": None, "best_loss": None}
        return {
            "best_epoch": best.epoch,
            "best_test_loss": best.metrics.test_loss,
            "best_by": ranked_by(best.metrics),
            "best_loss": ranking_loss(best.metrics),
        }

    def rewind(self, target: Checkpoint) -> None:
        """Forget what came after ``target``: the run continues from it."""
        self.truncate_after(target.epoch)
        if self.best is not None and self.best.epoch > target.epoch:
            self.best = target
