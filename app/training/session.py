"""Session: one training run built from a Config, stepped by batches or epochs.

A session owns its data split, model, loss, optimizer and schedule, the step
and epoch counters and the per-epoch history. It knows nothing of the web:
the server wraps it with locks and streams its frames.

Reproducibility: the data come from the data seed, the weights and batch
order from the run seed, each through its own SeedSequence stream, so the
same config gives bit-identical numbers. A run that diverges goes back to its
last healthy evaluation (see app.training.divergence); one that early stopping
ends goes back to its best epoch (see app.training.early_stopping).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

from app.nn import regularizers
from app.nn.arrays import Array
from app.nn.diagnostics import LayerHealth, layer_health
from app.nn.features import feature_matrix
from app.nn.losses import make_loss
from app.nn.model import MLP
from app.training import early_stopping
from app.training.checkpoints import HEALTH_EVERY, Checkpoint, Checkpoints, HealthRecord, ranked_by
from app.training.config import Config, RegularizationConfig, rebuild_needed
from app.training.divergence import WEIGHTS_NOT_FINITE, Snapshot, Watch, diverged_message, loss_ceiling
from app.training.errors import FieldError
from app.training.evaluation import EvaluationSets, measure
from app.training.history import History, Record, Thinned
from app.training.knobs import live_settings
from app.training.metrics import Metrics, SessionState, Status
from app.training.split import Split, load_split

Unit = Literal["batch", "epoch"]

MAX_STEPS = 100_000


class Session:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.status: Status = "ready"
        self.message = ""
        self._build()

    def _build(self) -> None:
        cfg = self.config
        self.split: Split = load_split(cfg.dataset, cfg.data_seed)
        self.features = tuple(cfg.features)
        self.loss = make_loss(cfg.loss, cfg.task, cfg.classes)
        self._sets = EvaluationSets.of(self.split, lambda p: feature_matrix(self.features, p), self.loss)
        self._x_train, self._t_train = self._sets.x_train, self._sets.t_train
        self.model = MLP(
            [len(self.features), *cfg.hidden_layers, self.loss.outputs],
            activation=cfg.activation,
            leaky_slope=cfg.leaky_slope,
            init=cfg.init,
            rng=np.random.default_rng(np.random.SeedSequence([cfg.seed, 2])),
        )
        self._init_params: Array = self.model.params.copy()
        self._apply_live_settings()
        self._restart()

    def _apply_live_settings(self) -> None:
        self.optimizer, self.schedule = live_settings(self.config, None)

    def _restart(self) -> None:
        """Counters, history, batch order and optimizer back to the start."""
        self.model.params[:] = self._init_params
        self.optimizer.reset()
        self._batch_rng = np.random.default_rng(np.random.SeedSequence([self.config.seed, 3]))
        self.epoch = 0
        self.step_count = 0
        self._cursor = 0
        self._xs = self._x_train
        self._ts = self._t_train
        self.history = History()
        self.schedule.replay(())
        self.health: Thinned[HealthRecord] = Thinned(500)
        self.status = "ready"
        self.message = ""
        self.metrics = self.evaluate()
        zero = np.zeros((self.n_train, self.loss.outputs))
        self._watch = Watch(loss_ceiling(self.metrics.train_loss, self.loss.value(zero, self._t_train)))
        self._snapshot = self._take_snapshot()
        self.checkpoints = Checkpoints(self._checkpoint())

    def reset(self) -> None:
        """The weights the run started with, and the same data: as if just created."""
        self._restart()

    def reconfigure(self, config: Config) -> bool:
        """Switch to ``config``; returns True when the model (and data) were rebuilt.

        Optimizer knobs, schedule, regularization and batch size apply live and
        keep the weights; anything else builds the run afresh. All or nothing: the
        new state is built whole before it replaces this one, so a failure leaves
        the session exactly as it was.
        """
        if rebuild_needed(self.config, config):
            vars(self).update(vars(Session(config)))
            return True
        optimizer, schedule = live_settings(config, self.optimizer)
        # The penalty (and so the reported objective) depends on the live settings.
        metrics = self.evaluate(config.regularization)
        schedule.replay(map(early_stopping.monitored_loss, self.history.records))
        self.config, self.optimizer, self.schedule, self.metrics = config, optimizer, schedule, metrics
        return False

    @property
    def n_train(self) -> int:
        return int(self._x_train.shape[0])

    @property
    def batch_size(self) -> int:
        return min(self.config.batch_size, self.n_train)

    @property
    def steps_per_epoch(self) -> int:
        return -(-self.n_train // self.batch_size)

    @property
    def learning_rate(self) -> float:
        return self.schedule(self.config.optimizer.learning_rate, self.epoch + self._cursor / self.n_train)

    def batches_for_epochs(self, epochs: int) -> int:
        """Batches that end ``epochs`` more epochs, the first finishing the one under way."""
        return -(-(self.n_train - self._cursor) // self.batch_size) + (epochs - 1) * self.steps_per_epoch

    def step(self, steps: int = 1, unit: Unit = "batch", evaluate: bool = True) -> None:
        """Run ``steps`` batches, or until ``steps`` more epochs have ended.

        Stops early if the run diverges. Metrics are fresh afterwards, unless
        ``evaluate`` is False: then they are as of the last epoch's end (the
        server's play loop trains in small pieces and needs no more).
        """
        if not 1 <= steps <= MAX_STEPS:
            raise ValueError(f"steps must be in 1..{MAX_STEPS}")
        if self.halted:
            self.status, self.message = "ready", ""
        # Overflow on the way to divergence is expected and handled; keep it off the console.
        with np.errstate(all="ignore"):
            trained = self._run(self.batches_for_epochs(steps) if unit == "epoch" else steps)
        self.model.forget()  # a full batch's caches are as large as the data: none are kept between steps
        if trained and evaluate:
            self.refresh()

    def refresh(self) -> None:
        """Fresh metrics now, if the run stopped mid-epoch (epoch ends evaluate anyway)."""
        if self._cursor != 0:
            with np.errstate(all="ignore"):
                self._record(append=False)

    def _run(self, count: int) -> bool:
        """Train ``count`` batches; False if the run diverged."""
        model, loss, optimizer = self.model, self.loss, self.optimizer
        params, pairs = model.params, model.parameters()
        weights, weight_grads = model.weights, model.weight_grads
        reg = self.config.regularization
        reg_kind = reg.kind if reg.rate > 0.0 else "none"
        proximal, weight_part = reg_kind != "none" and regularizers.is_proximal(reg_kind), slice(0, model.n_weights)
        base_lr = self.config.optimizer.learning_rate
        schedule = self.schedule
        scheduled = schedule.name != "constant"
        n, bs = self.n_train, self.batch_size
        isfinite, total = math.isfinite, np.add.reduce
        for _ in range(count):
            c = self._cursor
            if c == 0:
                self.begin_epoch()
            e = c + bs
            model.backward(loss.gradient(model(self._xs[c:e]), self._ts[c:e]))
            if reg_kind != "none":
                regularizers.add_descent_gradient(reg_kind, reg.rate, weights, weight_grads)
            lr = schedule(base_lr, self.epoch + c / n) if scheduled else base_lr
            optimizer.step(pairs, lr)
            if proximal:
                regularizers.proximal_step(reg_kind, reg.rate, optimizer.step_size(0, lr, weight_part), weights)
            self.step_count += 1
            if not self.end_batch(e, isfinite(total(params))):
                return False
        return True

    def begin_epoch(self) -> None:
        """A new batch order for the epoch about to start."""
        order = self._batch_rng.permutation(self.n_train)
        self._xs, self._ts = self._x_train[order], self._t_train[order]

    def end_batch(self, end: int, finite: bool) -> bool:
        """After the batch that ended at row ``end`` of the epoch's order (``finite``: whether all
        weights still are): move on, and at an epoch's end evaluate. False when training must stop
        there (diverged, or stopped early)."""
        if not finite:
            self._diverge(WEIGHTS_NOT_FINITE)
            return False
        if end < self.n_train:
            self._cursor = end
            return True
        self._cursor = 0
        self.epoch += 1
        return self._record(append=True) and not self._stopped_early()

    def _record(self, append: bool) -> bool:
        """Evaluate; roll back if diverged, keep a snapshot if healthy. Appends to history at epoch ends."""
        metrics = self.evaluate()
        why = self._watch.failure(metrics, epoch_end=append)
        if why is not None:
            self._diverge(why)
            return False
        self.metrics = metrics
        if self._watch.healthy(metrics):
            self._snapshot = self._take_snapshot()
        if append:
            self.schedule.observe(early_stopping.monitored_loss(metrics))
            self._log_epoch()
            self.history.add(
                Record(
                    epoch=self.epoch,
                    step=self.step_count,
                    **vars(metrics),
                    learning_rate=self.learning_rate,
                )
            )
        return True

    def _stopped_early(self) -> bool:
        """At an epoch's end: if the validation loss has waited too long, go back to its best."""
        why = early_stopping.verdict(self.config.early_stopping, self.epoch, self.checkpoints.best)
        if why is not None:
            self.go_back(None)
            self.status, self.message = "stopped", why
        return why is not None

    @property
    def halted(self) -> bool:
        """Whether the run stopped by itself (diverged, or early stopping): playing ends."""
        return self.status in ("diverged", "stopped")

    def _checkpoint(self) -> Checkpoint:
        return Checkpoint(
            self.epoch,
            self.step_count,
            self.model.params.copy(),
            self.metrics,
            self.optimizer.state_dict(),
            dict(self._batch_rng.bit_generator.state),
        )

    def _log_epoch(self) -> None:
        """At an epoch's end: the best weights so far, a checkpoint, gradient health."""
        self.checkpoints.epoch_ended(self.epoch, self.metrics, self._checkpoint)
        if self.epoch % HEALTH_EVERY == 0 and self.health.wants(self.epoch):
            self.health.add(HealthRecord(self.epoch, self.layer_health()))

    def layer_health(self) -> list[LayerHealth]:
        """Per layer: gradient norms of the full training objective, dead or saturated units."""
        self.full_gradient()
        return layer_health(self.model, self._x_train)

    def go_back(self, epoch: int | None = None) -> None:
        """Continue from a checkpoint (or, with None, the epoch with the lowest validation loss,
        or test loss without a validation set; the message says which).

        Later history, checkpoints and health go; with the settings unchanged the
        run then repeats exactly what it did before.
        """
        target = self.checkpoints.best if epoch is None else self.checkpoints.at(epoch)
        if target is None:
            what = "no epoch with a test loss yet" if epoch is None else f"no checkpoint at epoch {epoch}"
            raise FieldError(("epoch",), what)
        why = "" if epoch is not None else f"restored epoch {target.epoch}, the lowest {ranked_by(target.metrics)} loss"
        self._rewind(Snapshot(target.params, target.metrics, target.epoch, target.step, 0))
        self.optimizer.load_state_dict(target.optimizer)
        self._batch_rng.bit_generator.state = target.batch_rng
        self.checkpoints.rewind(target)
        self.status, self.message = "ready", why
        self._snapshot = self._take_snapshot()

    def evaluate(self, reg: RegularizationConfig | None = None) -> Metrics:
        """Loss, accuracy and penalty on each set at the current weights (penalty: ``reg`` or the config's)."""
        reg = self.config.regularization if reg is None else reg
        return measure(self.model, self.loss, self._sets, self.config.task == "classification", reg)

    def _take_snapshot(self) -> Snapshot:
        return Snapshot(self.model.params.copy(), self.metrics, self.epoch, self.step_count, self._cursor)

    def _rewind(self, to: Snapshot) -> None:
        """Weights, metrics and counters as at ``to``; later history and health go, the schedule follows."""
        self.model.params[:] = to.params
        self.metrics = to.metrics
        self.epoch, self.step_count, self._cursor = to.epoch, to.step, to.cursor
        self.history.truncate_after(to.epoch)
        self.health.truncate_after(to.epoch)
        self.schedule.replay(map(early_stopping.monitored_loss, self.history.records))
        self._watch.clear()

    def _diverge(self, why: str) -> None:
        failed_epoch, failed_step = self.epoch, self.step_count
        self._rewind(self._snapshot)
        self.optimizer.reset()
        self.checkpoints.truncate_after(self.epoch)  # epochs spent above the ceiling
        self.status = "diverged"
        self.message = diverged_message(failed_epoch, failed_step, why, self.epoch)

    def state(self) -> SessionState:
        m = self.metrics
        return SessionState(
            epoch=self.epoch,
            step=self.step_count,
            **vars(m),
            total_loss=m.train_loss + m.penalty,
            learning_rate=self.learning_rate,
            status=self.status,
            message=self.message,
            **self.checkpoints.best_summary(),
        )

    def scores(self, points: Array) -> Array:
        """Raw output scores for 2-D points (n, 2), float64."""
        x = feature_matrix(self.features, np.asarray(points, dtype=np.float64).reshape(-1, 2))
        scores = self.model.activations(x, dtype=np.float64)[-1]
        # Huge weights at far points can overflow; a saturated score still gives a finite answer.
        return np.nan_to_num(scores, copy=False)

    def predict(self, points: Array) -> Array:
        """Probabilities (n, k) for classification, values (n, 1) for regression."""
        return self.loss.output(self.scores(points))

    def full_gradient(self) -> None:
        """Fill model.grads with the gradient of the mean training loss plus the penalty."""
        model = self.model
        model.backward(self.loss.gradient(model(self._x_train), self._t_train))
        model.forget()
        reg = self.config.regularization
        regularizers.add_gradient(reg.kind, reg.rate, model.weights, model.weight_grads)

    def objective(self) -> float:
        """Mean training loss plus penalty at the current weights (what full_gradient differentiates)."""
        reg = self.config.regularization
        data = self.loss.value(self.model.scores(self._x_train), self._t_train)
        return data + regularizers.penalty(reg.kind, reg.rate, self.model.weights)

    def set_parameter(self, layer: int, unit: int, source: int | None, value: float) -> None:
        """Set the weight from input ``source`` to ``unit`` of ``layer`` (a bias when source is None).

        Raises FieldError naming what is out of range; the numbers are fresh afterwards.
        """
        layers = self.model.layers
        if not 0 <= layer < len(layers):
            raise FieldError(("layer",), f"the network has {len(layers)} layers (0..{len(layers) - 1})")
        dense = layers[layer]
        if not 0 <= unit < dense.fan_out:
            raise FieldError(("unit",), f"layer {layer} has {dense.fan_out} units")
        if source is not None and not 0 <= source < dense.fan_in:
            raise FieldError(("source",), f"layer {layer} has {dense.fan_in} inputs")
        if not math.isfinite(value):
            raise FieldError(("value",), "must be a finite number")
        array, index = (dense.b, (unit,)) if source is None else (dense.W, (source, unit))
        before = (float(array[index]), self.status, self.message)
        array[index] = value
        self.status, self.message = "ready", ""
        try:
            self._record(append=False)
        except BaseException:
            array[index], self.status, self.message = before
            raise

    def load_weights(self, params: Array, history: History | None = None, epoch: int = 0, step: int = 0) -> None:
        """Start from given parameters (flat, in the model's layout) and optional history."""
        params = np.asarray(params, dtype=np.float64)
        if params.shape != self.model.params.shape:
            raise ValueError(f"expected {self.model.params.size} parameters, got {params.size}")
        if not np.isfinite(params).all():
            raise ValueError("parameters must be finite")
        self._init_params = params.copy()
        self._restart()
        if history is not None:
            self.history = history
            self.schedule.replay(map(early_stopping.monitored_loss, self.history.records))
        self.epoch, self.step_count = epoch, step
        self._snapshot = self._take_snapshot()
        self.checkpoints = Checkpoints(self._checkpoint())

    def __repr__(self) -> str:
        return f"Session({self.config.dataset.name}, {self.model!r}, epoch {self.epoch})"
