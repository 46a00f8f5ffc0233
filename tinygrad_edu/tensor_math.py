"""Elementwise and matrix ops of `Tensor`, each forward beside its local derivative.

Binary ops broadcast as numpy does. Broadcasting copies a value to many places in the
forward pass, so in the backward pass the gradients of those copies add up:
`unbroadcast` sums the upstream gradient back down to each operand's shape.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ElementwiseOps", "unbroadcast"]


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
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


def _broadcast(op: str, ufunc, a, b) -> np.ndarray:
    """Apply a numpy ufunc, turning numpy's broadcast error into one that names the op."""
    try:
        return ufunc(a.data, b.data)
    except ValueError:
        raise ValueError(
            f"{op}: shapes {a.data.shape} and {b.data.shape} cannot be broadcast together "
            "(sizes must match or be 1, aligned from the right)"
        ) from None


# ---- local derivative rules: (node, upstream) -> one gradient per parent ----


def _add_rule(node, upstream):  # d(a+b)/da = 1, d(a+b)/db = 1
    a, b = node.parents
    return unbroadcast(upstream, a.data.shape), unbroadcast(upstream, b.data.shape)


def _sub_rule(node, upstream):  # d(a-b)/da = 1, d(a-b)/db = -1
    a, b = node.parents
    grad_b = unbroadcast(-upstream, b.data.shape) if b.requires_grad else None
    return unbroadcast(upstream, a.data.shape), grad_b


def _mul_rule(node, upstream):  # d(ab)/da = b, d(ab)/db = a
    a, b = node.parents
    grad_a = unbroadcast(upstream * b.data, a.data.shape) if a.requires_grad else None
    grad_b = unbroadcast(upstream * a.data, b.data.shape) if b.requires_grad else None
    return grad_a, grad_b


def _div_rule(node, upstream):  # d(a/b)/da = 1/b, d(a/b)/db = -a/b² = -(a/b)/b
    a, b = node.parents
    grad_a = unbroadcast(upstream / b.data, a.data.shape) if a.requires_grad else None
    grad_b = unbroadcast(-upstream * node.data / b.data, b.data.shape) if b.requires_grad else None
    return grad_a, grad_b


def _pow_const_rule(node, upstream):  # d(a^n)/da = n a^(n-1)
    (a,), (n,) = node.parents, node.args
    if n == 0:
        return (np.zeros_like(a.data),)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (upstream * (n * a.data ** (n - 1)),)


def _pow_rule(node, upstream):  # d(a^b)/da = b a^(b-1), d(a^b)/db = a^b ln a
    a, b = node.parents
    grad_a = grad_b = None
    if a.requires_grad:
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(b.data == 0, 0.0, b.data * a.data ** (b.data - 1))
        grad_a = unbroadcast(upstream * slope, a.data.shape)
    if b.requires_grad:
        with np.errstate(divide="ignore", invalid="ignore"):
            log_a = np.log(a.data)
        # where a = 0 and b >= 0, a^b does not change with b (PyTorch's convention)
        log_a = np.where((a.data == 0) & (b.data >= 0), 0.0, log_a)
        grad_b = unbroadcast(upstream * node.data * log_a, b.data.shape)
    return grad_a, grad_b


def _neg_rule(node, upstream):  # d(-a)/da = -1
    return (-upstream,)


def _matmul_rule(node, upstream):  # d(A@B)/dA = upstream @ Bᵀ, d(A@B)/dB = Aᵀ @ upstream
    a, b = node.parents
    a_data, b_data = a.data, b.data
    if a_data.ndim == 2 and b_data.ndim == 2:  # the common case, no axes to fix up
        return (upstream @ b_data.T if a.requires_grad else None,
                a_data.T @ upstream if b.requires_grad else None)
    # Treat 1-D operands as numpy does: a vector on the left is a row, on the right a
    # column; the upstream gradient gets back the axes that numpy then dropped.
    if a_data.ndim == 1 and b_data.ndim == 1:
        upstream = upstream.reshape(1, 1)
    elif a_data.ndim == 1:
        upstream = np.expand_dims(upstream, -2)
    elif b_data.ndim == 1:
        upstream = np.expand_dims(upstream, -1)
    if a_data.ndim == 1:
        a_data = a_data[None, :]
    if b_data.ndim == 1:
        b_data = b_data[:, None]
    grad_a = grad_b = None
    if a.requires_grad:
        grad_a = unbroadcast(upstream @ b_data.swapaxes(-1, -2), a_data.shape)
        if a_data is not a.data:  # drop the row axis a 1-D operand was given
            grad_a = grad_a.reshape(a.data.shape)
    if b.requires_grad:
        grad_b = unbroadcast(a_data.swapaxes(-1, -2) @ upstream, b_data.shape)
        if b_data is not b.data:
            grad_b = grad_b.reshape(b.data.shape)
    return grad_a, grad_b


def _exp_rule(node, upstream):  # d e^a/da = e^a
    return (upstream * node.data,)


def _log_rule(node, upstream):  # d ln(a)/da = 1/a (inf at a = 0, as the forward's -inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (upstream / node.parents[0].data,)


def _sqrt_rule(node, upstream):  # d √a/da = 1/(2√a) (inf at a = 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (upstream / (2 * node.data),)


def _abs_rule(node, upstream):  # d|a|/da = sign(a), taken as 0 at a = 0
    return (upstream * np.sign(node.parents[0].data),)


def _tanh_rule(node, upstream):  # d tanh(a)/da = 1 - tanh(a)²
    return (upstream * (1 - node.data * node.data),)


