"""Convolution of `Tensor` images (NCHW, as PyTorch): unfold (im2col), fold (col2im) and
conv2d, each one unit -- its rule, declared with its math, drawing text and pure
forward, then the function. The pools are in `tensor_pool`.

A convolution is computed as Deep Learning from Scratch ch. 7 computes it:

1. **unfold** (im2col): every window the kernel visits is copied out as one column of a
   matrix -- one column per output position, one row per (channel, kernel row, kernel
   column);
2. **one matrix product** of the kernel, flattened the same way, with those columns;
3. the result read as an image again (N, C_out, H_out, W_out).

The backward pass takes the same road back. The weight's gradient is a matrix product
of the upstream gradient with the saved columns. The input's gradient is a matrix
product too, then **fold** (col2im) puts every column back where its window was read --
and *adds* where windows overlapped: an input cell seen by four windows gets four
contributions (``upstream × weight``), summed. That is the reuse rule of the scalar
lectures (a value used twice gets the sum of both gradients), on a grid.

Geometry, the same for every op here (PyTorch's formula, per axis)::

    out = (size + 2·padding − dilation·(kernel − 1) − 1) // stride + 1

Every node keeps its settings as pairs (rows, columns) in ``node.args``:

* conv2d:  ``(stride, padding, dilation)``, parents ``(x, weight[, bias])``
* unfold:  ``(kernel_size, dilation, padding, stride)``
* fold:    ``(output_size, kernel_size, dilation, padding, stride)``

so a drawing can recompute which windows covered a cell from the node alone
(`covering_windows`).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .autograd import Node
from .ops import declare
from .tensor import Tensor

__all__ = ["conv2d", "unfold", "fold", "pair", "output_size", "check_geometry",
           "window_view", "padded", "add_windows_back", "covering_windows", "permuted",
           "lift_input"]

Pair = tuple[int, int]


# ---- geometry: settings as pairs, output sizes, windows as views ----


def pair(op: str, name: str, value, minimum: int = 1) -> Pair:
    """An int or a pair of ints as a pair (rows, columns), each at least ``minimum``."""
    items = (value, value) if isinstance(value, (int, np.integer)) else value
    ok = (isinstance(items, (tuple, list)) and len(items) == 2 and
          all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items))
    if not ok or isinstance(value, bool):
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    if min(items) < minimum:
        what = "positive" if minimum == 1 else f"at least {minimum}"
        raise ValueError(f"{op}: {name} must be {what}, got {value!r}")
    return int(items[0]), int(items[1])


def output_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    """How many positions a kernel takes along one axis (PyTorch's formula)."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def check_geometry(op: str, image: Pair, kernel: Pair, stride: Pair, padding: Pair,
                   dilation: Pair) -> Pair:
    """The output size (rows, columns), or one line saying why the kernel does not fit."""
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True))
    room = tuple(s + 2 * p for s, p in zip(image, padding, strict=True))
    if span[0] > room[0] or span[1] > room[1]:
        spread = f" (spanning {span[0]}×{span[1]} with dilation {dilation})" \
            if dilation != (1, 1) else ""
        raise ValueError(
            f"{op}: the kernel {kernel[0]}×{kernel[1]}{spread} is larger than the padded input "
            f"{room[0]}×{room[1]} (input {image[0]}×{image[1]}, padding {padding}); use a "
            "smaller kernel or more padding")
    return tuple(output_size(s, k, st, p, d) for s, k, st, p, d in
                 zip(image, kernel, stride, padding, dilation, strict=True))


def padded(x: np.ndarray, padding: Pair, value: float = 0.0) -> np.ndarray:
    """``x`` (N, C, H, W) with ``padding`` rows/columns of ``value`` around each image."""
    if padding == (0, 0):
        return x
    rows, cols = padding
    return np.pad(x, ((0, 0), (0, 0), (rows, rows), (cols, cols)), constant_values=value)


def window_view(x: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair,
                out: Pair) -> np.ndarray:
    """Every window of the (already padded) ``x`` as a read-only view of shape
    (N, C, H_out, W_out, kH, kW): ``view[n, c, i, j, p, q] = x[n, c, i·s + p·d, j·s + q·d]``.

    Speed: a view made by striding copies nothing; the one copy of im2col happens when
    the caller reshapes it into columns (benchmarks/bench_conv.py).
    """
    n, c = x.shape[:2]
    sn, sc, sh, sw = x.strides
    return as_strided(x, (n, c, out[0], out[1], kernel[0], kernel[1]),
                      (sn, sc, sh * stride[0], sw * stride[1], sh * dilation[0], sw * dilation[1]),
                      writeable=False)


