"""`Value`: the scalar engine. One Python float per node.

Each op is one unit: its local-derivative rule, declared with its math, the text a
drawing shows and its pure forward (`tinygrad_edu.ops.declare`), and right below it the
method. The arithmetic methods compute inline what their declared forward computes
(``a + b``): a call there would slow every op of the engine down.
The class at the bottom lists the ops as methods (``__mul__ = mul``): a plain function
bound to the class costs no extra call, which keeps this engine several times faster
than micrograd (benchmarks/bench_scalar.py).

Every rule reads ``node.parents[i].data`` and ``node.data`` and combines them with
arithmetic and comparisons only, so the same rule runs on floats in the ordinary
backward pass and on Values when ``create_graph=True`` asks for a graph of the gradient.
"""

from __future__ import annotations

import math
from numbers import Real

from .autograd import CONSTANT, Node, run_backward
from .op_text import text_of
from .ops import data_of, declare
from .scalar_functions import (
    _result,
    absolute,
    compare,
    cos,
    elu,
    exp,
    leaky_relu,
    log,
    maximum,
    minimum,
    reciprocal,
    relu,
    sigmoid,
    sin,
    sqrt,
    tanh,
)

__all__ = ["Value"]

_new_object = object.__new__


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


# ---- arithmetic ----


@declare("+", **text_of("+"), forward=lambda args, a, b: a + b)
def _add_rule(node, upstream):
    return upstream, upstream


def add(self: Value, other) -> Value:
    """a + b"""
    if type(other) is not Value:
        other = _as_value(other)
        if other is NotImplemented:
            return other
    return _result(self.data + other.data, (self, other), "+", _add_rule)


@declare("-", **text_of("-"), forward=lambda args, a, b: a - b)
def _sub_rule(node, upstream):
    return upstream, -upstream


def sub(self: Value, other) -> Value:
    """a − b"""
    if type(other) is not Value:
        other = _as_value(other)
        if other is NotImplemented:
            return other
    return _result(self.data - other.data, (self, other), "-", _sub_rule)


@declare("*", **text_of("*"), forward=lambda args, a, b: a * b)
def _mul_rule(node, upstream):
    a, b = node.parents
    return upstream * b.data, upstream * a.data


def mul(self: Value, other) -> Value:
    """a · b"""
    if type(other) is not Value:
        other = _as_value(other)
        if other is NotImplemented:
            return other
    return _result(self.data * other.data, (self, other), "*", _mul_rule)


@declare("/", **text_of("/"), forward=lambda args, a, b: a / b)
def _div_rule(node, upstream):
    # −a/b² written as −(a/b)/b: b·b underflows to 0 for |b| < 1.5e-154, a/b does not
    b = node.parents[1].data
    return upstream / b, -upstream * node.data / b


def truediv(self: Value, other) -> Value:
    """a / b"""
    if type(other) is not Value:
        other = _as_value(other)
        if other is NotImplemented:
            return other
    if other.data == 0.0:
        raise ZeroDivisionError(f"/: division by zero ({self.data:g} / 0.0)")
    return _result(self.data / other.data, (self, other), "/", _div_rule)


@declare("neg", **text_of("neg"), forward=lambda args, a: -a)
def _neg_rule(node, upstream):
    return (-upstream,)


def neg(self: Value) -> Value:
    """−a"""
    return _result(-self.data, (self,), "neg", _neg_rule)


def _power_slope(base, exponent):
    """d(a^n)/da = n a^(n-1), with its limits where a = 0 (floats or Values)."""
    if data_of(exponent) == 0:
        return 0.0
    if isinstance(base, Node) or isinstance(exponent, Node):
        return exponent * base ** (exponent - 1)
    if base == 0 and exponent < 1:
        return math.copysign(math.inf, exponent)
    return exponent * _checked_pow(base, exponent - 1)


@declare("**n", **text_of("**n"), forward=lambda args, a: _checked_pow(a, args[0]))
def _pow_const_rule(node, upstream):
    return (upstream * _power_slope(node.parents[0].data, node.args[0]),)


@declare("**", **text_of("**"), forward=lambda args, a, b: _checked_pow(a, b))
def _pow_rule(node, upstream):
    a, b = node.parents[0].data, node.parents[1].data
    grad_a = upstream * _power_slope(a, b)
    a_value, b_value = data_of(a), data_of(b)  # the floats, for the cases
    if a_value > 0:
        grad_b = upstream * node.data * (a.log() if isinstance(a, Node) else math.log(a))
    elif a_value == 0 and b_value >= 0:
        grad_b = 0.0  # a^b is flat in b at a = 0 (PyTorch's convention)
    else:
        grad_b = math.nan  # ln of a negative number
    return grad_a, grad_b


def power(self: Value, exponent) -> Value:
    """aⁿ for a number n, or aᵇ for a Value b."""
    if isinstance(exponent, Value):
        out = _checked_pow(self.data, exponent.data)
        return _result(out, (self, exponent), "**", _pow_rule)
    if isinstance(exponent, bool) or not isinstance(exponent, Real):
        return NotImplemented
    exponent = float(exponent)
    out = _checked_pow(self.data, exponent)
    return _result(out, (self,), f"**{exponent:g}", _pow_const_rule, (exponent,))


