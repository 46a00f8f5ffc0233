"""Reductions of `Tensor` -- sum, mean, max/min, var, logsumexp, softmax -- each one
unit: its rule, declared with its math, drawing text and pure forward (the ``_*_data``
function the method calls too), then the method.

A reduction over no element follows PyTorch: an empty result when the kept axes are
empty, nan for a mean/var over an empty axis, and an error for max/min over one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .ops import data_of, declare, exp, piecewise
from .tensor_shape import expand_to, normalize_axes, single_axis

if TYPE_CHECKING:  # only for the annotations: tensor.py imports this module
    from .tensor import Tensor

__all__ = ["reduce_sum", "mean", "extreme", "var", "arg_extreme", "logsumexp", "softmax",
           "log_softmax"]


def _spread(upstream, axes: tuple, keepdims: bool, shape: tuple):
    """Undo a reduction's shape: put back the reduced axes and broadcast along them."""
    if not keepdims:
        kept = list(shape)
        for ax in axes:
            kept[ax] = 1
        upstream = upstream.reshape(tuple(kept))
    return expand_to(upstream, shape)


def _count(shape: tuple, axes: tuple) -> int:
    count = 1
    for ax in axes:
        count *= shape[ax]
    return count


@declare("sum", symbol="Σ", math="∂(Σ a)/∂aᵢ = 1 for every element summed",
         local=("1, copied back to every summed element",), local_ko=("1, 합한 모든 원소로 복사",),
         forward=lambda args, x: x.sum(axis=args[0], keepdims=args[1]))
def _sum_rule(node, upstream):
    (a,), (axes, keepdims) = node.parents, node.args
    return (_spread(upstream, axes, keepdims, a.data.shape),)


def reduce_sum(a: Tensor, axis=None, keepdims: bool = False) -> Tensor:
    """Σ over ``axis`` (None: every element; an int or a tuple of ints)."""
    axes = normalize_axes("sum", axis, a.data.shape)
    out = a.data.sum(axis=axes, keepdims=keepdims)
    return a.from_op(out, (a,), "sum", _sum_rule, (axes, keepdims))