def _col2im(blocks: np.ndarray, image: Pair, kernel: Pair, stride: Pair, padding: Pair,
            dilation: Pair) -> np.ndarray:
    """The inverse road of `window_view`: ``blocks`` (N, C, kH, kW, H_out, W_out) are
    values for every cell of every window; each is ADDED to the cell it was read from.

    Speed: one strided ``+=`` per kernel offset (kH·kW slices of the whole batch), never
    a Python loop over pixels.
    """
    n, c, k_rows, k_cols, out_rows, out_cols = blocks.shape
    total = np.zeros((n, c, image[0] + 2 * padding[0], image[1] + 2 * padding[1]), blocks.dtype)
    for p in range(k_rows):
        top = p * dilation[0]
        rows = slice(top, top + stride[0] * (out_rows - 1) + 1, stride[0])
        for q in range(k_cols):
            left = q * dilation[1]
            cols = slice(left, left + stride[1] * (out_cols - 1) + 1, stride[1])
            total[:, :, rows, cols] += blocks[:, :, p, q]
    return total[:, :, padding[0]:padding[0] + image[0], padding[1]:padding[1] + image[1]]


def permuted(x, axes: tuple):
    """``x`` with its axes reordered: an array's transpose or the Tensor op permute."""
    return x.permute(*axes) if isinstance(x, Node) else x.transpose(axes)


def add_windows_back(blocks, image: Pair, kernel: Pair, stride: Pair, padding: Pair,
                     dilation: Pair):
    """Gradients per window cell, (N, C, kH, kW, H_out, W_out), added back onto the
    image (N, C, H, W): `_col2im` on arrays, the op `fold` on Tensors (so that the
    gradient itself can be differentiated)."""
    if isinstance(blocks, Node):
        n, c, k_rows, k_cols, out_rows, out_cols = blocks.shape
        columns = blocks.reshape(n, c * k_rows * k_cols, out_rows * out_cols)
        return _fold_op(columns, (image, kernel, dilation, padding, stride))
    return _col2im(blocks, image, kernel, stride, padding, dilation)


