"""Shape changes and indexing of `Tensor` -- reshape, permute, transpose, expand, flip,
pad, indexing, gather -- each one unit: its rule, declared with its math and drawing
text, then its forward. None of them computes anything: their rules only move the
upstream gradient back to where each element came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .autograd import Node, SparseGrad
from .ops import declare
from .tensor_dtypes import real_setting

if TYPE_CHECKING:  # only for the annotations: tensor.py imports this module
    from .tensor import Tensor

__all__ = ["normalize_axes", "single_axis", "expand_to", "reshape", "permute", "transpose",
           "squeeze", "unsqueeze", "flatten", "expand", "flip", "pad", "getitem", "gather", "split",
           "chunk", "IndexGrad"]


def normalize_axes(op: str, axis, shape: tuple[int, ...]) -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple of ints, negatives allowed) as sorted
    non-negative axes; a clear error names the op when one is out of range."""
    ndim = len(shape)
    if axis is None:
        return tuple(range(ndim))
    if not isinstance(axis, (int, np.integer, tuple, list)):
        raise TypeError(f"{op}: axis must be None, an int or a tuple of ints, got {axis!r}")
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    normalized = []
    for ax in axes:
        if not isinstance(ax, (int, np.integer)) or not -ndim <= ax < ndim:
            raise ValueError(f"{op}: axis {ax!r} is out of range for a tensor of shape {shape}")
        normalized.append(int(ax) % ndim)
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"{op}: axis {axis!r} names the same axis twice")
    return tuple(sorted(normalized))


def single_axis(op: str, axis, shape: tuple[int, ...]) -> int:
    """One axis (an int, negatives allowed) as a non-negative int."""
    if not isinstance(axis, (int, np.integer)):
        raise ValueError(f"{op}: axis must be a single int, got {axis!r}")
    return normalize_axes(op, axis, shape)[0]


def expand_to(x, shape: tuple):
    """``x`` broadcast to ``shape``: a read-only numpy view, or the Tensor op `expand`."""
    if isinstance(x, Node):
        return x.expand(*shape) if x.shape != tuple(shape) else x
    return np.broadcast_to(x, shape)


def _sizes(shape) -> tuple:
    """``f(2, 3)`` or ``f((2, 3))`` -> (2, 3)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


@declare("reshape", symbol="reshape", math="reshaping moves no numbers: ∂/∂a = 1, reshaped back",
         local=("1, reshaped back",), local_ko=("1, 원래 모양으로",),
         forward=lambda args, x: x.reshape(args[0]))
def _reshape_rule(node, upstream):
    return (upstream.reshape(node.parents[0].data.shape),)


def reshape(a: Tensor, *shape) -> Tensor:
    """``reshape(2, 3)`` or ``reshape((2, 3))``; one size may be -1."""
    shape = _sizes(shape)
    try:
        out = a.data.reshape(shape)
    except (ValueError, TypeError):
        raise ValueError(f"reshape: cannot reshape a tensor of shape {a.shape} "
                         f"({a.data.size} elements) into {shape}") from None
    return a.from_op(out, (a,), "reshape", _reshape_rule, (shape,))


def squeeze(a: Tensor, axis=None) -> Tensor:
    """Drop axes of size 1 (all of them, or the given ones)."""
    shape = a.data.shape
    axes = [i for i, s in enumerate(shape) if s == 1] if axis is None else \
        normalize_axes("squeeze", axis, shape)
    for ax in axes:
        if shape[ax] != 1:
            raise ValueError(f"squeeze: axis {ax} of shape {shape} has size {shape[ax]}, not 1")
    return reshape(a, tuple(s for i, s in enumerate(shape) if i not in axes))


def unsqueeze(a: Tensor, axis: int) -> Tensor:
    """A new axis of size 1 at position ``axis`` (negatives count from the new end)."""
    ndim = a.data.ndim + 1
    if not isinstance(axis, (int, np.integer)) or not -ndim <= axis < ndim:
        raise ValueError(f"unsqueeze: axis {axis!r} is out of range for a result of "
                         f"{ndim} dimensions")
    shape = list(a.data.shape)
    shape.insert(int(axis) % ndim, 1)
    return reshape(a, tuple(shape))


def flatten(a: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge the axes ``start_dim`` to ``end_dim`` (both included) into one, as PyTorch's
    ``flatten``: ``(N, C, H, W).flatten(1)`` is (N, C·H·W). A 0-d tensor becomes (1,)."""
    shape = a.data.shape
    if not shape:
        return reshape(a, (1,))
    first, last = (single_axis("flatten", dim, shape) for dim in (start_dim, end_dim))
    if first > last:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} "
                         f"for a tensor of shape {shape}")
    merged = 1
    for size in shape[first:last + 1]:
        merged *= size
    return reshape(a, shape[:first] + (merged,) + shape[last + 1:])


def _permuted(x, axes: tuple):
    return x.permute(*axes) if isinstance(x, Node) else x.transpose(axes)


@declare("permute", symbol="permute", math="∂/∂a = 1, its axes moved back",
         local=("1, axes moved back",), local_ko=("1, 축을 원래 자리로",),
         forward=lambda args, x: x.transpose(args[0]))
