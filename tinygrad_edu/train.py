"""The training loop: ``fit(model, loss_fn, optimizer, train_loader, ...) -> History``.

One step is the four lines every lecture repeats::

    optimizer.zero_grad()
    loss = loss_fn(model(x), y)      # forward
    loss.backward()                  # backpropagation
    optimizer.step()                 # update

`fit` runs those steps over the batches of ``train_loader`` for some epochs and records
what happened in a `History`: the loss and metrics of every step and of every epoch
(validation included), and -- every ``record_every`` steps -- the gradient norm of every
parameter and the statistics of every layer's output. Those last two are what the
vanishing-gradient and weight-initialisation plots are made of; `History` hands them
out as numpy arrays.

Callbacks (`EarlyStopping`, or your own `Callback`) are called after every step and
every epoch; loggers (`tinygrad_edu.loggers`) receive the same numbers and histograms.

Stopping early by hand keeps the work, as Keras users expect: Ctrl-C (or SIGTERM) in
`fit` still runs every callback's ``on_train_end`` (so ``restore_best_weights`` happens),
flushes and closes the loggers, and then raises `FitInterrupted` -- a
``KeyboardInterrupt`` whose ``.history`` is the `History` so far (also marked
``interrupted``)::

    try:
        history = fit(model, loss_fn, optimizer, loader, epochs=100)
    except KeyboardInterrupt as stop:
        history = stop.history
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .autograd import no_grad
from .interrupts import catch_sigterm
from .nn.functional import accuracy
from .progress import Progress, resolve_verbose
from .tensor import Tensor
from .train_guards import (
    FitInterrupted,
    NonFiniteLossError,
    check_finite_loss,
    check_loader,
    loader_size_text,
)

__all__ = [
    "fit",
    "evaluate",
    "History",
    "Callback",
    "EarlyStopping",
    "FitState",
    "FitInterrupted",
    "NonFiniteLossError",
    "accuracy",
    "METRICS",
]


# ---- metrics: f(output, target) -> float ----

METRICS: dict[str, Callable] = {"accuracy": accuracy, "acc": accuracy}


def _metric_functions(metrics) -> dict[str, Callable]:
    """Accept ``["accuracy"]``, ``[my_function]`` or ``{"name": function}``."""
    if metrics is None:
        return {}
    if isinstance(metrics, Mapping):
        return dict(metrics)
    functions = {}
    for metric in metrics:
        if isinstance(metric, str):
            if metric not in METRICS:
                raise ValueError(f"fit: unknown metric {metric!r}; known: {sorted(METRICS)}, "
                                 "or pass a function f(output, target) -> float")
            functions[metric] = METRICS[metric]
        else:
            functions[getattr(metric, "__name__", repr(metric))] = metric
    return functions


# ---- what a run leaves behind ----


@dataclass
class History:
    """Everything `fit` measured.

    * ``steps[name]``  -- one number per training step: ``"loss"`` and each metric,
      on that step's batch;
    * ``epochs[name]`` -- one number per epoch: ``"loss"`` and the metrics averaged over
      the epoch's batches, ``"val_loss"`` and ``"val_<metric>"`` on the validation set;
    * every ``record_every`` steps (listed in ``recorded_steps``): ``grad_norms[name]``,
      the L2 norm of each parameter's gradient, and for each layer of a `Sequential`
      model ``activation_mean``, ``activation_std``, ``activation_zero_fraction`` and
      ``activation_samples`` (up to ``activation_sample_size`` output values, for
      histograms).

    Use the methods to get numpy arrays: ``per_epoch("val_loss")``,
    ``gradient_norms()``, ``activation_stats("std")``.
    """

    steps: dict[str, list[float]] = field(default_factory=dict)
    epochs: dict[str, list[float]] = field(default_factory=dict)
    recorded_steps: list[int] = field(default_factory=list)
    grad_norms: dict[str, list[float]] = field(default_factory=dict)
    activation_mean: dict[str, list[float]] = field(default_factory=dict)
    activation_std: dict[str, list[float]] = field(default_factory=dict)
    activation_zero_fraction: dict[str, list[float]] = field(default_factory=dict)
    activation_samples: dict[str, list[np.ndarray]] = field(default_factory=dict)
    stopped_early: bool = False
    best_epoch: int | None = None
    interrupted: bool = False  # Ctrl-C / SIGTERM ended the run: see `FitInterrupted`

    def per_step(self, name: str = "loss") -> np.ndarray:
        """One value per training step, e.g. ``per_step("loss")``."""
        return np.asarray(self.steps[name], dtype=np.float64)

    def per_epoch(self, name: str = "loss") -> np.ndarray:
        """One value per epoch, e.g. ``per_epoch("val_accuracy")``."""
        if name not in self.epochs:
            raise KeyError(f"History: no per-epoch {name!r}; have {sorted(self.epochs)}")
        return np.asarray(self.epochs[name], dtype=np.float64)

    @property
    def num_epochs(self) -> int:
        return len(self.epochs.get("loss", []))

    def gradient_norms(self, weights_only: bool = False) -> tuple[list[str], np.ndarray]:
        """Parameter names and an array of shape (records, parameters): row r holds the
        gradient norms at step ``recorded_steps[r]``. ``weights_only`` skips biases."""
        names = [n for n in self.grad_norms if not (weights_only and n.endswith("bias"))]
        return names, self._matrix(self.grad_norms, names)

    def activation_stats(self, stat: str = "std") -> tuple[list[str], np.ndarray]:
        """Layer names and an array (records, layers) of ``stat``: "mean", "std" or
        "zero_fraction" of each layer's output."""
        table = {"mean": self.activation_mean, "std": self.activation_std,
                 "zero_fraction": self.activation_zero_fraction}
        if stat not in table:
            raise ValueError(f"activation_stats: stat must be one of {sorted(table)}, got {stat!r}")
        names = list(table[stat])
        return names, self._matrix(table[stat], names)

    def _matrix(self, columns: dict[str, list[float]], names: list[str]) -> np.ndarray:
        if not names:
            return np.zeros((len(self.recorded_steps), 0))
        return np.array([columns[name] for name in names], dtype=np.float64).T

    def __repr__(self) -> str:
        last = {name: round(values[-1], 4) for name, values in self.epochs.items() if values}
        return (f"History({self.num_epochs} epochs, {len(self.steps.get('loss', []))} steps, "
                f"{len(self.recorded_steps)} recordings, last epoch {last})")


