"""Arithmetic, matmul and elementwise functions of `Tensor`, each one unit: its rule,
declared with its math and drawing text (`tinygrad_edu.ops.declare`), then its forward.

Binary ops broadcast as numpy does. Broadcasting copies a value to many places in the
forward pass, so in the backward pass the gradients of those copies add up:
`unbroadcast` sums the upstream gradient back down to each operand's shape.

Every rule is written once for both backward passes: with arrays in the ordinary one,
and with Tensors (``node.data`` and ``node.parents[i].data`` are then the Tensors
themselves) when ``create_graph=True``; it uses only operators, methods that arrays and
Tensors share, and the helpers of `tinygrad_edu.ops`.
"""

from __future__ import annotations

import math

import numpy as np

from .ops import cos as _cos
from .ops import data_of, declare, log, sigmoid, sign, tanh, where
from .ops import sin as _sin

__all__ = ["unbroadcast", "binary", "add", "sub", "mul", "truediv", "power", "neg", "matmul",
           "unary", "leaky_relu", "elu", "maximum", "minimum", "clip"]


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


def binary(op: str, name: str, ufunc, a, b, rule):
    """A broadcasting binary op: lift a number or array to a constant Tensor, apply the
    ufunc (numpy's broadcast error becomes one that names the op), fix the dtype a
    Python number asks for (see `Tensor`), record the op."""
    b, dtype = a._operand(b)
    try:
        out = ufunc(a.data, b.data)
    except ValueError:
        raise ValueError(
            f"{name}: shapes {a.data.shape} and {b.data.shape} cannot be broadcast together "
            "(sizes must match or be 1, aligned from the right)"
        ) from None
    if dtype is not None and out.dtype != dtype:
        out = out.astype(dtype)
    return a.from_op(out, (a, b), op, rule)


# ---- arithmetic ----


@declare("+", symbol="+", math="∂(a+b)/∂a = 1, ∂(a+b)/∂b = 1", local=("1", "1"))
def _add_rule(node, upstream):
    a, b = node.parents
    return unbroadcast(upstream, a.data.shape), unbroadcast(upstream, b.data.shape)


def add(a, b):
    """a + b"""
    return binary("+", "add", np.add, a, b, _add_rule)


@declare("-", symbol="−", math="∂(a−b)/∂a = 1, ∂(a−b)/∂b = −1", local=("1", "−1"))
def _sub_rule(node, upstream):
    a, b = node.parents
    grad_b = unbroadcast(-upstream, b.data.shape) if b.requires_grad else None
    return unbroadcast(upstream, a.data.shape), grad_b


def sub(a, b):
    """a − b"""
    return binary("-", "sub", np.subtract, a, b, _sub_rule)


@declare("*", symbol="×", math="∂(a·b)/∂a = b, ∂(a·b)/∂b = a", local=("{1}", "{0}"))
def _mul_rule(node, upstream):
    a, b = node.parents
    grad_a = unbroadcast(upstream * b.data, a.data.shape) if a.requires_grad else None
    grad_b = unbroadcast(upstream * a.data, b.data.shape) if b.requires_grad else None
    return grad_a, grad_b


def mul(a, b):
    """a · b"""
    return binary("*", "mul", np.multiply, a, b, _mul_rule)


@declare("/", symbol="÷", math="∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b²",
         local=("1/{1}", "−{0}/{1}²"))
def _div_rule(node, upstream):  # −a/b² computed as −(a/b)/b
    a, b = node.parents
    grad_a = unbroadcast(upstream / b.data, a.data.shape) if a.requires_grad else None
    grad_b = unbroadcast(-upstream * node.data / b.data, b.data.shape) if b.requires_grad else None
    return grad_a, grad_b


def truediv(a, b):
    """a / b (integers divide to floats, as in numpy)"""
    return binary("/", "div", np.true_divide, a, b, _div_rule)


@declare("**n", symbol="xⁿ", math="d(aⁿ)/da = n·aⁿ⁻¹", local=("{args[0]:g}·{0}^{args[0]:g}−1",))
def _pow_const_rule(node, upstream):
    (a,), (n,) = node.parents, node.args
    if n == 0:
        return (upstream * 0,)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (upstream * (a.data ** (n - 1) * n),)


