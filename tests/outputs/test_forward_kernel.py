"""The page's WebAssembly forward pass (static/wasm/forward.wat): built from its source, and
equal to the engine's layer in float32 for every activation it applies itself."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.nn.activations import ACTIVATIONS, leaky_relu

wasmtime = pytest.importorskip("wasmtime", reason="wasmtime is not installed (pip install '.[test]')")

WASM = Path(__file__).resolve().parents[2] / "static" / "wasm"
RUNNER = WASM.parent / "js" / "kernel.js"


def kernel_codes() -> dict[str, int]:
    """kernel.js's KERNEL_ACTIVATIONS: activation name -> the module's code."""
    block = re.search(r"^export const KERNEL_ACTIVATIONS = \{(.*?)\};", RUNNER.read_text(), re.S | re.M)
    assert block, "kernel.js has no KERNEL_ACTIVATIONS"
    return {name: int(code) for name, code in re.findall(r"(\w+): (\d+)", block.group(1))}


class Kernel:
    """The module in wasmtime, called as forward.js calls it."""

    def __init__(self) -> None:
        self.store = wasmtime.Store()
        module = wasmtime.Module(self.store.engine, (WASM / "forward.wasm").read_bytes())
        instance = wasmtime.Instance(self.store, module, [])
        exports: Any = instance.exports(self.store)
        self.memory = exports["memory"]
        self.dense_fn = exports["dense"]

    def dense(self, a: np.ndarray, w: np.ndarray, b: np.ndarray, code: int, slope: float = 0.0) -> np.ndarray:
        """a: (fan_in, n); w: (fan_in, fan_out); b: (fan_out,): z (fan_out, n) as the kernel makes it."""
        fan_in, n = a.shape
        fan_out = w.shape[1]
        parts = [a.astype(np.float32).ravel(), w.astype(np.float32).ravel(), b.astype(np.float32)]
        offsets = []
        at = 0
        for part in parts:
            offsets.append(at)
            at += -(-part.nbytes // 16) * 16
        out = at
        needed = out + fan_out * n * 4
        pages = self.memory.size(self.store)
        if needed > pages * 65536:
            self.memory.grow(self.store, -(-needed // 65536) - pages)
        for offset, part in zip(offsets, parts, strict=True):
            self.memory.write(self.store, part.tobytes(), offset)
        self.dense_fn(self.store, offsets[0], fan_in, offsets[1], offsets[2], out, fan_out, n, code, slope)
        raw = self.memory.read(self.store, out, needed)
        return np.frombuffer(bytes(raw), dtype=np.float32).reshape(fan_out, n)


@pytest.fixture(scope="module")
def kernel() -> Kernel:
    return Kernel()


def test_the_module_is_built_from_its_source() -> None:
    built = bytes(wasmtime.wat2wasm((WASM / "forward.wat").read_text()))
    assert built == (WASM / "forward.wasm").read_bytes(), "rebuild forward.wasm: see the command in forward.wat"


def test_every_kernel_activation_is_an_engine_activation() -> None:
    codes = kernel_codes()
    assert set(codes) <= set(ACTIVATIONS)
    assert sorted(codes.values()) == list(range(len(codes)))


@pytest.mark.parametrize("name", sorted(kernel_codes()))
def test_a_layer_equals_the_engines(kernel: Kernel, name: str) -> None:
    rng = np.random.default_rng(7)
    a = rng.normal(0, 3, (8, 400)).astype(np.float32)
    w = rng.normal(0, 1, (8, 6)).astype(np.float32)
    b = rng.normal(0, 1, 6).astype(np.float32)
    slope = 0.3
    mine = kernel.dense(a, w, b, kernel_codes()[name], slope)
    z = (w.T @ a + b[:, None]).astype(np.float32)
    row = leaky_relu(slope) if name == "leaky_relu" else ACTIVATIONS[name]
    expected = row.f(z).astype(np.float32)
    assert np.abs(mine - expected).max() <= 2e-6 * max(1.0, float(np.abs(expected).max()))


def test_values_saturate_and_nan_goes_low(kernel: Kernel) -> None:
    a = np.array([[1.0, 1.0, 1.0, 1.0]], dtype=np.float32)
    w = np.array([[1.0]], dtype=np.float32)
    for value, expected in [(3e38, 1e30), (-3e38, -1e30), (float("nan"), -1e30), (float("inf"), 1e30)]:
        out = kernel.dense(a, w, np.array([value], dtype=np.float32), 0)
        assert np.allclose(out, expected, rtol=1e-6), (value, out)
    tanh = kernel.dense(a, w, np.array([float("nan")], dtype=np.float32), kernel_codes()["tanh"])
    assert np.all(tanh == -1.0)


def test_tanh_over_its_whole_range(kernel: Kernel) -> None:
    z = np.linspace(-20, 20, 40_000, dtype=np.float32)[None, :]
    out = kernel.dense(z, np.ones((1, 1), np.float32), np.zeros(1, np.float32), kernel_codes()["tanh"])
    assert np.abs(out[0] - np.tanh(z[0].astype(np.float64))).max() < 5e-7
