"""Learning-rate schedules: the rate as a function of (fractional) epoch.

constant     lr
step         lr * factor ** floor(epoch / every)
exponential  lr * factor ** (epoch / every)
cosine       min + (lr - min) * (1 + cos(pi * (epoch mod period) / period)) / 2,
             restarting at lr every ``period`` epochs (SGDR's warm restarts)

``SCHEDULES`` has one row per schedule: its rate function, its label and the
knobs (config fields) it reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from app.nn.tables import table


@dataclass(frozen=True)
class Schedule:
    name: str = "constant"
    every: float = 100.0
    factor: float = 0.5
    period: float = 100.0
    min_learning_rate: float = 0.0
    # Looked up once here, so that a call costs no table lookup.
    _rate: Callable[[Schedule, float, float], float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        row = SCHEDULES.get(self.name)
        if row is None:
            raise ValueError(f"unknown schedule {self.name!r}; choose one of {sorted(SCHEDULES)}")
        object.__setattr__(self, "_rate", row.rate)

    def __call__(self, base: float, epoch: float) -> float:
        return self._rate(self, base, epoch)


def _constant(s: Schedule, base: float, epoch: float) -> float:
    return base


def _step(s: Schedule, base: float, epoch: float) -> float:
    return base * s.factor ** math.floor(epoch / s.every)


def _exponential(s: Schedule, base: float, epoch: float) -> float:
    return base * s.factor ** (epoch / s.every)


def _cosine(s: Schedule, base: float, epoch: float) -> float:
    phase = (epoch % s.period) / s.period
    low = min(s.min_learning_rate, base)
    return low + (base - low) * 0.5 * (1.0 + math.cos(math.pi * phase))


@dataclass(frozen=True)
class ScheduleChoice:
    name: str
    label: str
    rate: Callable[[Schedule, float, float], float]
    knobs: tuple[str, ...] = ()


SCHEDULES: dict[str, ScheduleChoice] = table(
    ScheduleChoice("constant", "Constant", _constant),
    ScheduleChoice("step", "Step decay", _step, ("every", "factor")),
    ScheduleChoice("exponential", "Exponential", _exponential, ("every", "factor")),
    ScheduleChoice("cosine", "Cosine restarts", _cosine, ("period", "min_learning_rate")),
)