@declare("**", symbol="xʸ", math="∂(aᵇ)/∂a = b·aᵇ⁻¹, ∂(aᵇ)/∂b = aᵇ·ln a",
         local=("{1}·{0}^({1}−1)", "{0}^{1}·ln {0}"))
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


def power(a, exponent):
    """aⁿ for a number n (op "**n", e.g. "**2"), or aᵇ for a tensor b."""
    if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
        with np.errstate(divide="ignore", invalid="ignore"):
            if a.data.dtype.kind == "f":
                out = a.data ** a.data.dtype.type(exponent)
            else:  # an int or bool tensor: numpy's rule, then a float for a float power
                out = a.data ** exponent
                if isinstance(exponent, float) and out.dtype.kind != "f":
                    out = out.astype(np.float32)
        if out.dtype.kind != "f" and isinstance(exponent, float):
            out = out.astype(np.float32)
        return a.from_op(out, (a,), f"**{exponent:g}", _pow_const_rule, (exponent,))
    with np.errstate(invalid="ignore", divide="ignore"):
        return binary("**", "pow", np.power, a, exponent, _pow_rule)


@declare("neg", symbol="−x", math="d(−a)/da = −1", local=("−1",))
def _neg_rule(node, upstream):
    return (-upstream,)


def neg(a):
    """−a"""
    return a.from_op(-a.data, (a,), "neg", _neg_rule)


@declare("@", symbol="@", math="∂(A@B)/∂A = upstream @ Bᵀ, ∂(A@B)/∂B = Aᵀ @ upstream",
         local=("upstream @ {1}ᵀ", "{0}ᵀ @ upstream"))
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


def matmul(a, b):
    """A @ B, with numpy's rules for 1-D and batched operands."""
    b, _ = a._operand(b)
    try:
        out = a.data @ b.data
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


# ---- elementwise functions: (op, math, local template, rule body) then one forward ----


def _declare_unary(name: str, symbol: str, math: str, local: str):
    return declare(name, symbol=symbol, math=math, local=(local,))


@_declare_unary("exp", "exp", "d(eᵃ)/da = eᵃ", "e^{0} = {out}")
def _exp_rule(node, upstream):
    return (upstream * node.data,)


@_declare_unary("log", "log", "d(ln a)/da = 1/a", "1/{0}")
def _log_rule(node, upstream):  # inf at a = 0, as the forward's -inf
    with np.errstate(divide="ignore", invalid="ignore"):
        return (upstream / node.parents[0].data,)


@_declare_unary("sqrt", "√", "d√a/da = 1/(2√a)", "1/(2·{out})")
def _sqrt_rule(node, upstream):
    with np.errstate(divide="ignore", invalid="ignore"):
        return (upstream / (node.data * 2),)


@_declare_unary("abs", "|x|", "d|a|/da = sign(a) (0 at a = 0)", "sign({0})")
def _abs_rule(node, upstream):
    return (upstream * sign(node.parents[0].data),)


@_declare_unary("tanh", "tanh", "d tanh(a)/da = 1 − tanh(a)²", "1 − {out}²")
def _tanh_rule(node, upstream):
    return (upstream * (1 - node.data * node.data),)


@_declare_unary("sigmoid", "σ", "d σ(a)/da = σ(a)(1 − σ(a))", "{out}·(1 − {out})")
def _sigmoid_rule(node, upstream):
    return (upstream * (node.data * (1 - node.data)),)


@_declare_unary("relu", "ReLU", "d relu(a)/da = 1 where a > 0, else 0", "1 if {0} > 0 else 0")
def _relu_rule(node, upstream):
    return (upstream * (data_of(node.parents[0].data) > 0),)


@_declare_unary("leaky_relu", "LeakyReLU", "d/da = 1 where a > 0, else slope",
                "1 if {0} > 0 else {args[0]:g}")
