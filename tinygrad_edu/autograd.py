"""The graph core shared by the scalar `Value` and the numpy `Tensor` engines.

Every result of an op is a `Node` that remembers

* ``parents`` -- the inputs of the op, as a tuple (the order is the op's argument order),
* ``op``      -- the op's name ("*", "exp", "@", ...), for printing and drawing,
* ``label``   -- an optional name a person gave it ("w", "loss"),
* ``args``    -- the op's settings (an exponent, a slope, an axis), kept for printing,
* ``_rule``   -- the local-derivative rule: a plain function ``rule(node, upstream)`` that
  returns one gradient per parent (``None`` for a parent that needs none),
* ``_saved``  -- buffers the rule needs beyond the parents' data (a mask, a softmax);
  a backward pass frees them unless asked to retain the graph.

Backpropagation is the chain rule applied node by node, from the output back to the
inputs, in reverse topological order::

    downstream gradient = upstream gradient x local derivative

and where a node feeds several ops, the gradients arriving from each of them add up.
This module knows nothing about floats or arrays: `Value` and `Tensor` both sit on it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["Node", "topo_order", "run_backward", "no_grad", "enable_grad", "is_grad_enabled"]


class _GradMode:
    """Whether ops record the graph. The one global switch of the engine."""

    __slots__ = ("enabled",)

    def __init__(self) -> None:
        self.enabled = True


grad_mode = _GradMode()


def is_grad_enabled() -> bool:
    """True unless we are inside ``no_grad()``."""
    return grad_mode.enabled


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block ops build no graph: results are plain leaves (use it for
    evaluation and for parameter updates)."""
    previous = grad_mode.enabled
    grad_mode.enabled = False
    try:
        yield
    finally:
        grad_mode.enabled = previous


@contextmanager
def enable_grad() -> Iterator[None]:
    """Turn graph recording back on inside a ``no_grad()`` block."""
    previous = grad_mode.enabled
    grad_mode.enabled = True
    try:
        yield
    finally:
        grad_mode.enabled = previous


class _Freed:
    """Marks a node whose saved buffers were released by a backward pass."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<freed>"


FREED = _Freed()


class Node:
    """A vertex of the computational graph: a leaf (an input, a parameter) when it has
    no parents, otherwise the result of one op.

    Each engine adds its ``data`` and its ``requires_grad``: every Value takes part in
    backpropagation, a Tensor only when asked to.
    """

    __slots__ = ("parents", "op", "label", "grad", "args", "_rule", "_saved", "__weakref__")

    # What an op result's gradient is reset to at the start of every backward pass.
    # Value uses 0.0 (a float is always there), Tensor uses None (no array yet).
    _blank_grad: object = None
    # Whether op results keep their gradients after backward by default (see
    # run_backward); an engine that says no gives its nodes a `_retains_grad` flag.
    _keeps_all_grads: bool = True

    @property
    def is_leaf(self) -> bool:
        """A leaf was created by the user, not computed by an op that recorded a graph."""
        return self._rule is None

    def _describe(self) -> str:
        """A short name for messages: the label when there is one, else the op."""
        if self.label:
            return repr(self.label)
        return f"the result of {self.op!r}" if self.op else "a leaf"


def topo_order(root: Node) -> list[Node]:
    """Every node that ``root`` depends on, each after all of its parents (root last).

    Iterative depth-first search with an explicit stack, so a chain of a million nodes
    needs no recursion. The order depends only on the graph: parents are visited in
    their tuple order, which makes backward passes and drawings reproducible.
    """
    order: list[Node] = []
    visited = {root}
    stack = [root]
    while stack:
        node = stack[-1]
        for parent in node.parents:
            if parent not in visited:
                visited.add(parent)
                if parent.parents:  # go deeper first; come back to `node` later
                    stack.append(parent)
                    break
                order.append(parent)  # a leaf has nothing to wait for
        else:  # every parent is in `order` already (a graph has no cycles)
            order.append(stack.pop())
    return order


def run_backward(root: Node, seed: object, retain_graph: bool = False,
                 keep_all_grads: bool | None = None) -> list[Node]:
    """The one backward driver of both engines.

    ``seed`` is the gradient of the final result with respect to ``root`` itself
    (1.0 for a scalar loss). Op results get fresh gradients on every pass; leaves
    accumulate until someone zeroes them, as in PyTorch. Returns the nodes of the
    graph, parents first.

    Which op results keep their gradient afterwards: every Value (its graphs are there
    to be drawn, and a float costs nothing to keep). Tensors, as in PyTorch, keep only
    the root's and those of the tensors that called ``retain_grad()``, unless
    ``keep_all_grads``; the others are let go as soon as their rule has used them, which
    keeps a training step's memory as small as hand-written backpropagation's.
    """
    if keep_all_grads is None:
        keep_all_grads = root._keeps_all_grads
    # The pass allocates many small objects while holding the whole graph alive; pausing
    # the cyclic garbage collector (our graphs have no cycles) saves it from rescanning
    # every node again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _backward_pass(root, seed, retain_graph, keep_all_grads)
    finally:
        if collecting:
            gc.enable()


def _backward_pass(root: Node, seed: object, retain_graph: bool,
                   keep_all_grads: bool) -> list[Node]:
    order = topo_order(root)
    op_results = [node for node in order if node._rule is not None]
    for node in op_results:  # check everything before changing anything
        if node._saved is FREED:
            raise RuntimeError(
                f"backward: the graph through {node._describe()} was already used by an "
                "earlier backward() and its saved values were freed; pass "
                "retain_graph=True to the first backward() to go through it twice"
            )
    blank = root._blank_grad
    for node in op_results:  # op results start every pass afresh: never a stale gradient
        node.grad = blank
    if root._rule is None and root.grad is not None:
        root.grad = root.grad + seed  # a leaf as the root accumulates like any leaf
    else:
        root.grad = seed

    if blank is None:  # Tensors: gradients start as None, and some parents need none
        _propagate_arrays(op_results, root, keep_all_grads)
    else:  # Values: a float gradient for every node, the tightest loop
        _propagate_floats(op_results)
    if not retain_graph:
        for node in op_results:
            node._saved = FREED
    return order


def _propagate_floats(op_results: list[Node]) -> None:
    """The chain rule for Values, output first. Every gradient is a float and every
    Value takes part, so each parent simply adds upstream x local derivative."""
    for node in reversed(op_results):
        local_grads = node._rule(node, node.grad)
        i = 0
        for parent in node.parents:  # (indexing is much faster than zip() here)
            parent.grad += local_grads[i]
            i += 1


def _propagate_arrays(op_results: list[Node], root: Node, keep_all_grads: bool) -> None:
    """The chain rule for Tensors, output first. A gradient is None until the first
    contribution arrives, a rule gives None for a parent that needs none, and a tensor
    that does not require grad gets nothing."""
    for node in reversed(op_results):
        upstream = node.grad
        if upstream is None:  # no gradient reached this Tensor from the root
            continue
        local_grads = node._rule(node, upstream)
        i = 0
        for parent in node.parents:
            grad = local_grads[i]
            i += 1
            if grad is None or not parent.requires_grad:
                continue
            current = parent.grad
            if current is None:
                # A rule may hand the upstream array itself (or a view of it) to a
                # parent; a leaf keeps a copy of its own so that changing one gradient
                # in place can never change another.
                if parent._rule is None and (grad is upstream or grad.base is not None):
                    grad = grad.copy()
                parent.grad = grad
            else:
                parent.grad = current + grad
        if not keep_all_grads and not node._retains_grad and node is not root:
            node.grad = None  # used up: let the array go
