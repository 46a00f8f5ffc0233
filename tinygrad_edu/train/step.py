"""One training step: the lecture's four lines, as a function::

    optimizer.zero_grad()            # forget the last step's gradients
    output = model(x)                # forward
    loss = loss_fn(output, y)
    loss.backward()                  # backpropagation: every parameter's ∂L/∂w
    optimizer.step()                 # update: w ← w − η·∂L/∂w (or the optimizer's rule)

`train_step(model, loss_fn, optimizer, x, y)` runs exactly those lines and returns
``(output, loss)``. `fit` is epochs × batches × `train_step`; a loop you write yourself
calls it too. ``before_update`` sees the step between backpropagation and the update
(the gradients are there, the weights not yet moved): that is where `fit`'s callbacks
measure gradients and refuse a loss that is not finite.

`predict(model, x)` is the model's output in evaluation mode without a graph, for
many samples at once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..autograd import no_grad
from ..tensor import Tensor

__all__ = ["train_step", "predict"]


def train_step(model, loss_fn: Callable, optimizer, x, y,
               before_update: Callable | None = None):
    """Zero the gradients, run forward, backpropagate, update; returns ``(output, loss)``.

    ``before_update(output, loss)``, when given, runs after ``loss.backward()`` and
    before ``optimizer.step()``; if it raises, the weights are not updated.
    """
    optimizer.zero_grad()
    output = model(x)
    loss = loss_fn(output, y)
    loss.backward()
    if before_update is not None:
        before_update(output, loss)
    optimizer.step()
    return output, loss


def predict(model, x, batch_size: int = 2048) -> np.ndarray:
    """``model``'s outputs for the rows of ``x`` as an array: in evaluation mode (no
    dropout, batch norm's running statistics), without a graph, ``batch_size`` rows at a
    time. The model's training mode is put back afterwards."""
    x = np.asarray(x.data if isinstance(x, Tensor) else x)
    was_training = getattr(model, "training", True)
    if hasattr(model, "eval"):
        model.eval()
    try:
        with no_grad():
            outputs = [np.asarray(_numbers(model(Tensor(x[i:i + batch_size]))))
                       for i in range(0, len(x), batch_size)]
    finally:
        if hasattr(model, "train"):
            model.train(was_training)
    return np.concatenate(outputs)


def _numbers(output):
    """A Tensor's array, or the floats of a list of Values (a scalar network's batch)."""
    if isinstance(output, Tensor):
        return output.data
    return np.array([float(value.data) for value in output])