def covering_windows(cell: Pair, image: Pair, kernel_size, stride=1, padding=0,
                     dilation=1) -> list[tuple[int, int, int, int]]:
    """The windows that saw input cell ``(row, col)`` of an ``image`` (H, W), the cell
    counted without the padding: a list of ``(out_row, out_col, kernel_row, kernel_col)``
    -- the output position of the window and the kernel cell that lay on the input cell
    there. For conv2d the cell's gradient is Σ upstream[out_row, out_col] ×
    weight[kernel_row, kernel_col] over this list (and over the output channels): what
    fold adds up. The pools have the same windows (dilation 1 for avg_pool2d)."""
    kernel, stride = pair("covering_windows", "kernel_size", kernel_size), \
        pair("covering_windows", "stride", stride)
    padding = pair("covering_windows", "padding", padding, 0)
    dilation = pair("covering_windows", "dilation", dilation)
    out = check_geometry("covering_windows", image, kernel, stride, padding, dilation)
    found = []
    for p in range(kernel[0]):
        top = cell[0] + padding[0] - p * dilation[0]
        if top < 0 or top % stride[0] or top // stride[0] >= out[0]:
            continue
        for q in range(kernel[1]):
            left = cell[1] + padding[1] - q * dilation[1]
            if left < 0 or left % stride[1] or left // stride[1] >= out[1]:
                continue
            found.append((top // stride[0], left // stride[1], p, q))
    return sorted(found)


def lift_input(op: str, x, dtype=None) -> Tensor:
    """A numpy array or list as a constant Tensor; a Tensor as it is."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, Node):
        raise TypeError(f"{op}: expected a Tensor, got a {type(x).__name__}")
    return Tensor(x, dtype=dtype)


def _batched(op: str, x: Tensor, what: str = "(N, C, H, W) or unbatched (C, H, W)") -> bool:
    """True when ``x`` is one unbatched image (C, H, W); refuses any other rank but 4."""
    if x.ndim not in (3, 4):
        raise ValueError(f"{op}: input must be {what}, got shape {x.shape}")
    return x.ndim == 3


# ---- unfold (im2col) and fold (col2im): each the other's gradient ----


def _unfold_data(x: np.ndarray, kernel: Pair, dilation: Pair, padding: Pair,
                 stride: Pair) -> np.ndarray:
    n, c, height, width = x.shape
    out = check_geometry("unfold", (height, width), kernel, stride, padding, dilation)
    windows = window_view(padded(x, padding), kernel, stride, dilation, out)
    # (N, C, kH, kW, H_out, W_out) -> PyTorch's (N, C·kH·kW, L): the one copy
    columns = windows.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * kernel[0] * kernel[1],
                                                          out[0] * out[1])
    # a 1×1 kernel with stride 1 needs no copy: still, hand out an array of its own
    return columns if columns.flags.writeable else columns.copy()


def _fold_data(columns: np.ndarray, image: Pair, kernel: Pair, dilation: Pair, padding: Pair,
               stride: Pair) -> np.ndarray:
    n, rows, _ = columns.shape
    out = check_geometry("fold", image, kernel, stride, padding, dilation)
    blocks = columns.reshape(n, rows // (kernel[0] * kernel[1]), kernel[0], kernel[1], *out)
    return _col2im(blocks, image, kernel, stride, padding, dilation)


def _unfold_any(x, kernel: Pair, dilation: Pair, padding: Pair, stride: Pair):
    if isinstance(x, Node):
        return _unfold_op(x, (kernel, dilation, padding, stride))
    return _unfold_data(x, kernel, dilation, padding, stride)


@declare("unfold", symbol="unfold",
         math="unfold (im2col) copies every window into a column; ∂L/∂x = fold(upstream): "
              "a cell read by k windows gets the sum of their k gradients",
         local=("fold(upstream): each column added back onto its window of {0}",),
         forward=lambda args, x: _unfold_data(x, *args))
def _unfold_rule(node, upstream):
    (x,) = node.parents
    kernel, dilation, padding, stride = node.args
    image = tuple(x.shape[2:])
    return (_fold_any(upstream, (image, kernel, dilation, padding, stride)),)


@declare("fold", symbol="fold",
         math="fold (col2im) adds every column back onto its window (overlaps add up); "
              "∂L/∂columns = unfold(upstream)",
         local=("unfold(upstream): each column reads its window of the upstream",),
         forward=lambda args, columns: _fold_data(columns, *args))
def _fold_rule(node, upstream):
    image, kernel, dilation, padding, stride = node.args
    return (_unfold_any(upstream, kernel, dilation, padding, stride),)


def _fold_any(columns, args: tuple):
    return _fold_op(columns, args) if isinstance(columns, Node) else _fold_data(columns, *args)


def _unfold_op(x: Tensor, args: tuple) -> Tensor:
    return x.from_op(_unfold_data(x.data, *args), (x,), "unfold", _unfold_rule, args)


def _fold_op(columns: Tensor, args: tuple) -> Tensor:
    return columns.from_op(_fold_data(columns.data, *args), (columns,), "fold", _fold_rule, args)


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """im2col: every window of the images as a column, PyTorch's ``F.unfold``.

    ``input`` (N, C, H, W) gives (N, C·kH·kW, L) with L = H_out·W_out windows, in
    row-major order of their top-left corners; an unbatched (C, H, W) gives (C·kH·kW, L).
    Rows are ordered channel first, then kernel row, then kernel column.

    >>> x = Tensor(np.arange(9.0).reshape(1, 1, 3, 3))
    >>> unfold(x, 2).numpy()[0]
    array([[0., 1., 3., 4.],
           [1., 2., 4., 5.],
           [3., 4., 6., 7.],
           [4., 5., 7., 8.]], dtype=float32)
    """
    input = lift_input("unfold", input)
    single = _batched("unfold", input)
    x = input.unsqueeze(0) if single else input
    args = (pair("unfold", "kernel_size", kernel_size), pair("unfold", "dilation", dilation),
            pair("unfold", "padding", padding, 0), pair("unfold", "stride", stride))
    check_geometry("unfold", x.shape[2:], args[0], args[3], args[2], args[1])
    out = _unfold_op(x, args)
    return out.squeeze(0) if single else out


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """col2im: columns (N, C·kH·kW, L) put back as images (N, C, H, W), PyTorch's
    ``F.fold``. Where windows overlap, their values are ADDED -- which is why the
    gradient of a convolution's input is a fold: a cell read by several windows
    collects a gradient from each. An unbatched (C·kH·kW, L) gives (C, H, W).

    >>> ones = Tensor(np.ones((1, 4, 4)))
    >>> fold(ones, (3, 3), 2).numpy()[0, 0]       # how many 2×2 windows saw each cell
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]], dtype=float32)
    """
    input = lift_input("fold", input)
    if input.ndim not in (2, 3):
        raise ValueError(f"fold: input must be (N, C·kH·kW, L) or unbatched (C·kH·kW, L), "
                         f"got shape {input.shape}")
    single = input.ndim == 2
    columns = input.unsqueeze(0) if single else input
    image = pair("fold", "output_size", output_size)
    kernel = pair("fold", "kernel_size", kernel_size)
    args = (image, kernel, pair("fold", "dilation", dilation),
            pair("fold", "padding", padding, 0), pair("fold", "stride", stride))
    out = check_geometry("fold", image, kernel, args[4], args[3], args[2])
    cells, windows = columns.shape[1:]
    if cells % (kernel[0] * kernel[1]):
        raise ValueError(f"fold: input has {cells} rows, not a multiple of the kernel's "
                         f"{kernel[0]}×{kernel[1]} = {kernel[0] * kernel[1]} cells "
                         f"(input {input.shape})")
    if windows != out[0] * out[1]:
        raise ValueError(f"fold: input has {windows} columns (windows) but a {image[0]}×"
                         f"{image[1]} output with kernel {kernel} has {out[0]}×{out[1]} = "
                         f"{out[0] * out[1]} (input {input.shape})")
    result = _fold_op(columns, args)
    return result.squeeze(0) if single else result


# ---- conv2d: one matrix product of the unfolded windows with the kernel ----


def _conv2d_data(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, stride: Pair,
                 padding: Pair, dilation: Pair) -> tuple[np.ndarray, np.ndarray]:
    """The output (N, C_out, H_out, W_out) and the unfolded input (N, C·kH·kW, L) it was
    computed from, which the weight's gradient needs again."""
    n = x.shape[0]
    out_channels, _, k_rows, k_cols = weight.shape
    out = check_geometry("conv2d", x.shape[2:], (k_rows, k_cols), stride, padding, dilation)
    columns = _unfold_data(x, (k_rows, k_cols), dilation, padding, stride)  # im2col
    # (C_out, C·kH·kW) @ (N, C·kH·kW, L): the one matrix product, already laid out as NCHW.
    # Speed: in this layout col2im in the backward pass reads contiguous rows, which made
    # a LeNet step faster than one big (N·L, C·kH·kW) product (benchmarks/bench_conv.py).
    result = np.matmul(weight.reshape(out_channels, -1), columns)
    if bias is not None:
        result += bias.reshape(out_channels, 1)  # in place: one array fewer
    return result.reshape(n, out_channels, *out), columns


