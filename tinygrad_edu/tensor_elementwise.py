"""Elementwise functions of `Tensor` -- exp, log, tanh, sigmoid, relu, sin, gelu, ...,
maximum, minimum, clip -- each one unit: its forward and its rule, declared together
(`tinygrad_edu.ops.declare`) with its math and drawing text.

Every rule is written once for both backward passes (arrays, or Tensors when
``create_graph=True``): operators, shared methods and the helpers of `tinygrad_edu.ops`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .op_text import text_of
from .ops import cos as _cos
from .ops import data_of, declare, piecewise, sigmoid, sign, tanh, where
from .ops import sin as _sin
from .tensor_dtypes import real_setting
from .tensor_math import _forward_of, binary, unbroadcast

if TYPE_CHECKING:  # only for the annotations: tensor.py imports this module
    from .tensor import Tensor

__all__ = ["unary", "leaky_relu", "elu", "maximum", "minimum", "clip"]


# ---- elementwise functions: each rule is declared together with its forward ----

# name -> (forward on the array, rule, whether numpy may warn about the domain)
_FORWARDS: dict = {}


def _elementwise(name: str, forward, may_warn: bool = False, **text):
    """Declare an elementwise op's rule (`ops.declare`, with ``forward`` as its declared
    forward) and remember the forward for `unary`. ``text``: the op's ``symbol``,
    ``math`` and ``local``; an op `Value` has too takes the text both share (`op_text`)."""
    def declared(args, x):
        if may_warn:
            with np.errstate(divide="ignore", invalid="ignore"):
                return forward(x)
        return forward(x)

    def register(rule):
        declare(name, **(text or text_of(name)), forward=declared)(rule)
        _FORWARDS[name] = (forward, rule, may_warn)
        return rule

    return register


def unary(name: str, a):
    """Apply the elementwise function ``name`` (declared below) to tensor ``a``."""
    forward, rule, may_warn = _FORWARDS[name]
    data = a.data if a.data.dtype.kind == "f" else a.data.astype(np.float32)
    if may_warn:  # as numpy: log(0) = -inf, log(-1) = nan, without a warning
        with np.errstate(divide="ignore", invalid="ignore"):
            out = forward(data)
    else:  # (errstate costs about a microsecond: skipped where nothing can warn)
        out = forward(data)
    return a.from_op(out, (a,), name, rule)


@_elementwise("exp", np.exp)
def _exp_rule(node, upstream):
    return (upstream * node.data,)


@_elementwise("log", np.log, may_warn=True)
def _log_rule(node, upstream):  # inf at a = 0, as the forward's -inf
    with np.errstate(divide="ignore", invalid="ignore"):
        return (upstream / node.parents[0].data,)


@_elementwise("sqrt", np.sqrt, may_warn=True)
def _sqrt_rule(node, upstream):
    with np.errstate(divide="ignore", invalid="ignore"):
        return (upstream / (node.data * 2),)


@_elementwise("abs", np.abs)
def _abs_rule(node, upstream):
    return (upstream * sign(node.parents[0].data),)


@_elementwise("tanh", np.tanh)
def _tanh_rule(node, upstream):
    return (upstream * (1 - node.data * node.data),)


def _stable_sigmoid(x):
    # 1/(1 + e⁻ˣ) keeps its relative precision in both tails; where e⁻ˣ overflows
    # (x < -88 in float32, -709 in float64) it is inf and the result 0, the limit, off
    # by less than the smallest normal number. Four passes in one buffer: a third of the
    # time of the form with np.where (the LSTM's gates, benchmarks/bench_rnn.py).
    out = np.negative(x, out=np.empty_like(x))  # out=: a 0-d input stays an array
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


@_elementwise("sigmoid", _stable_sigmoid)
def _sigmoid_rule(node, upstream):
    return (upstream * (node.data * (1 - node.data)),)


def _relu_forward(x):
    return np.maximum(x, 0)


@_elementwise("relu", _relu_forward)
def _relu_rule(node, upstream):
    x = node.parents[0].data
    return (upstream * piecewise(data_of(x) > 0, x),)


@_elementwise("sin", np.sin)
def _sin_rule(node, upstream):
    return (upstream * _cos(node.parents[0].data),)


@_elementwise("cos", np.cos)
def _cos_rule(node, upstream):
    return (-upstream * _sin(node.parents[0].data),)


@_elementwise("log1p", np.log1p, may_warn=True, symbol="log1p", math="d ln(1+a)/da = 1/(1+a)",
              local=("1/(1 + {0})",))
def _log1p_rule(node, upstream):
    with np.errstate(divide="ignore"):
        return (upstream / (node.parents[0].data + 1),)


@_elementwise("expm1", np.expm1, symbol="expm1", math="d(eᵃ−1)/da = eᵃ = out + 1",
              local=("{out} + 1",))
def _expm1_rule(node, upstream):
    return (upstream * (node.data + 1),)


def _softplus_forward(x):
    return np.logaddexp(x.dtype.type(0), x)


@_elementwise("softplus", _softplus_forward, symbol="softplus", math="d ln(1+eᵃ)/da = σ(a)",
              local=("σ({0})",))
def _softplus_rule(node, upstream):
    return (upstream * sigmoid(node.parents[0].data),)


def _silu_forward(x):
    return x * _stable_sigmoid(x)


@_elementwise("silu", _silu_forward, symbol="SiLU", math="d(a·σ(a))/da = σ(a)(1 + a(1 − σ(a)))",
              local=("σ({0})(1 + {0}(1 − σ({0})))",))
def _silu_rule(node, upstream):
    a = node.parents[0].data
    s = sigmoid(a)
    return (upstream * (s * (a * (1 - s) + 1)),)


_GELU_C = math.sqrt(2 / math.pi)


def _gelu_forward(x):
    c = x.dtype.type(_GELU_C)
    return x * (np.tanh((x + x * x * x * x.dtype.type(0.044715)) * c) + 1) * x.dtype.type(0.5)


@_elementwise("gelu", _gelu_forward, symbol="GELU",
              math="d/da ½a(1+tanh u) = ½(1+tanh u) + ½a(1−tanh²u)·u′, u = √(2/π)(a + 0.044715a³)",
              local=("½(1+t) + ½{0}(1−t²)u′",))
def _gelu_rule(node, upstream):
    a = node.parents[0].data
    t = tanh((a + a * a * a * 0.044715) * _GELU_C)
    slope = (t + 1) * 0.5 + a * (1 - t * t) * ((a * a * (3 * 0.044715) + 1) * (0.5 * _GELU_C))
    return (upstream * slope,)


# ---- with a setting: leaky_relu, elu ----


def _leaky_relu_data(x: np.ndarray, slope: float) -> np.ndarray:
    return np.where(x > 0, x, x * x.dtype.type(slope))


def _elu_data(x: np.ndarray, alpha: float) -> np.ndarray:
    return np.where(x > 0, x, x.dtype.type(alpha) * np.expm1(np.minimum(x, 0)))


@declare("leaky_relu", **text_of("leaky_relu"),
         forward=lambda args, x: _leaky_relu_data(x, args[0]))
def _leaky_relu_rule(node, upstream):
    (slope,) = node.args
    x = node.parents[0].data
    return (upstream * piecewise(np.where(data_of(x) > 0, 1, slope).astype(upstream.dtype), x),)


def leaky_relu(a: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x where x > 0, negative_slope · x elsewhere."""
    negative_slope = real_setting("leaky_relu", "negative_slope", negative_slope)
    out = _leaky_relu_data(a.data, negative_slope)
    return a.from_op(out, (a,), "leaky_relu", _leaky_relu_rule, (negative_slope,))


