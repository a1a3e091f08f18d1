"""Dense layer: forward caches what it saw, backward fills gradients.

A layer does not own its memory: its weights, biases and their gradients are
views into buffers the model hands it, so that an optimizer (or a
regularizer, or a finite check) can treat all parameters as one array.
"""

from __future__ import annotations

import numpy as np

from app.nn.activations import Activation
from app.nn.arrays import Array


class Dense:
    """z = x W + b, a = f(z).

    Shapes: x (n, fan_in), W (fan_in, fan_out), b (fan_out,), z and a (n, fan_out).
    With ``activation`` None the layer is an output layer and returns z; the
    loss applies the squashing function.
    """

    def __init__(
        self,
        weights: Array,
        biases: Array,
        weight_grad: Array,
        bias_grad: Array,
        activation: Activation | None,
    ) -> None:
        self.W = weights
        self.b = biases
        self.dW = weight_grad
        self.db = bias_grad
        self.activation = activation
        self._x: Array | None = None
        self._z: Array | None = None
        self._a: Array | None = None

    @property
    def fan_in(self) -> int:
        return int(self.W.shape[0])

    @property
    def fan_out(self) -> int:
        return int(self.W.shape[1])

    @property
    def seen(self) -> tuple[Array, Array, Array]:
        """x, z and a of the last forward pass: what backward differentiates."""
        assert self._x is not None and self._z is not None and self._a is not None
        return self._x, self._z, self._a

    def __call__(self, x: Array) -> Array:
        z = np.dot(x, self.W)
        z += self.b
        act = self.activation
        a = z if act is None else act.f(z)
        self._x, self._z, self._a = x, z, a
        return a

    def forget(self) -> None:
        self._x = self._z = self._a = None

    def backward(self, d_out: Array, input_grad: bool = True) -> Array | None:
        """Fill dW and db from d(loss)/d(output); return d(loss)/d(input) if asked.

        ``d_out`` has shape (n, fan_out); the result has shape (n, fan_in).
        """
        assert self._x is not None and self._z is not None and self._a is not None
        act = self.activation
        if act is None or act.is_identity:
            d_z = d_out
        else:
            d_z = d_out * act.df(self._z, self._a)
        np.dot(self._x.T, d_z, out=self.dW)
        np.add.reduce(d_z, axis=0, out=self.db)
        return np.dot(d_z, self.W.T) if input_grad else None

    def __repr__(self) -> str:
        name = self.activation.name if self.activation is not None else "output"
        return f"Dense({self.fan_in} -> {self.fan_out}, {name})"
