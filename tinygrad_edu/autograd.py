"""The graph core shared by the scalar `Value` and the numpy `Tensor` engines.

Every result of an op is a `Node` that remembers

* ``parents`` -- the inputs of the op, as a tuple (the order is the op's argument order),
* ``op``      -- the op's name ("*", "exp", "@", ...), for printing and drawing,
* ``label``   -- an optional name a person gave it ("w", "loss"),
* ``args``    -- the op's settings (an exponent, a slope, an axis),
* its local-derivative rule, ``rule(node, upstream)``, which returns one gradient per
  parent (``None`` for a parent that needs none); `tinygrad_edu.ops` declares each
  rule together with its math and the text a drawing shows,
* ``saved``   -- buffers the rule needs beyond the parents' data (a mask, a softmax);
  a backward pass frees them unless asked to retain the graph.

Backpropagation is the chain rule applied node by node, from the output back to the
inputs, in reverse topological order::

    downstream gradient = upstream gradient x local derivative

and where a node feeds several ops, the gradients arriving from each of them add up.
This module knows nothing about floats or arrays: `Value` and `Tensor` both sit on it,
and each hands the driver what only its payload knows -- the gradient an op result
starts a pass with (``_blank_grad``) and the loop that adds the rules' gradients into
its parents (``_propagate``, a plain float loop for Values, an array loop that copies
shared buffers for Tensors). Nothing here imports either engine.
The driver for gradients of gradients (``create_graph=True``, `grad`) is in `backprop`.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable

__all__ = ["Node", "SparseGrad", "topo_order", "run_backward", "no_grad", "enable_grad",
           "is_grad_enabled", "set_grad_enabled", "dense"]


# ---- grad mode: one switch per thread ----


class _GradMode:
    """How many threads have graph recording switched off right now.

    Ops ask ``grad_mode.threads_off == 0`` first: while no thread is inside ``no_grad()``
    (all of training's forward passes) that one attribute read is all recording costs;
    only then do they look at this thread's own switch (`is_grad_enabled`).
    """

    __slots__ = ("threads_off", "lock")

    def __init__(self) -> None:
        self.threads_off = 0
        self.lock = threading.Lock()


grad_mode = _GradMode()
_this_thread = threading.local()  # .off is True inside no_grad() on this thread


def is_grad_enabled() -> bool:
    """True unless this thread is inside ``no_grad()`` (each thread has its own switch)."""
    return grad_mode.threads_off == 0 or not getattr(_this_thread, "off", False)


def set_grad_enabled(enabled: bool) -> bool:
    """Switch graph recording on or off for this thread; returns the previous setting."""
    was_off = getattr(_this_thread, "off", False)
    off = not enabled
    if off != was_off:
        with grad_mode.lock:
            grad_mode.threads_off += 1 if off else -1
        _this_thread.off = off
    return not was_off


class _GradSwitch:
    """A ``with`` block that sets this thread's grad mode and restores it after (a class
    rather than a generator: it is entered around every optimizer step)."""

    __slots__ = ("enabled", "previous")

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.previous = True

    def __enter__(self) -> None:
        self.previous = set_grad_enabled(self.enabled)

    def __exit__(self, *exc_info) -> None:
        set_grad_enabled(self.previous)


def no_grad() -> _GradSwitch:
    """Inside this block ops build no graph: results are plain leaves (use it for
    evaluation and for parameter updates). Other threads are not affected."""
    return _GradSwitch(False)


def enable_grad() -> _GradSwitch:
    """Turn graph recording back on inside a ``no_grad()`` block."""
    return _GradSwitch(True)


class _Freed:
    """Marks a node whose saved buffers were released by a backward pass."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<freed>"


FREED = _Freed()  # the rule's saved buffers were released: it cannot run again