class Value(Node):
    """A scalar that remembers how it was computed.

    >>> w, x, b = Value(-2.0, label="w"), Value(5.0, label="x"), Value(3.0, label="b")
    >>> f = w * x + b
    >>> f.backward()
    >>> (f.data, w.grad, x.grad, b.grad)
    (-7.0, 5.0, -2.0, 1.0)

    The order comparisons ``< <= > >=`` compare the data and give a plain bool, which
    carries no gradient. ``==`` and ``!=`` stay identity (as for any object), so Values
    can live in lists, sets and dicts: compare ``a.data == b.data`` for the numbers.
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
    __add__ = add
    __sub__ = sub
    __mul__ = mul
    __truediv__ = truediv
    __pow__ = power
    __neg__ = neg

    def __radd__(self, other) -> Value:
        other = _as_value(other)
        return other if other is NotImplemented else add(other, self)

    def __rsub__(self, other) -> Value:
        other = _as_value(other)
        return other if other is NotImplemented else sub(other, self)

    def __rmul__(self, other) -> Value:
        other = _as_value(other)
        return other if other is NotImplemented else mul(other, self)

    def __rtruediv__(self, other) -> Value:
        other = _as_value(other)
        return other if other is NotImplemented else truediv(other, self)

    def __rpow__(self, base) -> Value:
        base = _as_value(base)
        return base if base is NotImplemented else power(base, self)

    def __pos__(self) -> Value:
        return self

    # ---- functions (each defined above, beside its rule) ----
    exp = exp
    log = log
    reciprocal = reciprocal
    sqrt = sqrt
    sin = sin
    cos = cos
    tanh = tanh
    sigmoid = sigmoid
    relu = relu
    leaky_relu = leaky_relu
    elu = elu
    abs = absolute
    __abs__ = absolute
    max = maximum  # max(a, b) of two numbers: the op "maximum", as torch.maximum
    min = minimum
    maximum = maximum
    minimum = minimum

    # ---- order comparisons: bools, no gradient (== stays identity) ----
    __lt__ = compare("__lt__", float.__lt__)
    __le__ = compare("__le__", float.__le__)
    __gt__ = compare("__gt__", float.__gt__)
    __ge__ = compare("__ge__", float.__ge__)

    # ---- backpropagation and display ----

    @staticmethod
    def _propagate(op_results: list, root: Value, keep_all_grads: bool) -> None:
        """The chain rule for Values, output first (`autograd.run_backward` calls it).
        Every gradient is a float and every Value takes part, so each parent simply adds
        upstream x local derivative: the tightest loop of the engine."""
        for node in reversed(op_results):
            local_grads = node._rule(node, node.grad)
            i = 0
            for parent in node.parents:  # (indexing is much faster than zip() here)
                parent.grad += local_grads[i]
                i += 1

    def backward(self, retain_graph: bool | None = None, create_graph: bool = False) -> None:
        """Fill ``.grad`` of every Value this one depends on with d(self)/d(that).

        ``create_graph=True`` makes those gradients Values with a graph of their own,
        so they can be differentiated again (``x.grad.backward()``).
        """
        if create_graph:
            from .backprop import commit_graph_grads, graph_backward

            order, grads = graph_backward([self], [1.0], True, retain_graph is not False)
            commit_graph_grads(order, grads, self)
            return
        run_backward(self, 1.0, bool(retain_graph))

    @staticmethod
    def from_op(data: float, parents: tuple, op: str, rule, args: tuple = (),
                saved=None) -> Value:
        """The Value an op returns (`tinygrad_edu.ops.apply` calls this)."""
        return _result(float(data), parents, op, rule, args, saved)

    def _constant_of(self, number) -> Value:
        return number if isinstance(number, Value) else _leaf(_real_number(number))

    def _checked_op_data(self, data, who: str) -> float:
        if type(data) is float:
            return data
        if isinstance(data, Node) or isinstance(data, bool) or not isinstance(data, Real):
            raise TypeError(f"{who}: a Value's data must be one real number, got "
                            f"{_kind_of(data)}")
        return float(data)

    def _checked_grad(self, grad, graph: bool):
        if type(grad) is float:
            return grad
        if isinstance(grad, Value) and graph:
            return grad
        if isinstance(grad, Value):
            raise TypeError("got a Value, but in backward() a rule works on floats: use "
                            "node.data and node.parents[i].data, which are floats there")
        if isinstance(grad, Node) or isinstance(grad, bool) or not isinstance(grad, Real):
            raise TypeError(f"expected one float (a Value's gradient), got {_kind_of(grad)}")
        return float(grad)

    def _seed(self, weight, who: str):
        if weight is None:
            return 1.0
        if isinstance(weight, Value):
            return weight
        if isinstance(weight, Node) or isinstance(weight, bool) or not isinstance(weight, Real):
            raise TypeError(f"{who}: the gradient of a Value output must be a number or a "
                            f"Value, got {_kind_of(weight)}")
        return float(weight)

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={float(self.grad):.6g}{label})"


def _real_number(data) -> float:
    """``data`` as a float: a real number, or the data of a Value; a clear error else."""
    if isinstance(data, Value):
        return data.data
    if isinstance(data, bool) or not isinstance(data, Real):
        raise TypeError(f"Value: data must be a real number, got {type(data).__name__} {data!r}")
    return float(data)


def _kind_of(thing) -> str:
    """``ndarray of shape (3,)``, ``str 'abc'``: what a message says was given."""
    shape = getattr(thing, "shape", None)
    if shape is not None:
        return f"{type(thing).__name__} of shape {tuple(shape)}"
    return f"{type(thing).__name__} {thing!r}"[:80]


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
    """A constant leaf (the 1.0 in ``x + 1``), made without the checks of Value()."""
    out = _new_object(Value)
    out.data, out.grad, out.label, out.parents, out.op = data, 0.0, "", (), ""
    out.args, out._rule, out._saved = (), None, CONSTANT
    return out
