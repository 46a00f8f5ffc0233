"""One name and one kind for every node, used alike by the drawing, the steps, the title
and the legend.

Names, first rule that applies:

* a parameter of the model (``modules=model``, or a model found among the caller's
  variables): its path in the model, ``0.weight``, ``2.bias``;
* the node's own label;
* the caller's variable that holds it (``loss = ...; viz.html(loss)`` names it ``loss``);
* the root: ``loss``; an input: ``x1, x2, ...``; a parameter: ``w1, w2, ...``; a
  constant: its value (``1``, ``-1``); any other node: ``t1, t2, ...``, numbered in
  forward (topological) order.

Kinds: ``parameter`` (a leaf that learns: an ``nn.Parameter``, a model's parameter, a
Tensor leaf with ``requires_grad``, or an unnamed Value that is no literal -- a weight
drawn at random), ``input``, ``constant`` (see `viz.opinfo.is_constant`),
``intermediate``, ``output`` (the root).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from tinygrad_edu.autograd import Node

from .opinfo import is_constant, visible

__all__ = ["Naming", "name_nodes", "caller_names", "find_modules", "KINDS", "format_number"]

KINDS = ("parameter", "input", "constant", "intermediate", "output")


def format_number(x) -> str:
    """A number as a learner writes it: ``-2``, ``0.5``, ``0.1192``, ``1.2e-07``."""
    x = float(x)
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"  # never "-0"
    return f"{x:.4g}"


@dataclass
class Naming:
    """``names[i]``, ``kinds[i]`` and ``modules[i]`` (the owning module's path, or None)
    for the node at position ``i`` of the topological order."""

    names: list[str]
    kinds: list[str]
    modules: list[str | None]


FRAMES = 6  # how many callers out from the viz call are searched for names


def _caller_scopes(skip: tuple[str, ...]):
    """The variables of the callers of viz, nearest first: each frame's own locals (not
    its arguments: a helper's ``root`` parameter names nothing), then its globals."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] in skip:
        frame = frame.f_back
    for _ in range(FRAMES):
        if frame is None:
            return
        code = frame.f_code
        arguments = set(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
        if code.co_flags & 0x04:  # *args
            arguments.add(code.co_varnames[len(arguments)])
        yield {k: v for k, v in frame.f_locals.items() if k not in arguments}
        if frame.f_back is None or frame.f_back.f_globals is not frame.f_globals:
            yield frame.f_globals
        frame = frame.f_back


def caller_names(skip: tuple[str, ...] = ("viz",)) -> dict[int, str]:
    """``id(object) -> variable name`` among the callers of viz (see `_caller_scopes`), so
    ``viz.html(loss)`` can call the root ``loss``. The ids are looked up only while this
    one graph is walked and never reach the output."""
    found: dict[int, str] = {}
    for scope in _caller_scopes(skip):
        for variable, value in list(scope.items()):
            if variable.startswith("_") or not isinstance(value, Node):
                continue
            found.setdefault(id(value), variable)
    return found


def find_modules(order: list[Node], skip: tuple[str, ...] = ("viz",)):
    """The callers' model whose parameters are in this graph (the one owning most of
    them), or None. Looked for only among the callers' variables."""
    leaves = {id(node) for node in order if not node.parents}
    best, best_count = None, 0
    for scope in _caller_scopes(skip):
        for value in list(scope.values()):
            # a network of scalar Values (nn.ValueMLP: its Values are the graph's leaves),
            # or an nn.Module
            named = getattr(value, "named_values", None) or getattr(value, "named_parameters",
                                                                    None)
            if named is None or isinstance(value, type) or not callable(named):
                continue
            try:
                count = sum(1 for _, p in named() if id(p) in leaves)
            except Exception:  # not a Module after all
                continue
            if count > best_count:
                best, best_count = value, count
    return best


def _parameter_paths(modules) -> dict[int, tuple[str, str | None]]:
    """``id(parameter) -> (full path, module path)``: ``"0.weight"`` lives in ``"0"``."""
    if modules is None:
        return {}
    if hasattr(modules, "named_values"):  # scalar Values: named, in no layer box
        return {id(v): (name, None) for name, v in modules.named_values()}
    return {id(p): (full, full.rpartition(".")[0]) for full, p in modules.named_parameters()}


def _is_parameter(node: Node, paths: dict) -> bool:
    """A model's parameter, an ``nn.Parameter``, a Tensor leaf that requires grad, or an
    unnamed Value leaf that is no literal (a weight drawn at random, micrograd-style)."""
    if id(node) in paths or type(node).__name__ == "Parameter":
        return True
    if isinstance(getattr(node, "data", None), np.ndarray):
        return bool(node.requires_grad)
    return not node.label and not is_constant(node)


def _constant_name(node: Node) -> str:
    data = np.asarray(node.data)
    if data.size == 1:
        return format_number(data.reshape(()))
    if data.size <= 4:
        return "[" + ", ".join(format_number(v) for v in data.ravel()) + "]"
    return ""


def name_nodes(order: list[Node], modules=None, variables: dict[int, str] | None = None,
               root_name: str | None = None) -> Naming:
    """Names and kinds for ``order`` (a topological order, root last); see the module
    docstring. ``variables``: ``id -> name`` from `caller_names`."""
    variables = variables or {}
    paths = _parameter_paths(modules)
    names: list[str] = []
    kinds: list[str] = []
    owners: list[str | None] = []
    counters = dict.fromkeys(KINDS, 0)
    last = len(order) - 1
    for i, node in enumerate(order):
        path = paths.get(id(node))
        if i == last:
            kind = "output"
        elif node.parents:
            kind = "intermediate"
        elif _is_parameter(node, paths):
            kind = "parameter"
        elif is_constant(node) and id(node) not in variables:
            kind = "constant"
        else:
            kind = "input"
        name = path[0] if path else (visible(str(node.label)) if node.label
                                     else variables.get(id(node)))
        if i == last and not name:
            name = root_name or "loss"
        if not name and kind == "constant":
            name = _constant_name(node)
        if not name:
            prefix = {"input": "x", "constant": "c", "parameter": "w"}.get(kind, "t")
            counters[kind] += 1
            name = f"{prefix}{counters[kind]}"
        names.append(name)
        kinds.append(kind)
        owners.append(path[1] if path else None)
    _make_unique(names, kinds)
    return Naming(names, kinds, owners)


def _make_unique(names: list[str], kinds: list[str]) -> None:
    """Two different nodes never share a name (constants may: ``1`` is ``1``)."""
    seen: dict[str, int] = {}
    taken = set(names)
    for i, name in enumerate(names):
        if kinds[i] == "constant":
            continue
        count = seen.get(name, 0) + 1
        seen[name] = count
        if count > 1:
            candidate = f"{name}#{count}"
            while candidate in taken:
                count += 1
                candidate = f"{name}#{count}"
            names[i] = candidate
            taken.add(candidate)
