"""Learning-rate schedules: the rate as a function of (fractional) epoch.

constant     lr
step         lr * factor ** floor(epoch / every)
exponential  lr * factor ** (epoch / every)
cosine       min + (lr - min) * (1 + cos(pi * (epoch mod period) / period)) / 2,
             restarting at lr every ``period`` epochs (SGDR's warm restarts)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

ScheduleName = Literal["constant", "step", "exponential", "cosine"]


@dataclass(frozen=True)
class Schedule:
    name: ScheduleName = "constant"
    every: float = 100.0
    factor: float = 0.5
    period: float = 100.0
    min_learning_rate: float = 0.0

    def __call__(self, base: float, epoch: float) -> float:
        if self.name == "constant":
            return base
        if self.name == "step":
            return base * self.factor ** math.floor(epoch / self.every)
        if self.name == "exponential":
            return base * self.factor ** (epoch / self.every)
        if self.name == "cosine":
            phase = (epoch % self.period) / self.period
            low = min(self.min_learning_rate, base)
            return low + (base - low) * 0.5 * (1.0 + math.cos(math.pi * phase))
        raise ValueError(f"unknown schedule {self.name!r}")
