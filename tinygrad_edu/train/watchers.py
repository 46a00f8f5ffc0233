"""Two callbacks `fit` adds by itself: what a person watching sees (`ProgressBar`), and
what loggers write for later (`LoggerCallback`: TensorBoard, CSV, JSON lines)."""

from __future__ import annotations

from collections.abc import Sequence

from .callbacks import Callback, FitState
from .measures import capture_layer_outputs
from .progress import Progress

__all__ = ["ProgressBar", "LoggerCallback"]


class ProgressBar(Callback):
    """The bar and the epoch lines of `tinygrad_edu.train.progress`, at ``verbose``."""

    def __init__(self, verbose: int) -> None:
        self.verbose = verbose
        self.shown: Progress | None = None

    def on_train_begin(self, state: FitState) -> None:
        self.shown = Progress(self.verbose, state.epochs, state.total_steps or 0)

    def on_epoch_begin(self, state: FitState) -> None:
        self.shown.begin_epoch(state.epoch)

    def on_step_end(self, state: FitState) -> None:
        self.shown.step(state.epoch, state.logs["loss"])

    def on_epoch_end(self, state: FitState) -> None:
        self.shown.end_epoch(state.epoch, state.logs)

    def on_train_end(self, state: FitState) -> None:
        if self.shown is not None:
            self.shown.close()


class LoggerCallback(Callback):
    """Feeds ``loggers``: the model's graph before the first step, every step's and
    epoch's scalars, and every ``histogram_every`` steps histograms of the weights, their
    gradients and each layer's output. Flushed at the end, closed after an interrupt."""

    def __init__(self, loggers: Sequence, histogram_every: int | None) -> None:
        self.loggers, self.every = list(loggers), histogram_every
        self.outputs: dict = {}
        self.hooks: list = []

    def _histogram_step(self, step: int) -> bool:
        return bool(self.every) and step % self.every == 0

    def on_step_begin(self, state: FitState) -> None:
        if state.step == 0:
            for logger in self.loggers:  # the structure, and the ops of one forward pass
                logger.add_graph(state.model, state.x)
        if self._histogram_step(state.step):
            self.hooks = capture_layer_outputs(state.model, self.outputs)

    def on_backward_end(self, state: FitState) -> None:
        if not self._histogram_step(state.step):
            return
        for handle in self.hooks:
            handle.remove()
        for logger in self.loggers:
            logger.log_parameters(state.model, state.step)
            for name, values in self.outputs.items():
                logger.add_histogram(f"activations/{name}", values, state.step)
        self.outputs.clear()

    def on_step_end(self, state: FitState) -> None:
        for name, value in state.logs.items():
            for logger in self.loggers:
                logger.add_scalar(f"step/{name}", value, state.step)

    def on_epoch_end(self, state: FitState) -> None:
        for name, value in state.logs.items():
            for logger in self.loggers:
                logger.add_scalar(f"epoch/{name}", value, state.epoch)

    def on_train_end(self, state: FitState) -> None:
        for handle in self.hooks:
            handle.remove()
        for logger in self.loggers:
            logger.flush()
            if state.history.interrupted:  # the run is over: leave complete files behind
                logger.close()