def _conv2d_forward(args: tuple, x: np.ndarray, weight: np.ndarray, *bias) -> np.ndarray:
    return _conv2d_data(x, weight, bias[0] if bias else None, *args)[0]


def _columns_of(node) -> np.ndarray | Tensor:
    """The unfolded input (N, C·kH·kW, L): saved by the forward pass for the ordinary
    backward pass, made again with the op unfold when the gradient must be
    differentiable (then the weight's gradient depends on x through it)."""
    x, weight = node.parents[0], node.parents[1]
    if not isinstance(x.data, Node):
        return node.saved
    stride, padding, dilation = node.args
    return _unfold_op(x.data, (tuple(weight.shape[2:]), dilation, padding, stride))


@declare("conv2d", symbol="conv",
         math="y[n,o,i,j] = b[o] + Σ_c,p,q W[o,c,p,q] · x[n,c,i·s+p·d,j·s+q·d]: "
              "∂L/∂x = fold(Wᵀ · upstream) (windows that overlap add up), "
              "∂L/∂W = Σ over windows upstream × x, ∂L/∂b = Σ upstream",
         local=("Σ over the windows that covered the cell: upstream × the weight of {1} "
                "that touched it (fold adds them)",
                "Σ over every window: upstream × the cell of {0} under that weight",
                "Σ upstream over the batch and every position"),
         forward=_conv2d_forward)
