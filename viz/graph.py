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

from tinygrad_edu.autograd import Node

from .names import format_number
from .opinfo import op_symbol
from .quantity import summarize

__all__ = ["to_networkx", "value_id", "op_id", "format_number", "summarize",
           "module_of_parameters", "module_clusters", "value_vertex", "SymbolCache"]


def value_id(index: int) -> str:
    """The vertex id of the node at position ``index`` of the topological order."""
    return f"n{index}"


def op_id(index: int) -> str:
    """The vertex id of the op that computed the node at position ``index``."""
    return f"op{index}"


def module_of_parameters(modules) -> dict[int, tuple[str, str]]:
    """Map each parameter of an ``nn.Module`` to (its module's path, its own name).

    ``named_parameters()`` gives names like ``"0.weight"``: the module is ``"0"`` and
    the parameter ``"weight"``. The dict is keyed by ``id()`` only to look parameters
    up while walking this one graph; ids never reach the drawing.
    """
    if modules is None or not hasattr(modules, "named_parameters"):
        return {}  # (a network of scalar Values names its weights but has no layers)
    found = {}
    for full_name, parameter in modules.named_parameters():
        module_path, _, own = full_name.rpartition(".")
        found[id(parameter)] = (module_path, own)
    return found


def _is_tensor(node: Node) -> bool:
    return isinstance(getattr(node, "data", None), np.ndarray)


def _value_attributes(node: Node, index: int, facts) -> dict:
    role = facts.naming.kinds[index]
    attributes = {
        "kind": "value", "index": index, "name": facts.names[index], "label": node.label or "",
        "op": node.op, "leaf": not node.parents, "role": role, "parameter": role == "parameter",
    }
    # No gradient row where there is no true gradient to show: before backward(), for a
    # constant (unless asked), and for a released Tensor gradient ("—" in the drawing).
    grad = node.grad
    shows_grad = facts.has_gradients and not facts.hidden_constant(index)
    attributes["has_grad"] = shows_grad
    if _is_tensor(node):
        attributes.update(
            tensor=True, shape=tuple(node.data.shape), dtype=str(node.data.dtype),
            data=summarize(node.data),
            grad=None if grad is None or not shows_grad else summarize(grad),
            grad_shape=None if grad is None else tuple(np.shape(grad)),
        )
    else:
        attributes.update(tensor=False, data=float(node.data),
                          grad=None if grad is None or not shows_grad else float(grad))
    return attributes


def to_networkx(root: Node, modules=None, facts=None, only: set[int] | None = None) -> nx.DiGraph:
    """Walk ``root`` into a DiGraph of value and op vertices (see the module docstring).

    Value vertices carry: kind="value", index, name, role (parameter / input / constant /
    intermediate / output, as in `viz.names`), label, op, leaf, parameter, has_grad,
    tensor, data (a float, or a summary string for tensors), grad (float / summary / None
    where no gradient is shown), and for tensors shape, dtype, grad_shape; plus module
    when ``modules`` (an ``nn.Module``) owns the node. Op vertices carry kind="op",
    index, op, symbol, args and module. Each edge into an op records ``positions``:
    which argument(s) of the op the parent is (``x * x`` uses one parent twice).
    ``facts``: the names and kinds from `viz.steps.graph_facts` (made here if absent).
    ``only``: the positions of the nodes to include (with their ops, and the edges
    between what is included) -- a part of a big graph, without walking all of it.
    """
    if not isinstance(root, Node):
        raise TypeError(f"viz: expected a Value or a Tensor, got {type(root).__name__}")
    if facts is None:
        from .steps import graph_facts

        facts = graph_facts(root, modules=modules)
    order = facts.order
    position = facts.position
    clusters = module_clusters(facts, modules)
    # Vertices and edges are collected first and added in bulk: networkx's one-at-a-time
    # add_node/add_edge was most of the time of a 100k-node graph.
    vertices, edges = [], []
    symbols = SymbolCache()
    for i in (range(len(order)) if only is None else sorted(only)):
        node = order[i]
        vertices.append((value_id(i), value_vertex(facts, i, clusters)))
        if not node.parents:
            continue
        op = op_id(i)
        vertices.append((op, {"kind": "op", "index": i, "op": node.op, "symbol": symbols(node),
                              "args": node.args, "module": clusters.get(i)}))
        edges.append((op, value_id(i), {}))
        slots: dict[str, list[int]] = {}
        for slot, parent in enumerate(node.parents):
            j = position[parent]
            if only is None or j in only:
                slots.setdefault(value_id(j), []).append(slot)
        edges.extend((source, op, {"positions": positions}) for source, positions in slots.items())
    graph = nx.DiGraph(root=value_id(len(order) - 1), state=facts.state)
    graph.add_nodes_from(vertices)
    graph.add_edges_from(edges)
    return graph


class SymbolCache:
    """`op_symbol` worked out once per kind of op (a 100k-node graph has a handful)."""

    def __init__(self) -> None:
        self.found: dict[tuple, str] = {}

    def __call__(self, node: Node) -> str:
        if any(isinstance(a, np.ndarray) for a in node.args):
            return op_symbol(node)  # (arrays cannot be a key)
        key = (node.op, node.args, getattr(node.parents[0].data, "ndim", None))
        try:
            return self.found[key]
        except KeyError:
            self.found[key] = symbol = op_symbol(node)
            return symbol
        except TypeError:  # unhashable settings
            return op_symbol(node)


def value_vertex(facts, i: int, clusters: dict[int, str]) -> dict:
    """The attributes of the value vertex of node ``i`` (see `to_networkx`)."""
    attributes = _value_attributes(facts.order[i], i, facts)
    if i in clusters:
        attributes["module"] = clusters[i]
    return attributes


def module_clusters(facts, modules) -> dict[int, str]:
    """Which nodes sit in which module's box (positions -> module path)."""
    owners = module_of_parameters(modules)
    if not owners and any(facts.naming.modules):
        owners = {id(node): (module, "")
                  for node, module in zip(facts.order, facts.naming.modules, strict=True)
                  if module is not None}
    return _assign_modules(facts.order, facts.position, owners) if owners else {}


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