def _mean_data(x: np.ndarray, axes: tuple, keepdims: bool) -> np.ndarray:
    data = x if x.dtype.kind == "f" else x.astype(np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = data.sum(axis=axes, keepdims=keepdims) / data.dtype.type(
            _count(data.shape, axes) or np.nan)
    return np.asarray(out, dtype=data.dtype)


@declare("mean", symbol="mean", math="∂(mean a)/∂aᵢ = 1/N",
         local=("1/N, copied back to every averaged element",),
         local_ko=("1/N, 평균낸 모든 원소로 복사",),
         forward=lambda args, x: _mean_data(x, *args))
def _mean_rule(node, upstream):
    (a,), (axes, keepdims) = node.parents, node.args
    count = _count(a.data.shape, axes)
    return (_spread(upstream / max(count, 1), axes, keepdims, a.data.shape),)


def mean(a: Tensor, axis=None, keepdims: bool = False) -> Tensor:
    """The average over ``axis``; nan over an empty axis (as PyTorch)."""
    axes = normalize_axes("mean", axis, a.data.shape)
    return a.from_op(_mean_data(a.data, axes, keepdims), (a,), "mean", _mean_rule,
                     (axes, keepdims))


@declare("max", symbol="max", math="∂(max a)/∂aᵢ = 1 where aᵢ is the max (shared on ties)",
         local=("1 where the maximum is, else 0",), local_ko=("최댓값 위치는 1, 나머지는 0",),
         forward=lambda args, x: _extreme_data("max", np.max, x, *args))
def _extreme_rule(node, upstream):
    """max/min: the gradient goes to the element that was picked. Tie rule: when several
    elements share the extreme value, they share the gradient equally (a valid
    subgradient, and the same choice as PyTorch's amax/amin)."""
    (a,), (axes, keepdims) = node.parents, node.args
    out = data_of(node.data)
    kept = out if keepdims else np.expand_dims(out, axes)
    picked = data_of(a.data) == kept
    count = picked.sum(axis=axes, keepdims=True)
    share = (picked / np.maximum(count, 1)).astype(upstream.dtype)  # constant on each piece
    return (_spread(upstream, axes, keepdims, a.data.shape) * piecewise(share, a.data),)


@declare("min", symbol="min", math="∂(min a)/∂aᵢ = 1 where aᵢ is the min (shared on ties)",
         local=("1 where the minimum is, else 0",), local_ko=("최솟값 위치는 1, 나머지는 0",),
         forward=lambda args, x: _extreme_data("min", np.min, x, *args))
def _min_rule(node, upstream):  # the same rule as max: the picked elements share it
    return _extreme_rule(node, upstream)


def extreme(op: str, reduce, a: Tensor, axis=None, keepdims: bool = False) -> Tensor:
    """max or min over ``axis``."""
    rule = _extreme_rule if op == "max" else _min_rule
    axes = normalize_axes(op, axis, a.data.shape)
    return a.from_op(_extreme_data(op, reduce, a.data, axes, keepdims), (a,), op, rule,
                     (axes, keepdims))


def _extreme_data(op: str, reduce, x: np.ndarray, axes: tuple, keepdims: bool) -> np.ndarray:
    reduced_empty = any(x.shape[ax] == 0 for ax in axes)
    if reduced_empty and _count(x.shape, tuple(set(range(x.ndim)) - set(axes))):
        raise ValueError(f"{op}: cannot reduce over an empty axis of a tensor of shape "
                         f"{x.shape} (there is no largest or smallest of nothing)")
    if reduced_empty:  # and nothing kept: the result is empty too
        kept = tuple(1 if i in axes else size for i, size in enumerate(x.shape))
        out = np.zeros(kept, x.dtype)
        return out if keepdims else out.reshape([s for i, s in enumerate(kept) if i not in axes])
    return reduce(x, axis=axes, keepdims=keepdims)


@declare("var", symbol="var", math="∂var(a)/∂aᵢ = 2(aᵢ − mean)/(N − correction)",
         local=("2({0} − mean)/(N − c)",), local_ko=("2({0} − 평균)/(N − c)",),
         forward=lambda args, x: _var_data(x, *args))
def _var_rule(node, upstream):
    (a,), (axes, keepdims, correction) = node.parents, node.args
    x = a.data
    centred = x - x.mean(axis=axes, keepdims=True)
    degrees = _count(x.shape, axes) - correction
    scale = 2 / degrees if degrees > 0 else np.nan
    return (_spread(upstream, axes, keepdims, x.shape) * (centred * scale),)


def var(a: Tensor, axis=None, correction: int = 1, keepdims: bool = False) -> Tensor:
    """Σ(aᵢ − mean)² / (N − correction): ``correction=1`` is the sample variance (PyTorch's
    default), 0 the population variance."""
    axes = normalize_axes("var", axis, a.data.shape)
    return a.from_op(_var_data(a.data, axes, keepdims, correction), (a,), "var", _var_rule,
                     (axes, keepdims, correction))


def _var_data(x: np.ndarray, axes: tuple, keepdims: bool, correction: int) -> np.ndarray:
    count = _count(x.shape, axes)
    with np.errstate(invalid="ignore", divide="ignore"):
        centred = x - x.mean(axis=axes, keepdims=True)
        out = (centred * centred).sum(axis=axes, keepdims=keepdims) / x.dtype.type(
            count - correction if count > correction else np.nan)
    return np.asarray(out, x.dtype)


def arg_extreme(op: str, find, a: Tensor, axis=None, keepdims: bool = False) -> Tensor:
    """argmax/argmin: int64 positions, no gradient (a constant)."""
    if a.data.size == 0:
        raise ValueError(f"{op}: a tensor of shape {a.shape} has no elements to pick from")
    if axis is None:
        out = find(a.data.reshape(-1), axis=0)
        if keepdims:
            out = np.reshape(out, (1,) * a.data.ndim)
    else:
        out = find(a.data, axis=single_axis(op, axis, a.data.shape), keepdims=keepdims)
    return a._constant_of(np.asarray(out, dtype=np.int64))


@declare("logsumexp", symbol="logΣexp", math="∂ log Σ eᵃ/∂aᵢ = softmax(a)ᵢ",
         local=("softmax({0})",), forward=lambda args, x: _logsumexp_data(x, *args))
def _logsumexp_rule(node, upstream):
    (a,), (axes, keepdims) = node.parents, node.args
    out = _spread(node.data, axes, keepdims, a.data.shape)
    return (_spread(upstream, axes, keepdims, a.data.shape) * exp(a.data - out),)


def logsumexp(a: Tensor, axis=None, keepdims: bool = False) -> Tensor:
    """log Σ eᵃ over ``axis``, shifted by the max so that exp never overflows."""
    axes = normalize_axes("logsumexp", axis, a.data.shape)
    return a.from_op(_logsumexp_data(a.data, axes, keepdims), (a,), "logsumexp",
                     _logsumexp_rule, (axes, keepdims))


def _logsumexp_data(x: np.ndarray, axes: tuple, keepdims: bool) -> np.ndarray:
    if x.size == 0:
        shift = np.zeros([1 if i in axes else s for i, s in enumerate(x.shape)], x.dtype)
    else:
        shift = x.max(axis=axes, keepdims=True)
        shift = np.where(np.isfinite(shift), shift, 0)
    with np.errstate(divide="ignore"):
        out = np.log(np.exp(x - shift).sum(axis=axes, keepdims=True)) + shift
    if not keepdims:
        out = out.reshape([s for i, s in enumerate(x.shape) if i not in axes])
    return out.astype(x.dtype, copy=False)


@declare("softmax", symbol="softmax", math="∂sᵢ/∂aⱼ = sᵢ(δᵢⱼ − sⱼ)",
         local=("{out}·(upstream − Σ upstream·{out})",),
         forward=lambda args, x: _softmax_data(x, args[0]))
def _softmax_rule(node, upstream):
    (axis,) = node.args
    s = node.data
    return (s * (upstream - (upstream * s).sum(axis=axis, keepdims=True)),)


def softmax(a: Tensor, axis: int = -1) -> Tensor:
    """eᵃ / Σ eᵃ along ``axis``, shifted by the max so that exp never overflows."""
    axis = single_axis("softmax", axis, a.data.shape)
    return a.from_op(_softmax_data(a.data, axis), (a,), "softmax", _softmax_rule, (axis,))


def _softmax_data(x: np.ndarray, axis: int) -> np.ndarray:
    if x.size == 0:
        return x.copy()
    shifted = np.exp(x - x.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


@declare("log_softmax", symbol="log softmax", math="∂ log sᵢ/∂aⱼ = δᵢⱼ − sⱼ",
         local=("upstream − softmax({0})·Σ upstream",),
         forward=lambda args, x: _log_softmax_data(x, args[0]))
def _log_softmax_rule(node, upstream):
    (axis,) = node.args
    return (upstream - exp(node.data) * upstream.sum(axis=axis, keepdims=True),)


def log_softmax(a: Tensor, axis: int = -1) -> Tensor:
    """log softmax along ``axis``, computed as a − logΣexp(a) (stable)."""
    axis = single_axis("log_softmax", axis, a.data.shape)
    return a.from_op(_log_softmax_data(a.data, axis), (a,), "log_softmax", _log_softmax_rule,
                     (axis,))


def _log_softmax_data(x: np.ndarray, axis: int) -> np.ndarray:
    if x.size == 0:
        return x.copy()
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
