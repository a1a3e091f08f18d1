"""The numbers a run reports, declared once: what an evaluation measures, and where.

``Metrics`` is one evaluation; ``Progress`` adds the counters it was taken at;
the session's state and each history record extend ``Progress``. They are plain
frozen dataclasses, cheap to make every epoch; the wire schemas in app.api
derive from them, so a field is named, typed and described here only. (The
``Field`` annotations are read by pydantic there, and cost nothing here.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import Field

Status = Literal["ready", "training", "diverged", "stopped"]
BestBy = Literal["validation", "test"]


@dataclass(frozen=True)
class Metrics:
    """Loss, accuracy and penalty on the training, test and validation sets at some weights."""

    train_loss: Annotated[float, Field(description="Mean data loss on the training set (no penalty).")]
    test_loss: Annotated[float | None, Field(description="Mean data loss on the test set; null without test points.")]
    train_accuracy: Annotated[float | None, Field(description="Share classified right; null for regression.")]
    test_accuracy: float | None
    penalty: Annotated[float, Field(description="The regularization term at the current weights.")]
    # Keyword-only with a default, so that records written before validation existed still load.
    validation_loss: Annotated[
        float | None, Field(description="Mean data loss on the validation set; null without a validation share.")
    ] = field(default=None, kw_only=True)
    validation_accuracy: float | None = field(default=None, kw_only=True)

    @property
    def finite(self) -> bool:
        values = (self.train_loss, self.test_loss, self.validation_loss, self.penalty)
        return all(v is None or math.isfinite(v) for v in values)


# Counters stay exact in float64, and so in JavaScript: far more than any run reaches.
MAX_COUNT = 2**53


@dataclass(frozen=True)
class Counters:
    epoch: Annotated[int, Field(ge=0, le=MAX_COUNT, description="Completed epochs.")]
    step: Annotated[int, Field(ge=0, le=MAX_COUNT, description="Minibatch steps taken.")]


@dataclass(frozen=True)
class Progress(Metrics, Counters):
    """Metrics and the counters they were taken at. (Dataclass fields follow the bases from
    last to first, so the counters lead, as they always have on the wire.)"""

    def to_dict(self) -> dict[str, Any]:
        """The fields in order, as JSON-ready values (a shallow copy: every field is a scalar)."""
        return vars(self).copy()


@dataclass(frozen=True)
class SessionState(Progress):
    """Where a session stands: counters, the latest metrics and its status."""

    total_loss: Annotated[float, Field(description="train_loss + penalty: what training minimises.")]
    learning_rate: Annotated[float, Field(description="The scheduled learning rate now.")]
    status: Status
    message: Annotated[str, Field(description="Why a run diverged or stopped, in plain words.")] = ""
    best_epoch: Annotated[
        int | None,
        Field(description="The epoch with the lowest validation loss so far (test loss without a validation share)."),
    ] = None
    best_test_loss: float | None = None
    best_by: Annotated[
        BestBy | None, Field(description="Which set's loss picks the best epoch: validation when there is one.")
    ] = None
    best_loss: Annotated[float | None, Field(description="The best epoch's loss on the set best_by names.")] = None
