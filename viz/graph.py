"""The graph model: any root (`Value` or `Tensor`) walked into a `networkx.DiGraph`.

Two kinds of vertex, as in the lecture's circuit diagrams:

* a **value vertex** ``"n<i>"`` for every node of the engine's graph (its forward value
  and its gradient), where ``i`` is the node's position in ``topo_order(root)``;
* an **op vertex** ``"op<i>"`` for the op that computed node ``i`` (×, +, exp, 1/x, ...).

Edges run the way data flows in the forward pass: parent value -> op -> result value.
Ids come from the topological order only (never from ``id()`` or ``hash()``), so the
same graph always gives the same model, the same DOT source and the same SVG.

This module only reads the graph: it never changes a node.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np

from tinygrad_edu.autograd import Node, topo_order

__all__ = ["to_networkx", "value_id", "op_id", "display_names", "format_number",
           "summarize", "OP_SYMBOLS", "op_symbol", "module_of_parameters"]

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


def value_id(index: int) -> str:
    """The vertex id of the node at position ``index`` of the topological order."""
    return f"n{index}"


def op_id(index: int) -> str:
    """The vertex id of the op that computed the node at position ``index``."""
    return f"op{index}"


def op_symbol(op: str, args: tuple = (), input_ndim: int | None = None) -> str:
    """The symbol drawn for an op: ``"*"`` -> ``×``, ``"**2"`` -> ``x²``, ``"sum"`` -> ``Σ``.

    A reduction over some axes shows them (``Σ axis=0``); over all ``input_ndim`` axes
    it is just ``Σ``."""
    if op.startswith("**") and len(op) > 2:  # a constant exponent, e.g. "**2"
        return "x" + op[2:].translate(_SUPERSCRIPTS)
    symbol = OP_SYMBOLS.get(op, op)
    if op in ("leaky_relu", "elu") and args:
        return f"{symbol}({format_number(args[0])})"
    if op in ("sum", "mean", "max", "min") and args and args[0] is not None:
        axes = args[0]
        if isinstance(axes, tuple) and input_ndim is not None and len(axes) == input_ndim:
            return symbol
        if isinstance(axes, tuple) and len(axes) == 1:
            axes = axes[0]
        return f"{symbol} axis={axes}"
    if op in ("softmax", "log_softmax") and args:
        return f"{symbol} axis={args[0]}"
    return symbol


def format_number(x: float) -> str:
    """A number as a learner writes it: ``-2``, ``0.5``, ``0.1192``, ``1.2e-07``."""
    x = float(x)
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"  # never "-0"
    return f"{x:.4g}"


def summarize(array: np.ndarray | None) -> str:
    """The numbers themselves when there are at most 6, else mean/std and the range."""
    if array is None:
        return "—"
    array = np.asarray(array)
    if array.size <= 6:
        if array.ndim == 0:
            return format_number(array)
        return "[" + ", ".join(format_number(v) for v in array.ravel()) + "]"
    data = array.astype(np.float64, copy=False)
    return (f"mean {format_number(data.mean())} std {format_number(data.std())} "
            f"[{format_number(data.min())}, {format_number(data.max())}]")


def display_names(order: list[Node]) -> list[str]:
    """A name for every node, used in drawings and in the step explanations.

    A node's own label first; an unlabelled constant leaf is named by its value
    (``1``, ``-1``); any other unlabelled node is ``t1, t2, ...`` in topological order.
    """
    names = []
    counter = 0
    for node in order:
        if node.label:
            names.append(str(node.label))
        elif not node.parents and isinstance(getattr(node, "data", None), float):
            names.append(format_number(node.data))
        else:
            counter += 1
            names.append(f"t{counter}")
    return names


def module_of_parameters(modules) -> dict[int, tuple[str, str]]:
    """Map each parameter of an ``nn.Module`` to (its module's path, its own name).

    ``named_parameters()`` gives names like ``"0.weight"``: the module is ``"0"`` and
    the parameter ``"weight"``. The dict is keyed by ``id()`` only to look parameters
    up while walking this one graph; ids never reach the drawing.
    """
    if modules is None:
        return {}
    found = {}
    for full_name, parameter in modules.named_parameters():
        module_path, _, own = full_name.rpartition(".")
        found[id(parameter)] = (module_path, own)
    return found


def _ndim(node: Node) -> int | None:
    return getattr(getattr(node, "data", None), "ndim", None)


def _is_tensor(node: Node) -> bool:
    return isinstance(getattr(node, "data", None), np.ndarray)


def _value_attributes(node: Node, index: int, name: str) -> dict:
    attributes = {
        "kind": "value", "index": index, "name": name, "label": node.label or "",
        "op": node.op, "leaf": not node.parents,
        "parameter": not node.parents and bool(node.requires_grad) and (
            _is_tensor(node) or bool(node.label)),
    }
    if _is_tensor(node):
        grad = node.grad
        attributes.update(
            tensor=True, shape=tuple(node.data.shape), dtype=str(node.data.dtype),
            data=summarize(node.data),
            grad=None if grad is None else summarize(grad),
            grad_shape=None if grad is None else tuple(np.shape(grad)),
        )
    else:
        attributes.update(tensor=False, data=float(node.data),
                          grad=None if node.grad is None else float(node.grad))
    return attributes


def to_networkx(root: Node, modules=None, order: list[Node] | None = None) -> nx.DiGraph:
    """Walk ``root`` into a DiGraph of value and op vertices (see the module docstring).

    Value vertices carry: kind="value", index, name, label, op, leaf, parameter, tensor,
    data (a float, or a summary string for tensors), grad (float / summary / None), and
    for tensors shape, dtype, grad_shape; plus module and parameter_name when
    ``modules`` (an ``nn.Module``) owns the node. Op vertices carry kind="op", index,
    op, symbol, args and module. Each edge into an op records ``positions``: which
    argument(s) of the op the parent is (``x * x`` uses one parent twice).
    """
    if not isinstance(root, Node):
        raise TypeError(f"viz: expected a Value or a Tensor, got {type(root).__name__}")
    order = topo_order(root) if order is None else order
    names = display_names(order)
    position = {node: i for i, node in enumerate(order)}
    owners = module_of_parameters(modules)
    clusters = _assign_modules(order, position, owners) if owners else {}

    graph = nx.DiGraph(root=value_id(len(order) - 1))
    for i, node in enumerate(order):
        attributes = _value_attributes(node, i, names[i])
        if i in clusters:
            attributes["module"] = clusters[i]
        owner = owners.get(id(node))
        if owner:
            attributes["parameter_name"] = owner[1]
            attributes["parameter"] = True
        graph.add_node(value_id(i), **attributes)
        if not node.parents:
            continue
        graph.add_node(op_id(i), kind="op", index=i, op=node.op,
                       symbol=op_symbol(node.op, node.args, _ndim(node.parents[0])),
                       args=node.args,
                       module=clusters.get(i))
        graph.add_edge(op_id(i), value_id(i))
        for slot, parent in enumerate(node.parents):
            source = value_id(position[parent])
            if graph.has_edge(source, op_id(i)):
                graph.edges[source, op_id(i)]["positions"].append(slot)
            else:
                graph.add_edge(source, op_id(i), positions=[slot])
    return graph


def _assign_modules(order: list[Node], position: dict, owners: dict) -> dict[int, str]:
    """Which nodes belong to which module's cluster.

    A module's parameters are its own; so is a node computed from that module's
    parameters alone (``weight.T``), and a node with such a node as a direct parent
    (``x @ weight.T``, ``... + bias``). Everything downstream belongs to no module.
    """
    cluster: dict[int, str] = {}
    pure: dict[int, str] = {}  # nodes computed from one module's parameters only
    for i, node in enumerate(order):
        owner = owners.get(id(node))
        if owner is not None:
            cluster[i] = pure[i] = owner[0]
            continue
        if not node.parents:
            continue
        parent_modules = _modules_of(node.parents, position, pure)
        if len(parent_modules) == 1 and all(position[p] in pure for p in node.parents):
            cluster[i] = pure[i] = parent_modules[0]
        elif parent_modules:
            cluster[i] = parent_modules[0]
    return cluster


def _modules_of(parents: Iterable[Node], position: dict, pure: dict) -> list[str]:
    found: list[str] = []
    for parent in parents:
        module = pure.get(position[parent])
        if module is not None and module not in found:
            found.append(module)
    return found