# ---- callbacks ----


@dataclass
class FitState:
    """What a callback sees: the objects being trained and where training is."""

    model: object
    optimizer: object
    history: History
    epoch: int = 0
    step: int = 0
    logs: dict[str, float] = field(default_factory=dict)
    stop_training: bool = False


class Callback:
    """Override any of these; each receives the `FitState`. Set
    ``state.stop_training = True`` to end training after the current epoch.
    ``on_train_end`` runs after Ctrl-C / SIGTERM and a NaN loss too
    (``state.history.interrupted`` says which)."""

    def on_train_begin(self, state: FitState) -> None:
        pass

    def on_step_end(self, state: FitState) -> None:
        pass

    def on_epoch_end(self, state: FitState) -> None:
        pass

    def on_train_end(self, state: FitState) -> None:
        pass


class EarlyStopping(Callback):
    """Stop when ``monitor`` (an ``epochs`` entry, by default ``"val_loss"``) has not
    improved by more than ``min_delta`` for ``patience`` epochs.

    ``mode`` is "min" for losses and "max" for accuracies ("auto" guesses from the
    name). With ``restore_best_weights`` the model gets back the parameters of its best
    epoch at the end (needs ``state_dict``/``load_state_dict``).
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 5, min_delta: float = 0.0,
                 mode: str = "auto", restore_best_weights: bool = False) -> None:
        if mode == "auto":
            mode = "max" if "acc" in monitor else "min"
        if mode not in ("min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'min', 'max' or 'auto', got {mode!r}")
        self.monitor, self.patience, self.min_delta = monitor, patience, min_delta
        self.mode, self.restore_best_weights = mode, restore_best_weights

    def on_train_begin(self, state: FitState) -> None:
        self.best = np.inf if self.mode == "min" else -np.inf
        self.best_epoch = None
        self.best_weights = None
        self.waited = 0

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, state: FitState) -> None:
        if self.monitor not in state.logs:
            raise KeyError(f"EarlyStopping: no {self.monitor!r} to watch; the epoch logged "
                           f"{sorted(state.logs)} (val_* needs a val_loader)")
        value = state.logs[self.monitor]
        if self._improved(value):
            self.best, self.best_epoch, self.waited = value, state.epoch, 0
            if self.restore_best_weights:
                self.best_weights = state.model.state_dict()
        else:
            self.waited += 1
            if self.waited >= self.patience:
                state.stop_training = True
                state.history.stopped_early = True
        state.history.best_epoch = self.best_epoch

    def on_train_end(self, state: FitState) -> None:
        if self.restore_best_weights and self.best_weights is not None:
            state.model.load_state_dict(self.best_weights)


# ---- the loop ----


def _forward(model, x: Tensor, capture: dict | None):
    """``model(x)``; when ``capture`` is a dict and the model is a sequence of layers
    (`Sequential`), run the layers one by one and keep each layer's output in it."""
    if capture is None or not isinstance(model, Iterable):
        return model(x)
    for index, layer in enumerate(model):
        x = layer(x)
        capture[f"{index}.{type(layer).__name__}"] = x.data
    return x


