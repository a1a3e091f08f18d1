"""The optimizer and learning-rate schedule a config asks for: what changes live, weights kept."""

from __future__ import annotations

import copy

from app.nn.optimizers import Optimizer, make_optimizer
from app.nn.schedules import Schedule
from app.training.config import Config


def live_settings(config: Config, current: Optimizer | None) -> tuple[Optimizer, Schedule]:
    """The optimizer and schedule ``config`` asks for; a same-named ``current`` optimizer keeps its
    state (in a copy, so that the caller's own is untouched until it swaps them in)."""
    opt = config.optimizer
    hyper = dict(momentum=opt.momentum, beta1=opt.beta1, beta2=opt.beta2, rho=opt.rho, epsilon=opt.epsilon)
    if current is None or current.name != opt.name:
        optimizer = make_optimizer(opt.name, **hyper)
    else:
        optimizer = copy.copy(current)
        for key, value in hyper.items():
            setattr(optimizer, key, value)
    s = config.schedule
    return optimizer, Schedule(s.name, s.every, s.factor, s.period, s.min_learning_rate, s.patience)