def _permute_rule(node, upstream):
    (axes,) = node.args
    return (_permuted(upstream, tuple(int(i) for i in np.argsort(axes))),)


def permute(a: Tensor, *dims) -> Tensor:
    """Reorder all the axes: result axis i is input axis ``dims[i]`` (PyTorch's permute)."""
    dims = _sizes(dims)
    ndim = a.data.ndim
    in_range = all(isinstance(ax, (int, np.integer)) and -ndim <= ax < ndim for ax in dims)
    if not in_range or sorted(int(ax) % ndim for ax in dims) != list(range(ndim)):
        raise ValueError(f"permute: dims {dims} are not a permutation of the {ndim} axes "
                         f"of a tensor of shape {a.shape}")
    dims = tuple(int(ax) % ndim for ax in dims)
    return a.from_op(a.data.transpose(dims), (a,), "permute", _permute_rule, (dims,))


def transpose(a: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two axes, as PyTorch's ``transpose(dim0, dim1)`` (use `permute` for a full
    reordering; ``.T`` reverses all axes)."""
    ndim = a.data.ndim
    for dim in (dim0, dim1):
        if not isinstance(dim, (int, np.integer)) or not -max(ndim, 1) <= dim < max(ndim, 1):
            raise ValueError(f"transpose: dim {dim!r} is out of range for a tensor of shape "
                             f"{a.shape}")
    if ndim == 0:
        return permute(a)
    order = list(range(ndim))
    first, second = int(dim0) % ndim, int(dim1) % ndim
    order[first], order[second] = order[second], order[first]
    return permute(a, tuple(order))


@declare("expand", symbol="expand", math="∂/∂a = 1, summed over the copies",
         local=("upstream summed over the expanded axes",),
         local_ko=("늘린 축을 따라 합한 상위 기울기",),
         forward=lambda args, x: np.broadcast_to(x, args[0]))
def _expand_rule(node, upstream):
    from .tensor_math import unbroadcast

    return (unbroadcast(upstream, node.parents[0].data.shape),)


def expand(a: Tensor, *sizes) -> Tensor:
    """Broadcast to a larger shape without copying (-1 keeps a size), as PyTorch."""
    sizes = _sizes(sizes)
    shape = a.data.shape
    extra = len(sizes) - len(shape)
    wanted = tuple(shape[i - extra] if size == -1 and i >= extra else size
                   for i, size in enumerate(sizes))
    try:
        out = np.broadcast_to(a.data, wanted)
    except ValueError:
        raise ValueError(f"expand: cannot expand shape {shape} to {sizes} (only axes of "
                         "size 1 can grow, and new axes go in front)") from None
    return a.from_op(out, (a,), "expand", _expand_rule, (wanted,))


def _flipped(x, axes: tuple):
    return x.flip(axes) if isinstance(x, Node) else np.flip(x, axes)


@declare("flip", symbol="flip", math="∂/∂a = 1, flipped back", local=("1, flipped back",),
         local_ko=("1, 다시 뒤집어서",),
         forward=lambda args, x: np.flip(x, args[0]))
def _flip_rule(node, upstream):
    return (_flipped(upstream, node.args[0]),)


def flip(a: Tensor, dims=None) -> Tensor:
    """Reverse the order of elements along ``dims`` (default: every axis)."""
    axes = normalize_axes("flip", dims, a.data.shape)
    return a.from_op(np.flip(a.data, axes), (a,), "flip", _flip_rule, (axes,))


@declare("pad", symbol="pad", math="∂/∂a = 1 inside, the padding gets nothing",
         local=("the upstream without its padding",), local_ko=("덧댄 부분을 뺀 상위 기울기",),
         forward=lambda args, x: np.pad(x, args[0], constant_values=args[1]))
def _pad_rule(node, upstream):
    (widths, _) = node.args
    inside = tuple(slice(before, size - after) for (before, after), size in
                   zip(widths, upstream.shape, strict=True))
    return (upstream[inside],)


def pad(a: Tensor, pad_width, value: float = 0.0) -> Tensor:
    """Surround with a constant: ``pad_width`` as numpy's (an int, a (before, after)
    pair for every axis, or one pair per axis)."""
    value = real_setting("pad", "value", value)
    try:
        widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (a.data.ndim, 2))
    except ValueError:
        raise ValueError(f"pad: pad_width {pad_width!r} does not fit a tensor of shape "
                         f"{a.shape} (give one (before, after) pair per axis)") from None
    if (widths < 0).any():
        raise ValueError(f"pad: pad_width must not be negative, got {pad_width!r}")
    widths = tuple((int(before), int(after)) for before, after in widths)
    out = np.pad(a.data, widths, constant_values=value)
    return a.from_op(out, (a,), "pad", _pad_rule, (widths, value))


# ---- indexing ----


def _plain_index(index):
    """Tensors used as indices become their arrays."""
    if isinstance(index, tuple):
        return tuple(item.data if isinstance(item, Node) else item for item in index)
    return index.data if isinstance(index, Node) else index


def _is_basic(index) -> bool:
    """Only ints, slices, None and ``...``: no position can be read twice."""
    for item in index if isinstance(index, tuple) else (index,):
        if not (item is None or item is Ellipsis or isinstance(item, (int, np.integer, slice))):
            return False
    return True


@declare("index_grad", symbol="[ ]ᵀ", math="puts each gradient back at the position it was "
         "read from (repeated positions add)", local=("upstream at the picked elements",),
         local_ko=("고른 원소 자리에 상위 기울기",),
         forward=lambda args, upstream: _scatter(upstream, *args))
def _index_grad_rule(node, upstream):
    (index, _, _) = node.args
    return (upstream[index],)


def _scatter(upstream, index, shape: tuple, basic: bool):
    """Zeros of ``shape`` with ``upstream`` added at ``index`` (an op on a Tensor)."""
    if isinstance(upstream, Node):
        out = _scatter(upstream.data, index, shape, basic)
        return upstream.from_op(out, (upstream,), "index_grad", _index_grad_rule,
                                (index, shape, basic))
    grad = np.zeros(shape, dtype=upstream.dtype)
    if basic:
        grad[index] = upstream
    else:  # integer arrays may read one place twice: add, not overwrite
        np.add.at(grad, index, upstream)
    return grad


class IndexGrad(SparseGrad):
    """The gradient of ``a[index]`` with respect to ``a``: ``values`` at ``index``, zero
    elsewhere, kept as the part until the backward driver adds it into a's gradient
    (see `autograd.SparseGrad`)."""

    __slots__ = ("values", "index", "shape", "basic")

    def __init__(self, values, index, shape: tuple, basic: bool) -> None:
        self.values, self.index, self.shape, self.basic = values, index, shape, basic

    def dense(self) -> np.ndarray:
        return _scatter(self.values, self.index, self.shape, self.basic)

    def added_to(self, total, in_place: bool):
        values = self.values
        if type(total) is not np.ndarray or total.shape != self.shape or \
                total.dtype != values.dtype:
            return total + self.dense()  # numpy's promotion decides, as for a dense sum
        if not in_place:
            total = total.copy()
        if self.basic:
            total[self.index] += values
        else:  # integer arrays may name one place twice: each adds
            np.add.at(total, self.index, values)
        return total


@declare("index", symbol="[ ]", math="∂a[i]/∂a = 1 at the picked elements, else 0",
         local=("1 at the picked elements, else 0",), local_ko=("고른 원소는 1, 나머지는 0",),
         forward=lambda args, x: x[args[0]])
def _getitem_rule(node, upstream):
    (a,), (index, basic) = node.parents, node.args
    if isinstance(upstream, Node):  # create_graph: the scatter is an op of its own
        return (_scatter(upstream, index, a.data.shape, basic),)
    return (IndexGrad(upstream, index, a.data.shape, basic),)


def getitem(a: Tensor, index) -> Tensor:
    """Slices, integers, integer arrays, lists and tuples of positions (repeated ones add
    up in the gradient) and boolean masks, as in numpy."""
    index = _plain_index(index)
    try:
        out = a.data[index]
    except IndexError as error:
        raise IndexError(f"index: {error} (tensor shape {a.shape})") from None
    return a.from_op(out, (a,), "index", _getitem_rule, (index, _is_basic(index)))


def gather(a: Tensor, dim: int, index) -> Tensor:
    """``out[i][j] = a[i][index[i][j]]`` for ``dim=1`` (PyTorch's gather, any rank)."""
    dim = single_axis("gather", dim, a.data.shape)
    index = np.asarray(_plain_index(index))
    if index.dtype.kind not in "iu" or index.ndim != a.data.ndim:
        raise ValueError(f"gather: index must be an integer array with {a.data.ndim} "
                         f"dimensions, got {index.dtype} of shape {index.shape}")
    grid = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    return getitem(a, tuple(grid))


def split(a: Tensor, split_size_or_sections, dim: int = 0) -> list:
    """Pieces along ``dim``: of ``split_size`` each (the last may be smaller), or of the
    listed sizes (PyTorch's split)."""
    dim = single_axis("split", dim, a.data.shape)
    length = a.data.shape[dim]
    if isinstance(split_size_or_sections, (int, np.integer)):
        if split_size_or_sections <= 0:
            raise ValueError(f"split: split_size must be positive, got {split_size_or_sections}")
        sizes = [min(split_size_or_sections, length - start)
                 for start in range(0, length, split_size_or_sections)]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != length:
            raise ValueError(f"split: sizes {sizes} add up to {sum(sizes)}, but axis {dim} "
                             f"has {length} elements")
    pieces, start = [], 0
    for size in sizes:
        where = (slice(None),) * dim + (slice(start, start + size),)
        pieces.append(getitem(a, where))
        start += size
    return pieces


def chunk(a: Tensor, chunks: int, dim: int = 0) -> list:
    """``chunks`` pieces along ``dim`` of equal size (the last may be smaller)."""
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    length = a.data.shape[single_axis("chunk", dim, a.data.shape)]
    return split(a, max(1, -(-length // chunks)), dim)
