"""An optimizer walking a function of one point: the lecture's comparison of SGD,
Momentum, AdaGrad, RMSProp and Adam on f(x, y) = x²/20 + y².

`optimizer_walk(function, start, optimizer_class, options, steps)` puts a point at
``start`` and takes ``steps`` `train_step`s on it (the "model" is the function, its
input the point, its loss its value). It returns the points visited, the value at each,
and before every update a `Snapshot` of the point, its gradient and the optimizer's
state -- what a page needs to explain each move (`viz.training.paths` replays them).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..tensor import Tensor
from .history import Snapshot
from .step import train_step

__all__ = ["optimizer_walk"]


def optimizer_walk(function: Callable[[Tensor], Tensor], start, optimizer_class: type,
                   options: dict, steps: int) -> dict:
    """``{"points": (steps + 1) × 2, "values": steps + 1, "snapshots": steps}``."""
    point = Tensor(np.array(start, dtype=np.float64), requires_grad=True, dtype=np.float64)
    optimizer = optimizer_class([point], **options)
    points, values, snapshots = [point.data.copy()], [], []

    def keep(value, loss) -> None:  # after backward, before the update
        snapshots.append(Snapshot(len(snapshots), [point.data.copy()], optimizer.state_dict(),
                                  gradients=[np.array(point.grad, copy=True)]))

    for _ in range(steps):
        value, _ = train_step(function, lambda value, _: value, optimizer, point, None, keep)
        values.append(float(value.item()))
        points.append(point.data.copy())
    values.append(float(function(point).item()))
    return {"points": np.array(points), "values": values, "snapshots": snapshots}
