"""Engine benchmark: the cost of one training step and of one rendered frame.

What is measured
----------------
1. One training step (one SGD minibatch update, learning rate 0.03, no
   momentum) on the "spiral" dataset (500 points, 2 classes, 50% train split,
   so 250 training points), tanh hidden units, sigmoid + binary cross-entropy
   output, for two networks: 2-8-8-1 with batch 10 and 2-16-16-16-1 with
   batch 32. Four implementations run in the same process, interleaved
   repeat by repeat so that background load hits them alike:

   ours     ``Session.step(E, "epoch")``: whole epochs, so the per-epoch
            train/test evaluation (``Session.evaluate`` over all 500 points),
            the finite check and the history record are included, as in real use.
   floor    a bare hand-written NumPy loop: separate W/b arrays per layer,
            ``x @ W + b``, np.tanh, sigmoid output, gradient (p - y) / n,
            backward, ``W -= lr * dW`` per array, batches from a per-epoch
            permutation. No evaluation: the least a NumPy engine can do.
   torch    PyTorch eager on the CPU, one thread, float64: nn.Sequential,
            BCEWithLogitsLoss, optim.SGD, zero_grad/backward/step per batch.
   sklearn  MLPClassifier(solver="sgd", momentum=0, alpha=0, constant rate)
            fit for E epochs; per-step time = fit time / (E * batches per epoch).

   Each is warmed up, then timed ``repeats`` (10) times over ``epochs`` (100)
   epochs; the table shows the median (and min) microseconds per step and the
   ratios ours/floor (target <= 2), torch/ours (target >= 5) and sklearn/ours
   (target >= 3). A ratio is the median over repeats of the ratio of the two
   engines' samples in the same repeat (min/min is shown beside it). The
   amortised share of the per-epoch evaluation in "ours" is shown too.

2. One frame for 2-8-8-1 on the same session, as the server sends it:
   ``output_map(100).encode("uint8")`` + ``neuron_maps(20)`` + ``evaluate()``,
   median milliseconds per frame (target <= 1.5 ms) and per part.

How to run
----------
From the repository root::

    pip install -e ".[bench]"
    python benchmarks/engine.py            # ~1 minute, human-readable tables
    python benchmarks/engine.py --quick    # a few seconds: smoke run for CI
    python benchmarks/engine.py --json     # tables to stderr, one JSON object to stdout

Timings are wall-clock (``time.perf_counter``) with the garbage collector off
inside each timed block. On a busy machine absolute numbers drift; the
ratios, measured in the same run, are the numbers to watch. torch and
scikit-learn are optional: without them their rows read "n/a".
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib.util
import itertools
import json
import math
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TextIO, TypeVar

import numpy as np
from numpy.typing import NDArray

if importlib.util.find_spec("app") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.outputs.maps import session_map, session_neuron_maps
from app.training.config import Config
from app.training.session import Session


def optional(module: str) -> Any:
    """An optional module of the bench extra, or None where it is not installed."""
    try:
        return importlib.import_module(module)
    except ImportError:  # pragma: no cover - optional bench dependency
        return None


torch = optional("torch")
sklearn_nn = optional("sklearn.neural_network")

Array = NDArray[np.float64]
T = TypeVar("T")
Runner = Callable[[int], int]  # runs this many epochs, returns the number of steps taken

LEARNING_RATE = 0.03
SAMPLES = 500
ENGINES = ("ours", "floor", "torch", "sklearn")
FRAME_TARGET_MS = 1.5


@dataclass(frozen=True)
class Network:
    hidden: tuple[int, ...]
    batch: int

    @property
    def name(self) -> str:
        return "-".join(str(s) for s in (2, *self.hidden, 1))


@dataclass(frozen=True)
class Target:
    """A ratio ``numerator / denominator`` that should be <= or >= ``bound``."""

    numerator: str
    denominator: str
    op: Literal["<=", ">="]
    bound: float

    def check(self, value: float) -> bool:
        return value <= self.bound if self.op == "<=" else value >= self.bound


@dataclass(frozen=True)
class Settings:
    epochs: int
    repeats: int
    warmup_epochs: int
    frames: int


NETWORKS = (Network((8, 8), 10), Network((16, 16, 16), 32))
TARGETS = (
    Target("ours", "floor", "<=", 2.0),
    Target("torch", "ours", ">=", 5.0),
    Target("sklearn", "ours", ">=", 3.0),
)
FULL = Settings(epochs=100, repeats=10, warmup_epochs=20, frames=300)
QUICK = Settings(epochs=5, repeats=2, warmup_epochs=2, frames=20)


@dataclass(frozen=True)
class Data:
    x: Array  # (n, 2) training points
    y: Array  # (n, 1) 0/1 targets
    labels: NDArray[np.int64]  # (n,) class ids


# ---- helpers --------------------------------------------------------------------------


@contextmanager
def gc_paused() -> Iterator[None]:
    """Collect once, then keep the garbage collector off for the block."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Seconds taken by one call of ``fn`` (garbage collector paused), and its result."""
    with gc_paused():
        start = time.perf_counter()
        result = fn()
        return time.perf_counter() - start, result


