"""Early stopping as the course notes define it: hold out a validation set, stop when
its loss has stopped falling, and go back to the best weights; the test set stays
untouched, so its numbers remain an honest estimate.

The best epoch itself is kept by the checkpoints (app.training.checkpoints ranks
epochs by validation loss when there is a validation set); this module decides
when a run has waited long enough, and which loss a loss-driven schedule watches.
"""

from __future__ import annotations

from app.training.checkpoints import Checkpoint
from app.training.config import EarlyStoppingConfig
from app.training.metrics import Metrics


def verdict(config: EarlyStoppingConfig | None, epoch: int, best: Checkpoint | None) -> str | None:
    """Why the run should stop at the end of ``epoch``, or None to go on."""
    if config is None or best is None or best.metrics.validation_loss is None:
        return None
    if epoch - best.epoch < config.patience:
        return None
    return f"early stopping: validation loss has not improved for {config.patience} epochs; restored epoch {best.epoch}"


def monitored_loss(metrics: Metrics) -> float:
    """The validation loss when there is one, else the training loss (a plateau schedule watches it)."""
    return metrics.train_loss if metrics.validation_loss is None else metrics.validation_loss
