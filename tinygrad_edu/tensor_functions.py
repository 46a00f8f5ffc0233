"""Tensor ops that join several tensors: cat, stack and where, each one unit (its rule,
declared with its math and drawing text, then its forward). The loss lives in
`tensor_losses`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .ops import data_of, declare, piecewise
from .ops import where as _where
from .tensor import Tensor, tensors_of
from .tensor_math import unbroadcast
from .tensor_shape import single_axis

__all__ = ["cat", "stack", "where"]


@declare("cat", symbol="cat", math="∂cat(a, b)/∂a = 1 on a's own slice",
         local=("its own slice of upstream",), local_ko=("상위 기울기 중 자기 조각",),
         variadic=True,
         forward=lambda args, *parts: np.concatenate(parts, axis=args[0]))
def _cat_rule(node, upstream):  # each input gets back its own slice of the gradient
    (axis, sizes) = node.args
    pieces, start = [], 0
    for size in sizes:
        pieces.append(upstream[(slice(None),) * axis + (slice(start, start + size),)])
        start += size
    return tuple(pieces)


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
    return tensors[0].from_op(out, tuple(tensors), "cat", _cat_rule, (axis, sizes))


@declare("stack", symbol="stack", math="∂stack(a, b)/∂a = 1 on a's own layer",
         local=("its own layer of upstream",), local_ko=("상위 기울기 중 자기 층",),
         variadic=True,
         forward=lambda args, *parts: np.stack(parts, axis=args[0]))
def _stack_rule(node, upstream):  # each input gets back its own layer of the gradient
    (axis,) = node.args
    return tuple(upstream[(slice(None),) * axis + (i,)] for i in range(upstream.shape[axis]))


def stack(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis."""
    tensors = tensors_of(tensors, "stack")
    axis = single_axis("stack", axis, tensors[0].shape + (len(tensors),))
    try:
        out = np.stack([t.data for t in tensors], axis=axis)
    except ValueError:
        shapes = ", ".join(str(t.shape) for t in tensors)
        raise ValueError(f"stack: needs tensors of one shape, got {shapes}") from None
    return tensors[0].from_op(out, tuple(tensors), "stack", _stack_rule, (axis,))


@declare("where", symbol="where", math="∂where(c, x, y)/∂x = 1 where c, else 0",
         local=("1 where the condition holds", "1 where it does not"),
         local_ko=("조건이 참인 곳은 1, 나머지는 0", "조건이 거짓인 곳은 1, 나머지는 0"),
         forward=lambda args, x, y: np.where(args[0], x, y))
def _where_rule(node, upstream):  # the gradient goes to whichever side was chosen
    x, y = node.parents
    (condition,) = node.args
    zero = np.zeros((), dtype=data_of(upstream).dtype)
    # the zero of each side is a piece of that side: a second derivative through where
    # is 0, not "input not used" (see ops.piecewise)
    grad_x = grad_y = None
    if x.requires_grad:
        grad_x = unbroadcast(_where(condition, upstream, piecewise(zero, x.data)), x.shape)
    if y.requires_grad:
        grad_y = unbroadcast(_where(condition, piecewise(zero, y.data), upstream), y.shape)
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
    return x.from_op(out, (x, y), "where", _where_rule, (condition,))
