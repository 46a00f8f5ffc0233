"""A small binary classifier trained with full-batch gradient descent, recorded whole:
what the training page replays and `tinygrad-edu train` prints.

`record_run(model, X, y, ...)` is `fit` on ``FullBatch(X, y)`` (one step per epoch,
the lecture's gradient descent) with a `Recorder` that keeps, for **every** step, the
loss, the accuracy, each layer's gradient norm and a few weights, and for a bounded set
of steps the weights and the optimizer's state (snapshots) and the model's output on a
grid (decision-boundary frames). ``model`` is an ``nn.Module`` on Tensors whose output
is a probability per row, or an `nn.ValueMLP` (scalar Values).

`replay(run, snapshot, show)` runs one recorded step again -- its weights and optimizer
state put back, forward, backward with every gradient kept, ``show(loss, optimizer)``,
which may call ``optimizer.step()`` -- and then puts the trained weights back: that is
how a page draws the graph of iteration 700 after training ended.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from .. import optim
from ..data.loader import FullBatch
from ..nn import functional as F
from ..nn.value_mlp import ValueMLP, ValueParameter, logistic_cost
from ..tensor import Tensor
from .callbacks import Callback, FitState
from .guards import NonFiniteLossError
from .history import History, Snapshot
from .loop import fit
from .recorder import Recorder

__all__ = ["OPTIMIZERS", "Run", "record_run", "replay", "set_weights", "binary_loss",
           "MAX_STEPS"]

# name -> (class, options): the CLI's --optimizer choices
OPTIMIZERS: dict[str, tuple[type, dict]] = {
    "sgd": (optim.SGD, {}), "momentum": (optim.SGD, {"momentum": 0.9}),
    "nesterov": (optim.SGD, {"momentum": 0.9, "nesterov": True}),
    "adagrad": (optim.Adagrad, {}), "rmsprop": (optim.RMSprop, {}),
    "adadelta": (optim.Adadelta, {}), "adam": (optim.Adam, {}), "adamw": (optim.AdamW, {}),
}
MAX_STEPS = 1_000_000  # a page of more would not open; a typo such as 1e23 is refused


def binary_loss(output, target):
    """Binary cross-entropy of a Tensor model's probabilities (any shape with one number
    per row), or the logistic cost of a `ValueMLP`'s output Values."""
    if isinstance(output, list):
        return logistic_cost(output, target)
    return F.binary_cross_entropy(output.reshape(-1), target)


@dataclass
class Run:
    """One recorded run: what was trained, on what, and its `History`."""

    model: object
    optimizer: object
    X: np.ndarray
    y: np.ndarray
    history: History
    optimizer_name: str = "sgd"
    loss_fn: Callable = binary_loss
    names: dict[int, str] = field(default_factory=dict)  # id(parameter) -> its name


class _EachStep(Callback):
    """Tells ``report(step, loss)`` after every step (a progress line, a test)."""

    def __init__(self, report: Callable[[int, float], None]) -> None:
        self.report = report

    def on_step_end(self, state: FitState) -> None:
        self.report(state.step, state.logs["loss"])


def record_run(model, X, y, optimizer: str = "sgd", lr: float = 0.1, steps: int = 500,
               snapshots: int = 12, frames: int = 80, traced_entries: int = 4, grid: int = 30,
               graph_budget: int = 600,
               on_step: Callable[[int, float], None] | None = None) -> Run:
    """Train ``model`` on (X, y) for ``steps`` full-batch steps and record them (see the
    module's docstring). A loss or gradient that is not finite, or an op that fails (a
    Value's log(0)), ends the run early; ``history.stopped`` says where and why."""
    X, y = _checked(model, X, y, optimizer, lr, steps)
    cls, options = OPTIMIZERS[optimizer]
    opt = cls(model.parameters(), lr=lr, **options)
    recorder = Recorder(layers=True, traced_entries=traced_entries, snapshots=snapshots,
                        graph_budget=graph_budget, boundary=X, grid=grid, frames=frames,
                        stop_on_non_finite=True, metrics_at_end=True)
    inputs = X if isinstance(model, ValueMLP) else X.astype(np.float32)
    callbacks = [recorder] + ([_EachStep(on_step)] if on_step is not None else [])
    with np.errstate(all="ignore"):  # a run that diverges is caught and explained
        try:
            fit(model, binary_loss, opt, FullBatch(inputs, y, steps=steps), epochs=1,
                metrics=("accuracy",), callbacks=callbacks, verbose=0)
        except NonFiniteLossError:
            pass  # the recorder wrote history.stopped
        except (ValueError, ArithmeticError) as error:  # a Value's log(0), exp overflow...
            recorder.finish()
            blown = next((name for name, p in model.named_parameters()
                          if not np.all(np.isfinite(p.data))), None)
            recorder.history.stopped = f"iteration {recorder.history.num_steps}: {error}" + (
                f"; the first parameter that is no longer finite: {blown}" if blown else "")
    names = {id(p): name for name, p in model.named_parameters()}
    return Run(model, opt, X, y, recorder.history, optimizer, binary_loss, names)


def _checked(model, X, y, optimizer: str, lr: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Refuse, in one line, what cannot be recorded; the data as arrays."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or not \
            1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be a whole number from 1 to {MAX_STEPS:,}, got {steps!r}")
    if not (isinstance(lr, int | float) and np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    X, y = np.asarray(X), np.asarray(y).reshape(-1)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"X must be a 2-D array of samples × features, got shape {X.shape}")
    if len(y) != len(X):
        raise ValueError(f"y has {len(y)} targets but X has {len(X)} samples: one target "
                         "(0 or 1) per row of X")
    if not (np.all(np.isfinite(X.astype(np.float64))) and np.all(np.isin(y, (0, 1)))):
        raise ValueError("X must hold finite numbers and y only 0 and 1 (a binary "
                         "classifier is recorded)")
    return X, y


@contextmanager
def replay(run: Run, snapshot: Snapshot):
    """Inside the ``with``: the model has ``snapshot``'s weights and the optimizer its
    state; the value is ``(loss, step)``: the loss of that iteration after backward, every
    gradient of its graph kept, and ``step()`` (the optimizer's update, which a caller
    may narrate instead). Afterwards the trained weights and state come back."""
    parameters = [p for _, p in run.model.named_parameters()]
    final = [p.data.copy() for p in parameters]
    final_state = run.optimizer.state_dict()
    try:
        set_weights(parameters, snapshot.weights)
        run.optimizer.load_state_dict(snapshot.optimizer_state)
        run.optimizer.zero_grad()
        inputs = run.X if isinstance(run.model, ValueMLP) else run.X.astype(np.float32)
        with np.errstate(all="ignore"):
            loss = run.loss_fn(run.model(FullBatch(inputs, run.y).batch[0]), run.y)
            if isinstance(loss, Tensor):
                loss.backward(retain_graph=True, keep_all_grads=True)
            else:
                loss.backward()  # a Value graph keeps every gradient anyway
            yield loss
    finally:
        set_weights(parameters, final)
        run.optimizer.load_state_dict(final_state)


def set_weights(parameters: list, arrays: list[np.ndarray]) -> None:
    """Write ``arrays`` into the parameters: into a Tensor's own array (a graph built on it
    stays valid), through a `ValueParameter` into its Value."""
    for parameter, array in zip(parameters, arrays, strict=True):
        if isinstance(parameter, ValueParameter):
            parameter.data = array
        else:
            parameter.data[...] = array
