"""MLP: a stack of Dense layers over one flat parameter buffer.

All weights come first in ``params`` (layer by layer, row-major), then all
biases; ``grads`` has the same layout. Layers hold views into both, so an
optimizer step, a weight penalty or a finite check is one array operation
whatever the depth, which is what keeps small networks fast in NumPy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from app.nn.activations import LEAKY_SLOPE, get_activation
from app.nn.arrays import Array
from app.nn.inits import get_init
from app.nn.layers import Dense


class MLP:
    """inputs -> hidden layers (shared activation) -> raw output scores.

    ``sizes`` is [n_inputs, hidden..., n_outputs]; with no hidden layers the
    model is a linear (logistic / softmax) model. Calling it on x (n, n_inputs)
    returns scores (n, n_outputs); the loss applies sigmoid or softmax.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "tanh",
        init: str = "xavier",
        rng: np.random.Generator | None = None,
        leaky_slope: float = LEAKY_SLOPE,
    ) -> None:
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes must list at least inputs and outputs, all >= 1: {sizes}")
        self.sizes = [int(s) for s in sizes]
        self.activation = get_activation(activation, leaky_slope)
        shapes = list(zip(self.sizes[:-1], self.sizes[1:], strict=True))
        self.n_weights = sum(a * b for a, b in shapes)
        self.params = np.zeros(self.n_weights + sum(self.sizes[1:]))
        self.grads = np.zeros_like(self.params)
        self._pairs: list[tuple[Array, Array]] = [(self.params, self.grads)]
        self.layers: list[Dense] = []
        self._slices: list[tuple[slice, slice]] = []
        w_at, b_at = 0, self.n_weights
        for k, (fan_in, fan_out) in enumerate(shapes):
            w = slice(w_at, w_at + fan_in * fan_out)
            b = slice(b_at, b_at + fan_out)
            self._slices.append((w, b))
            hidden = k < len(shapes) - 1
            self.layers.append(
                Dense(
                    self.params[w].reshape(fan_in, fan_out),
                    self.params[b],
                    self.grads[w].reshape(fan_in, fan_out),
                    self.grads[b],
                    self.activation if hidden else None,
                )
            )
            w_at, b_at = w.stop, b.stop
        self.initialize(init, rng or np.random.default_rng(0))

    @property
    def weights(self) -> Array:
        """All weights (no biases) as one flat view."""
        return self.params[: self.n_weights]

    @property
    def weight_grads(self) -> Array:
        return self.grads[: self.n_weights]

    def initialize(self, init: str, rng: np.random.Generator) -> None:
        """Draw new weights in place; biases start at zero."""
        draw = get_init(init).draw
        self.params[:] = 0.0
        for layer in self.layers:
            layer.W[:] = draw(rng, layer.fan_in, layer.fan_out)

    def __call__(self, x: Array) -> Array:
        for layer in self.layers:
            x = layer(x)
        return x

    def scores(self, x: Array) -> Array:
        """The same numbers as ``self(x)`` without keeping each layer's inputs and outputs: an
        evaluation of thousands of points would otherwise hold points x units x 2 floats per layer."""
        for layer in self.layers:
            z = np.dot(x, layer.W)
            z += layer.b
            x = z if layer.activation is None else layer.activation.f(z)
        return x

    def forget(self) -> None:
        """Drop what the last forward pass kept for backward (after a pass over many points)."""
        for layer in self.layers:
            layer.forget()

    def backward(self, d_scores: Array) -> None:
        """Fill ``grads`` from d(loss)/d(scores) of the last call, shape (n, n_outputs)."""
        d = d_scores
        last = len(self.layers) - 1
        for k in range(last, -1, -1):
            d = self.layers[k].backward(d, input_grad=k > 0)  # type: ignore[assignment]

    def parameters(self) -> list[tuple[Array, Array]]:
        """(parameter, gradient) pairs for an optimizer: one flat pair."""
        return self._pairs

    def layer_slices(self) -> list[tuple[slice, slice]]:
        """Per layer, where its weights (row-major) and its biases sit in ``params`` and ``grads``."""
        return self._slices

    def zero_grad(self) -> None:
        self.grads[:] = 0.0

    def activations(self, x: NDArray[np.floating], dtype: type = np.float32) -> list[NDArray[np.floating]]:
        """Every layer's output for points x, in ``dtype`` and without touching caches.

        Returns one (n, units) array per hidden layer, then the raw scores.
        Maps use float32: tanh and exp vectorise far better there.
        """
        out: list[NDArray[np.floating]] = []
        a: NDArray[np.floating] = x.astype(dtype, copy=False)
        act = self.activation.f
        with np.errstate(over="ignore", invalid="ignore"):  # huge weights saturate; nothing to report
            for k, layer in enumerate(self.layers):
                z = np.dot(a, layer.W.astype(dtype))
                z += layer.b.astype(dtype)
                a = act(z) if k < len(self.layers) - 1 else z
                out.append(a)
        return out

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(repr(layer) for layer in self.layers)}]"
