"""Declaring ops: the one place an op's rule, forward, math and drawing text are written down.

Every op of both engines -- and any op a learner writes -- is a forward computation
plus a local-derivative rule ``rule(node, upstream)`` that returns one gradient per
parent. `declare` registers the rule with its one-line math, the symbol a drawing puts
in the op's circle, one derivative template per parent and the pure forward
``forward(args, *parent_data) -> data`` (which `viz` replays for its gradient check);
`apply` makes the op's result node. The registry is read by `viz` and by `spec_of`; it
costs nothing when ops run (`declare` returns the rule unchanged).

A rule is written once for two passes. In the ordinary backward pass ``node.data`` and
``node.parents[i].data`` are plain floats/arrays; with ``create_graph=True`` they are the
Values/Tensors themselves (see `backprop`), so the same arithmetic builds the graph of
the gradient. Use the helpers below (`exp`, `sigmoid`, `where`, ...) for functions:
they work on both.

Writing your own op, e.g. softplus(x) = ln(1 + eˣ), whose derivative is σ(x):

>>> import numpy as np
>>> from tinygrad_edu import Tensor, gradcheck, ops
>>> def softplus_data(args, x):
...     return np.logaddexp(0.0, x)
>>> @ops.declare("softplus", symbol="softplus", math="d/dx softplus(x) = σ(x)",
...              local=("σ({0})",), forward=softplus_data)
... def softplus_rule(node, upstream):
...     (x,) = node.parents
...     return (upstream * ops.sigmoid(x.data),)
>>> def softplus(x):
...     return ops.apply(softplus_rule, softplus_data((), x.data), (x,))
>>> x = Tensor([-1.0, 0.0, 2.0], requires_grad=True, dtype=np.float64)
>>> softplus(x).sum().backward()
>>> np.round(x.grad, 4)
array([0.2689, 0.5   , 0.8808])
>>> gradcheck(lambda t: softplus(t), x)
True
>>> ops.spec_of(softplus(x)).local[0].format("x")
'σ(x)'
"""

from __future__ import annotations

import math as _math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .autograd import Node
from .op_checks import CheckedRule, check_declaration, check_parents, check_rule

__all__ = ["OpSpec", "declare", "apply", "spec_of", "specs", "exp", "log", "tanh",
           "sigmoid", "sign", "where", "data_of", "sqrt", "cos", "sin", "piecewise"]


@dataclass(frozen=True)
class OpSpec:
    """What is known about one op besides its forward computation.

    ``local`` has one template per parent, in the graph's own names:
    ``template.format(*parent_names, out=out_name, args=node.args)``; ``local_ko`` the
    same in Korean (None: the drawing says ``local`` in Korean pages too).
    ``differentiable`` says the rule also runs on Values/Tensors (``create_graph``);
    ``variadic`` that the op takes any number of parents (cat, stack), all described
    by the one template in ``local``. ``forward(args, *parent_data)`` recomputes the
    op's data from its parents' data (floats for Values, arrays for Tensors) and
    ``node.args``, touching no node (None: a learner's op that declared none).
    ``checked_rule`` is the rule as nodes made by `apply` run it: the rule, then a
    check of the gradients it returned (`op_checks.CheckedRule`).
    """

    name: str
    symbol: str
    math: str
    local: tuple[str, ...]
    rule: Callable
    differentiable: bool = True
    variadic: bool = False
    forward: Callable | None = None
    local_ko: tuple[str, ...] | None = None
    checked_rule: Callable | None = None

    def local_text(self, slot: int, parent_names: list[str], out: str, args: tuple = (),
                   lang: str = "en") -> str:
        """The local derivative with respect to parent ``slot``, in the graph's names
        (``lang="ko"``: the Korean template when the op declares one). A template that
        does not fit this node's settings (``{args[1]}`` of an op given one) is shown as
        it was written."""
        templates = self.local_ko if lang == "ko" and self.local_ko else self.local
        template = templates[-1] if self.variadic else templates[slot]
        try:
            return template.format(*parent_names, out=out, args=args)
        except (IndexError, KeyError, ValueError, TypeError, AttributeError):
            return template