def _leaky_relu_rule(node, upstream):
    (slope,) = node.args
    return (where(data_of(node.parents[0].data) > 0, upstream, upstream * slope),)


@_declare_unary("elu", "ELU", "d/da = 1 where a > 0, else α·eᵃ = out + α",
                "1 if {0} > 0 else {out} + {args[0]:g}")
def _elu_rule(node, upstream):
    (alpha,) = node.args
    return (where(data_of(node.parents[0].data) > 0, upstream, upstream * (node.data + alpha)),)


@_declare_unary("sin", "sin", "d sin(a)/da = cos(a)", "cos({0})")
def _sin_rule(node, upstream):
    return (upstream * _cos(node.parents[0].data),)


@_declare_unary("cos", "cos", "d cos(a)/da = −sin(a)", "−sin({0})")
def _cos_rule(node, upstream):
    return (-upstream * _sin(node.parents[0].data),)


@_declare_unary("log1p", "log1p", "d ln(1+a)/da = 1/(1+a)", "1/(1 + {0})")
def _log1p_rule(node, upstream):
    with np.errstate(divide="ignore"):
        return (upstream / (node.parents[0].data + 1),)


@_declare_unary("expm1", "expm1", "d(eᵃ−1)/da = eᵃ = out + 1", "{out} + 1")
def _expm1_rule(node, upstream):
    return (upstream * (node.data + 1),)


@_declare_unary("softplus", "softplus", "d ln(1+eᵃ)/da = σ(a)", "σ({0})")
def _softplus_rule(node, upstream):
    return (upstream * sigmoid(node.parents[0].data),)


@_declare_unary("silu", "SiLU", "d(a·σ(a))/da = σ(a)(1 + a(1 − σ(a)))",
                "σ({0})(1 + {0}(1 − σ({0})))")
def _silu_rule(node, upstream):
    a = node.parents[0].data
    s = sigmoid(a)
    return (upstream * (s * (a * (1 - s) + 1)),)


_GELU_C = math.sqrt(2 / math.pi)


@_declare_unary("gelu", "GELU", "d/da ½a(1+tanh u) = ½(1+tanh u) + ½a(1−tanh²u)·u′, "
                "u = √(2/π)(a + 0.044715a³)", "½(1+t) + ½{0}(1−t²)u′")
def _gelu_rule(node, upstream):
    a = node.parents[0].data
    t = tanh((a + a * a * a * 0.044715) * _GELU_C)
    slope = (t + 1) * 0.5 + a * (1 - t * t) * ((a * a * (3 * 0.044715) + 1) * (0.5 * _GELU_C))
    return (upstream * slope,)


def _stable_sigmoid(x):
    small = np.exp(-np.abs(x))  # in (0, 1]: never overflows, keeps precision in both tails
    return np.where(x >= 0, 1, small) / (1 + small)


def _gelu_forward(x):
    c = x.dtype.type(_GELU_C)
    return x * (np.tanh((x + x * x * x * x.dtype.type(0.044715)) * c) + 1) * x.dtype.type(0.5)


# name -> (forward on the array, rule, whether numpy may warn about the domain); the
# Tensor methods call `unary(name, x)`
_UNARY = {
    "exp": (np.exp, _exp_rule, False),
    "log": (np.log, _log_rule, True),
    "sqrt": (np.sqrt, _sqrt_rule, True),
    "abs": (np.abs, _abs_rule, False),
    "tanh": (np.tanh, _tanh_rule, False),
    "sigmoid": (_stable_sigmoid, _sigmoid_rule, False),
    "relu": (lambda x: np.maximum(x, 0), _relu_rule, False),
    "sin": (np.sin, _sin_rule, False),
    "cos": (np.cos, _cos_rule, False),
    "log1p": (np.log1p, _log1p_rule, True),
    "expm1": (np.expm1, _expm1_rule, False),
    "softplus": (lambda x: np.logaddexp(x.dtype.type(0), x), _softplus_rule, False),
    "silu": (lambda x: x * _stable_sigmoid(x), _silu_rule, False),
    "gelu": (_gelu_forward, _gelu_rule, False),
}