def make_session(net: Network) -> Session:
    return Session(
        Config.model_validate(
            {
                "dataset": {"name": "spiral", "samples": SAMPLES},
                "hidden_layers": list(net.hidden),
                "activation": "tanh",
                "optimizer": {"name": "sgd", "learning_rate": LEARNING_RATE},
                "batch_size": net.batch,
            }
        )
    )


def session_data(session: Session) -> Data:
    split = session.split
    x = np.ascontiguousarray(split.train_points, dtype=np.float64)
    labels = np.asarray(split.train_labels, dtype=np.int64)
    return Data(x, labels.astype(np.float64).reshape(-1, 1), labels)


def batches_per_epoch(n: int, batch: int) -> int:
    return math.ceil(n / min(batch, n))


# ---- the four engines -----------------------------------------------------------------


def ours_runner(session: Session) -> Runner:
    def run(epochs: int) -> int:
        before = session.step_count
        session.step(epochs, "epoch")
        if session.status == "diverged":
            raise RuntimeError(f"our session diverged: {session.message}")
        return session.step_count - before

    return run


def floor_runner(net: Network, data: Data, seed: int = 0) -> Runner:
    rng = np.random.default_rng(seed)
    sizes = (data.x.shape[1], *net.hidden, 1)
    weights: list[Array] = []
    biases: list[Array] = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        weights.append(rng.uniform(-limit, limit, size=(fan_in, fan_out)))
        biases.append(np.zeros(fan_out))
    x_all, y_all, n, bs = data.x, data.y, data.x.shape[0], net.batch

    def step(xb: Array, yb: Array) -> None:
        acts = [xb]
        a = xb
        for w, b in zip(weights[:-1], biases[:-1], strict=True):
            a = np.tanh(a @ w + b)
            acts.append(a)
        z = a @ weights[-1] + biases[-1]
        p = 1.0 / (1.0 + np.exp(-z))
        d = (p - yb) / xb.shape[0]
        for k in range(len(weights) - 1, -1, -1):
            dw = acts[k].T @ d
            db = d.sum(axis=0)
            if k > 0:
                d = (d @ weights[k].T) * (1.0 - acts[k] * acts[k])
            weights[k] -= LEARNING_RATE * dw
            biases[k] -= LEARNING_RATE * db

    def run(epochs: int) -> int:
        steps = 0
        for _ in range(epochs):
            order = rng.permutation(n)
            xs, ys = x_all[order], y_all[order]
            for c in range(0, n, bs):
                step(xs[c : c + bs], ys[c : c + bs])
                steps += 1
        return steps

    return run


def torch_runner(net: Network, data: Data, seed: int = 0) -> Runner | None:
    if torch is None:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    sizes = (data.x.shape[1], *net.hidden, 1)
    layers: list[Any] = []
    for k, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        layers.append(torch.nn.Linear(fan_in, fan_out))
        if k < len(sizes) - 2:
            layers.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*layers).double()
    loss_fn = torch.nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    x_all = torch.from_numpy(data.x)
    y_all = torch.from_numpy(data.y)
    n, bs = x_all.shape[0], net.batch
    generator = torch.Generator().manual_seed(seed)

    def run(epochs: int) -> int:
        steps = 0
        for _ in range(epochs):
            order = torch.randperm(n, generator=generator)
            xs, ys = x_all[order], y_all[order]
            for c in range(0, n, bs):
                optimizer.zero_grad()
                loss = loss_fn(model(xs[c : c + bs]), ys[c : c + bs])
                loss.backward()
                optimizer.step()
                steps += 1
        return steps

    return run


