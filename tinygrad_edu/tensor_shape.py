"""Reductions, reshaping, indexing and softmax of `Tensor`, each forward beside its
local derivative rule."""

from __future__ import annotations

import numpy as np

__all__ = ["ShapeOps", "normalize_axes"]


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


def _spread(upstream: np.ndarray, axes: tuple, keepdims: bool, shape: tuple) -> np.ndarray:
    """Undo a reduction's shape: put back the reduced axes and broadcast along them."""
    if not keepdims:
        upstream = np.expand_dims(upstream, axes)
    return np.broadcast_to(upstream, shape)


# ---- local derivative rules: (node, upstream) -> one gradient per parent ----


def _sum_rule(node, upstream):  # d(Σ a)/da_i = 1 for every element summed
    (a,), (axes, keepdims) = node.parents, node.args
    return (_spread(upstream, axes, keepdims, a.data.shape),)


def _mean_rule(node, upstream):  # d(mean a)/da_i = 1/n
    (a,), (axes, keepdims) = node.parents, node.args
    count = 1
    for ax in axes:
        count *= a.data.shape[ax]
    return (_spread(upstream / count, axes, keepdims, a.data.shape),)


def _extreme_rule(node, upstream):
    """max/min: the gradient goes to the element that was picked. Tie rule: when several
    elements share the extreme value, they share the gradient equally (a valid
    subgradient, and the same choice as PyTorch's amax/amin)."""
    (a,), (axes, keepdims) = node.parents, node.args
    extreme = node.data if keepdims else np.expand_dims(node.data, axes)
    picked = a.data == extreme
    count = picked.sum(axis=axes, keepdims=True, dtype=upstream.dtype)  # keep float32 grads float32
    if not keepdims:
        upstream = np.expand_dims(upstream, axes)
    return (picked * (upstream / count),)


def _reshape_rule(node, upstream):  # reshaping moves no numbers: reshape the gradient back
    return (upstream.reshape(node.parents[0].data.shape),)


def _transpose_rule(node, upstream):  # move the axes back where they came from
    (axes,) = node.args
    return (upstream.transpose(np.argsort(axes)),)


def _getitem_rule(node, upstream):  # the gradient lands in the places that were read
    (a,), (index, repeats_possible) = node.parents, node.args
    grad = np.zeros_like(a.data)
    if repeats_possible:  # integer-array indices may read one place twice: add, not overwrite
        np.add.at(grad, index, upstream)
    else:
        grad[index] = upstream
    return (grad,)


def _softmax_rule(node, upstream):  # ds_i/dx_j = s_i(δ_ij - s_j)
    (axis,) = node.args
    s = node.data
    return (s * (upstream - (upstream * s).sum(axis=axis, keepdims=True)),)


def _log_softmax_rule(node, upstream):  # d log s_i/dx_j = δ_ij - s_j
    (axis,) = node.args
    return (upstream - np.exp(node.data) * upstream.sum(axis=axis, keepdims=True),)


def _plain_index(index):
    """Tensors used as indices become their arrays."""
    if isinstance(index, tuple):
        return tuple(item.data if hasattr(item, "requires_grad") else item for item in index)
    return index.data if hasattr(index, "requires_grad") else index


def _has_integer_array(index) -> bool:
    """True when the index holds an integer array or list, which may repeat positions."""
    for item in index if isinstance(index, tuple) else (index,):
        if isinstance(item, (list, np.ndarray)) and np.asarray(item).dtype.kind in "iu":
            return True
    return False


