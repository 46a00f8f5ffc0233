"""Loss functions, each a number that says how wrong the network is.

``reduction`` works as in PyTorch: "mean" (default) averages the per-element losses,
"sum" adds them, "none" returns them all.
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ..tensor_functions import cross_entropy as _fused_cross_entropy

__all__ = [
    "cross_entropy", "nll_loss", "mse_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
]

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(who: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{who}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _reduce(per_element: np.ndarray, reduction: str):
    if reduction == "mean":
        return per_element.mean()
    if reduction == "sum":
        return per_element.sum()
    return per_element


def _scale_upstream(upstream, reduction: str, size: int):
    """The upstream gradient of each element before the reduction."""
    if reduction == "mean":
        return upstream / size
    return upstream  # "sum": 1 each; "none": already one per element


def _as_target(who: str, target, input: Tensor) -> np.ndarray:
    target = np.asarray(target.data if isinstance(target, Tensor) else target)
    if target.shape != input.shape:
        raise ValueError(f"{who}: target of shape {target.shape} but input of shape {input.shape}")
    return target.astype(input.data.dtype, copy=False)


# ---- multi-class ----


def cross_entropy(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy: L = -log softmax(logits)[target], from raw logits.

    ``target``: N class indices, or rows of class probabilities / one-hot rows of the
    logits' shape (integer one-hot rows are accepted too). Fused and stable: one node
    whose gradient is softmax(logits) - one_hot(target).
    """
    if type(target) is np.ndarray and target.ndim == 2 and target.dtype.kind in "biu":
        target = target.astype(input.data.dtype)  # an integer one-hot matrix
    return _fused_cross_entropy(input, target, reduction)


def nll_loss(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """Negative log likelihood: -input[n, target[n]] for log-probabilities ``input``
    (so ``nll_loss(log_softmax(x), t) == cross_entropy(x, t)``)."""
    _check_reduction("nll_loss", reduction)
    target = np.asarray(target.data if isinstance(target, Tensor) else target).reshape(-1)
    picked = -input[np.arange(len(target)), target]
    return picked.mean() if reduction == "mean" else picked.sum() if reduction == "sum" else picked


# ---- regression ----


def mse_loss(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """Mean squared error: (1/n) Σ (input - target)²."""
    _check_reduction("mse_loss", reduction)
    if not isinstance(target, Tensor):
        target = Tensor(_as_target("mse_loss", target, input), dtype=input.data.dtype)
    elif target.shape != input.shape:
        raise ValueError(
            f"mse_loss: target of shape {target.shape} but input of shape {input.shape}"
        )
    squared = (input - target) ** 2
    if reduction == "mean":
        return squared.mean()
    return squared.sum() if reduction == "sum" else squared


# ---- binary ----

# PyTorch clamps log(p) at -100 so that p = 0 or 1 gives a large but finite loss.
_LOG_FLOOR = -100.0
_EPSILON = 1e-12


def _learned_target(target) -> Tensor | None:
    """The target itself when it is a Tensor that wants a gradient (a soft label being
    learned, a GAN's target); otherwise None: a plain array of numbers."""
    return target if isinstance(target, Tensor) and target.requires_grad else None


def _bce_rule(node, upstream):
    """∂L/∂p = (p - t) / (p (1 - p)), with the denominator kept away from 0;
    ∂L/∂t = log(1 - p) - log p."""
    probabilities = node.parents[0]
    (reduction,) = node.args
    target, log_p, log_not_p = node._saved
    p = probabilities.data
    scale = _scale_upstream(upstream, reduction, p.size)
    grad = (p - target) / np.maximum(p * (1 - p), _EPSILON)
    grad_p = (scale * grad).astype(p.dtype, copy=False)
    if len(node.parents) == 1:
        return (grad_p,)
    return grad_p, (scale * (log_not_p - log_p)).astype(p.dtype, copy=False)


def binary_cross_entropy(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """L = -[t log p + (1 - t) log(1 - p)] for probabilities p = ``input`` in [0, 1].

    Prefer `binary_cross_entropy_with_logits` on raw scores: a sigmoid that rounds to
    exactly 0 or 1 makes this one lose information (log is floored at -100, as PyTorch).
    A target Tensor with ``requires_grad=True`` gets ∂L/∂t = log(1 - p) - log p.
    """
    _check_reduction("binary_cross_entropy", reduction)
    learned = _learned_target(target)
    target = _as_target("binary_cross_entropy", target, input)
    p = input.data
    if np.any((p < 0) | (p > 1)):
        raise ValueError("binary_cross_entropy: input must be probabilities in [0, 1]; "
                         "for raw scores use binary_cross_entropy_with_logits")
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), _LOG_FLOOR)
        log_not_p = np.maximum(np.log1p(-p), _LOG_FLOOR)
    per_element = -(target * log_p + (1 - target) * log_not_p)
    out = _reduce(per_element, reduction)
    parents = (input,) if learned is None else (input, learned)
    return input._from_op(out, parents, "binary_cross_entropy", _bce_rule, (reduction,),
                          (target, log_p, log_not_p))


def _bce_logits_rule(node, upstream):
    """∂L/∂x = σ(x) - t;  ∂L/∂t = -x."""
    logits = node.parents[0]
    (reduction,) = node.args
    (target,) = node._saved
    x = logits.data
    scale = _scale_upstream(upstream, reduction, x.size)
    small = np.exp(-np.abs(x))
    sigma = np.where(x >= 0, 1, small) / (1 + small)  # σ(x) without overflow
    grad_x = ((sigma - target) * scale).astype(x.dtype, copy=False)
    if len(node.parents) == 1:
        return (grad_x,)
    return grad_x, (-x * scale).astype(x.dtype, copy=False)


def binary_cross_entropy_with_logits(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """Sigmoid + binary cross-entropy in one stable step, on raw scores x:

        L = -[t log σ(x) + (1 - t) log(1 - σ(x))] = max(x, 0) - x t + log(1 + e^-|x|)

    The right-hand form never exponentiates a large positive number, so any x is fine.
    A target Tensor with ``requires_grad=True`` gets ∂L/∂t = -x.
    """
    _check_reduction("binary_cross_entropy_with_logits", reduction)
    learned = _learned_target(target)
    target = _as_target("binary_cross_entropy_with_logits", target, input)
    x = input.data
    per_element = np.maximum(x, 0) - x * target + np.log1p(np.exp(-np.abs(x)))
    out = _reduce(per_element, reduction)
    parents = (input,) if learned is None else (input, learned)
    return input._from_op(
        out, parents, "binary_cross_entropy_with_logits", _bce_logits_rule, (reduction,),
        (target,)
    )
