"""The softmax cross-entropy loss, fused and numerically stable: the one
`cross_entropy` of the package (``tinygrad_edu.cross_entropy`` and
``nn.functional.cross_entropy`` are this same function).

    L = -Σ_c t_c log softmax(x)_c        ∂L/∂x = softmax(x) Σ_c t_c - t,   ∂L/∂t = -log softmax(x)

For class indices t is a one-hot row, so Σ t = 1 and ∂L/∂x = softmax(x) - one_hot(t).
"""

from __future__ import annotations

import numpy as np

from . import ops
from .autograd import Node
from .tensor import Tensor

__all__ = ["cross_entropy"]

_REDUCTIONS = ("mean", "sum", "none")


def _scale(upstream, reduction: str, rows: int):
    """The upstream gradient of each sample (one row) before the reduction."""
    if reduction == "mean":
        return upstream / rows
    if reduction == "sum":
        return upstream
    return upstream.reshape(-1, 1)  # "none": one upstream per sample


@ops.declare("cross_entropy", symbol="CE",
             math="∂CE/∂x = softmax(x)·Σt - t,  ∂CE/∂t = -log softmax(x)",
             local=("softmax({0}) − target", "−log softmax({0})"),
             local_ko=("softmax({0}) − 정답", "−log softmax({0})"),
             forward=lambda args, logits, *learned: _cross_entropy_data(logits, *args, *learned)[0])
def _cross_entropy_rule(node, upstream):
    reduction, soft = node.args[:2]
    logits = node.parents[0]
    learned = len(node.parents) == 2  # the target is a Tensor that wants a gradient
    log_probs, target = node.saved
    rows = len(log_probs)
    if isinstance(upstream, Node):  # create_graph: the same math, recorded as Tensor ops
        log_probs = logits.data.reshape(*log_probs.shape).log_softmax(axis=1)
        if learned:
            target = node.parents[1].data.reshape(*log_probs.shape)
        grad = log_probs.exp()
        if soft:
            grad = grad * target.sum(axis=1, keepdims=True) - target
        else:
            one_hot = np.zeros(log_probs.shape, dtype=log_probs.dtype)
            one_hot[np.arange(rows), target] = 1
            grad = grad - one_hot
    else:  # the ordinary pass: in place, as few arrays as hand-written numpy
        grad = np.exp(log_probs)
        if soft:
            grad = grad * target.sum(axis=1, keepdims=True) - target
        else:
            grad[np.arange(rows), target] -= 1  # one position per row: no repeats
    scale = _scale(upstream, reduction, rows)
    if isinstance(upstream, Node):
        grad_logits = (grad * scale).reshape(*logits.shape)
    else:
        grad *= scale  # in place: no array beyond the softmax itself
        grad_logits = grad.reshape(logits.shape)
    if not learned:
        return (grad_logits,)
    return grad_logits, (-log_probs * scale).reshape(*node.parents[1].shape)


def _checked_targets(target, logits_shape: tuple, rows: int, classes: int):
    """Targets as (array, soft): soft rows of shape (N, C) for probabilities and one-hot
    rows (float; int or bool when the logits are (N, C)), else N class indices. Every
    shape PyTorch refuses is refused here, in one line."""
    if isinstance(target, Tensor):
        target = target.data
    elif type(target) is not np.ndarray:
        target = np.asarray(target)
    one_sample = len(logits_shape) == 1
    if target.dtype.kind in "biu" and target.shape == logits_shape and not one_sample:
        target = _one_hot_rows(target)  # probabilities 0 and 1
    if target.dtype.kind == "f":
        if target.shape != logits_shape:
            raise ValueError(
                f"cross_entropy: float targets are class probabilities and need the logits' "
                f"shape {logits_shape}, got {target.shape}; pass class indices as integers"
            )
        return target.reshape(rows, classes), True
    if target.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: targets must be integer class indices, one-hot "
                        f"rows or probabilities, got {target.dtype}")
    if one_sample and target.shape not in ((), (1,)):
        raise ValueError(
            f"cross_entropy: logits of shape {logits_shape} are one sample, so the target is "
            f"one class index (shape ()), got integers of shape {target.shape}; for "
            f"{target.size} samples give logits of shape ({target.size}, C), for a one-hot "
            "row give floats")
    if not one_sample and target.size != rows:
        raise ValueError(f"cross_entropy: logits of shape {logits_shape} need {rows} targets, "
                         f"got {target.size}")
    if not one_sample and target.shape != (rows,):
        hint = ("; drop the last axis (target.reshape(-1))" if target.shape == (rows, 1)
                else "")
        raise ValueError(
            f"cross_entropy: logits of shape {logits_shape} need {rows} class indices of "
            f"shape ({rows},), one per row, got shape {target.shape}{hint}")
    target = target.reshape(-1)
    if rows and (target.min() < 0 or target.max() >= classes):
        bad = target[(target < 0) | (target >= classes)][0]
        raise ValueError(f"cross_entropy: target {bad} is out of range for {classes} classes")
    return target, False


