"""Gradient clipping, against exploding gradients (``torch.nn.utils`` has the same two).

When gradients grow layer after layer (the lecture's "gradient exploding"), one step
can throw the weights far away. Clipping caps the step before the optimizer takes it::

    loss.backward()
    clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()

Both functions are re-exported by `tinygrad_edu.optim`. This module imports nothing
from ``optim``, so ``optim`` can import it without a cycle.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ..tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _tensors_of(parameters) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        return [parameters]
    return [p for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters: Iterable[Tensor] | Tensor, max_norm: float,
                    norm_type: float = 2.0) -> float:
    """Scale all gradients together so that their joint norm is at most ``max_norm``.

    total = (Σ_p ‖g_p‖^q)^(1/q) over all parameters (q = ``norm_type``; ``inf`` takes
    the largest |g|); if total > max_norm every g becomes g · max_norm / (total + 1e-6).
    The direction of the step is kept, only its length is capped. Returns the total
    norm before clipping. Gradients are replaced by new arrays, not changed in place.
    """
    params = _tensors_of(parameters)
    if not params:
        return 0.0
    if math.isinf(norm_type):
        total = max(float(np.max(np.abs(p.grad))) for p in params)
    else:
        total = sum(float(np.sum(np.abs(p.grad, dtype=np.float64) ** norm_type))
                    for p in params) ** (1.0 / norm_type)
    coefficient = max_norm / (total + 1e-6)
    if coefficient < 1:
        for param in params:
            param.grad = param.grad * param.grad.dtype.type(coefficient)
    return total


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float) -> None:
    """Clamp every gradient element into [-clip_value, clip_value] (new arrays)."""
    for param in _tensors_of(parameters):
        param.grad = np.clip(param.grad, -clip_value, clip_value)
