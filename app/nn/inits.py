"""Weight initialisations: one row per scheme, drawing a (fan_in, fan_out) matrix.

xavier   uniform in +-sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio), for tanh and sigmoid
he       normal with std sqrt(2 / fan_in) (He et al.), for ReLU
uniform  uniform in +-0.5, whatever the width
zeros    all zero: every unit of a layer stays the same (the symmetry lesson)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.nn.arrays import Array
from app.nn.tables import table

Draw = Callable[[np.random.Generator, int, int], Array]


def _xavier(rng: np.random.Generator, fan_in: int, fan_out: int) -> Array:
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def _he(rng: np.random.Generator, fan_in: int, fan_out: int) -> Array:
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


def _uniform(rng: np.random.Generator, fan_in: int, fan_out: int) -> Array:
    return rng.uniform(-0.5, 0.5, size=(fan_in, fan_out))


def _zeros(rng: np.random.Generator, fan_in: int, fan_out: int) -> Array:
    return np.zeros((fan_in, fan_out))


@dataclass(frozen=True)
class Init:
    name: str
    label: str
    draw: Draw
    knobs: tuple[str, ...] = ()


INITS: dict[str, Init] = table(
    Init("xavier", "Xavier", _xavier),
    Init("he", "He", _he),
    Init("uniform", "Uniform ±0.5", _uniform),
    Init("zeros", "Zeros", _zeros),
)


def get_init(name: str) -> Init:
    try:
        return INITS[name]
    except KeyError:
        raise ValueError(f"unknown init {name!r}; choose one of {sorted(INITS)}") from None
