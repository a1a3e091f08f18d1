"""Hidden-layer activations: one row per activation, f beside f'.

A row also carries what the rest of the application says about it: its label
for the page and its code for the exported NumPy and PyTorch scripts. Each
derivative takes both the pre-activation ``z`` and the output ``a = f(z)``
so that it can use whichever is cheaper (tanh and sigmoid reuse ``a``).
All functions are elementwise over arrays of any shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Literal

import numpy as np

from app.nn.arrays import Array
from app.nn.tables import table

LEAKY_SLOPE = 0.01
_GELU_C = np.sqrt(2.0 / np.pi)


@dataclass(frozen=True)
class Activation:
    """An elementwise nonlinearity and its derivative.

    ``inactive`` names how a unit of this kind stops passing gradient:
    "dead" (ReLU: zero output everywhere) or "saturated" (sigmoid/tanh: flat
    tails), or None when it has no such failure mode worth reporting.
    ``peak_slope`` is the largest value f' takes, used to judge saturation.
    ``numpy`` is f as a NumPy expression in ``z``; ``torch`` a PyTorch module
    expression, and ``torch_class`` the definition it needs, if any.
    ``knobs`` are the config fields the row reads; ``with_slope`` builds it
    for the config's ``leaky_slope``. ``kink`` names where f has no derivative
    (always at z = 0), or is "" for a smooth f.
    """

    name: str
    label: str
    f: Callable[[Array], Array]
    df: Callable[[Array, Array], Array]
    numpy: str
    torch: str
    torch_class: str = ""
    knobs: tuple[str, ...] = ()
    inactive: Literal["dead", "saturated"] | None = None
    peak_slope: float = 1.0
    f_inplace: Callable[[Array], object] | None = None  # the same f, overwriting its argument
    with_slope: Callable[[float], Activation] | None = None  # the row again, for a config's leaky_slope
    kink: str = ""

    def apply_inplace(self, z: Array) -> None:
        """z := f(z) without a new array (big maps pay dearly for fresh memory)."""
        if self.f_inplace is not None:
            self.f_inplace(z)
        elif not self.is_identity:
            z[...] = self.f(z)

    @property
    def is_identity(self) -> bool:
        return self.name == "linear"

    def __repr__(self) -> str:
        return f"Activation({self.name})"


def sigmoid(z: Array) -> Array:
    # The tanh form never overflows, unlike 1 / (1 + exp(-z)).
    return 0.5 * np.tanh(0.5 * z) + 0.5


def _sigmoid_inplace(z: Array) -> None:
    z *= 0.5
    np.tanh(z, out=z)
    z *= 0.5
    z += 0.5


def _linear(z: Array) -> Array:
    return z


def _linear_d(z: Array, a: Array) -> Array:
    return np.ones_like(z)


def _relu(z: Array) -> Array:
    return np.maximum(z, 0.0)


def _relu_d(z: Array, a: Array) -> Array:
    return (z > 0.0).astype(z.dtype)


def _leaky(z: Array, slope: float) -> Array:
    return np.where(z > 0.0, z, slope * z)


def _leaky_d(z: Array, a: Array, slope: float) -> Array:
    return np.where(z > 0.0, 1.0, slope).astype(z.dtype)


def leaky_relu(slope: float) -> Activation:
    """Leaky ReLU with ``slope`` for z < 0."""
    return Activation(
        "leaky_relu",
        "Leaky ReLU",
        partial(_leaky, slope=slope),
        partial(_leaky_d, slope=slope),
        f"np.where(z > 0.0, z, {slope!r} * z)",
        f"nn.LeakyReLU({slope!r})",
        knobs=("leaky_slope",),
        with_slope=leaky_relu,
        kink="leaky ReLU's kink at 0",
    )


def _tanh_d(z: Array, a: Array) -> Array:
    return 1.0 - a * a


def _sigmoid_d(z: Array, a: Array) -> Array:
    return a * (1.0 - a)


def _elu(z: Array) -> Array:
    return np.where(z > 0.0, z, np.expm1(np.minimum(z, 0.0)))


def _elu_d(z: Array, a: Array) -> Array:
    return np.where(z > 0.0, 1.0, a + 1.0)


def _softplus(z: Array) -> Array:
    return np.logaddexp(0.0, z)


def _softplus_d(z: Array, a: Array) -> Array:
    return sigmoid(z)


def _gelu_gate(z: Array) -> Array:
    # 0.5 (1 + tanh(u)) written as a logistic of 2u, which keeps its precision in the tails.
    u = _GELU_C * (z + 0.044715 * z**3)
    return 1.0 / (1.0 + np.exp(np.minimum(-2.0 * u, 700.0)))


def _gelu(z: Array) -> Array:
    # The tanh approximation (Hendrycks & Gimpel), as used by GPT-2; NumPy has no erf.
    return z * _gelu_gate(z)


def _gelu_d(z: Array, a: Array) -> Array:
    s = _gelu_gate(z)
    return s + z * 2.0 * s * (1.0 - s) * _GELU_C * (1.0 + 3 * 0.044715 * z * z)


def _swish(z: Array) -> Array:
    return z * sigmoid(z)


def _swish_d(z: Array, a: Array) -> Array:
    s = sigmoid(z)
    return s + a * (1.0 - s)


def _sine_d(z: Array, a: Array) -> Array:
    return np.cos(z)


def _step(z: Array) -> Array:
    return (z > 0.0).astype(z.dtype)


def _step_d(z: Array, a: Array) -> Array:
    # Flat on both sides of the jump: no gradient reaches the weights below, so descent cannot train it.
    return np.zeros_like(z)


def _torch_class(name: str, expression: str) -> str:
    """A one-line PyTorch module, for functions torch.nn has no module for."""
    return f"class {name}(nn.Module):\n    def forward(self, z):\n        return {expression}\n"


_SIGMOID_CODE = "0.5 * np.tanh(0.5 * z) + 0.5"
ACTIVATIONS: dict[str, Activation] = table(
    Activation("linear", "Linear", _linear, _linear_d, "z", "nn.Identity()"),
    Activation(
        "relu",
        "ReLU",
        _relu,
        _relu_d,
        "np.maximum(z, 0.0)",
        "nn.ReLU()",
        inactive="dead",
        f_inplace=lambda z: np.maximum(z, 0.0, out=z),
        kink="ReLU's kink at 0",
    ),
    leaky_relu(LEAKY_SLOPE),
    Activation(
        "tanh",
        "Tanh",
        np.tanh,
        _tanh_d,
        "np.tanh(z)",
        "nn.Tanh()",
        inactive="saturated",
        f_inplace=lambda z: np.tanh(z, out=z),
    ),
    Activation(
        "sigmoid",
        "Sigmoid",
        sigmoid,
        _sigmoid_d,
        _SIGMOID_CODE,
        "nn.Sigmoid()",
        inactive="saturated",
        peak_slope=0.25,
        f_inplace=_sigmoid_inplace,
    ),
    Activation("elu", "ELU", _elu, _elu_d, "np.where(z > 0.0, z, np.expm1(np.minimum(z, 0.0)))", "nn.ELU()"),
    Activation("softplus", "Softplus", _softplus, _softplus_d, "np.logaddexp(0.0, z)", "nn.Softplus()"),
    Activation(
        "gelu",
        "GELU",
        _gelu,
        _gelu_d,
        "z / (1.0 + np.exp(np.minimum(-2.0 * np.sqrt(2.0 / np.pi) * (z + 0.044715 * z**3), 700.0)))",
        'nn.GELU(approximate="tanh")',
    ),
    Activation("swish", "Swish", _swish, _swish_d, f"z * ({_SIGMOID_CODE})", "nn.SiLU()"),
    Activation(
        "sine",
        "Sine",
        np.sin,
        _sine_d,
        "np.sin(z)",
        "Sine()",
        torch_class=_torch_class("Sine", "torch.sin(z)"),
        f_inplace=lambda z: np.sin(z, out=z),
    ),
    Activation(
        "step",
        "Step",
        _step,
        _step_d,
        "np.where(z > 0.0, 1.0, 0.0)",
        "Step()",
        torch_class=_torch_class("Step", "(z > 0.0).to(z.dtype)"),
        f_inplace=lambda z: np.greater(z, 0.0, out=z),
        kink="the step's jump at 0",
    ),
)


def get_activation(name: str, leaky_slope: float = LEAKY_SLOPE) -> Activation:
    try:
        row = ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}") from None
    return row if row.with_slope is None else row.with_slope(leaky_slope)