def sklearn_runner(net: Network, data: Data, seed: int = 0) -> Runner | None:
    if sklearn_nn is None:
        return None
    per_epoch = batches_per_epoch(data.x.shape[0], net.batch)

    def run(epochs: int) -> int:
        clf = sklearn_nn.MLPClassifier(
            hidden_layer_sizes=net.hidden,
            activation="tanh",
            solver="sgd",
            learning_rate_init=LEARNING_RATE,
            momentum=0.0,
            nesterovs_momentum=False,
            batch_size=net.batch,
            alpha=0.0,
            learning_rate="constant",
            shuffle=True,
            max_iter=epochs,
            tol=0.0,
            n_iter_no_change=10**9,
            early_stopping=False,
            random_state=seed,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", importlib.import_module("sklearn.exceptions").ConvergenceWarning)
            clf.fit(data.x, data.labels)
        return int(clf.n_iter_) * per_epoch

    return run


# ---- measurement ----------------------------------------------------------------------


def measure_steps(runners: dict[str, Runner | None], settings: Settings) -> dict[str, list[float]]:
    """Microseconds per step for each runner, one sample per repeat, interleaved."""
    active = {name: run for name, run in runners.items() if run is not None}
    for run in active.values():
        run(settings.warmup_epochs)
    samples: dict[str, list[float]] = {name: [] for name in active}
    for _ in range(settings.repeats):
        for name, run in active.items():
            seconds, steps = timed(functools.partial(run, settings.epochs))
            samples[name].append(seconds / steps * 1e6)
    return samples


def median_seconds(fn: Callable[[], object], count: int) -> float:
    """Median seconds per call of ``fn`` over ``count`` calls (one gc pause for all)."""
    fn()
    times: list[float] = []
    with gc_paused():
        for _ in range(count):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def summarize(samples: list[float]) -> dict[str, float]:
    return {"median": statistics.median(samples), "min": min(samples)}


def ratio_results(samples: dict[str, list[float]]) -> list[dict[str, Any]]:
    """Each target's ratio: the median over repeats of the ratio within a repeat.

    Within one repeat the engines run back to back, so a ratio of paired
    samples sees the same background load; ``of_min`` is min / min for reference.
    """
    out: list[dict[str, Any]] = []
    for t in TARGETS:
        value = of_min = None
        if t.numerator in samples and t.denominator in samples:
            num, den = samples[t.numerator], samples[t.denominator]
            value = statistics.median(a / b for a, b in zip(num, den, strict=True))
            of_min = min(num) / min(den)
        out.append(
            {
                "name": f"{t.numerator}/{t.denominator}",
                "value": value,
                "of_min": of_min,
                "op": t.op,
                "target": t.bound,
                "pass": None if value is None else t.check(value),
            }
        )
    return out


def bench_network(net: Network, settings: Settings) -> tuple[dict[str, Any], Session]:
    session = make_session(net)
    data = session_data(session)
    runners: dict[str, Runner | None] = {
        "ours": ours_runner(session),
        "floor": floor_runner(net, data),
        "torch": torch_runner(net, data),
        "sklearn": sklearn_runner(net, data),
    }
    samples = measure_steps(runners, settings)
    stats = {name: summarize(values) for name, values in samples.items()}
    per_epoch = batches_per_epoch(data.x.shape[0], net.batch)
    eval_us = median_seconds(session.evaluate, max(20, settings.frames)) * 1e6
    result = {
        "network": net.name,
        "batch": net.batch,
        "train_points": int(data.x.shape[0]),
        "steps_per_epoch": per_epoch,
        "us_per_step": stats,
        "samples_us": samples,
        "evaluate_us": eval_us,
        "evaluate_us_per_step": eval_us / per_epoch,
        "ratios": ratio_results(samples),
    }
    return result, session


def bench_frame(session: Session, settings: Settings) -> dict[str, Any]:
    parts: dict[str, Callable[[], object]] = {
        "output_map": lambda: session_map(session, 100).encode("uint8"),
        "neuron_maps": lambda: session_neuron_maps(session, 20),
        "evaluate": session.evaluate,
    }
    for fn in parts.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in (*parts, "frame")}
    with gc_paused():
        for _ in range(settings.frames):
            start = time.perf_counter()
            for name, fn in parts.items():
                t0 = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t0)
            times["frame"].append(time.perf_counter() - start)
    ms = {name: statistics.median(values) * 1e3 for name, values in times.items()}
    return {
        "network": session.config.hidden_layers,
        "frames": settings.frames,
        "median_ms": ms,
        "min_frame_ms": min(times["frame"]) * 1e3,
        "target_ms": FRAME_TARGET_MS,
        "pass": ms["frame"] <= FRAME_TARGET_MS,
    }


# ---- reporting ------------------------------------------------------------------------


