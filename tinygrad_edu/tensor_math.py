"""Arithmetic and matmul of `Tensor` (``+ - * / ** @``), each one unit: its rule,
declared with its math, drawing text and pure forward (`tinygrad_edu.ops.declare`),
then the method, which calls that same forward computation.

Binary ops broadcast as numpy does. Broadcasting copies a value to many places in the
forward pass, so in the backward pass the gradients of those copies add up:
`unbroadcast` sums the upstream gradient back down to each operand's shape.

Every rule is written once for both backward passes: with arrays in the ordinary one,
and with Tensors (``node.data`` and ``node.parents[i].data`` are then the Tensors
themselves) when ``create_graph=True``; it uses only operators, methods that arrays and
Tensors share, and the helpers of `tinygrad_edu.ops`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .op_text import text_of
from .ops import data_of, declare, log, where

if TYPE_CHECKING:  # only for the annotations: tensor.py imports this module
    from .tensor import Tensor

__all__ = ["unbroadcast", "binary", "add", "sub", "mul", "truediv", "power", "neg", "matmul"]


def unbroadcast(grad, shape: tuple[int, ...]):
    """Sum ``grad`` over the axes that broadcasting added to or stretched in ``shape``."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:  # leading axes that the operand did not have
        grad = grad.sum(axis=tuple(range(extra)))
        if grad.shape == shape:
            return grad
    stretched = tuple(i for i, size in enumerate(shape) if size == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def binary(op: str, name: str, ufunc, a: Tensor, b, rule, reflected: bool = False) -> Tensor:
    """A broadcasting binary op: lift a number or array to a constant Tensor, apply the
    ufunc (numpy's broadcast error becomes one that names the op), fix the dtype a
    Python number asks for (see `tensor_dtypes`), record the op. ``reflected``: the
    number or array was on the left (``2 - x``)."""
    b, dtype = a._operand(b)
    if reflected:
        a, b = b, a
    try:
        out = ufunc(a.data, b.data)
    except ValueError:
        raise ValueError(
            f"{name}: shapes {a.data.shape} and {b.data.shape} cannot be broadcast together "
            "(sizes must match or be 1, aligned from the right)"
        ) from None
    except TypeError as error:  # e.g. numpy refuses bool - bool
        raise TypeError(f"{name}: not defined for {a.data.dtype} and {b.data.dtype} "
                        f"({str(error).splitlines()[0]}); convert with dtype= first") from None
    if dtype is not None and out.dtype != dtype:
        out = out.astype(dtype)
    return a.from_op(out, (a, b), op, rule)


def _forward_of(ufunc):
    """The declared forward of a binary op: the same ufunc `binary` applies."""
    def forward(args, a, b):
        return ufunc(a, b)

    return forward


# ---- arithmetic ----


@declare("+", **text_of("+"), forward=_forward_of(np.add))
def _add_rule(node, upstream):
    a, b = node.parents
    return unbroadcast(upstream, a.data.shape), unbroadcast(upstream, b.data.shape)


def add(a: Tensor, b: Tensor | float | np.ndarray, reflected: bool = False) -> Tensor:
    """a + b"""
    return binary("+", "add", np.add, a, b, _add_rule, reflected)


@declare("-", **text_of("-"), forward=_forward_of(np.subtract))
def _sub_rule(node, upstream):
    a, b = node.parents
    grad_b = unbroadcast(-upstream, b.data.shape) if b.requires_grad else None
    return unbroadcast(upstream, a.data.shape), grad_b


def sub(a: Tensor, b: Tensor | float | np.ndarray, reflected: bool = False) -> Tensor:
    """a − b"""
    return binary("-", "sub", np.subtract, a, b, _sub_rule, reflected)


@declare("*", **text_of("*"), forward=_forward_of(np.multiply))
def _mul_rule(node, upstream):
    a, b = node.parents
    grad_a = unbroadcast(upstream * b.data, a.data.shape) if a.requires_grad else None
    grad_b = unbroadcast(upstream * a.data, b.data.shape) if b.requires_grad else None
    return grad_a, grad_b


def mul(a: Tensor, b: Tensor | float | np.ndarray, reflected: bool = False) -> Tensor:
    """a · b"""
    return binary("*", "mul", np.multiply, a, b, _mul_rule, reflected)


@declare("/", **text_of("/"), forward=_forward_of(np.true_divide))
def _div_rule(node, upstream):  # −a/b² computed as −(a/b)/b
    a, b = node.parents
    grad_a = unbroadcast(upstream / b.data, a.data.shape) if a.requires_grad else None
    grad_b = unbroadcast(-upstream * node.data / b.data, b.data.shape) if b.requires_grad else None
    return grad_a, grad_b


def truediv(a: Tensor, b: Tensor | float | np.ndarray, reflected: bool = False) -> Tensor:
    """a / b (integers divide to floats, as in numpy)"""
    return binary("/", "div", np.true_divide, a, b, _div_rule, reflected)


def _pow_const_data(x: np.ndarray, exponent):
    """x ** n for a number n, in x's float dtype (a float power of ints gives float32)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if x.dtype.kind == "f":
            out = x ** x.dtype.type(exponent)
        else:  # an int or bool tensor: numpy's rule, then a float for a float power
            out = x ** exponent
    if out.dtype.kind != "f" and isinstance(exponent, float):
        out = out.astype(np.float32)
    return out


def _pow_data(args, a, b):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.power(a, b)


@declare("**n", **text_of("**n"), forward=lambda args, a: _pow_const_data(a, args[0]))
def _pow_const_rule(node, upstream):
    (a,), (n,) = node.parents, node.args
    if n == 0:
        return (upstream * 0,)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (upstream * (a.data ** (n - 1) * n),)


@declare("**", **text_of("**"), forward=_pow_data)
def _pow_rule(node, upstream):
    a, b = node.parents
    a_data, b_data = data_of(a.data), data_of(b.data)
    grad_a = grad_b = None
    with np.errstate(divide="ignore", invalid="ignore"):
        if a.requires_grad:
            slope = where(b_data == 0, 0.0, b.data * a.data ** (b.data - 1))
            grad_a = unbroadcast(upstream * slope, a.data.shape)
        if b.requires_grad:
            # where a = 0 and b >= 0, a^b does not change with b (PyTorch's convention)
            flat = (a_data == 0) & (b_data >= 0)
            log_a = where(flat, 0.0, log(where(flat, 1.0, a.data)))
            grad_b = unbroadcast(upstream * node.data * log_a, b.data.shape)
    return grad_a, grad_b


def power(a: Tensor, exponent, reflected: bool = False) -> Tensor:
    """aⁿ for a number n (op "**n", e.g. "**2"), or aᵇ for a tensor b."""
    if isinstance(exponent, (int, float)) and not isinstance(exponent, bool) and not reflected:
        out = _pow_const_data(a.data, exponent)
        return a.from_op(out, (a,), f"**{exponent:g}", _pow_const_rule, (exponent,))
    with np.errstate(invalid="ignore", divide="ignore"):
        return binary("**", "pow", np.power, a, exponent, _pow_rule, reflected)


@declare("neg", **text_of("neg"), forward=lambda args, a: -a)
def _neg_rule(node, upstream):
    return (-upstream,)


def neg(a: Tensor) -> Tensor:
    """−a"""
    return a.from_op(-a.data, (a,), "neg", _neg_rule)


@declare("@", symbol="@", math="∂(A@B)/∂A = upstream @ Bᵀ, ∂(A@B)/∂B = Aᵀ @ upstream",
         local=("upstream @ {1}ᵀ", "{0}ᵀ @ upstream"), forward=_forward_of(np.matmul))
def _matmul_rule(node, upstream):
    a, b = node.parents
    a_data, b_data = a.data, b.data
    if a_data.ndim == 2 and b_data.ndim == 2:  # the common case, no axes to fix up
        return (upstream @ b_data.T if a.requires_grad else None,
                a_data.T @ upstream if b.requires_grad else None)
    # Treat 1-D operands as numpy does: a vector on the left is a row, on the right a
    # column; the upstream gradient gets back the axes that numpy then dropped.
    shape = upstream.shape
    if a_data.ndim == 1 and b_data.ndim == 1:
        upstream = upstream.reshape(1, 1)
    elif a_data.ndim == 1:
        upstream = upstream.reshape(shape[:-1] + (1,) + shape[-1:])
    elif b_data.ndim == 1:
        upstream = upstream.reshape(shape + (1,))
    a_matrix = a_data.reshape(1, -1) if a_data.ndim == 1 else a_data
    b_matrix = b_data.reshape(-1, 1) if b_data.ndim == 1 else b_data
    grad_a = grad_b = None
    if a.requires_grad:
        grad_a = unbroadcast(upstream @ b_matrix.swapaxes(-1, -2), a_matrix.shape)
        grad_a = grad_a.reshape(a_data.shape)  # drop the row axis a 1-D operand was given
    if b.requires_grad:
        grad_b = unbroadcast(a_matrix.swapaxes(-1, -2) @ upstream, b_matrix.shape)
        grad_b = grad_b.reshape(b_data.shape)
    return grad_a, grad_b


def matmul(a: Tensor, b: Tensor | float | np.ndarray) -> Tensor:
    """A @ B, with numpy's rules for 1-D and batched operands."""
    b, _ = a._operand(b)
    try:
        out = np.matmul(a.data, b.data)
    except ValueError:
        raise ValueError(_matmul_error(a.data.shape, b.data.shape)) from None
    return a.from_op(out, (a, b), "@", _matmul_rule)


def _matmul_error(left: tuple, right: tuple) -> str:
    if len(left) == 0 or len(right) == 0:
        return f"matmul: {left} @ {right}: both operands need at least one dimension"
    inner_left = left[-1]
    inner_right = right[0] if len(right) == 1 else right[-2]
    if inner_left != inner_right:
        return f"matmul: {left} @ {right}: inner sizes {inner_left} and {inner_right} differ"
    return (f"matmul: {left} @ {right}: batch dimensions {left[:-2]} and {right[:-2]} "
            "cannot broadcast")
