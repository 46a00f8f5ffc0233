"""Everything viz knows about ops, in one place: the symbol drawn for an op, its local
derivative written in the graph's own names, its one-line math, the numbers its rule
gives, and whether a leaf is a constant.

All of it comes from the engine's op declarations (`tinygrad_edu.ops`: ``spec_of(node)``
with ``symbol``, ``math`` and ``local_text``; ``node.local_grads(upstream)``;
``node.is_constant``), so an op a learner declares is drawn and narrated like a built-in
one. What is added here is only how a drawing shows an op's settings (``x²``, ``Σ axis=0``,
``LeakyReLU(0.1)``).
"""

from __future__ import annotations

from tinygrad_edu import ops
from tinygrad_edu.autograd import Node

from .words import words_of

__all__ = ["op_symbol", "local_text", "math_text", "local_grads", "is_constant", "visible"]

_SUPERSCRIPTS = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")
# A control character (NUL, a tab, ...) cannot stand in a drawing's label (Graphviz
# refuses NUL) and shows as nothing or a box on a page: each is written as Python writes
# it in a string (NUL as \x00, a new line as \n), which is what the learner typed.
_VISIBLE = {code: repr(chr(code))[1:-1] for code in (*range(0x20), 0x7F)}


def visible(text: str) -> str:
    """``text`` with every control character written as its escape (NUL -> ``\\x00``)."""
    return text.translate(_VISIBLE)


def op_symbol(node: Node) -> str:
    """The symbol drawn for the op that made ``node``: ``×``, ``x²``, ``Σ axis=0``.

    A reduction over some axes shows them; over every axis it is just ``Σ``."""
    op, args = node.op, node.args
    if op.startswith("**") and len(op) > 2:  # a constant exponent, e.g. "**2"
        return "x" + op[2:].translate(_SUPERSCRIPTS)
    spec = ops.spec_of(node)
    symbol = visible(spec.symbol if spec is not None else op)
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
               lang: str = "en") -> str:
    """The local derivative of ``node`` with respect to its parent number ``slot``, in the
    graph's names: for ``g = w * x``, slot 0 gives ``x``; in ``lang``, as the op declares
    it (``local``, ``local_ko``: `tinygrad_edu.ops.declare`). ``"the <op> rule"`` when the
    op declares no formula for that parent."""
    parents = [_wrap(name) for name in parent_names]
    out = _wrap(out_name)
    if node.op.startswith("**") and len(node.op) > 2:  # a constant exponent n: n·a^(n−1)
        n = float(node.args[0])
        return f"{n:g}·{parents[0]}" if n == 2 else f"{n:g}·{parents[0]}^{n - 1:g}"
    spec = ops.spec_of(node)
    if spec is not None and (spec.variadic or slot < len(spec.local)):
        return spec.local_text(slot, parents, out, node.args, lang)
    return words_of("local_phrases", lang)["_rule"].format(op=node.op)


def math_text(node: Node) -> str:
    """The op's derivative in one line of math (``d tanh(a)/da = 1 − tanh(a)²``), or ""."""
    if node.op.startswith("**") and len(node.op) > 2 and node.args:
        n = float(node.args[0])
        return f"d(aⁿ)/da = n·aⁿ⁻¹ = {n:g}·a^{n - 1:g}"
    spec = ops.spec_of(node)
    return spec.math if spec is not None else ""


def local_grads(node: Node, upstream) -> tuple | None:
    """One gradient per parent for ``upstream``, by the op's own rule, changing nothing;
    ``None`` when the rule cannot run again (its saved buffers were freed)."""
    if not node.parents:
        return None
    try:
        return tuple(node.local_grads(upstream))
    except RuntimeError:  # the saved buffers were freed by backward()
        return None


def is_constant(node: Node) -> bool:
    """Whether a leaf is a constant: a plain number or array that an op wrapped (the 1.0
    in ``x + 1``, the 2 in ``t * 2``), as the engine marks it."""
    return not node.parents and node.is_constant
