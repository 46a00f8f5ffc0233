"""Loss functions, each a number that says how wrong the network is.

``reduction`` works as in PyTorch: "mean" (default) averages the per-element losses,
"sum" adds them, "none" returns them all.
"""

from __future__ import annotations

import numpy as np

from .. import ops
from ..autograd import Node
from ..tensor import Tensor
from ..tensor_losses import cross_entropy

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
# cross_entropy is the package's one softmax cross-entropy (tinygrad_edu.tensor_losses),
# imported above: F.cross_entropy is tinygrad_edu.cross_entropy.


def nll_loss(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """Negative log likelihood: -input[n, target[n]] for log-probabilities ``input``
    (so ``nll_loss(log_softmax(x), t) == cross_entropy(x, t)``)."""
    _check_reduction("nll_loss", reduction)
    target = np.asarray(target.data if isinstance(target, Tensor) else target)
    if input.ndim not in (1, 2):
        raise ValueError(f"nll_loss: input must have shape (N, C) or (C,), got {input.shape}")
    rows, classes = (input.shape if input.ndim == 2 else (None, input.shape[0]))
    wanted = ((rows,),) if rows is not None else ((), (1,))
    if target.dtype.kind not in "iu" or target.shape not in wanted:
        raise ValueError(f"nll_loss: input of shape {input.shape} needs integer class "
                         f"indices of shape {wanted[0]}, got {target.dtype} of shape "
                         f"{target.shape}")
    target = target.reshape(-1)
    if target.size and (target.min() < 0 or target.max() >= classes):
        raise ValueError(f"nll_loss: target {target[(target < 0) | (target >= classes)][0]} "
                         f"is out of range for {classes} classes")
    if rows is None:  # one sample: every reduction gives its one loss
        return -input[int(target[0])]
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


def _targets_of(node):
    """The target as a rule needs it: the learned target parent when there is one (its
    Tensor under create_graph), else the saved array."""
    return node.parents[1].data if len(node.parents) == 2 else node.saved[0]


@ops.declare("binary_cross_entropy", symbol="BCE",
             math="∂L/∂p = (p - t) / (p (1 - p)),  ∂L/∂t = log(1 - p) - log p",
             local=("({0} − target) / ({0}·(1 − {0}))", "log(1 − {0}) − log {0}"),
             local_ko=("({0} − 정답) / ({0}·(1 − {0}))", "log(1 − {0}) − log {0}"),
             forward=lambda args, p, *learned: _bce_data(p, *args, *learned)[0])
def _bce_rule(node, upstream):
    """∂L/∂p = (p - t) / (p (1 - p)), with the denominator kept away from 0 in the
    ordinary pass; ∂L/∂t = log(1 - p) - log p (logs floored at -100, as the loss)."""
    probabilities = node.parents[0]
    reduction = node.args[0]
    p, target = probabilities.data, _targets_of(node)
    scale = _scale_upstream(upstream, reduction, int(np.prod(probabilities.shape)))
    learned = len(node.parents) == 2
    if isinstance(upstream, Node):  # create_graph: the same math as Tensor ops
        grad_p = scale * (p - target) / (p * (1 - p))
        grad_t = scale * (ops.log(1 - p) - ops.log(p)) if learned else None
        return (grad_p, grad_t) if learned else (grad_p,)
    _, log_p, log_not_p = node.saved
    grad = (p - target) / np.maximum(p * (1 - p), _EPSILON)
    grad_p = (scale * grad).astype(p.dtype, copy=False)
    if not learned:
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
    out, log_p, log_not_p = _bce_data(p, reduction, target)
    parents = (input,) if learned is None else (input, learned)
    # the target is in args too, so that the declared forward can recompute the loss
    return ops.apply(_bce_rule, out, parents, (reduction, target), (target, log_p, log_not_p))


def _bce_data(p: np.ndarray, reduction: str, target: np.ndarray,
              learned: np.ndarray | None = None) -> tuple:
    """The loss and its floored logs; ``learned``: a target parent's data (replaces
    ``target``)."""
    if learned is not None:
        target = learned
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = np.maximum(np.log(p), _LOG_FLOOR)
        log_not_p = np.maximum(np.log1p(-p), _LOG_FLOOR)
    per_element = -(target * log_p + (1 - target) * log_not_p)
    return _reduce(per_element, reduction), log_p, log_not_p


@ops.declare("binary_cross_entropy_with_logits", symbol="BCE(σ)",
             math="∂L/∂x = σ(x) - t,  ∂L/∂t = -x",
             local=("σ({0}) − target", "−{0}"), local_ko=("σ({0}) − 정답", "−{0}"),
             forward=lambda args, x, *learned: _bce_logits_data(x, *args, *learned))
def _bce_logits_rule(node, upstream):
    """∂L/∂x = σ(x) - t;  ∂L/∂t = -x (the same arithmetic on arrays and Tensors)."""
    logits = node.parents[0]
    reduction = node.args[0]
    x, target = logits.data, _targets_of(node)
    scale = _scale_upstream(upstream, reduction, int(np.prod(logits.shape)))
    grad_x = (ops.sigmoid(x) - target) * scale
    if len(node.parents) == 1:
        return (grad_x,)
    return grad_x, -x * scale


def binary_cross_entropy_with_logits(input: Tensor, target, reduction: str = "mean") -> Tensor:
    """Sigmoid + binary cross-entropy in one stable step, on raw scores x:

        L = -[t log σ(x) + (1 - t) log(1 - σ(x))] = max(x, 0) - x t + log(1 + e^-|x|)

    The right-hand form never exponentiates a large positive number, so any x is fine.
    A target Tensor with ``requires_grad=True`` gets ∂L/∂t = -x.
    """
    _check_reduction("binary_cross_entropy_with_logits", reduction)
    learned = _learned_target(target)
    target = _as_target("binary_cross_entropy_with_logits", target, input)
    out = _bce_logits_data(input.data, reduction, target)
    parents = (input,) if learned is None else (input, learned)
    return ops.apply(_bce_logits_rule, out, parents, (reduction, target), (target,))


def _bce_logits_data(x: np.ndarray, reduction: str, target: np.ndarray,
                     learned: np.ndarray | None = None):
    if learned is not None:
        target = learned
    per_element = np.maximum(x, 0) - x * target + np.log1p(np.exp(-np.abs(x)))
    return _reduce(per_element, reduction)
