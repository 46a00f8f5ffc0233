"""Tensor ops that take several tensors or are not methods: cat, stack, where, and
the fused, numerically stable cross-entropy loss."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .tensor import Tensor, tensors_of
from .tensor_math import unbroadcast
from .tensor_shape import single_axis

__all__ = ["cat", "stack", "where", "cross_entropy"]


def _cat_rule(node, upstream):  # each input gets back its own slice of the gradient
    (axis, sizes) = node.args
    return tuple(np.split(upstream, np.cumsum(sizes)[:-1], axis=axis))


def cat(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis (numpy's ``concatenate``)."""
    tensors = tensors_of(tensors, "cat")
    axis = single_axis("cat", axis, tensors[0].shape)
    try:
        out = np.concatenate([t.data for t in tensors], axis=axis)
    except ValueError:
        shapes = ", ".join(str(t.shape) for t in tensors)
        raise ValueError(f"cat: cannot join shapes {shapes} along axis {axis}") from None
    sizes = tuple(t.shape[axis] for t in tensors)
    return tensors[0]._from_op(out, tuple(tensors), "cat", _cat_rule, (axis, sizes))


def _stack_rule(node, upstream):  # each input gets back its own layer of the gradient
    (axis,) = node.args
    return tuple(np.take(upstream, i, axis=axis) for i in range(upstream.shape[axis]))


def stack(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis."""
    tensors = tensors_of(tensors, "stack")
    axis = single_axis("stack", axis, tensors[0].shape + (len(tensors),))
    try:
        out = np.stack([t.data for t in tensors], axis=axis)
    except ValueError:
        shapes = ", ".join(str(t.shape) for t in tensors)
        raise ValueError(f"stack: needs tensors of one shape, got {shapes}") from None
    return tensors[0]._from_op(out, tuple(tensors), "stack", _stack_rule, (axis,))


def _where_rule(node, upstream):  # the gradient goes to whichever side was chosen
    x, y = node.parents
    (condition,) = node.args
    zero = np.zeros((), dtype=upstream.dtype)
    grad_x = unbroadcast(np.where(condition, upstream, zero), x.shape) if x.requires_grad else None
    grad_y = unbroadcast(np.where(condition, zero, upstream), y.shape) if y.requires_grad else None
    return grad_x, grad_y


def where(condition, x, y) -> Tensor:
    """Elementwise ``x if condition else y``, broadcasting all three."""
    x, y = tensors_of([x, y], "where")
    condition = np.asarray(condition.data if isinstance(condition, Tensor) else condition)
    if condition.dtype != bool:
        condition = condition != 0
    try:
        out = np.where(condition, x.data, y.data)
    except ValueError:
        raise ValueError(
            f"where: shapes {condition.shape} (condition), {x.shape} and {y.shape} "
            "cannot be broadcast together"
        ) from None
    return x._from_op(out, (x, y), "where", _where_rule, (condition,))


def _cross_entropy_rule(node, upstream):
    """d loss/d logits = softmax(logits) - target (one-hot), scaled by the reduction."""
    (reduction, soft) = node.args
    log_probs, target = node._saved
    grad = np.exp(log_probs)
    if soft:
        grad = grad * target.sum(axis=-1, keepdims=True) - target
    else:
        grad[np.arange(len(target)), target] -= 1  # one position per row: no repeats
    if reduction == "mean":
        grad *= upstream / len(grad)
    elif reduction == "sum":
        grad *= upstream
    else:
        grad *= np.reshape(upstream, (-1, 1))
    return (grad.reshape(node.parents[0].shape),)


def _checked_targets(target, logits_shape: tuple, rows: int, classes: int):
    """Targets as (array, soft): N class indices, or (N, C) probabilities when float."""
    if isinstance(target, Tensor):
        target = target.data
    elif type(target) is not np.ndarray:
        target = np.asarray(target)
    if target.dtype.kind == "f":
        if target.shape != logits_shape:
            raise ValueError(
                f"cross_entropy: float targets are class probabilities and need the logits' "
                f"shape {logits_shape}, got {target.shape}; pass class indices as integers"
            )
        return target.reshape(rows, classes), True
    if target.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: targets must be integer class indices, got {target.dtype}")
    target = target.reshape(-1)
    if len(target) != rows:
        raise ValueError(
            f"cross_entropy: logits of shape {logits_shape} need {rows} targets, got {len(target)}"
        )
    if rows and (target.min() < 0 or target.max() >= classes):
        bad = target[(target < 0) | (target >= classes)][0]
        raise ValueError(f"cross_entropy: target {bad} is out of range for {classes} classes")
    return target, False


def cross_entropy(logits: Tensor, target, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy, fused: -log softmax(logits)[target], stable for any logits.

    ``logits``: shape (N, C), or (C,) for one sample. ``target``: N class indices
    (integers in [0, C)), or class probabilities / one-hot rows of the logits' shape.
    ``reduction``: "mean" (default), "sum" or "none".
    """
    if not isinstance(logits, Tensor):
        logits = Tensor(logits)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(
            f"cross_entropy: reduction must be 'mean', 'sum' or 'none', got {reduction!r}"
        )
    if logits.ndim not in (1, 2):
        raise ValueError(
            f"cross_entropy: logits must have shape (N, C) or (C,), got {logits.shape}"
        )
    x = logits.data if logits.ndim == 2 else logits.data[None, :]
    target, soft = _checked_targets(target, logits.shape, *x.shape)
    if soft:
        target = target.astype(x.dtype, copy=False)
    # log softmax, shifted by the row maximum so that exp never overflows
    shifted = x - x.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    if soft:
        per_sample = -(target * log_probs).sum(axis=1)
    else:
        per_sample = -log_probs[np.arange(len(target)), target]
    if reduction == "mean":
        out = per_sample.sum() / len(per_sample)
    elif reduction == "sum":
        out = per_sample.sum()
    else:
        out = per_sample if logits.ndim == 2 else per_sample[0]
    return logits._from_op(
        out, (logits,), "cross_entropy", _cross_entropy_rule, (reduction, soft), (log_probs, target)
    )
