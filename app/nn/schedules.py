"""Learning-rate schedules: the rate as a function of (fractional) epoch.

constant     lr
step         lr * factor ** floor(epoch / every)
exponential  lr * factor ** (epoch / every)
cosine       min + (lr - min) * (1 + cos(pi * (epoch mod period) / period)) / 2,
             restarting at lr every ``period`` epochs (SGDR's warm restarts)
plateau      max(lr * factor ** drops, min): a drop each time the monitored loss,
             fed in at every epoch's end, has not improved for ``patience`` epochs

``SCHEDULES`` has one row per schedule: its rate function, its label and the
knobs (config fields) it reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from app.nn.tables import table

# A loss counts as improved when it beats the best by this fraction (PyTorch's ReduceLROnPlateau default).
IMPROVEMENT = 1e-4


@dataclass
class Plateau:
    """What a plateau schedule has seen: the best loss, epochs since it improved, drops so far."""

    best: float = math.inf
    waited: int = 0
    drops: int = 0


@dataclass(frozen=True)
class Schedule:
    name: str = "constant"
    every: float = 100.0
    factor: float = 0.5
    period: float = 100.0
    min_learning_rate: float = 0.0
    patience: int = 10
    # Looked up once here, so that a call costs no table lookup.
    _rate: Callable[[Schedule, float, float], float] = field(init=False, repr=False, compare=False)
    plateau: Plateau = field(init=False, repr=False, compare=False, default_factory=Plateau)

    def __post_init__(self) -> None:
        row = SCHEDULES.get(self.name)
        if row is None:
            raise ValueError(f"unknown schedule {self.name!r}; choose one of {sorted(SCHEDULES)}")
        object.__setattr__(self, "_rate", row.rate)

    def __call__(self, base: float, epoch: float) -> float:
        return self._rate(self, base, epoch)

    def observe(self, loss: float) -> None:
        """At an epoch's end, the monitored loss: a plateau schedule drops the rate when it stalls."""
        p = self.plateau
        if loss < p.best * (1.0 - IMPROVEMENT):
            p.best, p.waited = loss, 0
            return
        p.waited += 1
        if p.waited >= self.patience:
            p.drops, p.waited = p.drops + 1, 0

    def replay(self, losses: Iterable[float]) -> None:
        """Forget what was observed, then observe ``losses`` in order (when a run starts over or goes back)."""
        self.plateau.best, self.plateau.waited, self.plateau.drops = math.inf, 0, 0
        for loss in losses:
            self.observe(loss)


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


def _plateau(s: Schedule, base: float, epoch: float) -> float:
    return max(base * s.factor**s.plateau.drops, min(s.min_learning_rate, base))


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
    ScheduleChoice("plateau", "Reduce on plateau", _plateau, ("factor", "patience", "min_learning_rate")),
)
