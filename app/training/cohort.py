"""Training several sessions of one shape together: one NumPy call per layer for all of them.

A worker holds many sessions that share a network shape (a class on one lesson).
Stepped one by one, each batch costs a few dozen small NumPy calls per session,
and the calls' overhead, not the arithmetic, is where the time goes. Sessions
with equal ``cohort_key`` are stepped by ``train_together`` as one stack: their
parameters, optimizer state and batches stacked along a leading run axis, each
matrix product one ``matmul`` over the stack (the same BLAS call per run as alone).

Every run gets exactly the numbers ``Session.step`` gives it alone: each
operation acts on each run's rows as it would alone, the batch order comes
from the run's own generator, and each run's epoch ends (evaluation, history,
checkpoints, early stopping, divergence) are the session's own code, run with
its own state written back first.
"""

from __future__ import annotations

import copy
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.nn.arrays import Array
from app.nn.model import MLP
from app.nn.regularizers import REGULARIZERS
from app.training.session import MAX_STEPS, Session


def _penalty(session: Session) -> str:
    """The regularizer training applies: none at rate 0, as ``Session.step`` does."""
    reg = session.config.regularization
    return reg.kind if reg.rate > 0.0 else "none"


def cohort_key(session: Session) -> Hashable | None:
    """Sessions with equal keys can train together; None: this one trains alone (its epochs
    end on a short batch, which a stack of equal batches cannot hold)."""
    if session.n_train % session.batch_size != 0:
        return None
    m, loss, opt = session.model, session.loss, session.optimizer
    return (
        tuple(m.sizes),
        m.activation.name,
        session.config.leaky_slope,
        type(loss),
        loss.outputs,
        loss.head,
        type(opt),
        (opt.momentum, opt.beta1, opt.beta2, opt.rho, opt.epsilon),
        _penalty(session),
        session.n_train,
        session.batch_size,
    )


def train_together(sessions: Sequence[Session], batches: Sequence[int]) -> None:
    """Run ``batches[i]`` batches on ``sessions[i]`` (all with one cohort key), without evaluating
    afterwards: ``session.step(batches[i], "batch", evaluate=False)`` for each, in one stack."""
    if any(not 1 <= b <= MAX_STEPS for b in batches):
        raise ValueError(f"steps must be in 1..{MAX_STEPS}")
    for session in sessions:
        if session.halted:
            session.status, session.message = "ready", ""
    todo = sorted(zip(sessions, batches, strict=True), key=lambda pair: -pair[1])
    with np.errstate(all="ignore"):
        while todo:
            todo = _Stack([s for s, _ in todo]).run([b for _, b in todo])
    for session in sessions:
        session.model.forget()


