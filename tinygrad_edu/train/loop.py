"""`fit`: epochs × batches × `train_step`, and callbacks around each step.

Arguments of ``fit(model, loss_fn, optimizer, train_loader, ...)``:

* ``loss_fn(output, target)`` returns a one-element Tensor (or a Value);
* ``val_loader`` -- evaluated after every epoch (``val_loss``, ``val_<metric>``);
* ``metrics`` -- names in `METRICS` or functions ``f(output, target) -> float``;
* ``callbacks`` -- `Callback` objects (`EarlyStopping`, `Recorder`, a live view, yours);
  a `Recorder` among them is the one whose `History` ``fit`` returns;
* ``loggers`` -- `tinygrad_edu.train.loggers` objects: scalars at every step and epoch,
  the model's graph, and every ``histogram_every`` steps (default 50; None for none)
  histograms of weights, gradients and layer outputs;
* ``record_every=N`` -- gradient norms of every parameter and statistics of every
  layer's output on steps 0, N, 2N, ... (``activation_sample_size`` values kept per
  layer for histograms, chosen with ``seed``);
* ``verbose`` as in Keras (`tinygrad_edu.train.progress`): 0 silent, 1 a progress bar
  and a line per epoch, 2 the lines only; "auto" is 1 in a terminal or a notebook
  (``progress=True/False`` still means 1/0).

Stopping early by hand keeps the work, as Keras users expect: Ctrl-C (or SIGTERM) in
`fit` still runs every callback's ``on_train_end`` (so ``restore_best_weights``
happens), flushes and closes the loggers, and then raises `FitInterrupted` -- a
``KeyboardInterrupt`` whose ``.history`` is the `History` so far::

    try:
        history = fit(model, loss_fn, optimizer, loader, epochs=100)
    except KeyboardInterrupt as stop:
        history = stop.history

A loss that is NaN or infinite stops the run before the update (`NonFiniteLossError`,
naming the step and the first parameter whose gradient is not finite); a layer whose
units all pass no gradient is reported once as a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..interrupts import sigterm_as_interrupt
from .callbacks import Callback, CallbackList, FitState
from .guards import FiniteLossGuard, FitInterrupted, NonFiniteLossError, check_loader
from .history import History
from .metrics import metric_functions
from .progress import resolve_verbose
from .recorder import Recorder
from .step import train_step
from .watchers import LoggerCallback, ProgressBar

__all__ = ["fit"]


def fit(model, loss_fn: Callable, optimizer, train_loader, val_loader=None, epochs: int = 10,
        metrics: Sequence | Mapping | None = ("accuracy",), callbacks: Sequence[Callback] = (),
        loggers: Sequence = (), record_every: int | None = None,
        histogram_every: int | None = 50, activation_sample_size: int = 1000,
        progress: bool | None = None, seed: int = 0, verbose: int | str = "auto") -> History:
    """Train ``model``: ``epochs`` passes over ``train_loader``, one `train_step` per
    batch, the callbacks around each step; returns the `Recorder`'s `History`."""
    _check(epochs, train_loader, val_loader)
    recorder = next((c for c in callbacks if isinstance(c, Recorder)), None) or Recorder(
        record_every=record_every, activation_sample_size=activation_sample_size, seed=seed,
        warn=True)
    shown = resolve_verbose(verbose, progress)
    everything = CallbackList([recorder, FiniteLossGuard(),
                               *([LoggerCallback(loggers, histogram_every)] if loggers else []),
                               *([ProgressBar(shown)] if shown else []),
                               *(c for c in callbacks if c is not recorder)])
    state = FitState(model=model, optimizer=optimizer, history=recorder.history,
                     loss_fn=loss_fn, metrics=metric_functions(metrics), epochs=epochs,
                     train_loader=train_loader, val_loader=val_loader,
                     total_steps=epochs * len(train_loader) if hasattr(train_loader, "__len__")
                     else None)
    stopped_by: BaseException | None = None
    model.train()
    everything.on_train_begin(state)
    try:
        with sigterm_as_interrupt():  # SIGTERM keeps the history too, as Ctrl-C does
            _epochs(state, everything)
    except KeyboardInterrupt:
        state.history.interrupted = True
        stopped_by = FitInterrupted(state.history, state.step, state.epoch)
    except NonFiniteLossError as error:
        stopped_by = error
    finally:  # however the run ended: the bar closes, loggers flush, best weights return
        everything.on_train_end(state)
    if stopped_by is not None:
        raise stopped_by
    return state.history


def _epochs(state: FitState, callbacks: CallbackList) -> None:
    """The loop itself: every batch of every epoch is one `train_step`."""
    def after_backward(output, loss) -> None:
        state.output, state.loss = output, loss
        callbacks.on_backward_end(state)

    for epoch in range(state.epochs):
        state.epoch = epoch
        if not getattr(state.model, "training", True):  # evaluate() put it back; a callback
            state.model.train()                          # may not have
        callbacks.on_epoch_begin(state)
        for x, y in state.train_loader:
            state.x, state.y = x, y
            callbacks.on_step_begin(state)
            train_step(state.model, state.loss_fn, state.optimizer, x, y, after_backward)
            callbacks.on_step_end(state)
            state.step += 1
        callbacks.on_epoch_end(state)
        if state.stop_training:
            break


def _check(epochs, train_loader, val_loader) -> None:
    """Refuse, before anything runs, what cannot train."""
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit: epochs must be a whole number >= 0, got {epochs!r}")
    check_loader(train_loader, "train_loader")
    if val_loader is not None:
        check_loader(val_loader, "val_loader")
