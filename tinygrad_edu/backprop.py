"""Gradients of gradients: ``backward(create_graph=True)`` and `grad`.

The ordinary backward pass (`autograd.run_backward`) runs every rule on plain floats
and arrays. Here the same rules run on the graph's own Values/Tensors instead, so each
``upstream x local derivative`` is itself recorded as ops: the backward pass becomes a
graph, and that graph can be differentiated again (the second derivative, a
Hessian-vector product, Newton's method).

A rule is written once for both: it reads ``node.parents[i].data`` and ``node.data``.
In the ordinary pass those are floats/arrays; here the rule receives a `GraphView` of
the node, in which ``.data`` *is* the Value/Tensor, so the same arithmetic
(``upstream * (1 - out * out)`` for tanh) builds a graph. Rules that need a function
(exp, where, ...) call the dispatching helpers of `tinygrad_edu.ops`.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence

from .autograd import (
    Node,
    SparseGrad,
    check_before_backward,
    free_saved,
    set_grad_enabled,
    topo_order_of,
)

__all__ = ["grad", "graph_backward", "graph_local_grads", "GraphView"]


class _DataOf:
    """A parent as a graph-building rule sees it: ``.data`` is the node itself."""

    __slots__ = ("data", "requires_grad", "label", "op")

    def __init__(self, node: Node) -> None:
        self.data = node
        self.requires_grad = node.requires_grad
        self.label, self.op = node.label, node.op

    @property
    def shape(self) -> tuple:
        return self.data.shape


class GraphView:
    """A node as a rule sees it when the gradient must be differentiable: the same
    ``parents``, ``args`` and ``saved`` as the node, but ``.data`` (of the node and of
    each parent) is the Value/Tensor itself instead of its float/array."""

    __slots__ = ("parents", "data", "args", "op", "label", "_saved", "requires_grad")

    def __init__(self, node: Node) -> None:
        self.parents = tuple(_DataOf(parent) for parent in node.parents)
        self.data = node
        self.args, self.op, self.label = node.args, node.op, node.label
        self._saved = node.saved
        self.requires_grad = node.requires_grad

    @property
    def saved(self):
        return self._saved

    @property
    def shape(self) -> tuple:
        return self.data.shape


def graph_local_grads(node: Node, upstream: Node) -> tuple:
    """The local gradients of ``node`` for a Value/Tensor ``upstream``, recorded as a
    graph (so they can be differentiated again)."""
    from .ops import spec_of  # ops sits above this module

    spec = spec_of(node)
    if spec is not None and not spec.differentiable:
        raise RuntimeError(
            f"create_graph: the rule of {node.op!r} works on plain numbers only, so its "
            "gradient cannot be differentiated again"
        )
    previous = set_grad_enabled(True)
    try:
        local = node._rule(GraphView(node), upstream)
    finally:
        set_grad_enabled(previous)
    return tuple(g if g is None or isinstance(g, Node) else upstream._constant_of(g)
                 for g in local)


def graph_backward(roots: Sequence[Node], seeds: Sequence, create_graph: bool,
                   retain_graph: bool) -> tuple[list[Node], dict]:
    """Back-propagate from several roots at once into a dict {node: gradient}; no
    ``.grad`` is touched. With ``create_graph`` every gradient is a Value/Tensor that
    records its own graph; else gradients are floats/arrays, as in the ordinary pass."""
    order = topo_order_of(roots)
    op_results = [node for node in order if node._rule is not None]
    check_before_backward(op_results)
    grads: dict = {}
    for root, seed in zip(roots, seeds, strict=True):
        # The upstream arrives as a rule expects it in this pass, whichever way it was
        # given: a Value/Tensor when the pass builds a graph, its float/array otherwise
        # (so no rule has to look at which kind it got).
        if create_graph and not isinstance(seed, Node):
            seed = root._constant_of(seed)
        elif not create_graph and isinstance(seed, Node):
            seed = seed.data
        grads[root] = seed if root not in grads else grads[root] + seed
    made_here: set = set()  # parents whose gradient array this loop made (may add in place)
    collecting = gc.isenabled()
    gc.disable()  # as in run_backward: our graphs have no cycles to collect
    try:
        for node in reversed(op_results):
            upstream = grads.get(node)
            if upstream is None:
                continue
            if create_graph:
                local = graph_local_grads(node, upstream)
            else:
                local = node._rule(node, upstream)
            for parent, local_grad in zip(node.parents, local, strict=True):
                if local_grad is None or not parent.requires_grad:
                    continue
                current = grads.get(parent)
                if isinstance(local_grad, SparseGrad):  # as in run_backward
                    grads[parent] = local_grad.dense() if current is None else \
                        local_grad.added_to(current, parent in made_here)
                    made_here.add(parent)
                else:
                    grads[parent] = local_grad if current is None else current + local_grad
    finally:
        if collecting:
            gc.enable()
    if not retain_graph:
        free_saved(op_results)
    return order, grads


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool = False) -> tuple:
    """The gradients of ``outputs`` with respect to ``inputs``, as in ``torch.autograd.grad``.

    Returns one gradient per input (a tuple) and touches no ``.grad``. ``grad_outputs``
    weights each output (needed for a Tensor output with more than one element).
    ``create_graph=True`` makes the gradients Values/Tensors with a graph of their own,
    so they can be differentiated again; ``retain_graph`` defaults to ``create_graph``.
    An input the outputs do not depend on raises, unless ``allow_unused`` (then None).

    >>> from tinygrad_edu import Value, grad
    >>> x = Value(2.0)
    >>> (dy,) = grad(x ** 3, x, create_graph=True)   # 3x² = 12
    >>> (d2y,) = grad(dy, x)                          # 6x = 12
    >>> dy.data, d2y.data
    (12.0, 12.0)
    """
    single_output = isinstance(outputs, Node)
    outputs = [outputs] if single_output else _listed(outputs, "outputs")
    inputs = [inputs] if isinstance(inputs, Node) else _listed(inputs, "inputs")
    if not outputs or not inputs:
        raise ValueError("grad: needs at least one output and one input")
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif single_output or isinstance(grad_outputs, Node) or not isinstance(grad_outputs,
                                                                           (list, tuple)):
        grad_outputs = [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad: {len(outputs)} outputs but {len(grad_outputs)} grad_outputs")
    for item in outputs + inputs:
        if not isinstance(item, Node):
            raise TypeError(f"grad: outputs and inputs must be Values or Tensors, "
                            f"got {type(item).__name__}")
    for output in outputs:
        if not output.requires_grad:
            raise RuntimeError("grad: an output does not require grad (was it computed "
                               "under no_grad(), or from tensors without requires_grad?)")
    seeds = [output._seed(weight, "grad") for output, weight in
             zip(outputs, grad_outputs, strict=True)]
    if retain_graph is None:
        retain_graph = create_graph
    _, grads = graph_backward(outputs, seeds, create_graph, retain_graph)
    result = []
    for position, item in enumerate(inputs):
        found = grads.get(item)
        if found is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad: input {position} ({item._describe()}) was not used to compute "
                    "the outputs; pass allow_unused=True to get None for it"
                )
            result.append(None)
            continue
        result.append(found if isinstance(found, Node) else item._constant_of(found))
    return tuple(result)


def _listed(items, who: str) -> list:
    """``grad``'s outputs or inputs: one Value/Tensor, or a list/tuple of them."""
    if isinstance(items, (list, tuple)):
        return list(items)
    raise TypeError(f"grad: {who} must be a Value or Tensor (or a list of them), got "
                    f"{type(items).__name__} {items!r}"[:160])


def commit_graph_grads(order: list[Node], grads: dict, root: Node) -> None:
    """``backward(create_graph=True)``: leaves accumulate their (differentiable)
    gradients into ``.grad``; op results keep theirs where the engine keeps them."""
    for node in order:
        found = grads.get(node)
        if node._rule is None:
            if found is None or not node.requires_grad:
                continue
            if not isinstance(found, Node):
                found = node._constant_of(found)
            current = node.grad
            if current is None or (type(current) is float and current == 0.0):
                node.grad = found
            else:
                node.grad = found + current
        elif node._keeps_all_grads or node is root or node._retains_grad:
            node.grad = found if found is not None else node._blank_grad
        else:
            node.grad = node._blank_grad
