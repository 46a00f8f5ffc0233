"""The functions of `Value` (exp, log, tanh, sigmoid, relu, max, ...), each one unit:
its rule, declared with its math, drawing text and pure forward, and right below it the
method (which computes what the declared forward does, without the extra call).

`scalar.Value` binds them as methods (``exp = exp`` in the class body). Every rule reads
``node.parents[i].data`` and ``node.data`` with arithmetic and comparisons only, so it
runs on floats in the ordinary backward pass and on Values when ``create_graph=True``.
A piecewise rule (relu, abs, max, ...) multiplies by `ops.piecewise`: a plain number in
the ordinary pass, a node of zero slope when the pass builds a graph, so a second
derivative through it is 0, as in PyTorch.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import TYPE_CHECKING

from .autograd import Node, grad_mode, is_grad_enabled
from .op_text import text_of
from .ops import data_of, declare, piecewise, sign
from .ops import sigmoid as stable_sigmoid

if TYPE_CHECKING:  # only for the annotations: scalar.py imports this module
    from .scalar import Value

__all__ = ["exp", "log", "reciprocal", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu",
           "leaky_relu", "elu", "absolute", "maximum", "minimum", "compare"]

_new_object = object.__new__


def _result(data: float, parents: tuple, op: str, rule, args: tuple = (), saved=None) -> Node:
    """Make the Value an op returns; under ``no_grad()`` it is a plain leaf."""
    out = _new_object(type(parents[0]))  # a Value (read from the parent: no import cycle)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._saved = saved
    if grad_mode.threads_off == 0 or is_grad_enabled():
        out.parents = parents
        out.op = op
        out.args = args
        out._rule = rule
    else:
        out.parents = ()
        out.op = ""
        out.args = ()
        out._rule = None
    return out


def _safe_exp(x: float) -> float:
    """e**x that overflows to inf as numpy does, instead of raising."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


# ---- functions ----


@declare("exp", **text_of("exp"), forward=lambda args, a: _safe_exp(a))
def _exp_rule(node, upstream):
    # A zero upstream contributes nothing, even where e^a overflowed to inf (0 * inf
    # would be nan): this keeps the decomposed sigmoid finite at x = -1000.
    return (upstream * node.data if upstream else 0.0,)


def exp(self: Value) -> Value:
    """eˣ; overflows to inf past x ≈ 709 as floats do."""
    return _result(_safe_exp(self.data), (self,), "exp", _exp_rule)


@declare("log", **text_of("log"), forward=lambda args, a: math.log(a))
def _log_rule(node, upstream):
    return (upstream / node.parents[0].data,)


def log(self: Value) -> Value:
    """Natural logarithm, defined for x > 0."""
    if self.data <= 0.0:
        raise ValueError(f"log: input must be positive, got {self.data:g}")
    return _result(math.log(self.data), (self,), "log", _log_rule)


@declare("1/x", symbol="1/x", math="d(1/a)/da = −1/a²", local=("−1/{0}²",),
         forward=lambda args, a: 1.0 / a)
def _reciprocal_rule(node, upstream):
    return (-upstream * node.data * node.data,)


def reciprocal(self: Value) -> Value:
    """1/x, the last gate of the lecture's decomposed sigmoid."""
    if self.data == 0.0:
        raise ZeroDivisionError("1/x: reciprocal of 0.0")
    return _result(1.0 / self.data, (self,), "1/x", _reciprocal_rule)


@declare("sqrt", **text_of("sqrt"), forward=lambda args, a: math.sqrt(a))
def _sqrt_rule(node, upstream):
    return (upstream / (2.0 * node.data),)


def sqrt(self: Value) -> Value:
    """√x, defined for x ≥ 0."""
    if self.data < 0.0:
        raise ValueError(f"sqrt: input must not be negative, got {self.data:g}")
    return _result(math.sqrt(self.data), (self,), "sqrt", _sqrt_rule)


@declare("sin", **text_of("sin"), forward=lambda args, a: math.sin(a))
def _sin_rule(node, upstream):
    a = node.parents[0].data
    return (upstream * (a.cos() if isinstance(a, Node) else math.cos(a)),)


def sin(self: Value) -> Value:
    """sin x (x in radians)."""
    return _result(math.sin(self.data), (self,), "sin", _sin_rule)


@declare("cos", **text_of("cos"), forward=lambda args, a: math.cos(a))
def _cos_rule(node, upstream):
    a = node.parents[0].data
    return (-upstream * (a.sin() if isinstance(a, Node) else math.sin(a)),)


def cos(self: Value) -> Value:
    """cos x (x in radians)."""
    return _result(math.cos(self.data), (self,), "cos", _cos_rule)


@declare("tanh", **text_of("tanh"), forward=lambda args, a: math.tanh(a))
def _tanh_rule(node, upstream):
    return (upstream * (1.0 - node.data * node.data),)


def tanh(self: Value) -> Value:
    """tanh x = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ)"""
    return _result(math.tanh(self.data), (self,), "tanh", _tanh_rule)


