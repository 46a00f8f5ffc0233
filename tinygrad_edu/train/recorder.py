"""The `Recorder`: the one record of a training run.

`fit` always trains with a Recorder (its own, or one you pass in ``callbacks``), and
returns its `History`. It measures with `tinygrad_edu.train.measures` (the gradient
norm, the layers, the boundary grid: each defined once). The pages
(`viz.record_training`, `viz.training_page`) and the live view (`viz.LiveView`) only
show what a Recorder kept.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..autograd import topo_order
from .callbacks import Callback, FitState
from .guards import NonFiniteLossError, loader_size_text
from .history import History, Snapshot
from .measures import (
    boundary_grid,
    capture_layer_outputs,
    dead_layer_text,
    first_non_finite,
    gradient_norms,
    parameter_layers,
    probabilities,
    scores,
    silent_layer,
    snapshot_iterations,
)
from .metrics import evaluate, number
from .step import predict

__all__ = ["Recorder", "gradient_norms", "parameter_layers", "boundary_grid", "probabilities",
           "snapshot_iterations", "dead_layer_text", "MAX_TRACES"]

MAX_TRACES = 24  # traced weights in all: a deep net has many parameters, ~24 lines is plenty


class Recorder(Callback):
    """Records a run into ``self.history`` (a `History`).

    Always: the loss and each metric of every step, their means per epoch and the
    validation figures, and (``watch_dead``) a layer whose units pass no gradient at
    all, with every layer below it ("dead", ``history.dead_layer``; with ``warn=True``
    a warning once). ``layers=True``: each layer's gradient norm at every step.
    ``record_every=N``: every N steps each parameter's gradient norm and each layer's
    output statistics (a `Sequential`'s layers).
    ``traced_entries=k``: the first k numbers of each parameter at every step (at most
    `MAX_TRACES` lines in all). ``snapshots=n``: the weights and optimizer state at n
    iterations spread over the run (fewer when one iteration's graph is big:
    ``graph_budget`` nodes in all). ``boundary=X`` (2-D points): the model's output on
    a ``grid × grid`` square around them at ``frames`` iterations.
    ``stop_on_non_finite=True``: stop (`NonFiniteLossError`) at the first gradient that
    is not finite, not only at a non-finite loss. ``metrics_at_end=True``: keep each
    step's outputs and compute the metrics of all steps in one pass when the run ends
    (metrics taking ``reduction="none"``, as `F.accuracy`; callbacks then see only the
    loss during the run) -- a recording of 2,000 small steps spends a tenth less time.
    Everything is measured with the weights of the step's forward pass, before the
    update.
    """

    def __init__(self, layers: bool = False, watch_dead: bool = True,
                 record_every: int | None = None,
                 activation_sample_size: int = 1000, seed: int = 0, traced_entries: int = 0,
                 snapshots: int = 0, graph_budget: int | None = None, boundary=None,
                 grid: int = 30, frames: int = 0, stop_on_non_finite: bool = False,
                 warn: bool = False, metrics_at_end: bool = False) -> None:
        self.layers, self.watch_dead, self.record_every = layers, watch_dead, record_every
        self.sample_size, self.rng = activation_sample_size, np.random.default_rng(seed)
        self.traced_entries, self.snapshot_count = traced_entries, snapshots
        self.graph_budget, self.frame_count = graph_budget, frames
        self.stop_on_non_finite, self.warn = stop_on_non_finite, warn
        self.metrics_at_end = metrics_at_end
        self.boundary = None if boundary is None else np.asarray(boundary, dtype=np.float64)
        self.grid_size = grid
        self.history = History()
        self.finished = False

    # ---- setting up ----

    def on_train_begin(self, state: FitState) -> None:
        history, model = self.history, state.model
        self.model = model
        self.named = list(model.named_parameters()) if hasattr(model, "named_parameters") else []
        self.layer_of = parameter_layers(model) if self.named else {}
        if self.layers:
            for layer in dict.fromkeys(self.layer_of.values()):
                history.layer_grad_norms.setdefault(layer, [])
        first = next(iter(self.layer_of.values()), None)
        self.first_layer = [p for name, p in self.named if self.layer_of[name] == first]
        steps = state.total_steps or 0
        self.snap_at = set(snapshot_iterations(steps, self.snapshot_count))
        self.frame_at, self.points = set(), None
        if self.boundary is not None and self.boundary.ndim == 2 and self.boundary.shape[1] == 2:
            history.grid, self.points = boundary_grid(self.boundary, self.grid_size)
            self.frame_at = set(snapshot_iterations(steps, self.frame_count)) | self.snap_at
        self.traced = self._traced()
        self.rows: list[np.ndarray] = []
        self.sizes: list[int] = []  # the batch sizes of this epoch's steps
        self.epoch_starts: list[int] = []  # the first step of each epoch
        self.epoch_sizes: list[list[int]] = []  # the batch sizes of each finished epoch
        self.captured: dict[str, np.ndarray] = {}
        self.hooks: list = []
        self.finished = False
        for name in ("loss", *state.metrics):
            history.steps.setdefault(name, [])
        self.losses = history.steps["loss"]
        self.outputs: list[tuple[np.ndarray, object]] = []
        self.metrics = state.metrics

    def _traced(self) -> list[tuple[object, int, list[str]]]:
        """(parameter, how many of its first entries, their labels)."""
        if not self.traced_entries:
            return []
        per_parameter = max(1, min(self.traced_entries, MAX_TRACES // max(len(self.named), 1)))
        traced = []
        for name, parameter in self.named:
            count = min(per_parameter, parameter.data.size)
            labels = [name if parameter.data.size == 1 else f"{name}[{i}]" for i in range(count)]
            if count:
                traced.append((parameter, count, labels))
        return traced

    # ---- every step ----

    def on_epoch_begin(self, state: FitState) -> None:
        self.sizes = []
        self.epoch_starts.append(self.history.num_steps)

    def on_step_begin(self, state: FitState) -> None:
        if self.record_every and state.step % self.record_every == 0:
            self.hooks = capture_layer_outputs(state.model, self.captured)

    def on_backward_end(self, state: FitState) -> None:
        """The step's numbers, with its gradients and the weights it used."""
        step, history = state.step, self.history
        self.x = state.x
        loss = number(state.loss)
        logs = {"loss": loss}
        self.losses.append(loss)
        if self.metrics_at_end:
            self.outputs.append((scores(state.output, len(state.y)), state.y))
        else:
            for name, function in state.metrics.items():
                logs[name] = value = function(state.output, state.y)
                history.steps[name].append(value)
        state.logs = logs
        if self.traced:
            self.rows.append(np.concatenate([p.data.reshape(-1)[:count]
                                             for p, count, _ in self.traced]))
        if self.layers:
            self._layer_norms(step, history)
        elif self.watch_dead:
            self._watch_dead(step)
        if self.record_every and step % self.record_every == 0:
            self._record(step)
        if step in self.frame_at:
            history.frame_iterations.append(step)
            output = self.model.predict(self.points) if hasattr(self.model, "predict") \
                else predict(self.model, self.points.astype(np.float32))
            history.frames.append(np.rint(100 * probabilities(output)).astype(int).tolist())
        if step in self.snap_at:
            self._snapshot(state)
        if not math.isfinite(loss) or history.non_finite is not None:
            self._non_finite(state, loss)

    def on_step_end(self, state: FitState) -> None:
        self.sizes.append(len(state.y))

    def on_epoch_end(self, state: FitState) -> None:
        """The epoch's means (weighted by batch size) and the validation figures."""
        if not self.sizes:  # a loader without len() that yielded nothing
            raise ValueError(f"fit: train_loader gave no batch in epoch {state.epoch + 1} "
                             f"({loader_size_text(state.train_loader)})")
        names = ["loss"] if self.metrics_at_end else ["loss", *state.metrics]
        logs = {name: self._epoch_mean(name, self.epoch_starts[-1], self.sizes)
                for name in names}
        if state.val_loader is not None:
            val = evaluate(state.model, state.loss_fn, state.val_loader, state.metrics)
            logs.update({f"val_{name}": value for name, value in val.items()})
        for name, value in logs.items():
            self.history.epochs.setdefault(name, []).append(value)
        self.epoch_sizes.append(self.sizes)
        state.logs = logs

    def _epoch_mean(self, name: str, start: int, sizes: list[int]) -> float:
        total = 0.0
        for value, n in zip(self.history.steps[name][start:start + len(sizes)], sizes,
                            strict=True):
            total += value * n
        return total / sum(sizes)

    def on_train_end(self, state: FitState) -> None:
        self.finish()
        if self.warn and self.history.dead_layer is not None:
            warnings.warn(dead_layer_text(self.history.dead_layer), RuntimeWarning, stacklevel=3)

    def finish(self) -> None:
        """Turn the per-step rows into ``history.traces`` (once; `fit` calls it)."""
        for handle in self.hooks:
            handle.remove()
        self.hooks = []
        if self.finished:
            return
        self.finished = True
        if self.outputs:
            self._metrics_of_every_step()
        if not self.traced:
            return
        labels = [label for _, _, names in self.traced for label in names]
        columns = np.array(self.rows, dtype=np.float64).reshape(len(self.rows), len(labels))
        for j, label in enumerate(labels):
            self.history.traces[label] = columns[:, j].tolist()

    def _metrics_of_every_step(self) -> None:
        """``metrics_at_end``: one call per metric over all steps that share one target
        (a full batch), else one call per step."""
        outputs, targets = zip(*self.outputs, strict=True)
        same = all(t is targets[0] for t in targets) and \
            len({o.shape for o in outputs}) == 1
        for name, function in self.metrics.items():
            if same:
                target = np.asarray(getattr(targets[0], "data", targets[0]))
                tiled = np.concatenate([target] * len(outputs))
                correct = function(np.concatenate(outputs), tiled, reduction="none")
                values = correct.reshape(len(outputs), -1).mean(axis=1).tolist()
            else:
                values = [function(o, t) for o, t in self.outputs]
            self.history.steps[name] = values
            self.history.epochs[name] = [  # the epochs' means, now that the steps have them
                self._epoch_mean(name, start, sizes)
                for start, sizes in zip(self.epoch_starts, self.epoch_sizes, strict=False)]
        self.outputs = []

    # ---- the measurements ----

    def _layer_norms(self, step: int, history: History) -> None:
        norms = gradient_norms(self.named, self.layer_of)
        for layer, value in norms.items():
            history.layer_grad_norms[layer].append(value)
        if not all(map(math.isfinite, norms.values())):
            history.non_finite = {"step": step, "parameter": first_non_finite(self.named)}
            return
        self._dead_from(norms, step, self.x)

    def _watch_dead(self, step: int) -> None:
        """The dead-layer check alone, cheap at every step: while the first layer gets
        some gradient no layer can be dead; only then are the norms computed."""
        if any(p.grad is not None and p.grad.any() for p in self.first_layer):
            self.history.dead_layer = None
            return
        self._dead_from(gradient_norms(self.named, self.layer_of), step, self.x)

    def _dead_from(self, norms: dict[str, float], step: int, x=None) -> None:
        """A layer is dead when it and every layer below it got exactly no gradient. When
        no layer at all got one (the constant output already balances the targets, so
        even the top gets 0) the dead layer is the highest whose every output is 0."""
        history = self.history
        if history.dead_layer is None and next(iter(norms.values())) != 0.0:
            return  # the first layer got a gradient: nothing is dead (the usual step)
        dead = None
        for layer, value in norms.items():  # input side first: the deepest silent prefix
            if value != 0.0:
                break
            dead = layer
        if dead is None:
            history.dead_layer = None
            return
        if dead == next(reversed(norms)) and history.dead_layer is None and x is not None:
            dead = silent_layer(self.model, x, self.layer_of) or dead
        if history.dead_layer is None or (history.dead_layer["layer"] != dead and
                                          dead != next(reversed(norms))):
            history.dead_layer = {"layer": dead, "since": step}

    def _record(self, step: int) -> None:
        history = self.history
        history.recorded_steps.append(step)
        for name, value in gradient_norms(self.named).items():
            history.grad_norms.setdefault(name, []).append(value)
        for handle in self.hooks:
            handle.remove()
        self.hooks = []
        for name, values in self.captured.items():
            flat = np.asarray(values).reshape(-1)
            history.activation_mean.setdefault(name, []).append(float(flat.mean()))
            history.activation_std.setdefault(name, []).append(float(flat.std()))
            history.activation_zero_fraction.setdefault(name, []).append(float(np.mean(flat == 0)))
            if flat.size > self.sample_size:
                flat = self.rng.choice(flat, self.sample_size, replace=False)
            history.activation_samples.setdefault(name, []).append(np.array(flat))
        self.captured.clear()

    def _snapshot(self, state: FitState) -> None:
        if state.step == 0 and self.graph_budget:  # big graphs get fewer snapshots
            size = len(topo_order(state.loss))
            count = max(2, min(self.snapshot_count, self.graph_budget // max(size, 1)))
            self.snap_at = set(snapshot_iterations(state.total_steps or 1, count))
        self.history.snapshots.append(Snapshot(
            state.step, [p.data.copy() for _, p in self.named], state.optimizer.state_dict()))

    def _non_finite(self, state: FitState, loss: float) -> None:
        history = self.history
        bad = history.non_finite["parameter"] if history.non_finite else None
        history.stopped = (f"iteration {state.step}: the loss is {loss:g}; the first parameter "
                           f"whose gradient was not finite: {bad or 'none'}")
        if self.stop_on_non_finite:
            raise NonFiniteLossError(f"fit: {history.stopped}", history)


