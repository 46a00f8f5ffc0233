"""Training: one step, the loop, and the record of a run.

One step is the lecture's four lines, `train_step`::

    optimizer.zero_grad()
    loss = loss_fn(model(x), y)      # forward
    loss.backward()                  # backpropagation
    optimizer.step()                 # update

`fit` runs it for every batch of every epoch and calls callbacks around it; its
`Recorder` keeps what happened in a `History` (the pages and the live view show only
that). Files:

* ``step.py``      -- `train_step`, `predict`
* ``loop.py``      -- `fit`
* ``callbacks.py`` -- `Callback`, `FitState`, `EarlyStopping`
* ``recorder.py``  -- `Recorder`; ``measures.py`` -- `gradient_norms`, `boundary_grid`, ...
* ``history.py``   -- `History`, `Snapshot`
* ``metrics.py``   -- `METRICS`, `evaluate`
* ``guards.py``    -- refusing what cannot train; `NonFiniteLossError`, `FitInterrupted`
* ``watchers.py``  -- the progress bar and the loggers as callbacks
* ``progress.py``  -- the bar and the epoch lines; ``loggers.py`` -- TensorBoard, CSV, JSON
"""

from ..data.loader import FullBatch
from ..nn.functional import accuracy
from .callbacks import Callback, CallbackList, EarlyStopping, FitState
from .guards import FitInterrupted, NonFiniteLossError
from .history import History, Snapshot
from .loop import fit
from .measures import (
    boundary_grid,
    dead_layer_text,
    gradient_norms,
    parameter_layers,
    probabilities,
    snapshot_iterations,
)
from .metrics import METRICS, evaluate
from .recorder import Recorder
from .step import predict, train_step

__all__ = [
    "train_step", "fit", "evaluate", "predict", "FullBatch",
    "History", "Snapshot", "Recorder", "Callback", "CallbackList", "EarlyStopping", "FitState",
    "FitInterrupted", "NonFiniteLossError", "accuracy", "METRICS",
    "gradient_norms", "parameter_layers", "boundary_grid", "probabilities",
    "snapshot_iterations", "dead_layer_text",
]
