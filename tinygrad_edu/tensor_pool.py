"""Pooling of `Tensor` images (NCHW, as PyTorch): max_pool2d and avg_pool2d, each one
unit -- its rule, declared with its math, drawing text and pure forward, then the
function. The windows are those of `tensor_conv` (the same geometry and settings).

Backward, a pool hands each window's upstream gradient back to the cells of that
window, and where windows overlap the cells collect from each (fold's ``+=``):

* **max pooling routes**: the whole gradient of a window goes to the one cell that held
  its maximum, the other cells get 0;
* **average pooling splits**: every cell of the window gets 1/(kH·kW) of it.

Every node keeps ``node.args = (kernel_size, stride, padding, dilation)`` as pairs
(avg_pool2d's dilation is always (1, 1)); max_pool2d's ``node.saved`` holds, for every
window, which of its kH·kW cells (counted row by row) held the maximum.
"""

from __future__ import annotations

import numpy as np

from .ops import data_of, declare
from .tensor import Tensor
from .tensor_conv import (
    Pair,
    add_windows_back,
    check_geometry,
    lift_input,
    padded,
    pair,
    permuted,
    window_view,
)
from .tensor_shape import expand_to

__all__ = ["max_pool2d", "avg_pool2d", "pool_settings"]


def pool_settings(op: str, kernel_size, stride=None, padding=0, dilation=1) -> tuple:
    """(kernel, stride, padding, dilation) as pairs, checked as PyTorch checks them
    (``stride=None`` is the kernel size); layers call it to refuse bad settings early."""
    kernel = pair(op, "kernel_size", kernel_size)
    stride = kernel if stride is None else pair(op, "stride", stride)
    padding, dilation = pair(op, "padding", padding, 0), pair(op, "dilation", dilation)
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True))
    if padding[0] > span[0] // 2 or padding[1] > span[1] // 2:
        raise ValueError(f"{op}: padding {padding} is more than half the kernel "
                         f"{span[0]}×{span[1]}, so a window could hold padding only; use "
                         f"padding <= {span[0] // 2} (PyTorch refuses it too)")
    return kernel, stride, padding, dilation


def _pool_args(op: str, x: Tensor, kernel_size, stride, padding, dilation=1) -> tuple:
    """The checked settings, and a check that they fit the input."""
    if x.ndim not in (3, 4):
        raise ValueError(f"{op}: input must be (N, C, H, W) or unbatched (C, H, W), "
                         f"got shape {x.shape}")
    args = pool_settings(op, kernel_size, stride, padding, dilation)
    kernel, stride, padding, dilation = args
    check_geometry(op, x.shape[-2:], kernel, stride, padding, dilation)
    return args


def _windows(x: np.ndarray, args: tuple, fill: float) -> np.ndarray:
    """(N, C, H_out, W_out, kH, kW): the windows of ``x`` padded with ``fill``."""
    kernel, stride, padding, dilation = args
    out = check_geometry("pool", x.shape[2:], kernel, stride, padding, dilation)
    return window_view(padded(x, padding, fill), kernel, stride, dilation, out)


def _give_back(per_cell, x_shape: tuple, args: tuple):
    """Gradients per window cell (N, C, H_out, W_out, kH, kW) added back onto the input."""
    kernel, stride, padding, dilation = args
    blocks = permuted(per_cell, (0, 1, 4, 5, 2, 3))  # (N, C, kH, kW, H_out, W_out)
    return add_windows_back(blocks, tuple(x_shape[2:]), kernel, stride, padding, dilation)


def _single(x: Tensor) -> tuple[Tensor, bool]:
    return (x.unsqueeze(0), True) if x.ndim == 3 else (x, False)


# ---- max pooling: the gradient goes to each window's maximum ----


def _max_pool_data(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair,
                   dilation: Pair) -> tuple[np.ndarray, np.ndarray]:
    """The maxima (N, C, H_out, W_out) and which cell of each window held them."""
    if x.dtype.kind != "f":  # -inf padding needs floats
        x = x.astype(np.float32)
    windows = _windows(x, (kernel, stride, padding, dilation), -np.inf)
    flat = windows.reshape(*windows.shape[:4], -1)  # (…, kH·kW): a copy, as DLfS's im2col
    picks = flat.argmax(axis=-1)  # the first maximum in row-major order on ties
    out = np.take_along_axis(flat, picks[..., None], axis=-1)[..., 0]
    # the smallest integer type that can count the cells: the saved buffer stays small
    return out, picks.astype(np.uint8 if flat.shape[-1] <= 256 else np.intp)