def unary(name: str, a):
    """Apply the elementwise function ``name`` (a key of ``_UNARY``) to tensor ``a``."""
    forward, rule, may_warn = _UNARY[name]
    data = a.data if a.data.dtype.kind == "f" else a.data.astype(np.float32)
    if may_warn:  # as numpy: log(0) = -inf, log(-1) = nan, without a warning
        with np.errstate(divide="ignore", invalid="ignore"):
            out = forward(data)
    else:  # (errstate costs about a microsecond: skipped where nothing can warn)
        out = forward(data)
    return a.from_op(out, (a,), name, rule)


def leaky_relu(a, negative_slope: float = 0.01):
    """x where x > 0, negative_slope · x elsewhere."""
    x = a.data
    out = np.where(x > 0, x, x * x.dtype.type(negative_slope))
    return a.from_op(out, (a,), "leaky_relu", _leaky_relu_rule, (negative_slope,))


def elu(a, alpha: float = 1.0):
    """x where x > 0, α(eˣ − 1) elsewhere."""
    x = a.data
    out = np.where(x > 0, x, x.dtype.type(alpha) * np.expm1(np.minimum(x, 0)))
    return a.from_op(out, (a,), "elu", _elu_rule, (alpha,))


# ---- maximum, minimum, clip ----


def _pick(chosen, tie, dtype):
    """1 where ``chosen``, ½ on a tie, 0 elsewhere (a constant mask)."""
    return np.where(tie, 0.5, chosen).astype(dtype)


@declare("maximum", symbol="max", math="∂max(a,b)/∂a = 1 where a > b, ½ on a tie, else 0",
         local=("1 where {0} > {1}", "1 where {1} > {0}"))
def _maximum_rule(node, upstream):
    a, b = node.parents
    a_data, b_data = data_of(a.data), data_of(b.data)
    tie = a_data == b_data
    grad_a = unbroadcast(upstream * _pick(a_data > b_data, tie, upstream.dtype), a.data.shape)
    grad_b = unbroadcast(upstream * _pick(b_data > a_data, tie, upstream.dtype), b.data.shape)
    return grad_a, grad_b


def maximum(a, b):
    """Elementwise max(a, b); on a tie each side gets half the gradient (torch.maximum)."""
    return binary("maximum", "maximum", np.maximum, a, b, _maximum_rule)


@declare("minimum", symbol="min", math="∂min(a,b)/∂a = 1 where a < b, ½ on a tie, else 0",
         local=("1 where {0} < {1}", "1 where {1} < {0}"))
def _minimum_rule(node, upstream):
    a, b = node.parents
    a_data, b_data = data_of(a.data), data_of(b.data)
    tie = a_data == b_data
    grad_a = unbroadcast(upstream * _pick(a_data < b_data, tie, upstream.dtype), a.data.shape)
    grad_b = unbroadcast(upstream * _pick(b_data < a_data, tie, upstream.dtype), b.data.shape)
    return grad_a, grad_b


def minimum(a, b):
    """Elementwise min(a, b); on a tie each side gets half the gradient."""
    return binary("minimum", "minimum", np.minimum, a, b, _minimum_rule)


@declare("clip", symbol="clip", math="d clip(a, lo, hi)/da = 1 where lo ≤ a ≤ hi, else 0",
         local=("1 where {args[0]} ≤ {0} ≤ {args[1]}",))
def _clip_rule(node, upstream):
    low, high = node.args
    a = data_of(node.parents[0].data)
    inside = np.ones(a.shape, dtype=bool)
    if low is not None:
        inside &= a >= low
    if high is not None:
        inside &= a <= high
    return (upstream * inside,)


def clip(a, min=None, max=None):  # noqa: A002 (PyTorch's argument names)
    """Each element limited to [min, max] (either may be None); the gradient passes where
    the element was inside, bounds included (as torch.clamp)."""
    if min is None and max is None:
        raise ValueError("clip: give min, max or both")
    out = np.clip(a.data, min, max)
    return a.from_op(out, (a,), "clip", _clip_rule, (min, max))