def _one_hot_rows(target: np.ndarray) -> np.ndarray:
    """Integer or bool targets of the logits' shape (N, C) as one-hot float rows; a row
    that is not one 1 among 0s is refused (it would give a loss of something else)."""
    zero_or_one = (target == 0) | (target == 1)
    ones = (target == 1).sum(axis=1)
    if not zero_or_one.all() or (ones != 1).any():
        row = int(np.flatnonzero(~zero_or_one.all(axis=1) | (ones != 1))[0])
        raise ValueError(
            f"cross_entropy: integer targets of the logits' shape {target.shape} are read as "
            f"one-hot rows, but row {row} is {target[row].tolist()}, not one 1 among 0s; give "
            f"class indices of shape ({target.shape[0]},) or float probabilities")
    return target.astype(np.float64)


def cross_entropy(logits: Tensor, target, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy, fused: -log softmax(logits)[target], stable for any logits.

    ``logits``: shape (N, C), or (C,) for one sample. ``target``, any of:

    * N class indices (integers in [0, C)), as ``[2, 0, 1]``; one index for one sample;
    * one-hot rows of the logits' shape: float, or integer/bool for (N, C) logits;
    * class probabilities of the logits' shape (soft labels); a target Tensor with
      ``requires_grad=True`` gets ∂L/∂t = -log softmax(logits).

    ``reduction``: "mean" (default; the average over the N samples), "sum" or "none".
    """
    if not isinstance(logits, Tensor):
        logits = Tensor(logits)
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"cross_entropy: reduction must be 'mean', 'sum' or 'none', got {reduction!r}"
        )
    if logits.ndim not in (1, 2):
        raise ValueError(
            f"cross_entropy: logits must have shape (N, C) or (C,), got {logits.shape}"
        )
    learned = target if isinstance(target, Tensor) and target.requires_grad else None
    x = logits.data if logits.ndim == 2 else logits.data[None, :]
    target, soft = _checked_targets(target, logits.shape, *x.shape)
    if soft:
        target = target.astype(x.dtype, copy=False)
    elif learned is not None:
        learned = None  # class indices are integers: nothing to differentiate
    out, log_probs = _cross_entropy_data(logits.data, reduction, soft, target)
    parents = (logits,) if learned is None else (logits, learned)
    # the target is in args too, so that the declared forward can recompute the loss
    return ops.apply(_cross_entropy_rule, out, parents, (reduction, soft, target),
                     (log_probs, target))


def _cross_entropy_data(logits: np.ndarray, reduction: str, soft: bool, target: np.ndarray,
                        learned: np.ndarray | None = None) -> tuple:
    """The loss and the log-probabilities, for targets checked by `_checked_targets`;
    ``learned``: the data of a target that is a parent (its own numbers replace
    ``target``'s)."""
    x = logits if logits.ndim == 2 else logits[None, :]
    if learned is not None:
        target = learned.reshape(x.shape)
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
    return out, log_probs
