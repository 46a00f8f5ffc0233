"""Everything viz knows about ops, in one place: the symbol drawn for an op, its local
derivative written in the graph's own names, its one-line math, the numbers its rule
gives, and whether a leaf is a constant.

The engine's op declarations (`tinygrad_edu.ops`, with `spec_of(node)`,
``node.local_grads(upstream)`` and ``node.is_constant``) are used when the engine has
them; until then the tables below stand in. No other viz module reads op text or calls
a rule, so switching to the declarations touches this file only.
"""

from __future__ import annotations

import numpy as np

from tinygrad_edu.autograd import Node

try:  # the public op declarations (the op-layer work); the tables below until it lands
    from tinygrad_edu import ops as _ops
except ImportError:  # pragma: no cover - depends on the engine version
    _ops = None

__all__ = ["op_symbol", "local_text", "math_text", "local_grads", "is_constant",
           "OP_SYMBOLS"]

# How each op is drawn: short, the way a blackboard writes it.
OP_SYMBOLS = {
    "+": "+", "-": "−", "*": "×", "/": "÷", "**": "xʸ", "neg": "−x",
    "exp": "exp", "log": "log", "1/x": "1/x", "sqrt": "√", "abs": "|x|",
    "tanh": "tanh", "sigmoid": "σ", "relu": "ReLU", "leaky_relu": "LeakyReLU",
    "elu": "ELU", "@": "@", "sum": "Σ", "mean": "mean", "max": "max", "min": "min",
    "reshape": "reshape", "transpose": "ᵀ", "index": "[ ]", "softmax": "softmax",
    "log_softmax": "log softmax", "cat": "cat", "stack": "stack", "where": "where",
    "cross_entropy": "cross entropy", "linear": "x Wᵀ + b", "prelu": "PReLU",
    "binary_cross_entropy": "BCE", "binary_cross_entropy_with_logits": "BCE (logits)",
}
_SUPERSCRIPTS = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")

# One template per parent: {0}, {1}, ... are the parents' names, {out} the result's.
_LOCAL = {
    "+": ("1", "1"), "-": ("1", "−1"), "*": ("{1}", "{0}"),
    "/": ("1/{1}", "−{0}/{1}²"), "**": ("{1}·{0}^({1}−1)", "{0}^{1}·ln {0}"),
    "neg": ("−1",), "exp": ("e^{0}",), "log": ("1/{0}",), "1/x": ("−1/{0}²",),
    "sqrt": ("1/(2·{out})",), "abs": ("sign({0})",), "tanh": ("1 − {out}²",),
    "sigmoid": ("{out}·(1 − {out})",), "relu": ("1 if {0} > 0 else 0",),
    "leaky_relu": ("1 if {0} > 0 else {args[0]:g}",),
    "elu": ("1 if {0} > 0 else {out} + {args[0]:g}",),
    "@": ("upstream @ {1}ᵀ", "{0}ᵀ @ upstream"),
    "sum": ("1, copied back to every summed element",),
    "mean": ("1/N, copied back to every averaged element",),
    "max": ("1 where the maximum is, else 0",), "min": ("1 where the minimum is, else 0",),
    "reshape": ("1, reshaped back",), "transpose": ("1, transposed back",),
    "index": ("1 at the picked elements, else 0",),
    "where": ("1 where the condition holds, else 0", "1 where the condition fails, else 0"),
    "cat": ("its slice of the upstream",) * 64, "stack": ("its slice of the upstream",) * 64,
    "softmax": ("{out}·(upstream − Σ upstream·{out})",),
    "log_softmax": ("upstream − softmax({0})·Σ upstream",),
    "cross_entropy": ("softmax({0}) − target",),
    "linear": ("upstream @ {1}", "upstreamᵀ @ {0}", "upstream summed over rows"),
    "prelu": ("1 if {0} > 0 else {1}", "{0} where {0} ≤ 0, else 0"),
    "binary_cross_entropy": ("({0} − target) / ({0}·(1 − {0}))",),
    "binary_cross_entropy_with_logits": ("σ({0}) − target",),
}
_MATH = {
    "+": "∂(a + b)/∂a = 1, ∂(a + b)/∂b = 1", "-": "∂(a − b)/∂a = 1, ∂(a − b)/∂b = −1",
    "*": "∂(a·b)/∂a = b, ∂(a·b)/∂b = a", "/": "∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b²",
    "**": "∂(aᵇ)/∂a = b·aᵇ⁻¹, ∂(aᵇ)/∂b = aᵇ·ln a", "neg": "d/dx (−x) = −1",
    "exp": "d/dx eˣ = eˣ", "log": "d/dx ln x = 1/x", "1/x": "d/dx (1/x) = −1/x²",
    "sqrt": "d/dx √x = 1/(2√x)", "abs": "d/dx |x| = sign(x)",
    "tanh": "d/dx tanh(x) = 1 − tanh(x)²", "sigmoid": "d/dx σ(x) = σ(x)·(1 − σ(x))",
    "relu": "d/dx max(0, x) = 1 if x > 0 else 0", "@": "∂(A@B)/∂A = upstream @ Bᵀ, "
    "∂(A@B)/∂B = Aᵀ @ upstream",
}


def _spec(node: Node):
    if _ops is None or not hasattr(_ops, "spec_of"):
        return None
    try:
        return _ops.spec_of(node)
    except Exception:  # a declaration we cannot read: the tables below still answer
        return None


