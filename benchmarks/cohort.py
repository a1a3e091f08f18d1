"""Cohort benchmark: many same-shape sessions trained together, against each alone and against PyTorch.

What is measured
----------------
S sessions (S = 1, 10, 50, 100, 200; seeds 1..S), each 2-8-8-1 with tanh
hidden units and a sigmoid + binary cross-entropy output, on its "spiral"
dataset (500 points, 2 classes, 50% train split, so 250 training points),
batch 10, SGD with learning rate 0.03: 25 steps per epoch. Three ways of
training all S sessions E epochs each run in the same process, interleaved
repeat by repeat so that background load hits them alike:

   alone     each session in turn: ``Session.step(25 E, "batch", evaluate=False)``.
   together  ``train_together(sessions, [25 E] * S)``: the S runs as one stack,
             one ``np.matmul`` per layer and step for all of them.
   torch     PyTorch eager on the CPU, one thread, float64, doing the same
             stacked work: weights (S, in, out) and biases (S, 1, out),
             ``torch.baddbmm`` forward, BCE-with-logits (each run's batch mean,
             summed over runs), autograd backward, ``optim.SGD`` on the stacked
             tensors; each epoch a permutation per run, that run's rows gathered
             by it, batches sliced from the gathered rows.

Epoch ends are not alike. Ours (alone and together) include every session's
epoch ends: evaluation on all 500 points, the history record, the checkpoint,
the divergence check, as a session does them in real use. torch does no
per-epoch evaluation at all. So ours' microseconds per session-step and per
session-epoch include epoch ends and torch's do not; ``evaluate()`` of one
session is timed on its own and shown per session-epoch for scale.

Each sample times E epochs of all S sessions, E = ceil(session-epochs / S)
(at least 1) so that every S does about the same work per sample; the table
shows medians over repeats of microseconds per session-step (one batch of one
session) and per session-epoch, and the ratios alone/together (the speed-up
of training together) and torch/together, each the median over repeats of the
ratio within one repeat.

Before timing, for every S, one epoch of ``train_together`` on fresh sessions
must leave parameters bitwise equal to one epoch of each stepped alone, and
after timing both sets must still be equal: the benchmark fails otherwise.

How to run
----------
From the repository root::

    pip install -e ".[bench]"
    python benchmarks/cohort.py            # about a minute, a human-readable table
    python benchmarks/cohort.py --quick    # a few seconds: smoke run for CI
    python benchmarks/cohort.py --json     # table to stderr, one JSON object to stdout

Timings are wall-clock (``time.perf_counter``) with the garbage collector off
inside each timed block. On a busy machine absolute numbers drift; the
ratios, measured in the same run, are the numbers to watch. torch is
optional: without it its columns read "n/a".
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import math
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np
from engine import LEARNING_RATE, SAMPLES, environment, median_seconds, summarize, timed, torch

from app.training.cohort import cohort_key, train_together
from app.training.config import Config
from app.training.session import Session

HIDDEN = (8, 8)
BATCH = 10
WAYS = ("alone", "together", "torch")
Runner = Callable[[int], None]  # trains every session of the cohort this many more epochs


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...]
    session_epochs: int  # per sample: E = ceil(session_epochs / S) epochs of every session
    repeats: int
    evaluations: int

    def epochs(self, count: int) -> int:
        return max(1, math.ceil(self.session_epochs / count))


FULL = Settings(sizes=(1, 10, 50, 100, 200), session_epochs=100, repeats=7, evaluations=200)
QUICK = Settings(sizes=(1, 3), session_epochs=2, repeats=2, evaluations=5)


def make_sessions(count: int) -> list[Session]:
    sessions = [
        Session(
            Config.model_validate(
                {
                    "dataset": {"name": "spiral", "samples": SAMPLES},
                    "hidden_layers": list(HIDDEN),
                    "activation": "tanh",
                    "optimizer": {"name": "sgd", "learning_rate": LEARNING_RATE},
                    "batch_size": BATCH,
                    "seed": seed,
                }
            )
        )
        for seed in range(1, count + 1)
    ]
    if len({cohort_key(s) for s in sessions}) != 1 or cohort_key(sessions[0]) is None:
        raise AssertionError("the sessions do not form one cohort")
    return sessions


def assert_same(alone: Sequence[Session], together: Sequence[Session], steps: int) -> None:
    """Both sets did ``steps`` batches per session and hold bitwise-equal parameters."""
    for i, (a, t) in enumerate(zip(alone, together, strict=True)):
        if not (a.step_count == t.step_count == steps and np.array_equal(a.model.params, t.model.params)):
            raise AssertionError(f"session {i}: trained together it differs from trained alone after {steps} steps")


def alone_runner(sessions: Sequence[Session]) -> Runner:
    per_epoch = sessions[0].steps_per_epoch

    def run(epochs: int) -> None:
        for session in sessions:
            session.step(epochs * per_epoch, "batch", evaluate=False)

    return run


def together_runner(sessions: Sequence[Session]) -> Runner:
    per_epoch = sessions[0].steps_per_epoch

    def run(epochs: int) -> None:
        train_together(sessions, [epochs * per_epoch] * len(sessions))

    return run


def torch_runner(sessions: Sequence[Session], seed: int = 0) -> Runner | None:
    if torch is None:
        return None
    torch.set_num_threads(1)
    count, f64 = len(sessions), torch.float64
    generator = torch.Generator().manual_seed(seed)
    sizes = sessions[0].model.sizes
    params: list[Any] = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        w = (torch.rand(count, fan_in, fan_out, generator=generator, dtype=f64) * 2.0 - 1.0) * limit
        params += [w.requires_grad_(), torch.zeros(count, 1, fan_out, dtype=f64, requires_grad=True)]
    optimizer = torch.optim.SGD(params, lr=LEARNING_RATE)
    x_all = torch.from_numpy(np.stack([s.split.train_points for s in sessions]).astype(np.float64))
    y_all = torch.from_numpy(np.stack([s.split.train_labels for s in sessions]).astype(np.float64)[..., None])
    n, bs, last = x_all.shape[1], BATCH, len(params) // 2 - 1
    runs = torch.arange(count)[:, None]
    bce = torch.nn.functional.binary_cross_entropy_with_logits

    def step(xb: Any, yb: Any) -> None:
        optimizer.zero_grad()
        h = xb
        for k in range(last + 1):
            h = torch.baddbmm(params[2 * k + 1], h, params[2 * k])
            if k < last:
                h = torch.tanh(h)
        (bce(h, yb, reduction="sum") / bs).backward()  # each run's batch mean: its gradient is its own
        optimizer.step()

    def run(epochs: int) -> None:
        for _ in range(epochs):
            order = torch.argsort(torch.rand(count, n, generator=generator), dim=1)
            xs, ys = x_all[runs, order], y_all[runs, order]
            for c in range(0, n, bs):
                step(xs[:, c : c + bs], ys[:, c : c + bs])

    return run


def paired(numerator: list[float], denominator: list[float]) -> float:
    """Median over repeats of the ratio of two samples taken in the same repeat."""
    return statistics.median(a / b for a, b in zip(numerator, denominator, strict=True))


def bench_cohort(count: int, settings: Settings) -> dict[str, Any]:
    alone, together = make_sessions(count), make_sessions(count)
    per_epoch = alone[0].steps_per_epoch
    runners = {"alone": alone_runner(alone), "together": together_runner(together), "torch": torch_runner(together)}
    active = {name: run for name, run in runners.items() if run is not None}
    for run in active.values():
        run(1)  # the warm-up, and for ours the check that follows
    assert_same(alone, together, per_epoch)
    epochs = settings.epochs(count)
    samples: dict[str, list[float]] = {name: [] for name in active}
    for _ in range(settings.repeats):
        for name, run in active.items():
            seconds, _ = timed(functools.partial(run, epochs))
            samples[name].append(seconds / (count * epochs * per_epoch) * 1e6)
    assert_same(alone, together, (1 + settings.repeats * epochs) * per_epoch)
    ratios = {"alone/together": paired(samples["alone"], samples["together"])}
    if "torch" in samples:
        ratios["torch/together"] = paired(samples["torch"], samples["together"])
    return {
        "sessions": count,
        "epochs": epochs,
        "steps_per_epoch": per_epoch,
        "us_per_session_step": {name: summarize(values) for name, values in samples.items()},
        "us_per_session_epoch": {name: statistics.median(values) * per_epoch for name, values in samples.items()},
        "samples_us": samples,
        "ratios": ratios,
    }


def cell(values: dict[str, Any], name: str, width: int, key: str | None = None) -> str:
    if name not in values:
        return f"{'n/a':>{width}}"
    value = values[name] if key is None else values[name][key]
    return f"{value:>{width}.1f}" if value >= 10 else f"{value:>{width}.2f}"


def print_table(results: list[dict[str, Any]], evaluate_us: float, settings: Settings, out: TextIO) -> None:
    first = results[0]
    print(
        f"\n{'-'.join(str(s) for s in (2, *HIDDEN, 1))} tanh, batch {BATCH}, SGD {LEARNING_RATE}: "
        f"{first['steps_per_epoch']} steps/epoch; medians of {settings.repeats} repeats of "
        f"E epochs of every session",
        file=out,
    )
    print(f"  {'':>10}{'us per session-step':^30}{'us per session-epoch':^33}{'ratios':^24}", file=out)
    print(
        f"  {'S':>4}{'E':>6}"
        + "".join(f"{name:>10}" for name in WAYS)
        + "".join(f"{name:>11}" for name in WAYS)
        + f"{'alone/tog':>12}{'torch/tog':>12}",
        file=out,
    )
    for r in results:
        step, epoch, ratios = r["us_per_session_step"], r["us_per_session_epoch"], r["ratios"]
        print(
            f"  {r['sessions']:>4}{r['epochs']:>6}"
            + "".join(cell(step, name, 10, "median") for name in WAYS)
            + "".join(cell(epoch, name, 11) for name in WAYS)
            + cell(ratios, "alone/together", 12)
            + cell(ratios, "torch/together", 12),
            file=out,
        )
    print(
        f"  ours (alone, together) include each session's epoch ends (evaluation on all {SAMPLES} points, "
        f"history, checkpoint);\n  torch does no per-epoch evaluation. For scale: one session's evaluate() "
        f"alone takes {evaluate_us:.0f} us per session-epoch.",
        file=out,
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="two small cohorts, one epoch: a smoke run")
    parser.add_argument("--json", action="store_true", help="table to stderr, one JSON object to stdout")
    parser.add_argument("--repeats", type=int, help="timed repeats per way (default 7; quick 2)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    base = QUICK if args.quick else FULL
    settings = Settings(base.sizes, base.session_epochs, args.repeats or base.repeats, base.evaluations)
    out, env = sys.stderr if args.json else sys.stdout, environment()
    versions = f"python {env['python']}, numpy {env['numpy']}, torch {env['torch']}, {env['cpus']} CPUs"
    print(f"Cohort benchmark: {versions}{' (quick)' if args.quick else ''}", file=out)
    started = time.perf_counter()
    results = [bench_cohort(count, settings) for count in settings.sizes]
    evaluate_us = median_seconds(make_sessions(1)[0].evaluate, settings.evaluations) * 1e6
    print_table(results, evaluate_us, settings, out)
    elapsed = time.perf_counter() - started
    note = " (quick run: a smoke check, too short for the numbers to mean much)" if args.quick else ""
    print(f"\nTotal benchmark time {elapsed:.1f} s{note}", file=out)
    if args.json:
        settings_doc = vars(settings) | {"quick": args.quick}
        doc = {"environment": env, "settings": settings_doc, "cohorts": results, "evaluate_us": evaluate_us}
        print(json.dumps(doc | {"seconds": elapsed}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
