"""What the narration says about arrays: the shapes a matrix product multiplies, where a
reduction's or a reshape's upstream goes, and which axes a broadcast parent's gradient
is summed over (every pattern: added leading axes, and size-1 axes kept as size 1)."""

from __future__ import annotations

import numpy as np

from tinygrad_edu.autograd import Node

from .names import format_number
from .quantity import summarize

__all__ = ["ELEMENTWISE", "RESHAPING", "broadcast_axes", "broadcast_lines", "tensor_product"]

ELEMENTWISE = {"+", "-", "*", "/", "**", "where", "prelu"}
RESHAPING = {"sum", "mean", "max", "min", "reshape", "transpose", "index", "cat", "stack"}


def _shape(x) -> str:
    return str(tuple(np.shape(x)))


def _show(x) -> str:
    return summarize(x) if isinstance(x, np.ndarray) else format_number(x)


def _paren(symbol: str) -> str:
    """Brackets around a formula that is more than one term: ``1 × (1 − t²)``."""
    return f"({symbol})" if any(c in symbol for c in " +−-") and not symbol.startswith("(") \
        else symbol


def broadcast_axes(shape: tuple, out: tuple) -> tuple[list[int], list[int]]:
    """Which axes of ``out`` a gradient is summed over to get back to ``shape``: the
    leading axes broadcasting added, and the axes where ``shape`` has size 1 (kept)."""
    lead = len(out) - len(shape)
    added = list(range(lead))
    kept = [lead + k for k, n in enumerate(shape) if n == 1 and out[lead + k] != 1]
    return added, kept


def tensor_product(node: Node, slot: int, parent_names: list[str], symbol: str, local,
                   words: dict) -> str:
    """The product for arrays, naming shapes where the shapes are the lesson."""
    up = node.grad
    parents = node.parents
    if node.op == "@" and len(parents) == 2:
        a, b = parents
        if slot == 0:
            other = _transposed_shape(b.data)
            return f"upstream @ {parent_names[1]}ᵀ = upstream {_shape(up)} @ " \
                   f"{parent_names[1]}ᵀ {other}"
        return f"{parent_names[0]}ᵀ @ upstream = {parent_names[0]}ᵀ " \
               f"{_transposed_shape(a.data)} @ upstream {_shape(up)}"
    if node.op == "linear":
        if slot == 0:
            return f"upstream {_shape(up)} @ {parent_names[1]} {_shape(parents[1].data)}"
        if slot == 1:
            return f"upstreamᵀ {_transposed_shape(up)} @ {parent_names[0]} " \
                   f"{_shape(parents[0].data)}"
        return f"upstream {_shape(up)} {words['summed_rows']}"
    if node.op in RESHAPING:  # the lesson is where the upstream's numbers go
        return f"upstream {_shape(up)} → {_shape(parents[slot].data)}: {symbol}"
    if "upstream" in symbol:  # the rule is written with the upstream in it already
        return symbol
    text = f"upstream × {_paren(symbol)}"
    if local is not None and local[slot] is not None and np.size(up) <= 6:
        text += f" = {_show(up)} × {_show(local[slot])}"
    return text


def broadcast_lines(words: dict, node: Node, parent: Node, name: str) -> list[str]:
    """'b has shape (2,) and was broadcast to (3, 2): its gradient is the upstream summed
    over axis 0', for a parent of an elementwise op whose shape broadcasting changed."""
    if node.op not in ELEMENTWISE or not isinstance(parent.data, np.ndarray):
        return []
    shape, out = tuple(parent.data.shape), tuple(node.data.shape)
    if shape == out:
        return []
    added, kept = broadcast_axes(shape, out)
    summed = sorted(added + kept)
    if not summed:
        return []
    w = words
    axes = (w["axis"] if len(summed) == 1 else w["axes"]).format(a=_and(summed, w["and"]))
    if kept:
        keep = (w["axis"] if len(kept) == 1 else w["axes"]).format(a=_and(kept, w["and"]))
        axes += w["kept"].format(a=keep)
    return [w["broadcast"].format(parent=name, shape=str(shape), out=str(out),
                                  axes=axes)]


def _transposed_shape(data) -> str:
    shape = np.shape(data)
    return str(tuple(shape[:-2]) + (shape[-1], shape[-2])) if len(shape) >= 2 else str(shape)


def _and(items: list[int], word: str) -> str:
    text = [str(a) for a in items]
    return text[0] if len(text) == 1 else ", ".join(text[:-1]) + word + text[-1]