def _conv2d_rule(node, upstream):
    """With the windows unfolded into columns (N, C·kH·kW, L) and W as a matrix
    (C_out, C·kH·kW), y = W · columns, so ∂L/∂W = Σ_n upstream · columnsᵀ and
    ∂L/∂columns = Wᵀ · upstream; fold turns ∂L/∂columns into ∂L/∂x, adding the columns
    of overlapping windows. The same lines run on arrays and on Tensors."""
    x, weight = node.parents[0], node.parents[1]
    stride, padding, dilation = node.args
    n, out_channels = upstream.shape[:2]
    kernel = tuple(weight.shape[2:])
    per_window = upstream.reshape(n, out_channels, -1)  # (N, C_out, L)
    grad_x = grad_weight = grad_bias = None
    if x.requires_grad:
        grad_columns = weight.data.reshape(out_channels, -1).T @ per_window
        grad_x = _fold_any(grad_columns, (tuple(x.shape[2:]), kernel, dilation, padding, stride))
    if weight.requires_grad:
        grad_weight = (per_window @ _columns_of(node).swapaxes(1, 2)).sum(axis=0)
        grad_weight = grad_weight.reshape(*weight.shape)
    if len(node.parents) == 2:
        return grad_x, grad_weight
    if node.parents[2].requires_grad:
        grad_bias = per_window.sum(axis=(0, 2))
    return grad_x, grad_weight, grad_bias


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """2-D convolution (cross-correlation, as in PyTorch: the kernel is not flipped).

    ``input`` (N, C_in, H, W) or unbatched (C_in, H, W); ``weight`` (C_out, C_in, kH, kW);
    ``bias`` (C_out,). ``stride``, ``padding`` (zeros) and ``dilation`` are an int or a
    (rows, columns) pair. The result is (N, C_out, H_out, W_out) with
    H_out = (H + 2·padding − dilation·(kH − 1) − 1) // stride + 1, likewise W_out.

    >>> x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    >>> edge = Tensor([[[[1.0, -1.0]]]])            # x[i, j] − x[i, j+1]
    >>> conv2d(x, edge).numpy()[0, 0]
    array([[-1., -1., -1.],
           [-1., -1., -1.],
           [-1., -1., -1.],
           [-1., -1., -1.]], dtype=float32)
    """
    if groups != 1:
        raise ValueError(f"conv2d: groups={groups!r} is not supported here (only groups=1: "
                         "every output channel sees every input channel)")
    input = lift_input("conv2d", input)
    weight = lift_input("conv2d", weight, input.dtype)
    single = _batched("conv2d", input, "(N, C, H, W) or unbatched (C, H, W)")
    if weight.ndim != 4:
        raise ValueError(f"conv2d: weight must be (C_out, C_in, kH, kW), got shape {weight.shape}")
    channels = input.shape[-3]
    if channels != weight.shape[1]:
        raise ValueError(f"conv2d: input has {channels} channels but the weight expects "
                         f"{weight.shape[1]} (weight {weight.shape}, input {input.shape})")
    parents = (input.unsqueeze(0) if single else input, weight)
    if bias is not None:
        bias = lift_input("conv2d", bias, input.dtype)
        if bias.shape != (weight.shape[0],):
            raise ValueError(f"conv2d: bias must have shape ({weight.shape[0]},), one per output "
                             f"channel of the weight {weight.shape}, got {bias.shape}")
        parents += (bias,)
    args = (pair("conv2d", "stride", stride), pair("conv2d", "padding", padding, 0),
            pair("conv2d", "dilation", dilation))
    out, columns = _conv2d_data(parents[0].data, weight.data,
                                None if bias is None else bias.data, *args)
    saved = columns if weight.requires_grad else None  # only the weight's gradient reads them
    result = parents[0].from_op(out, parents, "conv2d", _conv2d_rule, args, saved)
    return result.squeeze(0) if single else result