@declare("max_pool2d", symbol="max pool",
         math="y = max of each window: ∂y/∂x = 1 for the cell that held the maximum "
              "(the first one, row by row, on ties), 0 for the others",
         local=("upstream to the maximum of each window of {0}, 0 elsewhere",),
         forward=lambda args, x: _max_pool_data(x, *args)[0])
def _max_pool2d_rule(node, upstream):
    """Route each window's upstream to its maximum: a one-hot mask over the window's
    cells (a constant: max pooling is piecewise linear), then fold's ``+=``."""
    (x,) = node.parents
    picks = node.saved
    cells = node.args[0][0] * node.args[0][1]
    chosen = (np.arange(cells) == picks[..., None]).astype(data_of(upstream).dtype)
    per_cell = upstream.reshape(*upstream.shape, 1) * chosen
    return (_give_back(per_cell.reshape(*chosen.shape[:4], *node.args[0]), x.shape, node.args),)


def max_pool2d(input: Tensor, kernel_size, stride=None, padding: int = 0,
               dilation=1) -> Tensor:
    """The largest value of every ``kernel_size`` window, PyTorch's ``F.max_pool2d``.

    ``stride`` defaults to ``kernel_size`` (windows side by side); ``padding`` adds -inf
    around each image (never chosen), at most half the kernel. Input (N, C, H, W) or
    unbatched (C, H, W).

    Backward, the window's whole gradient goes to the cell that held its maximum and
    the others get 0. On ties the first maximum in row-major order (top row first, then
    left to right) gets it all -- what PyTorch does on the CPU; with overlapping
    windows a cell that is the maximum of several collects from each.

    >>> x = Tensor([[[[1.0, 3.0], [2.0, 3.0]]]], requires_grad=True)
    >>> y = max_pool2d(x, 2)
    >>> y.backward(np.ones((1, 1, 1, 1)))
    >>> y.item(), x.grad[0, 0].tolist()
    (3.0, [[0.0, 1.0], [0.0, 0.0]])
    """
    input = lift_input("max_pool2d", input)
    args = _pool_args("max_pool2d", input, kernel_size, stride, padding, dilation)
    x, single = _single(input)
    out, picks = _max_pool_data(x.data, *args)
    result = x.from_op(out, (x,), "max_pool2d", _max_pool2d_rule, args, picks)
    return result.squeeze(0) if single else result


# ---- average pooling: the gradient is shared evenly ----


def _avg_pool_data(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair,
                   dilation: Pair) -> np.ndarray:
    windows = _windows(x, (kernel, stride, padding, dilation), 0.0)
    if x.dtype.kind != "f":
        windows = windows.astype(np.float32)
    # padding counts as cells (count_include_pad=True): always divide by kH·kW
    return windows.sum(axis=(4, 5)) / windows.dtype.type(kernel[0] * kernel[1])


@declare("avg_pool2d", symbol="avg pool",
         math="y = (1/(kH·kW)) Σ window: ∂y/∂x = 1/(kH·kW) for every cell of the window",
         local=("upstream/(kH·kW) to every cell of each window of {0}",),
         forward=lambda args, x: _avg_pool_data(x, *args))
def _avg_pool2d_rule(node, upstream):
    (x,) = node.parents
    (k_rows, k_cols) = node.args[0]
    share = upstream.reshape(*upstream.shape, 1, 1) * (1.0 / (k_rows * k_cols))
    per_cell = expand_to(share, (*upstream.shape, k_rows, k_cols))
    return (_give_back(per_cell, x.shape, node.args),)


def avg_pool2d(input: Tensor, kernel_size, stride=None, padding: int = 0) -> Tensor:
    """The mean of every ``kernel_size`` window, PyTorch's ``F.avg_pool2d`` with its
    default ``count_include_pad=True``: padding cells are zeros that count, so every
    window is divided by kH·kW. ``stride`` defaults to ``kernel_size``. Backward, every
    cell of a window gets 1/(kH·kW) of its gradient.

    >>> x = Tensor([[[[1.0, 3.0], [2.0, 6.0]]]])
    >>> avg_pool2d(x, 2).item()
    3.0
    """
    input = lift_input("avg_pool2d", input)
    args = _pool_args("avg_pool2d", input, kernel_size, stride, padding)
    x, single = _single(input)
    out = _avg_pool_data(x.data, *args)
    result = x.from_op(out, (x,), "avg_pool2d", _avg_pool2d_rule, args)
    return result.squeeze(0) if single else result