_BY_RULE: dict[Callable, OpSpec] = {}
_BY_NAME: dict[str, OpSpec] = {}


def declare(name: str, *, symbol: str, math: str, local: tuple[str, ...] | str,
            differentiable: bool = True, variadic: bool = False,
            forward: Callable | None = None,
            local_ko: tuple[str, ...] | str | None = None) -> Callable[[Callable], Callable]:
    """Register a rule ``rule(node, upstream) -> one gradient per parent`` as the rule
    of op ``name``, with its pure ``forward(args, *parent_data) -> data``; returns the
    rule unchanged (a decorator). ``local``: the local derivative for each parent, as a
    template (``"{1}"`` for ∂(a·b)/∂a = b: ``{0}``, ``{1}``... are the parents' names,
    ``{out}`` the result's, ``{args[0]}`` a setting); ``local_ko``: the same in Korean.
    A mistake in any of these is refused here, in one line."""
    if isinstance(local, str):
        local = (local,)
    if isinstance(local_ko, str):
        local_ko = (local_ko,)
    local = tuple(local) if isinstance(local, (tuple, list)) else local
    if not isinstance(local, tuple):
        raise TypeError(f"declare: {name}: local= must be a str or a tuple of str (one per "
                        f"parent), got {type(local).__name__}")
    if local_ko is not None:
        if not isinstance(local_ko, (tuple, list)):
            raise TypeError(f"declare: {name}: local_ko= must be a str or a tuple of str, "
                            f"got {type(local_ko).__name__}")
        local_ko = tuple(local_ko)
    check_declaration(name, symbol, math, local, variadic, forward, local_ko)

    def register(rule: Callable) -> Callable:
        check_rule(name, rule)
        spec = OpSpec(name, symbol, math, local, rule, differentiable, variadic, forward,
                      local_ko, CheckedRule(rule, name))
        _BY_RULE[rule] = spec
        _BY_RULE[spec.checked_rule] = spec
        _BY_NAME.setdefault(name, spec)
        return rule

    return register


def spec_of(node: Node) -> OpSpec | None:
    """The declaration of the op that made ``node``; None for a leaf or an undeclared op.
    An op whose name carries a parameter ("**2") maps to its family ("**n")."""
    rule = getattr(node, "_rule", None)
    if rule is None:
        return None
    spec = _BY_RULE.get(rule)
    if spec is None and node.op:
        spec = _BY_NAME.get(node.op) or (_BY_NAME.get("**n") if node.op.startswith("**")
                                          else None)
    return spec


def specs() -> list[OpSpec]:
    """Every declared op, in the order they were declared."""
    return list({id(spec): spec for spec in _BY_RULE.values()}.values())


def apply(rule: Callable, data, parents: tuple, args: tuple = (), saved=None) -> Node:
    """The result node of a declared op: ``data`` computed by the forward, ``parents``
    the Values/Tensors it was computed from (numbers become constants), ``args`` the
    op's settings and ``saved`` anything else its rule needs (read as ``node.saved``).
    Under ``no_grad()`` (or when no parent requires grad) the result is a plain leaf.
    The node runs the rule with a check of the gradients it returns (see `op_checks`)."""
    spec = _BY_RULE.get(rule)
    if spec is None:
        raise ValueError(f"apply: {getattr(rule, '__name__', rule)!r} is not a declared rule; "
                         "decorate it with @ops.declare(name, symbol=, math=, local=)")
    if type(parents) is not tuple:
        if isinstance(parents, Node) or not isinstance(parents, (list, tuple)):
            raise TypeError(f"apply: {spec.name}: parents must be a tuple of Values/Tensors, "
                            f"e.g. (x,), got {type(parents).__name__}")
        parents = tuple(parents)
    if type(args) is not tuple:
        raise TypeError(f"apply: {spec.name}: args must be a tuple of the op's settings, got "
                        f"{type(args).__name__}")
    first = parents[0] if parents else None
    kind = type(first)
    for parent in parents:  # the common case: every parent is a node of one class
        if type(parent) is not kind:
            first = check_parents(spec.name, parents)
            parents = tuple(p if isinstance(p, Node) else first._constant_of(p)
                            for p in parents)
            break
    else:
        if not isinstance(first, Node):
            first = check_parents(spec.name, parents)  # raises: no node among them
    data = first._checked_op_data(data, f"apply: {spec.name}")
    return first.from_op(data, parents, spec.name, spec.checked_rule, args, saved)