def _sigmoid_rule(node, upstream):  # d σ(a)/da = σ(a)(1 - σ(a))
    return (upstream * (node.data * (1 - node.data)),)


def _relu_rule(node, upstream):  # d relu(a)/da = 1 where a > 0, else 0
    return (upstream * (node.parents[0].data > 0),)


def _leaky_relu_rule(node, upstream):  # d/da = 1 where a > 0, else slope
    (slope,) = node.args
    return (np.where(node.parents[0].data > 0, upstream, upstream * slope),)


def _elu_rule(node, upstream):  # d/da = 1 where a > 0, else alpha e^a = out + alpha
    (alpha,) = node.args
    return (np.where(node.parents[0].data > 0, upstream, upstream * (node.data + alpha)),)


class ElementwiseOps:
    """Arithmetic, matmul and elementwise functions of `Tensor` (a mixin)."""

    __slots__ = ()

    # ---- arithmetic with full numpy broadcasting; numbers and arrays on either side ----

    def __add__(self, other):
        other = self._lift(other)
        return self._from_op(_broadcast("add", np.add, self, other), (self, other), "+", _add_rule)

    def __radd__(self, other):
        return self._lift(other).__add__(self)

    def __sub__(self, other):
        other = self._lift(other)
        return self._from_op(
            _broadcast("sub", np.subtract, self, other), (self, other), "-", _sub_rule
        )

    def __rsub__(self, other):
        return self._lift(other).__sub__(self)

    def __mul__(self, other):
        other = self._lift(other)
        return self._from_op(
            _broadcast("mul", np.multiply, self, other), (self, other), "*", _mul_rule
        )

    def __rmul__(self, other):
        return self._lift(other).__mul__(self)

    def __truediv__(self, other):
        other = self._lift(other)
        return self._from_op(
            _broadcast("div", np.true_divide, self, other), (self, other), "/", _div_rule
        )

    def __rtruediv__(self, other):
        return self._lift(other).__truediv__(self)

    def __pow__(self, exponent):
        if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
            out = self.data ** self.data.dtype.type(exponent)
            return self._from_op(out, (self,), f"**{exponent:g}", _pow_const_rule, (exponent,))
        exponent = self._lift(exponent)
        with np.errstate(invalid="ignore"):
            out = _broadcast("pow", np.power, self, exponent)
        return self._from_op(out, (self, exponent), "**", _pow_rule)

    def __rpow__(self, base):
        return self._lift(base).__pow__(self)

    def __neg__(self):
        return self._from_op(-self.data, (self,), "neg", _neg_rule)

    def __pos__(self):
        return self

    def __matmul__(self, other):
        other = self._lift(other)
        try:
            out = self.data @ other.data
        except ValueError:
            raise ValueError(_matmul_error(self.data.shape, other.data.shape)) from None
        return self._from_op(out, (self, other), "@", _matmul_rule)

    def __rmatmul__(self, other):
        return self._lift(other).__matmul__(self)

    def matmul(self, other):
        return self.__matmul__(other)

    # ---- elementwise functions ----

    def exp(self):
        return self._from_op(np.exp(self.data), (self,), "exp", _exp_rule)

    def log(self):
        """Natural logarithm; as in numpy, log(0) = -inf and log(x < 0) = nan."""
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.log(self.data)
        return self._from_op(out, (self,), "log", _log_rule)

    def sqrt(self):
        with np.errstate(invalid="ignore"):
            out = np.sqrt(self.data)
        return self._from_op(out, (self,), "sqrt", _sqrt_rule)

    def abs(self):
        return self._from_op(np.abs(self.data), (self,), "abs", _abs_rule)

    def __abs__(self):
        return self.abs()

    def tanh(self):
        return self._from_op(np.tanh(self.data), (self,), "tanh", _tanh_rule)

    def sigmoid(self):
        """σ(x) = 1/(1 + e^-x), computed from e^-|x| so that it never overflows and keeps
        its relative precision far into both tails."""
        small = np.exp(-np.abs(self.data))  # in (0, 1]
        out = np.where(self.data >= 0, 1, small) / (1 + small)
        return self._from_op(out, (self,), "sigmoid", _sigmoid_rule)

    def relu(self):
        """max(0, x); the derivative at exactly 0 is taken as 0 (as in PyTorch)."""
        return self._from_op(np.maximum(self.data, 0), (self,), "relu", _relu_rule)

    def leaky_relu(self, negative_slope: float = 0.01):
        """x where x > 0, negative_slope * x elsewhere."""
        out = np.where(self.data > 0, self.data, self.data * self.data.dtype.type(negative_slope))
        return self._from_op(out, (self,), "leaky_relu", _leaky_relu_rule, (negative_slope,))

    def elu(self, alpha: float = 1.0):
        """x where x > 0, alpha (e^x - 1) elsewhere."""
        x = self.data
        out = np.where(x > 0, x, x.dtype.type(alpha) * np.expm1(np.minimum(x, 0)))
        return self._from_op(out, (self,), "elu", _elu_rule, (alpha,))


def _matmul_error(left: tuple, right: tuple) -> str:
    if len(left) == 0 or len(right) == 0:
        return f"matmul: {left} @ {right}: both operands need at least one dimension"
    inner_left = left[-1]
    inner_right = right[0] if len(right) == 1 else right[-2]
    if inner_left != inner_right:
        return f"matmul: {left} @ {right}: inner sizes {inner_left} and {inner_right} differ"
    return (f"matmul: {left} @ {right}: batch dimensions {left[:-2]} and {right[:-2]} "
            "cannot broadcast")