@declare("elu", **text_of("elu"), forward=lambda args, x: _elu_data(x, args[0]))
def _elu_rule(node, upstream):
    (alpha,) = node.args
    return (where(data_of(node.parents[0].data) > 0, upstream, upstream * (node.data + alpha)),)


def elu(a: Tensor, alpha: float = 1.0) -> Tensor:
    """x where x > 0, α(eˣ − 1) elsewhere."""
    alpha = real_setting("elu", "alpha", alpha)
    out = _elu_data(a.data, alpha)
    return a.from_op(out, (a,), "elu", _elu_rule, (alpha,))


# ---- maximum, minimum, clip ----


def _pick(chosen, tie, dtype):
    """1 where ``chosen``, ½ on a tie, 0 elsewhere (a constant mask)."""
    return np.where(tie, 0.5, chosen).astype(dtype)


@declare("maximum", **text_of("maximum"), forward=_forward_of(np.maximum))
def _maximum_rule(node, upstream):
    a, b = node.parents
    a_data, b_data = data_of(a.data), data_of(b.data)
    tie = a_data == b_data
    pick_a = piecewise(_pick(a_data > b_data, tie, upstream.dtype), a.data, b.data)
    pick_b = piecewise(_pick(b_data > a_data, tie, upstream.dtype), a.data, b.data)
    return (unbroadcast(upstream * pick_a, a.data.shape),
            unbroadcast(upstream * pick_b, b.data.shape))


def maximum(a: Tensor, b: Tensor | float | np.ndarray) -> Tensor:
    """Elementwise max(a, b); on a tie each side gets half the gradient (torch.maximum)."""
    return binary("maximum", "maximum", np.maximum, a, b, _maximum_rule)


@declare("minimum", **text_of("minimum"), forward=_forward_of(np.minimum))
def _minimum_rule(node, upstream):
    a, b = node.parents
    a_data, b_data = data_of(a.data), data_of(b.data)
    tie = a_data == b_data
    pick_a = piecewise(_pick(a_data < b_data, tie, upstream.dtype), a.data, b.data)
    pick_b = piecewise(_pick(b_data < a_data, tie, upstream.dtype), a.data, b.data)
    return (unbroadcast(upstream * pick_a, a.data.shape),
            unbroadcast(upstream * pick_b, b.data.shape))


def minimum(a: Tensor, b: Tensor | float | np.ndarray) -> Tensor:
    """Elementwise min(a, b); on a tie each side gets half the gradient."""
    return binary("minimum", "minimum", np.minimum, a, b, _minimum_rule)


@declare("clip", symbol="clip", math="d clip(a, lo, hi)/da = 1 where lo ≤ a ≤ hi, else 0",
         local=("1 where {args[0]} ≤ {0} ≤ {args[1]}",),
         local_ko=("{args[0]} ≤ {0} ≤ {args[1]}인 곳은 1, 나머지는 0",),
         forward=lambda args, x: np.clip(x, *args))
def _clip_rule(node, upstream):
    low, high = node.args
    x = node.parents[0].data
    a = data_of(x)
    inside = np.ones(a.shape, dtype=bool)
    if low is not None:
        inside &= a >= low
    if high is not None:
        inside &= a <= high
    return (upstream * piecewise(inside, x),)


def clip(a: Tensor, min=None, max=None):  # noqa: A002 (PyTorch's argument names)
    """Each element limited to [min, max] (either may be None); the gradient passes where
    the element was inside, bounds included (as torch.clamp)."""
    if min is None and max is None:
        raise ValueError("clip: give min, max or both")
    for name, bound in (("min", min), ("max", max)):
        if bound is not None:
            real_setting("clip", name, bound, arrays=True)
    out = np.clip(a.data, min, max)
    return a.from_op(out, (a,), "clip", _clip_rule, (min, max))
