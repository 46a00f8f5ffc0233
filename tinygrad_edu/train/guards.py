"""Guards of the training loop: refuse what cannot train, and stop cleanly when asked.

`fit` calls these before the first step (a loader with no batch) and after every
backward pass (a loss that is NaN or infinite), and raises `FitInterrupted` after
Ctrl-C or SIGTERM once the history, the callbacks and the loggers are taken care of.
"""

from __future__ import annotations

import math

import numpy as np

from ..data import Dataset
from ..tensor import Tensor
from .callbacks import Callback

__all__ = ["FitInterrupted", "NonFiniteLossError", "FiniteLossGuard", "check_loader",
           "check_finite_loss", "loader_size_text"]


class FitInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped `fit`. Callbacks have run their ``on_train_end``
    (``restore_best_weights`` included) and the loggers are closed; ``.history`` is the
    `History` of the steps and epochs that finished."""

    def __init__(self, history, step: int, epoch: int) -> None:
        super().__init__(f"fit: interrupted at step {step} (epoch {epoch + 1}); what was "
                         "measured so far is in this exception's .history")
        self.history = history


class NonFiniteLossError(FloatingPointError):
    """The loss became NaN or infinite; the weights were not updated with it.
    ``.history`` holds the run up to that step."""

    def __init__(self, message: str, history) -> None:
        super().__init__(message)
        self.history = history


def loader_size_text(loader) -> str:
    """``10 samples in batches of 32 with drop_last=True`` when the loader says so."""
    dataset, batch_size = getattr(loader, "dataset", None), getattr(loader, "batch_size", None)
    if dataset is None or batch_size is None or not hasattr(dataset, "__len__"):
        return type(loader).__name__
    return (f"{len(dataset)} samples in batches of {batch_size} with "
            f"drop_last={getattr(loader, 'drop_last', False)}")


def check_loader(loader, role: str) -> None:
    """Refuse, before the first step, what is not a loader (arrays, a dataset) and a
    loader whose epoch has no batch at all."""
    if isinstance(loader, tuple | np.ndarray | Tensor | Dataset):  # a list of batches is fine
        raise TypeError(f"fit: {role} must give batches (x, y), e.g. "
                        "DataLoader(TensorDataset(X, y), batch_size=32) or DataLoader((X, y), "
                        f"batch_size=32); got a {type(loader).__name__}")
    if hasattr(loader, "__len__") and len(loader) == 0:
        raise ValueError(f"fit: {role} gives no batch per epoch ({loader_size_text(loader)}); "
                         "use a smaller batch_size or drop_last=False")


def check_finite_loss(value: float, model, step: int, epoch: int, history) -> None:
    """Stop on a NaN/inf loss, naming the step and the first parameter whose gradient is
    not finite: continuing would only fill every weight with NaN."""
    if math.isfinite(value):
        return
    culprit = None
    for name, parameter in getattr(model, "named_parameters", lambda: [])():
        if parameter.grad is not None and not np.all(np.isfinite(parameter.grad)):
            culprit = name
            break
    where = (f"the first parameter whose gradient is not finite is {culprit!r}" if culprit
             else "no parameter gradient is non-finite yet")
    raise NonFiniteLossError(
        f"fit: the loss became {value} at step {step} (epoch {epoch + 1}); {where}. The "
        "weights were not updated with it; try a smaller learning rate, scaled inputs or "
        "gradient clipping", history)


class FiniteLossGuard(Callback):
    """The callback form of `check_finite_loss`: `fit` puts it right after the
    `Recorder`, so the step's numbers are recorded and the update is not made."""

    def on_backward_end(self, state) -> None:
        loss = state.logs["loss"]
        if not math.isfinite(loss):
            check_finite_loss(loss, state.model, state.step, state.epoch, state.history)