@declare("sigmoid", **text_of("sigmoid"), forward=lambda args, a: stable_sigmoid(a))
def _sigmoid_rule(node, upstream):
    return (upstream * node.data * (1.0 - node.data),)


def sigmoid(self: Value, decompose: bool = False) -> Value:
    """σ(x) = 1 / (1 + e^-x).

    Fused (the default): one node whose local derivative is σ(x)(1 - σ(x)), computed
    stably for any input. With ``decompose=True``: the four gates the lecture draws,
    ×(-1) → exp → +1 → 1/x, each with its own local derivative; the chain rule
    through them gives the same gradient (but e^-x overflows for x below about -709).
    """
    if decompose:
        return ((self * -1.0).exp() + 1.0).reciprocal()
    x = self.data  # inline, as ops.sigmoid computes it for a float (a call costs ~10%)
    if x >= 0:
        out = 1.0 / (1.0 + math.exp(-x))
    else:  # e^x cannot overflow here
        e = math.exp(x)
        out = e / (1.0 + e)
    return _result(out, (self,), "sigmoid", _sigmoid_rule)


@declare("relu", **text_of("relu"), forward=lambda args, a: a if a > 0 else 0.0)
def _relu_rule(node, upstream):
    x = node.parents[0].data
    return (upstream * piecewise(1.0 if x > 0 else 0.0, x),)


def relu(self: Value) -> Value:
    """max(0, x); its derivative at exactly 0 is taken as 0 (as in PyTorch)."""
    return _result(self.data if self.data > 0 else 0.0, (self,), "relu", _relu_rule)


@declare("leaky_relu", **text_of("leaky_relu"),
         forward=lambda args, a: a if a > 0 else args[0] * a)
def _leaky_relu_rule(node, upstream):
    x = node.parents[0].data
    return (upstream * piecewise(1.0 if x > 0 else node.args[0], x),)


def leaky_relu(self: Value, negative_slope: float = 0.01) -> Value:
    """x for x > 0, negative_slope * x otherwise."""
    x = self.data
    return _result(x if x > 0 else negative_slope * x, (self,), "leaky_relu",
                   _leaky_relu_rule, (float(negative_slope),))


@declare("elu", **text_of("elu"),
         forward=lambda args, a: a if a > 0 else args[0] * math.expm1(a))
def _elu_rule(node, upstream):
    x = node.parents[0].data
    return (upstream * (piecewise(1.0, x) if x > 0 else node.data + node.args[0]),)


def elu(self: Value, alpha: float = 1.0) -> Value:
    """x for x > 0, alpha (e^x - 1) otherwise."""
    x = self.data
    out = x if x > 0 else alpha * math.expm1(x)
    return _result(out, (self,), "elu", _elu_rule, (float(alpha),))


@declare("abs", **text_of("abs"), forward=lambda args, a: math.fabs(a))
def _abs_rule(node, upstream):
    return (upstream * sign(node.parents[0].data),)


def absolute(self: Value) -> Value:
    """|x|; its derivative at exactly 0 is taken as 0 (as in PyTorch)."""
    return _result(math.fabs(self.data), (self,), "abs", _abs_rule)


@declare("maximum", **text_of("maximum"), forward=lambda args, a, b: a if a >= b else b)
def _max_rule(node, upstream):
    a, b = node.parents[0].data, node.parents[1].data
    # 1 to the larger input, ½ each on a tie (as torch.maximum)
    share = 0.5 if data_of(a) == data_of(b) else 1.0 if data_of(a) > data_of(b) else 0.0
    return upstream * piecewise(share, a, b), upstream * piecewise(1.0 - share, a, b)


def maximum(self: Value, other) -> Value:
    """max(a, b): the max gate routes the gradient to the larger input."""
    other = self._constant_of(other)
    return _result(self.data if self.data >= other.data else other.data, (self, other),
                   "maximum", _max_rule)


@declare("minimum", **text_of("minimum"), forward=lambda args, a, b: a if a <= b else b)
def _min_rule(node, upstream):
    a, b = node.parents[0].data, node.parents[1].data
    share = 0.5 if data_of(a) == data_of(b) else 1.0 if data_of(a) < data_of(b) else 0.0
    return upstream * piecewise(share, a, b), upstream * piecewise(1.0 - share, a, b)


def minimum(self: Value, other) -> Value:
    """min(a, b): the gradient goes to the smaller input."""
    other = self._constant_of(other)
    return _result(self.data if self.data <= other.data else other.data, (self, other),
                   "minimum", _min_rule)


def compare(name: str, test):
    """A comparison of Values (or a Value and a number): a plain bool, no gradient."""

    def compare(self, other) -> bool:
        if isinstance(other, Node):
            return test(self.data, other.data)
        if isinstance(other, Real):
            return test(self.data, other)
        return NotImplemented

    compare.__name__ = name
    compare.__doc__ = f"Compare the data, as floats do (no gradient flows through {name})."
    return compare