# ---- helpers a rule can call on floats, arrays, Values and Tensors alike ----


def _unary(name: str, scalar: Callable, array: Callable) -> Callable:
    def function(x):
        if isinstance(x, Node):
            return getattr(x, name)()
        if type(x) is float or type(x) is int:
            return scalar(x)
        return array(x)

    function.__name__ = name
    function.__doc__ = f"{name}(x) of a float, an array, a Value or a Tensor."
    return function


def _scalar_sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + _math.exp(-x))
    e = _math.exp(x)
    return e / (1.0 + e)


def _array_sigmoid(x):
    small = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, small) / (1 + small)


def _scalar_exp(x: float) -> float:
    try:
        return _math.exp(x)
    except OverflowError:
        return _math.inf


exp = _unary("exp", _scalar_exp, np.exp)
log = _unary("log", _math.log, np.log)
tanh = _unary("tanh", _math.tanh, np.tanh)
sqrt = _unary("sqrt", _math.sqrt, np.sqrt)
sin = _unary("sin", _math.sin, np.sin)
cos = _unary("cos", _math.cos, np.cos)
sigmoid = _unary("sigmoid", _scalar_sigmoid, _array_sigmoid)


def data_of(x):
    """The float/array inside ``x`` (``x`` itself when it is one already): for masks and
    conditions, which are constants in either pass."""
    return x.data if isinstance(x, Node) else x


def sign(x):
    """-1, 0 or 1: constant on each side of 0, so its derivative is 0 (see `piecewise`)."""
    if isinstance(x, Node):
        data = x.data
        return piecewise(float((data > 0) - (data < 0)) if type(data) is float
                         else np.sign(data), x)
    if type(x) is float:
        return float((x > 0) - (x < 0))
    return np.sign(x)


@declare("piecewise", symbol="step", math="constant on each piece: ∂/∂a = 0",
         local=("0 (a step does not change within its piece)",), variadic=True,
         local_ko=("0 (계단은 자기 구간 안에서 변하지 않음)",),
         forward=lambda args, *inputs: args[0])
def _piecewise_rule(node, upstream):
    return tuple(piecewise(_zero_like(data_of(parent.data)), parent.data)
                 for parent in node.parents)


def _zero_like(x):
    return 0.0 if type(x) is float else np.zeros_like(x)


def piecewise(value, *inputs):
    """``value`` -- a mask or a slope computed from ``inputs`` that stays constant on
    each piece (1 where x > 0, sign(x), ½ on a tie) -- for a rule to multiply by.

    In the ordinary backward pass it is ``value`` itself. When the pass builds a graph
    (``create_graph``, `grad`) and an input is a Value/Tensor, it becomes a node of those
    inputs whose derivative is 0: the gradient stays connected to the inputs it was
    chosen by, so d²relu(x)/dx² is 0 (as in PyTorch) rather than "input not used"."""
    for x in inputs:
        if isinstance(x, Node):
            like = x.data
            data = float(value) if type(like) is float else np.asarray(value, like.dtype)
            nodes = tuple(i for i in inputs if isinstance(i, Node))
            return x.from_op(data, nodes, "piecewise", _piecewise_rule, (data,))
    return value


def where(condition, x, y):
    """``x`` where ``condition`` holds, else ``y``; for arrays or Tensors (a Tensor does
    it with its own ``where`` method, PyTorch's ``x.where(condition, y)``)."""
    if isinstance(condition, Node):
        condition = condition.data
    if isinstance(x, Node):
        return x.where(condition, y)
    if isinstance(y, Node):
        return y._constant_of(x).where(condition, y)
    return np.where(condition, x, y)