def _record(history: History, model, step: int, outputs: dict, sample_size: int,
            rng: np.random.Generator) -> None:
    history.recorded_steps.append(step)
    for name, parameter in model.named_parameters():
        grad = parameter.grad  # None: no gradient reached it, which counts as norm 0
        norm = 0.0 if grad is None else float(np.sqrt(np.sum(np.square(grad, dtype=np.float64))))
        history.grad_norms.setdefault(name, []).append(norm)
    for name, values in outputs.items():
        flat = values.reshape(-1)
        history.activation_mean.setdefault(name, []).append(float(flat.mean()))
        history.activation_std.setdefault(name, []).append(float(flat.std()))
        history.activation_zero_fraction.setdefault(name, []).append(float(np.mean(flat == 0)))
        if flat.size > sample_size:
            flat = rng.choice(flat, sample_size, replace=False)
        history.activation_samples.setdefault(name, []).append(np.array(flat))


def evaluate(model, loss_fn, loader, metrics=None) -> dict[str, float]:
    """The loss and metrics of ``model`` over every batch of ``loader`` (averaged over
    samples), in evaluation mode and without building a graph."""
    functions = _metric_functions(metrics)
    was_training = getattr(model, "training", True)
    if hasattr(model, "eval"):
        model.eval()
    totals = dict.fromkeys(["loss", *functions], 0.0)
    count = 0
    try:
        with no_grad():
            for x, y in loader:
                output = model(x)
                n = len(y)
                totals["loss"] += float(loss_fn(output, y).item()) * n
                for name, function in functions.items():
                    totals[name] += function(output, y) * n
                count += n
    finally:
        if hasattr(model, "train"):
            model.train(was_training)
    if count == 0:
        raise ValueError(f"evaluate: the loader gave no batch ({loader_size_text(loader)})")
    return {name: total / count for name, total in totals.items()}