class _Used:
    """Marks a node whose graph was used by a backward pass; it saved nothing, so its
    rule can still be run (by `Node.local_grads`), only not a second backward pass."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<used>"


USED = _Used()


class _Constant:
    """Marks a leaf the engine made from a plain number or array (`Node.is_constant`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<constant>"


CONSTANT = _Constant()


class SparseGrad:
    """A gradient that is zero outside a part of its tensor: what indexing hands back
    to the tensor it read from. The driver adds the part where it lies, into a gradient
    array the pass owns, instead of adding a whole array of zeros around it: reading
    x[t] for each of T steps then costs T parts, not T arrays the size of x. An engine
    subclasses it (`tensor_shape.IndexGrad`)."""

    __slots__ = ()

    def dense(self):
        """The whole gradient as an ordinary array."""
        raise NotImplementedError

    def added_to(self, total, in_place: bool):
        """``total`` plus this gradient; ``in_place``: may write into ``total``."""
        raise NotImplementedError


def dense(grad):
    """``grad`` as an ordinary array (a `SparseGrad` filled in; anything else as it is)."""
    return grad.dense() if isinstance(grad, SparseGrad) else grad


class Node:
    """A vertex of the computational graph: a leaf (an input, a parameter) when it has
    no parents, otherwise the result of one op.

    Each engine adds its ``data`` and its ``requires_grad``: every Value takes part in
    backpropagation, a Tensor only when asked to.
    """

    # Few slots on purpose: the garbage collector visits every slot of every node each
    # time it scans the heap, and while a graph is built that scan is most of the time.
    # Each slot more made building the 60k-node sum of squares (benchmarks/bench_scalar.py)
    # about 4% slower; so a constant is marked in ``_saved``, unused by any leaf.
    __slots__ = ("parents", "op", "label", "grad", "args", "_rule", "_saved", "__weakref__")

    # What an op result's gradient is reset to at the start of every backward pass
    # (None: no gradient yet; an engine whose gradients always exist gives its zero).
    _blank_grad: object = None
    # Whether op results keep their gradients after backward by default (see
    # run_backward); an engine that says no gives its nodes a `_retains_grad` flag.
    _keeps_all_grads: bool = True

    @property
    def is_leaf(self) -> bool:
        """A leaf was created by the user, not computed by an op that recorded a graph."""
        return self._rule is None

    @property
    def is_constant(self) -> bool:
        """True for a leaf the engine made from a plain number or array on one side of an
        op (the 1.0 in ``x + 1``), so a drawing can show it as a constant."""
        return self._rule is None and self._saved is CONSTANT

    @property
    def rule(self):
        """The local-derivative rule of the op that made this node (None for a leaf)."""
        return self._rule

    @property
    def saved(self):
        """What the op saved for its rule beyond the parents' data (None if nothing)."""
        saved = self._saved
        if saved is FREED:
            raise RuntimeError(self._freed_message("saved"))
        return None if saved is USED or saved is CONSTANT else saved

    def local_grads(self, upstream) -> tuple:
        """One gradient per parent for the given ``upstream`` (d(result)/d(this node)),
        computed by this node's rule; changes nothing. A ``Value``/``Tensor`` upstream
        gives gradients that are themselves differentiable (see `backprop`)."""
        if self._rule is None:
            raise RuntimeError(f"local_grads: {self._describe()} is a leaf: it has no rule")
        if self._saved is FREED:
            raise RuntimeError(self._freed_message("local_grads"))
        if isinstance(upstream, Node):
            from .backprop import graph_local_grads  # the slower, differentiable path

            return graph_local_grads(self, upstream)
        return tuple(dense(grad) for grad in self._rule(self, upstream))

    def _freed_message(self, who: str) -> str:
        return (f"{who}: the graph through {self._describe()} was already used by an "
                "earlier backward() and its saved values were freed; pass "
                "retain_graph=True to the first backward() to go through it twice")

    def _describe(self) -> str:
        """A short name for messages: the label when there is one, else the op."""
        if self.label:
            return repr(self.label)
        return f"the result of {self.op!r}" if self.op else "a leaf"

    # Whether the engine counts in-place changes of data (see check_before_backward).
    _keeps_versions: bool = False

    def _check_unchanged(self) -> None:
        """Raise if data this node's rule will read was changed since the op ran (an
        engine with version counters overrides this and sets ``_keeps_versions``)."""

    # What `ops.apply` asks of the engine (`op_checks`); an engine says what its data
    # and its gradients look like by overriding these two.

    def _checked_op_data(self, data, who: str):
        """``data`` as the data of an op result of this engine; raises if it cannot be."""
        return data

    def _checked_grad(self, grad, graph: bool):
        """A gradient a rule returned for this node, as the driver will add it; raises a
        TypeError/ValueError saying what is wrong (the caller names the op and the
        parent). ``graph``: the rule ran to build a graph (``create_graph``)."""
        return grad

    @staticmethod
    def _propagate(op_results: list[Node], root: Node, keep_all_grads: bool) -> None:
        """The chain rule, output first, for any payload that adds with ``+``: a gradient
        is None until the first contribution arrives, a rule gives None for a parent that
        needs none, and a node that does not require grad gets nothing. Each engine gives
        its nodes a faster loop of its own (`Value`, `Tensor`); `run_backward` calls it."""
        for node in reversed(op_results):
            upstream = node.grad
            if upstream is None:  # no gradient reached this node from the root
                continue
            local_grads = node._rule(node, upstream)
            for parent, grad in zip(node.parents, local_grads, strict=True):
                if grad is None or not parent.requires_grad:
                    continue
                grad = dense(grad)
                parent.grad = grad if parent.grad is None else parent.grad + grad


def topo_order(root: Node) -> list[Node]:
    """Every node that ``root`` depends on, each after all of its parents (root last).

    Iterative depth-first search with an explicit stack, so a chain of a million nodes
    needs no recursion. The order depends only on the graph: parents are visited in
    their tuple order, which makes backward passes and drawings reproducible.
    """
    return topo_order_of((root,))


def topo_order_of(roots: Iterable[Node]) -> list[Node]:
    """`topo_order` of several roots at once: each node once, after its parents."""
    order: list[Node] = []
    visited: set = set()
    for root in roots:
        if root in visited:
            continue
        visited.add(root)
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


def check_before_backward(op_results: list[Node]) -> None:
    """Everything a pass needs is still there: raise before changing anything."""
    for node in op_results:
        saved = node._saved
        if saved is FREED or saved is USED:
            raise RuntimeError(node._freed_message("backward"))
    # Only an engine with version counters (Tensor) can see an in-place change; skipping
    # the call for Values saves one method call per node (2.4% of the instructions of a
    # scalar pass, counted with callgrind on the 60k-node sum of squares).
    if op_results and op_results[0]._keeps_versions:
        for node in op_results:
            node._check_unchanged()


def run_backward(root: Node, seed: object, retain_graph: bool = False,
                 keep_all_grads: bool | None = None) -> list[Node]:
    """The one backward driver of both engines (for ``create_graph=False``).

    ``seed`` is the gradient of the final result with respect to ``root`` itself
    (1.0 for a scalar loss). Op results get fresh gradients on every pass; leaves
    accumulate until someone zeroes them, as in PyTorch. Returns the nodes of the
    graph, parents first. A pass that fails half-way (a rule raising) puts every
    gradient back as it was, so the next pass does not count anything twice.

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
    check_before_backward(op_results)
    before = [node.grad for node in order]  # to undo a pass that fails (collect, restore)
    blank = root._blank_grad
    try:
        for node in op_results:  # op results start every pass afresh: never a stale grad
            node.grad = blank
        if root._rule is None and root.grad is not None:
            root.grad = root.grad + seed  # a leaf as the root accumulates like any leaf
        else:
            root.grad = seed
        root._propagate(op_results, root, keep_all_grads)  # the engine's own loop
    except BaseException:
        for node, grad in zip(order, before, strict=True):
            node.grad = grad
        raise
    if not retain_graph:
        free_saved(op_results)
    return order


def free_saved(op_results: list[Node]) -> None:
    """After a backward pass: release what the rules saved (a second pass then raises)."""
    for node in op_results:
        node._saved = USED if node._saved is None else FREED