def mark(passed: bool | None) -> str:
    return "n/a" if passed is None else ("PASS" if passed else "MISS")


LABELS = {
    "ours": "ours (Session.step)",
    "floor": "floor (bare NumPy)",
    "torch": "torch eager, 1 thread",
    "sklearn": "sklearn MLPClassifier",
}


def print_network(result: dict[str, Any], settings: Settings, out: TextIO) -> None:
    print(
        f"\n{result['network']}, batch {result['batch']}: {result['train_points']} training points, "
        f"{result['steps_per_epoch']} steps/epoch, {settings.repeats} x {settings.epochs} epochs",
        file=out,
    )
    print(f"  {'engine':<24}{'median us/step':>15}{'min':>10}", file=out)
    stats = result["us_per_step"]
    for name in ENGINES:
        if name in stats:
            s = stats[name]
            print(f"  {LABELS[name]:<24}{s['median']:>15.1f}{s['min']:>10.1f}", file=out)
        else:
            print(f"  {LABELS[name]:<24}{'n/a':>15}", file=out)
    share = result["evaluate_us_per_step"]
    ours = stats["ours"]["median"]
    print(
        f"  ours includes the per-epoch evaluate() ({result['evaluate_us']:.1f} us/epoch = "
        f"{share:.1f} us/step, {share / ours:.0%}); ours without it ~ {ours - share:.1f} us/step",
        file=out,
    )
    print(f"  {'ratio':<16}{'paired median':>14}{'min/min':>10}", file=out)
    for r in result["ratios"]:
        value = "n/a" if r["value"] is None else f"{r['value']:.2f}"
        of_min = "n/a" if r["of_min"] is None else f"{r['of_min']:.2f}"
        target = f"target {r['op']} {r['target']:g}"
        print(f"  {r['name']:<16}{value:>14}{of_min:>10}   {target:<13} {mark(r['pass'])}", file=out)


def print_frame(frame: dict[str, Any], out: TextIO) -> None:
    ms = frame["median_ms"]
    net = "-".join(str(s) for s in (2, *frame["network"], 1))
    print(f"\nFrame for {net} (median of {frame['frames']} frames)", file=out)
    print(f"  output_map(100).encode('uint8') {ms['output_map']:8.3f} ms", file=out)
    print(f"  neuron_maps(20)                 {ms['neuron_maps']:8.3f} ms", file=out)
    print(f"  evaluate()                      {ms['evaluate']:8.3f} ms", file=out)
    print(
        f"  frame                           {ms['frame']:8.3f} ms   (min {frame['min_frame_ms']:.3f})   "
        f"target <= {frame['target_ms']:g} ms {mark(frame['pass'])}",
        file=out,
    )


def environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": None if torch is None else torch.__version__,
        "sklearn": None if sklearn_nn is None else importlib.import_module("sklearn").__version__,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few epochs and frames: a smoke run")
    parser.add_argument("--json", action="store_true", help="tables to stderr, one JSON object to stdout")
    parser.add_argument("--epochs", type=int, help="epochs per timed repeat (default 100; quick 5)")
    parser.add_argument("--repeats", type=int, help="timed repeats per engine (default 10; quick 2)")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    base = QUICK if args.quick else FULL
    return Settings(
        epochs=args.epochs or base.epochs,
        repeats=args.repeats or base.repeats,
        warmup_epochs=base.warmup_epochs,
        frames=base.frames,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = settings_from(args)
    out = sys.stderr if args.json else sys.stdout
    env = environment()
    print(
        f"Engine benchmark: python {env['python']}, numpy {env['numpy']}, torch {env['torch']}, "
        f"sklearn {env['sklearn']}, {env['cpus']} CPUs{' (quick)' if args.quick else ''}",
        file=out,
    )
    started = time.perf_counter()
    networks: list[dict[str, Any]] = []
    sessions: list[Session] = []
    for net in NETWORKS:
        result, session = bench_network(net, settings)
        networks.append(result)
        sessions.append(session)
        print_network(result, settings, out)
    frame = bench_frame(sessions[0], settings)  # the 2-8-8-1 session, after its training
    print_frame(frame, out)
    if args.quick:
        print("\n(quick run: a smoke check; too short for the targets to mean much)", file=out)
    elapsed = time.perf_counter() - started
    print(f"\nTotal benchmark time {elapsed:.1f} s", file=out)
    if args.json:
        doc = {
            "environment": env,
            "settings": vars(settings) | {"quick": args.quick},
            "networks": networks,
            "frame": frame,
            "seconds": elapsed,
        }
        print(json.dumps(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