def _family(op: str) -> str:
    """``"**2"`` (a constant exponent) belongs to the ``"**n"`` family."""
    return "**n" if op.startswith("**") and len(op) > 2 else op


def op_symbol(node: Node) -> str:
    """The symbol drawn for the op that made ``node``: ``×``, ``x²``, ``Σ axis=0``.

    A reduction over some axes shows them; over every axis it is just ``Σ``."""
    op, args = node.op, node.args
    spec = _spec(node)
    if op.startswith("**") and len(op) > 2:  # a constant exponent, e.g. "**2"
        return "x" + op[2:].translate(_SUPERSCRIPTS)
    symbol = spec.symbol if spec is not None else OP_SYMBOLS.get(op, op)
    if op in ("leaky_relu", "elu") and args:
        return f"{symbol}({float(args[0]):g})"
    if op in ("sum", "mean", "max", "min") and args and args[0] is not None:
        axes = args[0]
        data = getattr(node.parents[0], "data", None) if node.parents else None
        ndim = getattr(data, "ndim", None)
        if isinstance(axes, tuple) and ndim is not None and len(axes) == ndim:
            return symbol
        if isinstance(axes, tuple) and len(axes) == 1:
            axes = axes[0]
        return f"{symbol} axis={axes}"
    if op in ("softmax", "log_softmax") and args:
        return f"{symbol} axis={args[0]}"
    return symbol


def _wrap(name: str) -> str:
    """A name that needs brackets inside a formula: ``(-2)``, ``(a b)``."""
    return f"({name})" if name.startswith(("-", "−")) or " " in name else name


def local_text(node: Node, slot: int, parent_names: list[str], out_name: str,
               phrases: dict | None = None) -> str:
    """The local derivative of ``node`` with respect to its parent number ``slot``, in the
    graph's names: for ``g = w * x``, slot 0 gives ``x``. ``"the <op> rule"`` when no
    formula is known. ``phrases``: templates in another language for the ops whose
    derivative is said in words (`viz.wording.LOCAL_PHRASES`)."""
    parents = [_wrap(name) for name in parent_names]
    out = _wrap(out_name)
    row = (phrases or {}).get(node.op)
    if row is not None and slot < len(row):
        return row[slot].format(*parents, out=out, args=node.args)
    spec = _spec(node)
    if spec is not None and slot < len(getattr(spec, "local", ())):
        try:
            return spec.local[slot].format(*parents, out=out, args=node.args)
        except (IndexError, KeyError, ValueError, TypeError):
            pass
    if _family(node.op) == "**n":  # a constant exponent n: n·a^(n−1)
        n = float(node.args[0])
        return f"{n:g}·{parents[0]}" if n == 2 else f"{n:g}·{parents[0]}^{n - 1:g}"
    row = _LOCAL.get(node.op)
    if row is None or slot >= len(row):
        return (phrases or {}).get("_rule", "the {op} rule").format(op=node.op)
    try:
        return row[slot].format(*parents, out=out, args=node.args)
    except (IndexError, KeyError, ValueError, TypeError):
        return (phrases or {}).get("_rule", "the {op} rule").format(op=node.op)


def math_text(node: Node) -> str:
    """The op's derivative in one line of math (``d/dx tanh(x) = 1 − tanh(x)²``), or ""."""
    spec = _spec(node)
    if spec is not None and getattr(spec, "math", ""):
        return spec.math
    if _family(node.op) == "**n" and node.args:
        n = float(node.args[0])
        return f"d/dx x^{n:g} = {n:g}·x^{n - 1:g}"
    return _MATH.get(node.op, "")


def local_grads(node: Node, upstream) -> tuple | None:
    """One gradient per parent for ``upstream``, by the op's own rule, changing nothing;
    ``None`` when the rule cannot run again (its saved buffers were freed)."""
    if not node.parents:
        return None
    try:
        if hasattr(node, "local_grads"):
            return tuple(node.local_grads(upstream))
        # The fallback until the engine has local_grads. A Value's rules read only the
        # parents' data; a Tensor rule whose saved buffers were freed fails, and says so.
        return tuple(node._rule(node, upstream))
    except (RuntimeError, ValueError, TypeError, AttributeError, IndexError,
            FloatingPointError, ZeroDivisionError):
        return None


def is_constant(node: Node) -> bool:
    """Whether a leaf is a constant: a plain number or array that an op wrapped (the 1.0
    in ``x + 1``, the 2 in ``t * 2``), not something a person made to compute with.

    The engine's own ``is_constant`` decides when it has one. Until then, a leaf with no
    label that is either a 0-d Tensor without ``requires_grad``, or a Value whose number
    reads as a literal someone typed (at most 6 significant digits: ``1``, ``-1``,
    ``0.01``). The engine wraps numbers into unlabelled leaves that a user's unnamed
    ``Value(0.5)`` cannot be told from; a weight drawn at random (``0.5159265...``)
    never reads as a literal, so it stays a parameter. `viz.names` also calls a leaf an
    input when a variable of the caller names it.
    """
    if node.parents:
        return False
    flag = getattr(type(node), "is_constant", None)
    if flag is not None and not callable(flag):
        return bool(node.is_constant)
    if node.label:
        return False
    if isinstance(getattr(node, "data", None), np.ndarray):
        # a number an op wrapped is 0-d (``t * 2``); an unnamed array is data: an input
        return not node.requires_grad and node.data.ndim == 0
    data = float(node.data)
    return data != data or float(f"{data:.6g}") == data  # (nan counts as typed)
