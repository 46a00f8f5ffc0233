"""Callbacks: what `fit` calls around each step, and `EarlyStopping`.

`fit` owns the loop; everything else it does -- recording, the progress bar, loggers,
the guard against a NaN loss, stopping early, a live view -- is a `Callback`. Each hook
receives the `FitState`: the objects being trained and where training is. In order::

    on_train_begin
      on_epoch_begin                       (every epoch)
        on_step_begin                      (every batch: state.x, state.y are set)
        on_backward_end                    gradients computed, weights not yet updated
        on_step_end                        weights updated; state.logs has the step's numbers
      on_epoch_end                         state.logs has the epoch's numbers
    on_train_end                           also after Ctrl-C, SIGTERM or a NaN loss

Set ``state.stop_training = True`` to end training after the current epoch; raise in
``on_backward_end`` to stop before the update.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Callback", "CallbackList", "EarlyStopping", "FitState"]


@dataclass
class FitState:
    """What a callback sees: the objects being trained and where training is."""

    model: object
    optimizer: object
    history: object  # the `History` the `Recorder` fills
    loss_fn: Callable | None = None
    metrics: dict[str, Callable] = field(default_factory=dict)
    train_loader: object = None
    val_loader: object = None
    epochs: int = 0
    total_steps: int | None = None  # epochs × batches per epoch, when the loader has a len()
    epoch: int = 0
    step: int = 0  # counts every step of the run (not reset per epoch)
    x: object = None
    y: object = None
    output: object = None
    loss: object = None
    logs: dict[str, float] = field(default_factory=dict)
    stop_training: bool = False


class Callback:
    """Override any of these; each receives the `FitState`."""

    def on_train_begin(self, state: FitState) -> None:
        pass

    def on_epoch_begin(self, state: FitState) -> None:
        pass

    def on_step_begin(self, state: FitState) -> None:
        pass

    def on_backward_end(self, state: FitState) -> None:
        pass

    def on_step_end(self, state: FitState) -> None:
        pass

    def on_epoch_end(self, state: FitState) -> None:
        pass

    def on_train_end(self, state: FitState) -> None:
        pass


class CallbackList(Callback):
    """Several callbacks called in order, as one."""

    def __init__(self, callbacks: Sequence[Callback]) -> None:
        self.callbacks = list(callbacks)
        # only the callbacks that override a hook are called at every step (it adds up)
        self.per_step = {hook: [getattr(c, hook) for c in self.callbacks
                                if getattr(type(c), hook) is not getattr(Callback, hook)]
                         for hook in ("on_step_begin", "on_backward_end", "on_step_end")}

    def on_train_begin(self, state: FitState) -> None:
        for callback in self.callbacks:
            callback.on_train_begin(state)

    def on_epoch_begin(self, state: FitState) -> None:
        for callback in self.callbacks:
            callback.on_epoch_begin(state)

    def on_step_begin(self, state: FitState) -> None:
        for hook in self.per_step["on_step_begin"]:
            hook(state)

    def on_backward_end(self, state: FitState) -> None:
        for hook in self.per_step["on_backward_end"]:
            hook(state)

    def on_step_end(self, state: FitState) -> None:
        for hook in self.per_step["on_step_end"]:
            hook(state)

    def on_epoch_end(self, state: FitState) -> None:
        for callback in self.callbacks:
            callback.on_epoch_end(state)

    def on_train_end(self, state: FitState) -> None:
        for callback in self.callbacks:
            callback.on_train_end(state)


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