class _Stack:
    """The runs' state stacked along axis 0; rows are written back to the sessions when they stop."""

    def __init__(self, sessions: list[Session]) -> None:
        self.sessions = sessions
        first = sessions[0]
        self.model, self.loss = first.model, first.loss
        self.params = np.stack([s.model.params for s in sessions])
        self.grads = np.zeros_like(self.params)
        self.xs = np.stack([s._xs for s in sessions])
        self.ts = np.stack([s._ts for s in sessions])
        self.cursor = np.array([s._cursor for s in sessions])
        self.trained = np.zeros(len(sessions), dtype=np.int64)
        slots = type(first.optimizer).slots
        self.state = {
            n: np.stack([s.optimizer.state.get(0, {}).get(n, self.grads[0]) for s in sessions]) for n in slots
        }
        self.steps = np.array([s.optimizer.steps for s in sessions], dtype=np.int64)
        self.base_lr = np.array([[s.config.optimizer.learning_rate] for s in sessions])
        self.rate = np.array([[s.config.regularization.rate] for s in sessions])
        self.scheduled = [i for i, s in enumerate(sessions) if s.schedule.name != "constant"]
        self.optimizer = copy.copy(first.optimizer)
        self.penalty = REGULARIZERS[_penalty(first)]
        self._active: _Views | None = None

    def run(self, batches: list[int]) -> list[tuple[Session, int]]:
        """Train until every run has done its batches, or one stops (diverged, stopped early):
        then the others' rows are written back and what is left of their work is returned."""
        remaining = np.array(batches)
        active = len(self.sessions)
        while active:
            stopped = self._step(active)
            remaining[:active] -= 1
            if stopped:
                self._write_back(range(len(self.sessions)), skip=stopped)
                return [
                    (s, int(r))
                    for i, (s, r) in enumerate(zip(self.sessions, remaining, strict=True))
                    if r > 0 and i not in stopped
                ]
            active = int(np.count_nonzero(remaining))  # a prefix: runs are sorted by their work
        self._write_back(range(len(self.sessions)))
        return []

    def _step(self, m: int) -> set[int]:
        """One batch for the first ``m`` runs; which of them stopped at its end."""
        sessions, cursor, model = self.sessions, self.cursor[:m], self.model
        n, bs = sessions[0].n_train, sessions[0].batch_size
        for i in np.flatnonzero(cursor == 0).tolist():
            s = sessions[i]
            s.begin_epoch()
            self.xs[i], self.ts[i] = s._xs, s._ts
        v = self._views(m)
        rows = cursor[:, None] + v.offsets
        seen = _forward(model, v.layers, self.xs[v.runs, rows])
        _backward(model, v.layers, seen, self.loss.gradient(seen[-1][2], self.ts[v.runs, rows]))
        params, grads, weights = v.params, v.grads, v.params[:, : model.n_weights]
        proximal = self.penalty.proximal
        if self.penalty.name != "none" and proximal is None:
            self.penalty.gradient(self.rate[:m], weights, grads[:, : model.n_weights])  # type: ignore[arg-type]
        lr = self._learning_rates(m)
        opt = self.optimizer
        opt.step([(params, grads)], lr)  # type: ignore[arg-type]
        if proximal is not None:
            proximal(opt.step_size(0, lr, slice(0, model.n_weights)) * self.rate[:m], weights)  # type: ignore[arg-type]
        self.trained[:m] += 1
        finite = np.isfinite(np.add.reduce(params, axis=1))
        cursor += bs
        ended = np.flatnonzero((cursor == n) | ~finite).tolist()
        stopped = set()
        for i in ended:
            self._write_back([i])
            if not sessions[i].end_batch(n, bool(finite[i])):
                stopped.add(i)
            self.cursor[i] = 0
        return stopped

    def _views(self, m: int) -> _Views:
        """The first ``m`` runs' rows and layers, and the optimizer pointed at them: made again
        only when the number of active runs changes, not on every step."""
        if self._active is None or self._active.params.shape[0] != m:
            params, grads = self.params[:m], self.grads[:m]
            bs = self.sessions[0].batch_size
            layers = _layer_views(self.model, params, grads)
            self._active = _Views(params, grads, layers, np.arange(m)[:, None], np.arange(bs))
            self.optimizer.state = {0: {name: stacked[:m] for name, stacked in self.state.items()}}
            self.optimizer.steps = self.steps[:m]
        return self._active

    def _learning_rates(self, m: int) -> Array:
        if not self.scheduled:
            return self.base_lr[:m]
        lr = self.base_lr[:m].copy()
        n = self.sessions[0].n_train
        for i in self.scheduled:
            if i < m:
                s = self.sessions[i]
                lr[i, 0] = s.schedule(s.config.optimizer.learning_rate, s.epoch + int(self.cursor[i]) / n)
        return lr

    def _write_back(self, runs: Sequence[int] | range, skip: set[int] | None = None) -> None:
        """Each run's row into its session, as if it had trained alone."""
        for i in runs:
            if skip and i in skip:
                continue
            s = self.sessions[i]
            s.model.params[:] = self.params[i]
            s.model.grads[:] = self.grads[i]
            if self.state:
                s.optimizer.state[0] = {name: stacked[i].copy() for name, stacked in self.state.items()}
            s.optimizer.steps = int(self.steps[i])
            s.step_count += int(self.trained[i])
            self.trained[i] = 0
            s._cursor = int(self.cursor[i])


_Layer = tuple[Array, Array, Array, Array]  # W (runs, in, out), b (runs, 1, out), dW, db (runs, out)


@dataclass(frozen=True)
class _Views:
    """Views of the active runs' stacked state, and the indices that gather their batches."""

    params: Array
    grads: Array
    layers: list[_Layer]
    runs: NDArray[np.intp]  # (runs, 1): each run's own row of the stacked data
    offsets: NDArray[np.intp]  # (batch,): a batch's rows after its cursor


def _layer_views(model: MLP, params: Array, grads: Array) -> list[_Layer]:
    """Per layer, views of the stacked parameters and gradients in each layer's shape."""
    m = params.shape[0]
    views = []
    for layer, (w, b) in zip(model.layers, model.layer_slices(), strict=True):
        shape = (m, layer.fan_in, layer.fan_out)
        views.append((params[:, w].reshape(shape), params[:, b][:, None, :], grads[:, w].reshape(shape), grads[:, b]))
    return views


def _forward(model: MLP, layers: list[_Layer], x: Array) -> list[tuple[Array, Array, Array]]:
    """Each layer's input, z and output, as ``Dense`` computes them, for every run at once."""
    act, last, seen = model.activation, len(layers) - 1, []
    for k, (w, b, _, _) in enumerate(layers):
        z = np.matmul(x, w)
        z += b
        a = z if k == last else act.f(z)
        seen.append((x, z, a))
        x = a
    return seen


def _backward(model: MLP, layers: list[_Layer], seen: list[tuple[Array, Array, Array]], d: Array) -> None:
    """Fill every run's gradient rows from d(loss)/d(scores), as ``Dense.backward`` does."""
    act, last = model.activation, len(layers) - 1
    for k in range(last, -1, -1):
        w, _, dw, db = layers[k]
        x, z, a = seen[k]
        d_z = d if k == last or act.is_identity else d * act.df(z, a)
        np.matmul(x.transpose(0, 2, 1), d_z, out=dw)
        np.add.reduce(d_z, axis=1, out=db)
        if k > 0:
            d = np.matmul(d_z, w.transpose(0, 2, 1))