class ShapeOps:
    """Reductions, shape changes, indexing and softmax of `Tensor` (a mixin)."""

    __slots__ = ()

    # ---- reductions over None (everything), an int or a tuple of axes ----

    def sum(self, axis=None, keepdims: bool = False):
        axes = normalize_axes("sum", axis, self.data.shape)
        out = self.data.sum(axis=axes, keepdims=keepdims)
        return self._from_op(out, (self,), "sum", _sum_rule, (axes, keepdims))

    def mean(self, axis=None, keepdims: bool = False):
        axes = normalize_axes("mean", axis, self.data.shape)
        if self.data.size == 0:
            raise ValueError(f"mean: cannot average an empty tensor of shape {self.shape}")
        out = self.data.mean(axis=axes, keepdims=keepdims)
        return self._from_op(out, (self,), "mean", _mean_rule, (axes, keepdims))

    def max(self, axis=None, keepdims: bool = False):
        """Largest element(s); see `_extreme_rule` for where the gradient goes on ties."""
        return self._extreme("max", np.max, axis, keepdims)

    def min(self, axis=None, keepdims: bool = False):
        """Smallest element(s); ties share the gradient equally, as for max."""
        return self._extreme("min", np.min, axis, keepdims)

    def _extreme(self, op: str, reduce, axis, keepdims: bool):
        axes = normalize_axes(op, axis, self.data.shape)
        if any(self.data.shape[ax] == 0 for ax in axes) or self.data.size == 0:
            raise ValueError(f"{op}: cannot reduce an empty tensor of shape {self.shape}")
        out = reduce(self.data, axis=axes, keepdims=keepdims)
        return self._from_op(out, (self,), op, _extreme_rule, (axes, keepdims))

    # ---- shape ----

    def reshape(self, *shape):
        """``reshape(2, 3)`` or ``reshape((2, 3))``; one size may be -1."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        try:
            out = self.data.reshape(shape)
        except (ValueError, TypeError):
            raise ValueError(
                f"reshape: cannot reshape a tensor of shape {self.shape} "
                f"({self.data.size} elements) into {shape}"
            ) from None
        return self._from_op(out, (self,), "reshape", _reshape_rule, (shape,))

    def flatten(self):
        """All elements in one axis (numpy's ravel order)."""
        return self.reshape(-1)

    def transpose(self, *axes):
        """Permute the axes; with none given, reverse them (as numpy does)."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        if not axes:
            axes = tuple(reversed(range(self.data.ndim)))
        ndim = self.data.ndim
        in_range = all(isinstance(ax, (int, np.integer)) and -ndim <= ax < ndim for ax in axes)
        if not in_range or sorted(ax % ndim for ax in axes) != list(range(ndim)):
            raise ValueError(
                f"transpose: axes {axes} are not a permutation of the {self.data.ndim} axes "
                f"of a tensor of shape {self.shape}"
            )
        axes = tuple(int(ax) % ndim for ax in axes)
        out = self.data.transpose(axes)
        return self._from_op(out, (self,), "transpose", _transpose_rule, (axes,))

    @property
    def T(self):
        """The transpose (all axes reversed)."""
        return self.transpose()

    def __getitem__(self, index):
        """Slices, integers, integer arrays (repeated positions add up in the gradient)
        and boolean masks, as in numpy."""
        index = _plain_index(index)
        try:
            out = self.data[index]
        except IndexError as error:
            raise IndexError(f"index: {error} (tensor shape {self.shape})") from None
        return self._from_op(
            out, (self,), "index", _getitem_rule, (index, _has_integer_array(index))
        )

    # ---- softmax family, stable for any logits: shift by the max before exp ----

    def softmax(self, axis: int = -1):
        axis = single_axis("softmax", axis, self.data.shape)
        shifted = np.exp(self.data - self.data.max(axis=axis, keepdims=True))
        out = shifted / shifted.sum(axis=axis, keepdims=True)
        return self._from_op(out, (self,), "softmax", _softmax_rule, (axis,))

    def log_softmax(self, axis: int = -1):
        axis = single_axis("log_softmax", axis, self.data.shape)
        shifted = self.data - self.data.max(axis=axis, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        return self._from_op(out, (self,), "log_softmax", _log_softmax_rule, (axis,))
