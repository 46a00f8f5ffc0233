"""`Value`: the scalar engine. One Python float per node.

Each op below is its forward computation followed, right beside it, by its local
derivative rule: ``rule(node, upstream)`` returns the gradient for each parent,
``upstream x local derivative``. The backward driver in `autograd` does the rest.
"""

from __future__ import annotations

import math
from numbers import Real

from .autograd import Node, grad_mode, run_backward

__all__ = ["Value"]

_new_object = object.__new__


def _result(data: float, parents: tuple, op: str, rule, args: tuple = ()) -> Value:
    """Make the Value an op returns; under ``no_grad()`` it is a plain leaf."""
    out = _new_object(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._saved = None
    if grad_mode.enabled:
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


def _checked_pow(base: float, exponent: float) -> float:
    """``base ** exponent`` for real numbers, with a clear error instead of a complex
    result or a bare ZeroDivisionError."""
    if base == 0.0 and exponent < 0:
        raise ZeroDivisionError(f"pow: 0.0 ** {exponent:g} divides by zero")
    if base < 0.0 and not float(exponent).is_integer():
        raise ValueError(
            f"pow: {base:g} ** {exponent:g} is not a real number "
            "(negative base with a non-integer exponent)"
        )
    try:
        return base**exponent
    except OverflowError:
        return math.inf if base > 0 or float(exponent) % 2 == 0 else -math.inf


def _safe_exp(x: float) -> float:
    """e**x that overflows to inf as numpy does, instead of raising."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


# ---- local derivative rules: (node, upstream) -> one gradient per parent ----


def _add_rule(node, upstream):  # d(a+b)/da = 1, d(a+b)/db = 1
    return upstream, upstream


def _sub_rule(node, upstream):  # d(a-b)/da = 1, d(a-b)/db = -1
    return upstream, -upstream


def _mul_rule(node, upstream):  # d(ab)/da = b, d(ab)/db = a
    a, b = node.parents
    return upstream * b.data, upstream * a.data


def _div_rule(node, upstream):  # d(a/b)/da = 1/b, d(a/b)/db = -a/b²
    a, b = node.parents
    return upstream / b.data, -upstream * a.data / (b.data * b.data)


def _neg_rule(node, upstream):  # d(-a)/da = -1
    return (-upstream,)


def _power_slope(base: float, exponent: float) -> float:
    """d(a^n)/da = n a^(n-1), with its limits where a = 0."""
    if exponent == 0:
        return 0.0
    if base == 0 and exponent < 1:
        return math.copysign(math.inf, exponent)
    return exponent * _checked_pow(base, exponent - 1)


def _pow_const_rule(node, upstream):  # d(a^n)/da = n a^(n-1)
    return (upstream * _power_slope(node.parents[0].data, node.args[0]),)


def _pow_rule(node, upstream):  # d(a^b)/da = b a^(b-1), d(a^b)/db = a^b ln a
    a, b = node.parents
    grad_a = upstream * _power_slope(a.data, b.data)
    if a.data > 0:
        grad_b = upstream * node.data * math.log(a.data)
    elif a.data == 0 and b.data >= 0:
        grad_b = 0.0  # a^b is flat in b at a = 0 (PyTorch's convention)
    else:
        grad_b = math.nan  # ln of a negative number
    return grad_a, grad_b


def _exp_rule(node, upstream):  # d(e^a)/da = e^a
    # A zero upstream contributes nothing, even where e^a overflowed to inf (0 * inf
    # would be nan): this keeps the decomposed sigmoid finite at x = -1000.
    return (upstream * node.data if upstream else 0.0,)


def _log_rule(node, upstream):  # d(ln a)/da = 1/a
    return (upstream / node.parents[0].data,)


def _reciprocal_rule(node, upstream):  # d(1/a)/da = -1/a²
    return (-upstream * node.data * node.data,)


def _tanh_rule(node, upstream):  # d tanh(a)/da = 1 - tanh(a)²
    return (upstream * (1.0 - node.data * node.data),)


def _sigmoid_rule(node, upstream):  # d σ(a)/da = σ(a)(1 - σ(a))
    return (upstream * node.data * (1.0 - node.data),)


def _relu_rule(node, upstream):  # d relu(a)/da = 1 if a > 0 else 0
    return (upstream if node.parents[0].data > 0 else 0.0,)


def _leaky_relu_rule(node, upstream):  # d/da = 1 if a > 0 else slope
    return (upstream if node.parents[0].data > 0 else upstream * node.args[0],)


def _elu_rule(node, upstream):  # d/da = 1 if a > 0 else alpha e^a = out + alpha
    return (upstream if node.parents[0].data > 0 else upstream * (node.data + node.args[0]),)


class Value(Node):
    """A scalar that remembers how it was computed.

    >>> w, x, b = Value(-2.0, label="w"), Value(5.0, label="x"), Value(3.0, label="b")
    >>> f = w * x + b
    >>> f.backward()
    >>> (f.data, w.grad, x.grad, b.grad)
    (-7.0, 5.0, -2.0, 1.0)
    """

    __slots__ = ("data",)
    _blank_grad = 0.0
    requires_grad = True  # every Value takes part in backpropagation

    def __init__(self, data: float, label: str = "") -> None:
        if type(data) is not float:  # the common case needs no checks
            data = _real_number(data)
        self.data = data
        self.grad = 0.0
        self.label = label
        self.parents = ()
        self.op = ""
        self.args = ()
        self._rule = None
        self._saved = None

    # ---- arithmetic: Values or plain numbers on either side ----

    def __add__(self, other) -> Value:
        if type(other) is not Value:
            other = _as_value(other)
            if other is NotImplemented:
                return other
        return _result(self.data + other.data, (self, other), "+", _add_rule)

    def __radd__(self, other) -> Value:
        other = _as_value(other)
        return other if other is NotImplemented else other + self

    def __sub__(self, other) -> Value:
        if type(other) is not Value:
            other = _as_value(other)
            if other is NotImplemented:
                return other
        return _result(self.data - other.data, (self, other), "-", _sub_rule)

    def __rsub__(self, other) -> Value:
        other = _as_value(other)
        return other if other is NotImplemented else other - self

    def __mul__(self, other) -> Value:
        if type(other) is not Value:
            other = _as_value(other)
            if other is NotImplemented:
                return other
        return _result(self.data * other.data, (self, other), "*", _mul_rule)

    def __rmul__(self, other) -> Value:
        other = _as_value(other)
        return other if other is NotImplemented else other * self

    def __truediv__(self, other) -> Value:
        if type(other) is not Value:
            other = _as_value(other)
            if other is NotImplemented:
                return other
        if other.data == 0.0:
            raise ZeroDivisionError(f"/: division by zero ({self.data:g} / 0.0)")
        return _result(self.data / other.data, (self, other), "/", _div_rule)

    def __rtruediv__(self, other) -> Value:
        other = _as_value(other)
        return other if other is NotImplemented else other / self

    def __pow__(self, exponent) -> Value:
        if isinstance(exponent, Value):
            out = _checked_pow(self.data, exponent.data)
            return _result(out, (self, exponent), "**", _pow_rule)
        if isinstance(exponent, bool) or not isinstance(exponent, Real):
            return NotImplemented
        exponent = float(exponent)
        out = _checked_pow(self.data, exponent)
        return _result(out, (self,), f"**{exponent:g}", _pow_const_rule, (exponent,))

    def __rpow__(self, base) -> Value:
        base = _as_value(base)
        return base if base is NotImplemented else base**self

    def __neg__(self) -> Value:
        return _result(-self.data, (self,), "neg", _neg_rule)

    def __pos__(self) -> Value:
        return self

    # ---- functions ----

    def exp(self) -> Value:
        """e^x; overflows to inf past x ≈ 709 as floats do."""
        return _result(_safe_exp(self.data), (self,), "exp", _exp_rule)

    def log(self) -> Value:
        """Natural logarithm, defined for x > 0."""
        if self.data <= 0.0:
            raise ValueError(f"log: input must be positive, got {self.data:g}")
        return _result(math.log(self.data), (self,), "log", _log_rule)

    def reciprocal(self) -> Value:
        """1/x, the last gate of the lecture's decomposed sigmoid."""
        if self.data == 0.0:
            raise ZeroDivisionError("1/x: reciprocal of 0.0")
        return _result(1.0 / self.data, (self,), "1/x", _reciprocal_rule)

    def tanh(self) -> Value:
        return _result(math.tanh(self.data), (self,), "tanh", _tanh_rule)

    def sigmoid(self, decompose: bool = False) -> Value:
        """σ(x) = 1 / (1 + e^-x).

        Fused (the default): one node whose local derivative is σ(x)(1 - σ(x)), computed
        stably for any input. With ``decompose=True``: the four gates the lecture draws,
        ×(-1) → exp → +1 → 1/x, each with its own local derivative; the chain rule
        through them gives the same gradient (but e^-x overflows for x below about -709).
        """
        if decompose:
            return ((self * -1.0).exp() + 1.0).reciprocal()
        x = self.data
        if x >= 0:
            out = 1.0 / (1.0 + math.exp(-x))
        else:  # e^x cannot overflow here
            e = math.exp(x)
            out = e / (1.0 + e)
        return _result(out, (self,), "sigmoid", _sigmoid_rule)

    def relu(self) -> Value:
        """max(0, x); its derivative at exactly 0 is taken as 0 (as in PyTorch)."""
        return _result(self.data if self.data > 0 else 0.0, (self,), "relu", _relu_rule)

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        """x for x > 0, negative_slope * x otherwise."""
        x = self.data
        return _result(
            x if x > 0 else negative_slope * x, (self,), "leaky_relu", _leaky_relu_rule,
            (float(negative_slope),),
        )

    def elu(self, alpha: float = 1.0) -> Value:
        """x for x > 0, alpha (e^x - 1) otherwise."""
        x = self.data
        out = x if x > 0 else alpha * math.expm1(x)
        return _result(out, (self,), "elu", _elu_rule, (float(alpha),))

    # ---- backpropagation and display ----

    def backward(self, retain_graph: bool = False) -> None:
        """Fill ``.grad`` of every Value this one depends on with d(self)/d(that)."""
        run_backward(self, 1.0, retain_graph)

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label})"


def _real_number(data) -> float:
    """``data`` as a float: a real number, or the data of a Value; a clear error else."""
    if isinstance(data, Value):
        return data.data
    if isinstance(data, bool) or not isinstance(data, Real):
        raise TypeError(f"Value: data must be a real number, got {type(data).__name__} {data!r}")
    return float(data)


def _as_value(other):
    """Wrap a plain number as a constant leaf; anything else is not ours to handle."""
    kind = type(other)
    if kind is Value:
        return other
    if kind is float or kind is int:  # the common case, without the slower checks below
        return _leaf(float(other))
    if isinstance(other, Value):
        return other
    if isinstance(other, bool) or not isinstance(other, Real):
        return NotImplemented
    return _leaf(float(other))


def _leaf(data: float) -> Value:
    """A constant leaf, made without the argument checks of Value()."""
    out = _new_object(Value)
    out.data, out.grad, out.label, out.parents, out.op = data, 0.0, "", (), ""
    out.args, out._rule, out._saved = (), None, None
    return out
