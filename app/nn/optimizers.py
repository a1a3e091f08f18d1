"""Optimizers: step over (parameter, gradient) pairs, state kept per parameter.

An optimizer never lives inside a layer. ``step(pairs, learning_rate)``
updates each parameter array in place; its state (velocities, moment
estimates) is keyed by the pair's position, so the same list of pairs must be
passed on every step. Hyperparameters are plain attributes and may change
between steps (the playground changes them live). ``OPTIMIZERS`` has one
row per optimizer: its class, its label and the knobs (config fields) it reads.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.nn.arrays import Array
from app.nn.tables import table

Pairs = Sequence[tuple[Array, Array]]


class Optimizer:
    name: str = ""
    slots: tuple[str, ...] = ()  # the state it keeps per parameter array

    def __init__(
        self,
        momentum: float = 0.9,
        beta1: float = 0.9,
        beta2: float = 0.999,
        rho: float = 0.9,
        epsilon: float = 1e-8,
    ) -> None:
        self.momentum = momentum
        self.beta1 = beta1
        self.beta2 = beta2
        self.rho = rho
        self.epsilon = epsilon
        self.state: dict[int, dict[str, Array]] = {}
        self.steps: int | NDArray[np.int64] = 0  # one count per run when stepping a stack of runs

    def reset(self) -> None:
        """Forget all state, as if no step had been taken."""
        self.state.clear()
        self.steps = 0

    def state_dict(self) -> dict[str, object]:
        """A copy of the optimizer's state (velocities, moments, step count)."""
        return {"steps": self.steps, "slots": {i: {k: v.copy() for k, v in s.items()} for i, s in self.state.items()}}

    def load_state_dict(self, state: dict[str, object]) -> None:
        slots = state["slots"]
        assert isinstance(slots, dict)
        self.state = {i: {k: v.copy() for k, v in s.items()} for i, s in slots.items()}
        self.steps = int(state["steps"])  # type: ignore[call-overload]

    def _slot(self, index: int, name: str, like: Array) -> Array:
        slots = self.state.setdefault(index, {})
        buf = slots.get(name)
        if buf is None or buf.shape != like.shape:
            buf = slots[name] = np.zeros_like(like)
        return buf

    def step(self, pairs: Pairs, learning_rate: float) -> None:
        self.steps += 1
        for i, (p, g) in enumerate(pairs):
            self._update(i, p, g, learning_rate)

    def _update(self, i: int, p: Array, g: Array, lr: float) -> None:
        raise NotImplementedError

    def step_size(self, i: int, lr: float, part: slice) -> float | Array:
        """What the last step multiplied pair ``i``'s gradient by, for the entries in ``part``:
        the learning rate, or per entry for an adaptive optimizer. A proximal step shrinks by
        rate times this, so that it weighs each entry as the optimizer's own step did."""
        return lr

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class SGD(Optimizer):
    """p -= lr * g"""

    name = "sgd"

    def _update(self, i: int, p: Array, g: Array, lr: float) -> None:
        p -= lr * g


class Momentum(Optimizer):
    """v = mu v + g; p -= lr v (the PyTorch form, so a live lr change acts at once)."""

    name = "momentum"
    slots = ("velocity",)

    def _update(self, i: int, p: Array, g: Array, lr: float) -> None:
        v = self._slot(i, "velocity", p)
        v *= self.momentum
        v += g
        p -= lr * v


class Nesterov(Optimizer):
    """v = mu v + g; p -= lr (g + mu v)"""

    name = "nesterov"
    slots = ("velocity",)

    def _update(self, i: int, p: Array, g: Array, lr: float) -> None:
        v = self._slot(i, "velocity", p)
        v *= self.momentum
        v += g
        p -= lr * (g + self.momentum * v)


class RMSprop(Optimizer):
    """s = rho s + (1 - rho) g^2; p -= lr g / (sqrt(s) + eps)"""

    name = "rmsprop"
    slots = ("square_avg",)

    def _update(self, i: int, p: Array, g: Array, lr: float) -> None:
        s = self._slot(i, "square_avg", p)
        s *= self.rho
        s += (1.0 - self.rho) * (g * g)
        p -= lr * g / (np.sqrt(s) + self.epsilon)

    def step_size(self, i: int, lr: float, part: slice) -> float | Array:
        return lr / (np.sqrt(self.state[i]["square_avg"][..., part]) + self.epsilon)


class Adam(Optimizer):
    """Adam with bias correction: p -= lr m_hat / (sqrt(v_hat) + eps)."""

    name = "adam"
    slots = ("m", "v")

    def _update(self, i: int, p: Array, g: Array, lr: float) -> None:
        m = self._slot(i, "m", p)
        v = self._slot(i, "v", p)
        b1, b2 = self.beta1, self.beta2
        m *= b1
        m += (1.0 - b1) * g
        v *= b2
        v += (1.0 - b2) * (g * g)
        step, scale = self.corrections(lr)
        denom = np.sqrt(v) * scale + self.epsilon
        p -= step * m / denom

    def step_size(self, i: int, lr: float, part: slice) -> float | Array:
        step, scale = self.corrections(lr)
        return step / (np.sqrt(self.state[i]["v"][..., part]) * scale + self.epsilon)

    def corrections(self, lr: float | Array) -> tuple[float | Array, float | Array]:
        """The bias corrections with the rate: lr / (1 - beta1^t) and 1 / sqrt(1 - beta2^t).

        For a stack of runs ``steps`` holds each run's count and ``lr`` one rate per row; the
        powers are taken one run at a time, as each run alone takes them, so the numbers match.
        """
        b1, b2, t = self.beta1, self.beta2, self.steps
        if isinstance(t, np.ndarray):
            counts = t.tolist()
            first = np.array([1.0 - b1**k for k in counts]).reshape(-1, 1)
            second = np.array([1.0 / math.sqrt(1.0 - b2**k) for k in counts]).reshape(-1, 1)
            return lr / first, second
        return lr / (1.0 - b1**t), 1.0 / math.sqrt(1.0 - b2**t)


@dataclass(frozen=True)
class OptimizerChoice:
    make: type[Optimizer]
    label: str
    knobs: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.make.name


OPTIMIZERS: dict[str, OptimizerChoice] = table(
    OptimizerChoice(SGD, "SGD", ("learning_rate",)),
    OptimizerChoice(Momentum, "Momentum", ("learning_rate", "momentum")),
    OptimizerChoice(Nesterov, "Nesterov", ("learning_rate", "momentum")),
    OptimizerChoice(RMSprop, "RMSprop", ("learning_rate", "rho", "epsilon")),
    OptimizerChoice(Adam, "Adam", ("learning_rate", "beta1", "beta2", "epsilon")),
)


def make_optimizer(name: str, **hyper: float) -> Optimizer:
    try:
        row = OPTIMIZERS[name]
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {sorted(OPTIMIZERS)}") from None
    return row.make(**hyper)