def fit(
    model,
    loss_fn: Callable,
    optimizer,
    train_loader,
    val_loader=None,
    epochs: int = 10,
    metrics: Sequence | Mapping | None = ("accuracy",),
    callbacks: Sequence[Callback] = (),
    loggers: Sequence = (),
    record_every: int | None = None,
    histogram_every: int | None = 50,
    activation_sample_size: int = 1000,
    progress: bool | None = None,
    seed: int = 0,
    verbose: int | str = "auto",
) -> History:
    """Train ``model`` and return its `History`.

    ``loss_fn(output, target)`` returns a one-element Tensor; ``metrics`` are names in
    `METRICS` or functions ``f(output, target) -> float``. ``record_every=N`` records
    gradient norms and layer-output statistics on steps 0, N, 2N, ...;
    ``histogram_every=N`` (default 50; None for none) sends weight, gradient and
    activation histograms to the ``loggers`` (scalars go to them at every step and
    epoch). ``verbose`` as in Keras (see `tinygrad_edu.progress`): 0 silent, 1 a progress
    bar and a summary line per epoch, 2 the lines only; "auto" is 1 in a terminal or a
    notebook, else 0 (``progress=True/False`` still means 1/0). ``seed`` only picks
    which activation values are kept as samples.
    """
    functions = _metric_functions(metrics)
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit: epochs must be a whole number >= 0, got {epochs!r}")
    check_loader(train_loader, "train_loader")
    if val_loader is not None:
        check_loader(val_loader, "val_loader")
    history = History()
    state = FitState(model=model, optimizer=optimizer, history=history)
    rng = np.random.default_rng(seed)
    for callback in callbacks:
        callback.on_train_begin(state)

    shown = Progress(resolve_verbose(verbose, progress), epochs, epochs * len(train_loader))
    step = epoch = 0
    stopped_by: BaseException | None = None
    undo_sigterm = catch_sigterm()  # SIGTERM keeps the history too, as Ctrl-C does
    try:
        for epoch in range(epochs):
            state.epoch = epoch
            shown.begin_epoch(epoch)
            model.train()
            totals = dict.fromkeys(["loss", *functions], 0.0)
            count = 0
            for x, y in train_loader:
                recording = bool(record_every) and step % record_every == 0
                histograms = bool(histogram_every) and step % histogram_every == 0 and loggers
                outputs = {} if recording or histograms else None
                if step == 0:
                    for logger in loggers:  # the structure, and the ops of one forward pass
                        logger.add_graph(model, x)
                optimizer.zero_grad()
                output = _forward(model, x, outputs)
                loss = loss_fn(output, y)
                loss.backward()
                loss_value = float(loss.item())
                check_finite_loss(loss_value, model, step, epoch, history)
                if recording:
                    _record(history, model, step, outputs, activation_sample_size, rng)
                if histograms:
                    for logger in loggers:
                        logger.log_parameters(model, step)
                        for name, values in outputs.items():
                            logger.add_histogram(f"activations/{name}", values, step)
                optimizer.step()

                logs = {"loss": loss_value}
                for name, function in functions.items():
                    logs[name] = function(output, y)
                n = len(y)
                for name, value in logs.items():
                    history.steps.setdefault(name, []).append(value)
                    totals[name] += value * n
                    for logger in loggers:
                        logger.add_scalar(f"step/{name}", value, step)
                count += n
                state.step, state.logs = step, logs
                for callback in callbacks:
                    callback.on_step_end(state)
                shown.step(epoch, logs["loss"])
                step += 1

            if count == 0:  # a loader without len() that yielded nothing
                raise ValueError(f"fit: train_loader gave no batch in epoch {epoch + 1} "
                                 f"({loader_size_text(train_loader)})")
            epoch_logs = {name: total / count for name, total in totals.items()}
            if val_loader is not None:
                val = evaluate(model, loss_fn, val_loader, functions)
                epoch_logs.update({f"val_{name}": value for name, value in val.items()})
            for name, value in epoch_logs.items():
                history.epochs.setdefault(name, []).append(value)
                for logger in loggers:
                    logger.add_scalar(f"epoch/{name}", value, epoch)
            state.logs = epoch_logs
            shown.end_epoch(epoch, epoch_logs)
            for callback in callbacks:
                callback.on_epoch_end(state)
            if state.stop_training:
                break
    except KeyboardInterrupt:
        history.interrupted = True
        stopped_by = FitInterrupted(history, step, epoch)
    except NonFiniteLossError as error:
        stopped_by = error
    finally:
        undo_sigterm()
        shown.close()
        for logger in loggers:
            logger.flush()
    for callback in callbacks:  # also after an interrupt: restore_best_weights happens
        callback.on_train_end(state)
    if isinstance(stopped_by, FitInterrupted):
        for logger in loggers:  # the run is over: leave complete files behind
            logger.close()
    if stopped_by is not None:
        raise stopped_by
    return history
